"""Which errors are a dependency being away (503) and which are bugs (500)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from django.db import InterfaceError
from s3transfer.exceptions import RetriesExceededError

from arvlite.core.outages import DATABASE, STORAGE, outage_of


def _client_error(status: int) -> ClientError:
    answer: Any = {"Error": {"Code": "X"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(answer, "GetObject")


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        RetriesExceededError(ReadTimeoutError(endpoint_url="http://127.0.0.1:1")),  # a download's wrapper
        _client_error(503),
        _client_error(500),
    ],
)
def test_storage_that_does_not_answer_is_an_outage(error: Exception) -> None:
    assert outage_of(error) is STORAGE


@pytest.mark.parametrize(
    "error",
    [
        _client_error(501),
        _client_error(404),
        _client_error(403),
        RetriesExceededError(ValueError("ours")),
        KeyError("x"),
    ],
)
def test_what_storage_refuses_or_lacks_is_not_an_outage(error: Exception) -> None:
    assert outage_of(error) is None  # a 500 that reaches the error log


def test_a_closed_connection_is_an_outage_but_a_closed_cursor_is_a_bug() -> None:
    assert outage_of(InterfaceError("connection already closed")) is DATABASE
    assert outage_of(InterfaceError("cursor already closed")) is None
