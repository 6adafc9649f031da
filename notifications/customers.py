"""Reminders to the customers themselves (people without an account): where the company
turned it on, the content's customer e-mail gets the expiry notices with a link to renew
— the customer's order page when the content came from an order, otherwise the
company's contact. Each has its own signed unsubscribe link; no login anywhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from arcontent.models import ARContent
from companies.models import Company
from notifications.models import Channel, CustomerOptOut, Delivery
from orders.links import customer_page_url
from orders.models import Order

CUSTOMER_SALT = "notifications.customer-unsubscribe"


def customer_unsubscribe_url(company_id: int, email: str) -> str:
    token = signing.dumps({"c": company_id, "m": email.lower()}, salt=CUSTOMER_SALT, compress=True)
    return settings.PUBLIC_URL.rstrip("/") + reverse("notification-customer-unsubscribe", args=[token])


def customer_unsubscribe(token: str) -> tuple[int, str] | None:
    """Record the opt-out the token names; None for a tampered token."""
    try:
        data = signing.loads(token, salt=CUSTOMER_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("m"), str):
        return None
    if not Company.objects.filter(pk=data["c"]).exists():
        return None  # the company is gone: nothing will be sent anyway
    CustomerOptOut.objects.with_scopes_disabled().get_or_create(company_id=data["c"], email=data["m"])
    return data["c"], data["m"]


def customer_token_valid(token: str) -> bool:
    try:
        signing.loads(token, salt=CUSTOMER_SALT)
    except signing.BadSignature:
        return False
    return True


def _renew_link(content: ARContent) -> str:
    order = Order.objects.filter(content=content).order_by("-created_at").first()
    if order is not None:
        return customer_page_url(order.access_token)
    return f"mailto:{content.company.contact_email}" if content.company.contact_email else ""


def remind_customer(content: ARContent, *, days: int | None) -> Delivery | None:
    """Queue the reminder (``days`` left, or None once expired) to the content's customer;
    inside the caller's transaction, sent after commit. None when not wanted."""
    company = content.company
    email = content.customer_email.strip().lower()
    if not company.customer_reminders or not email:
        return None
    if CustomerOptOut.objects.filter(company=company, email=email).exists():
        return None
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        expires = (
            formats.date_format(timezone.localtime(content.expires_at), "DATE_FORMAT")
            if content.expires_at
            else ""
        )
        context: dict[str, Any] = {
            "company_name": company.name, "brand_color": company.brand_color, "customer_name": content.customer_name,
            "order_number": content.order_number, "expires": expires, "days": days, "renew_url": _renew_link(content),
            "unsubscribe_url": customer_unsubscribe_url(company.pk, email),
        }  # fmt: skip
        subject = (
            _("Your living photo %(number)s stops playing on %(date)s")
            % {"number": content.order_number, "date": expires}
            if days is not None
            else _("Your living photo %(number)s has stopped playing") % {"number": content.order_number}
        )
        delivery = Delivery.objects.create(
            company=company, notification=None, event="content.expired" if days is None else "content.expiring",
            channel=Channel.EMAIL, address=email, language=language, subject=subject[:300],
            text=render_to_string("emails/notifications/customer_reminder.txt", context),
            html=render_to_string("emails/notifications/customer_reminder.html", context),
            unsubscribe_url=context["unsubscribe_url"],
        )  # fmt: skip
    from notifications.tasks import send_delivery

    send_delivery.delay_on_commit(delivery.pk)
    return delivery
