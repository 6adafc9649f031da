"""Coarse country of a client address, when a GeoIP2/GeoLite2 country database is configured
(``GEOIP_COUNTRY_DB``, a .mmdb file). Only the two-letter code is kept, never the address."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)


@lru_cache(maxsize=1)
def _reader(path: str) -> Any:
    if not path:
        return None
    import geoip2.database

    try:
        return geoip2.database.Reader(path)
    except (OSError, ValueError) as error:
        logger.warning("geoip.unavailable", path=path, error=str(error))
        return None


def country_of(ip: str) -> str:
    reader = _reader(settings.GEOIP_COUNTRY_DB)
    if reader is None:
        return ""
    try:
        return reader.country(ip).country.iso_code or ""
    except Exception:
        return ""
