"""Reads about AR content."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SimilarContent:
    """A marker one print could be mistaken for. Only content of the same company is named
    (and linked); another company's is only said to exist."""

    same_company: bool
    order_number: str = ""
    unique_id: str = ""  # empty: not linkable (another company's, or deleted since)


def similar_contents(*, company: Company, content: ARContent) -> list[SimilarContent]:
    """The content's similar-marker matches, each same-company one resolved within
    ``company`` now (one query), so a link never reaches another company's content."""
    named = [m for m in content.similar_matches if m.get("same_company")]
    ids = [str(m.get("unique_id", "")) for m in named]
    rows = (
        ARContent.objects.filter(company=company, unique_id__in=[i for i in ids if _is_uuid(i)])
        .exclude(pk=content.pk)
        .values_list("unique_id", "order_number")
    )
    found = {str(unique_id): number for unique_id, number in rows}
    result = []
    for match in content.similar_matches:
        if not match.get("same_company"):
            result.append(SimilarContent(same_company=False))
            continue
        unique_id = str(match.get("unique_id", ""))
        if unique_id in found:
            result.append(
                SimilarContent(same_company=True, order_number=found[unique_id], unique_id=unique_id)
            )
        else:  # deleted since the check: its number as recorded, without a link
            result.append(SimilarContent(same_company=True, order_number=str(match.get("order_number", ""))))
    return result


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
