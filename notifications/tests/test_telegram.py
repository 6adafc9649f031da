"""Telegram against a local stand-in of the Bot API: connecting a company's bot (token
checked, stored encrypted, never shown), linking a member's chat by the one-time deep
link through the verified webhook, sending through the outbox within the rate limits,
and what Telegram's refusals do."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arcontent.tests.factories import make_content
from arvlite.core import ratelimit
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from notifications import outbox, telegram
from notifications.models import Channel, Delivery, Notification, TelegramBot, TelegramChat
from notifications.services import notify
from notifications.tests.telegram_standin import BOT, TOKEN, BotApi, bot_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings: Any) -> Iterator[BotApi]:
    with bot_api() as standin:
        settings.TELEGRAM_API_URL = standin.base_url
        settings.TELEGRAM_TIMEOUT = 2
        yield standin


@pytest.fixture
def bot(company: Company, api: BotApi) -> TelegramBot:
    with company_scope(company):
        return telegram.bot_connect(company, TOKEN)


def webhook(company: Company, update: dict[str, Any], secret: str) -> Any:
    return Client().post(f"/api/v1/notifications/telegram/{company.slug}/", update,
                         content_type="application/json", headers={"X-Telegram-Bot-Api-Secret-Token": secret})  # fmt: skip


def link(company: Company, user: User, chat_id: int, bot: TelegramBot) -> None:
    with company_scope(company):
        url = telegram.link_start(company, user)
    start = url.split("start=")[1]
    answer = webhook(company, {"update_id": 1, "message": {"chat": {"id": chat_id}, "text": f"/start {start}"}},
                     bot.webhook_secret)  # fmt: skip
    assert answer.status_code == 200, answer.content


def test_an_owner_connects_the_bot_and_the_token_is_never_shown(
    company: Company, owner: User, api: BotApi, api_client_for: Callable[[User], APIClient]
) -> None:
    client = api_client_for(owner)
    answer = client.put(f"/api/v1/companies/{company.slug}/telegram/", {"bot_token": TOKEN}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["configured"] is True
    assert answer.json()["bot_username"] == BOT
    assert TOKEN not in answer.content.decode()
    assert TOKEN not in client.get(f"/api/v1/companies/{company.slug}/telegram/").content.decode()
    # Telegram was asked who the bot is, then pointed at our webhook with a secret.
    assert [method for method, _payload, _at in api.calls] == ["getMe", "setWebhook"]
    hook = api.webhooks[TOKEN]
    assert hook["url"].endswith(f"/api/v1/notifications/telegram/{company.slug}/")
    with scopes_disabled():
        stored = TelegramBot.objects.get(company=company)
    assert hook["secret_token"] == stored.webhook_secret
    assert TOKEN not in stored.token_encrypted  # encrypted at rest
    assert stored.token == TOKEN


@pytest.mark.parametrize(
    ("token", "reason"),
    [("not a token", "not a bot token"), ("987654321:AAEunknownunknownunknownunknown_xyz", "refused")],
)
def test_a_bad_or_refused_token_saves_nothing(
    company: Company,
    owner: User,
    api: BotApi,
    api_client_for: Callable[[User], APIClient],
    token: str,
    reason: str,
) -> None:
    answer = api_client_for(owner).put(f"/api/v1/companies/{company.slug}/telegram/", {"bot_token": token},
                                       format="json")  # fmt: skip
    assert answer.status_code == 400
    assert reason in answer.json()["errors"]["bot_token"][0].lower()
    with scopes_disabled():
        assert not TelegramBot.objects.exists()


def test_only_owners_see_or_change_the_bot(
    company: Company, members: dict[str, User], api: BotApi, api_client_for: Callable[[User], APIClient]
) -> None:
    for role in ("manager", "editor", "viewer"):
        client = api_client_for(members[role])
        assert client.get(f"/api/v1/companies/{company.slug}/telegram/").status_code == 403
        assert client.put(f"/api/v1/companies/{company.slug}/telegram/", {"bot_token": TOKEN},
                          format="json").status_code == 403  # fmt: skip


def test_a_member_links_their_chat_once_through_the_verified_webhook(
    company: Company, other_company: Company, editor: User, bot: TelegramBot, api: BotApi,
    api_client_for: Callable[[User], APIClient],
) -> None:  # fmt: skip
    answer = api_client_for(editor).post(f"/api/v1/companies/{company.slug}/telegram/link/")
    assert answer.status_code == 200
    url = answer.json()["url"]
    assert url.startswith(f"https://t.me/{BOT}?start=")
    start = url.split("start=")[1]
    update = {"update_id": 7, "message": {"chat": {"id": 5001}, "text": f"/start {start}"}}

    assert webhook(company, update, "wrong-secret").status_code == 403
    assert webhook(company, update, "").status_code == 403
    assert webhook(other_company, update, bot.webhook_secret).status_code == 404  # no bot there
    with scopes_disabled():
        assert not TelegramChat.objects.filter(chat_id__isnull=False).exists()

    reply = webhook(company, update, bot.webhook_secret)
    assert reply.status_code == 200
    assert reply.json()["method"] == "sendMessage"
    assert reply.json()["chat_id"] == 5001
    with scopes_disabled():
        chat = TelegramChat.objects.get(company=company, user=editor)
    assert chat.chat_id == 5001
    assert chat.link_token is None

    # The link is one-time: another chat opening it gets nothing.
    again = webhook(company, {"update_id": 8, "message": {"chat": {"id": 6002}, "text": f"/start {start}"}},
                    bot.webhook_secret)  # fmt: skip
    assert "expired" in again.json()["text"]
    with scopes_disabled():
        assert TelegramChat.objects.get(company=company, user=editor).chat_id == 5001
    # Not an update at all: a clear 400.
    bad = Client().post(f"/api/v1/notifications/telegram/{company.slug}/", "[1,", content_type="application/json",
                        headers={"X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret})  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"


def test_an_expired_link_does_not_link(company: Company, editor: User, bot: TelegramBot) -> None:
    with company_scope(company):
        url = telegram.link_start(company, editor)
        TelegramChat.objects.filter(user=editor).update(
            link_token_created_at=timezone.now() - telegram.LINK_TOKEN_LIFETIME - timedelta(minutes=1)
        )
    start = url.split("start=")[1]
    reply = webhook(
        company, {"message": {"chat": {"id": 5001}, "text": f"/start {start}"}}, bot.webhook_secret
    )
    assert "expired" in reply.json()["text"]
    with scopes_disabled():
        assert TelegramChat.objects.get(user=editor).chat_id is None


def test_notifications_go_to_the_linked_chat_through_the_outbox(
    company: Company,
    members: dict[str, User],
    bot: TelegramBot,
    api: BotApi,
    django_capture_on_commit_callbacks: Any,
) -> None:
    link(company, members["editor"], 5001, bot)
    with company_scope(company):
        content = make_content(company)
    with django_capture_on_commit_callbacks(execute=True), company_scope(company):
        notify("content.ready", company=company, subject_object=content)
    with scopes_disabled():
        delivery = Delivery.objects.get(channel=Channel.TELEGRAM)
    assert delivery.address == "5001"
    assert delivery.notification is not None
    assert delivery.notification.recipient == members["editor"]
    assert delivery.status == Delivery.Status.SENT
    [message] = api.sent()
    assert message["chat_id"] == 5001
    assert content.order_number in message["text"]
    assert f"/c/{company.slug}/" in message["text"]  # the link back to the portal
    # Only the linked member gets Telegram; the others their e-mail.
    with scopes_disabled():
        assert Delivery.objects.filter(channel=Channel.TELEGRAM).count() == 1


def _telegram_delivery(company: Company, user: User, chat_id: int) -> Delivery:
    """A queued Telegram message of ``user``'s notification, to their chat ``chat_id``
    (linked here if it is not yet)."""
    with company_scope(company):
        TelegramChat.objects.update_or_create(company=company, user=user, defaults={"chat_id": chat_id})
        note = Notification.objects.create(company=company, recipient=user, event="content.ready", title="t")
        return Delivery.objects.create(company=company, notification=note, event="content.ready",
                                       channel=Channel.TELEGRAM, address=str(chat_id), subject="s", text="hello")  # fmt: skip


def test_one_message_a_second_per_chat(
    company: Company, editor: User, manager: User, bot: TelegramBot, api: BotApi
) -> None:
    first, second = (_telegram_delivery(company, editor, 5001) for _ in range(2))
    other_chat = _telegram_delivery(company, manager, 5002)
    assert outbox.deliver(first.pk) == Delivery.Status.SENT
    assert outbox.deliver(second.pk) == Delivery.Status.QUEUED  # the chat's second within a second
    assert outbox.deliver(other_chat.pk) == Delivery.Status.SENT  # another chat is not held up
    with scopes_disabled():
        second.refresh_from_db()
    assert second.attempts == 0  # waiting for a slot is not a failed try
    assert second.next_attempt_at is not None
    assert second.next_attempt_at <= timezone.now() + timedelta(seconds=1.1)
    time.sleep(max((second.next_attempt_at - timezone.now()).total_seconds(), 0) + 0.05)
    assert outbox.deliver(second.pk) == Delivery.Status.SENT
    times = [
        at for method, payload, at in api.calls if method == "sendMessage" and payload["chat_id"] == 5001
    ]
    assert times[1] - times[0] >= 0.9


def test_thirty_a_second_per_bot() -> None:
    taken = [ratelimit.acquire("test:bot", limit=30, window_seconds=1.0) for _ in range(31)]
    assert taken[:30] == [0.0] * 30
    assert 0 < taken[30] <= 1.0


def test_telegrams_429_waits_as_told_and_a_block_unlinks_the_chat(
    company: Company, editor: User, bot: TelegramBot, api: BotApi
) -> None:
    link(company, editor, 5001, bot)
    api.send_faults.append((429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                                  "parameters": {"retry_after": 3}}))  # fmt: skip
    limited = _telegram_delivery(company, editor, 5001)
    before = timezone.now()
    assert outbox.deliver(limited.pk) == Delivery.Status.QUEUED
    with scopes_disabled():
        limited.refresh_from_db()
    assert limited.attempts == 0
    assert limited.next_attempt_at is not None
    assert limited.next_attempt_at >= before + timedelta(seconds=2.9)

    time.sleep(1.05)  # past the per-chat window
    api.send_faults.append((403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}))  # fmt: skip
    blocked = _telegram_delivery(company, editor, 5001)
    assert outbox.deliver(blocked.pk) == Delivery.Status.FAILED  # at once: retrying cannot help
    with scopes_disabled():
        blocked.refresh_from_db()
        assert "blocked" in blocked.last_error
        assert TelegramChat.objects.get(user=editor).chat_id is None
    assert TOKEN not in blocked.last_error


def test_an_unreachable_telegram_is_retried_without_leaking_the_token(
    company: Company, editor: User, bot: TelegramBot, settings: Any
) -> None:
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    delivery = _telegram_delivery(company, editor, 5001)
    assert outbox.deliver(delivery.pk) == Delivery.Status.QUEUED
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "could not be reached" in delivery.last_error
    assert TOKEN not in delivery.last_error


def test_stop_unlinks_and_removing_the_bot_removes_the_links(
    company: Company, owner: User, editor: User, bot: TelegramBot, api: BotApi,
    api_client_for: Callable[[User], APIClient],
) -> None:  # fmt: skip
    link(company, editor, 5001, bot)
    reply = webhook(company, {"message": {"chat": {"id": 5001}, "text": "/stop"}}, bot.webhook_secret)
    assert reply.status_code == 200
    with scopes_disabled():
        assert TelegramChat.objects.get(user=editor).chat_id is None
    link(company, editor, 5001, bot)
    assert api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/telegram/").status_code == 204
    with scopes_disabled():
        assert not TelegramBot.objects.exists()
        assert not TelegramChat.objects.exists()
    assert TOKEN not in api.webhooks


def test_the_portal_pages(company: Company, owner: User, editor: User, api: BotApi) -> None:
    client = Client()
    client.force_login(owner)
    page = client.get(f"/c/{company.slug}/settings/telegram/")
    assert page.status_code == 200
    assert b'data-testid="telegram-bot-missing"' in page.content
    connected = client.post(f"/c/{company.slug}/settings/telegram/", {"bot_token": TOKEN}, follow=True)
    assert b'data-testid="telegram-bot-connected"' in connected.content
    assert TOKEN.encode() not in connected.content

    member = Client()
    member.force_login(editor)
    assert member.get(f"/c/{company.slug}/settings/telegram/").status_code == 403
    prefs = member.get("/notifications/preferences/")
    assert f'data-testid="telegram-link-{company.slug}"'.encode() in prefs.content
    assert b'name="content.ready:telegram"' in prefs.content
    go = member.post(f"/c/{company.slug}/notifications/telegram/")
    assert go.status_code == 302
    assert go["Location"].startswith(f"https://t.me/{BOT}?start=")


def test_after_stop_a_queued_message_is_not_sent_and_groups_cannot_link(
    company: Company, editor: User, bot: TelegramBot, api: BotApi
) -> None:
    queued = _telegram_delivery(company, editor, 5001)
    webhook(
        company, {"message": {"chat": {"id": 5001, "type": "private"}, "text": "/stop"}}, bot.webhook_secret
    )
    assert outbox.deliver(queued.pk) == Delivery.Status.FAILED
    assert api.sent() == []
    with company_scope(company):
        url = telegram.link_start(company, editor)
    group = {
        "message": {"chat": {"id": -100123, "type": "supergroup"}, "text": f"/start {url.split('start=')[1]}"}
    }
    reply = webhook(company, group, bot.webhook_secret)
    assert "private chat" in reply.json()["text"]
    with scopes_disabled():
        assert TelegramChat.objects.get(user=editor).chat_id is None


def test_a_message_telegram_refuses_fails_alone_and_keeps_the_link(
    company: Company, editor: User, bot: TelegramBot, api: BotApi
) -> None:
    api.send_faults.append(
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"})
    )
    delivery = _telegram_delivery(company, editor, 5001)
    assert outbox.deliver(delivery.pk) == Delivery.Status.FAILED
    with scopes_disabled():
        assert TelegramChat.objects.get(user=editor).chat_id == 5001
