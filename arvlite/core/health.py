"""Liveness and readiness probes for load balancers and orchestrators, and the metrics
endpoint for Prometheus."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from arvlite.core.metrics import exposition

PROBE_TIMEOUT_SECONDS = 2


def check_database() -> None:
    """A new connection, not the process's own: a database that refuses connections must
    show even while a connection opened before keeps working (or after it was dropped and
    the next request would open one)."""
    probe = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        probe.close()


def check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The dependencies this process needs to serve traffic, by name."""
    checks: dict[str, Callable[[], None]] = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    return checks


def readiness_results() -> dict[str, str]:
    """Each dependency's check: "ok" or "error: <exception class>" (for /readyz and /metrics)."""
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception as exc:
            results[name] = f"error: {exc.__class__.__name__}"
        else:
            results[name] = "ok"
    return results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Touches nothing else, so a slow database never gets a
    healthy web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 when every dependency answers, else 503 naming the failing parts."""
    results = readiness_results()
    failing = sorted(name for name, result in results.items() if result != "ok")
    body: dict[str, object] = {"status": "ok" if not failing else "unavailable", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def _may_scrape(request: HttpRequest) -> bool:
    """A bearer METRICS_TOKEN, or a direct peer in METRICS_ALLOWED_NETWORKS. The peer is
    REMOTE_ADDR, never a forwarded header: behind a proxy on this host every visitor would
    look like the proxy, so its address must not be listed."""
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        peer in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format for a scraper that may read it; 404 for anyone else (the
    figures name routes and volumes)."""
    if not _may_scrape(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
