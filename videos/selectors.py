"""Reads about videos, and the inputs of the selection function built from the rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import cast

from django.db.models import QuerySet

from arcontent.models import ARContent
from videos import selection
from videos.models import DateRule, Playback, Video, VideoSchedule

FILE_RELATIONS = ("original", "rendition_1080", "rendition_720", "poster", "thumbnail_small",
                  "thumbnail_medium", "thumbnail_large")  # fmt: skip


def video_list(*, content: ARContent) -> QuerySet[Video]:
    return Video.objects.filter(content=content).select_related(*FILE_RELATIONS).order_by("order", "id")


@dataclass(frozen=True, slots=True)
class SelectionInputs:
    """What select_video and calendar need about one content, except the clock."""

    content_id: int
    time_zone: str
    videos: tuple[selection.VideoOption, ...]
    schedules: tuple[selection.Schedule, ...]
    rule: selection.RotationRule | None
    playback: selection.PlaybackState
    content_expires_at: datetime | None

    def select_video(self, *, now: datetime, scan_index: int) -> selection.Selection | None:
        """The video to play at ``now`` for the ``scan_index``-th scan."""
        return selection.select_video(
            content_id=self.content_id,
            now=now,
            time_zone=self.time_zone,
            videos=self.videos,
            schedules=self.schedules,
            rule=self.rule,
            playback=replace(self.playback, scan_index=scan_index),
            content_expires_at=self.content_expires_at,
        )

    def calendar(self, *, year: int, month: int) -> list[tuple[date, selection.Selection | None]]:
        """What plays on each day of the month (see selection.calendar)."""
        return selection.calendar(
            content_id=self.content_id,
            year=year,
            month=month,
            time_zone=self.time_zone,
            videos=self.videos,
            schedules=self.schedules,
            rule=self.rule,
            playback=self.playback,
            content_expires_at=self.content_expires_at,
        )


def selection_inputs(*, content: ARContent, scan_index: int = 0) -> SelectionInputs:
    """Everything select_video and calendar need about ``content``, read in four queries."""
    videos = list(Video.objects.filter(content=content).order_by("order", "id"))
    playback = Playback.objects.filter(content=content).first()
    rules = list(DateRule.objects.filter(playback=playback)) if playback else []
    schedules = VideoSchedule.objects.filter(content=content)
    rule = None
    if playback is not None:
        rule = selection.RotationRule(
            # The model's choices are these literals; RotationRule checks them when built.
            kind=cast(selection.RotationKind, playback.rotation),
            default_video_id=playback.rotation_default_video_id,
            sequence=tuple(playback.rotation_sequence),
            date_rules=tuple(selection.DateRule(r.video_id, r.month, r.day, r.year) for r in rules),
        )
    return SelectionInputs(
        content_id=content.pk,
        time_zone=content.company.time_zone,
        videos=tuple(
            selection.VideoOption(
                v.pk, v.order, v.status == Video.Status.READY, v.enabled, v.end_date, v.weight
            )
            for v in videos
        ),
        schedules=tuple(selection.Schedule(s.pk, s.video_id, s.starts_at, s.ends_at) for s in schedules),
        rule=rule,
        playback=selection.PlaybackState(
            # Until its rules are first saved, content plays in its project's mode.
            mode=cast(selection.PlaybackMode, playback.mode if playback else content.project.playback_mode),
            active_video_id=playback.active_video_id if playback else None,
            scan_index=scan_index,
        ),
        content_expires_at=content.expires_at,
    )


def month_calendar(
    *, content: ARContent, year: int, month: int
) -> list[tuple[date, selection.Selection | None]]:
    return selection_inputs(content=content).calendar(year=year, month=month)
