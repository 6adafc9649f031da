"""Roll-ups: view sessions → DailyViewStat, per local day, rebuilt atomically."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from arcontent.analytics.dialect import take_rebuild_turn
from arcontent.analytics.rollups import rollup_rebuild, rollup_recent
from arcontent.analytics.tasks import rollup_views
from arcontent.models import ARContent, DailyViewStat
from arcontent.tests.analytics_factories import at, make_session, make_sessions
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoped")]

MARCH_1 = dt.date(2026, 3, 1)
MARCH_2 = dt.date(2026, 3, 2)


COLUMNS = [
    "day",
    "device_type",
    "os",
    "browser",
    "views",
    "visitors",
    "plays",
    "watch_seconds",
    "watched_sessions",
]


def rows(**filters: Any) -> list[tuple[Any, ...]]:
    with scopes_disabled():
        stats = DailyViewStat.objects.filter(**filters).order_by("content_id", "day", "device_type", "os")
        return list(stats.values_list(*COLUMNS))


def test_it_counts_views_visitors_plays_and_watch_time(company: Company) -> None:
    content = make_content(company)
    noon = at("2026-03-01 09:00")
    make_session(content, started_at=noon, visitor_hash="a" * 32, video_played=True, duration_seconds=20)
    make_session(content, started_at=noon, visitor_hash="a" * 32)
    make_session(content, started_at=noon, visitor_hash="b" * 32, video_played=True)
    make_session(content, started_at=noon, visitor_hash="")  # no hash: a view, not a visitor
    # Only session events arrived (no manifest seen): not a view, but it played and was watched.
    make_session(content, started_at=noon, visitor_hash="c" * 32, counted_view=False,
                 video_played=True, duration_seconds=30)  # fmt: skip

    assert rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1) == 1
    assert rows() == [(MARCH_1, "mobile", "Android", "Chrome Mobile", 4, 2, 3, 50, 2)]
    with scopes_disabled():
        stat = DailyViewStat.objects.get()
    assert (stat.company_id, stat.project_id, stat.content_id) == (company.pk, content.project_id, content.pk)


def test_it_keeps_one_row_per_device_os_and_browser(company: Company) -> None:
    content = make_content(company)
    moment = at("2026-03-01 09:00")
    make_sessions(content, 2, started_at=moment)
    make_session(content, started_at=moment, device_type="tablet", os="iOS", browser="Mobile Safari")
    make_session(content, started_at=moment, os="Android 14", browser="ARVlite", source="app")

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)

    assert [(r[1], r[2], r[3], r[4]) for r in rows()] == [
        ("mobile", "Android", "Chrome Mobile", 2),
        ("mobile", "Android 14", "ARVlite", 1),
        ("tablet", "iOS", "Mobile Safari", 1),
    ]


def test_days_are_the_company_local_days(company: Company) -> None:
    content = make_content(company)  # Europe/Moscow, UTC+3
    make_session(content, started_at=at("2026-03-01 20:59"))  # 23:59 on the 1st in Moscow
    make_session(content, started_at=at("2026-03-01 21:00"))  # 00:00 on the 2nd in Moscow
    make_session(content, started_at=at("2026-02-28 21:00"))  # 00:00 on the 1st in Moscow
    make_session(content, started_at=at("2026-03-02 04:59"))  # 07:59 on the 2nd in Moscow

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_2)
    assert [(r[0], r[4]) for r in rows()] == [(MARCH_1, 2), (MARCH_2, 2)]

    company.time_zone = "America/New_York"  # UTC-5: the last three are all on March 1st there
    company.save()
    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_2)
    assert [(r[0], r[4]) for r in rows()] == [(MARCH_1, 3)]


def test_a_rebuild_replaces_only_its_days_and_is_idempotent(company: Company) -> None:
    content = make_content(company)
    first_day = make_session(content, started_at=at("2026-03-01 09:00"))
    make_sessions(content, 2, started_at=at("2026-03-02 09:00"))
    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_2)
    before = rows()

    assert rollup_rebuild(company=company, first=MARCH_1, last=MARCH_2) == 2
    assert rows() == before

    first_day.delete()
    make_session(content, started_at=at("2026-03-02 10:00"))
    rollup_rebuild(company=company, first=MARCH_2, last=MARCH_2)
    assert [(r[0], r[4]) for r in rows()] == [(MARCH_1, 1), (MARCH_2, 3)]  # the 1st was not rebuilt

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)
    assert [(r[0], r[4]) for r in rows()] == [(MARCH_2, 3)]  # a day without sessions has no rows


def test_bots_are_kept_as_their_own_device_type(company: Company) -> None:
    content = make_content(company)
    make_session(content, started_at=at("2026-03-01 09:00"), device_type="bot", os="", browser="Googlebot")
    make_session(content, started_at=at("2026-03-01 09:00"))

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)

    assert [(r[1], r[4]) for r in rows()] == [("bot", 1), ("mobile", 1)]


def test_another_company_sessions_are_never_rolled_up_into_ours(
    company: Company, other_company: Company
) -> None:
    ours = make_content(company)
    with company_scope(other_company):
        theirs = make_content(other_company)
        make_sessions(theirs, 3, started_at=at("2026-03-01 09:00"))
    make_session(ours, started_at=at("2026-03-01 09:00"))

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)

    assert [r[4] for r in rows(company=company)] == [1]
    assert rows(company=other_company) == []


def test_a_moved_content_is_counted_in_its_current_project(company: Company) -> None:
    from projects.tests.factories import ProjectFactory

    content = make_content(company)
    make_session(content, started_at=at("2026-03-01 09:00"))
    new_project = ProjectFactory(company=company)
    ARContent.objects.filter(pk=content.pk).update(project=new_project)

    rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)

    with scopes_disabled():
        assert DailyViewStat.objects.get().project_id == new_project.pk


def test_the_range_is_checked(company: Company) -> None:
    with pytest.raises(ValueError, match="before"):
        rollup_rebuild(company=company, first=MARCH_2, last=MARCH_1)
    with pytest.raises(ValueError, match="366"):
        rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1 + dt.timedelta(days=366))
    with pytest.raises(ValueError, match="days"):
        rollup_recent(company=company, days=0)


def test_the_periodic_task_rolls_up_today_and_yesterday_of_active_companies(
    company: Company, other_company: Company
) -> None:
    from django.utils import timezone

    content = make_content(company)
    make_session(content, started_at=timezone.now())
    make_session(content, started_at=timezone.now() - dt.timedelta(days=1))
    make_session(content, started_at=timezone.now() - dt.timedelta(days=3))  # outside the window
    with company_scope(other_company):
        theirs = make_content(other_company)
        make_session(theirs, started_at=timezone.now())
    other_company.status = Company.Status.DEACTIVATED
    other_company.save()

    assert rollup_views.delay().get() == 2

    assert sum(r[4] for r in rows(company=company)) == 2
    assert rows(company=other_company) == []
    assert rollup_views.delay(company_id=other_company.pk, days=3).get() == 0


def test_the_command_rebuilds_n_days_of_one_or_every_company(company: Company) -> None:
    from django.utils import timezone

    content = make_content(company)
    make_session(content, started_at=timezone.now() - dt.timedelta(days=4))
    out = StringIO()

    call_command("rollup_views", "--days", "2", stdout=out)
    assert rows() == []
    call_command("rollup_views", "--days", "6", "--company", company.slug, stdout=out)
    assert [r[4] for r in rows()] == [1]
    assert f"{company.slug}: " in out.getvalue()

    with pytest.raises(CommandError, match="between 1 and 366"):
        call_command("rollup_views", "--days", "0")
    with pytest.raises(CommandError, match="No company"):
        call_command("rollup_views", "--company", "nobody")


@pytest.mark.django_db(transaction=True)
def test_a_scan_through_the_viewer_api_ends_up_in_the_roll_up(company: Company) -> None:
    from django.utils import timezone

    from arcontent.viewer.flush import flush
    from videos.tests.factories import make_video

    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                               expires_at=timezone.now() + dt.timedelta(days=365))  # fmt: skip
        make_video(content)
    phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
    for _ in range(2):
        response = Client().get(f"/api/viewer/ar/{content.unique_id}/manifest", HTTP_USER_AGENT=phone)
        assert response.status_code == 200
    flush()

    rollup_recent(company=company, days=1)

    # Two views by one visitor (same address and browser), classified from the User-Agent.
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rows()] == [("mobile", "Android", "Chrome", 2, 1)]


def _rebuild_in_thread(company: Company, finished: threading.Event) -> threading.Thread:
    def run() -> None:
        try:
            rollup_rebuild(company=company, first=MARCH_1, last=MARCH_1)
            finished.set()
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_waits_for_another_rebuild_of_the_same_company(
    company: Company, other_company: Company
) -> None:
    content = make_content(company)
    make_sessions(content, 2, started_at=at("2026-03-01 09:00"))
    holding, release = threading.Event(), threading.Event()

    def hold_the_turn() -> None:  # what a first rebuild holds from its start to its commit
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                take_rebuild_turn(cursor, company.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    assert holding.wait(10)
    ours, theirs = threading.Event(), threading.Event()
    waiting = _rebuild_in_thread(company, ours)
    other = _rebuild_in_thread(other_company, theirs)

    assert theirs.wait(10)  # another company's rebuild has its own turn
    assert not ours.wait(1.0)  # ours waits while the first one is in its transaction
    assert rows(company=company) == []
    release.set()
    holder.join(10)
    waiting.join(10)
    other.join(10)

    assert ours.is_set()
    assert [r[4] for r in rows(company=company)] == [2]
