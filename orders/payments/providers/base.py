"""What every payment provider offers, in our terms. A provider turns our records into its
API calls and its answers into ``RemotePayment`` / ``RemoteRefund``; it decides nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from companies.models import Company


class ProviderError(Exception):
    """The provider refused the request (a definite answer: nothing was done)."""


class ProviderUnavailableError(ProviderError):
    """No answer, or a 5xx: the outcome is unknown — ask again with the same key."""


@dataclass(frozen=True)
class RemotePayment:
    id: str
    status: str  # pending | waiting_for_capture | succeeded | canceled
    amount: Decimal
    currency: str
    confirmation_url: str = ""
    cancellation_reason: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteRefund:
    id: str
    status: str  # pending | succeeded | canceled
    amount: Decimal
    currency: str
    payment_id: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentRequest:
    amount: Decimal
    currency: str
    description: str
    return_url: str
    capture: bool
    metadata: dict[str, str]
    idempotence_key: str
    receipt: dict[str, Any] | None = None


@dataclass(frozen=True)
class Notification:
    """What a notification claims; never acted on before the provider confirms it."""

    event: str
    object_id: str
    payment_id: str

    @property
    def event_key(self) -> str:
        return f"{self.event}:{self.object_id}"


class PaymentProvider(Protocol):
    name: str

    def create_payment(self, request: PaymentRequest) -> RemotePayment: ...

    def fetch_payment(self, payment_id: str) -> RemotePayment: ...

    def capture(
        self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str
    ) -> RemotePayment: ...

    def cancel(self, payment_id: str, *, idempotence_key: str) -> RemotePayment: ...

    def refund(self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str,
               receipt: dict[str, Any] | None = None, reason: str = "") -> RemoteRefund: ...  # fmt: skip

    def fetch_refund(self, refund_id: str) -> RemoteRefund: ...


def provider_for(company: Company, name: str) -> PaymentProvider:
    """The provider ``name`` set up with the company's own credentials."""
    from orders.payments.providers.sandbox import SandboxProvider
    from orders.payments.providers.yookassa import YooKassaProvider

    if name == "yookassa":
        return YooKassaProvider(shop_id=company.yookassa_shop_id, secret_key=company.yookassa_secret_key)
    if name == "sandbox":
        return SandboxProvider()
    raise ProviderError(f"Unknown provider {name!r}.")
