"""Gauges of the transcoding work for /metrics (arvlite.core.metrics)."""

from __future__ import annotations

from arvlite.core.metrics import Reading, backlog
from arvlite.core.tenancy import scopes_disabled
from videos.models import Video


def transcoding() -> list[Reading]:
    with scopes_disabled():  # every company's: an operator's figure
        return backlog(
            Video.objects.filter(status=Video.Status.PROCESSING),
            started_field="started_at",
            metric="arvlite_videos_processing",
            what="Videos being transcoded",
        )
