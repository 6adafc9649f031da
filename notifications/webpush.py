"""Web Push: a user's browsers that accepted notifications, and sending a delivery to one
with pywebpush (VAPID-signed, aes128gcm-encrypted, with an explicit TTL). A push service
answering 404 or 410 means the browser dropped the subscription: it is removed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from companies.models import User
from notifications.errors import RetryLaterError, UndeliverableError
from notifications.models import Delivery, PushSubscription

log = structlog.get_logger(__name__)
SEND_TIMEOUT_SECONDS = 10


def configured() -> bool:
    return bool(settings.WEBPUSH_VAPID_PUBLIC_KEY and settings.WEBPUSH_VAPID_PRIVATE_KEY)


def _allowed_endpoint(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.scheme == "http":  # plain http only for a loopback stand-in named on purpose (tests)
        return host in ("127.0.0.1", "localhost") and host in settings.WEBPUSH_ENDPOINT_HOSTS
    if parts.scheme != "https" or port not in (None, 443):
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.WEBPUSH_ENDPOINT_HOSTS)


def subscribe(user: User, *, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Save (or move to ``user``) one browser's subscription; ValidationError for an
    endpoint that is not a known push service or keys that are not base64url."""
    if not configured():
        raise ValidationError(_("Browser notifications are not set up on this server."))
    if not _allowed_endpoint(endpoint):
        raise ValidationError(_("This is not the address of a known push service."))
    for value, longest in ((p256dh, 200), (auth, 100)):
        if not value or len(value) > longest or not all(c.isalnum() or c in "-_=" for c in value):
            raise ValidationError(_("The subscription's keys are not valid."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


def unsubscribe(user: User, endpoint: str) -> bool:
    return bool(PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0])


def payload(*, title: str, body: str, url: str, tag: str) -> str:
    """What the service worker shows (static/notifications-sw.js reads these keys)."""
    return json.dumps({"title": title, "body": body[:500], "url": url, "tag": tag}, ensure_ascii=False)


def send(delivery: Delivery) -> None:
    """The outbox's sender for one subscription (its id is the delivery's address)."""
    subscription = PushSubscription.objects.filter(pk=int(delivery.address)).first()
    if subscription is None:
        raise UndeliverableError("The browser's subscription was removed.")
    recipient_id = delivery.notification.recipient_id if delivery.notification else None
    if subscription.user_id != recipient_id:  # the browser is now signed in as someone else
        raise UndeliverableError("The browser is now signed in to another account.")
    info: dict[str, Any] = {"endpoint": subscription.endpoint,
                            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}  # fmt: skip
    try:
        webpush(info, data=delivery.text, vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT}, ttl=settings.WEBPUSH_TTL_SECONDS,
                timeout=SEND_TIMEOUT_SECONDS)  # fmt: skip
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            subscription.delete()
            raise UndeliverableError(f"The push service dropped the subscription ({status}).") from None
        if status == 429:
            retry_after = error.response.headers.get("Retry-After", "") if error.response is not None else ""
            raise RetryLaterError(float(retry_after) if retry_after.isdigit() else 60.0) from None
        if status in (400, 401, 403, 413):  # the request itself is wrong: sending again cannot help
            raise UndeliverableError(f"The push service refused the message ({status}).") from None
        raise
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
