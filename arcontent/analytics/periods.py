"""The date range of an analytics request: the last 7, 30 or 90 local days, or from/to.

Days are the company's local days, the same days the roll-ups are kept in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from companies.models import Company

MAX_DAYS = 366
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def local_today(company: Company) -> dt.date:
    return dt.datetime.now(ZoneInfo(company.time_zone)).date()


def local_day_bounds(time_zone: str, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants where local day ``first`` starts and where the day after ``last`` starts."""
    zone = ZoneInfo(time_zone)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return since.astimezone(dt.UTC), until.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Period:
    first: dt.date
    last: dt.date
    preset: int | None = None  # 7, 30 or 90 when chosen as a range

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.days)]


def period_last(*, company: Company, days: int) -> Period:
    """The last ``days`` local days of the company, today included."""
    last = local_today(company)
    return Period(last - dt.timedelta(days=days - 1), last, days if days in PRESETS else None)


def _date(raw: str, field: str) -> dt.date:
    value = raw.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError({field: [_("Enter a real date as YYYY-MM-DD.")]})


def period_from_query(*, company: Company, query: Mapping[str, str]) -> Period:
    """``?range=7|30|90`` or ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (at most 366 days); neither
    means the last 30 days. Bad input raises ValidationError with the field's message."""
    raw_range = (query.get("range") or "").strip()
    raw_from = (query.get("from") or "").strip()
    raw_to = (query.get("to") or "").strip()
    if raw_range and (raw_from or raw_to):
        raise ValidationError(_("Give either range or from and to, not both."))
    if not (raw_from or raw_to):
        if not raw_range:
            return period_last(company=company, days=DEFAULT_DAYS)
        if raw_range not in {str(days) for days in PRESETS}:
            raise ValidationError({"range": [_("Choose a range of 7, 30 or 90 days.")]})
        return period_last(company=company, days=int(raw_range))
    if not raw_from:
        raise ValidationError({"from": [_("Give the first day too.")]})
    if not raw_to:
        raise ValidationError({"to": [_("Give the last day too.")]})
    first, last = _date(raw_from, "from"), _date(raw_to, "to")
    if last < first:
        raise ValidationError({"to": [_("The last day is before the first day.")]})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError({"to": [_("A range can be at most %(days)d days long.") % {"days": MAX_DAYS}]})
    return Period(first, last)
