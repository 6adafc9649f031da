"""The customer's side of paying: "pay" on the order page (to the provider's confirmation
page), the order's live status for the page to follow, and the sandbox provider's test
payment page."""

from __future__ import annotations

import uuid

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from arvlite.core.tenancy import company_scope
from orders.links import customer_page_path
from orders.models import Order
from orders.payments.models import Provider, SandboxCharge
from orders.payments.providers.base import Notification, ProviderError
from orders.payments.providers.sandbox import SandboxProvider
from orders.payments.services import notification_handle, payment_start
from orders.payments.state import payment_state
from orders.views.customer import order_for_link

log = structlog.get_logger(__name__)


@require_POST
def customer_pay(request: HttpRequest, token: str) -> HttpResponse:
    order = order_for_link(token)
    with company_scope(order.company), translation.override(order.customer_language):
        return pay_redirect(order)


def pay_redirect(order: Order) -> HttpResponse:
    """To the provider's confirmation page, or back to the order page if it cannot be
    reached now (the page offers "pay" again)."""
    page = customer_page_path(order.access_token)
    try:
        payment = payment_start(order=order)
    except (ValidationError, ProviderError) as error:
        log.info("payment.start_failed", order=order.pk, error=str(error))
        return HttpResponseRedirect(page + "?error=payment")
    if not payment.confirmation_url:
        return HttpResponseRedirect(page + "?error=payment")
    return HttpResponseRedirect(payment.confirmation_url)


@require_GET
def customer_status(request: HttpRequest, token: str) -> JsonResponse:
    """The order's status for the open order page, polled while a payment is confirming."""
    order = order_for_link(token)
    language = request.GET.get("lang") if request.GET.get("lang") in ("ru", "en") else order.customer_language
    with company_scope(order.company), translation.override(language):
        response = JsonResponse({
            "status": order.status,
            "status_label": order.get_status_display(),
            "payment": payment_state(order, returned=request.GET.get("returned") == "1"),
        })  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


def sandbox_page(request: HttpRequest, charge_id: uuid.UUID) -> HttpResponse:
    """The sandbox's confirmation page: "pay" or "decline" drive the same notification
    handling as a real provider's webhook."""
    if not settings.PAYMENT_SANDBOX:
        raise Http404
    charge = SandboxCharge.objects.filter(pk=charge_id).first()
    if charge is None:
        raise Http404
    if request.method == "POST":
        decided = SandboxProvider().decide(str(charge.id), pay=request.POST.get("choice") == "pay")
        notification = Notification(event=f"payment.{decided.status}", object_id=str(decided.id),
                                    payment_id=str(decided.id))  # fmt: skip
        notification_handle(provider=Provider.SANDBOX, notification=notification,
                            payload={"event": notification.event, "object": {"id": str(decided.id)}})  # fmt: skip
        return HttpResponseRedirect(decided.return_url)
    return render(request, "orders/sandbox_payment.html", {"charge": charge})
