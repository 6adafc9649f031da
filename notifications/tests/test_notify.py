"""notify() and the outbox: who receives what, preferences, e-mails with their unsubscribe
headers, retries with backoff until failed, the sweep of lost deliveries, the bell, and
the events the other apps emit."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone

from arcontent.tests.factories import make_content
from arvlite.core.events import emit
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, Membership, User
from notifications import outbox
from notifications.models import Channel, Delivery, Notification
from notifications.registry import EVENTS, UnknownEventError
from notifications.services import notify, preference_set, unread_count, unsubscribe_token

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message (the test's stand-in for one that is down)."""

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


REFUSING_BACKEND = f"{__name__}.RefusingBackend"


def content_ready(company: Company, **kwargs: Any) -> list[Notification]:
    with company_scope(company):
        content = make_content(company)
        return notify("content.ready", company=company, subject_object=content, **kwargs)


def test_every_event_emitted_in_the_code_is_in_the_registry() -> None:
    emitted = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "node_modules" in path.parts:
            continue
        emitted |= set(re.findall(r"""emit\(\s*["']([a-z_.0-9]+)["']""", path.read_text()))
        emitted |= set(re.findall(r"""notify\(\s*(?:f?)["']([a-z_.0-9{}]+)["']""", path.read_text()))
    emitted = {name for name in emitted if "{" not in name} | {"quota.80", "quota.100"}
    assert emitted, "the search found no emit() calls"
    assert emitted <= set(EVENTS), emitted - set(EVENTS)
    with pytest.raises(UnknownEventError):
        notify("content.exploded", company=Company(name="x", slug="x"))


def test_editors_and_up_get_it_in_the_bell_and_by_email(
    company: Company, members: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = content_ready(company)
    assert sorted(n.recipient.email for n in created) == sorted(
        members[role].email for role in ("owner", "manager", "editor")
    )
    assert unread_count(members["viewer"]) == 0
    sent = {message.to[0]: message for message in mail.outbox}
    message = sent[members["editor"].email]
    assert "is ready" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert "/notifications/unsubscribe/" in message.body
    with scopes_disabled():
        assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_user_who_left_hears_nothing_and_preferences_count(
    company: Company, members: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    Membership.objects.filter(user=members["manager"]).delete()
    with company_scope(company):
        preference_set(company=company, user=members["editor"], event="content.ready", channel=Channel.EMAIL,
                       enabled=False)  # fmt: skip
        preference_set(
            company=company, user=None, event="content.ready", channel=Channel.IN_APP, enabled=False
        )
    with django_capture_on_commit_callbacks(execute=True):
        created = content_ready(company)
    by_user = {n.recipient.email: n for n in created}
    assert members["manager"].email not in by_user
    assert members["editor"].email not in by_user  # portal off by the company, e-mail off by the editor
    assert by_user[members["owner"].email].in_app is False  # the company default: off in the portal
    assert unread_count(members["owner"]) == 0
    assert [m.to[0] for m in mail.outbox] == [members["owner"].email]


def test_a_refusing_smtp_server_is_retried_then_failed_with_the_reason(
    company: Company, editor: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        content_ready(company)
    with scopes_disabled():
        delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.next_attempt_at is not None
    assert outbox.deliver(delivery.pk) == Delivery.Status.QUEUED  # not due yet: untouched
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert outbox.deliver(delivery.pk, now=later) == Delivery.Status.QUEUED
    delivery.refresh_from_db()
    assert outbox.deliver(delivery.pk, now=delivery.next_attempt_at + timedelta(seconds=1)) == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.status == Delivery.Status.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.deliver(delivery.pk, now=later + timedelta(days=1)) == "failed"  # never sent again


def test_backoff_doubles_with_jitter(settings: Any) -> None:
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    waits = [outbox.backoff(attempt).total_seconds() for attempt in (1, 2, 3)]
    assert 45 <= waits[0] <= 75
    assert 90 <= waits[1] <= 150
    assert 180 <= waits[2] <= 300


def test_the_sweep_sends_what_a_killed_worker_left(company: Company, editor: User) -> None:
    content_ready(company)  # after-commit callbacks never ran: the task was "lost"
    with scopes_disabled():
        delivery = Delivery.objects.get()
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING,
                                                       claimed_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=10)) == 0  # and only once


def test_the_bell_the_list_and_the_api(
    company: Company, editor: User, outsider: User, client: Client
) -> None:
    content_ready(company)
    content_ready(company)
    client.force_login(editor)
    page = client.get(f"/c/{company.slug}/").content.decode()
    assert 'data-testid="unread-count">2<' in page
    answer = client.get("/api/v1/notifications/?unread=1").json()
    assert answer["count"] == 2
    first = answer["results"][0]["id"]
    assert client.post(f"/api/v1/notifications/{first}/read/").json() == {"marked": 1, "unread_count": 1}
    opened = client.get(f"/notifications/{first}/open/")
    assert opened.status_code == 302
    assert opened["Location"].startswith(f"/c/{company.slug}/")
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1, "unread_count": 0}
    client.force_login(outsider)
    assert client.get("/api/v1/notifications/").json()["count"] == 0
    assert client.post(f"/api/v1/notifications/{first}/read/").json() == {"marked": 0, "unread_count": 0}
    assert client.get(f"/notifications/{first}/open/").status_code == 404


def test_preferences_in_the_api_and_company_defaults_for_owners(
    company: Company, owner: User, editor: User, client: Client
) -> None:
    client.force_login(editor)
    body = {"company": company.slug, "event": "video.ready", "channel": "email", "enabled": False}
    assert (
        client.post("/api/v1/notification-preferences/", body, content_type="application/json").status_code
        == 200
    )
    rows = client.get("/api/v1/notification-preferences/").json()
    assert {"company": company.slug, "event": "video.ready", "channel": "email", "enabled": False,
            "scope": "user"} in rows  # fmt: skip
    refused = client.post("/api/v1/notification-preferences/", {**body, "scope": "company"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    bad = client.post(
        "/api/v1/notification-preferences/", {**body, "event": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "event" in bad.json()["errors"]
    client.force_login(owner)
    assert client.post("/api/v1/notification-preferences/", {**body, "scope": "company"},
                       content_type="application/json").status_code == 200  # fmt: skip


def test_one_click_unsubscribe_and_a_tampered_link(company: Company, editor: User, client: Client) -> None:
    token = unsubscribe_token(user=editor, company=company, event="content.ready")
    assert (
        client.get(f"/notifications/unsubscribe/{token}/").status_code == 200
    )  # a page, nothing changed yet
    assert client.post(f"/notifications/unsubscribe/{token}x/").status_code == 400
    answer = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    created = content_ready(company)
    with scopes_disabled():
        assert not Delivery.objects.filter(notification__in=created).exists()


def test_emitted_events_reach_the_bell_after_commit(
    company: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with company_scope(company):
        content = make_content(company)
    with django_capture_on_commit_callbacks(execute=True):
        emit("content.failed", company=company, subject=content, stage="Photo", reason="Too small")
    note = Notification.objects.get(recipient=editor)
    assert note.body == "Photo: Too small"


class _AnyFacts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_event_renders_its_title_and_body(language: str) -> None:
    from django.utils import translation

    with translation.override(language):
        for event in EVENTS.values():
            for text in (event.title, event.body):
                rendered = str(text) % _AnyFacts()  # a stray "%" raises here
                assert "%(" not in rendered, event.name


def test_a_member_removed_after_queueing_is_not_mailed(company: Company, manager: User) -> None:
    content_ready(company)  # queued; the task has not run yet
    Membership.objects.filter(user=manager, company=company).delete()
    with scopes_disabled():
        delivery = Delivery.objects.get(address=manager.email)
    assert outbox.deliver(delivery.pk) == Delivery.Status.SUPPRESSED
    assert mail.outbox == []


def test_a_customers_order_mail_goes_through_the_outbox(
    company: Company, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from orders.tests.factories import make_order

    settings.EMAIL_BACKEND = REFUSING_BACKEND
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True), company_scope(company):
        order = make_order(company, customer_email="jane@customer.example")
    with scopes_disabled():
        delivery = Delivery.objects.get(address="jane@customer.example")
    assert delivery.company_id == company.pk
    assert delivery.event == "mail:orders/order_created"
    assert order.number in delivery.subject
    # Written with the order, sent by the outbox: the SMTP refusal is recorded on the row.
    assert delivery.status == Delivery.Status.FAILED
    assert "SMTPServerDisconnected" in delivery.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Delivery.objects.with_scopes_disabled().filter(pk=delivery.pk).update(status=Delivery.Status.QUEUED)
    assert outbox.deliver(delivery.pk) == Delivery.Status.SENT
    assert mail.outbox[-1].to == ["jane@customer.example"]
