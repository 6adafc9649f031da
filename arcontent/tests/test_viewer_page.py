"""The public /view page, the /ar redirect and the app association files."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.viewer.events import events_key
from arvlite.core import redis as shared_redis
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company
from companies.tests.media import png_bytes
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)
Status = ARContent.Status


@pytest.fixture(autouse=True)
def _company_scope(company: Company) -> Iterator[None]:
    """The page is public: no company scope is active while it renders."""
    with scopes_disabled():
        yield


def published(company: Company, *, video: str | None = "First dance", **fields: Any) -> ARContent:
    """Published content with one ready video titled `video` (None: no video)."""
    fields = {"status": Status.ACTIVE, "published_at": timezone.now(),
              "expires_at": timezone.now() + timedelta(days=365), **fields}  # fmt: skip
    content = make_content(company, **fields)
    if video is not None:
        make_video(content, title=video)
    return content


def view(path: str, language: str = "en") -> Any:
    return Client().get(path, HTTP_ACCEPT_LANGUAGE=language)


def page_config(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    start = html.index('<script id="viewer-config" type="application/json">') + len(
        '<script id="viewer-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def buffered_views() -> int:
    client = shared_redis.client()
    assert client is not None
    return int(client.llen(events_key()))


@pytest.fixture
def content(company: Company) -> ARContent:
    company.brand_color = "#d9480f"
    company.save()
    return published(company, video="Anna & Ivan's dance", customer_name="Anna Petrova")


def test_it_shows_published_content_with_the_company_brand(content: ARContent) -> None:
    uid = str(content.unique_id)
    response = view(f"/view/{uid}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-ar-state="loading"' in html
    assert "Alice Photo" in html
    assert "--brand: #d9480f" in html
    assert "Anna &amp; Ivan&#x27;s dance" in html  # the video's title
    assert "Anna Petrova" not in html  # never the customer's name
    assert f'href="arv://view/{uid}"' in html
    config = page_config(response)
    assert config["uid"] == uid
    assert config["manifestUrl"] == f"/api/viewer/ar/{uid}/manifest"
    assert config["sessionsUrl"] == f"/api/viewer/ar/{uid}/sessions"
    assert config["modules"]["three"].endswith(".js")
    assert config["modules"]["mindar"].endswith(".js")
    assert '<script type="module" src="/static/viewer/viewer.js">' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "media-src 'self' blob: data: http://127.0.0.1:8000;" in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_sign_in_and_ignores_who_is_signed_in(
    content: ARContent, client: Client, owner: Any
) -> None:
    client.force_login(owner)
    signed_in = client.get(f"/view/{content.unique_id}", HTTP_ACCEPT_LANGUAGE="en")
    anonymous = view(f"/view/{content.unique_id}")
    assert signed_in.status_code == anonymous.status_code == 200
    assert owner.email not in signed_in.content.decode()


def test_rendering_the_page_counts_no_view(content: ARContent) -> None:
    uid = str(content.unique_id)
    view(f"/view/{uid}")
    view(f"/view/{uid}?c=7")
    assert buffered_views() == 0
    Client().get(f"/api/viewer/ar/{uid}/manifest?src=web")
    assert buffered_views() == 1  # the page's script does this


def test_it_answers_in_the_browsers_language(content: ARContent) -> None:
    russian = view(f"/view/{content.unique_id}", "ru-RU,ru;q=0.9")
    english = view(f"/view/{content.unique_id}", "en-US,en;q=0.8")
    assert '<html lang="ru">' in russian.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "Open in the app" in english.content.decode()
    assert "Открыть в приложении" in russian.content.decode()
    missing = view(f"/view/{uuid.uuid4()}", "ru")
    assert "Страница не найдена" in missing.content.decode()
    assert "Page not found" in view(f"/view/{uuid.uuid4()}", "en").content.decode()


@pytest.mark.parametrize(
    ("changes", "reason", "status"),
    [
        ({"status": Status.PAUSED}, "content_not_active", 409),
        ({"status": Status.DRAFT}, "content_not_active", 409),
        ({"status": Status.EXPIRED}, "subscription_expired", 410),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "subscription_expired", 410),
        ({"pipeline_status": ARContent.Pipeline.RUNNING}, "marker_still_generating", 409),
        ({"video": None}, "no_playable_video", 409),
    ],
    ids=["paused", "draft", "expired", "expired-by-date", "marker-generating", "no-video"],
)
def test_unavailable_content_gets_a_friendly_page(
    company: Company, changes: dict[str, Any], reason: str, status: int
) -> None:
    content = published(company, **changes)
    response = view(f"/view/{content.unique_id}")
    assert response.status_code == status
    html = response.content.decode()
    assert f'data-reason="{reason}"' in html
    assert "Alice Photo" in html  # still the company's page
    assert "viewer-config" not in html
    assert "Traceback" not in html


@pytest.mark.parametrize("uid", ["6d1f3c0e-1c1b-4b59-9e0c-2f6a3e9b8d11", "not-an-id", "demo_9", "demo_4"])
def test_unknown_or_malformed_ids_get_a_friendly_404(company: Company, uid: str) -> None:
    response = view(f"/view/{uid}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Alice Photo" not in html


def test_too_many_requests_get_a_friendly_429(content: ARContent, settings: Any) -> None:
    settings.VIEWER_THROTTLE_PER_MINUTE = 2
    answers = [view(f"/view/{content.unique_id}") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) >= 1
    assert "Too many requests" in answers[2].content.decode()


def test_a_demo_id_opens_its_demo(company: Company) -> None:
    published(company, demo_slot=3, video="Demo wedding")
    response = view("/view/demo_3")
    assert response.status_code == 200
    assert "Demo wedding" in response.content.decode()
    assert page_config(response)["uid"] == "demo_3"
    assert 'href="arv://view/demo_3"' in response.content.decode()


def test_deep_link_and_store_badges_follow_the_settings(content: ARContent, settings: Any) -> None:
    path = f"/view/{content.unique_id}?c=12"
    settings.VIEWER_APP_STORE_URL = ""
    settings.VIEWER_PLAY_STORE_URL = ""
    html = view(path).content.decode()
    assert 'data-testid="app-store"' not in html
    assert 'data-testid="google-play"' not in html
    assert f'href="arv://view/{content.unique_id}?c=12"' in html

    settings.VIEWER_APP_SCHEME = "livephoto"
    settings.VIEWER_APP_STORE_URL = "https://apps.apple.com/app/id123"
    settings.VIEWER_PLAY_STORE_URL = "https://play.google.com/store/apps/details?id=ru.arvlite"
    response = view(path)
    html = response.content.decode()
    assert f'href="livephoto://view/{content.unique_id}?c=12"' in html
    assert 'href="https://apps.apple.com/app/id123"' in html
    assert 'href="https://play.google.com/store/apps/details?id=ru.arvlite"' in html
    assert page_config(response)["copy"] == "12"


def test_no_other_company_data_on_the_page(
    content: ARContent, company: Company, other_company: Company
) -> None:
    for owner in (company, other_company):
        owner.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    other_company.brand_color = "#123456"
    other_company.save()
    theirs = published(other_company, video="Boris and Vera")
    html = view(f"/view/{content.unique_id}").content.decode()
    assert f"/brand/{company.pk}/logo?v=" in html
    for foreign in ("Bob Prints", "Boris", "#123456", str(theirs.unique_id), theirs.order_number,
                    f"/brand/{other_company.pk}/"):  # fmt: skip
        assert foreign not in html
    assert "Bob Prints" in view(f"/view/{theirs.unique_id}").content.decode()


def test_old_qr_codes_are_redirected_with_their_query(content: ARContent) -> None:
    response = Client().get(f"/ar/{content.unique_id}?c=5&x=1")
    assert response.status_code == 301
    assert response["Location"] == f"/view/{content.unique_id}?c=5&x=1"
    assert Client().get("/ar/demo_1")["Location"] == "/view/demo_1"


def test_android_asset_links_come_from_the_settings(settings: Any) -> None:
    settings.ANDROID_APP_PACKAGE = ""
    empty = Client().get("/.well-known/assetlinks.json")
    assert empty.status_code == 200
    assert empty["Content-Type"] == "application/json"
    assert empty.json() == []

    settings.ANDROID_APP_PACKAGE = "ru.arvlite.viewer"
    settings.ANDROID_APP_SHA256_FINGERPRINTS = ["AA:BB", "CC:DD"]
    assert Client().get("/.well-known/assetlinks.json").json() == [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": "ru.arvlite.viewer",
                "sha256_cert_fingerprints": ["AA:BB", "CC:DD"],
            },
        }
    ]


def test_apple_app_site_association_comes_from_the_settings(settings: Any) -> None:
    settings.IOS_APP_IDS = []
    empty = Client().get("/.well-known/apple-app-site-association")
    assert empty.status_code == 200
    assert empty["Content-Type"] == "application/json"
    assert empty.json() == {"applinks": {"apps": [], "details": []}}

    settings.IOS_APP_IDS = ["ABCDE12345.ru.arvlite.viewer"]
    details = Client().get("/.well-known/apple-app-site-association").json()["applinks"]["details"]
    assert details == [
        {
            "appIDs": ["ABCDE12345.ru.arvlite.viewer"],
            "components": [{"/": "/view/*"}],
            "appID": "ABCDE12345.ru.arvlite.viewer",
            "paths": ["/view/*"],
        }
    ]
