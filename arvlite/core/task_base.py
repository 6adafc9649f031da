"""The base of every task of the project: sending after a commit never fails the request.

The work is committed before its task is sent (``delay_on_commit``), so when the broker is
unreachable at that moment the request has already succeeded — raising then turned a saved
upload into a 500 and lost the task. Here the failed send is logged and written to
``UnsentTask`` instead (the database just committed, so it is there), and the periodic
``core.resend_unsent_tasks`` sends it again once the broker answers. Every task is safe to
receive twice (each claims its job), so a resend that races a late first send is harmless.
"""

from __future__ import annotations

import functools
from typing import Any

import structlog
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = structlog.get_logger(__name__)
RESEND_BATCH = 500


class AppTask(DjangoTask):
    # The stubs say DjangoTask's on-commit sends return a result; Celery's return None.
    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        transaction.on_commit(functools.partial(self._send_after_commit, args, kwargs, {}))

    def apply_async_on_commit(self, args: Any = None, kwargs: Any = None, **options: Any) -> None:  # type: ignore[override]
        transaction.on_commit(
            functools.partial(self._send_after_commit, tuple(args or ()), dict(kwargs or {}), options)
        )

    def _send_after_commit(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], options: dict[str, Any]
    ) -> None:
        try:
            self.apply_async(args, kwargs, **options)
        except BrokerUnreachable as error:
            from arvlite.core.models import UnsentTask

            logger.error("task.send_failed", task=self.name, error=str(error))
            UnsentTask.objects.create(
                name=self.name, args=list(args), kwargs=kwargs, options=options, error=str(error)[:2000]
            )


def resend_unsent(app: Any) -> int:
    """Send the kept tasks again, oldest first; stop at the first broker failure (it is
    still away). Returns how many were sent. Each row is sent and deleted in its own
    transaction, so one that cannot be sent never makes the others go twice."""
    from arvlite.core.models import UnsentTask

    sent = 0
    for pk in list(UnsentTask.objects.values_list("pk", flat=True)[:RESEND_BATCH]):
        with transaction.atomic():
            # skip_locked: two overlapping runs never send the same row twice.
            unsent = UnsentTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if unsent is None:  # sent by an overlapping run
                continue
            try:
                _send(app, unsent)
            except BrokerUnreachable as error:
                _count_failure(unsent, error)
                logger.warning("task.resend_failed", task=unsent.name, error=str(error))
                break
            except Exception as error:  # a task that cannot be sent as kept: try the next ones
                _count_failure(unsent, error)
                logger.exception("task.resend_refused", task=unsent.name)
                continue
            unsent.delete()
            sent += 1
    if sent:
        logger.info("task.resent", count=sent)
    return sent


def _send(app: Any, unsent: Any) -> None:
    task = app.tasks.get(unsent.name)
    if task is None:  # renamed or removed since: sent by name, routed by name
        app.send_task(unsent.name, unsent.args, unsent.kwargs, **unsent.options)
    else:
        task.apply_async(unsent.args, unsent.kwargs, **unsent.options)


def _count_failure(unsent: Any, error: Exception) -> None:
    type(unsent).objects.filter(pk=unsent.pk).update(attempts=unsent.attempts + 1, error=str(error)[:2000])
