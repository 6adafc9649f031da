"""The PDF of an invoice or credit note: an A4 page from a Django template (autoescaped)
laid out by WeasyPrint offline, with the QR code to the customer's order page as a vector.
Everything printed comes from the document's own frozen copy, never from live rows."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from arcontent.printing.fetcher import data_uri, render_document
from arcontent.printing.qr import qr_svg
from orders.invoices.models import CreditNote, IssuedDocument
from orders.models import VatRate


def vat_lines(document: IssuedDocument) -> list[str]:
    """ "incl. VAT 22 %: 180.33" per rate, or "No VAT" (in the document's language)."""
    with translation.override(document.language):
        lines = []
        for part in document.vat_summary:
            if part["vat_rate"] == VatRate.NONE:
                lines.append(_("No VAT"))
            else:
                lines.append(_("incl. VAT %(rate)s %%: %(amount)s") % {"rate": part["vat_rate"],
                                                                         "amount": part["amount"]})  # fmt: skip
        return lines


def document_pdf(document: IssuedDocument) -> bytes:
    is_credit_note = isinstance(document, CreditNote)
    context = {
        "document": document,
        "is_credit_note": is_credit_note,
        "invoice_number": document.invoice.number if isinstance(document, CreditNote) else "",
        "seller": document.seller,
        "buyer": document.buyer,
        "lines": [
            {
                **line,
                "quantity": int(line["quantity"]),
                "unit_price": Decimal(line["unit_price"]),
                "total": Decimal(line["total"]),
            }
            for line in document.lines
        ],
        "vat_lines": vat_lines(document),
        "qr": data_uri(qr_svg(document.order_url, border=2), "image/svg+xml"),
    }
    with translation.override(document.language):
        html = render_to_string("orders/documents/document.html", context)
    return bytes(render_document(html).write_pdf())
