"""Which video plays (videos/selection.py): every step of the order by example, then properties.

Pure functions: no database, no fixtures beyond the root conftest's autouse ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from videos.selection import (
    CYCLE_EPOCH,
    DateRule,
    PlaybackState,
    RotationRule,
    Schedule,
    Selection,
    VideoOption,
    calendar,
    select_video,
)

MOSCOW = "Europe/Moscow"  # UTC+3 all year
NEW_YORK = "America/New_York"  # falls back from EDT to EST on 3 November 2024, 02:00
NOON = datetime(2024, 6, 15, 12, tzinfo=ZoneInfo(MOSCOW))  # a Saturday
MANUAL = PlaybackState(mode="manual", active_video_id=None, scan_index=0)


def video(id: int, order: int | None = None, **changes: Any) -> VideoOption:
    fields: dict[str, Any] = {"ready": True, "enabled": True, "end_date": None, "weight": 1, **changes}
    return VideoOption(id=id, order=id if order is None else order, **fields)


def at(text: str) -> datetime:
    """An aware datetime from ISO text with an offset, e.g. "2024-06-15T12:00+03:00"."""
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None
    return moment


def window(id: int, video_id: int, starts: str, ends: str) -> Schedule:
    return Schedule(id=id, video_id=video_id, starts_at=at(starts), ends_at=at(ends))


THREE = (video(1), video(2), video(3))


def pick(**changes: Any) -> Selection | None:
    arguments: dict[str, Any] = {
        "content_id": 1,
        "now": NOON,
        "time_zone": MOSCOW,
        "videos": THREE,
        "schedules": (),
        "rule": None,
        "playback": MANUAL,
        "content_expires_at": None,
        **changes,
    }
    return select_video(**arguments)


def picked(**changes: Any) -> Selection:
    selection = pick(**changes)
    assert selection is not None
    return selection


def chosen(**changes: Any) -> tuple[int, str] | None:
    selection = pick(**changes)
    return None if selection is None else (selection.video_id, selection.selection_source)


def rotation(
    kind: str, *, default: int | None = None, sequence: tuple[int, ...] = (), dates: Any = ()
) -> RotationRule:
    return RotationRule(kind=kind, default_video_id=default, sequence=sequence, date_rules=tuple(dates))  # type: ignore[arg-type]  # kind: any str on purpose


# --- Inputs are checked -------------------------------------------------------------------------


def test_it_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="now must be an aware datetime"):
        pick(now=datetime(2024, 6, 15, 12))


def test_it_rejects_a_naive_content_expiry() -> None:
    with pytest.raises(ValueError, match="content_expires_at must be an aware datetime"):
        pick(content_expires_at=datetime(2025, 1, 1))


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "../etc/passwd", ""])
def test_it_rejects_an_unknown_time_zone(time_zone: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        pick(time_zone=time_zone)


def test_it_rejects_a_naive_schedule() -> None:
    with pytest.raises(ValueError, match="schedule 4: starts_at must be an aware datetime"):
        Schedule(id=4, video_id=1, starts_at=datetime(2024, 6, 15), ends_at=at("2024-06-16T00:00+03:00"))


def test_it_stores_schedule_windows_in_utc_as_the_same_instants() -> None:
    schedule = window(1, 1, "2024-06-15T10:00+03:00", "2024-06-15T11:00+03:00")

    assert schedule.starts_at == datetime(2024, 6, 15, 7, tzinfo=UTC)
    assert schedule.starts_at.tzinfo is UTC
    assert schedule.ends_at == at("2024-06-15T11:00+03:00")


@pytest.mark.parametrize(
    ("month", "day", "year"), [(4, 31, None), (2, 30, None), (13, 1, None), (2, 29, 2023)]
)
def test_it_rejects_a_date_rule_that_can_never_happen(month: int, day: int, year: int | None) -> None:
    with pytest.raises(ValueError, match="impossible date"):
        DateRule(video_id=1, month=month, day=day, year=year)


def test_it_rejects_an_unknown_rotation_kind() -> None:
    with pytest.raises(ValueError, match="unknown rotation kind 'hourly'"):
        rotation("hourly")


def test_rotation_rule_keeps_tuples_when_given_lists() -> None:
    rule = RotationRule(kind="daily_cycle", default_video_id=None, sequence=[1, 2], date_rules=[])  # type: ignore[arg-type]  # lists on purpose

    assert rule.sequence == (1, 2)
    assert rule.date_rules == ()
    assert hash(rule) == hash(rotation("daily_cycle", sequence=(1, 2)))


def test_it_rejects_an_unknown_playback_mode_and_a_negative_scan_index() -> None:
    with pytest.raises(ValueError, match="unknown playback mode"):
        PlaybackState(mode="shuffle", active_video_id=None, scan_index=0)  # type: ignore[arg-type]  # invalid on purpose
    with pytest.raises(ValueError, match="scan_index must be 0 or more"):
        PlaybackState(mode="cyclic", active_video_id=None, scan_index=-1)


def test_it_rejects_a_negative_weight() -> None:
    with pytest.raises(ValueError, match="weight must be 0 or more"):
        video(1, weight=-1)


# --- Eligibility --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unplayable",
    [
        {"ready": False},
        {"enabled": False},
        {"end_date": date(2024, 6, 14)},
    ],
)
def test_it_never_plays_an_unready_disabled_or_ended_video(unplayable: dict[str, Any]) -> None:
    videos = (video(1, **unplayable), video(2))

    assert chosen(videos=videos, playback=PlaybackState("manual", active_video_id=1)) == (2, "fallback")
    assert chosen(videos=(video(1, **unplayable),)) is None


def test_a_video_ending_today_still_plays_until_local_midnight() -> None:
    videos = (video(1, end_date=date(2024, 6, 15)), video(2))

    assert chosen(videos=videos, now=at("2024-06-15T23:59:59+03:00")) == (1, "fallback")
    assert chosen(videos=videos, now=at("2024-06-16T00:00+03:00")) == (2, "fallback")


def test_the_end_date_is_judged_in_the_company_time_zone() -> None:
    videos = (video(1, end_date=date(2024, 6, 15)), video(2))
    moment = at("2024-06-15T21:30+00:00")  # still the 15th in UTC, already the 16th in Moscow

    assert chosen(videos=videos, now=moment, time_zone="UTC") == (1, "fallback")
    assert chosen(videos=videos, now=moment, time_zone=MOSCOW) == (2, "fallback")


def test_it_returns_none_only_when_nothing_is_eligible() -> None:
    assert pick(videos=()) is None
    assert pick(videos=(video(1, ready=False), video(2, enabled=False))) is None
    assert pick(videos=(video(1, ready=False), video(2, enabled=False), video(3))) is not None


# --- 1. Date rules ------------------------------------------------------------------------------


def test_an_exact_date_rule_plays_on_that_date_only() -> None:
    rule = rotation("none", dates=[DateRule(video_id=3, month=6, day=15, year=2024)])

    assert chosen(rule=rule) == (3, "date_rule")
    assert chosen(rule=rule, now=NOON + timedelta(days=1)) == (1, "fallback")
    assert chosen(rule=rule, now=NOON.replace(year=2025)) == (1, "fallback")


def test_a_yearly_date_rule_plays_every_year() -> None:
    rule = rotation("none", dates=[DateRule(video_id=2, month=6, day=15, year=None)])

    for year in (2019, 2024, 2031):
        assert chosen(rule=rule, now=NOON.replace(year=year)) == (2, "date_rule")
    assert chosen(rule=rule, now=NOON - timedelta(days=1)) == (1, "fallback")


def test_an_exact_date_rule_beats_a_yearly_one_listed_before_it() -> None:
    rule = rotation(
        "none",
        dates=[
            DateRule(video_id=2, month=6, day=15, year=None),
            DateRule(video_id=3, month=6, day=15, year=2024),
        ],
    )

    assert chosen(rule=rule) == (3, "date_rule")


def test_date_rules_of_the_same_kind_tie_by_their_order() -> None:
    yearly = rotation(
        "none",
        dates=[
            DateRule(video_id=3, month=6, day=15, year=None),
            DateRule(video_id=2, month=6, day=15, year=None),
        ],
    )
    exact = rotation(
        "none",
        dates=[
            DateRule(video_id=2, month=6, day=15, year=2024),
            DateRule(video_id=3, month=6, day=15, year=2024),
        ],
    )

    assert chosen(rule=yearly) == (3, "date_rule")
    assert chosen(rule=exact) == (2, "date_rule")


def test_a_date_rule_with_an_ineligible_video_gives_way_to_the_next_rule() -> None:
    rule = rotation(
        "none",
        dates=[
            DateRule(video_id=3, month=6, day=15, year=2024),
            DateRule(video_id=2, month=6, day=15, year=None),
        ],
    )
    videos = (video(1), video(2), video(3, enabled=False))

    assert chosen(rule=rule, videos=videos) == (2, "date_rule")
    assert chosen(rule=rule, videos=(video(1), video(2, ready=False), video(3, ready=False))) == (
        1,
        "fallback",
    )


def test_a_yearly_leap_day_rule_plays_on_28_february_in_common_years() -> None:
    rule = rotation("none", dates=[DateRule(video_id=2, month=2, day=29, year=None)])

    def on(day: date) -> tuple[int, str] | None:
        return chosen(rule=rule, now=datetime.combine(day, time(12), tzinfo=ZoneInfo(MOSCOW)))

    assert on(date(2023, 2, 28)) == (2, "date_rule")
    assert on(date(2023, 3, 1)) == (1, "fallback")
    assert on(date(2024, 2, 28)) == (1, "fallback")  # a leap year has its own 29th
    assert on(date(2024, 2, 29)) == (2, "date_rule")
    assert on(date(2100, 2, 28)) == (2, "date_rule")  # 2100 is not a leap year


def test_an_exact_leap_day_rule_plays_only_on_that_day() -> None:
    rule = rotation("none", dates=[DateRule(video_id=2, month=2, day=29, year=2028)])

    assert chosen(rule=rule, now=at("2028-02-29T12:00+03:00")) == (2, "date_rule")
    assert chosen(rule=rule, now=at("2027-02-28T12:00+03:00")) == (1, "fallback")


def test_date_rules_follow_the_local_date_not_utc() -> None:
    rule = rotation("none", dates=[DateRule(video_id=2, month=6, day=16, year=None)])
    moment = at("2024-06-15T23:30+00:00")  # 02:30 on 16 June in Moscow

    assert chosen(rule=rule, now=moment, time_zone=MOSCOW) == (2, "date_rule")
    assert chosen(rule=rule, now=moment, time_zone="UTC") == (1, "fallback")


def test_a_date_rule_beats_a_schedule_the_rotation_and_the_active_video() -> None:
    rule = rotation("fixed", default=3, dates=[DateRule(video_id=2, month=6, day=15, year=None)])
    schedules = (window(1, 3, "2024-06-15T00:00+03:00", "2024-06-16T00:00+03:00"),)

    assert chosen(rule=rule, schedules=schedules, playback=PlaybackState("manual", active_video_id=1)) == (
        2,
        "date_rule",
    )


# --- 2. Schedules -------------------------------------------------------------------------------


def test_a_schedule_window_plays_its_video_and_says_which_window() -> None:
    schedules = (window(7, 2, "2024-06-15T10:00+03:00", "2024-06-15T14:00+03:00"),)

    assert pick(schedules=schedules) == Selection(2, "schedule", schedule_id=7, expires_in_days=None)


def test_a_window_includes_its_start_and_excludes_its_end() -> None:
    schedules = (window(7, 2, "2024-06-15T10:00+03:00", "2024-06-15T14:00+03:00"),)

    assert chosen(schedules=schedules, now=at("2024-06-15T09:59:59.999999+03:00")) == (1, "fallback")
    assert chosen(schedules=schedules, now=at("2024-06-15T10:00+03:00")) == (2, "schedule")
    assert chosen(schedules=schedules, now=at("2024-06-15T13:59:59.999999+03:00")) == (2, "schedule")
    assert chosen(schedules=schedules, now=at("2024-06-15T14:00+03:00")) == (1, "fallback")


def test_windows_and_now_are_compared_as_instants_whatever_their_offsets() -> None:
    schedules = (window(7, 2, "2024-06-15T07:00+00:00", "2024-06-15T08:00+00:00"),)  # 10:00–11:00 Moscow

    assert chosen(schedules=schedules, now=at("2024-06-15T10:30+03:00")) == (2, "schedule")
    assert chosen(schedules=schedules, now=at("2024-06-15T03:30-04:00")) == (2, "schedule")
    assert chosen(schedules=schedules, now=at("2024-06-15T11:00+03:00")) == (1, "fallback")


def test_windows_are_compared_by_instant_across_a_daylight_saving_fold() -> None:
    new_york = ZoneInfo(NEW_YORK)
    # 01:00–02:00 of the second (EST) pass through the repeated hour on 3 November 2024.
    schedules = (
        Schedule(
            id=7,
            video_id=2,
            starts_at=datetime(2024, 11, 3, 1, 0, fold=1, tzinfo=new_york),
            ends_at=datetime(2024, 11, 3, 2, 0, tzinfo=new_york),
        ),
    )
    first_pass = datetime(2024, 11, 3, 1, 30, fold=0, tzinfo=new_york)  # EDT: an hour earlier
    second_pass = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=new_york)

    assert chosen(schedules=schedules, now=first_pass, time_zone=NEW_YORK) == (1, "fallback")
    assert chosen(schedules=schedules, now=second_pass, time_zone=NEW_YORK) == (2, "schedule")


def test_overlapping_windows_the_latest_start_wins() -> None:
    schedules = (
        window(1, 2, "2024-06-15T11:00+03:00", "2024-06-15T12:30+03:00"),  # later start, shown
        window(2, 3, "2024-06-15T08:00+03:00", "2024-06-15T12:10+03:00"),  # earlier and shorter
    )

    assert pick(schedules=schedules) == Selection(2, "schedule", schedule_id=1)
    assert pick(schedules=schedules[::-1]) == Selection(2, "schedule", schedule_id=1)


def test_overlapping_windows_with_the_same_start_the_shortest_wins() -> None:
    schedules = (
        window(1, 2, "2024-06-15T11:00+03:00", "2024-06-15T18:00+03:00"),
        window(2, 3, "2024-06-15T11:00+03:00", "2024-06-15T13:00+03:00"),
    )

    assert pick(schedules=schedules) == Selection(3, "schedule", schedule_id=2)
    assert pick(schedules=schedules[::-1]) == Selection(3, "schedule", schedule_id=2)


def test_identical_windows_the_lowest_id_wins() -> None:
    schedules = (
        window(9, 3, "2024-06-15T11:00+03:00", "2024-06-15T13:00+03:00"),
        window(4, 2, "2024-06-15T08:00+00:00", "2024-06-15T10:00+00:00"),  # the same instants
    )

    assert pick(schedules=schedules) == Selection(2, "schedule", schedule_id=4)
    assert pick(schedules=schedules[::-1]) == Selection(2, "schedule", schedule_id=4)


def test_a_window_with_an_ineligible_video_gives_way_to_an_overlapping_one() -> None:
    schedules = (
        window(1, 2, "2024-06-15T11:00+03:00", "2024-06-15T12:30+03:00"),
        window(2, 3, "2024-06-15T08:00+03:00", "2024-06-15T20:00+03:00"),
    )
    videos = (video(1), video(2, ready=False), video(3))

    assert pick(schedules=schedules, videos=videos) == Selection(3, "schedule", schedule_id=2)


def test_an_empty_or_inverted_window_never_plays() -> None:
    schedules = (
        window(1, 2, "2024-06-15T12:00+03:00", "2024-06-15T12:00+03:00"),
        window(2, 3, "2024-06-15T13:00+03:00", "2024-06-15T11:00+03:00"),
    )

    assert chosen(schedules=schedules) == (1, "fallback")


def test_a_schedule_beats_the_rotation_rule_and_the_active_video() -> None:
    schedules = (window(5, 3, "2024-06-15T00:00+03:00", "2024-06-16T00:00+03:00"),)
    rule = rotation("fixed", default=2)

    assert pick(
        schedules=schedules, rule=rule, playback=PlaybackState("manual", active_video_id=1)
    ) == Selection(3, "schedule", schedule_id=5)


# --- 3. Rotation rule ---------------------------------------------------------------------------


def test_a_fixed_rule_always_plays_its_default_video() -> None:
    rule = rotation("fixed", default=3)

    for days in range(10):
        assert chosen(rule=rule, now=NOON + timedelta(days=days)) == (3, "rotation_rule")


def test_a_fixed_rule_without_a_playable_default_gives_way() -> None:
    videos = (video(1), video(2), video(3, end_date=date(2024, 6, 1)))

    assert chosen(rule=rotation("fixed", default=3), videos=videos) == (1, "fallback")
    assert chosen(rule=rotation("fixed", default=None)) == (1, "fallback")
    assert chosen(rule=rotation("fixed", default=99)) == (1, "fallback")


def test_a_rule_of_kind_none_has_no_rotation_step() -> None:
    rule = rotation("none", default=3, sequence=(3, 2))

    assert chosen(rule=rule, playback=PlaybackState("manual", active_video_id=2)) == (2, "active_default")


def test_the_daily_cycle_starts_at_the_epoch_and_advances_each_day() -> None:
    rule = rotation("daily_cycle", sequence=(3, 1, 2))
    epoch_noon = datetime.combine(CYCLE_EPOCH, time(12), tzinfo=ZoneInfo(MOSCOW))

    played = [chosen(rule=rule, now=epoch_noon + timedelta(days=day)) for day in range(7)]

    assert played == [(v, "rotation_rule") for v in (3, 1, 2, 3, 1, 2, 3)]


def test_the_daily_cycle_is_counted_from_days_since_the_epoch() -> None:
    rule = rotation("daily_cycle", sequence=(1, 2, 3, 2))
    days = (date(2024, 6, 15) - CYCLE_EPOCH).days

    assert chosen(rule=rule) == (rule.sequence[days % 4], "rotation_rule")


def test_the_daily_cycle_turns_at_local_midnight() -> None:
    rule = rotation("daily_cycle", sequence=(1, 2, 3))
    before = chosen(rule=rule, now=at("2024-06-15T20:59:59+00:00"))  # 23:59:59 in Moscow
    after = chosen(rule=rule, now=at("2024-06-15T21:00:00+00:00"))  # 00:00 on the 16th in Moscow

    assert before is not None
    assert after is not None
    assert before != after
    assert chosen(rule=rule, now=at("2024-06-15T00:00+03:00")) == before


def test_the_daily_cycle_skips_an_ineligible_item_to_the_next_in_the_cycle() -> None:
    rule = rotation("daily_cycle", sequence=(1, 2, 3))
    epoch_noon = datetime.combine(CYCLE_EPOCH, time(12), tzinfo=ZoneInfo(MOSCOW))
    videos = (video(1), video(2, enabled=False), video(3))

    played = [chosen(rule=rule, videos=videos, now=epoch_noon + timedelta(days=day)) for day in range(3)]

    assert played == [(1, "rotation_rule"), (3, "rotation_rule"), (3, "rotation_rule")]


def test_the_cycle_wraps_around_when_skipping_past_its_end() -> None:
    rule = rotation("daily_cycle", sequence=(1, 2, 3))
    epoch_noon = datetime.combine(CYCLE_EPOCH, time(12), tzinfo=ZoneInfo(MOSCOW))
    videos = (video(1), video(2), video(3, ready=False))

    assert chosen(rule=rule, videos=videos, now=epoch_noon + timedelta(days=2)) == (1, "rotation_rule")


def test_a_cycle_with_no_eligible_or_known_item_gives_way() -> None:
    videos = (video(1), video(2, ready=False))

    assert chosen(rule=rotation("daily_cycle", sequence=(2, 99)), videos=videos) == (1, "fallback")
    assert chosen(rule=rotation("weekly_cycle", sequence=()), videos=videos) == (1, "fallback")


def test_the_weekly_cycle_keeps_one_video_monday_to_sunday() -> None:
    rule = rotation("weekly_cycle", sequence=(1, 2, 3))
    monday = datetime(2024, 6, 10, 0, 0, tzinfo=ZoneInfo(MOSCOW))

    week = {chosen(rule=rule, now=monday + timedelta(hours=hours)) for hours in range(0, 7 * 24, 5)}
    sunday_night = chosen(rule=rule, now=monday + timedelta(days=7, microseconds=-1))
    next_monday = chosen(rule=rule, now=monday + timedelta(days=7))

    assert len(week) == 1
    assert week == {sunday_night}
    assert next_monday != sunday_night


def test_the_weekly_cycle_goes_through_the_sequence_week_by_week_from_the_epoch() -> None:
    rule = rotation("weekly_cycle", sequence=(2, 3, 1))
    epoch_noon = datetime.combine(CYCLE_EPOCH, time(12), tzinfo=ZoneInfo(MOSCOW))

    played = [chosen(rule=rule, now=epoch_noon + timedelta(weeks=week, days=3)) for week in range(4)]

    assert played == [(v, "rotation_rule") for v in (2, 3, 1, 2)]


def test_the_weekly_cycle_does_not_restart_at_new_year() -> None:
    rule = rotation("weekly_cycle", sequence=(1, 2, 3, 4, 5))
    videos = tuple(video(i) for i in range(1, 6))
    # ISO week 52 of 2024 (Mon 23 Dec) is followed by ISO week 1 of 2025 (Mon 30 Dec).
    mondays = [datetime(2024, 12, 16, 12, tzinfo=ZoneInfo(MOSCOW)) + timedelta(weeks=w) for w in range(4)]

    played = [pick(rule=rule, videos=videos, now=m) for m in mondays]
    ids = [s.video_id for s in played if s is not None]

    assert len(ids) == 4
    assert all((b - a) % 5 == 1 for a, b in pairwise(ids))


def test_the_weekly_cycle_turns_at_local_monday_midnight() -> None:
    rule = rotation("weekly_cycle", sequence=(1, 2))
    sunday_utc_evening = at("2024-06-16T21:30+00:00")  # already Monday 00:30 in Moscow

    assert chosen(rule=rule, now=sunday_utc_evening, time_zone=MOSCOW) != chosen(
        rule=rule, now=sunday_utc_evening, time_zone="UTC"
    )


def test_random_daily_is_the_same_all_day_for_one_content() -> None:
    rule = rotation("random_daily")
    videos = tuple(video(i) for i in range(1, 8))
    start = datetime(2024, 6, 15, 0, 0, tzinfo=ZoneInfo(MOSCOW))

    played = {pick(rule=rule, videos=videos, now=start + timedelta(minutes=m)) for m in range(0, 24 * 60, 37)}

    assert len(played) == 1
    assert {s.selection_source for s in played if s} == {"rotation_rule"}


def test_random_daily_is_pinned_to_sha256_of_content_and_local_date() -> None:
    # A regression pin: changing the hash input or the draw would reshuffle every studio's days.
    # With equal weights the pick is video (int(sha256(f"42:{date}")[:8], big-endian) mod 7) + 1.
    # Seven, not five: 256 ≡ 1 (mod 5) would hide the byte order.
    rule = rotation("random_daily")
    videos = tuple(video(i) for i in range(1, 8))
    expected = [5, 4, 2, 2, 5, 3, 3, 5, 1, 2]
    expected_by_hash = [
        int.from_bytes(hashlib.sha256(f"42:2024-06-{d:02d}".encode()).digest()[:8], "big") % 7 + 1
        for d in range(1, 11)
    ]

    played = [
        picked(rule=rule, videos=videos, content_id=42, now=at(f"2024-06-{d:02d}T01:00+03:00")).video_id
        for d in range(1, 11)
    ]

    assert played == expected == expected_by_hash


def test_random_daily_varies_between_days_and_between_contents() -> None:
    rule = rotation("random_daily")
    videos = tuple(video(i) for i in range(1, 6))

    by_day = {chosen(rule=rule, videos=videos, now=NOON + timedelta(days=d)) for d in range(30)}
    by_content = {chosen(rule=rule, videos=videos, content_id=c) for c in range(30)}

    assert len(by_day) == 5
    assert len(by_content) == 5


def test_random_daily_follows_the_weights() -> None:
    rule = rotation("random_daily")
    videos = (video(1, weight=3), video(2, weight=1), video(3, weight=0))

    counts = Counter(
        picked(rule=rule, videos=videos, now=NOON + timedelta(days=d)).video_id for d in range(4000)
    )

    assert counts[3] == 0
    assert 0.72 < counts[1] / 4000 < 0.78


def test_random_daily_draws_only_eligible_videos() -> None:
    rule = rotation("random_daily")
    videos = (video(1, ready=False, weight=50), video(2), video(3, end_date=date(2024, 1, 1), weight=50))

    played = {chosen(rule=rule, videos=videos, now=NOON + timedelta(days=d)) for d in range(60)}

    assert played == {(2, "rotation_rule")}


def test_random_daily_with_every_weight_zero_gives_way() -> None:
    rule = rotation("random_daily")
    videos = (video(1, weight=0), video(2, weight=0))

    assert chosen(rule=rule, videos=videos, playback=PlaybackState("manual", active_video_id=2)) == (
        2,
        "active_default",
    )


def test_the_rotation_rule_beats_the_active_video_and_the_playback_mode() -> None:
    rule = rotation("fixed", default=3)

    assert chosen(rule=rule, playback=PlaybackState("manual", active_video_id=2)) == (3, "rotation_rule")
    assert chosen(rule=rule, playback=PlaybackState("cyclic", scan_index=1)) == (3, "rotation_rule")


# --- 4. Manual active video, 5. sequential / cyclic, 6. fallback ------------------------------


def test_manual_mode_plays_the_active_video() -> None:
    assert chosen(playback=PlaybackState("manual", active_video_id=2)) == (2, "active_default")


def test_manual_mode_without_a_playable_active_video_falls_back_to_the_first_by_order() -> None:
    videos = (video(1, order=5), video(2, order=0, enabled=False), video(3, order=1))

    assert chosen(videos=videos, playback=PlaybackState("manual", active_video_id=2)) == (3, "fallback")
    assert chosen(videos=videos, playback=PlaybackState("manual", active_video_id=None)) == (3, "fallback")
    assert chosen(videos=videos, playback=PlaybackState("manual", active_video_id=404)) == (3, "fallback")


def test_sequential_and_cyclic_modes_ignore_the_active_video() -> None:
    for mode in ("sequential", "cyclic"):
        assert chosen(playback=PlaybackState(mode, active_video_id=3, scan_index=0)) == (1, "rotation")


def test_sequential_mode_advances_per_scan_and_stops_on_the_last() -> None:
    played = [chosen(playback=PlaybackState("sequential", scan_index=i)) for i in range(6)]

    assert played == [(v, "rotation") for v in (1, 2, 3, 3, 3, 3)]
    assert chosen(playback=PlaybackState("sequential", scan_index=10**12)) == (3, "rotation")


def test_cyclic_mode_wraps_around() -> None:
    played = [chosen(playback=PlaybackState("cyclic", scan_index=i)) for i in range(7)]

    assert played == [(v, "rotation") for v in (1, 2, 3, 1, 2, 3, 1)]


def test_scans_go_by_order_then_id_and_skip_ineligible_videos() -> None:
    videos = (video(10, order=2), video(11, order=1), video(12, order=1), video(13, order=0, ready=False))

    played = [pick(videos=videos, playback=PlaybackState("cyclic", scan_index=i)) for i in range(4)]

    assert [s.video_id for s in played if s] == [11, 12, 10, 11]


# --- expires_in_days ----------------------------------------------------------------------------


def test_expires_in_days_is_none_without_any_end() -> None:
    assert picked().expires_in_days is None


@pytest.mark.parametrize(
    ("end_date", "now", "days"),
    [
        (date(2024, 6, 15), "2024-06-15T12:00+03:00", 0),
        (date(2024, 6, 16), "2024-06-15T12:00+03:00", 1),
        (date(2024, 6, 25), "2024-06-15T12:00+03:00", 10),
        (date(2024, 6, 16), "2024-06-15T00:00+03:00", 2),  # exactly 48 h to the end of the 16th
        (date(2024, 6, 16), "2024-06-15T20:00+00:00", 1),  # 23:00 in Moscow, 25 h left
    ],
)
def test_expires_in_days_counts_to_the_end_of_the_video_end_date(end_date: date, now: str, days: int) -> None:
    selection = pick(videos=(video(1, end_date=end_date),), now=at(now))

    assert selection == Selection(1, "fallback", expires_in_days=days)


def test_expires_in_days_takes_the_earlier_of_content_and_video_expiry() -> None:
    videos = (video(1, end_date=date(2024, 6, 30)),)

    assert picked(videos=videos, content_expires_at=at("2024-06-18T11:00+03:00")).expires_in_days == 2
    assert picked(videos=videos, content_expires_at=at("2024-08-01T00:00+00:00")).expires_in_days == 15
    assert picked(content_expires_at=at("2024-06-18T12:00+03:00")).expires_in_days == 3


def test_expires_in_days_is_zero_once_the_content_has_expired() -> None:
    assert picked(content_expires_at=at("2024-06-01T00:00+03:00")).expires_in_days == 0


def test_expires_in_days_counts_wall_clock_days_across_a_daylight_saving_change() -> None:
    # 23.5 wall-clock hours on the 2nd plus the whole 3rd (25 real hours, the clocks fall back):
    # 47.5 wall-clock hours, 48.5 real ones.
    new_york = ZoneInfo(NEW_YORK)
    now = datetime(2024, 11, 2, 0, 30, tzinfo=new_york)
    end_of_the_3rd = datetime(2024, 11, 4, 0, 0, tzinfo=new_york)

    by_video = picked(videos=(video(1, end_date=date(2024, 11, 3)),), now=now, time_zone=NEW_YORK)
    by_content = picked(now=now, time_zone=NEW_YORK, content_expires_at=end_of_the_3rd.astimezone(UTC))

    assert by_video.expires_in_days == 1
    assert by_content.expires_in_days == 1


def test_expires_in_days_survives_the_largest_end_date() -> None:
    selection = picked(videos=(video(1, end_date=date.max),))

    assert selection.expires_in_days == (date.max - date(2024, 6, 15)).days


def test_expires_in_days_belongs_to_the_video_actually_chosen() -> None:
    videos = (video(1, end_date=date(2024, 6, 20)), video(2, end_date=date(2024, 7, 15)))

    assert picked(videos=videos).expires_in_days == 5
    assert picked(videos=videos, playback=PlaybackState("manual", active_video_id=2)).expires_in_days == 30


# --- Calendar -----------------------------------------------------------------------------------


def month(**changes: Any) -> list[tuple[date, Selection | None]]:
    arguments: dict[str, Any] = {
        "content_id": 1,
        "year": 2024,
        "month": 6,
        "time_zone": MOSCOW,
        "videos": THREE,
        "schedules": (),
        "rule": None,
        "playback": MANUAL,
        "content_expires_at": None,
        **changes,
    }
    return calendar(**arguments)


def test_the_calendar_has_one_row_per_day_of_the_month() -> None:
    assert [d for d, _ in month()] == [date(2024, 6, d) for d in range(1, 31)]
    assert len(month(month=2)) == 29
    assert len(month(year=2023, month=2)) == 28


def test_the_calendar_shows_what_plays_at_local_noon() -> None:
    schedules = (
        window(1, 2, "2024-06-10T11:00+03:00", "2024-06-10T13:00+03:00"),  # covers noon
        window(2, 3, "2024-06-11T00:00+03:00", "2024-06-11T06:00+03:00"),  # morning only
    )
    rule = rotation("none", dates=[DateRule(video_id=3, month=6, day=20, year=None)])

    rows = dict(
        month(schedules=schedules, rule=rule, videos=(*THREE[:2], video(3, end_date=date(2024, 6, 25))))
    )

    assert rows[date(2024, 6, 10)] == Selection(2, "schedule", schedule_id=1)
    assert rows[date(2024, 6, 11)] == Selection(1, "fallback")
    assert rows[date(2024, 6, 20)] == Selection(3, "date_rule", expires_in_days=5)
    assert rows[date(2024, 6, 26)] == Selection(1, "fallback")


def test_the_calendar_uses_the_playback_state_as_given() -> None:
    first = month(playback=PlaybackState("cyclic", scan_index=0))
    next_scan = month(playback=PlaybackState("cyclic", scan_index=4))

    assert {s.video_id for _, s in first if s} == {1}
    assert {s.video_id for _, s in next_scan if s} == {2}
    assert {s.selection_source for _, s in first if s} == {"rotation"}


def test_the_calendar_shows_a_yearly_leap_day_rule_on_28_february_of_a_common_year() -> None:
    rule = rotation("none", dates=[DateRule(video_id=2, month=2, day=29, year=None)])

    rows = dict(month(year=2023, month=2, rule=rule))

    assert rows[date(2023, 2, 28)] == Selection(2, "date_rule")
    assert [d for d, s in rows.items() if s and s.selection_source == "date_rule"] == [date(2023, 2, 28)]


def test_the_calendar_shows_none_on_days_without_an_eligible_video() -> None:
    rows = dict(month(videos=(video(1, end_date=date(2024, 6, 10)),)))

    assert rows[date(2024, 6, 10)] == Selection(1, "fallback", expires_in_days=0)
    assert rows[date(2024, 6, 11)] is None


@pytest.mark.parametrize(("year", "month_number"), [(2024, 0), (2024, 13), (0, 6)])
def test_the_calendar_rejects_an_impossible_month(year: int, month_number: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 — calendar.IllegalMonthError or date()'s own
        month(year=year, month=month_number)


def test_the_calendar_rejects_an_unknown_time_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        month(time_zone="Nowhere/Else")


# --- Properties ---------------------------------------------------------------------------------

ZONES = [
    "UTC",
    MOSCOW,
    NEW_YORK,
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VIDEO_IDS = st.integers(min_value=1, max_value=8)


@st.composite
def video_sets(draw: st.DrawFn, today: date) -> tuple[VideoOption, ...]:
    ids = draw(st.lists(VIDEO_IDS, min_size=0, max_size=6, unique=True))
    return tuple(
        VideoOption(
            id=i,
            order=draw(st.integers(0, 4)),
            ready=draw(st.booleans()),
            enabled=draw(st.booleans()),
            end_date=draw(st.none() | st.integers(-3, 3).map(lambda d: today + timedelta(days=d))),
            weight=draw(st.integers(0, 3)),
        )
        for i in ids
    )


@st.composite
def schedule_sets(draw: st.DrawFn, now: datetime) -> tuple[Schedule, ...]:
    ids = draw(st.lists(st.integers(1, 50), max_size=5, unique=True))
    schedules = []
    for i in ids:
        starts_at = now + timedelta(minutes=draw(st.integers(-600, 600)))
        ends_at = starts_at + timedelta(minutes=draw(st.integers(-10, 900)))
        schedules.append(Schedule(id=i, video_id=draw(VIDEO_IDS), starts_at=starts_at, ends_at=ends_at))
    return tuple(schedules)


@st.composite
def rules(draw: st.DrawFn, today: date) -> RotationRule | None:
    if draw(st.booleans()):
        return None
    date_rules = []
    for _ in range(draw(st.integers(0, 3))):
        day = today + timedelta(days=draw(st.integers(-2, 2)))
        exact = draw(st.booleans())
        date_rules.append(
            DateRule(video_id=draw(VIDEO_IDS), month=day.month, day=day.day, year=day.year if exact else None)
        )
    return RotationRule(
        kind=draw(st.sampled_from(["none", "fixed", "daily_cycle", "weekly_cycle", "random_daily"])),
        default_video_id=draw(st.none() | VIDEO_IDS),
        sequence=tuple(draw(st.lists(VIDEO_IDS, max_size=5))),
        date_rules=tuple(date_rules),
    )


PLAYBACKS = st.builds(
    PlaybackState,
    mode=st.sampled_from(["manual", "sequential", "cyclic"]),
    active_video_id=st.none() | VIDEO_IDS,
    scan_index=st.integers(0, 30),
)
MOMENTS = st.datetimes(
    min_value=datetime(2023, 12, 20),
    max_value=datetime(2025, 1, 10),
    timezones=st.sampled_from([UTC, ZoneInfo(NEW_YORK)]),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    time_zone = draw(st.sampled_from(ZONES))
    now = draw(MOMENTS)
    today = now.astimezone(ZoneInfo(time_zone)).date()
    return {
        "content_id": draw(st.integers(1, 10**6)),
        "now": now,
        "time_zone": time_zone,
        "videos": draw(video_sets(today)),
        "schedules": draw(schedule_sets(now)),
        "rule": draw(rules(today)),
        "playback": draw(PLAYBACKS),
        "content_expires_at": draw(
            st.none() | st.integers(-5000, 5000).map(lambda h: now + timedelta(hours=h))
        ),
    }


def eligible_ids(scenario: dict[str, Any]) -> set[int]:
    today = scenario["now"].astimezone(ZoneInfo(scenario["time_zone"])).date()
    return {
        v.id
        for v in scenario["videos"]
        if v.ready and v.enabled and (v.end_date is None or v.end_date >= today)
    }


@FAST
@given(scenarios())
def test_property_it_plays_an_eligible_video_and_none_only_when_there_is_none(
    scenario: dict[str, Any],
) -> None:
    selection = select_video(**scenario)
    eligible = eligible_ids(scenario)

    assert (selection is None) == (not eligible)
    if selection is None:
        return
    assert selection.video_id in eligible
    if selection.selection_source == "schedule":
        live = next(s for s in scenario["schedules"] if s.id == selection.schedule_id)
        assert live.video_id == selection.video_id
        assert live.starts_at <= scenario["now"] < live.ends_at
    else:
        assert selection.schedule_id is None
    if selection.selection_source == "fallback":
        assert scenario["playback"].mode == "manual"
    assert selection.expires_in_days is None or selection.expires_in_days >= 0


@FAST
@given(scenarios(), st.randoms(use_true_random=False))
def test_property_it_is_deterministic_and_ignores_input_order(scenario: dict[str, Any], random: Any) -> None:
    first = select_video(**scenario)
    again = select_video(
        **{**scenario, "videos": list(scenario["videos"]), "schedules": list(scenario["schedules"])}
    )
    shuffled_videos, shuffled_schedules = list(scenario["videos"]), list(scenario["schedules"])
    random.shuffle(shuffled_videos)
    random.shuffle(shuffled_schedules)
    shuffled = select_video(**{**scenario, "videos": shuffled_videos, "schedules": shuffled_schedules})

    assert first == again == shuffled


@FAST
@given(
    st.sampled_from(ZONES),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    st.lists(st.times(), min_size=2, max_size=4),
    st.integers(1, 10**6),
    st.data(),
)
def test_property_random_daily_is_the_same_all_local_day(
    time_zone: str, day: date, moments: list[time], content_id: int, data: st.DataObject
) -> None:
    zone = ZoneInfo(time_zone)
    instants = [datetime.combine(day, t, tzinfo=zone) for t in moments]
    assume(all(i.astimezone(zone).date() == day for i in instants))  # not shifted out by a DST gap
    videos = data.draw(video_sets(day))
    rule = RotationRule(kind="random_daily", default_video_id=None, sequence=(), date_rules=())

    played = {
        select_video(
            content_id=content_id,
            now=instant,
            time_zone=time_zone,
            videos=videos,
            schedules=(),
            rule=rule,
            playback=MANUAL,
            content_expires_at=None,
        )
        for instant in instants
    }

    assert len(played) == 1


@FAST
@given(scenarios(), st.integers(0, 10**9))
def test_property_cyclic_visits_every_eligible_video_in_n_consecutive_scans(
    scenario: dict[str, Any], start: int
) -> None:
    eligible = eligible_ids(scenario)
    base = {**scenario, "schedules": (), "rule": None}

    played = [
        select_video(**{**base, "playback": PlaybackState("cyclic", scan_index=start + k)})
        for k in range(len(eligible))
    ]

    assert {s.video_id for s in played if s} == eligible
    assert all(s.selection_source == "rotation" for s in played if s)


@FAST
@given(scenarios())
def test_property_sequential_stops_on_the_last_eligible_video(scenario: dict[str, Any]) -> None:
    eligible = eligible_ids(scenario)
    assume(eligible)
    base = {**scenario, "schedules": (), "rule": None}
    last = max((v for v in scenario["videos"] if v.id in eligible), key=lambda v: (v.order, v.id))

    for scan_index in (len(eligible) - 1, len(eligible), len(eligible) + 7):
        selection = select_video(**{**base, "playback": PlaybackState("sequential", scan_index=scan_index)})
        assert selection is not None
        assert selection.video_id == last.id


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(2023, 2025), st.integers(1, 12))
def test_property_the_calendar_agrees_with_select_video_at_local_noon(
    scenario: dict[str, Any], year: int, month_number: int
) -> None:
    arguments = {k: v for k, v in scenario.items() if k != "now"}
    zone = ZoneInfo(scenario["time_zone"])

    rows = calendar(**arguments, year=year, month=month_number)

    assert [d.month for d, _ in rows] == [month_number] * len(rows)
    for day, selection in rows:
        noon = datetime.combine(day, time(12), tzinfo=zone)
        assert selection == select_video(**arguments, now=noon)


def test_selections_are_frozen_values() -> None:
    selection = picked()

    with pytest.raises(dataclasses.FrozenInstanceError):
        selection.video_id = 2  # type: ignore[misc]  # frozen: must raise
