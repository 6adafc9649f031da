"""Handing out an issued document's PDF (portal, API and the customer's page alike)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse

from orders.invoices.delivery import pdf_ensure
from orders.invoices.models import IssuedDocument


def document_pdf_response(document: IssuedDocument) -> FileResponse:
    """The PDF as a download; rendered now if the task has not stored it yet."""
    name = pdf_ensure(document)
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf",
                            as_attachment=True, filename=document.pdf_name)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
