"""Print sheets for a selection: QR labels, ten to an A4 page, or the photos at their print
size, as many as fit on each page, all with cut marks. Built on a worker for large
selections, stored as the job's PDF (downloaded through the job, within its company)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from arcontent.api.serializers import public_view_url
from arcontent.bulk.models import BulkJob
from arcontent.bulk.services import NOT_FOUND, record_item
from arcontent.bulk.sheet_grid import CAPTION_MM, Rect, label_grid, photo_pages
from arcontent.models import ARContent
from arcontent.printing.fetcher import data_uri, render_document
from arcontent.printing.images import photo_data_uri
from arcontent.printing.qr import qr_svg
from arcontent.printing.texts import texts_for
from companies.files import stored_file_create
from companies.models import StoredFile


def _mm(value: float) -> str:
    return f"{value:.3f}mm"  # never localised: "12,5mm" is not CSS


def _box(rect: Rect) -> dict[str, str]:
    return {
        "left": _mm(rect.left),
        "top": _mm(rect.top),
        "width": _mm(rect.width),
        "height": _mm(rect.height),
    }


def _contents(job: BulkJob) -> list[ARContent | None]:
    rows = ARContent.objects.filter(company=job.company, pk__in=job.content_ids).select_related(
        "company", "marker", "enhanced_marker"
    )
    by_pk = {content.pk: content for content in rows}
    return [by_pk.get(pk) for pk in job.content_ids]


def _entry(content: ARContent, ok: bool, message: str) -> dict[str, Any]:
    return {"id": str(content.unique_id), "order_number": content.order_number, "ok": ok, "message": message}


def _label_pages(job: BulkJob, contents: list[ARContent | None]) -> list[dict[str, Any]]:
    grid = label_grid()
    labels = []
    for content in contents:
        if content is None:
            record_item(job, {"id": "", "order_number": "", "ok": False, "message": str(NOT_FOUND)})
            continue
        labels.append({"order_number": content.order_number, "customer": content.customer_name,
                       "qr_uri": data_uri(qr_svg(public_view_url(content)), "image/svg+xml")})  # fmt: skip
        record_item(job, _entry(content, True, _("On the sheet.")))
    pages = []
    for start in range(0, len(labels), grid.per_page):
        chunk = labels[start : start + grid.per_page]
        cells = [{**label, "box": _box(cell)} for label, cell in zip(chunk, grid.cells, strict=False)]
        pages.append({"labels": cells, "marks": [_box(mark) for mark in grid.marks]})
    return pages


def _photo_pages(job: BulkJob, contents: list[ARContent | None]) -> list[dict[str, Any]]:
    present = [content for content in contents if content is not None and content.marker_in_use is not None]
    layout = photo_pages([(float(c.print_width_cm) * 10, float(c.print_height_cm) * 10) for c in present])
    placements = {content.pk: place for content, place in zip(present, layout, strict=True)}
    pages: dict[int, dict[str, list[Any]]] = {}
    for content in contents:
        if content is None:
            record_item(job, {"id": "", "order_number": "", "ok": False, "message": str(NOT_FOUND)})
            continue
        place = placements.get(content.pk)
        marker = content.marker_in_use
        if marker is None:
            record_item(job, _entry(content, False, _("The marker is not ready yet.")))
            continue
        if place is None:
            record_item(
                job, _entry(content, False, _("Too large for a shared sheet: print it on its own sheet."))
            )
            continue
        try:
            with default_storage.open(marker.key, "rb") as handle:
                photo_uri = photo_data_uri(handle.read())
        except (OSError, ValueError):
            record_item(job, _entry(content, False, _("The marker file cannot be read.")))
            continue
        page = pages.setdefault(place.page, {"photos": [], "marks": []})
        caption = Rect(place.photo.left, place.photo.bottom + 1.0, place.photo.width, CAPTION_MM - 1.0)
        page["photos"].append({"uri": photo_uri, "box": _box(place.photo), "caption": _box(caption),
                               "order_number": content.order_number, "size": content.print_size_label})  # fmt: skip
        page["marks"] += [_box(mark) for mark in place.marks]
        record_item(job, _entry(content, True, _("On the sheet.")))
    return [pages[number] for number in sorted(pages)]


def bulk_sheet_build(*, job: BulkJob) -> None:
    """Lay out every printable item of ``job`` and store the PDF as its file; an item that
    cannot be printed (no marker yet, too large) is reported and left out."""
    contents = _contents(job)
    if job.kind == BulkJob.Kind.PRINT_LABELS:
        pages, template = _label_pages(job, contents), "arcontent/print/bulk_labels.html"
    else:
        pages, template = _photo_pages(job, contents), "arcontent/print/bulk_photos.html"
    if not pages:
        job.error = _("Nothing could be printed.")
        job.save(update_fields=["error"])
        return
    texts = texts_for(job.options.get("language", "ru"))
    html = render_to_string(template, {"pages": pages, "texts": texts, "company_name": job.company.name})
    pdf = render_document(html).write_pdf()
    try:
        stored = stored_file_create(
            company=job.company, kind=StoredFile.Kind.PDF, content=io.BytesIO(pdf),
            original_name=f"print-sheet-{job.pk}.pdf", generated_mime="application/pdf",
        )  # fmt: skip
    except ValidationError as error:  # the storage quota, mostly
        job.error = " ".join(error.messages)
        job.save(update_fields=["error"])
        return
    job.file = stored
    job.save(update_fields=["file"])
