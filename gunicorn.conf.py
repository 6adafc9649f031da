"""gunicorn settings of the production HTTP server (``scripts/serve web``, README "Running
in production"). WebSocket (``/ws/``) is served by uvicorn beside it.

Why a WSGI server: the application runs as soon as the headers are in, so an upload view
refuses an anonymous caller (401) or an announced ``Content-Length`` over the limit (413)
before a byte of the body is read — Django's ASGI handler reads the whole body first. And
Django keeps one database connection per thread, so a node holds at most
``WEB_CONCURRENCY × GUNICORN_THREADS`` connections even with ``DATABASE_CONN_MAX_AGE`` > 0
(the ASGI handler leaves one behind per request thread; greenlet workers would open one per
request in flight).

Why threads (``gthread``, 4 by default): uploads stream from the client through the proxy
to the application (that is what lets it refuse them early), and a sync worker would be held
by one slow upload for its whole length; threads also keep the proxy's connections alive.
``GUNICORN_THREADS=1`` switches to sync workers, the faster choice for a pool that serves
only the CPU-bound viewer API (docs/PERFORMANCE.md: same throughput, lower p99).

Every value can be set from the environment (``.env.example``, "Web servers").
"""

from __future__ import annotations

import os
import tempfile


def _whole_number(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SystemExit(f"{name} must be a whole number of at least {minimum}, got {raw!r}.")
    return int(raw)


wsgi_app = "arvlite.wsgi:application"
# All interfaces by default: the proxy may sit on another host or outside the container.
bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{_whole_number('PORT', 8000)}"]  # noqa: S104

workers = _whole_number("WEB_CONCURRENCY", max(2, os.cpu_count() or 1), minimum=1)
threads = _whole_number("GUNICORN_THREADS", 4, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"

# A sync worker silent this long is restarted. gthread's main loop keeps beating while its
# threads work, so there it only catches a stuck loop; long uploads are bounded by the
# proxy's timeouts instead.
timeout = _whole_number("GUNICORN_TIMEOUT", 60, minimum=1)
# On SIGTERM (a deploy) requests in flight get this long to finish.
graceful_timeout = _whole_number("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Kept-alive connections from the proxy (nginx: keepalive in the upstream block).
keepalive = 5
# Photo analysis runs OpenCV and Pillow in the web process; recycling a worker now and then
# returns what their allocators hold. The jitter keeps workers from restarting together.
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# Only the reverse proxy may say which scheme and client a request came with.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Django logs every request with its id (LOG_FORMAT); gunicorn's own lines go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# No gunicornc control socket: several servers on one host would share its default path.
control_socket_disable = True
# Each worker imports the application itself, so no connection is opened before the fork
# and shared between processes.
preload_app = False

# Prometheus: every worker keeps its counters in files of one directory, so a scrape of
# /metrics on any worker adds up the whole server (arvlite.core.metrics). The directory is
# this server's own (by port), emptied at start; a recycled worker's files are folded into
# one archive file.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(
    tempfile.gettempdir(), f"arvlite-metrics-web-{_whole_number('PORT', 8000)}"
)


def on_starting(server: object) -> None:
    from arvlite.core.metrics import multiproc_dir_reset

    multiproc_dir_reset(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def child_exit(server: object, worker: object) -> None:
    # A recycled worker's counters are folded into one archive file (arvlite.core.metrics).
    from arvlite.core.metrics import multiproc_process_gone

    multiproc_process_gone(worker.pid)  # type: ignore[attr-defined]  # gunicorn's Worker
