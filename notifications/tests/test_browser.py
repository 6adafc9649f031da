"""The live bell in real Chromium: an editor has the dashboard open, a video of one of the
company's contents is uploaded and a real worker processes it; without a reload the bell's
count rises and a toast says the video is ready. The page is served over ASGI (see this
folder's conftest) so its WebSocket reaches Channels, and the worker's push travels through
the Redis channel layer to it."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from notifications.consumers import user_group
from notifications.models import Notification
from videos.models import Video
from videos.services import video_create
from videos.tests.factories import clip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BADGE = "[data-testid=unread-count]"
COUNT_AT_LEAST_ONE = """() => {
  const badge = document.querySelector('[data-testid=unread-count]');
  return badge && !badge.hidden && badge.offsetParent !== null && Number(badge.textContent) >= 1;
}"""


def group_send(user_id: int, payload: dict[str, Any]) -> None:
    """Send to the user's group from a thread of its own: Playwright's sync API keeps an
    event loop in the test's thread, where async_to_sync refuses to run."""
    errors: list[BaseException] = []

    def send() -> None:
        try:
            layer = get_channel_layer()
            assert layer is not None
            async_to_sync(layer.group_send)(user_group(user_id), {"type": "notification.message",
                                                                  "payload": payload})  # fmt: skip
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the channel layer did not answer within 10 s"
    assert not errors, errors


def wait_for_live_socket(page: Any, user_id: int, seconds: float = 15) -> None:
    """Until the page's own socket handler has taken a message sent to the user's group:
    the badge's text is blanked, and a count of 0 is sent until the handler writes "0"
    back (the badge stays hidden, as it is with nothing unread)."""
    page.evaluate("document.querySelector('[data-unread-count]').textContent = ''")
    deadline = time.monotonic() + seconds
    while page.evaluate("document.querySelector('[data-unread-count]').textContent") != "0":
        assert time.monotonic() < deadline, "no message sent to the user's group reached the page"
        group_send(user_id, {"unread_count": 0})
        page.wait_for_timeout(300)


def test_the_bell_counts_up_and_toasts_when_a_worker_finishes_a_video(
    page: Any, celery_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    editor = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=editor, role=Role.EDITOR)
    with company_scope(company):
        content = make_content(company)

    page.goto("/accounts/login/")
    page.fill("input[name=username]", editor.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    with page.expect_websocket(lambda ws: ws.url.endswith("/ws/notifications/")):
        page.goto("/c/sunny/")
    assert page.inner_text("[data-testid=dashboard-title]") == "Sunny Portraits"
    assert page.locator(BADGE).is_hidden()  # nothing unread yet
    wait_for_live_socket(page, editor.pk)
    assert page.locator(BADGE).is_hidden()
    page.evaluate("window.notReloaded = true")

    # The fixture hands the worker the test's Redis prefix, so its channel layer is the
    # server's; the test's language is passed here.
    monkeypatch.setenv("LANGUAGE_CODE", django_settings.LANGUAGE_CODE)
    celery_worker(["default", "media"], "browser-notifications")
    with company_scope(company):
        video = video_create(content=content, actor=editor, upload=io.BytesIO(clip_bytes(width=320, height=240)),
                             filename="beach.mp4")  # fmt: skip

    toast = page.locator("[data-testid=toast]", has_text="is ready")
    toast.wait_for(state="visible", timeout=75_000)
    # Staff are told the file name of an untitled video (viewers see a neutral title).
    assert "The video beach.mp4 is ready" in toast.inner_text()
    page.wait_for_function(COUNT_AT_LEAST_ONE, timeout=5_000)
    assert int(page.inner_text(BADGE)) >= 1
    assert page.evaluate("window.notReloaded") is True  # pushed into the open page
    with scopes_disabled():
        assert Video.objects.get(pk=video.pk).status == Video.Status.READY
    note = Notification.objects.get(recipient=editor, event="video.ready")
    assert note.read_at is None

    page.click("[data-testid=notification-bell]")  # the dropdown lists it first
    assert page.locator("[data-bell-list] li").first.inner_text() == note.title


def test_the_notification_pages_fit_a_phone(page: Any) -> None:
    """390 px wide, with every channel column of a company with a Telegram bot: the grid
    scrolls inside its card, the page itself never sideways."""
    from arvlite.core.encryption import encrypt
    from notifications.models import TelegramBot
    from notifications.services import notify

    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    owner = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=owner, role=Role.OWNER)
    with company_scope(company):
        TelegramBot.objects.create(company=company, token_encrypted=encrypt("1:x"), username="sunny_portraits_bot",
                                   webhook_secret="s" * 20)  # fmt: skip
        notify("content.ready", company=company, subject_object=make_content(company))
    page.set_viewport_size({"width": 390, "height": 844})
    fits = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
    page.goto("/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    for path in ("/notifications/", "/notifications/preferences/", "/c/sunny/settings/telegram/"):
        page.goto(path)
        assert page.evaluate(fits), path
    page.goto("/notifications/preferences/")
    assert page.locator("[data-testid=telegram-link-sunny]").is_visible()
    assert page.locator("[data-testid=pref-video\\.ready-email_digest]").count() == 1
