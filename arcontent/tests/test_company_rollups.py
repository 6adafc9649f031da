"""The company-wide roll-ups (DailyCompanyStat, DailyContentTotal): DailyViewStat summed in
the same rebuild, read by the company's figures instead of one row per content and agent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from arcontent.analytics.figures import figures_for, totals_for
from arcontent.analytics.periods import Period
from arcontent.analytics.rollups import rollup_rebuild
from arcontent.models import ARContent, DailyCompanyStat, DailyContentTotal, DailyViewStat, ViewSession
from arcontent.tests.analytics_factories import at, make_session, make_sessions
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company
from projects.tests.factories import ProjectFactory

WEEK = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 7), 7)


def _scans(company: Company) -> list[ARContent]:
    """Scans of three contents in two projects over three days, by phones, a tablet and a bot."""
    weddings, portraits = ProjectFactory(company=company), ProjectFactory(company=company)
    contents = [make_content(company, project=p) for p in (weddings, weddings, portraits)]
    for n, content in enumerate(contents):
        make_sessions(
            content, n + 1, started_at=at("2026-03-02 09:00"), video_played=True, duration_seconds=8
        )
        make_session(content, started_at=at("2026-03-04 12:00"), device_type=ViewSession.Device.TABLET,
                     os="iOS", browser="Safari", duration_seconds=20)  # fmt: skip
        make_session(content, started_at=at("2026-03-06 03:00"), device_type=ViewSession.Device.BOT, os="",
                     browser="Googlebot")  # fmt: skip
    return contents


@pytest.mark.django_db
@pytest.mark.usefixtures("scoped")
def test_the_company_figures_equal_the_per_content_rows_and_do_not_read_them(company: Company) -> None:
    contents = _scans(company)
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)

    with CaptureQueriesContext(connection) as captured:
        everything = figures_for(company=company, period=WEEK)
    assert not any("arcontent_dailyviewstat" in q["sql"] for q in captured.captured_queries)

    # The same figures as the sum of the projects' (which still read the per-content rows).
    projects = [figures_for(company=company, period=WEEK, project=p) for p in {c.project for c in contents}]
    for name in ("views", "visitors", "plays", "watch_seconds", "watched_sessions"):
        assert getattr(everything.totals, name) == sum(getattr(f.totals, name) for f in projects), name
    assert everything.totals.views == 9  # 6 by phone + 3 by tablet; the bots apart
    assert everything.bot_views == 3
    assert [(d.day.day, d.counts.views) for d in everything.daily if d.counts.views] == [(2, 6), (4, 3)]
    assert {s.key: s.views for s in everything.devices} == {"mobile": 6, "tablet": 3}
    assert everything.top_content is not None
    assert [r.order_number for r in everything.top_content] == [c.order_number for c in reversed(contents)]
    assert totals_for(company=company, period=WEEK) == everything.totals

    # One row per day and agent, whatever the number of contents; totals per content and day.
    assert DailyCompanyStat.objects.count() == 3
    assert DailyContentTotal.objects.count() == 6  # 3 contents x 2 days with people
    summed = DailyViewStat.objects.aggregate(views=Sum("views"))["views"]
    assert DailyCompanyStat.objects.aggregate(views=Sum("views"))["views"] == summed


@pytest.mark.django_db
@pytest.mark.usefixtures("scoped")
def test_a_rebuild_of_some_days_leaves_the_other_days_rows_alone(company: Company) -> None:
    content = _scans(company)[0]
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
    kept = set(DailyCompanyStat.objects.exclude(day=dt.date(2026, 3, 4)).values_list("pk", flat=True))

    make_sessions(content, 2, started_at=at("2026-03-04 13:00"), device_type=ViewSession.Device.TABLET,
                  os="iOS", browser="Safari")  # fmt: skip
    rollup_rebuild(company=company, first=dt.date(2026, 3, 4), last=dt.date(2026, 3, 4))

    assert set(DailyCompanyStat.objects.exclude(day=dt.date(2026, 3, 4)).values_list("pk", flat=True)) == kept
    assert DailyCompanyStat.objects.get(day=dt.date(2026, 3, 4)).views == 5
    assert figures_for(company=company, period=WEEK).totals.views == 11
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)  # again: the same rows
    assert figures_for(company=company, period=WEEK).totals.views == 11
    assert DailyCompanyStat.objects.count() == 3


@pytest.mark.django_db
def test_another_companys_scans_stay_out(company: Company, other_company: Company) -> None:
    with company_scope(other_company):
        _scans(other_company)
        rollup_rebuild(company=other_company, first=WEEK.first, last=WEEK.last)
    with company_scope(company):
        rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
        assert figures_for(company=company, period=WEEK).is_empty
        assert not DailyCompanyStat.objects.exists()
    with scopes_disabled():  # this company's rebuild removed none of the other's rows
        assert DailyCompanyStat.objects.filter(company=other_company).count() == 3
        assert DailyContentTotal.objects.filter(company=other_company).count() == 6


@pytest.mark.django_db(transaction=True)
def test_deleted_content_leaves_the_company_figures_once_the_delete_commits(company: Company) -> None:
    from arcontent.services import content_delete

    with company_scope(company):
        contents = _scans(company)
        rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
        assert figures_for(company=company, period=WEEK).totals.views == 9
        gone = ARContent.objects.get(pk=contents[2].pk)
        ARContent.objects.filter(pk=gone.pk).update(status=ARContent.Status.PAUSED)
        gone.refresh_from_db()
        with transaction.atomic():
            content_delete(content=gone, actor=None)

        after = figures_for(company=company, period=WEEK)
        assert after.totals.views == 5  # 3 + 2 by the contents left
        projects = {c.project for c in contents[:2]}
        assert after.totals.views == sum(figures_for(company=company, period=WEEK, project=p).totals.views
                                         for p in projects)  # fmt: skip
        assert after.top_content is not None
        assert gone.order_number not in [r.order_number for r in after.top_content]


@pytest.mark.django_db(transaction=True)
def test_the_migration_sums_the_days_rolled_up_before_it(company: Company) -> None:
    with company_scope(company):
        _scans(company)
        rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
    executor = MigrationExecutor(connection)
    executor.migrate([("arcontent", "0006_video_analytics")])  # the company-wide tables go
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    with scopes_disabled():
        assert DailyCompanyStat.objects.count() == 3
        assert DailyContentTotal.objects.count() == 6
    with company_scope(company):
        assert figures_for(company=company, period=WEEK).totals.views == 9
