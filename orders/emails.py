"""E-mails to the customer about their order: when it is created and at every status move,
in the customer's language, queued after commit through the one e-mail path."""

from __future__ import annotations

from django.utils import translation

from arvlite.core.email import send_templated_email
from orders.links import customer_page_url
from orders.models import Order


def order_created(order: Order) -> None:
    _send(order, "orders/order_created", previous="")


def status_changed(order: Order, previous: str) -> None:
    _send(order, "orders/status_changed", previous=previous)


def _send(order: Order, template: str, *, previous: str) -> None:
    if not order.customer_email:
        return
    with translation.override(order.customer_language):
        context = {
            "order_number": order.number,
            "customer_name": order.customer_name,
            "company_name": order.company.name,
            "brand_color": order.company.brand_color,
            "status": order.get_status_display(),
            "previous_status": Order.Status(previous).label if previous else "",
            "total": order.total,
            "currency": order.currency,
            "tracking_number": order.tracking_number,
            "url": customer_page_url(order.access_token),
        }
    send_templated_email(
        to=order.customer_email,
        template=template,
        context=context,
        language=order.customer_language,
        company=order.company,
    )
