"""Reads about AR content."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from arcontent.models import ARContent
from companies.models import Company

FILE_RELATIONS = (
    "photo", "marker", "enhanced_marker", "thumbnail_small", "thumbnail_medium", "thumbnail_large", "web_target",
)  # fmt: skip


def content_list(*, company: Company, search: str | None = None) -> QuerySet[ARContent]:
    """The company's content with project and file rows loaded (lists stay at a fixed
    number of queries); ``search`` matches the order number or the customer."""
    contents = ARContent.objects.filter(company=company).select_related("project", *FILE_RELATIONS)
    if search:
        term = search.strip()
        contents = contents.filter(
            Q(order_number__icontains=term)
            | Q(customer_name__icontains=term)
            | Q(customer_email__icontains=term)
            | Q(customer_phone__icontains=term)
        )
    return contents


def content_get(*, company: Company, unique_id: uuid.UUID | str) -> ARContent:
    """One content of ``company`` by its public id, with project and files loaded; 404 for
    an id of another company or none at all (the two answer alike)."""
    return get_object_or_404(content_list(company=company), unique_id=unique_id)
