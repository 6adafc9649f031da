"""``GET /api/v1/companies/<slug>/search/?q=``: the portal's search box for API clients."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arvlite.core.roles import Role
from arvlite.core.search import MAX_QUERY_LENGTH, SearchGroup, search_providers, search_query, search_run
from companies.api.scoped import CompanyScopedMixin

MAX_PAGE_SIZE = 50


class SearchParamsSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, allow_blank=True, default="")
    kind = serializers.CharField(allow_blank=True, default="", max_length=40)
    page = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=5)

    def validate_kind(self, value: str) -> str:
        kinds = self.context["kinds"]
        if value and value not in kinds:
            raise serializers.ValidationError(
                _("Unknown kind. Choose one of: %(kinds)s.") % {"kinds": ", ".join(kinds)}
            )
        return value


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="The item's id: a number, or the public id of AR content.")
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="The item's page in the portal.")


class SearchGroupSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="projects, content, videos or orders.")
    name = serializers.CharField(help_text="The kind's name, in the request's language.")
    count = serializers.IntegerField(help_text="Matches of this kind in all (beyond this page too).")
    results = SearchHitSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer[Any]):
    query = serializers.CharField(
        help_text="What was searched for: control characters removed, spaces collapsed."
    )
    groups = SearchGroupSerializer(
        many=True, help_text="Kinds with matches; empty for a query under 2 characters."
    )


class SearchView(CompanyScopedMixin, APIView):
    read_role = Role.VIEWER  # each kind's own role is checked by the registry
    write_role = None

    @extend_schema(
        summary="Search projects, AR content, videos and orders of the company",
        description=(
            "Projects by name or description; AR content and orders by number, customer name, e-mail "
            "or phone (digits in any formatting: `+7 (912) 345` finds +79123456789); videos by title or "
            "file name. Each kind is paginated on its own with `page` and `page_size`; give `kind` to "
            "page through one. A query under 2 characters answers no groups; one over "
            f"{MAX_QUERY_LENGTH} characters is refused (400)."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="The text to look for."),
            OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind: projects, content, videos, orders."),
            OpenApiParameter("page", OpenApiTypes.INT, description="Page of each kind (from 1)."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"Hits per kind (default 5, at most {MAX_PAGE_SIZE})."),
        ],
        responses={200: SearchResponseSerializer},
    )  # fmt: skip
    def get(self, request: Request, company_slug: str) -> Response:
        kinds = [provider.kind for provider in search_providers(role=self.membership.role)]
        params = SearchParamsSerializer(data=request.query_params, context={"kinds": kinds})
        params.is_valid(raise_exception=True)
        query = search_query(params.validated_data["q"])
        page, page_size = params.validated_data["page"], params.validated_data["page_size"]
        groups = search_run(
            company=self.company,
            role=self.membership.role,
            query=query,
            kinds=[params.validated_data["kind"]] if params.validated_data["kind"] else None,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        if page > 1 and not any(group.hits for group in groups):
            raise exceptions.NotFound(_("Invalid page."))
        kind = params.validated_data["kind"]
        shown = [group for group in groups if group.hits or kind]  # one kind asked: say 0 too
        body = {"query": query.text, "groups": [_group_body(group) for group in shown]}
        return Response(SearchResponseSerializer(body).data)


def _group_body(group: SearchGroup) -> dict[str, Any]:
    return {
        "kind": group.kind,
        "name": str(group.label),
        "count": group.total,
        "results": [
            {
                "id": hit.id,
                "title": hit.title,
                "subtitle": hit.subtitle,
                "url": f"{settings.PUBLIC_URL}{hit.url}",
            }
            for hit in group.hits
        ],
    }
