"""Live push to the recipient's open pages over the channel layer (Redis in production).
Best effort by design: the notification is already stored, so a layer that is down only
costs the live update (the bell catches up on the next page or poll)."""

from __future__ import annotations

from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from companies.models import User
from notifications.consumers import user_group
from notifications.models import Notification

log = structlog.get_logger(__name__)


def _send_all(messages: list[tuple[int, dict[str, Any]]]) -> None:
    """Each payload to its user's group, in one event loop (one round of async_to_sync for
    a whole company-wide notice, not one per recipient)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send() -> None:
        for user_id, payload in messages:
            await layer.group_send(user_group(user_id), {"type": "notification.message", "payload": payload})

    try:
        async_to_sync(send)()
    except Exception as error:
        log.warning("notification.push_failed", users=len(messages), error=repr(error))


def _send(user_id: int, payload: dict[str, Any]) -> None:
    _send_all([(user_id, payload)])


def payload_for(notification: Notification, unread: int) -> dict[str, Any]:
    return {
        "id": notification.pk, "event": notification.event, "title": notification.title,
        "body": notification.body, "link": notification.link, "company": notification.company.slug,
        "created_at": notification.created_at.isoformat(), "unread_count": unread,
    }  # fmt: skip


def push_after_commit(notifications: list[Notification]) -> None:
    def push() -> None:
        from notifications.services import unread_counts

        counts = unread_counts([n.recipient_id for n in notifications])
        _send_all([(n.recipient_id, payload_for(n, counts.get(n.recipient_id, 0))) for n in notifications])

    if notifications:
        transaction.on_commit(push)


def push_count_after_commit(user: User) -> None:
    def push() -> None:
        from notifications.services import unread_count

        _send(user.pk, {"unread_count": unread_count(user)})

    transaction.on_commit(push)
