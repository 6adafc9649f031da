"""The daily digest for high-volume events, and the recipient's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from notifications import digest
from notifications.models import Channel, Delivery, Notification
from notifications.registry import EVENTS
from notifications.services import notify, preference_set, unsubscribe_token, wanted_channels
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


def video_ready(company: Company, title: str) -> None:
    with company_scope(company):
        video = make_video(make_content(company), title=title)
        notify("video.ready", company=company, subject_object=video)


def test_a_chosen_digest_holds_the_emails_and_sends_one_a_day(
    company: Company, editor: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFICATION_DIGEST_HOUR = 8
    company.time_zone = "Europe/Moscow"
    company.save()
    with company_scope(company):
        preference_set(
            company=company, user=editor, event="video.ready", channel=Channel.EMAIL_DIGEST, enabled=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        video_ready(company, "Wedding")
        video_ready(company, "Birthday")
    with scopes_disabled():
        assert not Delivery.objects.filter(notification__recipient=editor).exists()  # no e-mail one by one
        assert Notification.objects.filter(recipient=editor, digest_pending=True, in_app=True).count() == 2

    tomorrow = timezone.localdate(timezone.now(), MOSCOW) + timedelta(days=1)
    early = datetime.combine(tomorrow, datetime.min.time(), tzinfo=MOSCOW).replace(hour=7)
    assert digest.send_digests(now=early) == 0  # before the digest hour
    later = early.replace(hour=9)
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_digests(now=later) == 1
        assert digest.send_digests(now=later) == 0  # a rerun (or an overlapping run) sends nothing more
    with scopes_disabled():
        [mail] = Delivery.objects.filter(event="digest")
        assert not Notification.objects.filter(digest_pending=True).exists()
    assert mail.address == editor.email
    assert mail.status == Delivery.Status.SENT
    assert "2" in mail.subject
    assert "Wedding" in mail.text
    assert "Birthday" in mail.text
    assert mail.unsubscribe_url


def test_the_digest_only_applies_to_high_volume_events(company: Company, editor: User) -> None:
    with company_scope(company):
        preference_set(
            company=company, user=editor, event="content.ready", channel=Channel.EMAIL_DIGEST, enabled=True
        )
        assert Channel.EMAIL_DIGEST not in wanted_channels(EVENTS["content.ready"], company, editor)
        assert Channel.EMAIL in wanted_channels(EVENTS["content.ready"], company, editor)
        assert Channel.EMAIL_DIGEST not in wanted_channels(
            EVENTS["video.ready"], company, editor
        )  # off by default


def test_the_digests_unsubscribe_link_stops_its_events_emails(company: Company, editor: User) -> None:
    token = unsubscribe_token(user=editor, company=company, event="digest")
    assert Client().post(f"/notifications/unsubscribe/{token}/").status_code == 200
    with company_scope(company):
        for name, event in EVENTS.items():
            wanted = wanted_channels(event, company, editor)
            assert (Channel.EMAIL in wanted) == (not event.digest and Channel.EMAIL in event.channels), name


def test_each_recipient_gets_their_own_language(
    company: Company, editor: User, viewer: User, manager: User, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.LANGUAGE_CODE = "ru"
    # The portal's language switch remembers a signed-in user's choice.
    client = Client()
    client.force_login(editor)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    editor.refresh_from_db()
    assert editor.language == "en"
    with django_capture_on_commit_callbacks(execute=True), company_scope(company):
        notify("content.ready", company=company, subject_object=make_content(company))
    with scopes_disabled():
        by_user = {d.address: d for d in Delivery.objects.filter(channel=Channel.EMAIL)}
    assert by_user[editor.email].language == "en"
    assert by_user[editor.email].subject.endswith("is ready")
    assert by_user[manager.email].language == "ru"
    assert "готов" in by_user[manager.email].subject


def _held(company: Company, user: User, capture: Any) -> None:
    with company_scope(company):
        preference_set(
            company=company, user=user, event="video.ready", channel=Channel.EMAIL_DIGEST, enabled=True
        )
    with capture(execute=True):
        video_ready(company, "Secret project")


def _after_digest_hour(company: Company) -> datetime:
    tomorrow = timezone.localdate(timezone.now(), ZoneInfo(company.time_zone)) + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), tzinfo=ZoneInfo(company.time_zone)).replace(
        hour=12
    )


def test_no_digest_for_someone_who_left_or_unsubscribed(
    company: Company, editor: User, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    from companies.models import Membership

    _held(company, editor, django_capture_on_commit_callbacks)
    _held(company, manager, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=editor).delete()  # the editor left
    token = unsubscribe_token(user=manager, company=company, event="digest")
    Client().post(f"/notifications/unsubscribe/{token}/")  # the manager unsubscribed from the digest
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_digests(now=_after_digest_hour(company)) == 0
    with scopes_disabled():
        assert not Delivery.objects.filter(event="digest").exists()


def test_only_owners_change_the_company_defaults(company: Company, viewer: User) -> None:
    from notifications.models import NotificationPreference

    client = Client()
    client.force_login(viewer)
    for scope in ("company", "x", ""):
        answer = client.post("/notifications/preferences/", {"company": company.slug, "scope": scope})
        assert answer.status_code in (400, 403), scope
    with scopes_disabled():
        assert not NotificationPreference.objects.filter(user__isnull=True).exists()
