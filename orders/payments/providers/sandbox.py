"""The sandbox provider: payments that succeed or fail on a local page, for the embedded
run and demos. It answers like a real provider (the same statuses, re-read on every
notification), so the storefront, webhook and services run exactly as in production."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from orders.payments.models import SandboxCharge
from orders.payments.providers.base import PaymentRequest, ProviderError, RemotePayment, RemoteRefund


def _remote(charge: SandboxCharge) -> RemotePayment:
    return RemotePayment(
        id=str(charge.id),
        status=charge.status,
        amount=charge.amount,
        currency=charge.currency,
        confirmation_url=settings.PUBLIC_URL
        + reverse("payment-sandbox-page", kwargs={"charge_id": charge.id}),
        cancellation_reason="declined_by_customer" if charge.status == "canceled" else "",
        metadata=dict(charge.metadata),
        raw={"id": str(charge.id), "status": charge.status},
    )


class SandboxProvider:
    name = "sandbox"

    def _get(self, payment_id: str) -> SandboxCharge:
        charge = SandboxCharge.objects.filter(pk=payment_id).first() if _is_uuid(payment_id) else None
        if charge is None:
            raise ProviderError("Unknown sandbox payment.")
        return charge

    def create_payment(self, request: PaymentRequest) -> RemotePayment:
        existing = SandboxCharge.objects.filter(idempotence_key=request.idempotence_key).first()
        if existing is not None:
            return _remote(existing)
        try:
            with transaction.atomic():
                charge = SandboxCharge.objects.create(
                    id=uuid.uuid4(), amount=request.amount, currency=request.currency,
                    description=request.description[:128], return_url=request.return_url,
                    metadata=request.metadata, idempotence_key=request.idempotence_key,
                    status="pending",
                )  # fmt: skip
        except IntegrityError:
            charge = SandboxCharge.objects.get(idempotence_key=request.idempotence_key)
        return _remote(charge)

    def fetch_payment(self, payment_id: str) -> RemotePayment:
        return _remote(self._get(payment_id))

    def capture(
        self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str
    ) -> RemotePayment:
        charge = self._get(payment_id)
        if charge.status == "waiting_for_capture":
            charge.status = "succeeded"
            charge.save(update_fields=["status"])
        return _remote(charge)

    def cancel(self, payment_id: str, *, idempotence_key: str) -> RemotePayment:
        charge = self._get(payment_id)
        if charge.status in ("pending", "waiting_for_capture"):
            charge.status = "canceled"
            charge.save(update_fields=["status"])
        return _remote(charge)

    def refund(self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str,
               receipt: dict[str, Any] | None = None, reason: str = "") -> RemoteRefund:  # fmt: skip
        charge = self._get(payment_id)
        if charge.status != "succeeded":
            raise ProviderError("Only a succeeded sandbox payment can be refunded.")
        return RemoteRefund(id=f"refund-{idempotence_key}"[:64], status="succeeded", amount=amount,
                            currency=currency, payment_id=payment_id)  # fmt: skip

    def fetch_refund(self, refund_id: str) -> RemoteRefund:
        raise ProviderError("Sandbox refunds succeed at once; there is nothing to fetch.")

    def decide(self, payment_id: str, *, pay: bool) -> SandboxCharge:
        """The customer's choice on the sandbox page."""
        charge = self._get(payment_id)
        if charge.status == "pending":
            charge.status = "succeeded" if pay else "canceled"
            charge.save(update_fields=["status"])
        return charge


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
