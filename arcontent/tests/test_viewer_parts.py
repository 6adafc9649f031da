"""The viewer's small parts: User-Agent classes, the GeoIP country, the client address and
the visitor hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from arcontent.viewer import geo
from arcontent.viewer.clientip import client_ip
from arcontent.viewer.hotpath import visitor_hash
from arcontent.viewer.useragent import classify

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
IPAD = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36"
YANDEX = "Mozilla/5.0 (Linux; Android 12; M2101K6G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 YaBrowser/24.1.1.91.00 SA/3 Mobile Safari/537.36"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
APP = "okhttp/4.12.0"
BOT = "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"


@pytest.mark.parametrize(
    ("agent", "device", "os", "browser", "is_app"),
    [
        (IPHONE, "mobile", "iOS", "Mobile Safari", False),
        (IPAD, "tablet", "iOS", "Mobile Safari", False),
        (ANDROID_TABLET, "tablet", "Android", "Chrome", False),
        (YANDEX, "mobile", "Android", "Yandex Browser", False),
        (WINDOWS, "desktop", "Windows", "Chrome", False),
        (APP, "other", "", "okhttp", True),
        (BOT, "bot", "", "YandexBot", False),
        ("", "other", "", "", False),
    ],
)
def test_user_agents_are_classified(agent: str, device: str, os: str, browser: str, is_app: bool) -> None:
    result = classify(agent)
    assert (result.device_type, result.os, result.browser, result.is_app) == (device, os, browser, is_app)


def test_country_comes_from_the_configured_database(tmp_path: Path, settings: Any) -> None:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country")
    writer.insert_network(
        IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "RU", "names": {"en": "Russia"}}}
    )
    database = tmp_path / "country.mmdb"
    writer.to_db_file(str(database))

    settings.GEOIP_COUNTRY_DB = ""
    assert geo.country_of("203.0.113.7") == ""
    settings.GEOIP_COUNTRY_DB = str(database)
    assert geo.country_of("203.0.113.7") == "RU"
    assert geo.country_of("198.51.100.1") == ""  # not in the database
    assert geo.country_of("not an address") == ""
    settings.GEOIP_COUNTRY_DB = str(tmp_path / "missing.mmdb")
    assert geo.country_of("203.0.113.7") == ""


def test_client_ip_believes_only_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.VIEWER_TRUSTED_PROXIES = []
    assert client_ip(direct) == "198.51.100.4"
    settings.VIEWER_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_ip(direct) == "198.51.100.4"  # not from a proxy: the header is anyone's
    chained = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 192.0.2.1")
    assert client_ip(chained) == "203.0.113.9"  # the right-most untrusted hop
    only_proxies = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.3")
    assert client_ip(only_proxies) == "10.0.0.3"
    no_header = factory.get("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(no_header) == "10.0.0.2"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) == "10.0.0.2"
    ipv6 = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:DB8::1")
    assert client_ip(ipv6) == "2001:db8::1"


def test_visitor_hash_is_daily_and_hides_the_address() -> None:
    today = visitor_hash("203.0.113.7", IPHONE, "2026-11-26")
    assert today == visitor_hash("203.0.113.7", IPHONE, "2026-11-26")
    assert today != visitor_hash("203.0.113.7", IPHONE, "2026-11-27")
    assert today != visitor_hash("203.0.113.8", IPHONE, "2026-11-26")
    assert len(today) == 32
