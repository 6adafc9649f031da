"""What the customer's order page says about paying, and asking the provider when the
customer comes back from it."""

from __future__ import annotations

import structlog

from orders.models import Order
from orders.payments.models import Payment, Provider
from orders.payments.providers.base import ProviderError
from orders.payments.services import online_provider, payment_refresh

log = structlog.get_logger(__name__)
WAITING = (Payment.Status.PENDING, Payment.Status.WAITING_FOR_CAPTURE)


def latest_online_payment(order: Order) -> Payment | None:
    return order.payments.exclude(provider=Provider.MANUAL).order_by("-created_at").first()


def payment_state(order: Order, *, returned: bool = False) -> str:
    """What the order page says about paying: "paid"; "confirming" when the customer is
    back from the provider and it has not confirmed yet (never "failed" while it may still
    succeed); "declined"; "payable" (a pay button, which reopens an open payment); or ""
    (the studio takes the money in person); "held" when the money is authorised and waits
    for the studio to take it."""
    if order.status not in (Order.Status.DRAFT, Order.Status.AWAITING_PAYMENT):
        return "paid" if order.paid_at else ""
    payment = latest_online_payment(order)
    if payment is not None and payment.status == Payment.Status.WAITING_FOR_CAPTURE:
        return "held"  # authorised: the studio takes it; paying again would charge twice
    if returned and payment is not None and payment.status in WAITING and payment.provider_payment_id:
        return "confirming"
    if order.status != Order.Status.AWAITING_PAYMENT or online_provider(order.company) is None:
        return ""
    if payment is not None and payment.status == Payment.Status.CANCELED:
        return "declined"
    return "payable"


def refresh_on_return(order: Order) -> Order:
    """The customer is back from the provider: ask it now rather than wait for the
    notification (whichever comes first applies; the other changes nothing)."""
    payment = latest_online_payment(order)
    if payment is not None and payment.status in WAITING:
        try:
            payment_refresh(payment=payment)
        except ProviderError as error:
            log.info("payment.return_refresh_failed", payment=payment.pk, error=str(error))
        order.refresh_from_db()
    return order
