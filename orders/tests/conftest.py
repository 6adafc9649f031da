"""Fixtures of the orders tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from orders.tests.yookassa_emulator import SECRET, SHOP, Emulator, yookassa_emulator


@pytest.fixture
def kassa(settings: Any) -> Iterator[Emulator]:
    """The local YooKassa emulation, with the app pointed at it (short timeouts and retry
    delays, loopback allowed to send notifications)."""
    with yookassa_emulator(shops={SHOP: SECRET}) as emulator:
        settings.YOOKASSA_API_URL = emulator.api_url
        settings.YOOKASSA_READ_TIMEOUT = 0.5
        settings.YOOKASSA_RETRY_DELAY = 0.01
        settings.YOOKASSA_NOTIFICATION_SOURCES = ["127.0.0.0/8"]
        yield emulator
