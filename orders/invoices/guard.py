"""The database's own refusal to change an issued document, whatever path the change takes
(the ORM's ``update()``, raw SQL, a shell): a trigger on each document table lets through
only updates of the columns filled in after issue, and no delete.

SQLite drops a table's triggers when a migration rebuilds the table, so a migration that
alters these tables must call ``install`` again."""

from __future__ import annotations

from typing import Any

GUARDED_TABLES = ("orders_invoice", "orders_creditnote")
MUTABLE_COLUMNS = ("pdf", "pdf_generated_at", "emailed_at")

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION arvlite_issued_document_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'issued document % cannot be deleted', OLD.number USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - %(mutable)s) IS DISTINCT FROM (to_jsonb(OLD) - %(mutable)s) THEN
    RAISE EXCEPTION 'issued document % cannot be changed', OLD.number USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def install(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    for table in GUARDED_TABLES:
        if connection.vendor == "postgresql":
            mutable = "ARRAY[" + ", ".join(f"'{column}'" for column in MUTABLE_COLUMNS) + "]"
            schema_editor.execute(_POSTGRES_FUNCTION.replace("%(mutable)s", mutable), params=None)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION arvlite_issued_document_guard()"
            )
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                columns = [
                    info.name for info in connection.introspection.get_table_description(cursor, table)
                ]
            frozen = [column for column in columns if column not in MUTABLE_COLUMNS]
            changed = " OR ".join(f'NEW."{column}" IS NOT OLD."{column}"' for column in frozen)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN {changed} "
                "BEGIN SELECT RAISE(ABORT, 'issued document cannot be changed'); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'issued document cannot be deleted'); END"
            )


def uninstall(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    for table in GUARDED_TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
        elif connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
