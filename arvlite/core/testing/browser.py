"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live
server. A failing test keeps a full-page screenshot under test-results/."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

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
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "test-results"


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


@contextmanager
def browser_tab(
    browser: Any,
    base_url: str,
    request: pytest.FixtureRequest,
    *,
    on_failure: Callable[[], str] | None = None,
    locale: str = "en-US",
    viewport: dict[str, int] | None = None,
) -> Iterator[Any]:
    """A fresh tab on ``base_url``; if the test fails, a full-page screenshot is kept (and
    ``on_failure``'s text, e.g. a server's log, printed)."""
    options: dict[str, Any] = {"locale": locale, "base_url": base_url}
    if viewport is not None:
        options["viewport"] = viewport
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        target = SCREENSHOT_DIR / (re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid) + ".png")
        tab.screenshot(path=str(target), full_page=True)
        print(f"\nScreenshot of the failed page: {target}")
        if on_failure is not None:
            print(on_failure())
    context.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab on the live server; a screenshot is kept if the test fails."""
    with browser_tab(browser, live_server.url, request) as tab:
        yield tab


def sign_in(tab: Any, email: str, password: str, *, lands_on: str = "**/c/*/") -> None:
    """Sign in through the login page, as a person would, and wait for the landing page."""
    tab.goto("/accounts/login/")
    tab.fill("input[name=username]", email)
    tab.fill("input[name=password]", password)
    tab.click("button.primary")
    tab.wait_for_url(lands_on)
