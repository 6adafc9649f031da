"""Moving a model between apps keeps the table and its rows on an existing database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from arvlite.core.tenancy import scopes_disabled
from companies.models import AuditEntry, Company, User

BEFORE = [("companies", "0003_stored_files")]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_audit_rows_written_when_core_owned_the_table(company: Company) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The database as the previous release left it: core's 0001 had made the table, with rows.
    executor.loader.build_graph()
    old_model = executor.loader.project_state(("companies", "0004_auditentry")).apps.get_model(
        "companies", "AuditEntry"
    )
    with connection.schema_editor() as editor:
        editor.create_model(old_model)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (company_id, action, target_type, target_id, target_repr,"
            " changes, created_at) VALUES (%s, 'content.publish', '', '', 'ARV-2026-000001', '{}', now())",
            [company.pk],
        )

    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    with scopes_disabled():
        entry = AuditEntry.objects.get()
    assert (entry.company_id, entry.action, entry.target_repr) == (
        company.pk,
        "content.publish",
        "ARV-2026-000001",
    )


@pytest.mark.django_db(transaction=True)
def test_it_creates_the_audit_table_on_a_new_database(company: Company) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert "core_auditentry" not in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    assert "core_auditentry" in connection.introspection.table_names()
    with scopes_disabled():
        assert AuditEntry.objects.count() == 0


def test_core_migrations_depend_on_no_domain_app() -> None:
    graph = MigrationLoader(None).graph  # reads the files only, no database
    for key in [key for key in graph.nodes if key[0] == "core"]:
        parents = {parent[0] for parent in graph.node_map[key].parents}
        assert parents <= {"core"}, f"{key} depends on {parents - {'core'}}"


@pytest.mark.django_db(transaction=True)
def test_accounts_from_before_email_confirmation_count_as_confirmed() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("companies", "0010_user_language")])
    old_user = executor.loader.project_state(("companies", "0010_user_language")).apps.get_model(
        "companies", "User"
    )
    old_user.objects.create(email="early@example.com", password="!")

    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    user = User.objects.get(email="early@example.com")
    assert user.email_verified_at == user.date_joined
