"""The header's search box: its suggestions (an htmx partial) and the full results page
(Enter without a choice, or no JavaScript). What is searched comes from the providers the
apps register in ``arvlite.core.search``."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from arvlite.core.roles import Role
from arvlite.core.search import SearchQuery, search_providers, search_query, search_run
from companies.portal import CompanyPortalMixin

SUGGESTIONS_PER_KIND = 5
OVERVIEW_PER_KIND = 5
PAGE_SIZE = 20


class _SearchPageMixin(CompanyPortalMixin):
    read_role = Role.VIEWER  # each kind's own role is checked by the registry
    write_role = None

    def typed(self) -> SearchQuery:
        return search_query(self.request.GET.get("q", ""))  # type: ignore[attr-defined]  # the View's request


class SearchSuggestView(_SearchPageMixin, TemplateView):
    """Up to five hits of each kind, grouped, as the header's listbox."""

    template_name = "companies/partials/search_suggestions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.typed()
        groups = search_run(
            company=self.company, role=self.membership.role, query=query, limit=SUGGESTIONS_PER_KIND
        )
        context.update(query=query, groups=[group for group in groups if group.hits])
        context["found"] = sum(len(group.hits) for group in context["groups"])
        return context


class SearchView(_SearchPageMixin, TemplateView):
    """All kinds with their first hits and totals, or one kind (``?kind=``) page by page."""

    template_name = "companies/search_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.typed()
        kinds = {provider.kind: provider.label for provider in search_providers(role=self.membership.role)}
        kind = self.request.GET.get("kind", "")
        if kind not in kinds:
            kind = ""  # an unknown or hidden kind: search everything instead
        number = self._page_number()
        if kind:
            groups = search_run(company=self.company, role=self.membership.role, query=query, kinds=[kind],
                                offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)  # fmt: skip
            total = groups[0].total if groups else 0
            if number > 1 and not (groups and groups[0].hits):
                raise Http404
            # The pager only needs the total: a range stands in for the rows.
            context["page_obj"] = Paginator(range(total), PAGE_SIZE).page(number) if total else None
        else:
            groups = search_run(company=self.company, role=self.membership.role, query=query,
                                limit=OVERVIEW_PER_KIND)  # fmt: skip
        context.update(
            query=query,
            search_query=query.text,  # fills the header's box
            kind=kind,
            kind_label=kinds.get(kind, ""),
            groups=[group for group in groups if group.hits],
            total=sum(group.total for group in groups),
        )
        return context

    def _page_number(self) -> int:
        raw = self.request.GET.get("page", "1")
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 10_000:
            raise Http404
        return int(raw)
