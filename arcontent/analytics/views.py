"""Portal analytics pages of the company, a project and a content: summary cards, Chart.js
charts (drawn by static/js/analytics.js from the json_script data), the top content and a
CSV link. A bad custom range shows its error above the default period, not a 400 page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from arcontent.analytics.cache import figures_cached
from arcontent.analytics.charts import chart_data, share_rows
from arcontent.analytics.periods import DEFAULT_DAYS, PRESETS, Period, period_from_query, period_last
from arcontent.analytics.videos import VideoFigures, video_figures
from arcontent.models import ARContent
from arcontent.selectors import content_get
from arvlite.core.roles import Role
from companies.portal import CompanyPortalMixin
from projects.selectors import project_get
from videos.naming import SOURCE_WORDS

TOP_VIDEOS = 10
DROP_OFF_LINES = 6  # more lines than this make the chart unreadable; the table has them all


class AnalyticsPageView(CompanyPortalMixin, TemplateView):
    template_name = "arcontent/analytics/analytics_page.html"
    read_role = Role.VIEWER
    write_role = None
    api_route = "analytics-company"

    def scope_objects(self) -> dict[str, Any]:
        return {}

    def videos(self, period: Period) -> list[VideoFigures] | None:
        """The per-video table: the company's most watched videos here; one content's all."""
        return video_figures(company=self.company, period=period, limit=TOP_VIDEOS)

    def title(self) -> str:
        return str(self.company.name)

    def route_kwargs(self) -> dict[str, Any]:
        return {"company_slug": self.company.slug}

    @cached_property
    def period_and_errors(self) -> tuple[Period, list[str]]:
        try:
            return period_from_query(company=self.company, query=self.request.GET), []
        except ValidationError as error:
            return period_last(company=self.company, days=DEFAULT_DAYS), error.messages

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period, errors = self.period_and_errors
        objects = self.scope_objects()
        figures = figures_cached(company=self.company, period=period, **objects)
        query = {"from": period.first.isoformat(), "to": period.last.isoformat(), "format": "csv"}
        api_url = reverse(self.api_route, kwargs=self.route_kwargs())
        context.update(
            objects,
            scope_title=self.title(),
            figures=figures,
            period=period,
            period_errors=errors,
            presets=PRESETS,
            custom_from=self.request.GET.get("from", period.first.isoformat()),
            custom_to=self.request.GET.get("to", period.last.isoformat()),
            chart_data=chart_data(figures),
            devices=share_rows(figures.devices, devices=True),
            systems=share_rows(figures.systems),
            browsers=share_rows(figures.browsers),
            csv_url=f"{api_url}?{urlencode(query)}",
            time_zone=self.company.time_zone,
        )
        videos = self.videos(period)
        if videos is not None:
            context.update(
                videos=[(row, _source_words(row.sources)) for row in videos],
                videos_csv_url=f"{reverse(self.api_route + '-videos', kwargs=self.route_kwargs())}?{urlencode(query)}",
                drop_off_data={
                    "labels": ["0 %", "25 %", "50 %", "75 %", "100 %"],
                    "lines": [
                        {
                            "name": row.name,
                            "values": [100, *(round(share * 100, 1) for share in row.drop_off)],
                        }
                        for row in videos
                        if row.drop_off is not None
                    ][:DROP_OFF_LINES],
                },
            )
        return context


def _source_words(sources: dict[str, int]) -> str:
    return ", ".join(f"{SOURCE_WORDS.get(name, name)} ({count})" for name, count in sources.items())


class CompanyAnalyticsPageView(AnalyticsPageView):
    pass


class ProjectAnalyticsPageView(AnalyticsPageView):
    api_route = "analytics-project"

    @cached_property
    def project(self) -> Any:
        return project_get(company=self.company, pk=self.kwargs["pk"])

    def scope_objects(self) -> dict[str, Any]:
        return {"project": self.project}

    def title(self) -> str:
        return str(self.project.name)

    def videos(self, period: Period) -> list[VideoFigures] | None:
        return None  # the project page lists its top content; each content's page its videos

    def route_kwargs(self) -> dict[str, Any]:
        return {"company_slug": self.company.slug, "pk": self.project.pk}


class ContentAnalyticsPageView(AnalyticsPageView):
    api_route = "analytics-content"

    @cached_property
    def content(self) -> ARContent:
        return content_get(company=self.company, unique_id=self.kwargs["unique_id"])

    def scope_objects(self) -> dict[str, Any]:
        return {"content": self.content}

    def title(self) -> str:
        return self.content.order_number

    def videos(self, period: Period) -> list[VideoFigures] | None:
        return video_figures(company=self.company, period=period, content=self.content)

    def route_kwargs(self) -> dict[str, Any]:
        return {"company_slug": self.company.slug, "unique_id": self.content.unique_id}
