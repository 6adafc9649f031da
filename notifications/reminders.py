"""Expiry reminders that keep prints alive: 30, 7 and 1 day before a content's term ends,
and once it has expired. Each is recorded (content, threshold, the term's end) in the same
transaction as its notification, so reruns and overlapping runs send nothing twice, and a
renewed content — a new term end — gets the next term's reminders."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from arcontent.models import ARContent
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company
from notifications.customers import remind_customer
from notifications.models import ExpiryReminder
from notifications.services import notify

log = structlog.get_logger(__name__)
THRESHOLD_DAYS = (1, 7, 30)  # the nearest threshold a content is inside wins
LIVE = (ARContent.Status.ACTIVE, ARContent.Status.PAUSED)


def threshold_for(expires_at: datetime, now: datetime) -> int | None:
    left = expires_at - now
    return next((days for days in THRESHOLD_DAYS if left <= timedelta(days=days)), None)


def _claim(content: ARContent, threshold: str) -> bool:
    """Record the reminder; False if it was already sent for this term."""
    assert content.expires_at is not None
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(company=content.company, content=content, threshold=threshold,
                                          term_ends_at=content.expires_at)  # fmt: skip
    except IntegrityError:
        return False
    return True


def send_expiry_reminders(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    with scopes_disabled():  # a platform-wide sweep; each company is then handled in its scope
        expiring = list(
            ARContent.objects.filter(status__in=LIVE, expires_at__gt=now,
                                     expires_at__lte=now + timedelta(days=max(THRESHOLD_DAYS)))
            .select_related("company").order_by("expires_at")
        )  # fmt: skip
        expired = list(
            ARContent.objects.filter(status=ARContent.Status.EXPIRED, expires_at__isnull=False,
                                     expires_at__gt=now - timedelta(days=30))
            .select_related("company")
        )  # fmt: skip
    groups: dict[tuple[int, int], list[ARContent]] = defaultdict(list)
    companies: dict[int, Company] = {}
    for content in expiring:
        assert content.expires_at is not None
        days = threshold_for(content.expires_at, now)
        if days is not None:
            groups[(content.company_id, days)].append(content)
            companies[content.company_id] = content.company
    counts = {"expiring": 0, "expired": 0}
    for (company_id, days), contents in groups.items():
        company = companies[company_id]
        with company_scope(company), transaction.atomic():
            fresh = [content for content in contents if _claim(content, str(days))]
            for content in fresh:
                remind_customer(content, days=days)
            if fresh:
                notify("content.expiring", company=company, subject_object=company,
                       context={"days": days, "contents": [_listed(c) for c in fresh]})  # fmt: skip
                counts["expiring"] += len(fresh)
    for content in expired:
        with company_scope(content.company), transaction.atomic():
            if _claim(content, "expired"):
                notify("content.expired", company=content.company, subject_object=content)
                remind_customer(content, days=None)
                counts["expired"] += 1
    log.info("reminders.sent", **counts)
    return counts


def _listed(content: ARContent) -> dict[str, Any]:
    who = f" · {content.customer_name}" if content.customer_name else ""
    expires = formats.date_format(timezone.localtime(content.expires_at), "SHORT_DATE_FORMAT")
    return {"name": f"{content.order_number}{who}", "expires": expires, "unique_id": str(content.unique_id)}
