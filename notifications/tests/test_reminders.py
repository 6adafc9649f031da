"""Expiry reminders with a moving clock: the 30 / 7 / 1-day notices and "expired" go out
once each however often the job runs, one message lists every expiring content of the
company, and a renewed content gets the next term's reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from notifications.models import ExpiryReminder, Notification
from notifications.reminders import send_expiry_reminders, threshold_for

pytestmark = pytest.mark.django_db


def live_content(company: Company, expires_in: timedelta) -> ARContent:
    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ACTIVE)
    ARContent.objects.with_scopes_disabled().filter(pk=content.pk).update(
        expires_at=timezone.now() + expires_in
    )
    content.refresh_from_db()
    return content


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_thresholds() -> None:
    now = timezone.now()
    assert threshold_for(now + timedelta(days=31), now) is None
    assert threshold_for(now + timedelta(days=29), now) == 30
    assert threshold_for(now + timedelta(days=6), now) == 7
    assert threshold_for(now + timedelta(hours=5), now) == 1


def test_each_reminder_goes_out_once_across_reruns_and_a_new_term(company: Company, editor: User) -> None:
    first = live_content(company, timedelta(days=29, hours=12))
    live_content(company, timedelta(days=25))
    now = timezone.now()
    for hour in range(3):  # reruns an hour apart
        send_expiry_reminders(now=now + timedelta(hours=hour))
    assert titles(editor) == ["Prints stop working in 30 days: 2"]  # one message lists both
    note = Notification.objects.get(recipient=editor)
    assert first.order_number in note.body

    send_expiry_reminders(now=now + timedelta(days=23))  # 6.5 days left for the first
    send_expiry_reminders(now=now + timedelta(days=23, hours=2))
    assert titles(editor)[1:] == ["Prints stop working in 7 days: 2"]  # the second has 2 days left

    # Renewed for another year: the 7-day reminder of the new term will come in time.
    renewed_until = now + timedelta(days=365)
    ARContent.objects.with_scopes_disabled().filter(pk=first.pk).update(expires_at=renewed_until)
    send_expiry_reminders(now=now + timedelta(days=24))  # only the second one: its last day
    assert titles(editor)[2:] == ["Prints stop working in 1 day: 1"]
    send_expiry_reminders(now=renewed_until - timedelta(days=6))
    send_expiry_reminders(now=renewed_until - timedelta(days=6) + timedelta(hours=1))
    with scopes_disabled():
        sent = list(
            ExpiryReminder.objects.filter(content=first)
            .order_by("id")
            .values_list("threshold", "term_ends_at")
        )
    first_term = sent[0][1]
    assert sent == [
        ("30", first_term),
        ("7", first_term),
        ("7", renewed_until),
    ]  # the new term's own reminder


def test_expired_content_is_announced_once(company: Company, editor: User, settings: Any) -> None:
    content = live_content(company, timedelta(days=-1))
    ARContent.objects.with_scopes_disabled().filter(pk=content.pk).update(status=ARContent.Status.EXPIRED)
    assert send_expiry_reminders()["expired"] == 1
    assert send_expiry_reminders()["expired"] == 0
    assert titles(editor) == [f"{content.order_number} has expired"]


def test_a_viewer_gets_no_reminder_and_another_company_nothing(
    company: Company, viewer: User, outsider: User
) -> None:
    live_content(company, timedelta(days=3))
    send_expiry_reminders()
    assert titles(viewer) == []
    assert titles(outsider) == []


def test_customers_get_their_reminder_with_the_renewal_link_where_the_company_wants_it(
    company: Company, owner: User, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from companies.services import company_update

    content = live_content(company, timedelta(days=5))
    ARContent.objects.with_scopes_disabled().filter(pk=content.pk).update(customer_email="Maria@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders()
    assert not [m for m in mail.outbox if m.to == ["maria@example.com"]]  # off by default

    company_update(company=company, actor=owner, customer_reminders=True)
    other = live_content(company, timedelta(days=5))
    ARContent.objects.with_scopes_disabled().filter(pk=other.pk).update(customer_email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders()
    [message] = [m for m in mail.outbox if m.to == ["maria@example.com"]]
    assert other.order_number in message.subject
    assert "List-Unsubscribe" in message.extra_headers
    link = message.extra_headers["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    assert client.post(f"/{link.rstrip('/')}x/").status_code == 400  # tampered
    assert client.post(f"/{link}").status_code == 200
    third = live_content(company, timedelta(hours=12))
    ARContent.objects.with_scopes_disabled().filter(pk=third.pk).update(customer_email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders()
    assert len([m for m in mail.outbox if m.to == ["maria@example.com"]]) == 1  # she opted out
