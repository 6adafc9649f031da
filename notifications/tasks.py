"""Tasks of the notifications app: sending one delivery, the sweep for lost ones, and the
expiry reminders."""

from __future__ import annotations

from celery import shared_task

from arvlite.core.task_base import AppTask


@shared_task(base=AppTask, name="notifications.send_delivery", ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    from notifications import outbox  # tasks import the work inside the body (the one cycle)

    return outbox.deliver(delivery_id)


@shared_task(base=AppTask, name="notifications.send_deliveries", ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> int:
    """Send a batch (one company-wide notice); each delivery is still claimed on its own,
    so a batch that runs twice, or beside a retry, sends nothing twice."""
    from notifications import outbox

    return sum(outbox.deliver(pk) == "sent" for pk in delivery_ids)


@shared_task(name="notifications.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> int:
    """Send again what a lost task or a killed worker left in the outbox."""
    from notifications import outbox

    return outbox.sweep()


@shared_task(name="notifications.send_expiry_reminders", ignore_result=True)
def send_expiry_reminders() -> dict[str, int]:
    """The 30 / 7 / 1-day and "expired" notices, once per content, threshold and term."""
    from notifications import reminders

    return reminders.send_expiry_reminders()


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    """The daily e-mail digests that are due (hourly: each company's digest hour comes)."""
    from notifications import digest

    return digest.send_digests()
