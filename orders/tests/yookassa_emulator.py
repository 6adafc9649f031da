"""A local stand-in for YooKassa API v3, for tests: the subset we use, over real HTTP.

Payments (create with ``Idempotence-Key``, get, capture, cancel), refunds, Basic auth per
shop, a confirmation page with "pay" / "decline" that sends the notification to our
webhook (as YooKassa would), and faults on request: a 500 or a hang on the next calls.

    with yookassa_emulator(shops={"123": "test_secret"}) as kassa:
        settings.YOOKASSA_API_URL = kassa.api_url
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from arvlite.core.testing.ports import LOOPBACK


@dataclass
class Emulator:
    shops: dict[str, str]
    host: str = LOOPBACK
    port: int = 0
    webhook_url: str = ""
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, idempotence key
    faults: list[tuple[str, str]] = field(default_factory=list)  # (path prefix, "500" | "hang")
    hang_seconds: float = 1.5
    # As in life, the bank may confirm a payment a few seconds after the customer is sent
    # back: the status changes (and the notification goes out) this much later.
    settle_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v3"

    # --- what tests do to it ---

    def fail_next(self, path_prefix: str, mode: str = "500", times: int = 1) -> None:
        with self.lock:
            self.faults.extend([(path_prefix, mode)] * times)

    def set_status(self, payment_id: str, status: str) -> None:
        with self.lock:
            payment = self.payments[payment_id]
            payment["status"] = status
            payment["paid"] = status in ("succeeded", "waiting_for_capture")

    def notification(self, event: str, payment_id: str) -> dict[str, Any]:
        with self.lock:
            target = dict(self.payments[payment_id])
        return {"type": "notification", "event": event, "object": target}

    def notify(self, event: str, payment_id: str) -> int:
        """Send a notification to ``webhook_url`` as YooKassa would; its HTTP status."""
        body = json.dumps(self.notification(event, payment_id)).encode()
        request = urllib.request.Request(  # noqa: S310 - the test's own loopback URL
            self.webhook_url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the same URL
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def creates(self) -> int:
        return sum(1 for method, path, _key in self.calls if method == "POST" and path == "/v3/payments")

    # --- what the API does ---

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        key = headers.get("Idempotence-Key", "")
        with self.lock:
            self.calls.append((method, path, key))
            fault = next((f for f in self.faults if path.startswith(f[0])), None)
            if fault is not None:
                self.faults.remove(fault)
        shop = self._shop(headers.get("Authorization", ""))
        if shop is None:
            return 401, {
                "type": "error",
                "code": "invalid_credentials",
                "description": "Wrong shop id or key",
            }
        if fault is not None and fault[1] == "500":
            return 500, {"type": "error", "code": "internal_server_error"}
        data = json.loads(body or b"{}")
        if method == "POST":
            if not key:
                return 400, {
                    "type": "error",
                    "code": "invalid_request",
                    "description": "Idempotence-Key missing",
                }
            digest = hashlib.sha256(body).hexdigest()
            with self.lock:
                seen = self.keys.get((shop, key))
            if seen is not None:
                if seen[0] != digest:
                    return 400, {"type": "error", "code": "invalid_request",
                                 "description": "Idempotence key reused with other parameters"}  # fmt: skip
                answer = seen[1], seen[2]
            else:
                answer = self._post(path, data)
                with self.lock:
                    self.keys[(shop, key)] = (digest, answer[0], answer[1])
        elif method == "GET" and path.startswith("/v3/payments/"):
            with self.lock:
                found = self.payments.get(path.rsplit("/", 1)[-1])
            answer = (200, dict(found)) if found else (404, {"type": "error", "code": "not_found"})
        elif method == "GET" and path.startswith("/v3/refunds/"):
            with self.lock:
                found = self.refunds.get(path.rsplit("/", 1)[-1])
            answer = (200, dict(found)) if found else (404, {"type": "error", "code": "not_found"})
        else:
            answer = (404, {"type": "error", "code": "not_found"})
        if fault is not None and fault[1] == "hang":
            time.sleep(self.hang_seconds)  # the work is done, the answer comes too late
        return answer

    def _shop(self, authorization: str) -> str | None:
        if not authorization.startswith("Basic "):
            return None
        try:
            shop, _sep, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            return None
        return shop if self.shops.get(shop) == secret else None

    def _post(self, path: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path == "/v3/payments":
            payment_id = f"2f{uuid.uuid4().hex[:6]}-000f-5000-8000-{uuid.uuid4().hex[:12]}"
            payment = {
                "id": payment_id, "status": "pending", "paid": False, "amount": data["amount"],
                "description": data.get("description", ""), "metadata": data.get("metadata", {}),
                "capture": data.get("capture", False),
                "confirmation": {"type": "redirect",
                                 "confirmation_url": f"{self.base_url}/confirm/{payment_id}",
                                 "return_url": data["confirmation"]["return_url"]},
                "receipt": data.get("receipt"), "refunded_amount": {"value": "0.00", "currency": data["amount"]["currency"]},
                "test": True,
            }  # fmt: skip
            with self.lock:
                self.payments[payment_id] = payment
            return 200, dict(payment)
        parts = path.split("/")  # /v3/payments/<id>/<action>
        if len(parts) == 5 and parts[2] == "payments" and parts[4] in ("capture", "cancel"):
            with self.lock:
                found = self.payments.get(parts[3])
                if found is None:
                    return 404, {"type": "error", "code": "not_found"}
                payment = found
                if parts[4] == "capture" and payment["status"] == "waiting_for_capture":
                    payment["status"] = "succeeded"
                elif parts[4] == "cancel" and payment["status"] in ("pending", "waiting_for_capture"):
                    payment["status"] = "canceled"
                    payment["cancellation_details"] = {"party": "merchant", "reason": "canceled_by_merchant"}
                return 200, dict(payment)
        if path == "/v3/refunds":
            with self.lock:
                target = self.payments.get(data.get("payment_id", ""))
                if target is None or target["status"] != "succeeded":
                    return 400, {
                        "type": "error",
                        "code": "invalid_request",
                        "description": "Payment not refundable",
                    }
                refunded = Decimal(target["refunded_amount"]["value"]) + Decimal(data["amount"]["value"])
                if refunded > Decimal(target["amount"]["value"]):
                    return 400, {
                        "type": "error",
                        "code": "invalid_request",
                        "description": "Refund too large",
                    }
                target["refunded_amount"] = {
                    "value": f"{refunded:.2f}",
                    "currency": data["amount"]["currency"],
                }
                refund = {"id": f"rf-{uuid.uuid4().hex[:20]}", "status": "succeeded", "amount": data["amount"],
                          "payment_id": target["id"], "receipt": data.get("receipt")}  # fmt: skip
                self.refunds[refund["id"]] = refund
                return 200, dict(refund)
        return 404, {"type": "error", "code": "not_found"}

    def decide(self, payment_id: str, *, pay: bool) -> str:
        """The customer on the confirmation page: the payment's new status, and the
        notification sent to our webhook (``settle_seconds`` later, in the background,
        when set). Returns where the customer goes back to."""
        if self.settle_seconds > 0:
            with self.lock:
                back = self.payments[payment_id]["confirmation"]["return_url"]
            timer = threading.Timer(self.settle_seconds, self._settle, args=(payment_id, pay))
            timer.daemon = True
            timer.start()
            return str(back)
        return self._settle(payment_id, pay)

    def _settle(self, payment_id: str, pay: bool) -> str:
        with self.lock:
            payment = self.payments[payment_id]
            if payment["status"] == "pending":
                if pay:
                    payment["status"] = "succeeded" if payment["capture"] else "waiting_for_capture"
                    payment["paid"] = True
                else:
                    payment["status"] = "canceled"
                    payment["cancellation_details"] = {"party": "payment_network", "reason": "card_expired"}
            status, back = payment["status"], payment["confirmation"]["return_url"]
        if self.webhook_url:
            self.notify(f"payment.{status}", payment_id)
        return str(back)


def _handler(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up waiting (a "hang" fault)
                self.wfile.write(data)

        def _confirmation_page(self, payment_id: str) -> None:
            payment = emulator.payments.get(payment_id)
            if payment is None:
                self._answer(404, {"code": "not_found"})
                return
            page = (
                "<!doctype html><title>YooKassa (test)</title><h1>Test payment</h1>"
                f"<p data-testid=amount>{payment['amount']['value']} {payment['amount']['currency']}</p>"
                f"<form method=post action='/confirm/{payment_id}/pay'><button data-testid=pay>Pay</button></form>"
                f"<form method=post action='/confirm/{payment_id}/decline'><button data-testid=decline>Decline</button></form>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path.startswith("/confirm/"):
                self._confirmation_page(path.split("/")[2])
                return
            self._answer(*emulator.handle("GET", path, self.headers, b""))

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path.startswith("/confirm/"):
                _empty, _confirm, payment_id, choice = path.split("/")
                back = emulator.decide(payment_id, pay=choice == "pay")
                self.send_response(303)
                self.send_header("Location", back)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._answer(*emulator.handle("POST", path, self.headers, body))

    return Handler


@contextmanager
def yookassa_emulator(shops: dict[str, str]) -> Iterator[Emulator]:
    emulator = Emulator(shops=shops)
    server = ThreadingHTTPServer((LOOPBACK, 0), _handler(emulator))
    server.daemon_threads = True
    emulator.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield emulator
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The test shop every payments test uses, and our webhook's path.
SHOP, SECRET = "506751", "test_SuperSecretKey"
WEBHOOK = "/api/v1/payments/webhooks/yookassa/"


def post_notification(client: Any, emulator: Emulator, event: str, payment_id: str) -> Any:
    """YooKassa's notification of ``event`` posted to our webhook from a loopback address."""
    return client.post(WEBHOOK, emulator.notification(event, payment_id), content_type="application/json",
                       REMOTE_ADDR="127.0.0.1")  # fmt: skip
