"""``Idempotency-Key`` for create calls: the same key with the same body answers the first
answer again; with another body it is refused (422). Records live in the database for
IDEMPOTENCY_KEY_HOURS, so a retry after a lost answer works on any web node.

The create and its record commit in one transaction. Two requests racing with one key:
the second's insert waits on the unique index until the first commits, then fails, its
own create is rolled back, and it answers the first's stored answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from arvlite.core.tenancy import scopes_disabled
from companies.models import Company
from orders.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReusedError(APIException):
    status_code = 422
    default_detail = "This Idempotency-Key was already used with a different request body."
    default_code = "idempotency_key_reused"


class IdempotencyKeyInvalidError(APIException):
    status_code = 400
    default_detail = f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} printable characters."
    default_code = "invalid_idempotency_key"


def body_hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *, company: Company, scope: str, key: str | None, data: Any, create: Callable[[], Response]
) -> Response:
    """Run ``create`` once per ``key``; replay its answer for a retry with the same body."""
    if key is None:
        return create()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalidError()
    digest = body_hash(data)
    earlier = _live_record(company, scope, key)
    if earlier is not None:
        return _replay(earlier, digest)
    try:
        with transaction.atomic():
            response = create()
            if response.status_code < 300:
                IdempotencyRecord.objects.create(
                    company=company, scope=scope, key=key, request_hash=digest,
                    response_status=response.status_code, response_body=response.data,
                )  # fmt: skip
    except IntegrityError:
        earlier = _live_record(company, scope, key)
        if earlier is None:
            raise
        return _replay(earlier, digest)
    return response


def _live_record(company: Company, scope: str, key: str) -> IdempotencyRecord | None:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    record = IdempotencyRecord.objects.filter(company=company, scope=scope, key=key).first()
    if record is not None and record.created_at < cutoff:
        record.delete()  # expired: the key may be used afresh
        return None
    return record


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_hash != digest:
        raise IdempotencyKeyReusedError()
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(*, now: Any = None) -> int:
    """Delete records older than IDEMPOTENCY_KEY_HOURS (periodic, across companies)."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    with scopes_disabled():  # a sweep over every company
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
