"""A guard that fails any printing test whose rendering opens a connection off this machine."""

from __future__ import annotations

import socket
from typing import Any

import pytest

_LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost", "local"})


@pytest.fixture(autouse=True)
def _no_remote_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail a test that opens a connection anywhere but this machine (the suite's own
    fixtures talk to Redis on loopback)."""
    connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else "local"
        if host not in _LOCAL_HOSTS:
            raise AssertionError(f"A printing test tried to connect to {address!r}")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
