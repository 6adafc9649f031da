"""Sending what the outbox holds. A delivery is claimed by a conditional update (queued →
sending), so two workers never send it both; a failure puts it back with an exponential
backoff and jitter until ``NOTIFICATION_MAX_ATTEMPTS``, then it is ``failed`` with the
reason. A worker killed while sending leaves it ``sending``: the sweep requeues it."""

from __future__ import annotations

import contextlib
import random
import smtplib
import threading
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.utils import timezone

from arvlite.core.tenancy import scopes_disabled
from companies.models import Membership
from notifications import telegram, webpush
from notifications.errors import RetryLaterError, UndeliverableError
from notifications.models import Channel, Delivery
from notifications.registry import EVENTS
from notifications.services import why_not_heard

log = structlog.get_logger(__name__)
Status = Delivery.Status
STALE_SENDING = timedelta(minutes=10)


def backoff(attempt: int) -> timedelta:
    """Wait before try ``attempt + 1``: base × 2^(attempt-1), ±25 % jitter, capped at 6 h."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(base * random.uniform(0.75, 1.25), 6 * 3600))  # noqa: S311 - not crypto


_local = threading.local()


def _connection() -> Any:
    """This thread's e-mail connection, kept open between deliveries (a new SMTP session
    per message costs more than the message); dropped after any failure."""
    wanted = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    if getattr(_local, "connection", None) is None or _local.settings != wanted:  # settings changed (tests)
        _drop_connection()
        connection = get_connection()
        connection.open()  # may raise (the server is down): nothing is kept then
        _local.connection, _local.settings = connection, wanted
    return _local.connection


def _drop_connection() -> None:
    connection, _local.connection = getattr(_local, "connection", None), None
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()


def _send_email(delivery: Delivery) -> None:
    headers = {}
    if delivery.unsubscribe_url:
        # RFC 8058: mail clients offer "unsubscribe" and POST to the URL without a login.
        headers = {"List-Unsubscribe": f"<{delivery.unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}  # fmt: skip
    message = EmailMultiAlternatives(subject=delivery.subject, body=delivery.text, to=[delivery.address],
                                     headers=headers)  # fmt: skip
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    for attempt in (1, 2):
        message.connection = _connection()
        try:
            message.send()
            return
        except smtplib.SMTPServerDisconnected:
            _drop_connection()  # the kept connection timed out on the server's side: once more, fresh
            if attempt == 2:
                raise
        except Exception:
            _drop_connection()
            raise


SENDERS = {Channel.EMAIL: _send_email, Channel.TELEGRAM: telegram.send, Channel.WEBPUSH: webpush.send}


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Send one delivery if it is due; returns its status afterwards."""
    now = now or timezone.now()
    with scopes_disabled():  # the id is the key; the row carries its company
        claimed = (
            Delivery.objects.filter(pk=delivery_id, status=Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
        delivery = Delivery.objects.filter(pk=delivery_id).select_related("notification__recipient").first()
    if delivery is None or not claimed:
        return delivery.status if delivery else "missing"
    if (why := _not_for_recipient(delivery)) is not None:
        Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(
            status=Status.SUPPRESSED, last_error=why
        )
        return Status.SUPPRESSED
    try:
        SENDERS[Channel(delivery.channel)](delivery)
    except RetryLaterError as wait:
        return _later(delivery, wait.seconds, now)
    except UndeliverableError as error:
        return _failed(delivery, error, now, final=True)
    except Exception as error:
        return _failed(delivery, error, now)
    Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(status=Status.SENT, sent_at=timezone.now(),
                                                                          last_error="")  # fmt: skip
    return Status.SENT


def enqueue_email(
    *, company: Any, to: str, subject: str, text: str, html: str, kind: str, language: str
) -> None:
    """A company's e-mail to a customer (order mails), as an outbox row sent after commit."""
    from notifications.tasks import send_delivery

    delivery = Delivery.objects.with_scopes_disabled().create(
        company=company, event=f"mail:{kind}"[:60], channel=Channel.EMAIL, address=to, language=language or "ru",
        subject=subject[:300], text=text, html=html,
    )  # fmt: skip
    send_delivery.delay_on_commit(delivery.pk)


def _not_for_recipient(delivery: Delivery) -> str | None:
    """Why a user's message must not go out any more (checked at send time: they may have
    left the company or lost the role since it was queued); None when it may."""
    if delivery.event == "digest":  # a user's daily digest: still an active member?
        member = Membership.objects.filter(company_id=delivery.company_id, user__email=delivery.address,
                                           user__is_active=True).exists()  # fmt: skip
        return None if member else "The recipient is no longer an active member of the company."
    if delivery.notification is None:
        return None  # a customer's reminder: their opt-out was checked when it was queued
    event = EVENTS.get(delivery.event)
    if event is None:
        return None
    return why_not_heard(delivery.notification.recipient, delivery.company_id, event)


def _later(delivery: Delivery, seconds: float, now: datetime) -> str:
    """Rate limited: back in the queue for when a slot is free; the try does not count."""
    Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(
        status=Status.QUEUED, attempts=F("attempts") - 1, next_attempt_at=now + timedelta(seconds=seconds)
    )
    from notifications.tasks import send_delivery

    send_delivery.apply_async(args=(delivery.pk,), countdown=seconds)
    return Status.QUEUED


def _failed(delivery: Delivery, error: Exception, now: datetime, *, final: bool = False) -> str:
    reason = f"{type(error).__name__}: {error}"[:2000]
    if final or delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(
            status=Status.FAILED, last_error=reason
        )
        log.warning("delivery.failed", delivery=delivery.pk, attempts=delivery.attempts, error=reason)
        return Status.FAILED
    wait = backoff(delivery.attempts)
    Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(
        status=Status.QUEUED, last_error=reason, next_attempt_at=now + wait
    )
    log.info(
        "delivery.retry",
        delivery=delivery.pk,
        attempts=delivery.attempts,
        wait_seconds=int(wait.total_seconds()),
    )
    from notifications.tasks import send_delivery

    send_delivery.apply_async(args=(delivery.pk,), countdown=wait.total_seconds())
    return Status.QUEUED


def sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliveries whose task was lost: queued and overdue, or stuck sending (the worker
    died). Each is sent again now; returns how many."""
    now = now or timezone.now()
    with scopes_disabled():
        Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_SENDING).update(
            status=Status.QUEUED
        )
        due = list(
            Delivery.objects.filter(status=Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True, created_at__lt=now - timedelta(minutes=2))
                    | Q(next_attempt_at__lt=now - timedelta(minutes=2)))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )  # fmt: skip
    for pk in due:
        deliver(pk, now=now)
    return len(due)
