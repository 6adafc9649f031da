"""A dependency that is away, told apart from a fault of the request.

A request whose database connection dropped or was refused, or whose media storage does not
answer, answers 503 with a Retry-After — the API in its documented error body, pages with a
static page — instead of a 500: nothing is wrong with the request, and sending it again
once the service is back works. Writes are made so that such a failure leaves nothing
behind (a stored object is removed when its row cannot be written, a row is written only
after its object was stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from arvlite.core.db.unavailable import database_unavailable
from arvlite.core.storage.errors import storage_unavailable


@dataclass(frozen=True)
class Outage:
    code: str
    retry_after: int  # seconds
    message: Callable[[], str]  # translated when the answer is made


DATABASE = Outage(
    code="database_unavailable",
    retry_after=5,
    message=lambda: gettext("The service is briefly unavailable. Try again in a few seconds."),
)
STORAGE = Outage(
    code="storage_unavailable",
    retry_after=30,
    message=lambda: gettext("File storage is not answering. Nothing was saved: try again in a minute."),
)


def outage_of(exc: BaseException | None) -> Outage | None:
    if database_unavailable(exc):
        return DATABASE
    if storage_unavailable(exc):
        return STORAGE
    return None
