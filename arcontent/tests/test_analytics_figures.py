"""Figures from the roll-ups, the period rules, and the cache in front of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from arcontent.analytics.cache import figures_cached, totals_cached
from arcontent.analytics.figures import Share, figures_for, totals_for
from arcontent.analytics.periods import Period, period_from_query, period_last
from arcontent.analytics.rollups import company_sums_rebuild, rollup_rebuild
from arcontent.models import ARContent, DailyViewStat
from arcontent.tests.analytics_factories import at, make_session, make_sessions
from arcontent.tests.factories import make_content
from companies.models import Company
from projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoped")]

WEEK = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 7), 7)


def stat(content: ARContent, day: dt.date, **fields: Any) -> DailyViewStat:
    values = {"device_type": "mobile", "os": "Android", "browser": "Chrome Mobile", "views": 1, **fields}
    row = DailyViewStat.objects.create(
        company_id=content.company_id, project_id=content.project_id, content=content, day=day, **values
    )
    company_sums_rebuild(company=content.company, first=day, last=day)  # as a roll-up would
    return row


def test_every_day_of_the_period_is_listed_with_zeros(company: Company) -> None:
    content = make_content(company)
    make_sessions(content, 3, started_at=at("2026-03-02 09:00"), video_played=True, duration_seconds=10)
    make_session(content, started_at=at("2026-03-05 09:00"), visitor_hash="v" * 32)
    make_session(content, started_at=at("2026-03-05 10:00"), visitor_hash="v" * 32, duration_seconds=25)
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)

    figures = figures_for(company=company, period=WEEK)

    assert [(d.day.day, d.counts.views, d.counts.visitors) for d in figures.daily] == [
        (1, 0, 0), (2, 3, 3), (3, 0, 0), (4, 0, 0), (5, 2, 1), (6, 0, 0), (7, 0, 0),
    ]  # fmt: skip
    totals = figures.totals
    assert (totals.views, totals.visitors, totals.plays, totals.watch_seconds) == (5, 4, 3, 55)
    assert totals.average_watch_seconds == 13.8  # 55 s over the 4 sessions that reported a time
    assert not figures.is_empty


def test_bots_are_left_out_and_counted_apart(company: Company) -> None:
    content = make_content(company)
    stat(content, WEEK.first, views=4, visitors=3)
    stat(content, WEEK.first, device_type="bot", os="", browser="Googlebot", views=7, visitors=1, plays=2)

    figures = figures_for(company=company, period=WEEK)

    assert (figures.totals.views, figures.totals.visitors, figures.totals.plays) == (4, 3, 0)
    assert figures.bot_views == 7
    assert [s.key for s in figures.devices] == ["mobile"]
    assert [s.key for s in figures.browsers] == ["Chrome Mobile"]
    assert figures.top_content is not None
    assert figures.top_content[0].counts.views == 4


def test_breakdowns_rank_values_and_sum_the_long_tail(company: Company) -> None:
    content = make_content(company)
    for n in range(12):
        stat(content, WEEK.first, browser=f"Browser {n:02d}", views=100 - n)
    stat(content, WEEK.last, device_type="tablet", os="", browser="Browser 00", views=50)

    figures = figures_for(company=company, period=WEEK)

    assert figures.devices == [Share("mobile", sum(100 - n for n in range(12))), Share("tablet", 50)]
    assert figures.systems[1] == Share("", 50)  # unknown
    assert figures.browsers[0] == Share("Browser 00", 150)
    assert len(figures.browsers) == 11
    assert figures.browsers[-1] == Share(None, 90 + 89)  # Browser 10 and 11 together


def test_top_content_is_ranked_and_limited_to_the_scope(company: Company) -> None:
    wedding, other = ProjectFactory(company=company, name="Weddings"), ProjectFactory(company=company)
    contents = [make_content(company, project=wedding, customer_name=f"C{n}") for n in range(3)]
    elsewhere = make_content(company, project=other)
    for n, content in enumerate(contents):
        stat(content, WEEK.first, views=10 * (n + 1), watch_seconds=60, watched_sessions=2)
    stat(elsewhere, WEEK.first, views=100)

    everything = figures_for(company=company, period=WEEK)
    weddings = figures_for(company=company, period=WEEK, project=wedding)
    one = figures_for(company=company, period=WEEK, content=contents[0])

    assert everything.top_content is not None
    assert [r.order_number for r in everything.top_content] == [
        elsewhere.order_number, contents[2].order_number, contents[1].order_number, contents[0].order_number,
    ]  # fmt: skip
    assert weddings.top_content is not None
    assert [(r.customer_name, r.project_name, r.counts.views) for r in weddings.top_content] == [
        ("C2", "Weddings", 30), ("C1", "Weddings", 20), ("C0", "Weddings", 10),
    ]  # fmt: skip
    assert weddings.top_content[0].counts.average_watch_seconds == 30.0
    assert weddings.totals.views == 60
    assert one.top_content is None
    assert one.totals.views == 10


def test_days_outside_the_period_and_other_companies_do_not_count(
    company: Company, other_company: Company
) -> None:
    from arvlite.core.tenancy import company_scope

    content = make_content(company)
    stat(content, WEEK.first - dt.timedelta(days=1), views=5)
    stat(content, WEEK.last + dt.timedelta(days=1), views=5)
    with company_scope(other_company):
        stat(make_content(other_company), WEEK.first, views=9)

    figures = figures_for(company=company, period=WEEK)

    assert figures.is_empty
    assert figures.totals.views == 0
    assert figures.top_content == []
    assert totals_for(company=company, period=WEEK).views == 0


def test_figures_take_a_fixed_number_of_queries(company: Company, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        content = make_content(company)
        for day in WEEK.dates():
            stat(content, day, views=2)
    # savepoint + SET LOCAL work_mem + grouped series + top content (+ its rows) + release
    with django_assert_max_num_queries(6):
        figures = figures_for(company=company, period=WEEK)
    assert figures.totals.views == 42


def test_cached_figures_change_when_a_roll_up_runs(company: Company) -> None:
    content = make_content(company)
    make_session(content, started_at=at("2026-03-02 09:00"))
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
    assert figures_cached(company=company, period=WEEK).totals.views == 1
    assert totals_cached(company=company, period=WEEK).views == 1

    make_session(content, started_at=at("2026-03-03 09:00"))
    assert figures_cached(company=company, period=WEEK).totals.views == 1  # until the next roll-up

    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
    assert figures_cached(company=company, period=WEEK).totals.views == 2
    assert totals_cached(company=company, period=WEEK).views == 2
    assert figures_cached(company=company, period=WEEK, content=content).totals.views == 2


# --- periods -----------------------------------------------------------------------------


def test_presets_and_the_default_end_today_in_the_company_time_zone(company: Company) -> None:
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date()
    assert period_from_query(company=company, query={}) == Period(today - dt.timedelta(days=29), today, 30)
    week = period_from_query(company=company, query={"range": "7"})
    assert (week.first, week.last, week.days, week.preset) == (today - dt.timedelta(days=6), today, 7, 7)
    assert period_last(company=company, days=90).days == 90


def test_a_custom_range_may_be_up_to_366_days(company: Company) -> None:
    period = period_from_query(company=company, query={"from": "2025-03-01", "to": "2026-03-01"})
    assert (period.days, period.preset) == (366, None)
    assert period_from_query(company=company, query={"from": "2026-03-01", "to": "2026-03-01"}).days == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"range": "14"}, "range", "Choose a range of 7, 30 or 90 days."),
        ({"range": "abc"}, "range", "Choose a range of 7, 30 or 90 days."),
        ({"from": "2026-03-01"}, "to", "Give the last day too."),
        ({"to": "2026-03-01"}, "from", "Give the first day too."),
        ({"from": "01.03.2026", "to": "2026-03-01"}, "from", "Enter a real date as YYYY-MM-DD."),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from", "Enter a real date as YYYY-MM-DD."),
        ({"from": "2026-03-01", "to": "20260302"}, "to", "Enter a real date as YYYY-MM-DD."),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to", "The last day is before the first day."),
        ({"from": "2025-03-01", "to": "2026-03-02"}, "to", "A range can be at most 366 days long."),
        ({"range": "7", "from": "2026-03-01"}, None, "Give either range or from and to, not both."),
    ],
)
def test_bad_periods_are_refused_with_a_reason(
    company: Company, query: dict[str, str], field: str | None, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        period_from_query(company=company, query=query)
    assert refused.value.messages == [message]
    if field is not None:
        assert refused.value.message_dict == {field: [message]}


def test_the_roll_up_task_computes_the_company_figures_ahead(
    company: Company, django_assert_num_queries: Any
) -> None:
    from django.utils import timezone

    from arcontent.analytics.tasks import rollup_views

    make_session(make_content(company), started_at=timezone.now())
    rollup_views.delay(company_id=company.pk)

    with django_assert_num_queries(0):
        month = figures_cached(company=company, period=period_last(company=company, days=30))
        cards = totals_cached(company=company, period=period_last(company=company, days=30))
    assert (month.totals.views, cards.views) == (1, 1)


def test_a_roll_up_that_changes_nothing_keeps_the_cached_figures(
    company: Company, django_assert_num_queries: Any
) -> None:
    make_session(make_content(company), started_at=at("2026-03-02 09:00"))
    rollup_rebuild(company=company, first=WEEK.first, last=WEEK.last)
    figures_cached(company=company, period=WEEK)

    rollup_rebuild(company=company, first=dt.date(2026, 1, 1), last=dt.date(2026, 1, 1))  # nothing there

    with django_assert_num_queries(0):
        assert figures_cached(company=company, period=WEEK).totals.views == 1
