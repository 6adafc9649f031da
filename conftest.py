"""The cast every test can use (STYLE.md): a company with one member per role, another
company with its own owner, an outsider, and API clients signed in as any of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from arvlite.core.roles import Role
from companies.models import Company, User
from companies.tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytest_plugins = [
    "arvlite.core.testing.browser",
    "arvlite.core.testing.celery",
    "arvlite.core.testing.storage",
    "companies.tests.scoping",
]

# What makes a test slow without an explicit mark: it drives a browser, starts a Celery
# worker, a live server or the S3 server (the "s3" run of storage_backend starts it too).
SLOW_MARKERS = ("browser", "worker")
SLOW_FIXTURES = {"celery_worker", "live_server", "s3_server", "s3_storage"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark such tests ``slow`` so the quick lane (scripts/test --quick) can skip them."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_s3 = callspec is not None and callspec.params.get("storage_backend") == "s3"
        starts_something = SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if on_s3 or starts_something or any(item.get_closest_marker(name) for name in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _delete_what_this_run_left() -> Iterator[None]:
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"*{settings.TEST_RUN_PREFIX}*", count=1000):
        client.delete(key)
    client.close()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_redis() -> Iterator[None]:
    """Each test starts with nothing of this run in Redis: no throttle buckets, cached
    viewer snapshots, buffered views or cursors of an earlier test (the keys outlive tests)."""
    from arvlite.core import redis as shared_redis

    url = settings.REDIS_URL  # read now: a test may point the setting elsewhere
    shared_redis.reset_breaker()
    yield
    shared_redis.reset_breaker()
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{settings.TEST_RUN_PREFIX}:*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Alice Photo", slug="alice-photo")


@pytest.fixture
def other_company(db: None) -> Company:
    return CompanyFactory(name="Bob Prints", slug="bob-prints")


def _member(company: Company, role: str, email: str) -> User:
    return MembershipFactory(company=company, role=role, user=UserFactory(email=email)).user


@pytest.fixture
def owner(company: Company) -> User:
    return _member(company, Role.OWNER, "owner@alice.example.com")


@pytest.fixture
def manager(company: Company) -> User:
    return _member(company, Role.MANAGER, "manager@alice.example.com")


@pytest.fixture
def editor(company: Company) -> User:
    return _member(company, Role.EDITOR, "editor@alice.example.com")


@pytest.fixture
def viewer(company: Company) -> User:
    return _member(company, Role.VIEWER, "viewer@alice.example.com")


@pytest.fixture
def outsider(other_company: Company) -> User:
    """Owner of another company: must never see anything of ``company``."""
    return _member(other_company, Role.OWNER, "owner@bob.example.com")


@pytest.fixture
def members(owner: User, manager: User, editor: User, viewer: User) -> dict[str, User]:
    return {Role.OWNER: owner, Role.MANAGER: manager, Role.EDITOR: editor, Role.VIEWER: viewer}


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_client_for() -> Callable[[User], APIClient]:
    """An API client authenticated with a real JWT access token for ``user``."""

    def make(user: User) -> APIClient:
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> None:
    # Assertions read English messages; i18n tests ask for Russian explicitly.
    settings.LANGUAGE_CODE = "en"
