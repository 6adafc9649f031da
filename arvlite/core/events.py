"""Domain events: what happened, announced by the app that owns it, heard by whoever cares
(today the notifications app). The sender knows no listener, so the apps keep their one-way
layers: ``emit("video.ready", company=..., subject=video)`` is one line in the owner.

Events go out after the surrounding transaction commits (nothing is announced that a
rollback takes back), and a failing listener never breaks the sender."""

from __future__ import annotations

from typing import Any

import structlog
from django.db import models, transaction
from django.dispatch import Signal

log = structlog.get_logger(__name__)

# Sent with name (str), company (the tenant), subject (the row it is about, or None) and
# context (a dict of extra facts, e.g. the days left before expiry).
domain_event = Signal()


def emit(name: str, *, company: models.Model, subject: models.Model | None = None, **context: Any) -> None:
    """Announce ``name`` once the current transaction commits (at once outside one)."""

    def send() -> None:
        for receiver, result in domain_event.send_robust(
            sender=name, name=name, company=company, subject=subject, context=context
        ):
            if isinstance(result, Exception):
                log.error("event.listener_failed", event=name, listener=getattr(receiver, "__name__", "?"),
                          error=repr(result))  # fmt: skip

    transaction.on_commit(send)
