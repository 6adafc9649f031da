"""AR content in a given state, without running the pipeline (for workflow and access tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from arcontent.models import ARContent
from arcontent.services import order_number_next
from companies.models import Company
from companies.tests.media import stored_png
from projects.tests.factories import ProjectFactory

GOOD_ANALYSIS = {"score": 82, "level": "good", "metrics": {}, "recommendations": []}


def make_content(company: Company, *, status: str = ARContent.Status.READY, **fields: Any) -> ARContent:
    """Content with a photo and (unless draft/processing) a marker, in ``status``."""
    from django.db import transaction

    project = fields.pop("project", None) or ProjectFactory(company=company)
    photo = stored_png(company, project=project)
    with transaction.atomic():
        values: dict[str, Any] = {
            "company": company,
            "project": project,
            "order_number": order_number_next(company=company),
            "print_width_cm": Decimal("15"),
            "print_height_cm": Decimal("10"),
            "term_years": 1,
            "status": status,
            "photo": photo,
            "analysis": GOOD_ANALYSIS,
        }
        if status not in (ARContent.Status.DRAFT, ARContent.Status.PROCESSING):
            values["marker"] = stored_png(company, name="marker.png", project=project)
            values["pipeline_status"] = ARContent.Pipeline.SUCCEEDED
        values.update(fields)
        return ARContent.objects.create(**values)


def publishable(company: Company, **fields: Any) -> ARContent:
    """Ready content with a ready video: everything publishing asks for (make_content's
    content alone is refused: it has nothing to play)."""
    from videos.tests.factories import playable_video  # videos sits above arcontent

    content = make_content(company, **fields)
    playable_video(content)
    return content
