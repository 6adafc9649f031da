"""Analytics portal pages, the dashboard cards, the links to them, and the admin."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arcontent.analytics.rollups import rollup_recent
from arcontent.analytics.tasks import rollup_views
from arcontent.models import ARContent, DailyViewStat, ViewSession
from arcontent.tests.analytics_factories import make_session, make_sessions
from arcontent.tests.factories import make_content
from arvlite.core.estimated_count import EstimatedCountPaginator
from arvlite.core.tenancy import company_scope
from companies.models import Company, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned(company: Company) -> ARContent:
    content = make_content(company, customer_name="Maria")
    make_sessions(content, 3, started_at=timezone.now(), video_played=True, duration_seconds=42)
    make_session(content, started_at=timezone.now(), device_type="tablet", os="iOS", browser="Mobile Safari")
    make_session(content, started_at=timezone.now(), device_type="bot", os="", browser="Googlebot")
    rollup_recent(company=company, days=2)
    return content


def chart_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="analytics-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_the_company_page_shows_cards_charts_tables_and_top_content(
    client: Client, company: Company, viewer: User, scanned: ARContent
) -> None:
    client.force_login(viewer)
    response = client.get(f"/c/{company.slug}/analytics/?range=7")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="analytics-charts"' in html
    assert re.search(r'data-testid="total-views">\s*4<', html)
    assert re.search(r'data-testid="average-watch">\s*42 s<', html)
    assert "1 scan by bots is not counted." in html
    assert 'href="?range=7" class="range-link" aria-current="true"' in html
    assert "vendor/chartjs/chart-4.6.1.umd.min.js" in html
    assert "js/analytics.js" in html
    data = chart_data(html)
    assert len(data["days"]) == 7
    assert data["views"][-1] == 4
    assert data["devices"] == {"labels": ["Phone", "Tablet"], "values": [3, 1]}
    assert data["names"] == {"views": "Views", "visitors": "Unique visitors"}
    top = html.split('data-testid="top-content"')[1]
    assert scanned.order_number in top
    assert "Maria" in top
    assert f"/c/{company.slug}/content/{scanned.unique_id}/analytics/" in top
    assert f"/api/v1/companies/{company.slug}/analytics/?from=" in html
    assert "format=csv" in html


def test_an_empty_period_shows_an_empty_state_without_charts(
    client: Client, company: Company, viewer: User
) -> None:
    client.force_login(viewer)
    html = client.get(f"/c/{company.slug}/analytics/").content.decode()

    assert 'data-testid="analytics-empty"' in html
    assert "No views in this period yet" in html
    assert "analytics-data" not in html
    assert "chartjs" not in html
    assert re.search(r'data-testid="average-watch">\s*—<', html)


def test_a_bad_custom_range_shows_why_and_the_last_30_days(
    client: Client, company: Company, viewer: User, scanned: ARContent
) -> None:
    client.force_login(viewer)
    response = client.get(f"/c/{company.slug}/analytics/?from=2026-03-05&to=2026-03-01")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The last day is before the first day." in html.split('data-testid="period-errors"')[1]
    assert len(chart_data(html)["days"]) == 30
    assert 'value="2026-03-05"' in html  # the input keeps what was typed


def test_a_custom_range_is_shown(client: Client, company: Company, viewer: User, scanned: ARContent) -> None:
    client.force_login(viewer)
    today = timezone.localdate()
    first = today - dt.timedelta(days=11)
    html = client.get(f"/c/{company.slug}/analytics/?from={first}&to={today}").content.decode()
    assert len(chart_data(html)["days"]) == 12
    assert "aria-current" not in html.split('data-testid="range-selector"')[1].split("</nav>")[0]


def test_project_and_content_pages(
    client: Client, company: Company, viewer: User, scanned: ARContent
) -> None:
    client.force_login(viewer)
    project_html = client.get(f"/c/{company.slug}/projects/{scanned.project_id}/analytics/").content.decode()
    content_html = client.get(f"/c/{company.slug}/content/{scanned.unique_id}/analytics/").content.decode()

    assert f'href="/c/{company.slug}/projects/{scanned.project_id}/"' in project_html
    assert 'data-testid="top-content"' in project_html
    assert f'href="/c/{company.slug}/content/{scanned.unique_id}/"' in content_html
    assert 'data-testid="top-content"' not in content_html
    assert 'data-testid="analytics-charts"' in content_html
    assert f"/ar-content/{scanned.unique_id}/analytics/?from=" in content_html


def test_another_company_content_and_projects_are_not_found(
    client: Client, company: Company, other_company: Company, owner: User
) -> None:
    with company_scope(other_company):
        theirs = make_content(other_company)
    client.force_login(owner)
    assert client.get(f"/c/{company.slug}/content/{theirs.unique_id}/analytics/").status_code == 404
    assert client.get(f"/c/{company.slug}/projects/{theirs.project_id}/analytics/").status_code == 404


def test_the_dashboard_shows_the_last_30_days(
    client: Client, company: Company, viewer: User, scanned: ARContent
) -> None:
    client.force_login(viewer)
    html = client.get(f"/c/{company.slug}/").content.decode()

    cards = html.split('data-testid="dashboard-analytics"')[1]
    assert re.search(r'data-testid="total-views">\s*4<', cards)
    assert re.search(r'data-testid="total-plays">\s*3<', cards)
    assert f'href="/c/{company.slug}/analytics/"' in cards


def test_content_and_project_pages_link_to_their_analytics(
    client: Client, company: Company, viewer: User, scanned: ARContent
) -> None:
    client.force_login(viewer)
    detail = client.get(f"/c/{company.slug}/content/{scanned.unique_id}/").content.decode()
    project = client.get(f"/c/{company.slug}/projects/{scanned.project_id}/").content.decode()
    assert f'href="/c/{company.slug}/content/{scanned.unique_id}/analytics/"' in detail
    assert f'href="/c/{company.slug}/projects/{scanned.project_id}/analytics/"' in project


def test_the_admin_shows_sessions_and_roll_ups_read_only(client: Client, scanned: ARContent) -> None:
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    sessions = client.get(f"/admin/arcontent/viewsession/?q={scanned.order_number}&device_type__exact=tablet")
    assert sessions.status_code == 200
    assert sessions.context["cl"].result_count == 1
    stats = client.get(f"/admin/arcontent/dailyviewstat/?q={scanned.order_number}")
    assert stats.context["cl"].result_count == 3  # phone, tablet, bot

    assert client.get("/admin/arcontent/viewsession/add/").status_code == 403
    with company_scope(scanned.company):
        session = ViewSession.objects.first()
        stat = DailyViewStat.objects.first()
    assert session is not None
    assert stat is not None
    change = client.get(f"/admin/arcontent/viewsession/{session.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert (
        client.post(f"/admin/arcontent/dailyviewstat/{stat.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_the_session_list_takes_the_planners_estimate_instead_of_counting_rows(
    client: Client, scanned: ARContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over millions of sessions a COUNT(*) per page view reads the whole table: the count
    stops at ``exact_below`` rows and the planner's estimate is taken beyond."""
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    with company_scope(scanned.company):
        rows = ViewSession.objects.count()
    assert rows > 2
    assert client.get("/admin/arcontent/viewsession/").context["cl"].result_count == rows  # few: exact

    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 2)  # as if the table were huge
    with CaptureQueriesContext(connection) as large:
        estimated = client.get("/admin/arcontent/viewsession/")
    assert estimated.status_code == 200
    counts = [
        q["sql"]
        for q in large.captured_queries
        if "COUNT(" in q["sql"] and "arcontent_viewsession" in q["sql"]
    ]
    assert counts
    assert all("LIMIT 2" in sql for sql in counts)
    assert any(q["sql"].startswith("EXPLAIN") for q in large.captured_queries)
    assert estimated.context["cl"].result_count >= 2

    # A filter matching fewer rows than the limit is counted exactly, whatever the planner says.
    one = client.get("/admin/arcontent/viewsession/?device_type__exact=tablet")
    assert one.context["cl"].result_count == 1


def test_the_estimate_of_a_filter_that_matches_nothing_is_zero(db: None) -> None:
    from arvlite.core.estimated_count import planner_estimate
    from arvlite.core.tenancy import scopes_disabled

    with scopes_disabled():
        assert planner_estimate(ViewSession.objects.filter(pk__in=[])) == 0
        assert isinstance(planner_estimate(ViewSession.objects.all()), int)  # PostgreSQL answers


@pytest.mark.django_db(transaction=True)
def test_scans_made_through_the_viewer_show_on_the_analytics_page(company: Company, viewer: User) -> None:
    """End to end: three scans by two phones → the periodic flush and roll-up tasks → the page."""
    from arcontent.viewer.tasks import flush_views
    from videos.tests.factories import make_video

    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                               expires_at=timezone.now() + dt.timedelta(days=30))  # fmt: skip
        make_video(content)
    for address in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
        scan = Client(
            REMOTE_ADDR=address,
            HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1",
        )
        assert scan.get(f"/api/viewer/ar/{content.unique_id}/manifest").status_code == 200
    assert flush_views.delay().get() == 3
    rollup_views.delay(company_id=company.pk).get()

    client = Client()
    client.force_login(viewer)
    html = client.get(f"/c/{company.slug}/analytics/?range=7").content.decode()
    assert re.search(r'data-testid="total-views">\s*3<', html)
    assert re.search(r'data-testid="total-visitors">\s*2<', html)  # two addresses, one phone each
