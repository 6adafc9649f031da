"""The restore drill (issue 18 item 7): a populated database is backed up with the real
pg_dump, restored with the real pg_restore into a fresh database, and compared table by
table, row by row for a sample, and file by file."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from arcontent.tests.factories import make_content
from arvlite.core.backups import database_url_parts, list_backups, stored_backups, table_row_counts
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.tests.factories import CompanyFactory, MembershipFactory, UserFactory
from orders.tests.factories import make_order
from videos.tests.factories import make_video

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _admin() -> Any:
    connection = psycopg2.connect(
        **{k: v for k, v in {**database_url_parts(), "dbname": "postgres"}.items() if v}
    )
    connection.autocommit = True
    return connection


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database on the same server, dropped afterwards; its postgres:// URL."""
    name = f"arv_restore_{secrets.token_hex(4)}"
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    parts = database_url_parts()
    host = parts["host"] or "127.0.0.1"
    yield f"postgres://{parts['user'] or 'postgres'}@{host}:{parts['port'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def populated(storage_backend: str) -> Any:
    """A company with content, a video, an order and files, on local disk and on S3, each in
    a storage of the test's own (the manifest lists the whole storage; other tests' files
    must not come and go meanwhile)."""
    company = CompanyFactory(slug="backed-up")
    MembershipFactory(company=company, user=UserFactory(), role=Role.OWNER)
    with company_scope(company):
        content = make_content(company)
        make_video(content)
        make_order(company)
    default_storage.save("branding/1/loose/logo.png", ContentFile(b"\x89PNG not a row, still an object"))
    return company


def _rows(url: str | None, sql: str) -> list[tuple[Any, ...]]:
    connection = psycopg2.connect(**{k: v for k, v in database_url_parts(url).items() if v})
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        connection.close()


SAMPLES = [
    "SELECT * FROM companies_company ORDER BY id",
    "SELECT * FROM arcontent_arcontent ORDER BY id",
    "SELECT * FROM videos_video ORDER BY id",
    "SELECT * FROM orders_order ORDER BY id",
    "SELECT * FROM companies_storedfile ORDER BY id",
]


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(
    populated: Any, fresh_database: str, tmp_path: Path
) -> None:
    call_command("backup", "--output", str(tmp_path / "backups"), "--no-encrypt")
    (backup,) = list_backups(tmp_path / "backups")
    manifest = (backup / "manifest.json").read_text()
    assert "branding/1/loose/logo.png" in manifest  # listed from storage, rows or not
    for (key,) in _rows(None, "SELECT key FROM companies_storedfile"):
        assert f'"{key}"' in manifest

    call_command("restore", str(backup), "--database-url", fresh_database)

    source = table_row_counts(database_url_parts())
    restored = table_row_counts(database_url_parts(fresh_database))
    assert restored == source
    assert source["companies_company"] >= 1
    assert source["arcontent_arcontent"] >= 1
    for sql in SAMPLES:
        assert _rows(fresh_database, sql) == _rows(None, sql), sql


def test_a_changed_or_missing_file_fails_the_verification(
    populated: Any, fresh_database: str, tmp_path: Path
) -> None:
    call_command("backup", "--output", str(tmp_path), "--no-encrypt")
    (backup,) = list_backups(tmp_path)
    (key,) = _rows(None, "SELECT key FROM companies_storedfile ORDER BY id LIMIT 1")[0]
    default_storage.delete(key)
    default_storage.save(key, ContentFile(b"tampered"))
    default_storage.delete("branding/1/loose/logo.png")
    errors: list[str] = []

    class Capture:
        def write(self, text: str) -> None:
            errors.append(text)

        def flush(self) -> None:
            pass

    with pytest.raises(CommandError, match="verification found differences"):
        call_command("restore", str(backup), "--database-url", fresh_database, stderr=Capture())
    text = "".join(errors)
    assert f"changed in storage: {key}" in text
    assert "missing from storage: branding/1/loose/logo.png" in text


def test_an_encrypted_backup_needs_its_key(
    populated: Any, fresh_database: str, tmp_path: Path, settings: Any
) -> None:
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    call_command("backup", "--output", str(tmp_path))
    (backup,) = list_backups(tmp_path)
    assert not (backup / "database.dump").exists()
    assert b"PGDMP" not in (backup / "database.dump.enc").read_bytes()[:64]  # pg_dump's magic

    right_key = settings.BACKUP_ENCRYPTION_KEY
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", str(backup), "--database-url", fresh_database)
    assert table_row_counts(database_url_parts(fresh_database)) == {}  # nothing half-restored

    settings.BACKUP_ENCRYPTION_KEY = right_key
    call_command("restore", str(backup), "--database-url", fresh_database)
    assert table_row_counts(database_url_parts(fresh_database)) == table_row_counts(database_url_parts())


def test_restore_refuses_a_database_that_has_tables(populated: Any, tmp_path: Path) -> None:
    call_command("backup", "--output", str(tmp_path), "--no-encrypt")
    (backup,) = list_backups(tmp_path)
    before = table_row_counts(database_url_parts())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup))  # the configured database: the populated one
    assert table_row_counts(database_url_parts()) == before


def test_retention_keeps_the_newest_backups(populated: Any, tmp_path: Path) -> None:
    for _ in range(3):
        call_command("backup", "--output", str(tmp_path), "--no-encrypt", "--keep", "2")
    kept = list_backups(tmp_path)
    assert len(kept) == 2
    assert [p.name for p in kept] == sorted(p.name for p in kept)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial left


def test_a_backup_in_the_storage_layer_restores_and_keeps_the_newest(
    populated: Any, fresh_database: str, settings: Any
) -> None:
    """``--to-storage`` on local disk and S3: the copies sit under backups/, are not listed as
    media in the next manifest, keep the newest BACKUP_KEEP, and restore like a directory."""
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    for _ in range(3):
        call_command("backup", "--to-storage", "--keep", "2")
    names = stored_backups(default_storage)
    assert len(names) == 2
    _, files = default_storage.listdir(f"backups/{names[-1]}")
    assert sorted(files) == ["database.dump.enc", "manifest.json", "metadata.json"]
    with default_storage.open(f"backups/{names[-1]}/manifest.json") as handle:
        manifest = handle.read().decode()
    assert '"backups/' not in manifest  # earlier backups are not media
    assert "branding/1/loose/logo.png" in manifest

    call_command("restore", "--from-storage", "latest", "--database-url", fresh_database)
    assert table_row_counts(database_url_parts(fresh_database)) == table_row_counts(database_url_parts())
    for sql in SAMPLES:
        assert _rows(fresh_database, sql) == _rows(None, sql), sql


def test_a_half_copied_or_unknown_stored_backup_is_refused(populated: Any) -> None:
    default_storage.save("backups/arvlite-20260101T000000000000Z/database.dump", ContentFile(b"PGDMP half"))
    assert stored_backups(default_storage) == []  # no metadata.json: not a backup
    with pytest.raises(CommandError, match="no backup in the storage"):
        call_command("restore", "--from-storage", "latest")
    with pytest.raises(CommandError, match="No complete backup named"):
        call_command("restore", "--from-storage", "../../etc")


def test_the_storage_layer_gets_no_plain_dump_by_accident(
    populated: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="set BACKUP_ENCRYPTION_KEY"):
        call_command("backup", "--to-storage")
    assert stored_backups(default_storage) == []

    # A copy cut off half-way (here at its last file) leaves nothing behind.
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    default_storage.exists("x")  # set the lazy storage up, to patch the real one
    storage: Any = getattr(default_storage, "_wrapped")  # noqa: B009  # LazyObject's, untyped
    real_save = storage.save

    def failing_save(name: str, content: Any, **kwargs: Any) -> str:
        if name.endswith("metadata.json"):
            raise OSError("the bucket went away")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(storage, "save", failing_save)
    with pytest.raises(OSError, match="went away"):
        call_command("backup", "--to-storage")
    monkeypatch.undo()
    try:
        directories, _ = default_storage.listdir("backups")
    except FileNotFoundError:
        directories = []
    for name in directories:
        assert default_storage.listdir(f"backups/{name}")[1] == []
