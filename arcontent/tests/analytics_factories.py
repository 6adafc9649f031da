"""View sessions written directly (as the viewer flush writes them), for analytics tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from arcontent.models import ARContent, ViewSession

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """An aware UTC instant from "2026-03-01 20:59"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_session(content: ARContent, *, started_at: dt.datetime, **fields: Any) -> ViewSession:
    """One scan of ``content``: a counted view from a new visitor on an Android phone,
    unless ``fields`` say otherwise."""
    values: dict[str, Any] = {
        "company_id": content.company_id,
        "project_id": content.project_id,
        "content": content,
        "started_at": started_at,
        "visitor_hash": uuid.uuid4().hex,
        "device_type": ViewSession.Device.MOBILE,
        "os": "Android",
        "browser": "Chrome Mobile",
        "source": ViewSession.Source.WEB,
        **fields,
    }
    return ViewSession.objects.create(**values)


def make_sessions(content: ARContent, count: int, *, started_at: dt.datetime, **fields: Any) -> None:
    for _ in range(count):
        make_session(content, started_at=started_at, **fields)
