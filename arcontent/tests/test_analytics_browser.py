"""The analytics page in Chromium: analytics.js draws every chart from the embedded data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from arcontent.analytics.rollups import rollup_recent
from arcontent.tests.analytics_factories import make_session, make_sessions
from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["chart-daily", "chart-devices", "chart-os", "chart-browsers"]


def test_the_charts_are_drawn(page: Any) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.VIEWER)
    with company_scope(company):
        content = make_content(company)
        for days_ago in range(5):
            started = timezone.now() - dt.timedelta(days=days_ago)
            make_sessions(content, days_ago + 1, started_at=started, video_played=True, duration_seconds=15)
        make_session(
            content, started_at=timezone.now(), device_type="tablet", os="iOS", browser="Mobile Safari"
        )
        rollup_recent(company=company, days=7)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    page.goto("/c/sunny/analytics/?range=7")

    page.wait_for_function("() => window.Chart && Chart.getChart('chart-browsers') !== undefined")
    drawn = page.evaluate(f"() => {CHARTS}.map(id => Chart.getChart(id).data.datasets[0].data)")
    assert drawn[0][-1] == 2  # today: one phone and one tablet
    assert sum(drawn[0]) == 16
    assert drawn[1] == [15, 1]  # phones, tablets
    assert errors == []
