"""The outbox for /metrics (arvlite.core.metrics): messages due to be sent and how late the
oldest is (SMTP or Telegram down shows here first), and messages that failed for good."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from arvlite.core.metrics import Reading, backlog
from arvlite.core.tenancy import scopes_disabled
from notifications.models import Delivery


def outbox() -> list[Reading]:
    now = timezone.now()
    with scopes_disabled():  # every company's: an operator's figure
        due = Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=Delivery.Status.QUEUED
        )
        failed = Delivery.objects.filter(
            status=Delivery.Status.FAILED, created_at__gte=now - timedelta(days=1)
        ).count()
        readings = backlog(
            due, started_field="created_at", metric="arvlite_deliveries_due", what="Messages due to be sent"
        )
    readings.append(
        Reading(
            "arvlite_deliveries_failed_last_day",
            "Messages created in the last 24 hours that failed for good.",
            float(failed),
        )
    )
    return readings
