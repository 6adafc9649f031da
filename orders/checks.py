"""What the orders app says about deleting a company."""

from __future__ import annotations

from django.utils.translation import gettext as _

from companies.models import Company
from orders.invoices.models import Invoice
from orders.payments.models import Payment


def money_records_block_company_delete(company: Company) -> str | None:
    """Invoices and payments are accounting records that must be kept: a company that
    has them is deactivated, not deleted."""
    if Invoice.objects.with_scopes_disabled().filter(company=company).exists():
        return _("The company has issued invoices, which must be kept: deactivate it instead.")
    if Payment.objects.with_scopes_disabled().filter(company=company).exists():
        return _("The company has recorded payments, which must be kept: deactivate it instead.")
    return None
