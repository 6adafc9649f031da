"""The production layout, started exactly as README "Running in production" says
(``scripts/serve web``, ``ws`` and ``viewer``) on free ports against the test database:

- HTTP on gunicorn holds at most workers × threads database connections under a burst with
  persistent connections on, and every request answers;
- an anonymous or over-limit upload is refused from its headers, long before its body;
- WebSocket on uvicorn serves signed-in sockets only, and no page of the site.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.servers import ServerProcess, running_server, subprocess_env
from companies.models import Company, User
from companies.tests.factories import TEST_PASSWORD
from notifications.consumers import user_group

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WEB_WORKERS, WEB_THREADS = 2, 3
CONNECTION_BOUND = WEB_WORKERS * WEB_THREADS  # the formula in README "Running in production"
WEB_APP_NAME = f"arvlite-test-web-{uuid.uuid4().hex[:8]}"
WS_APP_NAME = f"arvlite-test-ws-{uuid.uuid4().hex[:8]}"
ONE_AND_A_HALF_GB = 1610612736
TUS = {"Tus-Resumable": "1.0.0"}
METRICS_TOKEN = f"scrape-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def web(django_db_setup: None) -> Iterator[ServerProcess]:
    env = subprocess_env(
        DATABASE_CONN_MAX_AGE="60",  # persistent connections: what piled up under ASGI
        WEB_CONCURRENCY=str(WEB_WORKERS),
        GUNICORN_THREADS=str(WEB_THREADS),
        PGAPPNAME=WEB_APP_NAME,  # libpq names the server's connections in pg_stat_activity
        THROTTLE_USER="100000/minute",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    with running_server(["scripts/serve", "web"], env=env) as server:
        yield server


@pytest.fixture(scope="module")
def ws(django_db_setup: None) -> Iterator[ServerProcess]:
    env = subprocess_env(DATABASE_CONN_MAX_AGE="60", WS_WORKERS="1", PGAPPNAME=WS_APP_NAME)
    with running_server(["scripts/serve", "ws"], env=env, port_variable="WS_PORT") as server:
        yield server


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def connections_of(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = %s AND pid <> pg_backend_pid()",
            [application_name],
        )
        return int(cursor.fetchone()[0])


def request(
    server: ServerProcess, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def sign_in(server: ServerProcess, email: str) -> tuple[int, Any]:
    return request(server, "POST", "/api/v1/auth/token/", {"email": email, "password": TEST_PASSWORD})


def get_many(server: ServerProcess, path: str, token: str, count: int) -> list[int | str]:
    """``count`` GETs over one kept-alive connection (reopened when the server closes it)."""
    statuses: list[int | str] = []
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        for _ in range(count):
            try:
                conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                statuses.append(type(error).__name__)
                conn.close()
    finally:
        conn.close()
    return statuses


def test_it_keeps_database_connections_bounded_under_a_burst(
    web: ServerProcess, company: Company, owner: User
) -> None:
    status, tokens = sign_in(web, owner.email)
    assert status == 200, tokens
    path = f"/api/v1/companies/{company.slug}/projects/"
    clients, each = 8, 100

    peak = 0
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(get_many, web, path, tokens["access"], each) for _ in range(clients)]
        while not all(future.done() for future in futures) and time.monotonic() - started < 120:
            peak = max(peak, connections_of(WEB_APP_NAME))
            time.sleep(0.05)
        statuses = [status for future in futures for status in future.result(timeout=60)]
    elapsed = time.monotonic() - started
    time.sleep(1)
    idle = connections_of(WEB_APP_NAME)
    print(
        f"\nburst: {len(statuses)} GETs from {clients} clients in {elapsed:.1f} s "
        f"({len(statuses) / elapsed:.0f}/s); connections: peak {peak}, idle {idle}, "
        f"bound {CONNECTION_BOUND}"
    )

    assert [s for s in statuses if s != 200] == []
    assert len(statuses) == clients * each
    assert 0 < peak <= CONNECTION_BOUND
    # Persistent (DATABASE_CONN_MAX_AGE=60), so kept after the burst — but never more.
    assert 0 < idle <= CONNECTION_BOUND
    status, again = sign_in(web, owner.email)
    assert status == 200, again
    assert again["access"]


def announce(
    server: ServerProcess, method: str, path: str, headers: dict[str, str], sent: bytes = b""
) -> tuple[int, Any, float]:
    """Send the request line, ``headers`` and only ``sent`` of the body they announce; the
    answer's status, JSON body and seconds from the send to the answer's last byte."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {server.host}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(head.encode() + sent)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed without an answer: {answer!r}"
            answer += chunk
        top, body = answer.split(b"\r\n\r\n", 1)
        fields = dict(line.split(": ", 1) for line in top.decode("latin-1").split("\r\n")[1:])
        length = int({k.lower(): v for k, v in fields.items()}.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk, "the server closed in the middle of its answer"
            body += chunk
        elapsed = time.monotonic() - started
    return int(top.split(b" ", 2)[1]), json.loads(body) if body else None, elapsed


def multipart_start(field: str, filename: str, content_type: str) -> tuple[dict[str, str], bytes]:
    """Headers of a form announcing 1.5 GB, and its first 4 KiB."""
    headers = {
        "Content-Type": "multipart/form-data; boundary=b0und",
        "Content-Length": str(ONE_AND_A_HALF_GB),
    }
    part = (
        f'--b0und\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return headers, part + b"\0" * (4096 - len(part))


def _requests_counted(server: ServerProcess) -> float:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        response = conn.getresponse()
        text = response.read().decode()
        assert response.status == 200, text[:300]
    finally:
        conn.close()
    match = re.search(r"^django_http_requests_before_middlewares_total (\S+)$", text, re.MULTILINE)
    assert match, text[:500]
    return float(match.group(1))


def test_metrics_add_up_every_worker_of_the_server(web: ServerProcess) -> None:
    """A scrape reaches one worker; the counters it serves are the whole server's."""
    directory = Path(tempfile.gettempdir()) / f"arvlite-metrics-web-{web.port}"
    before = _requests_counted(web)
    for _ in range(40):  # a new connection each: the workers share them out
        assert request(web, "GET", "/healthz")[0] == 200
    after = _requests_counted(web)
    assert after - before == 41  # the 40 and this scrape, whichever worker served them
    pids = {name.rsplit("_", 1)[-1].split(".")[0] for name in os.listdir(directory)}
    assert len(pids) >= WEB_WORKERS, sorted(os.listdir(directory))


def test_it_refuses_an_anonymous_upload_of_1_5_gb_from_the_headers(
    web: ServerProcess, company: Company
) -> None:
    base = f"/api/v1/companies/{company.slug}"
    content = f"{base}/ar-content/{uuid.uuid4()}"
    stream = {
        **TUS,
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": str(ONE_AND_A_HALF_GB),
    }
    cases = {
        "files": ("POST", f"{base}/files/", *multipart_start("file", "big.mp4", "video/mp4")),
        "photo": ("POST", f"{base}/ar-content/", *multipart_start("photo", "big.jpg", "image/jpeg")),
        "video": ("POST", f"{content}/videos/", *multipart_start("file", "big.mp4", "video/mp4")),
        "tus creation": (
            "POST", f"{content}/uploads/", {**stream, "Upload-Length": str(ONE_AND_A_HALF_GB)}, b"\0" * 4096,
        ),
        "tus part": ("PATCH", f"{content}/uploads/{uuid.uuid4()}/", {**stream, "Upload-Offset": "0"}, b"\0" * 4096),
    }  # fmt: skip
    timings = {}
    for name, (method, path, headers, sent) in cases.items():
        status, body, elapsed = announce(web, method, path, headers, sent)
        assert (name, status, body["code"]) == (name, 401, "not_authenticated")
        assert elapsed < 3, f"{name}: {elapsed:.2f} s to the 401"
        timings[name] = elapsed
    print(
        "\ntime to the 401: "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in timings.items())
    )
    assert request(web, "GET", "/healthz")[0] == 200  # and the server still answers


def test_it_refuses_an_announced_upload_over_the_limits_from_the_headers(
    web: ServerProcess, company: Company, editor: User, content: ARContent
) -> None:
    bearer = {"Authorization": f"Bearer {RefreshToken.for_user(editor).access_token}"}
    base = f"/api/v1/companies/{company.slug}"
    uploads = f"{base}/ar-content/{content.unique_id}/uploads/"
    status, small = request(web, "POST", uploads, headers={**bearer, **TUS, "Upload-Length": "1000"})
    assert status == 201, small
    video, video_start = multipart_start("file", "big.mp4", "video/mp4")
    photo, photo_start = multipart_start("photo", "big.jpg", "image/jpeg")
    stream = {**TUS, "Content-Type": "application/offset+octet-stream"}
    cases = {
        "video over VIDEO_UPLOAD_MAX_BYTES": (
            "POST", f"{base}/ar-content/{content.unique_id}/videos/", video, video_start, 413, "quota_exceeded",
        ),
        "file over FILE_UPLOAD_MAX_BYTES": (
            "POST", f"{base}/files/", {**video, "Content-Length": str(settings.FILE_UPLOAD_MAX_BYTES + 1)},
            video_start, 413, "quota_exceeded",
        ),
        "tus creation over Tus-Max-Size": (
            "POST", uploads, {**TUS, "Upload-Length": str(ONE_AND_A_HALF_GB), "Content-Length": "0"}, b"",
            413, "quota_exceeded",
        ),
        "tus part past Upload-Length": (
            "PATCH", f"{uploads}{small['upload_id']}/",
            {**stream, "Upload-Offset": "0", "Content-Length": str(ONE_AND_A_HALF_GB)}, b"\0" * 4096,
            413, "upload_length_exceeded",
        ),
        # Photo routes answer a field error, as for a photo found too large after reading.
        "photo over PHOTO_MAX_BYTES": (
            "POST", f"{base}/ar-content/", photo, photo_start, 400, "validation_error",
        ),
    }  # fmt: skip
    for name, (method, path, headers, sent, expected, code) in cases.items():
        status, body, elapsed = announce(web, method, path, {**bearer, **headers}, sent)
        assert (name, status, body["code"]) == (name, expected, code), body
        assert elapsed < 3, f"{name}: {elapsed:.2f} s to the {status}"
    assert "larger than" in body["errors"]["photo"][0]


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)  # a committed session row the server process reads
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_the_websocket_server_serves_signed_in_sockets_and_nothing_else(
    ws: ServerProcess, company: Company, owner: User
) -> None:
    url, origin = f"ws://{ws.host}:{ws.port}/ws/notifications/", Origin(f"http://{ws.host}:{ws.port}")
    layer = get_channel_layer()
    assert layer is not None

    with connect(
        url, origin=origin, additional_headers={"Cookie": session_cookie(owner)}, proxy=None
    ) as sock:
        sock.send(json.dumps({"type": "ping"}))
        assert json.loads(sock.recv(timeout=5)) == {"type": "pong"}
        # From this process through Redis to the server's socket.
        async_to_sync(layer.group_send)(
            user_group(owner.pk), {"type": "notification.message", "payload": {"unread_count": 2}}
        )
        assert json.loads(sock.recv(timeout=5)) == {"type": "notification", "payload": {"unread_count": 2}}

    with pytest.raises(InvalidStatus) as anonymous:
        connect(url, origin=origin, proxy=None, open_timeout=5)
    assert anonymous.value.response.status_code == 403
    foreign_origin = Origin("https://evil.example.net")
    with pytest.raises(InvalidStatus) as foreign:
        connect(url, origin=foreign_origin, additional_headers={"Cookie": session_cookie(owner)}, proxy=None)
    assert foreign.value.response.status_code == 403

    # Plain HTTP: the probe, and a 404 for every page of the site.
    assert request(ws, "GET", "/healthz") == (200, {"status": "ok"})
    for path in ("/", "/api/v1/companies/", "/accounts/login/", "/admin/"):
        status, body = request(ws, "GET", path)
        assert (path, status, body["code"]) == (path, 404, "not_found")
    headers, sent = multipart_start("file", "big.mp4", "video/mp4")
    status, _, elapsed = announce(ws, "POST", f"/api/v1/companies/{company.slug}/files/", headers, sent)
    assert status == 404
    assert elapsed < 3

    # All database calls of a Channels process share one thread: one persistent connection.
    print(f"\nws server connections after 3 handshakes: {connections_of(WS_APP_NAME)}")
    assert connections_of(WS_APP_NAME) == 1


@pytest.fixture(scope="module")
def viewer_pool(django_db_setup: None) -> Iterator[ServerProcess]:
    # The HTTPS redirect on, as in production: the proxy's X-Forwarded-Proto must reach Django.
    env = subprocess_env(VIEWER_WORKERS="1", SECURE_SSL_REDIRECT="true")
    with running_server(["scripts/serve", "viewer"], env=env, port_variable="VIEWER_PORT") as server:
        yield server


def _comparable(status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
    """What must match between the viewer pool and the plain Django views: the status, the
    headers clients read and the body, less what differs between any two requests."""
    kept = {name.lower(): value for name, value in headers.items()
            if name.lower() in {"content-type", "etag", "cache-control", "vary", "retry-after"}}  # fmt: skip
    parsed: Any = json.loads(body) if body else None
    if isinstance(parsed, dict):
        parsed.pop("request_id", None)
        if isinstance(parsed.get("video"), dict):
            parsed["video"].pop("selected_at", None)
    return status, kept, parsed


def test_the_viewer_pool_answers_as_the_views_do_over_one_kept_alive_connection(
    viewer_pool: ServerProcess, company: Company
) -> None:
    """``scripts/serve viewer`` (granian) gives the answers of the Django views for content in
    every state, and keeps the connection open between scans."""
    from datetime import timedelta

    from django.utils import timezone

    from videos.tests.factories import make_video

    with company_scope(company):
        year = timezone.now() + timedelta(days=365)
        playable = make_content(
            company, status=ARContent.Status.ACTIVE, published_at=timezone.now(), expires_at=year
        )
        make_video(playable, title="Wedding")
        expired = make_content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                               expires_at=timezone.now() - timedelta(days=1))  # fmt: skip
        paused = make_content(company, status=ARContent.Status.PAUSED)
    ids = [str(c.unique_id) for c in (playable, expired, paused)] + [str(uuid.uuid4()), "not-an-id"]
    # The TLS proxy in front (SECURE_SSL_REDIRECT); one language for both (the server's default
    # is the deployment's, the test client's English).
    proxy = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}
    conn = http.client.HTTPConnection(viewer_pool.host, viewer_pool.port, timeout=30)
    try:
        conn.connect()
        first_socket = conn.sock
        for uid in ids:
            for endpoint in ("check", "manifest"):  # check first: a manifest moves no cursor of it
                path = f"/api/viewer/ar/{uid}/{endpoint}"
                conn.request("GET", path, headers=proxy)
                response = conn.getresponse()
                pooled = _comparable(response.status, dict(response.getheaders()), response.read())
                plain = Client().get(path, headers=proxy, secure=True)
                assert pooled == _comparable(plain.status_code, dict(plain.headers), plain.content), path
        conn.request("GET", f"/view/{playable.unique_id}", headers=proxy)
        page = conn.getresponse()
        assert page.status == 200
        assert b"<html" in page.read()
        assert conn.sock is first_socket  # one connection for all twelve requests
    finally:
        conn.close()
    # Without the proxy's word that the request came over HTTPS, the answer is the redirect.
    assert request(viewer_pool, "GET", f"/api/viewer/ar/{playable.unique_id}/check")[0] == 301
