"""Per-video figures over a period, read from the DailyVideoStat roll-up (rollups.py):
plays, unique viewers, average watch time, completion (≥ 90 %), drop-off by quarter and
which selection rule chose the video."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from arcontent.analytics.periods import Period
from arcontent.models import ARContent, DailyVideoStat
from companies.models import Company
from videos.models import Video

QUARTERS = ("reached_25", "reached_50", "reached_75", "reached_100")
SUMMED = ("sessions", "plays", "visitors", "watch_seconds", "positioned", *QUARTERS, "completed")


@dataclass(frozen=True)
class VideoFigures:
    video_id: int
    content_id: int
    order_number: str
    content_unique_id: str
    name: str  # the title, else the uploaded file's name (staff see which file it is)
    sessions: int
    plays: int
    visitors: int
    watch_seconds: int
    positioned: int
    reached: tuple[int, int, int, int]  # sessions that got to 25, 50, 75 and 100 %
    completed: int
    sources: dict[str, int] = field(default_factory=dict)  # selection_source → sessions

    @property
    def average_watch_seconds(self) -> float | None:
        return round(self.watch_seconds / self.plays, 1) if self.plays else None

    @property
    def completion_rate(self) -> float | None:
        """Of the sessions that said how far they got: the share that watched ≥ 90 %."""
        return round(self.completed / self.positioned, 4) if self.positioned else None

    @property
    def drop_off(self) -> list[float] | None:
        """The share of positioned sessions still watching at 25, 50, 75 and 100 %."""
        if not self.positioned:
            return None
        return [round(count / self.positioned, 4) for count in self.reached]

    def as_dict(self) -> dict[str, Any]:
        return {
            "video_id": self.video_id,
            "content": self.content_unique_id,
            "order_number": self.order_number,
            "name": self.name,
            "sessions": self.sessions,
            "plays": self.plays,
            "unique_viewers": self.visitors,
            "average_watch_seconds": self.average_watch_seconds,
            "completion_rate": self.completion_rate,
            "positioned_sessions": self.positioned,
            "drop_off": self.drop_off,
            "selection_sources": self.sources,
        }


def video_figures(
    *, company: Company, period: Period, content: ARContent | None = None, limit: int | None = None
) -> list[VideoFigures]:
    """Each video's figures over ``period`` (the company's, or one content's), the most
    played first; ``limit`` keeps the top ones."""
    rows = DailyVideoStat.objects.filter(company=company, day__gte=period.first, day__lte=period.last)
    if content is not None:
        rows = rows.filter(content=content)
    totals: list[dict[str, Any]] = [
        dict(row)
        for row in rows.values("video_id", "content_id")
        .annotate(**{name: Sum(name) for name in SUMMED})
        .order_by("-plays", "-sessions", "video_id")
    ]
    if limit is not None:
        totals = totals[:limit]
    ids = [row["video_id"] for row in totals]
    sources: dict[int, dict[str, int]] = {}
    for row in (
        rows.filter(video_id__in=ids).values("video_id", "selection_source").annotate(count=Sum("sessions"))
    ):
        sources.setdefault(row["video_id"], {})[row["selection_source"] or "unknown"] = row["count"]
    videos = {video.pk: video for video in Video.objects.filter(pk__in=ids).select_related("original")}
    contents = {
        pk: (order_number, str(unique_id))
        for pk, order_number, unique_id in ARContent.objects.filter(
            pk__in={row["content_id"] for row in totals}
        ).values_list("pk", "order_number", "unique_id")
    }
    return [
        VideoFigures(
            video_id=row["video_id"],
            content_id=row["content_id"],
            order_number=contents.get(row["content_id"], ("", ""))[0],
            content_unique_id=contents.get(row["content_id"], ("", ""))[1],
            name=_name(videos.get(row["video_id"]), row["video_id"]),
            sessions=row["sessions"] or 0,
            plays=row["plays"] or 0,
            visitors=row["visitors"] or 0,
            watch_seconds=row["watch_seconds"] or 0,
            positioned=row["positioned"] or 0,
            reached=tuple(row[name] or 0 for name in QUARTERS),  # type: ignore[arg-type]  # four, by QUARTERS
            completed=row["completed"] or 0,
            sources=dict(sorted(sources.get(row["video_id"], {}).items(), key=lambda item: -item[1])),
        )
        for row in totals
    ]


def _name(video: Video | None, video_id: int) -> str:
    if video is None:
        return _("Deleted video #%(id)s") % {"id": video_id}
    if video.title:
        return video.title
    return video.original.original_name if video.original else f"#{video_id}"
