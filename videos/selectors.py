"""Reads about videos, and the inputs of the selection function built from the rows."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from arcontent.models import ARContent
from videos import selection
from videos.models import DateRule, Playback, Video, VideoSchedule

FILE_RELATIONS = ("original", "rendition_1080", "rendition_720", "poster", "thumbnail_small",
                  "thumbnail_medium", "thumbnail_large")  # fmt: skip


def video_list(*, content: ARContent) -> QuerySet[Video]:
    return Video.objects.filter(content=content).select_related(*FILE_RELATIONS).order_by("order", "id")


def selection_inputs(*, content: ARContent, scan_index: int = 0) -> dict[str, object]:
    """Everything select_video and calendar need about ``content``, read in four queries."""
    videos = list(Video.objects.filter(content=content).order_by("order", "id"))
    playback = Playback.objects.filter(content=content).first()
    rules = list(DateRule.objects.filter(playback=playback)) if playback else []
    schedules = VideoSchedule.objects.filter(content=content)
    rule = None
    if playback is not None:
        rule = selection.RotationRule(
            kind=playback.rotation,
            default_video_id=playback.rotation_default_video_id,
            sequence=tuple(playback.rotation_sequence),
            date_rules=tuple(selection.DateRule(r.video_id, r.month, r.day, r.year) for r in rules),
        )
    return {
        "content_id": content.pk,
        "time_zone": content.company.time_zone,
        "videos": [
            selection.VideoOption(
                v.pk, v.order, v.status == Video.Status.READY, v.enabled, v.end_date, v.weight
            )
            for v in videos
        ],
        "schedules": [selection.Schedule(s.pk, s.video_id, s.starts_at, s.ends_at) for s in schedules],
        "rule": rule,
        "playback": selection.PlaybackState(
            # Until its rules are first saved, content plays in its project's mode.
            mode=playback.mode if playback else content.project.playback_mode,
            active_video_id=playback.active_video_id if playback else None,
            scan_index=scan_index,
        ),
        "content_expires_at": content.expires_at,
    }


def month_calendar(
    *, content: ARContent, year: int, month: int
) -> list[tuple[date, selection.Selection | None]]:
    return selection.calendar(year=year, month=month, **selection_inputs(content=content))  # type: ignore[arg-type]
