"""Telegram, per company: the company's own bot (token encrypted at rest), members linking
their chat through a one-time deep link, the webhook's updates, and sending a delivery
within Telegram's limits (about 1 message a second per chat, 30 a second per bot).

The Bot API's base address is ``TELEGRAM_API_URL`` (the tests run a local stand-in)."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from datetime import timedelta
from typing import Any

import requests
import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from arvlite.core import ratelimit
from arvlite.core.encryption import encrypt
from companies.models import Company, User
from notifications.errors import RetryLaterError, UndeliverableError
from notifications.models import Delivery, TelegramBot, TelegramChat

log = structlog.get_logger(__name__)
TOKEN_PATTERN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{30,80}$")
LINK_TOKEN_LIFETIME = timedelta(hours=1)
_CHAT_GONE = re.compile(r"chat not found|PEER_ID_INVALID|user is deactivated|bot was kicked", re.IGNORECASE)
PER_CHAT = (1, 1.0)  # messages, seconds
PER_BOT = (30, 1.0)
_local = threading.local()


class TelegramError(Exception):
    """The Bot API refused or could not be reached. The message never holds the token."""

    def __init__(
        self, description: str, *, code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.retry_after = retry_after


def _session() -> requests.Session:
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
    return _local.session


@sensitive_variables("token", "url")
def call(token: str, method: str, payload: dict[str, Any]) -> Any:
    """One Bot API method; its ``result``, or TelegramError."""
    url = f"{settings.TELEGRAM_API_URL}/bot{token}/{method}"
    try:
        response = _session().post(url, json=payload, timeout=settings.TELEGRAM_TIMEOUT)
    except requests.RequestException as error:  # its text holds the URL, and so the token
        raise TelegramError(f"Telegram could not be reached ({type(error).__name__}).") from None
    try:
        data = response.json()
    except ValueError:  # requests' JSONDecodeError is one
        raise TelegramError(f"Telegram answered {response.status_code} with no JSON.", code=response.status_code) from None  # fmt: skip
    if not isinstance(data, dict) or not data.get("ok"):
        data = data if isinstance(data, dict) else {}
        parameters = data.get("parameters")
        parameters = parameters if isinstance(parameters, dict) else {}
        raise TelegramError(str(data.get("description") or "Telegram refused the request."),
                            code=data.get("error_code") or response.status_code,
                            retry_after=parameters.get("retry_after"))  # fmt: skip
    return data.get("result")


def webhook_url(company: Company) -> str:
    return settings.PUBLIC_URL + reverse("telegram-webhook", args=[company.slug])


# --- the company's bot ----------------------------------------------------------------------


class BotSetupError(ValueError):
    """The token is malformed, or Telegram refused it or the webhook: a message for the user."""


@sensitive_variables("token")  # kept out of error reports
def bot_connect(company: Company, token: str) -> TelegramBot:
    """Check the token with Telegram (getMe), point the bot's webhook here with a fresh
    secret, and only then store it: a token Telegram refuses leaves nothing saved."""
    token = token.strip()
    if not TOKEN_PATTERN.match(token):
        raise BotSetupError(_("This is not a bot token: @BotFather gives one like 123456789:AAE…"))
    try:
        me = call(token, "getMe", {})
        secret = secrets.token_urlsafe(32)
        call(token, "setWebhook", {"url": webhook_url(company), "secret_token": secret,
                                   "allowed_updates": ["message"], "drop_pending_updates": True})  # fmt: skip
    except TelegramError as error:
        raise BotSetupError(_("Telegram refused the bot: %(reason)s") % {"reason": error}) from None
    username = str((me or {}).get("username") or "")
    if not username:
        raise BotSetupError(_("Telegram did not name the bot; check the token."))
    previous = TelegramBot.objects.filter(company=company).first()
    if previous is not None and previous.token != token:  # the old bot stops calling us
        try:
            call(previous.token, "deleteWebhook", {})
        except TelegramError as error:
            log.warning("telegram.delete_webhook_failed", company=company.pk, error=str(error))
    bot, _created = TelegramBot.objects.update_or_create(
        company=company,
        defaults={"token_encrypted": encrypt(token), "username": username, "webhook_secret": secret},
    )
    log.info("telegram.bot_connected", company=company.pk, bot=username)
    return bot


def bot_disconnect(company: Company) -> bool:
    """Remove the bot (and the members' links); the webhook is removed where Telegram answers."""
    bot = TelegramBot.objects.filter(company=company).first()
    if bot is None:
        return False
    try:
        call(bot.token, "deleteWebhook", {})
    except TelegramError as error:
        log.warning("telegram.delete_webhook_failed", company=company.pk, error=str(error))
    TelegramChat.objects.filter(company=company).delete()
    bot.delete()
    return True


def bot_for(company: Company) -> TelegramBot | None:
    return TelegramBot.objects.filter(company=company).first()


# --- linking a member's chat ---------------------------------------------------------------


def link_start(company: Company, user: User) -> str:
    """A one-time deep link that links the user's chat when they press Start in Telegram."""
    bot = bot_for(company)
    if bot is None:
        raise BotSetupError(_("The company has no Telegram bot."))
    token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]: a valid start parameter
    TelegramChat.objects.update_or_create(
        company=company, user=user, defaults={"link_token": token, "link_token_created_at": timezone.now()}
    )
    return f"https://t.me/{bot.username}?start={token}"


def chat_for(company: Company, user: User) -> TelegramChat | None:
    return TelegramChat.objects.filter(company=company, user=user, chat_id__isnull=False).first()


def secret_matches(bot: TelegramBot, given: str) -> bool:
    return hmac.compare_digest(bot.webhook_secret.encode(), given.encode())


@transaction.atomic
def handle_update(company: Company, update: dict[str, Any]) -> dict[str, Any] | None:
    """What an update from the company's bot means. ``/start <token>`` links the chat,
    ``/stop`` unlinks it. Returns the reply as a Bot API method for the webhook's answer."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int) or not isinstance(text, str):
        return None
    chat_id = chat["id"]
    if chat.get("type", "private") != "private":  # a group would show one member's notifications to all
        return {"method": "sendMessage", "chat_id": chat_id,
                "text": _("Notifications can only be linked in a private chat with the bot.")}  # fmt: skip
    command, _sep, argument = text.strip().partition(" ")
    if command == "/start" and argument:
        reply = _link(company, chat_id, argument.strip())
    elif command == "/stop":
        TelegramChat.objects.filter(company=company, chat_id=chat_id).update(chat_id=None, linked_at=None)
        reply = _("Done: this chat gets no more notifications from %(company)s.") % {"company": company.name}
    else:
        reply = _("Open the link from the notification settings of the portal to get notifications here.")
    return {"method": "sendMessage", "chat_id": chat_id, "text": reply}


def _link(company: Company, chat_id: int, token: str) -> str:
    fresh_since = timezone.now() - LINK_TOKEN_LIFETIME
    link = (
        TelegramChat.objects.select_for_update()
        .filter(company=company, link_token=token, link_token_created_at__gte=fresh_since)
        .select_related("user")
        .first()
    )
    if link is None:
        return _("This link has expired or was already used. Open a new one from the portal.")
    # One chat per member; a chat linked before to another member of the company moves.
    TelegramChat.objects.filter(company=company, chat_id=chat_id).exclude(pk=link.pk).update(chat_id=None, linked_at=None)  # fmt: skip
    link.chat_id, link.link_token, link.linked_at = chat_id, None, timezone.now()
    link.save(update_fields=["chat_id", "link_token", "linked_at"])
    log.info("telegram.chat_linked", company=company.pk, user=link.user_id)
    with translation.override(link.user.language or settings.LANGUAGE_CODE):
        return _("Linked: notifications of %(company)s for %(user)s will come here. Send /stop to end them.") % {
            "company": company.name, "user": link.user.email}  # fmt: skip


# --- sending ---------------------------------------------------------------------------------


def message_text(title: str, body: str, url: str) -> str:
    return "\n\n".join(part for part in (title, body, url) if part)[:4096]


def send(delivery: Delivery) -> None:
    """The outbox's sender: within the per-chat and per-bot limits, or RetryLaterError."""
    bot = TelegramBot.objects.with_scopes_disabled().filter(company_id=delivery.company_id).first()
    if bot is None:
        raise UndeliverableError("The company no longer has a Telegram bot.")
    chat_id = int(delivery.address)
    still_linked = (
        delivery.notification is not None
        and TelegramChat.objects.with_scopes_disabled()
        .filter(company_id=delivery.company_id, user_id=delivery.notification.recipient_id, chat_id=chat_id)
        .exists()
    )
    if not still_linked:  # /stop, "unlink", or the chat moved to someone else meanwhile
        raise UndeliverableError("The Telegram chat is no longer linked.")
    for name, (limit, window) in ((f"tg:bot:{bot.pk}", PER_BOT), (f"tg:chat:{bot.pk}:{chat_id}", PER_CHAT)):
        if (wait := ratelimit.acquire(name, limit=limit, window_seconds=window)) > 0:
            raise RetryLaterError(wait)
    try:
        call(bot.token, "sendMessage", {"chat_id": chat_id, "text": delivery.text,
                                        "disable_web_page_preview": True})  # fmt: skip
    except TelegramError as error:
        if error.code == 429:
            raise RetryLaterError(float(error.retry_after or 1)) from None
        if error.code == 403 or (error.code == 400 and _CHAT_GONE.search(str(error))):
            # Blocked by the user, or the chat is gone: unlink, do not retry.
            TelegramChat.objects.with_scopes_disabled().filter(
                company_id=delivery.company_id, chat_id=chat_id
            ).update(chat_id=None, linked_at=None)
            raise UndeliverableError(f"Telegram: {error}") from None
        if error.code == 400:  # this message is wrong (too long, say): it fails, the link stays
            raise UndeliverableError(f"Telegram refused the message: {error}") from None
        raise
