"""The one way to tell people something: ``notify(event, company=..., subject_object=...,
context=...)``. In one transaction it writes each recipient's in-app notification and the
outbox rows (``Delivery``) of the channels they want; after commit the deliveries are
sent by a task and the notifications pushed live to the recipients' open pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from arvlite.core.roles import role_allows
from companies.models import Company, Membership, User
from notifications.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    PushSubscription,
    TelegramBot,
    TelegramChat,
)
from notifications.registry import EVENTS, Event, event_for

log = structlog.get_logger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DELIVERY_BATCH = 50  # deliveries per task when one notice has many recipients
DIGEST = "digest"  # the unsubscribe token's "event" for the daily digest (all digest events)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str  # a path in the portal


def recipients(event: Event, company: Company, context: dict[str, Any]) -> list[User]:
    """Current, active members who should hear of ``event``: by role, or the one named user
    — and only while they are still members (a user who left hears nothing)."""
    if event.named_user:  # e.g. the invitee: not a member (yet)
        named = context.get("user")
        return [named] if isinstance(named, User) and named.is_active else []
    members = Membership.objects.filter(company=company, user__is_active=True).select_related("user")
    if event.min_role is None:
        return []
    return [m.user for m in members if role_allows(m.role, event.min_role)]


def why_not_heard(user: User, company_id: int, event: Event) -> str | None:
    """Why ``user`` must no longer hear of ``event`` in the company (deactivated, left, or
    a role below the event's); None when they may. Checked again when a message goes out."""
    if not user.is_active:
        return "The recipient's account is deactivated."
    if event.named_user:
        return None
    membership = Membership.objects.filter(company_id=company_id, user=user).first()
    if membership is None or event.min_role is None or not role_allows(membership.role, event.min_role):
        return "The recipient is no longer a member with a role that receives this."
    return None


def default_on(event: Event, channel: str) -> bool:
    """The event's own default: its channels; the digest is something a user opts into."""
    return channel in event.channels and channel != Channel.EMAIL_DIGEST


class Choices:
    """Who wants which channel for one event of one company, read in one query: a user's
    own row, else the company's default, else the event's."""

    def __init__(self, event: Event, company: Company) -> None:
        self.event = event
        self.company_default: dict[str, bool] = {}
        self.own: dict[int, dict[str, bool]] = {}
        for pref in NotificationPreference.objects.filter(company=company, event=event.name):
            if pref.user_id is None:
                self.company_default[pref.channel] = pref.enabled
            else:
                self.own.setdefault(pref.user_id, {})[pref.channel] = pref.enabled

    def channels(self, user: User | None) -> set[str]:
        chosen = {**self.company_default, **(self.own.get(user.pk, {}) if user else {})}
        wanted = {c for c in Channel.values if chosen.get(c, default_on(self.event, c))}
        if not self.event.digest:
            wanted.discard(Channel.EMAIL_DIGEST)
        return wanted


def choosable(company: Company) -> list[str]:
    """The channels a member of ``company`` can choose: Telegram once the company has a
    bot, the browser once this server has VAPID keys; the digest is a column of its own."""
    from notifications import webpush

    channels = [Channel.IN_APP, Channel.EMAIL]
    if TelegramBot.objects.filter(company=company).exists():
        channels.append(Channel.TELEGRAM)
    if webpush.configured():
        channels.append(Channel.WEBPUSH)
    return [*channels, Channel.EMAIL_DIGEST]


def wanted_channels(event: Event, company: Company, user: User | None) -> set[str]:
    """The channels ``user`` gets ``event`` on (``user`` None: what the company's default gives)."""
    return Choices(event, company).channels(user)


def render(event: Event, company: Company, subject: Any, context: dict[str, Any]) -> Message:
    facts = {**event.facts(subject, context), "company": company.name}
    return Message(
        title=str(event.title) % facts,
        body=str(event.body) % facts,
        link=event.link(company, subject, context),
    )


def unsubscribe_token(*, user: User, company: Company, event: str) -> str:
    return signing.dumps({"u": user.pk, "c": company.pk, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user: User, company: Company, event: str) -> str:
    token = unsubscribe_token(user=user, company=company, event=event)
    return settings.PUBLIC_URL.rstrip("/") + reverse("notification-unsubscribe", args=[token])


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def email_fill(delivery: Delivery, message: Message, company: Company) -> None:
    """Subject, text and HTML of an e-mail delivery, in the active language."""
    context = {
        "title": message.title, "body": message.body, "url": settings.PUBLIC_URL.rstrip("/") + message.link,
        "company_name": company.name, "brand_color": company.brand_color,
        "unsubscribe_url": delivery.unsubscribe_url,
    }  # fmt: skip
    delivery.subject = message.title[:300]
    delivery.text = render_to_string("emails/notifications/notification.txt", context)
    delivery.html = render_to_string("emails/notifications/notification.html", context)


class _Reach:
    """The company's linked Telegram chats and the recipients' browsers, read once per notify."""

    def __init__(self, company: Company, people: list[User]) -> None:
        from notifications import webpush

        bot = TelegramBot.objects.filter(company=company).exists()
        self.chats = (
            dict(TelegramChat.objects.filter(company=company, chat_id__isnull=False).values_list("user_id", "chat_id"))
            if bot else {}
        )  # fmt: skip
        self.browsers: dict[int, list[int]] = {}
        if webpush.configured():
            for user_id, pk in PushSubscription.objects.filter(user__in=people).values_list("user_id", "pk"):
                self.browsers.setdefault(user_id, []).append(pk)

    def usable(self, user: User, channels: set[str]) -> set[str]:
        """``channels`` without Telegram when no chat is linked, or the browser when none is on."""
        if user.pk not in self.chats:
            channels = channels - {Channel.TELEGRAM}
        if user.pk not in self.browsers:
            channels = channels - {Channel.WEBPUSH}
        return channels


def _deliveries(user: User, notification: Notification, channels: set[str], message: Message,
                company: Company, reach: _Reach) -> list[Delivery]:  # fmt: skip
    """The outbox rows of one recipient's notification (not yet saved)."""
    from notifications import telegram, webpush

    event = notification.event
    url = settings.PUBLIC_URL.rstrip("/") + message.link
    rows = []
    common = {"company": company, "notification": notification, "event": event, "language": language_of(user)}
    if Channel.EMAIL in channels and Channel.EMAIL_DIGEST not in channels:
        delivery = Delivery(channel=Channel.EMAIL, address=user.email,
                            unsubscribe_url=unsubscribe_url(user=user, company=company, event=event), **common)  # fmt: skip
        email_fill(delivery, message, company)
        rows.append(delivery)
    if Channel.TELEGRAM in channels and (chat := reach.chats.get(user.pk)):
        rows.append(Delivery(channel=Channel.TELEGRAM, address=str(chat), subject=message.title[:300],
                             text=telegram.message_text(message.title, message.body, url), **common))  # fmt: skip
    if Channel.WEBPUSH in channels:
        for subscription in reach.browsers.get(user.pk, []):
            text = webpush.payload(title=message.title, body=message.body, url=message.link,
                                   tag=f"notification-{notification.pk}")  # fmt: skip
            rows.append(Delivery(channel=Channel.WEBPUSH, address=str(subscription), subject=message.title[:300],
                                 text=text, **common))  # fmt: skip
    return rows


@transaction.atomic
def notify(
    event: str,
    *,
    company: Company,
    subject_object: Any = None,
    context: dict[str, Any] | None = None,
    users: Iterable[User] | None = None,
) -> list[Notification]:
    """Notify the event's recipients (or ``users``, still filtered to current members)."""
    definition = event_for(event)
    context = dict(context or {})
    people = recipients(definition, company, context)
    if users is not None:
        allowed = {user.pk for user in people} if definition.min_role or definition.named_user else None
        people = [u for u in users if allowed is None or u.pk in allowed]
    choices = Choices(definition, company)
    reach = _Reach(company, people)
    planned: list[tuple[User, set[str], Message, Notification]] = []
    for user in people:
        channels = reach.usable(user, choices.channels(user))
        if not channels - {Channel.EMAIL_DIGEST}:
            continue  # nothing this user wants can reach them
        with translation.override(language_of(user)):
            message = render(definition, company, subject_object, context)
        planned.append((user, channels, message, Notification(
            company=company, recipient=user, event=event, title=message.title[:300], body=message.body,
            link=message.link, in_app=Channel.IN_APP in channels,
            digest_pending=Channel.EMAIL in channels and Channel.EMAIL_DIGEST in channels,
        )))  # fmt: skip
    created = Notification.objects.bulk_create([notification for *_rest, notification in planned])
    deliveries: list[Delivery] = []
    for user, channels, message, notification in planned:
        with translation.override(language_of(user)):
            deliveries.extend(_deliveries(user, notification, channels, message, company, reach))
    Delivery.objects.bulk_create(deliveries)
    _after_commit(created, deliveries)
    log.info(
        "notify", notify_event=event, company=company.pk, recipients=len(created), deliveries=len(deliveries)
    )
    return created


def _after_commit(notifications: list[Notification], deliveries: list[Delivery]) -> None:
    from notifications.live import push_after_commit
    from notifications.tasks import send_delivery  # tasks import services: the one cycle

    if len(deliveries) == 1:
        send_delivery.delay_on_commit(deliveries[0].pk)
    elif deliveries:
        from notifications.tasks import send_deliveries

        # A company-wide notice: batches, so a thousand recipients are tens of tasks.
        ids = [delivery.pk for delivery in deliveries]
        for start in range(0, len(ids), DELIVERY_BATCH):
            send_deliveries.delay_on_commit(ids[start : start + DELIVERY_BATCH])
    push_after_commit([n for n in notifications if n.in_app])


# --- the bell ------------------------------------------------------------------------------


def visible_to(user: User) -> Any:
    """The user's bell: their in-app notifications from companies they still belong to."""
    personal = [name for name, event in EVENTS.items() if event.named_user]
    return (
        Notification.objects.filter(recipient=user, in_app=True)
        .filter(Q(company__memberships__user=user) | Q(event__in=personal))
        .distinct()
        .select_related("company")
    )


def unread_count(user: User) -> int:
    return int(visible_to(user).filter(read_at__isnull=True).count())


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """``unread_count`` of many users in one query (for a company-wide live push)."""
    personal = [name for name, event in EVENTS.items() if event.named_user]
    rows = (
        Notification.objects.filter(recipient_id__in=set(user_ids), in_app=True, read_at__isnull=True)
        .filter(Q(company__memberships__user=F("recipient")) | Q(event__in=personal))
        .values("recipient_id")
        .annotate(unread=Count("id", distinct=True))
    )
    return {row["recipient_id"]: row["unread"] for row in rows}


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ``ids``); how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        from notifications.live import push_count_after_commit

        push_count_after_commit(user)
    return int(changed)


# --- preferences -------------------------------------------------------------------------------


def preference_set(*, company: Company, user: User | None, event: str, channel: str, enabled: bool) -> None:
    """A user's choice, or (user None) the company's default; an unknown event or channel
    is a ValueError (the API and forms validate first)."""
    event_for(event)
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    NotificationPreference.objects.update_or_create(
        company=company, user=user, event=event, channel=channel, defaults={"enabled": enabled}
    )


def unsubscribe_check(token: str) -> tuple[Company, User, str] | None:
    """What a signed unsubscribe token names; None if it was tampered with or is stale."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    company_id, user_id = data.get("c"), data.get("u")
    if not isinstance(company_id, int) or not isinstance(user_id, int):
        return None
    company = Company.objects.filter(pk=company_id).first()
    user = User.objects.filter(pk=user_id).first()
    if company is None or user is None or (data.get("e") not in EVENTS and data.get("e") != DIGEST):
        return None
    return company, user, str(data["e"])


def unsubscribe(token: str) -> tuple[Company, str] | None:
    """Turn e-mail off for the event the signed token names; None for a bad token."""
    found = unsubscribe_check(token)
    if found is None:
        return None
    company, user, event = found
    from arvlite.core.tenancy import company_scope

    names = [name for name, definition in EVENTS.items() if definition.digest] if event == DIGEST else [event]
    with company_scope(company):
        for name in names:  # the digest's link: no more e-mail, one by one or daily, for its events
            preference_set(company=company, user=user, event=name, channel=Channel.EMAIL, enabled=False)
        # What already waits for the next digest goes with it.
        Notification.objects.filter(
            company=company, recipient=user, event__in=names, digest_pending=True
        ).update(digest_pending=False)
    return company, event
