"""Viewer events → rows: views become `ViewSession` rows and add to the contents'
`view_count`; session events are merged per session and written once.

Called by the flush (a batch from the Redis buffer) and by the hot path when Redis is
unreachable (one event, written at once).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from arcontent.models import ARContent, ViewSession
from arcontent.viewer.events import Event, SessionEvent, ViewEvent
from arcontent.viewer.useragent import classify

# A session event without a known session is joined to the visitor's latest view within this.
SESSION_JOIN_WINDOW = timedelta(minutes=30)


def apply_events(events: Sequence[Event]) -> int:
    """Write views and session events; call inside a transaction with scopes disabled.
    Events of content deleted meanwhile are dropped. Returns how many were written."""
    existing = set(
        ARContent.objects.filter(pk__in={e.content_id for e in events}).values_list("pk", flat=True)
    )
    live = [event for event in events if event.content_id in existing]
    _apply_views([e for e in live if isinstance(e, ViewEvent)])
    _apply_sessions([e for e in live if isinstance(e, SessionEvent)])
    return len(live)


def _moment(at: float) -> datetime:
    return datetime.fromtimestamp(at, tz=UTC)


def _agent_fields(user_agent: str, source: str = "") -> dict[str, Any]:
    agent = classify(user_agent[:500])
    source = source or ("app" if agent.is_app else ("web" if agent.browser else "other"))
    return {
        "device_type": agent.device_type,
        "os": agent.os,
        "browser": agent.browser,
        "source": source if source in ViewSession.Source.values else ViewSession.Source.OTHER,
    }


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _apply_views(views: list[ViewEvent]) -> None:
    if not views:
        return
    rows = [
        ViewSession(
            company_id=event.company_id,
            project_id=event.project_id,
            content_id=event.content_id,
            started_at=_moment(event.at),
            session_id=_uuid(event.session_id),
            visitor_hash=event.visitor_hash[:32],
            country=event.country[:2],
            copy=event.copy[:40],
            video_id=event.video_id,
            selection_source=event.selection_source,
            **_agent_fields(event.user_agent, event.source),
        )
        for event in views
    ]
    # A client that fetched the manifest twice under one session id keeps one session.
    ViewSession.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    per_content = Counter(event.content_id for event in views)
    by_amount: dict[int, list[int]] = defaultdict(list)
    for content_id, amount in per_content.items():
        by_amount[amount].append(content_id)
    for amount, content_ids in by_amount.items():
        ARContent.objects.filter(pk__in=content_ids).update(view_count=F("view_count") + amount)


@dataclass(slots=True)
class _Merged:
    """One session's events folded together, in time order."""

    first: SessionEvent
    duration: int = 0
    played: bool = False
    position: int | None = None
    video_id: int | None = None
    device_model: str = ""
    os: str = ""
    app_version: str = ""
    tracking_quality: str = ""
    ended_at: datetime | None = None

    def add(self, event: SessionEvent) -> None:
        report = event.report
        self.duration = max(self.duration, report.duration_seconds or 0)
        self.played = self.played or bool(report.video_played)
        if report.position_seconds is not None:
            self.position = max(self.position or 0, report.position_seconds)
        # The latest reported value wins; an empty one reports nothing.
        self.video_id = report.video_id if report.video_id is not None else self.video_id
        self.device_model = report.device_model or self.device_model
        self.os = report.os or self.os
        self.app_version = report.app_version or self.app_version
        self.tracking_quality = report.tracking_quality or self.tracking_quality
        if report.event == "end":
            self.ended_at = _moment(event.at)


def _apply_sessions(events: list[SessionEvent]) -> None:
    """Merge each session's events (in time order) and write the session once."""
    merged: dict[tuple[int, uuid.UUID], _Merged] = {}
    for event in sorted(events, key=lambda e: e.at):
        session_id = _uuid(event.report.session_id)
        if session_id is None:
            continue
        merged.setdefault((event.content_id, session_id), _Merged(first=event)).add(event)
    for (content_id, session_id), state in merged.items():
        try:
            with transaction.atomic():
                _write_session(content_id, session_id, state)
        except IntegrityError:  # the same session written by a concurrent direct write
            with transaction.atomic():
                _write_session(content_id, session_id, state)


def _write_session(content_id: int, session_id: uuid.UUID, state: _Merged) -> None:
    first = state.first
    started = _moment(first.at)
    row = ViewSession.objects.filter(content_id=content_id, session_id=session_id).first()
    if row is None and first.visitor_hash:
        row = (
            ViewSession.objects.filter(
                content_id=content_id,
                session_id__isnull=True,
                visitor_hash=first.visitor_hash[:32],
                started_at__gte=started - SESSION_JOIN_WINDOW,
                started_at__lte=started + timedelta(minutes=1),
            )
            .order_by("-started_at")
            .first()
        )
        if row is not None:
            row.session_id = session_id
    if row is None:
        row = ViewSession(
            company_id=first.company_id,
            project_id=first.project_id,
            content_id=content_id,
            session_id=session_id,
            started_at=started,
            counted_view=False,
            visitor_hash=first.visitor_hash[:32],
            country=first.country[:2],
            **_agent_fields(first.user_agent),
        )
    row.duration_seconds = max(row.duration_seconds, state.duration)
    row.video_played = row.video_played or state.played
    if state.position is not None:
        row.position_seconds = max(row.position_seconds or 0, state.position)
    if state.video_id is not None:
        row.video_id = state.video_id
    if state.os:
        row.os = state.os[:40]
    if state.device_model:
        row.device_model = state.device_model[:80]
    if state.app_version:
        row.app_version = state.app_version[:40]
        row.source = ViewSession.Source.APP
    if state.tracking_quality:
        row.tracking_quality = state.tracking_quality[:20]
    if state.ended_at:
        row.ended_at = state.ended_at
    row.save()
