"""A thin YooKassa API v3 client: per-company Basic auth, explicit timeouts, bounded
retries, an ``Idempotence-Key`` on every POST (the official SDK keeps credentials in
process-global state and sets no timeout, which does not fit one shop per company).

A POST that timed out or got a 5xx has an unknown outcome: it is repeated with the same
key and body, which YooKassa answers with the payment it made the first time."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from typing import Any

import requests
import structlog
from django.conf import settings

from orders.payments.providers.base import (
    Notification,
    PaymentRequest,
    ProviderError,
    ProviderUnavailableError,
    RemotePayment,
    RemoteRefund,
)

log = structlog.get_logger(__name__)
EVENTS = frozenset({"payment.waiting_for_capture", "payment.succeeded", "payment.canceled",
                    "refund.succeeded"})  # fmt: skip


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{amount:.2f}", "currency": currency}


def _remote_payment(body: dict[str, Any]) -> RemotePayment:
    try:
        return RemotePayment(
            id=str(body["id"]),
            status=str(body["status"]),
            amount=Decimal(str(body["amount"]["value"])),
            currency=str(body["amount"]["currency"]),
            confirmation_url=str((body.get("confirmation") or {}).get("confirmation_url", "")),
            cancellation_reason=str((body.get("cancellation_details") or {}).get("reason", "")),
            metadata=dict(body.get("metadata") or {}),
            raw=body,
        )
    except (KeyError, TypeError, ArithmeticError) as error:
        raise ProviderUnavailableError(f"YooKassa answered a payment we cannot read: {error}") from None


def _remote_refund(body: dict[str, Any]) -> RemoteRefund:
    try:
        return RemoteRefund(
            id=str(body["id"]),
            status=str(body["status"]),
            amount=Decimal(str(body["amount"]["value"])),
            currency=str(body["amount"]["currency"]),
            payment_id=str(body["payment_id"]),
            raw=body,
        )
    except (KeyError, TypeError, ArithmeticError) as error:
        raise ProviderUnavailableError(f"YooKassa answered a refund we cannot read: {error}") from None


_local = threading.local()


def _session() -> requests.Session:
    """This thread's pooled HTTP session: a webhook's re-read reuses the kept-alive TLS
    connection instead of a new handshake each time. Credentials go with each call, so one
    session serves every company's shop."""
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


class YooKassaProvider:
    name = "yookassa"

    def __init__(self, *, shop_id: str, secret_key: str) -> None:
        if not shop_id or not secret_key:
            raise ProviderError("The company has no YooKassa shop id and secret key.")
        self.auth = (shop_id, secret_key)
        self.base_url = settings.YOOKASSA_API_URL.rstrip("/")

    def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
              idempotence_key: str = "") -> dict[str, Any]:  # fmt: skip
        headers = {"Idempotence-Key": idempotence_key} if idempotence_key else {}
        # The same key must come with the very same body: keys sorted, so a body rebuilt
        # from the database (jsonb reorders keys) is byte-identical to the first one.
        data = None
        if body is not None:
            data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        attempts = settings.YOOKASSA_RETRIES + 1
        for attempt in range(attempts):
            try:
                response = _session().request(
                    method, f"{self.base_url}{path}", data=data, headers=headers, auth=self.auth,
                    timeout=(settings.YOOKASSA_CONNECT_TIMEOUT, settings.YOOKASSA_READ_TIMEOUT),
                )  # fmt: skip
            except requests.RequestException as error:
                problem = f"{type(error).__name__}"
            else:
                if response.status_code < 300:
                    answer: dict[str, Any] = response.json()
                    return answer
                if response.status_code < 500 and response.status_code != 429:
                    raise ProviderError(self._refusal(response))
                problem = f"HTTP {response.status_code}"
            log.warning("yookassa.retry", method=method, path=path, attempt=attempt + 1, problem=problem)
            if attempt + 1 < attempts:
                time.sleep(min(settings.YOOKASSA_RETRY_DELAY * 2**attempt, 5.0))
        raise ProviderUnavailableError(f"YooKassa did not answer ({problem}).")

    @staticmethod
    def _refusal(response: requests.Response) -> str:
        if response.status_code == 401:
            return "YooKassa refused the shop id or secret key."
        try:
            description = str(response.json().get("description", ""))
        except ValueError:
            description = ""
        return f"YooKassa refused the request ({response.status_code}): {description}".strip()

    def create_payment(self, request: PaymentRequest) -> RemotePayment:
        body: dict[str, Any] = {
            "amount": money(request.amount, request.currency),
            "capture": request.capture,
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "description": request.description[:128],
            "metadata": request.metadata,
        }
        if request.receipt is not None:
            body["receipt"] = request.receipt
        return _remote_payment(self._call("POST", "/payments", body=body,
                                          idempotence_key=request.idempotence_key))  # fmt: skip

    def fetch_payment(self, payment_id: str) -> RemotePayment:
        return _remote_payment(self._call("GET", f"/payments/{payment_id}"))

    def capture(
        self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str
    ) -> RemotePayment:
        body = {"amount": money(amount, currency)}
        return _remote_payment(self._call("POST", f"/payments/{payment_id}/capture", body=body,
                                          idempotence_key=idempotence_key))  # fmt: skip

    def cancel(self, payment_id: str, *, idempotence_key: str) -> RemotePayment:
        return _remote_payment(self._call("POST", f"/payments/{payment_id}/cancel", body={},
                                          idempotence_key=idempotence_key))  # fmt: skip

    def refund(self, payment_id: str, *, amount: Decimal, currency: str, idempotence_key: str,
               receipt: dict[str, Any] | None = None, reason: str = "") -> RemoteRefund:  # fmt: skip
        body: dict[str, Any] = {"payment_id": payment_id, "amount": money(amount, currency)}
        if reason:
            body["description"] = reason[:250]
        if receipt is not None:
            body["receipt"] = receipt
        return _remote_refund(self._call("POST", "/refunds", body=body, idempotence_key=idempotence_key))

    def fetch_refund(self, refund_id: str) -> RemoteRefund:
        return _remote_refund(self._call("GET", f"/refunds/{refund_id}"))


def parse_notification(body: Any) -> Notification:
    """The claim a YooKassa notification makes (ValueError if it is not one we use)."""
    if not isinstance(body, dict) or body.get("type") != "notification":
        raise ValueError("Not a YooKassa notification.")
    event, target = body.get("event"), body.get("object")
    if event not in EVENTS or not isinstance(target, dict) or not isinstance(target.get("id"), str):
        raise ValueError("Not an event we subscribe to.")
    payment_id = target.get("payment_id") if event.startswith("refund.") else target["id"]
    if not isinstance(payment_id, str) or not payment_id or len(payment_id) > 64:
        raise ValueError("No payment id.")
    return Notification(event=event, object_id=target["id"][:100], payment_id=payment_id)
