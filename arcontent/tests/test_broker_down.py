"""The Celery broker unreachable when work is saved (a private redis-server as the broker,
SIGKILLed by the test): the request still succeeds, the task is kept in UnsentTask with the
reason, and the periodic resend delivers it once the broker is back.

Before, the send after commit raised kombu's OperationalError out of the request: a saved
upload answered 500 and its processing task was lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.photos import textured_jpeg
from arcontent.tests.test_api import create
from arvlite.celery import app
from arvlite.core.models import UnsentTask
from arvlite.core.task_base import resend_unsent
from arvlite.core.tasks import resend_unsent_tasks
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.celery import broker_at, queue_key
from arvlite.core.testing.redis_server import private_redis
from companies.models import Company, User

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("scoped")]


def test_work_saved_while_the_broker_is_away_is_sent_once_it_returns(
    tmp_path: Path, company: Company, editor: User, api_client_for: Callable[[User], APIClient]
) -> None:
    with private_redis(tmp_path) as broker, broker_at(broker.url):
        broker.kill()
        response = create(api_client_for(editor), company, textured_jpeg())
        assert response.status_code == 201, response.content

        with company_scope(company):
            content = ARContent.objects.get(unique_id=response.json()["unique_id"])
        assert (content.status, content.pipeline_status) == ("processing", "pending")
        unsent = UnsentTask.objects.get()
        assert (unsent.name, unsent.args) == ("arcontent.process_content", [content.pk])
        assert unsent.error

        assert resend_unsent_tasks.run() == 0, "still away: kept for the next run"
        unsent.refresh_from_db()
        assert unsent.attempts == 2

        broker.start()
        assert resend_unsent(app) == 1
        assert not UnsentTask.objects.exists()
        queued = redis.Redis.from_url(broker.url).lrange(queue_key("media"), 0, -1)
        assert [json.loads(message)["headers"]["task"] for message in queued] == ["arcontent.process_content"]
        assert [json.loads(message)["headers"]["argsrepr"] for message in queued] == [f"[{content.pk}]"]
