"""Analytics where no beat runs (the embedded run): pages roll the latest scans up
themselves, and the demo company starts with a month of scans."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from arcontent.analytics.demo_history import demo_history
from arcontent.models import ARContent, DailyViewStat, ViewSession
from arcontent.tests.analytics_factories import make_session
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User

pytestmark = pytest.mark.django_db


def page_views(client: Client, company: Company) -> int:
    answer = client.get(f"/api/v1/companies/{company.slug}/analytics/", {"days": 7})
    assert answer.status_code == 200, answer.content
    return int(answer.json()["totals"]["views"])


def test_without_beat_a_new_scan_shows_on_the_next_look(
    company: Company, owner: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import timezone

    client = Client()
    client.force_login(owner)
    with company_scope(company):
        content = make_content(company)
    settings.ANALYTICS_ROLLUP_ON_READ_SECONDS = 0  # production: only the periodic task rolls up
    with scopes_disabled():
        make_session(content, started_at=timezone.now())
    assert page_views(client, company) == 0
    settings.ANALYTICS_ROLLUP_ON_READ_SECONDS = 60  # the embedded run
    assert page_views(client, company) == 1
    with scopes_disabled():
        make_session(content, started_at=timezone.now())
    assert page_views(client, company) == 1  # within the minute: the figures stand
    cache.delete(f"analytics:rolled-on-read:{company.pk}")  # the minute has passed
    assert page_views(client, company) == 2
    assert client.get(f"/c/{company.slug}/analytics/").status_code == 200


def test_the_demo_company_gets_a_month_of_scans_once(company: Company) -> None:
    with company_scope(company):
        contents = [make_content(company, status=ARContent.Status.ACTIVE) for _ in range(3)]
    assert all(c.status == ARContent.Status.ACTIVE for c in contents)
    scans = demo_history(company)
    assert scans > 30
    with scopes_disabled():
        sessions = ViewSession.objects.filter(company=company)
        assert sessions.count() == scans
        assert sessions.filter(counted_view=True).count() == scans
        assert sessions.filter(duration_seconds__gt=0).count() == scans  # the end reports joined their scans
        assert sessions.values("device_type").distinct().count() >= 2
        rolled = sum(DailyViewStat.objects.filter(company=company).values_list("views", flat=True))
        days = DailyViewStat.objects.filter(company=company).values("day").distinct().count()
    assert rolled == scans
    assert days >= 20
    counts = {c.pk: c for c in ARContent.objects.with_scopes_disabled().filter(company=company)}
    assert sum(c.view_count for c in counts.values()) == scans
    assert demo_history(company) == 0  # once
