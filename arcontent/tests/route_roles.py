"""Who may use the arcontent app's routes (read by the permission-matrix test)."""

from __future__ import annotations

from typing import Any

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company


def _content(company: Company, **fields: Any) -> dict[str, Any]:
    with company_scope(company):
        return {"unique_id": make_content(company, **fields).unique_id}


def ready(company: Company) -> dict[str, Any]:
    return _content(company)


def active(company: Company) -> dict[str, Any]:
    from django.utils import timezone

    return _content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                    expires_at=timezone.now().replace(year=timezone.now().year + 1))  # fmt: skip


W = Role.EDITOR
API_ROUTES = {
    # JSON bodies reach the multipart create and answer 400: past the roles.
    "ar-content-list": Expect({"GET": Role.VIEWER, "POST": W}),
    "ar-content-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": W, "DELETE": Role.MANAGER},
        kwargs=ready,
        payloads={"PATCH": lambda company: {"customer_name": "Anna"}},
    ),
    "ar-content-publish": Expect({"POST": W}, kwargs=ready),
    "ar-content-pause": Expect({"POST": W}, kwargs=active),
    "ar-content-resume": Expect({"POST": W}, kwargs=ready),
    "ar-content-renew": Expect({"POST": W}, kwargs=active),
    "ar-content-archive": Expect({"POST": W}, kwargs=ready),
    "ar-content-reprocess": Expect({"POST": W}, kwargs=ready),
    "ar-content-build-web-target": Expect({"POST": W}, kwargs=ready),
    "ar-content-override": Expect(
        {"POST": W}, kwargs=ready, payloads={"POST": lambda company: {"what": "similar"}}
    ),
    "ar-content-use-enhanced-marker": Expect(
        {"POST": W}, kwargs=ready, payloads={"POST": lambda company: {"use": False}}
    ),
    "ar-content-analysis": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "ar-content-qr-png": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "ar-content-qr-svg": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "ar-content-label-pdf": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "ar-content-print-sheet-pdf": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "ar-content-export-zip": Expect({"GET": Role.VIEWER}, kwargs=ready),
    # Stateless: any signed-in person (an empty body answers 400).
    "photo-analysis": Expect({"POST": Role.VIEWER}, kind="user"),
}

PORTAL_PAGES = {
    "content-list-page": Page(Role.VIEWER),
    "content-create-page": Page(W),
    "content-detail-page": Page(Role.VIEWER, kwargs=ready),
    "content-status-partial": Page(Role.VIEWER, kwargs=ready),
    "content-edit-page": Page(W, kwargs=ready),
    "content-action-page": Page(
        W, kwargs=lambda company: {**ready(company), "action": "archive"}, post=lambda company: {}
    ),
}


def _project(company: Company) -> dict[str, Any]:
    from projects.tests.factories import ProjectFactory

    return {"pk": ProjectFactory(company=company).pk}


# Analytics: every member reads; only managers rebuild the roll-ups (202, queued).
API_ROUTES |= {
    "analytics-company": Expect({"GET": Role.VIEWER}),
    "analytics-project": Expect({"GET": Role.VIEWER}, kwargs=_project),
    "analytics-content": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "analytics-company-videos": Expect({"GET": Role.VIEWER}),
    "analytics-content-videos": Expect({"GET": Role.VIEWER}, kwargs=ready),
    "analytics-rollup": Expect({"POST": Role.MANAGER}, payloads={"POST": lambda company: {"days": 1}}),
}
PORTAL_PAGES |= {
    "analytics-company-page": Page(Role.VIEWER),
    "analytics-project-page": Page(Role.VIEWER, kwargs=_project),
    "analytics-content-page": Page(Role.VIEWER, kwargs=ready),
}


def _bulk_job(company: Company) -> dict[str, Any]:
    from arcontent.bulk.models import BulkJob

    with company_scope(company):
        return {"pk": BulkJob.objects.create(company=company, kind="archive", total=0).pk}


def _bulk_job_with_pdf(company: Company) -> dict[str, Any]:
    import io

    from arcontent.bulk.models import BulkJob
    from companies.files import stored_file_create
    from companies.models import StoredFile

    with company_scope(company):
        pdf = stored_file_create(company=company, kind=StoredFile.Kind.PDF, content=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                 original_name="sheet.pdf", generated_mime="application/pdf")  # fmt: skip
        job = BulkJob.objects.create(company=company, kind="print_labels", total=0, status="done", file=pdf)
    return {"pk": job.pk}


def _bulk_payload(company: Company) -> dict[str, Any]:
    return {"action": "archive", "ids": [str(ready(company)["unique_id"])]}


# Bulk work on a selection (arcontent/bulk): editors start jobs and follow them.
API_ROUTES |= {
    "ar-content-bulk": Expect({"POST": W}, payloads={"POST": _bulk_payload}),
    "bulk-job-detail": Expect({"GET": W}, kwargs=_bulk_job),
    "bulk-job-file": Expect({"GET": W}, kwargs=_bulk_job_with_pdf),
}
PORTAL_PAGES |= {
    "content-bulk-page": Page(W, post=_bulk_payload),
    "content-bulk-upload-page": Page(W),
    "content-bulk-job-page": Page(W, kwargs=_bulk_job),
    "content-bulk-job-status": Page(W, kwargs=_bulk_job),
    "content-bulk-job-download": Page(W, kwargs=_bulk_job_with_pdf),
}


def _template(company: Company) -> dict[str, Any]:
    from projects.tests.factories import ProjectTemplateFactory

    return {"pk": ProjectTemplateFactory(company=company).pk}


def _contain(company: Company) -> dict[str, Any]:
    return {"fit": "contain"}


# Scene settings (arcontent/api/scene.py): every member reads, editors change them.
API_ROUTES |= {
    "ar-content-scene": Expect({"GET": Role.VIEWER, "PATCH": W}, kwargs=ready, payloads={"PATCH": _contain}),
    # A JSON body reaches the multipart upload and answers 415: past the roles.
    "ar-content-scene-overlay": Expect({"PUT": W, "DELETE": W}, kwargs=ready),
    "project-scene": Expect({"GET": Role.VIEWER, "PATCH": W}, kwargs=_project, payloads={"PATCH": _contain}),
    "project-template-scene": Expect(
        {"GET": Role.VIEWER, "PATCH": W}, kwargs=_template, payloads={"PATCH": _contain}
    ),
}
PORTAL_PAGES |= {
    "content-scene-page": Page(W, kwargs=ready, post=lambda company: {"fit": "contain"}),
}
PORTAL_PAGES |= {
    "project-scene-page": Page(W, kwargs=_project),
}
