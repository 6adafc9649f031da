"""Print sheets for a selection: the grid, the labels and photos PDFs, the download."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from arcontent.bulk import services
from arcontent.bulk.models import BulkJob
from arcontent.bulk.sheet_grid import SHEET_MARGIN_MM, USABLE_HEIGHT, USABLE_WIDTH, label_grid, photo_pages
from arcontent.bulk.tasks import run_bulk_job
from arcontent.models import ARContent
from arcontent.printing.tests.pdfs import PT_PER_MM, image_placements_mm, page_size_pt, page_text
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.files import stored_file_create
from companies.models import Company, StoredFile, User
from companies.tests.media import jpeg_bytes

Clients = Callable[[User], APIClient]
A4_PT = (210 * PT_PER_MM, 297 * PT_PER_MM)


def _a4(size: tuple[float, float]) -> bool:
    return all(abs(a - b) < 0.5 for a, b in zip(size, A4_PT, strict=True))


# --- the grid ----------------------------------------------------------------------------


def test_ten_labels_fit_a_page_with_their_marks_inside_the_margins() -> None:
    grid = label_grid()
    assert grid.per_page == 10
    for rect in (*grid.cells, *grid.marks):
        assert rect.left >= SHEET_MARGIN_MM - 1e-6
        assert rect.right <= 210 - SHEET_MARGIN_MM + 1e-6
        assert rect.top >= SHEET_MARGIN_MM - 1e-6
        assert rect.bottom <= 297 - SHEET_MARGIN_MM + 1e-6
    left, top = grid.cells[0].left, grid.cells[0].top
    right, bottom = grid.cells[-1].right, grid.cells[-1].bottom
    for mark in grid.marks:  # outside the grid, never on a label
        assert mark.right <= left or mark.left >= right or mark.bottom <= top or mark.top >= bottom


def test_photos_keep_their_size_never_overlap_and_too_large_ones_are_left_out() -> None:
    sizes = [(150.0, 100.0), (60.0, 40.0), (60.0, 40.0), (300.0, 100.0), (150.0, 100.0), (90.0, 90.0)]
    placed = photo_pages(sizes)
    assert placed[3] is None
    kept = [p for p in placed if p is not None]
    for item in kept:
        assert (item.photo.width, item.photo.height) == sizes[item.index]
        assert item.photo.left - 6 >= SHEET_MARGIN_MM - 1e-6
        assert item.photo.right + 6 <= SHEET_MARGIN_MM + USABLE_WIDTH + 1e-6
        assert item.photo.bottom + 6 <= SHEET_MARGIN_MM + USABLE_HEIGHT + 1e-6
    for a in kept:
        for b in kept:
            if a is not b and a.page == b.page:
                assert (a.photo.right + 12 <= b.photo.left + 1e-6 or b.photo.right + 12 <= a.photo.left + 1e-6
                        or a.photo.bottom + 6 <= b.photo.top or b.photo.bottom + 6 <= a.photo.top)  # fmt: skip
    assert max(p.page for p in kept) == 1


# --- the PDFs ----------------------------------------------------------------------------


def with_jpeg_marker(company: Company, **fields: Any) -> ARContent:
    content = make_content(company, **fields)
    step = content.pk % 20  # different bytes each (a PDF keeps one copy of identical images), all 3:2
    marker = stored_file_create(company=company, kind=StoredFile.Kind.MARKER,
                                content=io.BytesIO(jpeg_bytes(300 + 3 * step, 200 + 2 * step)), original_name="marker.jpg")  # fmt: skip
    ARContent.objects.filter(pk=content.pk).update(marker=marker)
    return content


@pytest.mark.django_db
@pytest.mark.usefixtures("scoped")
def test_a_large_label_sheet_is_built_on_the_worker(company: Company, other_company: Company,
                                                    editor: User) -> None:  # fmt: skip
    contents = [make_content(company, customer_name=f"Customer {n}") for n in range(12)]
    theirs = make_content(other_company, customer_name="Their secret customer")
    job = services.bulk_job_start(company=company, actor=editor, kind="print_labels",
                                  ids=[*(c.unique_id for c in contents), theirs.unique_id])  # fmt: skip
    assert job.status == "queued"  # eager, but only once the test's transaction commits
    with scopes_disabled():
        run_bulk_job(job.pk, actor_id=editor.pk)
        job = BulkJob.objects.select_related("file").get(pk=job.pk)
    assert (job.status, job.done, job.failed) == ("done", 12, 1)
    reader = read_pdf(job)
    assert len(reader.pages) == 2
    assert all(_a4(page_size_pt(page)) for page in reader.pages)
    text = page_text(reader.pages[0]) + page_text(reader.pages[1])
    assert all(c.order_number in text for c in contents)
    assert "Their secret customer" not in text


@pytest.mark.django_db
@pytest.mark.usefixtures("scoped")
def test_a_photo_sheet_prints_each_at_its_size_and_reports_the_rest(company: Company, editor: User) -> None:
    small = [with_jpeg_marker(company) for _ in range(2)]  # 15 x 10 cm
    large = with_jpeg_marker(company, print_width_cm=Decimal("30"), print_height_cm=Decimal("40"))
    draft = make_content(company, status=ARContent.Status.DRAFT)
    job = services.bulk_job_start(company=company, actor=editor, kind="print_photos",
                                  ids=[c.unique_id for c in (*small, large, draft)])  # fmt: skip
    job = BulkJob.objects.select_related("file").get(pk=job.pk)
    assert (job.status, job.done, job.failed) == ("done", 2, 2)
    messages = {item["order_number"]: item["message"] for item in job.results}
    assert "Too large" in messages[large.order_number]
    assert "not ready" in messages[draft.order_number]
    reader = read_pdf(job)
    assert len(reader.pages) == 1
    placements = image_placements_mm(reader.pages[0])
    assert sorted((round(w), round(h)) for _l, _t, w, h in placements.values()) == [(150, 100), (150, 100)]


@pytest.mark.django_db
@pytest.mark.usefixtures("scoped")
def test_nothing_printable_fails_the_job_with_a_reason(company: Company, editor: User) -> None:
    draft = make_content(company, status=ARContent.Status.DRAFT)
    job = services.bulk_job_start(company=company, actor=editor, kind="print_photos", ids=[draft.unique_id])
    assert (job.status, job.error, job.file_id) == ("failed", "Nothing could be printed.", None)


def read_pdf(job: BulkJob) -> PdfReader:
    from django.core.files.storage import default_storage

    assert job.file is not None
    with default_storage.open(job.file.key, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


# --- the download ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sheet_downloads_only_within_its_company(
    client: Client, api_client_for: Clients, company: Company, other_company: Company, editor: User,
    outsider: User,
) -> None:  # fmt: skip
    content = make_content(company)
    client.force_login(editor)
    response = client.post(f"/c/{company.slug}/content/bulk/", {"action": "print_labels",
                                                               "ids": [str(content.unique_id)]})  # fmt: skip
    with company_scope(company):
        job = BulkJob.objects.get()
    assert response["Location"] == f"/c/{company.slug}/content/bulk/{job.pk}/"
    assert b"Download the PDF" in client.get(response["Location"]).content
    pdf = client.get(f"/c/{company.slug}/content/bulk/{job.pk}/sheet.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    api = api_client_for(editor).get(f"/api/v1/companies/{company.slug}/bulk-jobs/{job.pk}/")
    assert api.json()["file_url"] == f"/api/v1/companies/{company.slug}/bulk-jobs/{job.pk}/file.pdf"
    assert api_client_for(editor).get(api.json()["file_url"]).status_code == 200
    client.force_login(outsider)
    assert client.get(f"/c/{other_company.slug}/content/bulk/{job.pk}/sheet.pdf").status_code == 404
    theirs = api_client_for(outsider).get(
        f"/api/v1/companies/{other_company.slug}/bulk-jobs/{job.pk}/file.pdf"
    )
    assert theirs.status_code == 404
    assert uuid.UUID(api.json()["results"][0]["id"]) == content.unique_id
