"""A real Celery worker process for integration tests, on the Redis broker, writing to
the test's PostgreSQL database and reading the test's media directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def start_worker(queues: list[str], name: str, pool: str = "solo") -> subprocess.Popen[str]:
    """A worker on ``queues``; ``pool="prefork"`` runs tasks in one child process, as
    production does (so a test can kill the child, see pool_children)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "arvlite.settings_test",
        "ARVLITE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # The same broker key prefix (settings_test), cache and channel layer as the test.
        "ARVLITE_TEST_RUN_PREFIX": settings.TEST_RUN_PREFIX,
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "arvlite", "worker", "-Q", ",".join(queues), "-P", pool,
            "-c", "1", "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def pool_children(process: subprocess.Popen[str]) -> list[int]:
    """The pids of a prefork worker's pool processes (Linux /proc)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except FileNotFoundError:  # the worker has exited
        return []


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Send this process's tasks to the broker at ``url`` (not run in process) meanwhile:
    the app's connection and producer pools are dropped on the way in and out, as after a
    fork, so nothing keeps a connection to the other broker."""
    app = current_app
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.update(broker_url=url, task_always_eager=False)
    app._after_fork()  # type: ignore[attr-defined]  # Celery's own reset of its pools
    try:
        yield
    finally:
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        app._after_fork()  # type: ignore[attr-defined]


def queue_key(name: str) -> str:
    """The Redis list that holds a queue's messages under the run's broker key prefix."""
    return str(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")) + name


def stop_worker(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_worker(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start workers with ``start(queues, name)`` (or ``start(queues, name, pool="prefork")``); tasks sent from the test process go to
    the broker instead of running in process. The app's queues are emptied when the test
    starts (left-overs of an interrupted run) and every queue used when it ends."""
    app = current_app  # the project's app: arvlite/__init__.py loads it with Django
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(*(queue_key(queue.name) for queue in app.conf.task_queues))
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    started: list[tuple[subprocess.Popen[str], list[str]]] = []

    def start(queues: list[str], name: str, pool: str = "solo") -> subprocess.Popen[str]:
        process = start_worker(queues, name, pool)
        started.append((process, queues))
        return process

    yield start
    for process, queues in started:
        stop_worker(process)
        broker.delete(*map(queue_key, queues))
