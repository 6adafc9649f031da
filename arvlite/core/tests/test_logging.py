from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from django.test import Client

from arvlite.core.logging import configure_logging

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_well_formed_incoming_request_id_is_kept(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-1234abcd")
    assert response["X-Request-ID"] == "lb-req-1234abcd"


def test_a_malformed_incoming_request_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def _capture_root_output() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    return stream, handler


def test_json_logs_carry_the_request_id_on_every_line() -> None:
    configure_logging(log_format="json", level="INFO")
    stream, handler = _capture_root_output()
    try:
        structlog.contextvars.bind_contextvars(request_id="req-abc12345")
        structlog.get_logger("arvlite.test").info("from structlog", answer=42)
        logging.getLogger("django.test").warning("from the stdlib")
    finally:
        structlog.contextvars.clear_contextvars()
        logging.getLogger().removeHandler(handler)
        configure_logging(log_format="json", level="WARNING")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["from structlog", "from the stdlib"]
    assert all(line["request_id"] == "req-abc12345" for line in lines)
    assert lines[0]["answer"] == 42
    assert lines[1]["level"] == "warning"


def test_console_logs_are_plain_text() -> None:
    configure_logging(log_format="console", level="INFO")
    stream, handler = _capture_root_output()
    try:
        structlog.get_logger("arvlite.test").info("hello console")
    finally:
        logging.getLogger().removeHandler(handler)
        configure_logging(log_format="json", level="WARNING")
    output = stream.getvalue()
    assert "hello console" in output
    with pytest.raises(json.JSONDecodeError):
        json.loads(output)


def test_console_lines_are_stamped_in_the_portals_time_zone_json_in_utc() -> None:
    configure_logging(log_format="console", level="INFO", time_zone="Europe/Moscow")
    stream, handler = _capture_root_output()
    try:
        structlog.get_logger("arvlite.test").info("what time")
    finally:
        logging.getLogger().removeHandler(handler)
    configure_logging(log_format="json", level="INFO", time_zone="Europe/Moscow")
    json_stream, json_handler = _capture_root_output()
    try:
        structlog.get_logger("arvlite.test").info("what time")
    finally:
        logging.getLogger().removeHandler(json_handler)
        configure_logging(log_format="json", level="WARNING")
    assert "+03:00" in stream.getvalue()  # as the portal shows times (TIME_ZONE)
    assert json.loads(json_stream.getvalue().splitlines()[0])["timestamp"].endswith("Z")


def test_sentry_switches_on_only_with_a_dsn() -> None:
    import sentry_sdk

    from arvlite.core.sentry import configure_sentry

    assert configure_sentry(dsn="", environment="test", traces_sample_rate=0.0) is False
    try:
        assert configure_sentry(dsn="http://public@127.0.0.1:9/1", environment="test", traces_sample_rate=0.0)
        assert sentry_sdk.get_client().dsn == "http://public@127.0.0.1:9/1"
    finally:
        sentry_sdk.init(dsn=None)
    assert sentry_sdk.get_client().dsn is None


def test_each_request_writes_one_access_line_with_its_id(client: Client) -> None:
    configure_logging(log_format="json", level="INFO")
    stream, handler = _capture_root_output()
    try:
        response = client.get("/healthz")
    finally:
        logging.getLogger().removeHandler(handler)
        configure_logging(log_format="json", level="WARNING")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["event"] == "request"]
    assert len(access) == 1
    assert access[0]["request_id"] == response["X-Request-ID"]
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == ("GET", "/healthz", 200)
    assert access[0]["duration_ms"] >= 0
