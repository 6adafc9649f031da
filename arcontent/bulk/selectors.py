"""Reads about bulk jobs."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from arcontent.bulk.models import BulkJob
from companies.models import Company


def bulk_job_get(*, company: Company, pk: int) -> BulkJob:
    """One job of ``company`` with its file; 404 for another company's job or none at all."""
    return get_object_or_404(BulkJob.objects.filter(company=company).select_related("file"), pk=pk)


def bulk_file_response(job: BulkJob) -> FileResponse:
    """The job's PDF as a download (404 while it has none)."""
    if job.file is None:
        raise Http404
    response = FileResponse(
        default_storage.open(job.file.key, "rb"), as_attachment=True,
        filename=f"print-sheet-{job.pk}.pdf", content_type="application/pdf",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
