"""Web Push against a local push-service stand-in: a browser's subscription saved through
the API, a notification sent through the outbox — VAPID-signed, with a TTL, and encrypted
so that only the subscriber's key opens it (the test decrypts it) —, a 410 removing the
subscription, and subscriptions that must be refused."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from rest_framework.test import APIClient

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing.standin import Request, StandIn, standin
from companies.models import Company, User
from notifications.models import Channel, Delivery, PushSubscription
from notifications.services import notify
from notifications.webpush_keys import generate

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PushService:
    """Records what it receives; answers ``status`` (201 as the real ones, or 404/410)."""

    def __init__(self) -> None:
        self.received: list[Request] = []
        self.status = 201
        self.lock = threading.Lock()

    def answer(self, request: Request) -> tuple[int, bytes]:
        with self.lock:
            self.received.append(request)
            return self.status, b""


class Browser:
    """A subscriber's key pair and auth secret, as a browser makes them."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)  # fmt: skip
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}

    def open(self, body: bytes) -> dict[str, Any]:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


@pytest.fixture
def push_service(settings: Any) -> Iterator[tuple[PushService, StandIn]]:
    public, private = generate()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
    service = PushService()
    with standin(service.answer) as server:
        yield service, server


def content_ready_push(company: Company, capture: Any) -> tuple[Any, Delivery]:
    """Content becomes ready and its notification is sent; the browser's delivery after."""
    with company_scope(company):
        content = make_content(company)
    with capture(execute=True), company_scope(company):
        notify("content.ready", company=company, subject_object=content)
    with scopes_disabled():
        return content, Delivery.objects.get(channel=Channel.WEBPUSH)


def subscribe(client: APIClient, browser: Browser) -> Any:
    return client.post("/api/v1/notifications/push-subscriptions/", browser.subscription(), format="json")


def test_a_notification_reaches_the_browser_encrypted_for_it_alone(
    company: Company, editor: User, push_service: tuple[PushService, StandIn], settings: Any,
    api_client_for: Callable[[User], APIClient], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    service, server = push_service
    browser = Browser(f"{server.base_url}/push/editor-1")
    assert subscribe(api_client_for(editor), browser).status_code == 201
    content, delivery = content_ready_push(company, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.SENT, delivery.last_error
    [request] = service.received
    assert request.path == "/push/editor-1"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) == settings.WEBPUSH_TTL_SECONDS  # explicit: pywebpush defaults to 0
    assert request.headers["authorization"].startswith("vapid t=")
    assert f"k={settings.WEBPUSH_VAPID_PUBLIC_KEY}" in request.headers["authorization"]
    assert content.order_number.encode() not in request.body  # encrypted on the wire
    message = browser.open(request.body)
    assert content.order_number in message["title"]
    assert message["url"].startswith(f"/c/{company.slug}/")
    assert message["tag"] == f"notification-{delivery.notification_id}"
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure: another key cannot open it
        Browser(browser.endpoint).open(request.body)


def test_a_410_from_the_push_service_removes_the_subscription(
    company: Company, editor: User, push_service: tuple[PushService, StandIn],
    api_client_for: Callable[[User], APIClient], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    service, server = push_service
    service.status = 410
    subscribe(api_client_for(editor), Browser(f"{server.base_url}/push/gone"))
    _content, delivery = content_ready_push(company, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert "410" in delivery.last_error
    assert delivery.attempts == 1  # not retried
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    ["https://evil.example/push/1", "http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1/x"],
)
def test_an_endpoint_that_is_not_a_push_service_is_refused(
    editor: User, push_service: tuple[PushService, StandIn], api_client_for: Callable[[User], APIClient],
    endpoint: str,
) -> None:  # fmt: skip
    answer = subscribe(api_client_for(editor), Browser(endpoint))
    assert answer.status_code == 400
    assert answer.json()["code"]
    assert not PushSubscription.objects.exists()


def test_bad_keys_and_an_unconfigured_server_are_refused(
    editor: User, push_service: tuple[PushService, StandIn], api_client_for: Callable[[User], APIClient],
    settings: Any,
) -> None:  # fmt: skip
    _service, server = push_service
    client = api_client_for(editor)
    bad = Browser(f"{server.base_url}/push/x").subscription()
    bad["keys"]["p256dh"] = "<script>"
    assert client.post("/api/v1/notifications/push-subscriptions/", bad, format="json").status_code == 400
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    assert subscribe(client, Browser(f"{server.base_url}/push/y")).status_code == 400
    assert not PushSubscription.objects.exists()


def test_a_user_removes_only_their_own_subscription(
    editor: User, viewer: User, push_service: tuple[PushService, StandIn],
    api_client_for: Callable[[User], APIClient],
) -> None:  # fmt: skip
    _service, server = push_service
    browser = Browser(f"{server.base_url}/push/mine")
    subscribe(api_client_for(editor), browser)
    other = api_client_for(viewer).delete("/api/v1/notifications/push-subscriptions/",
                                          {"endpoint": browser.endpoint}, format="json")  # fmt: skip
    assert other.status_code == 204  # says nothing about whose it is
    assert PushSubscription.objects.filter(user=editor).exists()
    assert api_client_for(editor).delete("/api/v1/notifications/push-subscriptions/",
                                         {"endpoint": browser.endpoint}, format="json").status_code == 204  # fmt: skip
    assert not PushSubscription.objects.exists()
    assert api_client_for(editor).post("/api/v1/notifications/push-subscriptions/", {},
                                       format="json").status_code == 400  # fmt: skip


def test_the_preferences_page_offers_the_browser_and_the_worker_is_served(
    company: Company, editor: User, push_service: tuple[PushService, StandIn]
) -> None:
    client = Client()
    client.force_login(editor)
    page = client.get("/notifications/preferences/")
    assert b'data-testid="push-on"' in page.content
    assert b'name="content.ready:webpush"' in page.content
    worker = client.get("/notifications-sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("application/javascript")
    assert b"showNotification" in worker.content


def test_a_browser_handed_to_another_user_sends_only_to_them(
    company: Company, editor: User, manager: User, push_service: tuple[PushService, StandIn],
    api_client_for: Callable[[User], APIClient], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    """A shared studio PC: the editor turned notifications on, then the manager signs in and
    the page hands the browser over; the editor's messages stop going there."""
    service, server = push_service
    browser = Browser(f"{server.base_url}/push/shared")
    subscribe(api_client_for(editor), browser)
    with company_scope(company):
        content = make_content(company)
    with django_capture_on_commit_callbacks(execute=True), company_scope(company):
        notes = notify("content.ready", company=company, subject_object=content)
    assert len(service.received) == 1  # the editor's message
    editors = next(n for n in notes if n.recipient == editor)
    subscribe(api_client_for(manager), browser)  # the page re-posts it for whoever is signed in
    with scopes_disabled():
        late = Delivery.objects.create(company=company, notification=editors, event="content.ready",
                                       channel=Channel.WEBPUSH, address=str(PushSubscription.objects.get().pk),
                                       subject="s", text="{}")  # fmt: skip
    from notifications import outbox

    assert outbox.deliver(late.pk) == Delivery.Status.FAILED
    assert len(service.received) == 1


@pytest.mark.parametrize(
    "endpoint", ["http://fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com:8443/fcm/send/x"]
)
def test_a_real_push_service_only_over_https_on_its_port(
    editor: User, push_service: tuple[PushService, StandIn], api_client_for: Callable[[User], APIClient],
    settings: Any, endpoint: str,
) -> None:  # fmt: skip
    settings.WEBPUSH_ENDPOINT_HOSTS = ["fcm.googleapis.com", "127.0.0.1"]
    assert subscribe(api_client_for(editor), Browser(endpoint)).status_code == 400


def test_an_overlong_auth_key_is_a_400(
    editor: User, push_service: tuple[PushService, StandIn], api_client_for: Callable[[User], APIClient]
) -> None:
    _service, server = push_service
    subscription = Browser(f"{server.base_url}/push/x").subscription()
    subscription["keys"]["auth"] = "a" * 150
    answer = api_client_for(editor).post(
        "/api/v1/notifications/push-subscriptions/", subscription, format="json"
    )
    assert answer.status_code == 400
