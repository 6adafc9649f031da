"""E-mail over real SMTP: notify() → the outbox → Django's SMTP backend → an aiosmtpd server
on a free loopback port. The message that lands carries the RFC 8058 one-click headers,
its unsubscribe link turns the e-mail off, and a server that is down leaves the delivery
queued for its retry while the portal notifications stand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing.smtp import SmtpServer, start_smtp, use_smtp
from companies.models import Company, User
from notifications import outbox
from notifications.models import Channel, Delivery, Notification, NotificationPreference
from notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db
PUBLIC_URL = "https://portal.example.com"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    server = start_smtp()
    use_smtp(settings, server.port)
    settings.PUBLIC_URL = PUBLIC_URL
    yield server
    server.stop()


def content_ready(company: Company, capture: Any) -> list[Notification]:
    with capture(execute=True), company_scope(company):
        return notify("content.ready", company=company, subject_object=make_content(company))


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, message
    return str(cast(EmailMessage, part).get_content())


def test_the_email_lands_with_one_click_unsubscribe_that_turns_it_off(
    smtp: SmtpServer, company: Company, editor: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content_ready(company, django_capture_on_commit_callbacks)

    assert mail.outbox == []  # not the locmem backend: the real SMTP server got it
    assert len(smtp.sink.received) == 1
    received = smtp.sink.received[0]
    assert received.rcpt_tos == [editor.email]
    assert received.mail_from == "noreply@localhost"  # DEFAULT_FROM_EMAIL's address
    message = received.message
    assert message["To"] == editor.email
    assert "is ready" in str(message["Subject"])
    assert message.get_body(preferencelist=("html",)) is not None  # the HTML alternative came along
    body = plain_text(message)
    found = re.search(r"(https?://\S+/notifications/unsubscribe/\S+/)", body)
    assert found, body
    link = found.group(1)
    assert link.startswith(PUBLIC_URL + "/notifications/unsubscribe/")
    assert re.sub(r"\s+", "", str(message["List-Unsubscribe"])) == f"<{link}>"
    assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    with scopes_disabled():
        delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SENT, 1, "")

    # The mail client's one-click POST: no session, no CSRF token (RFC 8058).
    path = urlsplit(link).path
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(path).status_code == 200  # a person clicking sees a confirm button first
    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert 'data-testid="unsubscribe-done"' in response.content.decode()
    with company_scope(company):
        preference = NotificationPreference.objects.get(
            user=editor, event="content.ready", channel=Channel.EMAIL
        )
    assert preference.enabled is False

    created = content_ready(company, django_capture_on_commit_callbacks)
    assert [n.recipient for n in created] == [editor]  # still told in the portal
    assert len(smtp.sink.received) == 1  # but no second e-mail
    with scopes_disabled():
        assert Delivery.objects.count() == 1
    assert unread_count(editor) == 2


def test_with_the_smtp_server_down_the_delivery_waits_for_its_retry_and_the_rest_stands(
    smtp: SmtpServer, company: Company, owner: User, editor: User, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    smtp.stop()  # nothing listens on the port now

    created = content_ready(company, django_capture_on_commit_callbacks)

    assert {n.recipient for n in created} == {owner, editor}
    with scopes_disabled():
        waiting = list(Delivery.objects.order_by("address"))
    assert [d.address for d in waiting] == sorted([owner.email, editor.email])  # each one was tried
    for delivery in waiting:
        assert delivery.status == Delivery.Status.QUEUED
        assert delivery.attempts == 1
        assert "connection" in delivery.last_error.lower(), delivery.last_error  # ConnectionRefusedError
        assert delivery.next_attempt_at is not None
        assert delivery.sent_at is None
    assert unread_count(owner) == 1  # the portal notifications do not depend on the mail server
    assert unread_count(editor) == 1
    assert smtp.sink.received == []

    # The server is back (on a new port): the retry, once due, sends it.
    again = start_smtp()
    try:
        use_smtp(settings, again.port)
        first = waiting[0]
        assert first.next_attempt_at is not None
        assert (
            outbox.deliver(first.pk, now=first.next_attempt_at + timedelta(seconds=1)) == Delivery.Status.SENT
        )
        assert [r.rcpt_tos for r in again.sink.received] == [[first.address]]
    finally:
        again.stop()
    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == (Delivery.Status.SENT, 2, "")
    waiting[1].refresh_from_db()
    assert waiting[1].status == Delivery.Status.QUEUED  # the other waits for its own retry
