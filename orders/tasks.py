"""Periodic jobs of the orders app."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from arvlite.core.tenant_tasks import tenant_task


@shared_task(name="orders.cancel_unpaid_orders", ignore_result=True)
def cancel_unpaid_orders() -> int:
    """Cancel orders left awaiting payment past their deadline (across companies)."""
    from orders import services  # tasks import the work inside the body (the one cycle)

    return services.cancel_unpaid_orders()


@shared_task(name="orders.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Key answers older than IDEMPOTENCY_KEY_HOURS."""
    from orders import idempotency

    return idempotency.purge_expired()


@shared_task(name="orders.reconcile_payments", ignore_result=True)
def reconcile_payments() -> dict[str, int]:
    """Ask the providers about payments left pending (a lost notification, a create whose
    outcome is unknown, an order cancelled at its deadline)."""
    from orders.payments import services

    return services.reconcile_payments()


@tenant_task("orders.Invoice", name="orders.deliver_invoice", select_related=("order",), ignore_result=True,
             autoretry_for=(OSError,), retry_backoff=10, max_retries=5)  # fmt: skip
def deliver_invoice(invoice: Any) -> None:
    """Render an issued invoice to PDF, store it and e-mail it to the customer once."""
    from orders.invoices import delivery

    delivery.document_deliver(invoice)


@tenant_task("orders.CreditNote", name="orders.deliver_credit_note", select_related=("order", "invoice"),
             ignore_result=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=5)  # fmt: skip
def deliver_credit_note(credit_note: Any) -> None:
    """The same for a credit note."""
    from orders.invoices import delivery

    delivery.document_deliver(credit_note)
