"""Telling media storage that is away from a request that went wrong (arvlite.core.outages)."""

from __future__ import annotations

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError


def storage_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the S3 service not answering (refused, reset, timed out, or a 5xx
    after boto3's own retries) rather than a fault of the request."""
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status) >= 500
    return False
