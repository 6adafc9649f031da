"""Videos in the portal's search box: by title or the uploaded file's name."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arvlite.core.roles import Role
from arvlite.core.search import (
    SearchHit,
    SearchQuery,
    SearchResult,
    page_with_total,
    search_provider_register,
)
from companies.models import Company
from videos.models import Video


def video_search(company: Company, query: SearchQuery, offset: int, limit: int) -> SearchResult:
    """The company's videos whose title or original file name contains the text, newest
    first; each links to its content's video list, at its row."""
    rows = (
        Video.objects.filter(company=company)
        .filter(Q(title__icontains=query.text) | Q(original__original_name__icontains=query.text))
        .select_related("content", "original")
        .order_by("-created_at", "-id")
    )
    videos, total = page_with_total(rows, offset=offset, limit=limit)
    hits = []
    for video in videos:
        file_name = video.original.original_name if video.original else ""
        page = reverse(
            "video-list-page", kwargs={"company_slug": company.slug, "unique_id": video.content.unique_id}
        )
        hits.append(
            SearchHit(
                id=str(video.pk),
                title=video.title or file_name or _("Video %(id)s") % {"id": video.pk},
                subtitle=" · ".join(
                    part for part in (video.content.order_number, file_name if video.title else "") if part
                ),
                url=f"{page}#video-{video.pk}",
            )
        )
    return SearchResult(hits=hits, total=total)


def register_search_provider() -> None:
    search_provider_register(
        kind="videos", label=gettext_lazy("Videos"), search=video_search, order=30, read_role=Role.VIEWER
    )
