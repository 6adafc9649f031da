"""The operators' dashboard on the back office's index: a few platform-wide figures, each
linking to the changelist that holds what it counts.

Core knows no domain model, so the figures come from the apps through the admin's own
registry: a ``ModelAdmin`` that defines ``dashboard_figures(request)`` returns the figures
about its model (a count, a size), and the site collects them from every registered admin
the operator may view. The figures live next to the changelists they link to and the
dependency stays one-way. Core adds what it owns itself: the workers' heartbeats.

Each figure is one aggregate query; the page runs with the tenant scope off (the site)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arvlite.core.models import WorkerHeartbeat

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The heartbeat task runs every minute; a worker silent for three is reported as late.
HEARTBEAT_LATE_AFTER = timedelta(minutes=3)
WORKERS_SHOWN = 20


class Section:
    """Where a figure is shown on the dashboard, in this order."""

    USAGE = "usage"
    FAILURES = "failures"


SECTION_TITLES = {Section.USAGE: _("The platform today"), Section.FAILURES: _("Failed jobs")}


@dataclass(frozen=True, slots=True)
class Figure:
    label: StrOrPromise
    value: str  # already formatted: a count, or a size through filesizeformat
    url: str  # the changelist of what is counted, filtered to it
    section: str = Section.USAGE
    order: int = 50
    alert: bool = False  # shown highlighted (a failure count above zero)


class FigureSource(Protocol):
    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]: ...


@dataclass(frozen=True, slots=True)
class WorkerSeen:
    hostname: str
    seen_at: datetime
    seconds_ago: int
    late: bool


def changelist_url(model_admin: admin.ModelAdmin, **filters: Any) -> str:
    """The admin changelist of ``model_admin``'s model, with ``filters`` as its query."""
    opts = model_admin.model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=model_admin.admin_site.name
    )
    return f"{url}?{urlencode(filters)}" if filters else url


def start_of_today() -> datetime:
    """Midnight in the zone the portal shows (TIME_ZONE), as an aware moment."""
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def collect_figures(site: admin.AdminSite, request: HttpRequest) -> dict[str, list[Figure]]:
    """The figures of every registered admin the operator may view, by section, in order."""
    figures: list[Figure] = []
    for model_admin in site._registry.values():
        source = getattr(model_admin, "dashboard_figures", None)
        if source is not None and model_admin.has_view_or_change_permission(request):
            figures.extend(source(request))
    sections: dict[str, list[Figure]] = {Section.USAGE: [], Section.FAILURES: []}
    for figure in sorted(figures, key=lambda each: (each.order, str(each.label))):
        sections.setdefault(figure.section, []).append(figure)
    return sections


def workers_seen(*, now: datetime | None = None) -> list[WorkerSeen]:
    """Each worker that has recorded a heartbeat, newest first, with how long ago."""
    now = now or timezone.now()
    seen = []
    for hostname, seen_at in WorkerHeartbeat.objects.order_by("-seen_at").values_list("hostname", "seen_at")[
        :WORKERS_SHOWN
    ]:
        ago = now - seen_at
        seen.append(
            WorkerSeen(
                hostname=hostname,
                seen_at=seen_at,
                seconds_ago=max(int(ago.total_seconds()), 0),
                late=ago > HEARTBEAT_LATE_AFTER,
            )
        )
    return seen


def dashboard_context(site: admin.AdminSite, request: HttpRequest) -> dict[str, Any]:
    sections = collect_figures(site, request)
    can_see_workers = request.user.has_perm("core.view_workerheartbeat")
    return {
        "dashboard_sections": [
            (SECTION_TITLES.get(name, name), figures) for name, figures in sections.items() if figures
        ],
        "dashboard_workers": workers_seen() if can_see_workers else None,
        "dashboard_workers_url": reverse("admin:core_workerheartbeat_changelist", current_app=site.name)
        if can_see_workers
        else "",
        "dashboard_tasks_eager": bool(settings.CELERY_TASK_ALWAYS_EAGER),
    }
