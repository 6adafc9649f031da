"""AR content in the portal's search box: by order number, customer name, phone or e-mail."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from arcontent.models import ARContent
from arvlite.core.roles import Role
from arvlite.core.search import (
    SearchHit,
    SearchQuery,
    SearchResult,
    best_first,
    page_with_total,
    search_provider_register,
    text_or_phone_matches,
)
from companies.models import Company


def content_search(company: Company, query: SearchQuery, offset: int, limit: int) -> SearchResult:
    """The company's content matching the order number or the customer (name, e-mail, phone
    in any formatting); an exact or leading order number first, then the newest."""
    rows = (
        ARContent.objects.filter(company=company)
        .filter(
            text_or_phone_matches(
                query,
                text_fields=("order_number", "customer_name", "customer_email"),
                phone_field="customer_phone",
            )
        )
        .select_related("project")
        .order_by(best_first("order_number", query.text), "-created_at", "-id")
    )
    contents, total = page_with_total(rows, offset=offset, limit=limit)
    hits = [
        SearchHit(
            id=str(content.unique_id),
            title=content.order_number,
            subtitle=" · ".join(
                part
                for part in (content.customer_name, content.project.name, str(content.get_status_display()))
                if part
            ),
            url=reverse(
                "content-detail-page", kwargs={"company_slug": company.slug, "unique_id": content.unique_id}
            ),
        )
        for content in contents
    ]
    return SearchResult(hits=hits, total=total)


def register_search_provider() -> None:
    search_provider_register(
        kind="content", label=_("AR content"), search=content_search, order=20, read_role=Role.VIEWER
    )
