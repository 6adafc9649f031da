"""Gauges of the photo → marker pipeline for /metrics (arvlite.core.metrics)."""

from __future__ import annotations

from arcontent.models import ARContent
from arvlite.core.metrics import Reading, backlog
from arvlite.core.tenancy import scopes_disabled


def photo_pipeline() -> list[Reading]:
    with scopes_disabled():  # every company's: an operator's figure
        return backlog(
            ARContent.objects.filter(pipeline_status=ARContent.Pipeline.RUNNING),
            started_field="pipeline_started_at",
            metric="arvlite_photo_pipelines_running",
            what="Photos being turned into markers",
        )
