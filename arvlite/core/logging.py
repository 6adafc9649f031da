"""Structured logging: structlog for our code and for the stdlib loggers of Django and
Celery, JSON lines in production, coloured console lines in development, and a request id
bound to every line written while a request is handled."""

from __future__ import annotations

import logging
import logging.config
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# An id sent by the proxy is kept only if it looks like one; anything else is replaced so
# that logs cannot be polluted through the header.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def local_timestamper(time_zone: str) -> structlog.types.Processor:
    """ISO timestamps in ``time_zone`` with their offset (e.g. 2026-12-03T19:41:02.123+03:00)."""
    zone = ZoneInfo(time_zone)

    def stamp(logger: object, method: str, event: structlog.types.EventDict) -> structlog.types.EventDict:
        event["timestamp"] = datetime.now(zone).isoformat(timespec="milliseconds")
        return event

    return stamp


def configure_logging(*, log_format: str, level: str, time_zone: str = "UTC") -> None:
    """Route stdlib and structlog records through one renderer chosen by LOG_FORMAT. JSON
    lines (production, read by machines) are stamped in UTC; console lines (development,
    read beside the portal) in ``time_zone``, the zone the portal shows times in."""
    stamper = (
        structlog.processors.TimeStamper(fmt="iso", utc=True)
        if log_format == "json"
        else local_timestamper(time_zone)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        stamper,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "structured": {
                    "()": structlog.stdlib.ProcessorFormatter,
                    "foreign_pre_chain": shared,
                    "processors": [
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.format_exc_info,
                        renderer,
                    ],
                }
            },
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
            "root": {"handlers": ["console"], "level": level},
            "loggers": {
                "django.db.backends": {"level": "INFO"},
                # Django logs every 4xx as a warning; the API already answers them clearly.
                "django.request": {"level": "ERROR"},
                "axes": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"},  # it logs every layout step at INFO
                "fontTools": {"level": "WARNING"},
                # Its debug lines carry request paths, and the Telegram Bot API puts the token there.
                "urllib3": {"level": "INFO"},
            },
        }
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


request_logger = structlog.get_logger("arvlite.request")


class RequestIdMiddleware:
    """Give each request an id: bound to every log line and echoed in X-Request-ID.
    Writes one access-log line per request (method, path, status, duration)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTABLE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read by views and logs
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            request_logger.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response[REQUEST_ID_HEADER] = request_id
        return response
