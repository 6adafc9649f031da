"""The bell in every portal page's header: the unread count and the latest few, queried
only when a page shows the bell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

BELL_SIZE = 8


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.services import unread_count, visible_to

    return {
        "bell_unread": SimpleLazyObject(lambda: unread_count(user)),
        "bell_latest": SimpleLazyObject(lambda: list(visible_to(user)[:BELL_SIZE])),
    }
