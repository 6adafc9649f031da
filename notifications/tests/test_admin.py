"""The notifications back office: every page opens across tenants, the outbox is only looked
at, and "Retry" puts failed deliveries back in the queue and sends them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.utils import timezone

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from notifications.models import Channel, Delivery, ExpiryReminder, Notification, NotificationPreference
from notifications.services import notify, preference_set
from notifications.tests.test_notify import REFUSING_BACKEND

pytestmark = pytest.mark.django_db
BASE = "/admin/notifications"


@pytest.fixture
def operator(client: Client) -> User:
    user = User.objects.create_superuser("ops@example.com", "pw-1234567890")
    client.force_login(user)
    return user


def content_ready(company: Company) -> list[Notification]:
    with company_scope(company):
        return notify("content.ready", company=company, subject_object=make_content(company))


def deliveries() -> dict[str, Delivery]:
    with scopes_disabled():
        return {d.address: d for d in Delivery.objects.all()}


def test_every_page_opens_for_a_superuser_across_companies(
    client: Client, operator: User, company: Company, editor: User, outsider: User,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        content_ready(company)
        content_ready(outsider.memberships.get().company)
    with company_scope(company):
        preference_set(
            company=company, user=editor, event="video.ready", channel=Channel.EMAIL, enabled=False
        )
        reminder = ExpiryReminder.objects.create(company=company, content=make_content(company), threshold="7",
                                                 term_ends_at=timezone.now() + timedelta(days=7))  # fmt: skip
        preference = NotificationPreference.objects.get()
    note = Notification.objects.get(recipient=editor)
    delivery = deliveries()[editor.email]

    listing = client.get(f"{BASE}/notification/", {"read": "no", "q": "editor@alice"})
    assert listing.status_code == 200
    assert note.title in listing.content.decode()
    assert client.get(f"{BASE}/notification/", {"read": "yes"}).status_code == 200
    page = client.get(f"{BASE}/notification/{note.pk}/change/")
    assert page.status_code == 200
    assert editor.email in page.content.decode()  # the delivery inline
    assert 'name="_save"' not in page.content.decode()  # written by notify(), only looked at

    outbox = client.get(f"{BASE}/delivery/", {"status__exact": "sent", "channel__exact": "email"})
    assert outbox.status_code == 200
    html = outbox.content.decode()
    assert editor.email in html  # every tenant
    assert outsider.email in html
    assert 'value="retry"' in html
    assert 'value="delete_selected"' not in html
    searched = client.get(f"{BASE}/delivery/", {"q": "owner@bob"}).content.decode()
    assert outsider.email in searched
    assert editor.email not in searched
    page = client.get(f"{BASE}/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "/notifications/unsubscribe/" in page.content.decode()
    assert client.get(f"{BASE}/delivery/add/").status_code == 403
    assert client.get(f"{BASE}/delivery/{delivery.pk}/delete/").status_code == 403

    assert client.get(f"{BASE}/notificationpreference/").status_code == 200
    assert client.get(f"{BASE}/notificationpreference/{preference.pk}/change/").status_code == 200
    assert client.get(f"{BASE}/notificationpreference/add/").status_code == 200

    assert client.get(f"{BASE}/expiryreminder/").status_code == 200
    page = client.get(f"{BASE}/expiryreminder/{reminder.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"{BASE}/expiryreminder/{reminder.pk}/delete/").status_code == 403


def test_a_preference_is_set_in_the_admin_with_an_event_from_the_registry(
    client: Client, operator: User, company: Company, editor: User
) -> None:
    form = {"company": company.pk, "user": editor.pk, "channel": Channel.EMAIL, "enabled": ""}
    refused = client.post(f"{BASE}/notificationpreference/add/", {**form, "event": "content.exploded"})
    assert refused.status_code == 200  # the form again, with the error
    response = client.post(f"{BASE}/notificationpreference/add/", {**form, "event": "content.ready"})
    assert response.status_code == 302
    with company_scope(company):
        preference = NotificationPreference.objects.get()
    assert (preference.user, preference.event, preference.enabled) == (editor, "content.ready", False)


def test_retry_requeues_a_failed_delivery_and_sends_it(
    client: Client, operator: User, company: Company, owner: User, editor: User, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        content_ready(company)
    with scopes_disabled():
        Delivery.objects.filter(address=owner.email).update(
            status=Delivery.Status.SENT, sent_at=timezone.now()
        )
    failed, sent = deliveries()[editor.email], deliveries()[owner.email]
    assert failed.status == Delivery.Status.FAILED
    assert failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.last_error
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"{BASE}/delivery/", {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
                               follow=True)  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 delivery queued to send again." in html
    assert f"left as they are: #{sent.pk}." in html
    assert len(callbacks) == 1  # the task is sent once the requeue is committed
    retried = deliveries()[editor.email]
    assert retried.status == Delivery.Status.SENT
    assert retried.attempts == 2  # the first attempt is kept
    assert retried.last_error == ""
    assert [m.to for m in mail.outbox] == [[editor.email]]  # the one already sent is not sent again
    assert "is ready" in mail.outbox[0].subject


def test_retry_makes_a_queued_delivery_due_now(
    client: Client, operator: User, company: Company, editor: User, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        content_ready(company)
    waiting = deliveries()[editor.email]
    assert waiting.status == Delivery.Status.QUEUED
    assert waiting.next_attempt_at is not None  # backing off

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}/delivery/", {"action": "retry", "_selected_action": [waiting.pk]})
    assert deliveries()[editor.email].status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_staff_who_may_only_view_the_outbox_cannot_retry(
    client: Client, company: Company, editor: User
) -> None:
    content_ready(company)  # its send task never runs here (no commit)
    with scopes_disabled():
        delivery = Delivery.objects.get()
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    staff = User.objects.create_user("staff@example.com", "pw-1234567890", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_delivery"))
    client.force_login(staff)
    listing = client.get(f"{BASE}/delivery/")
    assert listing.status_code == 200
    assert 'value="retry"' not in listing.content.decode()
    client.post(f"{BASE}/delivery/", {"action": "retry", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED


def test_the_channel_pages_open_and_never_show_the_bot_token(
    client: Client, operator: User, company: Company, editor: User
) -> None:
    from arvlite.core.encryption import encrypt
    from notifications.models import PushSubscription, TelegramBot, TelegramChat

    token = "123456789:AAEsecretsecretsecretsecretsecret_zz"
    with company_scope(company):
        bot = TelegramBot.objects.create(company=company, token_encrypted=encrypt(token), username="alice_bot",
                                         webhook_secret="s" * 20)  # fmt: skip
        chat = TelegramChat.objects.create(
            company=company, user=editor, chat_id=5001, linked_at=timezone.now()
        )
    browser = PushSubscription.objects.create(user=editor, endpoint="https://fcm.googleapis.com/fcm/send/abc",
                                              p256dh="k", auth="a", user_agent="Firefox")  # fmt: skip
    for path in (f"{BASE}/telegrambot/", f"{BASE}/telegrambot/{bot.pk}/change/", f"{BASE}/telegramchat/",
                 f"{BASE}/telegramchat/{chat.pk}/change/", f"{BASE}/pushsubscription/",
                 f"{BASE}/pushsubscription/{browser.pk}/change/"):  # fmt: skip
        page = client.get(path)
        assert page.status_code == 200, path
        assert token not in page.content.decode()
        assert bot.token_encrypted not in page.content.decode()
    assert "alice_bot" in client.get(f"{BASE}/telegrambot/").content.decode()
    assert "Firefox" in client.get(f"{BASE}/pushsubscription/").content.decode()
