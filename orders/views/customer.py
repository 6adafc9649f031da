"""The customer's private order page (no account: the signed link is the key): items,
the status timeline, the QR of their living photo once it exists, and renewal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from arcontent.api.serializers import public_view_url
from arcontent.models import ARContent
from arcontent.printing.qr import qr_svg
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.branding import company_logo_url
from orders.invoices.downloads import document_pdf_response
from orders.invoices.models import CreditNote, Invoice, IssuedDocument
from orders.links import access_token_from, customer_page_path
from orders.models import Order
from orders.payments.state import payment_state, refresh_on_return
from orders.services import renewal_order_create, renewal_product

RENEWAL_WINDOW = timedelta(days=30)
SHOWS_QR = frozenset({ARContent.Status.READY, ARContent.Status.ACTIVE, ARContent.Status.PAUSED,
                      ARContent.Status.EXPIRED})  # fmt: skip


def order_for_link(signed: str) -> Order:
    """The order behind a signed link; a tampered or unknown link is a 404."""
    token = access_token_from(signed)
    if token is None:
        raise Http404
    with scopes_disabled():  # the signed token is the secret that picks the company
        order = Order.objects.select_related("company", "content").filter(access_token=token).first()
    if order is None:
        raise Http404
    return order


def customer_page(request: HttpRequest, token: str) -> HttpResponse:
    order = order_for_link(token)
    language = request.GET.get("lang") if request.GET.get("lang") in ("ru", "en") else order.customer_language
    returned = request.GET.get("payment") == "return"
    with company_scope(order.company), translation.override(language):
        if returned:
            order = refresh_on_return(order)
        return render(
            request,
            "orders/customer_page.html",
            {
                **_context(order, error=request.GET.get("error", "")),
                "placed": request.GET.get("placed") == "1",
                "payment_state": payment_state(order, returned=returned),
                "payment_error": request.GET.get("error") == "payment",
            },
        )


@require_POST
def customer_renew(request: HttpRequest, token: str) -> HttpResponse:
    """The customer asks to renew: a renewal order awaiting payment (the open one again if
    they ask twice), then its page."""
    order = order_for_link(token)
    with company_scope(order.company), translation.override(order.customer_language):
        try:
            renewal = renewal_order_create(order=order)
        except ValidationError:
            return HttpResponseRedirect(
                reverse("order-customer-page", kwargs={"token": token}) + "?error=renew"
            )
    return HttpResponseRedirect(customer_page_path(renewal.access_token))


def _context(order: Order, *, error: str) -> dict[str, Any]:
    company = order.company
    content = order.content
    shows_qr = content is not None and content.status in SHOWS_QR
    return {
        "order": order,
        "items": list(order.items.all()),
        "history": list(order.status_changes.all()),
        "company_name": company.name,
        "brand_color": company.brand_color,
        "logo_url": company_logo_url(company, absolute=False),
        "content": content,
        "view_url": public_view_url(content) if shows_qr and content is not None else "",
        # our own SVG, made from our own URL: safe to inline (no data: URI for the CSP)
        "qr_svg": mark_safe(qr_svg(public_view_url(content)).decode()) if shows_qr and content else "",  # noqa: S308
        "can_renew": _can_renew(order),
        "documents": _documents(order),
        "renew_refused": error == "renew",
    }


def _documents(order: Order) -> list[tuple[str, IssuedDocument]]:
    invoices: list[tuple[str, IssuedDocument]] = [("invoice", i) for i in Invoice.objects.filter(order=order)]
    notes: list[tuple[str, IssuedDocument]] = [
        ("credit-note", n) for n in CreditNote.objects.filter(order=order)
    ]
    return invoices + notes


def customer_document(request: HttpRequest, token: str, kind: str, pk: int) -> FileResponse:
    """The order's invoice or credit note as PDF; only documents of this very order."""
    order = order_for_link(token)
    model = {"invoice": Invoice, "credit-note": CreditNote}.get(kind)
    if model is None:
        raise Http404
    with company_scope(order.company):
        document = model._default_manager.filter(order=order, pk=pk).first()
        if document is None:
            raise Http404
        return document_pdf_response(document)


def _can_renew(order: Order) -> bool:
    content = order.content
    if content is None or content.status not in (ARContent.Status.ACTIVE, ARContent.Status.PAUSED,
                                                 ARContent.Status.EXPIRED):  # fmt: skip
        return False
    if content.expires_at is None or content.expires_at > timezone.now() + RENEWAL_WINDOW:
        return False
    return renewal_product(order.company) is not None
