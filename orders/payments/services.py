"""Taking the money for an order: starting an online payment, applying what the provider
says (from a notification, the customer's return or reconciliation), and payments that
staff record by hand. Every path ends in ``orders.services.order_mark_paid``.

The provider is the truth: a notification only tells us to ask it. A payment's status
only moves forward under a row lock, so replays, out-of-order events and the customer's
return racing the webhook change it once — and the order is marked paid once.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from arvlite.core.events import emit
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.models import Company
from orders.invoices.models import Invoice
from orders.invoices.services import (
    credit_note_issue,
    credited_total,
    invoice_issue_if_possible,
    split_by_vat,
)
from orders.links import customer_page_url
from orders.models import Order, Product, VatRate
from orders.payments.models import Payment, Provider, Refund, WebhookEvent
from orders.payments.providers.base import (
    Notification,
    PaymentRequest,
    ProviderError,
    ProviderUnavailableError,
    RemotePayment,
    RemoteRefund,
    provider_for,
)
from orders.services import PAYABLE, TRANSITIONS, order_mark_paid, order_transition

log = structlog.get_logger(__name__)
Status = Payment.Status
Outcome = WebhookEvent.Outcome

# YooKassa's vat_code for each of our VAT rates (codes 11 and 12 are the 2026 rate of 22 %).
VAT_CODES = {VatRate.NONE: 1, VatRate.ZERO: 2, VatRate.TEN: 3, VatRate.FIVE: 7, VatRate.SEVEN: 8,
             VatRate.TWENTY_TWO: 11}  # fmt: skip
REMOTE_STATUSES = frozenset({Status.PENDING, Status.WAITING_FOR_CAPTURE, Status.SUCCEEDED, Status.CANCELED})


def online_provider(company: Company) -> str | None:
    """The provider the company's customers pay through, or None (staff take the money)."""
    if company.takes_online_payments:
        return Provider.YOOKASSA
    if settings.PAYMENT_SANDBOX:
        return Provider.SANDBOX
    return None


def receipt_for(order: Order) -> dict[str, Any] | None:
    """The 54-FZ receipt of the order's lines, when the company sends receipts."""
    company = order.company
    if not company.receipts_enabled:
        return None
    customer = (
        {"email": order.customer_email}
        if order.customer_email
        else {"phone": order.customer_phone.lstrip("+")}
    )
    items = [
        {
            "description": item.name[:128],
            "quantity": str(item.quantity),
            "amount": {"value": f"{item.unit_price:.2f}", "currency": order.currency},
            "vat_code": VAT_CODES[VatRate(item.vat_rate)],
            "payment_mode": "full_payment",
            "payment_subject": "commodity" if item.kind == Product.Kind.PRINTED_COPY else "service",
        }
        for item in order.items.all()
    ]
    receipt: dict[str, Any] = {"customer": customer, "items": items}
    if company.tax_system_code:
        receipt["tax_system_code"] = company.tax_system_code
    return receipt


# --- starting a payment --------------------------------------------------------------------


def payment_start(*, order: Order, provider: str | None = None) -> Payment:
    """The online payment the customer should complete now: the open one if there is one,
    otherwise a new one. The row (and its idempotence key) is saved before the provider is
    called, so a call that timed out is repeated with the same key, never a new one."""
    provider = provider or online_provider(order.company)
    if provider is None:
        raise ValidationError(_("This studio takes payments in person."), code="no_provider")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in PAYABLE:
            raise ValidationError(_("This order is not waiting for payment."), code="not_payable")
        if order.total <= 0:
            raise ValidationError(_("There is nothing to pay for this order."), code="nothing_to_pay")
        if Payment.objects.filter(
            order=order, status__in=(Status.WAITING_FOR_CAPTURE, Status.SUCCEEDED)
        ).exists():
            raise ValidationError(
                _("This order is already paid or its payment is authorised."), code="not_payable"
            )
        payment = (
            Payment.objects.filter(order=order, provider=provider, status=Status.PENDING)
            .order_by("-created_at")
            .first()
        )
        if payment is None or payment.amount != order.total or payment.currency != order.currency:
            payment = _new_payment(order, provider)
    if not payment.provider_payment_id:
        _send_create(payment)
    return payment


def _new_payment(order: Order, provider: str) -> Payment:
    key = f"arv-pay-{uuid.uuid4()}"
    request = PaymentRequest(
        amount=order.total,
        currency=order.currency,
        description=_("Order %(number)s") % {"number": order.number},
        return_url=customer_page_url(order.access_token) + "?payment=return",
        capture=not order.company.payment_two_stage,
        metadata={"order_id": str(order.pk), "order_number": order.number, "company": order.company.slug},
        idempotence_key=key,
        receipt=receipt_for(order),
    )
    stored = {**asdict(request), "amount": f"{request.amount:.2f}"}
    return Payment.objects.create(
        company=order.company, order=order, provider=provider, amount=order.total, currency=order.currency,
        idempotence_key=key, request_payload=stored,
    )  # fmt: skip


def _stored_request(payment: Payment) -> PaymentRequest:
    return PaymentRequest(**{**payment.request_payload, "amount": Decimal(payment.request_payload["amount"])})


def _send_create(payment: Payment) -> None:
    """Ask the provider to create the payment (same key and body on every try). An
    unknown outcome leaves the row without a provider id, for the next try."""
    try:
        remote = provider_for(payment.company, payment.provider).create_payment(_stored_request(payment))
    except ProviderUnavailableError:
        log.warning("payment.create_unknown", payment=payment.pk, provider=payment.provider)
        raise
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not _matches(locked, remote):
            log.error("payment.create_mismatch", payment=payment.pk, remote_amount=str(remote.amount))
            raise ProviderError("The provider answered another amount or currency.")
        locked.provider_payment_id = remote.id
        locked.confirmation_url = remote.confirmation_url
        locked.response_payload = remote.raw
        locked.save(
            update_fields=["provider_payment_id", "confirmation_url", "response_payload", "updated_at"]
        )
        _apply(locked, remote)
    payment.refresh_from_db()


# --- applying the provider's word ----------------------------------------------------------


def _locked_payment(pk: int) -> Payment:
    """The payment, row-locked until the transaction ends (only its own row: the order and
    company come along unlocked, so other work of the studio does not wait)."""
    return Payment.objects.select_for_update(of=("self",)).select_related("order__company").get(pk=pk)


def _matches(payment: Payment, remote: RemotePayment) -> bool:
    order = payment.order
    return (
        remote.amount == payment.amount
        and remote.currency == payment.currency
        and payment.amount == order.total
        and payment.currency == order.currency
    )


def _apply(payment: Payment, remote: RemotePayment) -> str:
    """Move the (locked) payment to what the provider says, only forward; a succeeded
    payment marks its order paid in the same transaction."""
    if not _matches(payment, remote):
        log.error("payment.mismatch", payment=payment.pk, amount=str(payment.amount), currency=payment.currency,
                  remote_amount=str(remote.amount), remote_currency=remote.currency)  # fmt: skip
        return Outcome.MISMATCH
    if remote.status not in REMOTE_STATUSES or Payment.RANK[remote.status] <= Payment.RANK[payment.status]:
        return Outcome.NO_CHANGE
    if payment.status in (Status.SUCCEEDED, Status.CANCELED):
        return Outcome.NO_CHANGE  # final: a late "canceled" after success (or back) changes nothing
    payment.status = remote.status
    payment.response_payload = remote.raw
    fields = ["status", "response_payload", "updated_at"]
    if remote.status == Status.CANCELED:
        payment.cancellation_reason = remote.cancellation_reason[:100]
        fields.append("cancellation_reason")
        emit("payment.failed", company=payment.company, subject=payment,
             reason=payment.cancellation_reason or _("The payment was cancelled."))  # fmt: skip
    if remote.status == Status.SUCCEEDED:
        payment.succeeded_at = timezone.now()
        fields.append("succeeded_at")
    payment.save(update_fields=fields)
    if remote.status == Status.SUCCEEDED:
        order = payment.order
        if order.status in PAYABLE:
            with company_scope(order.company):
                paid = order_mark_paid(order=order, actor=None,
                                       note=_("Paid online (%(provider)s).") % {"provider": payment.get_provider_display()})  # fmt: skip
                invoice_issue_if_possible(order=paid, actor=None)
        else:  # e.g. cancelled at its deadline a moment before the money came
            log.error("payment.succeeded_for_unpayable_order", payment=payment.pk, order_status=order.status)
    return Outcome.APPLIED


def payment_refresh(*, payment: Payment) -> Payment:
    """Re-read the payment from its provider and apply it (the customer's return, and
    reconciliation)."""
    if not payment.provider_payment_id or payment.provider == Provider.MANUAL:
        return payment
    remote = provider_for(payment.company, payment.provider).fetch_payment(payment.provider_payment_id)
    with transaction.atomic():
        locked = _locked_payment(payment.pk)
        _apply(locked, remote)
    return locked


def notification_handle(*, provider: str, notification: Notification, payload: dict[str, Any]) -> str:
    """A provider says something happened. Unknown payments are logged and acknowledged;
    known ones are re-read from the provider (which raises for a 5xx answer, so the
    provider sends the notification again) and applied once."""
    with scopes_disabled():  # the payment id picks the company
        payment = (
            Payment.objects.select_related("company")
            .filter(provider=provider, provider_payment_id=notification.payment_id)
            .first()
        )
    if payment is None:
        log.warning("payment.notification_unknown", provider=provider, payment_id=notification.payment_id)
        _record(provider, notification, payload, None, Outcome.UNKNOWN_PAYMENT)
        return Outcome.UNKNOWN_PAYMENT
    if notification.event.startswith("refund."):
        return _refund_notification(provider, notification, payload, payment)
    remote = provider_for(payment.company, provider).fetch_payment(notification.payment_id)
    with company_scope(payment.company), transaction.atomic():
        locked = _locked_payment(payment.pk)
        claimed = notification.event.removeprefix("payment.")
        if Payment.RANK.get(claimed, 0) > Payment.RANK.get(remote.status, 0):
            outcome: str = Outcome.NOT_CONFIRMED  # the provider does not say so (yet): a forgery or too early
        else:
            outcome = _apply(locked, remote)
        _record(provider, notification, payload, locked, outcome)
    return outcome


def _refund_notification(provider: str, notification: Notification, payload: dict[str, Any],
                         payment: Payment) -> str:  # fmt: skip
    """A refund changed: re-read it from the provider and settle ours (found by its id)."""
    with company_scope(payment.company):
        return _refund_notification_in_scope(provider, notification, payload, payment)


def _refund_notification_in_scope(provider: str, notification: Notification, payload: dict[str, Any],
                                  payment: Payment) -> str:  # fmt: skip
    refund = Refund.objects.filter(payment=payment, provider_refund_id=notification.object_id).first()
    if refund is None:
        outcome: str = Outcome.NO_CHANGE  # not one of ours, or its id is not stored yet (reconciliation)
    elif refund.status != Refund.Status.PENDING:
        outcome = Outcome.NO_CHANGE
    else:
        remote = provider_for(payment.company, provider).fetch_refund(notification.object_id)
        with company_scope(payment.company):
            refund_apply(refund=refund, remote=remote)
        outcome = (
            Outcome.APPLIED
            if Refund.objects.get(pk=refund.pk).status != Refund.Status.PENDING
            else Outcome.NO_CHANGE
        )
    with transaction.atomic():
        _record(provider, notification, payload, payment, outcome)
    return outcome


def _record(provider: str, notification: Notification, payload: dict[str, Any], payment: Payment | None,
            outcome: str) -> None:  # fmt: skip
    """Keep the notification once per event key; a replay leaves the first record."""
    event, created = WebhookEvent.objects.get_or_create(
        provider=provider, event_key=notification.event_key[:200],
        defaults={"payload": payload, "payment": payment, "company": payment.company if payment else None},
    )  # fmt: skip
    if created or event.processed_at is None:
        event.outcome = outcome
        event.processed_at = timezone.now() if outcome != Outcome.NOT_CONFIRMED else None
        event.save(update_fields=["outcome", "processed_at"])


# --- staff-recorded payments and reconciliation ----------------------------------------------


@transaction.atomic
def manual_payment_record(
    *, order: Order, actor: Actor, method: str = Payment.Method.CASH, note: str = ""
) -> Order:
    """Staff took the money (cash, transfer, terminal): the payment is recorded and the
    order marked paid through the same service as an online payment, in one transaction."""
    if method not in Payment.Method.values or method == Payment.Method.ONLINE:
        raise ValidationError({"method": [_("Choose cash, bank transfer or card terminal.")]})
    paid = order_mark_paid(order=order, actor=actor, note=note)
    if paid.total > 0:
        payment = Payment.objects.create(
            company=paid.company, order=paid, provider=Provider.MANUAL, method=method, amount=paid.total,
            currency=paid.currency, status=Status.SUCCEEDED, succeeded_at=timezone.now(), note=note.strip(),
            idempotence_key=f"arv-manual-{uuid.uuid4()}", created_by=actor_user(actor),
        )  # fmt: skip
        audit_log(company=paid.company, actor=actor, action="payment.manual", target=payment,
                  changes={"amount": str(payment.amount), "method": method})  # fmt: skip
        invoice_issue_if_possible(order=paid, actor=actor)
    return paid


def reconcile_payments(*, now: Any = None) -> dict[str, int]:
    """Payments left pending (a lost notification, a create whose outcome is unknown, an
    order cancelled at its deadline): ask the provider again and apply, or cancel."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    counts = {"refreshed": 0, "created": 0, "canceled": 0, "failed": 0}
    with scopes_disabled():
        stuck = list(
            Payment.objects.select_related("company", "order")
            .filter(status__in=(Status.PENDING, Status.WAITING_FOR_CAPTURE), created_at__lt=since)
            .exclude(provider=Provider.MANUAL)
            .order_by("created_at")[: settings.PAYMENT_RECONCILE_BATCH]
        )
    for payment in stuck:
        try:
            with company_scope(payment.company):
                counts[_reconcile_one(payment)] += 1
        except ProviderError as error:
            counts["failed"] += 1
            log.warning("payment.reconcile_failed", payment=payment.pk, error=str(error))
    counts["refunds"] = _reconcile_refunds(since)
    return counts


def _reconcile_refunds(since: Any) -> int:
    """Refunds left pending: sent again with their own key (one whose outcome was unknown)
    or re-read (one the provider is still processing)."""
    with scopes_disabled():
        pending = list(
            Refund.objects.select_related("company", "payment__order")
            .filter(status=Refund.Status.PENDING, created_at__lt=since)
            .exclude(payment__provider=Provider.MANUAL)
            .order_by("created_at")[: settings.PAYMENT_RECONCILE_BATCH]
        )
    settled = 0
    for refund in pending:
        try:
            with company_scope(refund.company):
                if refund.provider_refund_id:
                    remote = provider_for(refund.company, refund.payment.provider).fetch_refund(
                        refund.provider_refund_id
                    )
                    refund_apply(refund=refund, remote=remote)
                else:
                    _send_refund(refund)
                settled += 1
        except (ProviderError, ValidationError) as error:  # one refusal never stops the batch
            log.warning("refund.reconcile_failed", refund=refund.pk, error=str(error))
    return settled


def _reconcile_one(payment: Payment) -> str:
    abandoned = payment.order.status not in PAYABLE
    if not payment.provider_payment_id:
        if abandoned:
            Payment.objects.filter(pk=payment.pk).update(
                status=Status.CANCELED, cancellation_reason="abandoned"
            )
            return "canceled"
        _send_create(payment)
        return "created"
    refreshed = payment_refresh(payment=payment)
    if refreshed.status == Status.PENDING and abandoned:
        remote = provider_for(payment.company, payment.provider).cancel(
            payment.provider_payment_id, idempotence_key=f"{payment.idempotence_key}-cancel"
        )
        with transaction.atomic():
            _apply(_locked_payment(payment.pk), remote)
        return "canceled"
    return "refreshed"


# --- two-stage payments: taking or releasing the held money ----------------------------------


def payment_capture(*, payment: Payment, actor: Actor) -> Payment:
    """Take the money held for a two-stage payment (staff confirmed the order)."""
    return _hold_decision(payment, actor, capture=True)


def payment_cancel_hold(*, payment: Payment, actor: Actor) -> Payment:
    """Release the money held for a two-stage payment."""
    return _hold_decision(payment, actor, capture=False)


def _hold_decision(payment: Payment, actor: Actor, *, capture: bool) -> Payment:
    payment.refresh_from_db()
    if payment.status != Status.WAITING_FOR_CAPTURE:
        raise ValidationError(_("Only an authorised payment waiting for capture can be taken or released."),
                              code="not_held")  # fmt: skip
    if capture and payment.order.status not in PAYABLE:
        raise ValidationError(_("This order can no longer be paid (it is %(status)s): release the money instead.")
                              % {"status": payment.order.get_status_display()}, code="not_payable")  # fmt: skip
    provider = provider_for(payment.company, payment.provider)
    if capture:
        remote = provider.capture(payment.provider_payment_id, amount=payment.amount, currency=payment.currency,
                                  idempotence_key=f"{payment.idempotence_key}-capture")  # fmt: skip
    else:
        remote = provider.cancel(
            payment.provider_payment_id, idempotence_key=f"{payment.idempotence_key}-cancel"
        )
    with transaction.atomic():
        locked = _locked_payment(payment.pk)
        _apply(locked, remote)
        audit_log(company=locked.company, actor=actor, action="payment.capture" if capture else "payment.release",
                  target=locked, changes={"status": locked.status})  # fmt: skip
    return locked


# --- refunds -----------------------------------------------------------------------------------

IN_FLIGHT_OR_DONE = (Refund.Status.PENDING, Refund.Status.SUCCEEDED)


def refundable_amount(payment: Payment) -> Decimal:
    """What can still be refunded: the payment less every refund sent or being sent (a
    refund whose outcome is unknown keeps its amount reserved until it is settled)."""
    if payment.status not in (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED):
        return Decimal("0.00")
    reserved = Refund.objects.filter(payment=payment, status__in=IN_FLIGHT_OR_DONE).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    return payment.amount - reserved


def refund_receipt(order: Order, amount: Decimal) -> dict[str, Any] | None:
    """The 54-FZ receipt of a refund: the order's lines for a full refund, otherwise one
    line per VAT rate sharing the amount."""
    receipt = receipt_for(order)
    if receipt is None or amount == order.total:
        return receipt
    lines = [{"vat_rate": item.vat_rate, "total": str(item.line_total)} for item in order.items.all()]
    description = (_("Refund for order %(number)s") % {"number": order.number})[:128]
    receipt["items"] = [
        {"description": description, "quantity": "1", "amount": {"value": f"{part:.2f}", "currency": order.currency},
         "vat_code": VAT_CODES[VatRate(rate)], "payment_mode": "full_payment", "payment_subject": "service"}
        for rate, part in split_by_vat(lines, amount)
    ]  # fmt: skip
    return receipt


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": [_("Give the amount as a number, e.g. 1500.00.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than zero.")]})
    return amount


def _refund_key(payment: Payment, request_key: str | None) -> str:
    if not request_key:
        return f"arv-refund-{uuid.uuid4()}"
    digest = hashlib.sha256(f"{payment.company_id}:{payment.pk}:{request_key}".encode()).hexdigest()[:40]
    return f"arv-refund-r-{digest}"


def payment_refund(
    *, payment: Payment, amount: Any, actor: Actor, reason: str = "", request_key: str | None = None
) -> Refund:
    """Give back ``amount`` of a succeeded payment (all or part). The refund row, with its
    idempotence key, is saved before the provider is asked, so a retry after a timeout
    reuses the key; its amount is reserved meanwhile, so two refunds can never together
    exceed the payment. A payment staff recorded by hand is refunded by hand too.

    ``request_key`` (the API's Idempotency-Key, the portal form's one-time key) makes the
    call safe to repeat: the same key finds the refund it made instead of making another."""
    amount = _amount(amount)
    with transaction.atomic():
        locked = _locked_payment(payment.pk)
        key = _refund_key(locked, request_key)
        if (earlier := Refund.objects.filter(idempotence_key=key).first()) is not None:
            if earlier.amount != amount:
                raise ValidationError(
                    _("This request key was already used for another amount."), code="key_reused"
                )
            return earlier
        available = refundable_amount(locked)
        if available <= 0:
            raise ValidationError(_("This payment has nothing left to refund."), code="not_refundable")
        if amount > available:
            raise ValidationError({"amount": [_("At most %(amount)s %(currency)s can be refunded.")
                                              % {"amount": f"{available:.2f}", "currency": locked.currency}]})  # fmt: skip
        invoice = Invoice.objects.filter(order=locked.order).first()
        if invoice is not None and amount > invoice.total - credited_total(invoice):
            # Checked before any money moves: the credit note must be possible.
            raise ValidationError({"amount": [_("At most %(amount)s can still be credited on this invoice.")
                                              % {"amount": f"{invoice.total - credited_total(invoice):.2f}"}]})  # fmt: skip
        refund = Refund.objects.create(
            company=locked.company, payment=locked, amount=amount, reason=reason.strip()[:250],
            idempotence_key=key, created_by=actor_user(actor),
        )  # fmt: skip
        audit_log(company=locked.company, actor=actor, action="payment.refund", target=locked,
                  changes={"amount": str(amount), "reason": refund.reason})  # fmt: skip
        if locked.provider == Provider.MANUAL:
            _refund_settled(refund, locked, Refund.Status.SUCCEEDED, actor=actor)
            return refund
    _send_refund(refund, actor=actor)
    refund.refresh_from_db()
    return refund


def _send_refund(refund: Refund, *, actor: Actor = None) -> None:
    payment = refund.payment
    try:
        remote = provider_for(payment.company, payment.provider).refund(
            payment.provider_payment_id, amount=refund.amount, currency=payment.currency,
            idempotence_key=refund.idempotence_key, receipt=refund_receipt(payment.order, refund.amount),
            reason=refund.reason,
        )  # fmt: skip
    except ProviderUnavailableError:
        log.warning("refund.unknown_outcome", refund=refund.pk)  # reconciliation asks again, same key
        raise
    except ProviderError:
        with transaction.atomic():
            locked = Refund.objects.select_for_update().get(pk=refund.pk)
            if locked.status == Refund.Status.PENDING:
                _refund_settled(locked, Payment.objects.select_for_update().get(pk=payment.pk),
                                Refund.Status.CANCELED, actor=actor)  # fmt: skip
        raise
    refund_apply(refund=refund, remote=remote, actor=actor)


def refund_apply(*, refund: Refund, remote: RemoteRefund, actor: Actor = None) -> None:
    """Settle a pending refund by what the provider says (its answer, a notification's
    re-read or reconciliation); only once, and only for the amount we asked."""
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        payment = _locked_payment(locked.payment_id)
        if locked.status != Refund.Status.PENDING:
            return
        if remote.amount != locked.amount or remote.currency != payment.currency:
            log.error(
                "refund.mismatch",
                refund=locked.pk,
                amount=str(locked.amount),
                remote_amount=str(remote.amount),
            )
            return
        locked.provider_refund_id = remote.id[:64]
        locked.response_payload = remote.raw
        locked.save(update_fields=["provider_refund_id", "response_payload"])
        if remote.status in (Refund.Status.SUCCEEDED, Refund.Status.CANCELED):
            _refund_settled(locked, payment, remote.status, actor=actor)


def _refund_settled(refund: Refund, payment: Payment, status: str, *, actor: Actor) -> None:
    """The refund is final (inside the caller's transaction, rows locked): the payment's
    refunded amount, a credit note on the invoice, and the order refunded when all is."""
    refund.status = status
    refund.save(update_fields=["status"])
    if status != Refund.Status.SUCCEEDED:
        return
    payment.refunded_amount += refund.amount
    payment.status = (
        Status.REFUNDED if payment.refunded_amount >= payment.amount else Status.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    emit("payment.refunded", company=payment.company, subject=payment, amount=refund.amount,
         reason=refund.reason or _("No reason given."))  # fmt: skip
    order = payment.order
    with company_scope(order.company):
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is not None:
            credit_note_issue(invoice=invoice, amount=refund.amount, actor=actor, refund=refund,
                              reason=refund.reason or _("Refund"))  # fmt: skip
        if payment.status == Status.REFUNDED and Order.Status.REFUNDED in TRANSITIONS[order.status]:
            order_transition(order=order, actor=actor, to=Order.Status.REFUNDED,
                             note=_("Refunded %(amount)s %(currency)s.") % {"amount": payment.amount,
                                                                             "currency": payment.currency})  # fmt: skip
