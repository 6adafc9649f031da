"""Backups and the restore drill (``manage.py backup`` / ``manage.py restore``).

A backup is one directory ``arvlite-<UTC time>`` holding:

- ``database.dump``: ``pg_dump --format=custom`` of the configured database (or
  ``database.dump.enc``, encrypted with ``BACKUP_ENCRYPTION_KEY``: a Fernet key; the dump is
  encrypted in 4 MiB chunks, each a Fernet token after its 4-byte length, so a large dump
  never sits in memory whole);
- ``manifest.json``: every object in the file storage (local disk or S3) with its size and
  SHA-256, listed from the storage itself, so files no row points at are listed too;
- ``metadata.json``: when, the applied migrations, and the row count of every table.

``manage.py backup --to-storage`` copies the finished directory into the storage layer
(``backups/<name>/`` of the media storage, or of ``BACKUP_BUCKET``), metadata.json last so a
half-copied backup is never listed, and keeps the newest ``BACKUP_KEEP`` there; ``manage.py
restore --from-storage <name|latest>`` fetches one back first. That folder is left out of
the manifest (it is not media).

The objects themselves stay where they are (S3 versioning or a bucket replica keeps them);
the manifest is what proves, after a restore, that storage still holds every one of them
unchanged. A restore goes into an empty database only, then checks the manifest against
storage and the row counts against the metadata, and reports every difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import psycopg2
import structlog
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage, storages

logger = structlog.get_logger(__name__)

PREFIX = "arvlite-"
CHUNK = 4 * 1024 * 1024
DUMP, ENCRYPTED_DUMP = "database.dump", "database.dump.enc"
STORAGE_FOLDER = "backups"
_NAME = re.compile(rf"^{PREFIX}\d{{8}}T\d{{12}}Z$")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class RestoreReport:
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    row_differences: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.row_differences)


# --- connection details -------------------------------------------------------------------


def database_url_parts(url: str | None = None) -> dict[str, str]:
    """libpq keywords for the configured database, or for ``url`` (a postgres:// URL)."""
    if url:
        import environ  # django-environ parses exactly as the settings do

        config = environ.Env.db_url_config(url)
    else:
        config = settings.DATABASES["default"]
    if "postgresql" not in str(config.get("ENGINE", "")):
        raise BackupError("Backups need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    return {
        "dbname": str(config["NAME"]),
        "user": str(config.get("USER") or ""),
        "password": str(config.get("PASSWORD") or ""),
        "host": str(config.get("HOST") or ""),
        "port": str(config.get("PORT") or ""),
    }


def _pg_command(program: str, parts: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    command = [program, "--no-password"]
    for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if parts[key]:
            command += [option, parts[key]]
    env = {**os.environ, "PGPASSWORD": parts["password"]} if parts["password"] else dict(os.environ)
    return command, env


def _connect(parts: dict[str, str]) -> Any:
    return psycopg2.connect(**{k: v for k, v in parts.items() if v})


def table_row_counts(parts: dict[str, str]) -> dict[str, int]:
    connection = _connect(parts)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
                counts[table] = int(cursor.fetchone()[0])
        return counts
    finally:
        connection.close()


# --- storage manifest ---------------------------------------------------------------------


def stored_objects(storage: Storage, folder: str = "") -> Iterator[str]:
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        if not folder and directory == STORAGE_FOLDER:
            continue  # backups kept in the media storage are not media
        yield from stored_objects(storage, f"{folder}/{directory}" if folder else directory)


def sha256_of(storage: Storage, key: str) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with storage.open(key, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def storage_manifest(storage: Storage) -> list[dict[str, Any]]:
    entries = []
    for key in stored_objects(storage):
        size, sha256 = sha256_of(storage, key)
        entries.append({"key": key, "size": size, "sha256": sha256})
    return entries


def verify_manifest(storage: Storage, manifest: list[dict[str, Any]], report: RestoreReport) -> None:
    for entry in manifest:
        if not storage.exists(entry["key"]):
            report.missing.append(entry["key"])
        elif sha256_of(storage, entry["key"]) != (entry["size"], entry["sha256"]):
            report.changed.append(entry["key"])


# --- encryption in chunks -----------------------------------------------------------------


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError) as error:
        raise BackupError("BACKUP_ENCRYPTION_KEY is not a Fernet key (Fernet.generate_key()).") from error


def encrypt_file(source: Path, target: Path, key: str) -> None:
    fernet = _fernet(key)
    with source.open("rb") as plain, target.open("wb") as sealed:
        while chunk := plain.read(CHUNK):
            token = fernet.encrypt(chunk)
            sealed.write(struct.pack(">I", len(token)) + token)


def decrypt_file(source: Path, target: Path, key: str) -> None:
    fernet = _fernet(key)
    with source.open("rb") as sealed, target.open("wb") as plain:
        while header := sealed.read(4):
            (length,) = struct.unpack(">I", header)
            try:
                plain.write(fernet.decrypt(_read_exactly(sealed, length)))
            except InvalidToken as error:
                raise BackupError("The backup cannot be decrypted with this key.") from error


def _read_exactly(handle: BinaryIO, length: int) -> bytes:
    data = handle.read(length)
    if len(data) != length:
        raise BackupError("The encrypted dump is truncated.")
    return data


# --- backup -------------------------------------------------------------------------------


def create_backup(
    directory: Path, *, encryption_key: str = "", keep: int = 0, storage: Storage | None = None
) -> Path:
    """Writes one backup under ``directory`` and returns its path; then keeps only the
    newest ``keep`` backups there (0: keep all)."""
    storage = storage or default_storage
    parts = database_url_parts()
    name = PREFIX + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / name
    partial = directory / f".{name}.partial"  # renamed when complete: a crash leaves no "backup"
    partial.mkdir(parents=True)
    try:
        command, env = _pg_command("pg_dump", parts)
        dump = partial / DUMP
        command += ["--format=custom", "--no-owner", "--file", str(dump), parts["dbname"]]
        _run(command, env, "pg_dump")
        if encryption_key:
            encrypt_file(dump, partial / ENCRYPTED_DUMP, encryption_key)
            dump.unlink()
        (partial / "manifest.json").write_text(json.dumps(storage_manifest(storage), indent=1))
        metadata = {
            "created_at": datetime.now(UTC).isoformat(),
            "database": parts["dbname"],
            "encrypted": bool(encryption_key),
            "migrations": _applied_migrations(parts),
            "row_counts": table_row_counts(parts),
        }
        (partial / "metadata.json").write_text(json.dumps(metadata, indent=1))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep:
        for old in list_backups(directory)[:-keep]:
            shutil.rmtree(old)
    return target


def list_backups(directory: Path) -> list[Path]:
    """Complete backups, oldest first (the names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and p.name.startswith(PREFIX))


def _applied_migrations(parts: dict[str, str]) -> dict[str, str]:
    connection = _connect(parts)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
            return {app: last for app, last in cursor.fetchall()}
    finally:
        connection.close()


def _run(command: list[str], env: dict[str, str], label: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{label} failed: {result.stderr.strip()[-2000:]}")


# --- in the storage layer ---------------------------------------------------------------


def backup_storage() -> Storage:
    """``BACKUP_BUCKET``'s storage when one is set (settings.STORAGES["backups"]), else the
    media storage."""
    return storages["backups"] if "backups" in settings.STORAGES else default_storage


def stored_backups(storage: Storage) -> list[str]:
    """Names of the complete backups in ``storage``, oldest first."""
    try:
        directories, _ = storage.listdir(STORAGE_FOLDER)
    except FileNotFoundError:  # local disk without the folder yet
        return []
    return sorted(
        name
        for name in directories
        if _NAME.match(name) and storage.exists(f"{STORAGE_FOLDER}/{name}/metadata.json")
    )


def _delete_stored(storage: Storage, name: str) -> None:
    folder = f"{STORAGE_FOLDER}/{name}"
    _, files = storage.listdir(folder)
    for file_name in sorted(files, key=lambda n: n != "metadata.json"):  # unlisted first
        storage.delete(f"{folder}/{file_name}")


def store_backup(local: Path, storage: Storage, *, keep: int = 0) -> str:
    """Copy the finished backup ``local`` to ``backups/<name>/`` in ``storage`` (metadata.json
    last: without it the copy is not listed), then keep the newest ``keep`` there."""
    files = sorted((p for p in local.iterdir() if p.is_file()), key=lambda p: p.name == "metadata.json")
    written: list[str] = []
    try:
        for path in files:
            key = f"{STORAGE_FOLDER}/{local.name}/{path.name}"
            if storage.exists(key):
                storage.delete(key)
            with path.open("rb") as handle:
                saved = storage.save(key, File(handle, name=path.name))
            written.append(saved)
            if saved != key:
                raise BackupError(f"The storage saved {key} as {saved}.")
    except BaseException:
        for key in written:  # a copy cut off half-way would stay, unlisted, for ever
            try:
                storage.delete(key)
            except Exception:
                logger.warning("backup.partial_copy_left", key=key, exc_info=True)
        raise
    if keep:
        for old in stored_backups(storage)[:-keep]:
            _delete_stored(storage, old)
    return f"{STORAGE_FOLDER}/{local.name}/"


def fetch_backup(storage: Storage, name: str, directory: Path) -> Path:
    """Copy the stored backup ``name`` (or the newest: "latest") into ``directory``."""
    names = stored_backups(storage)
    if name == "latest":
        if not names:
            raise BackupError("There is no backup in the storage yet.")
        name = names[-1]
    if name not in names:
        raise BackupError(f"No complete backup named {name!r} in the storage.")
    folder = f"{STORAGE_FOLDER}/{name}"
    target = directory / name
    target.mkdir(parents=True)
    _, files = storage.listdir(folder)
    for file_name in files:
        with storage.open(f"{folder}/{file_name}", "rb") as source, (target / file_name).open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    return target


# --- restore ------------------------------------------------------------------------------


def restore_backup(
    backup: Path, *, database_url: str | None = None, encryption_key: str = "", storage: Storage | None = None
) -> RestoreReport:
    """Restores ``backup`` into the (empty) database of ``database_url`` — the configured one
    when not given — and checks storage and row counts against the backup."""
    storage = storage or default_storage
    metadata = json.loads((backup / "metadata.json").read_text())
    manifest = json.loads((backup / "manifest.json").read_text())
    parts = database_url_parts(database_url)
    if existing_tables(parts):
        raise BackupError(
            f"The database {parts['dbname']!r} is not empty: restore only into an empty database."
        )
    with tempfile.TemporaryDirectory(prefix="arvlite-restore-") as scratch:
        dump = backup / DUMP
        if metadata.get("encrypted"):
            if not encryption_key:
                raise BackupError("This backup is encrypted: set BACKUP_ENCRYPTION_KEY.")
            dump = Path(scratch) / DUMP
            decrypt_file(backup / ENCRYPTED_DUMP, dump, encryption_key)
        command, env = _pg_command("pg_restore", parts)
        command += ["--no-owner", "--exit-on-error", "--dbname", parts["dbname"], str(dump)]
        _run(command, env, "pg_restore")
    report = RestoreReport()
    restored = table_row_counts(parts)
    for table, expected in metadata["row_counts"].items():
        if restored.get(table) != expected:
            report.row_differences[table] = (expected, restored.get(table, -1))
    verify_manifest(storage, manifest, report)
    return report


def existing_tables(parts: dict[str, str]) -> list[str]:
    """The tables the target database already has (empty list: nothing to overwrite)."""
    connection = _connect(parts)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
