"""The time zone field as a searchable list of real zones: a text input with a datalist
("Mosc" finds Europe/Moscow, "+05" finds the zones at UTC+05:00), each with its offset now."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

# Legacy aliases kept by the tz database for old systems; people pick a city.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")
_REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
            "Indian/", "Pacific/")  # fmt: skip


def _offset(zone: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@functools.lru_cache(maxsize=1)
def _zones_on(day: str) -> tuple[tuple[str, str], ...]:
    now = datetime.fromisoformat(day).replace(tzinfo=UTC)
    names = sorted(
        zone for zone in zoneinfo.available_timezones()
        if zone.startswith(_REGIONS) and not zone.startswith(_LEGACY_PREFIXES)
    )  # fmt: skip
    return (("UTC", "UTC+00:00"), *((zone, _offset(zone, now)) for zone in names))


def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """(zone, its UTC offset today), cities of the world first sorted by name, then UTC."""
    return _zones_on(datetime.now(UTC).date().isoformat())


class TimeZoneInput(forms.TextInput):
    """Type to search; any real zone is accepted (the model validates it)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id', name)}-list"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', time_zone_choices())
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


TIME_ZONE_HELP = _("Start typing a city, e.g. “Moscow” or “Novosibirsk”. Dates and times of the portal, "
                   "the playback calendar and the analytics use this zone.")  # fmt: skip
