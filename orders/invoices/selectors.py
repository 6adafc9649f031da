"""Reading issued documents: the one filtered list the portal and the API both show."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from companies.models import Company
from orders.invoices.models import IssuedDocument


def document_list(
    *, company: Company, model: type[IssuedDocument], year: int | None = None, search: str = "",
    order_id: int | None = None,
) -> QuerySet[IssuedDocument]:  # fmt: skip
    """The company's invoices or credit notes, newest first; ``search`` matches the
    document's number, the order's number or the customer's name."""
    documents = model._default_manager.filter(company=company).select_related("order")
    if year:
        documents = documents.filter(year=year)
    if order_id:
        documents = documents.filter(order_id=order_id)
    if term := search.strip():
        documents = documents.filter(Q(number__icontains=term) | Q(order__number__icontains=term)
                                     | Q(order__customer_name__icontains=term))  # fmt: skip
    return documents.order_by("-issued_at", "-id")
