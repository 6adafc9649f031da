"""Which video an AR content plays at a given moment, and a month's preview of it.

Pure and deterministic: plain frozen dataclasses in, a `Selection` out; no Django, no database,
no I/O, no clock (the caller passes `now`) and no global state. The viewer API calls
`select_video` on every scan; the portal's calendar preview calls `calendar`.

The first step that yields an *eligible* video wins (PRODUCT.md, "Which video plays"):

1. ``date_rule``      – a date rule of the rotation rule matching today's local date; exact
                        dates beat yearly ones, then the rules' own order.
2. ``schedule``       – a schedule window containing `now`; overlaps resolved by precedence:
                        the latest ``starts_at``, then the shortest window, then the lowest id.
3. ``rotation_rule``  – the rotation rule: fixed, daily cycle, weekly cycle or random daily.
4. ``active_default`` – the manually chosen active video, in ``manual`` playback mode only.
5. ``rotation``       – playback mode ``sequential`` (the scan_index-th video, stopping on the
                        last) or ``cyclic`` (wrapping around).
6. ``fallback``       – the first eligible video (``manual`` mode without a usable active video).

A video is eligible when it is ready, enabled and its end date (if any) is today or later in
the company's time zone. Videos are ordered by ``order``, then ``id``. Video ids are unique
within a content (they are primary keys); the input order of videos and schedules does not
matter. "Today", the day and week numbers of the cycles and "end of day" are all taken in the
company's time zone.

Cycle contract — changing any of these reshuffles what every studio's contents play:

- daily cycle: sequence item ``days since CYCLE_EPOCH`` modulo its length, the day changing at
  local midnight;
- weekly cycle: a different item each week, ``weeks since CYCLE_EPOCH`` (Monday-first ISO weeks,
  counted continuously, so the cycle does not restart at new year when ISO week 52/53 → 1);
- random daily: a weighted draw from ``sha256(f"{content_id}:{local date}")``, so every scan of a
  content on one local day sees the same video, and different contents differ;
- a sequence item whose video is not eligible (or unknown) is skipped to the next eligible item
  of the cycle, wrapping; when none is eligible the rule yields nothing and the next step runs.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from calendar import isleap, monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RotationKind = Literal["none", "fixed", "daily_cycle", "weekly_cycle", "random_daily"]
PlaybackMode = Literal["manual", "sequential", "cyclic"]
SelectionSource = Literal["date_rule", "schedule", "rotation_rule", "active_default", "rotation", "fallback"]

# A Monday, so that whole weeks counted from it are ISO (Monday-first) weeks. Day 0 of the daily
# cycle and week 0 of the weekly cycle: both play the first item of the sequence.
CYCLE_EPOCH = date(1970, 1, 5)

_ONE_DAY = timedelta(days=1)
_NOON = time(12)


@dataclass(frozen=True, slots=True)
class VideoOption:
    """One video of the content, as far as selection cares.

    ``weight`` only matters to the random-daily rule: a video of weight 3 is drawn three times as
    often as one of weight 1, and weight 0 keeps an otherwise eligible video out of the draw.
    """

    id: int
    order: int
    ready: bool
    enabled: bool
    end_date: date | None
    weight: int = 1

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(f"video {self.id}: weight must be 0 or more, not {self.weight}")

    def is_eligible(self, today: date) -> bool:
        """Playable on `today` (a date in the company's time zone): ready, enabled, not ended."""
        return self.ready and self.enabled and (self.end_date is None or self.end_date >= today)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The video plays during the window [starts_at, ends_at): start included, end excluded.

    Both ends must be aware; they are stored in UTC so that windows are compared by instant, also
    across a daylight-saving fold (Python compares two datetimes sharing one tzinfo by wall clock).
    A window that ends at or before its start contains no moment.
    """

    id: int
    video_id: int
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            value: datetime = getattr(self, name)
            _require_aware(value, f"schedule {self.id}: {name}")
            object.__setattr__(self, name, value.astimezone(UTC))

    def contains(self, moment: datetime) -> bool:
        """Whether the aware `moment` falls inside the window."""
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True, slots=True)
class DateRule:
    """Play `video_id` on one date: exact when `year` is given, every year when it is None.

    A yearly rule for 29 February plays on 28 February in common years (the last day of February,
    which is when people celebrate such birthdays), and on 29 February in leap years. Dates that
    can never happen (31 April, 29 February of a common year) are refused at construction.
    """

    video_id: int
    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        try:
            date(2000 if self.year is None else self.year, self.month, self.day)  # 2000 is leap
        except ValueError as exc:
            raise ValueError(f"date rule for video {self.video_id}: impossible date: {exc}") from exc

    @property
    def is_exact(self) -> bool:
        return self.year is not None

    def matches(self, today: date) -> bool:
        """Whether the rule applies on `today` (a date in the company's time zone)."""
        if self.year is not None:
            return (self.year, self.month, self.day) == (today.year, today.month, today.day)
        if (self.month, self.day) == (today.month, today.day):
            return True
        return (
            (self.month, self.day) == (2, 29)
            and (today.month, today.day) == (2, 28)
            and not isleap(today.year)
        )


@dataclass(frozen=True, slots=True)
class RotationRule:
    """The content's rotation rule: its date rules, and how the video changes over time.

    ``default_video_id`` is the video of the ``fixed`` kind and is ignored by the other kinds;
    ``sequence`` (video ids, repeats allowed) drives the daily and weekly cycles; ``random_daily``
    draws from all eligible videos by weight and ignores the sequence. ``none`` has no rotation
    step, but its date rules still apply.
    """

    kind: RotationKind
    default_video_id: int | None = None
    sequence: tuple[int, ...] = ()
    date_rules: tuple[DateRule, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in get_args(RotationKind):
            raise ValueError(f"unknown rotation kind {self.kind!r}")
        # Frozen and hashable even when the caller hands in lists.
        object.__setattr__(self, "sequence", tuple(self.sequence))
        object.__setattr__(self, "date_rules", tuple(self.date_rules))


@dataclass(frozen=True, slots=True)
class PlaybackState:
    """The content's playback mode, its manually chosen video and the caller's scan cursor.

    ``scan_index`` is how many scans happened before this one (kept in Redis by the caller).
    """

    mode: PlaybackMode
    active_video_id: int | None = None
    scan_index: int = 0

    def __post_init__(self) -> None:
        if self.mode not in get_args(PlaybackMode):
            raise ValueError(f"unknown playback mode {self.mode!r}")
        if self.scan_index < 0:
            raise ValueError(f"scan_index must be 0 or more, not {self.scan_index}")


@dataclass(frozen=True, slots=True)
class Selection:
    """The video to play and why (the viewer API's ``selection_source``, ``schedule_id`` and
    ``expires_in_days``).

    ``expires_in_days`` counts whole days (floor, never negative) until the earlier of the
    content's expiry and the end of the video's end date (local midnight after it); None when
    neither is set. Days are counted on the local wall clock, so a daylight-saving change does not
    add or remove one.
    """

    video_id: int
    selection_source: SelectionSource
    schedule_id: int | None = None
    expires_in_days: int | None = None


def select_video(
    *,
    content_id: int,
    now: datetime,
    time_zone: str,
    videos: Sequence[VideoOption],
    schedules: Sequence[Schedule],
    rule: RotationRule | None,
    playback: PlaybackState,
    content_expires_at: datetime | None,
) -> Selection | None:
    """The video a scan at `now` plays, by the first rule that yields an eligible video.

    Returns None only when no video is eligible. Raises ValueError when `now` or
    `content_expires_at` is naive or `time_zone` is not a known IANA zone. No side effects.
    """
    zone = _zone(time_zone)
    _require_aware(now, "now")
    if content_expires_at is not None:
        _require_aware(content_expires_at, "content_expires_at")
    local_now = now.astimezone(zone)
    today = local_now.date()
    eligible = sorted((v for v in videos if v.is_eligible(today)), key=lambda v: (v.order, v.id))
    if not eligible:
        return None
    by_id = {v.id: v for v in eligible}
    video, source, schedule_id = _choose(
        content_id=content_id,
        now=now.astimezone(UTC),
        today=today,
        eligible=eligible,
        by_id=by_id,
        schedules=schedules,
        rule=rule,
        playback=playback,
    )
    return Selection(
        video_id=video.id,
        selection_source=source,
        schedule_id=schedule_id,
        expires_in_days=_expires_in_days(local_now, video.end_date, content_expires_at),
    )


def calendar(
    *,
    content_id: int,
    year: int,
    month: int,
    time_zone: str,
    videos: Sequence[VideoOption],
    schedules: Sequence[Schedule],
    rule: RotationRule | None,
    playback: PlaybackState,
    content_expires_at: datetime | None,
) -> list[tuple[date, Selection | None]]:
    """Which video plays on each day of a month: `select_video` at local noon of every day.

    Noon is a stable representative of the day (away from midnight and from daylight-saving
    changes); a schedule window that does not cover noon does not show. `playback` is used as
    given: in ``sequential`` / ``cyclic`` mode the video changes per scan, not per day, so each
    row shows the scan at `playback.scan_index` — pass 0 for "a first-time viewer", or the live
    cursor for "the next scan"; such rows carry the source ``rotation``. Raises ValueError for an
    impossible year or month, or for the same reasons as `select_video`.
    """
    zone = _zone(time_zone)
    _, days_in_month = monthrange(year, month)
    rows: list[tuple[date, Selection | None]] = []
    for day in range(1, days_in_month + 1):
        local_noon = datetime.combine(date(year, month, day), _NOON, tzinfo=zone)
        selection = select_video(
            content_id=content_id,
            now=local_noon,
            time_zone=time_zone,
            videos=videos,
            schedules=schedules,
            rule=rule,
            playback=playback,
            content_expires_at=content_expires_at,
        )
        rows.append((local_noon.date(), selection))
    return rows


def _choose(
    *,
    content_id: int,
    now: datetime,
    today: date,
    eligible: Sequence[VideoOption],
    by_id: Mapping[int, VideoOption],
    schedules: Sequence[Schedule],
    rule: RotationRule | None,
    playback: PlaybackState,
) -> tuple[VideoOption, SelectionSource, int | None]:
    """Steps 1–6 over a non-empty list of eligible videos sorted by (order, id)."""
    if rule is not None:
        video = _by_date_rule(rule.date_rules, today, by_id)
        if video is not None:
            return video, "date_rule", None
    schedule = _current_schedule(schedules, now, by_id)
    if schedule is not None:
        return by_id[schedule.video_id], "schedule", schedule.id
    if rule is not None:
        video = _by_rotation_rule(rule, content_id, today, eligible, by_id)
        if video is not None:
            return video, "rotation_rule", None
    if playback.mode == "manual":
        active = by_id.get(playback.active_video_id) if playback.active_video_id is not None else None
        if active is not None:
            return active, "active_default", None
        return eligible[0], "fallback", None
    if playback.mode == "sequential":
        return eligible[min(playback.scan_index, len(eligible) - 1)], "rotation", None
    return eligible[playback.scan_index % len(eligible)], "rotation", None


def _by_date_rule(
    rules: Sequence[DateRule], today: date, by_id: Mapping[int, VideoOption]
) -> VideoOption | None:
    """The first matching exact rule with an eligible video, else the first such yearly rule."""
    for exact in (True, False):
        for date_rule in rules:
            if date_rule.is_exact is exact and date_rule.video_id in by_id and date_rule.matches(today):
                return by_id[date_rule.video_id]
    return None


def _schedule_precedence(schedule: Schedule) -> tuple[datetime, timedelta, int]:
    # Greatest wins: the latest start (the more specific, later-planned override), then the
    # shortest window, then the lowest id — a total order, so overlaps never depend on input order.
    return schedule.starts_at, -(schedule.ends_at - schedule.starts_at), -schedule.id


def _current_schedule(
    schedules: Sequence[Schedule], now: datetime, by_id: Mapping[int, VideoOption]
) -> Schedule | None:
    """The window containing `now` whose video is eligible and that has the highest precedence."""
    live = [s for s in schedules if s.video_id in by_id and s.contains(now)]
    return max(live, key=_schedule_precedence, default=None)


def _by_rotation_rule(
    rule: RotationRule,
    content_id: int,
    today: date,
    eligible: Sequence[VideoOption],
    by_id: Mapping[int, VideoOption],
) -> VideoOption | None:
    """The rotation rule's video for `today`, or None when it yields no eligible video."""
    if rule.kind == "fixed":
        return by_id.get(rule.default_video_id) if rule.default_video_id is not None else None
    if rule.kind == "daily_cycle":
        return _cycle_item(rule.sequence, (today - CYCLE_EPOCH).days, by_id)
    if rule.kind == "weekly_cycle":
        return _cycle_item(rule.sequence, (today - CYCLE_EPOCH).days // 7, by_id)
    if rule.kind == "random_daily":
        return _daily_draw(content_id, today, eligible)
    return None


def _cycle_item(sequence: Sequence[int], step: int, by_id: Mapping[int, VideoOption]) -> VideoOption | None:
    """Item `step` of the endless cycle over `sequence`, moving on past ineligible items."""
    length = len(sequence)
    for offset in range(length):
        video = by_id.get(sequence[(step + offset) % length])
        if video is not None:
            return video
    return None


def _daily_draw(content_id: int, today: date, eligible: Sequence[VideoOption]) -> VideoOption | None:
    """A weighted draw that is the same all day for one content; None when every weight is 0."""
    cumulative = list(accumulate(v.weight for v in eligible))
    if cumulative[-1] == 0:
        return None
    # A stable hash (Python's hash() of a str changes per process); 64 bits make the modulo bias
    # negligible for any realistic total weight.
    digest = hashlib.sha256(f"{content_id}:{today.isoformat()}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % cumulative[-1]
    # The first video whose cumulative weight exceeds the point; zero weights are never chosen.
    return eligible[bisect_right(cumulative, point)]


def _expires_in_days(
    local_now: datetime, end_date: date | None, content_expires_at: datetime | None
) -> int | None:
    """Whole days from `local_now` to the earlier deadline, on the local wall clock; see `Selection`."""
    wall_now = local_now.replace(tzinfo=None)
    remaining: list[timedelta] = []
    if end_date is not None:
        # Computed from day counts rather than datetime(end_date + 1 day), which overflows at date.max.
        since_midnight = wall_now - datetime.combine(wall_now.date(), time.min)
        remaining.append(timedelta(days=(end_date - wall_now.date()).days + 1) - since_midnight)
    if content_expires_at is not None:
        expiry = content_expires_at.astimezone(local_now.tzinfo).replace(tzinfo=None)
        remaining.append(expiry - wall_now)
    if not remaining:
        return None
    return max(0, min(remaining) // _ONE_DAY)


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)  # the zoneinfo module caches instances
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {time_zone!r}") from exc


def _require_aware(value: datetime, name: str) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {value!r}")
