"""After an invoice or credit note is issued: its PDF rendered and stored through the
storage layer, then e-mailed to the customer. Each step is claimed by a conditional update,
so a repeated or concurrent task neither stores two files nor sends two e-mails."""

from __future__ import annotations

import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from arvlite.core.email import send_templated_email
from orders.invoices.models import CreditNote, IssuedDocument, document_pdf_path
from orders.invoices.pdf import document_pdf

log = structlog.get_logger(__name__)


def pdf_ensure(document: IssuedDocument) -> str:
    """The storage name of the document's PDF, rendering and storing it if it has none yet."""
    if document.pdf:
        return str(document.pdf.name)
    name = default_storage.save(
        document_pdf_path(document, document.pdf_name), ContentFile(document_pdf(document))
    )
    claimed = (
        type(document)
        ._default_manager.filter(pk=document.pk, pdf="")
        .update(pdf=name, pdf_generated_at=timezone.now())
    )
    if not claimed:  # another task stored it first: keep theirs
        default_storage.delete(name)
        document.refresh_from_db(fields=["pdf", "pdf_generated_at"])
        return str(document.pdf.name)
    document.pdf.name = name
    return name


def document_deliver(document: IssuedDocument) -> None:
    name = pdf_ensure(document)
    order = document.order
    if not order.customer_email or document.emailed_at is not None:
        return
    claimed = (
        type(document)
        ._default_manager.filter(pk=document.pk, emailed_at__isnull=True)
        .update(emailed_at=timezone.now())
    )
    if not claimed:
        return
    from orders.links import customer_page_url

    send_templated_email(
        to=order.customer_email,
        template="orders/document_issued",
        language=order.customer_language,
        context={
            "is_credit_note": isinstance(document, CreditNote),
            "number": document.number,
            "total": document.total,
            "currency": document.currency,
            "order_number": order.number,
            "customer_name": order.customer_name,
            "company_name": document.company.name,
            "brand_color": document.company.brand_color,
            "url": customer_page_url(order.access_token),
        },
        attachments=[[document.pdf_name, name, "application/pdf"]],
    )
