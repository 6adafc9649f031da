"""Figures → what the portal page shows: chart series for json_script and table rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from arcontent.analytics.figures import Figures, Share
from arcontent.models import ViewSession


@dataclass(frozen=True, slots=True)
class ShareRow:
    label: str
    views: int
    percent: float


def share_label(key: str | None, *, devices: bool = False) -> str:
    if key is None:
        return _("Others")
    if not key:
        return _("Unknown")
    if devices and key in ViewSession.Device.values:
        return str(ViewSession.Device(key).label)
    return key


def share_rows(shares: list[Share], *, devices: bool = False) -> list[ShareRow]:
    total = sum(share.views for share in shares) or 1
    return [
        ShareRow(share_label(share.key, devices=devices), share.views, round(100 * share.views / total, 1))
        for share in shares
    ]


def _series(shares: list[Share], *, devices: bool = False) -> dict[str, list[Any]]:
    return {
        "labels": [share_label(share.key, devices=devices) for share in shares],
        "values": [share.views for share in shares],
    }


def chart_data(figures: Figures) -> dict[str, Any]:
    """Everything analytics.js draws; labels are translated here, numbers stay numbers."""
    return {
        "days": [day.day.isoformat() for day in figures.daily],
        "views": [day.counts.views for day in figures.daily],
        "visitors": [day.counts.visitors for day in figures.daily],
        "devices": _series(figures.devices, devices=True),
        "os": _series(figures.systems),
        "browsers": _series(figures.browsers),
        "names": {"views": _("Views"), "visitors": _("Unique visitors")},
    }
