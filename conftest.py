"""The cast every test can use (STYLE.md): a company with one member per role, another
company with its own owner, an outsider, and API clients signed in as any of them."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from arvlite.core.roles import Role
from companies.models import Company, User
from companies.tests.factories import CompanyFactory, MembershipFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _delete_redis_keys_of_this_run() -> Iterator[None]:
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"*{settings.TEST_RUN_PREFIX}*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with empty throttle buckets (they live in Redis across tests)."""
    url = settings.REDIS_URL  # read now: a test may point the setting elsewhere
    yield
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{settings.TEST_RUN_PREFIX}:*throttle*", count=1000):
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


# --- Browser tests: Playwright driving Debian's Chromium against the live server ---------

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: the test command installs Debian's chromium.")
    # Playwright's sync API keeps an event loop in this thread while it runs, so Django
    # would refuse the (synchronous, safe) ORM calls that tests make between browser
    # steps. Module scope ends the loop and this override before other modules run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab on the live server; a screenshot is kept if the test fails."""
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        target = SCREENSHOT_DIR / (re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid) + ".png")
        tab.screenshot(path=str(target), full_page=True)
        print(f"\nScreenshot of the failed page: {target}")
    context.close()
