"""The Celery app: queues `default` and `media`, JSON only, late acks, prefetch 1.

All settings live in arvlite/settings.py under the CELERY_ prefix. Run a worker with
``celery -A arvlite worker -Q default,media`` and the scheduler with ``celery -A arvlite beat``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arvlite.settings")

# Every task's base: a send after commit that finds the broker away is kept, not raised.
app = Celery("arvlite", task_cls="arvlite.core.task_base:AppTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["arvlite.core"])
