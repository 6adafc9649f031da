"""Telling media storage that is away from a request that went wrong (arvlite.core.outages)."""

from __future__ import annotations

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from s3transfer.exceptions import RetriesExceededError

# Statuses of a service that is down or overloaded; 501 (a feature the service lacks) is
# not an outage but an incompatibility, and must reach the error log as a 500.
OUTAGE_STATUSES = frozenset({500, 502, 503, 504})


def storage_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the S3 service not answering (refused, reset, timed out, or a 5xx
    after boto3's own retries) rather than a fault of the request. s3transfer wraps the
    errors of a download in RetriesExceededError; the one underneath decides."""
    for _ in range(5):  # a short chain: the wrapper, the botocore error, its cause
        if isinstance(exc, RetriesExceededError):
            exc = exc.last_exception
            continue
        if isinstance(exc, (BotoConnectionError, HTTPClientError)):
            return True
        if isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            return int(status) in OUTAGE_STATUSES
        return False
    return False
