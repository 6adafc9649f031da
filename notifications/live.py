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


def _send(user_id: int, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            user_group(user_id), {"type": "notification.message", "payload": payload}
        )
    except Exception as error:
        log.warning("notification.push_failed", user=user_id, error=repr(error))


def payload_for(notification: Notification, unread: int) -> dict[str, Any]:
    return {
        "id": notification.pk, "event": notification.event, "title": notification.title,
        "body": notification.body, "link": notification.link, "company": notification.company.slug,
        "created_at": notification.created_at.isoformat(), "unread_count": unread,
    }  # fmt: skip


def push_after_commit(notifications: list[Notification]) -> None:
    def push() -> None:
        from notifications.services import unread_count

        for notification in notifications:
            _send(notification.recipient_id, payload_for(notification, unread_count(notification.recipient)))

    if notifications:
        transaction.on_commit(push)


def push_count_after_commit(user: User) -> None:
    def push() -> None:
        from notifications.services import unread_count

        _send(user.pk, {"unread_count": unread_count(user)})

    transaction.on_commit(push)
