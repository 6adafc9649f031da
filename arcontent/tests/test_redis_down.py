"""Redis killed under a running app (a private redis-server, SIGKILLed by the test): the
management API, content creation, the auth routes and the viewer keep answering, and rate
limits are enforced again once Redis is back.

Found by a fault probe: with Redis down every authenticated API request answered 500,
because DRF's throttles read their buckets through the cache and Django's Redis cache
raised redis-py's ConnectionError.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from arcontent.tests.photos import textured_jpeg
from arcontent.tests.test_api import create
from arcontent.tests.test_viewer_api import published
from arvlite.core import redis as shared_redis
from arvlite.core.api.throttling import UserOrApiKeyRateThrottle
from arvlite.core.testing.redis_server import RedisServer, private_redis
from companies.models import Company, User
from videos.tests.factories import make_video

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("scoped")]


@pytest.fixture
def own_redis(settings: Any, tmp_path: Path) -> Iterator[RedisServer]:
    """The app's cache and viewer pointed at a Redis of this test's own."""
    with private_redis(tmp_path) as server:
        settings.REDIS_URL = server.url
        settings.REDIS_RETRY_SECONDS = 0.3
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": server.url},
        }
        yield server


def keys_in(server: RedisServer) -> int:
    client = redis.Redis.from_url(server.url)
    try:
        return len(client.keys("*"))
    finally:
        client.close()


def test_the_app_keeps_answering_while_redis_is_down_and_limits_come_back_with_it(
    own_redis: RedisServer,
    company: Company,
    owner: User,
    api_client_for: Callable[[User], APIClient],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = api_client_for(owner)
    company_url = f"/api/v1/companies/{company.slug}/"
    viewer_content = published(company)
    make_video(viewer_content, title="Wedding")
    check = f"/api/viewer/ar/{viewer_content.unique_id}/check"

    assert api.get(company_url).status_code == 200
    assert keys_in(own_redis) > 0, "the throttle bucket is in this test's Redis"

    own_redis.kill()
    shared_redis.reset_breaker()  # as if the outage began just now

    started = time.monotonic()
    assert api.get(company_url).status_code == 200
    assert api.get(f"{company_url}ar-content/").status_code == 200
    created = create(api, company, textured_jpeg())
    assert created.status_code == 201, created.content
    anonymous = APIClient().post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong"})
    assert anonymous.status_code == 401, anonymous.content
    assert Client().get(check).json() == {"content_available": True}
    assert cache.get("anything") is None
    assert time.monotonic() - started < 15, "each call gave up quickly instead of hanging"

    own_redis.start()
    time.sleep(settings.REDIS_RETRY_SECONDS + 0.1)  # the breaker lets Redis be tried again
    assert api.get(company_url).status_code == 200
    assert keys_in(own_redis) > 0, "the buckets are written to Redis again"

    monkeypatch.setattr(UserOrApiKeyRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    statuses = [api.get(company_url).status_code for _ in range(4)]
    assert 429 in statuses, statuses
