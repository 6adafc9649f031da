"""The viewer's fast lane (arcontent/viewer/fastlane.py) answers manifest and check exactly as
the full middleware stack does, and leaves every other request to that stack."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.viewer.fastlane import FAST_LANE, SKIPPED, VIEWS
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)

Status = ARContent.Status


@pytest.fixture(autouse=True)
def _no_scope(company: Any) -> Any:
    from arvlite.core.tenancy import scopes_disabled

    with scopes_disabled():
        yield


def with_lane() -> list[str]:
    if FAST_LANE in django_settings.MIDDLEWARE:
        return list(django_settings.MIDDLEWARE)
    names = list(django_settings.MIDDLEWARE)
    names.insert(names.index("django.middleware.security.SecurityMiddleware") + 1, FAST_LANE)
    return names


def without_lane() -> list[str]:
    return [name for name in django_settings.MIDDLEWARE if name != FAST_LANE]


def published(company: Any, **fields: Any) -> ARContent:
    fields.setdefault("expires_at", timezone.now() + timedelta(days=365))
    fields.setdefault("published_at", timezone.now())
    return make_content(company, status=Status.ACTIVE, **fields)


def answer(settings: Any, middleware: list[str], method: str, path: str, **extra: Any) -> Any:
    settings.MIDDLEWARE = middleware
    return getattr(Client(), method)(path, **extra)


def comparable(response: Any) -> tuple[int, dict[str, str], Any]:
    """Status, headers and body, without what differs between any two requests: the request
    id (header, and in error bodies) and the moment the video was chosen."""
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    body: Any = response.content
    if body and headers.get("Content-Type") == "application/json":
        body = json.loads(body)
        if "request_id" in body:
            assert body.pop("request_id") == response["X-Request-ID"]
        if isinstance(body.get("video"), dict):
            body["video"].pop("selected_at", None)
    return response.status_code, headers, body


def test_the_settings_put_the_lane_early() -> None:
    names = list(django_settings.MIDDLEWARE)
    assert FAST_LANE in names
    assert names.index(FAST_LANE) == names.index("django.middleware.security.SecurityMiddleware") + 1
    assert names.index("arvlite.core.logging.RequestIdMiddleware") < names.index(FAST_LANE)


@pytest.mark.parametrize("endpoint", sorted(VIEWS))
def test_the_lanes_routes_are_the_urlconfs(endpoint: str) -> None:
    view, name, route = VIEWS[endpoint]
    match = resolve(f"/api/viewer/ar/{uuid.uuid4()}/{endpoint}")
    assert (match.func, match.url_name, match.route) == (view, name, route)


def test_same_answers_with_and_without_the_lane(settings: Any, company: Any) -> None:
    playable = published(company)
    make_video(playable, title="Wedding")
    expired = published(company, expires_at=timezone.now() - timedelta(days=1))
    paused = make_content(company, status=Status.PAUSED)
    no_video = published(company)
    ids = [str(c.unique_id) for c in (playable, expired, paused, no_video)]
    ids += [str(uuid.uuid4()), "not-an-id", "demo_1", playable.unique_id.hex]
    compared = 0
    for uid in ids:
        for endpoint in ("manifest", "check"):
            path = f"/api/viewer/ar/{uid}/{endpoint}"
            for method in ("get", "head"):
                for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "ru"}):
                    fast = answer(settings, with_lane(), method, path, **headers)
                    full = answer(settings, without_lane(), method, path, **headers)
                    assert comparable(fast) == comparable(full), (method, path, headers)
                    assert fast["X-Request-ID"]
                    compared += 1
    assert compared == 8 * 2 * 2 * 2

    # Revalidation with the ETag, and a language that changes the error message.
    path = f"/api/viewer/ar/{playable.unique_id}/manifest"
    tag = answer(settings, without_lane(), "get", path)["ETag"]
    fast = answer(settings, with_lane(), "get", path, HTTP_IF_NONE_MATCH=tag)
    full = answer(settings, without_lane(), "get", path, HTTP_IF_NONE_MATCH=tag)
    assert fast.status_code == 304
    assert comparable(fast) == comparable(full)
    path = f"/api/viewer/ar/{paused.unique_id}/manifest"
    fast = answer(settings, with_lane(), "get", path, HTTP_ACCEPT_LANGUAGE="ru")
    assert fast.json()["message"] != answer(settings, with_lane(), "get", path).json()["message"]


def test_the_lane_counts_views_like_the_full_stack(settings: Any, company: Any) -> None:
    from arcontent.viewer.flush import flush

    content = published(company)
    make_video(content)
    path = f"/api/viewer/ar/{content.unique_id}/manifest"
    for middleware in (with_lane(), without_lane()):
        assert answer(settings, middleware, "get", path).status_code == 200
        assert answer(settings, middleware, "head", path).status_code == 200  # HEAD: not a view
        assert answer(settings, middleware, "get", path.replace("manifest", "check")).status_code == 200
    assert flush().events == 2
    content.refresh_from_db()
    assert content.view_count == 2


def test_https_redirect_host_check_and_security_headers_still_apply(settings: Any, company: Any) -> None:
    content = published(company)
    make_video(content)
    path = f"/api/viewer/ar/{content.unique_id}/check"
    settings.SECURE_SSL_REDIRECT = True
    fast = answer(settings, with_lane(), "get", path)
    full = answer(settings, without_lane(), "get", path)
    assert fast.status_code == 301
    assert comparable(fast) == comparable(full)
    secure = answer(settings, with_lane(), "get", path, secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"]
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["X-Frame-Options"] == "DENY"
    assert secure["Content-Length"] == str(len(secure.content))
    settings.SECURE_SSL_REDIRECT = False
    for middleware in (with_lane(), without_lane()):
        assert answer(settings, middleware, "get", path, HTTP_HOST="evil.example.com").status_code == 400


def test_the_lane_skips_the_middleware_it_names(settings: Any, company: Any) -> None:
    content = published(company)
    make_video(content)
    path = f"/api/viewer/ar/{content.unique_id}/manifest"
    fast = answer(settings, with_lane(), "get", path).wsgi_request
    full = answer(settings, without_lane(), "get", path).wsgi_request
    assert hasattr(full, "session")
    assert hasattr(full, "user")
    assert not hasattr(fast, "session")
    assert not hasattr(fast, "user")
    assert fast.resolver_match.view_name == full.resolver_match.view_name == "viewer-manifest"
    assert fast.resolver_match.kwargs == full.resolver_match.kwargs == {"uid": str(content.unique_id)}
    assert SKIPPED.issubset(django_settings.MIDDLEWARE)  # nothing listed that is not in use


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "active-video"),
        ("post", "manifest"),
        ("options", "check"),
        ("get", "manifest/"),
        ("get", "manifest/extra"),
    ],
)
def test_other_requests_take_the_full_stack(settings: Any, company: Any, method: str, suffix: str) -> None:
    content = published(company)
    make_video(content)
    path = f"/api/viewer/ar/{content.unique_id}/{suffix}"
    fast = answer(settings, with_lane(), method, path)
    full = answer(settings, without_lane(), method, path)
    assert hasattr(fast.wsgi_request, "session")
    assert fast.status_code == full.status_code
    assert fast["X-Request-ID"]


def test_non_viewer_paths_pass_through(settings: Any, db: None) -> None:
    fast = answer(settings, with_lane(), "get", "/healthz")
    full = answer(settings, without_lane(), "get", "/healthz")
    assert fast.status_code == full.status_code == 200
    assert hasattr(fast.wsgi_request, "session")


def test_the_access_log_line_is_written(settings: Any, company: Any, caplog: Any) -> None:
    content = published(company)
    make_video(content)
    path = f"/api/viewer/ar/{content.unique_id}/manifest"
    caplog.set_level(logging.INFO, logger="arvlite.request")
    response = answer(settings, with_lane(), "get", path)
    lines = [record.msg for record in caplog.records if record.name == "arvlite.request"]
    assert len(lines) == 1
    line = lines[0]
    assert (line["event"], line["method"], line["path"], line["status"]) == ("request", "GET", path, 200)
    assert line["request_id"] == response["X-Request-ID"]
