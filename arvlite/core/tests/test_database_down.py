"""PostgreSQL connections terminated under running requests (issue 18, item 3).

Real faults: another connection calls pg_terminate_backend on the one the app uses, and
the test database is made to refuse new connections (ALLOW_CONNECTIONS false). A read is
retried once on a new connection; what cannot be retried answers 503 with the documented
error body and Retry-After; /readyz follows the database; everything recovers without a
restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from arvlite.core.testing.postgres import admin_connection, terminate_app_connection
from companies.models import Company, User
from projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _database_refuses_connections() -> Iterator[None]:
    name = connection.settings_dict["NAME"]
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        terminate_app_connection()
        yield
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()


@contextmanager
def _terminated_before(statement: str) -> Iterator[list[str]]:
    """Terminates the app's connection just before it sends the first ``statement``."""
    seen: list[str] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not seen and sql.lstrip().upper().startswith(statement):
            seen.append(sql)
            terminate_app_connection()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_a_read_whose_connection_was_terminated_is_answered(
    api_client_for: Callable[[User], APIClient], owner: User, company: Company
) -> None:
    Project.objects.create(company=company, name="Weddings")
    client = api_client_for(owner)
    url = f"/api/v1/companies/{company.slug}/projects/"
    assert client.get(url).status_code == 200
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    terminate_app_connection()  # between two requests: the next one's first query meets it

    response = client.get(url)

    assert response.status_code == 200, response.content
    assert [row["name"] for row in response.json()["results"]] == ["Weddings"]
    assert connection.connection.info.backend_pid != old_pid  # a new connection answered


def test_a_read_terminated_in_the_middle_of_a_request_is_answered(
    api_client_for: Callable[[User], APIClient], owner: User, company: Company
) -> None:
    Project.objects.create(company=company, name="Weddings")
    client = api_client_for(owner)
    with _terminated_before('SELECT "PROJECTS_PROJECT"') as seen:
        response = client.get(f"/api/v1/companies/{company.slug}/projects/")
    assert seen, "the request never read the projects"
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1


def test_a_write_whose_connection_dropped_answers_503_and_writes_nothing(
    api_client_for: Callable[[User], APIClient], owner: User, company: Company
) -> None:
    client = api_client_for(owner)
    url = f"/api/v1/companies/{company.slug}/projects/"
    with _terminated_before('INSERT INTO "PROJECTS_PROJECT"') as seen:
        response = client.post(url, {"name": "Lab orders"}, format="json")

    assert seen
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert set(body) == {"status", "code", "message", "errors", "request_id"}
    with scopes_disabled():
        assert not Project.objects.filter(name="Lab orders").exists()
    # No restart: the same client's retry succeeds.
    assert client.post(url, {"name": "Lab orders"}, format="json").status_code == 201
    with scopes_disabled():
        assert Project.objects.filter(company=company, name="Lab orders").count() == 1


def test_readiness_and_pages_follow_a_database_that_refuses_connections(
    owner: User, company: Company
) -> None:
    browser = Client(raise_request_exception=False)
    browser.force_login(owner)
    probe = Client(raise_request_exception=False)  # a load balancer: no session
    page = f"/c/{company.slug}/projects/"
    assert browser.get(page).status_code == 200
    assert probe.get("/readyz").status_code == 200

    with _database_refuses_connections():
        ready = probe.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["database"]
        refused = browser.get(page)
        assert refused.status_code == 503
        assert refused["Retry-After"] == "5"
        assert "Briefly unavailable" in refused.content.decode()
        api = browser.get(f"/api/v1/companies/{company.slug}/projects/")  # signed in: reads the session
        assert api.status_code == 503
        assert api.json()["code"] == "database_unavailable"
        assert probe.get("/healthz").status_code == 200  # alive: nothing to restart

    assert probe.get("/readyz").status_code == 200
    assert browser.get(page).status_code == 200


def test_a_query_error_is_not_mistaken_for_a_dropped_connection(
    api_client_for: Callable[[User], APIClient], owner: User, company: Company
) -> None:
    from django.db import OperationalError

    from arvlite.core.db.unavailable import database_unavailable

    connection.ensure_connection()
    with pytest.raises(OperationalError) as raised, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)")
    assert not database_unavailable(raised.value)  # a cancelled statement: the link is fine
