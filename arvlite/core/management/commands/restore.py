"""``manage.py restore <backup>``: into an empty database only, then the backup's manifest is
checked against storage and its row counts against the restored tables."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from arvlite.core.backups import BackupError, backup_storage, fetch_backup, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into an empty PostgreSQL database and verify files and row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "backup",
            help="A backup directory written by manage.py backup (with --from-storage: its name, or latest).",
        )
        parser.add_argument(
            "--from-storage",
            action="store_true",
            help="Fetch the backup from backups/ in the storage layer first.",
        )
        parser.add_argument(
            "--database-url", default=None, help="The empty target database (default: DATABASE_URL)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_storage"]:
            with tempfile.TemporaryDirectory(prefix="arvlite-restore-") as scratch:
                try:
                    backup = fetch_backup(backup_storage(), options["backup"], Path(scratch))
                except BackupError as error:
                    raise CommandError(str(error)) from error
                self.stdout.write(f"Fetched {backup.name} from the storage layer.")
                self._restore(backup, options)
            return
        self._restore(Path(options["backup"]), options)

    def _restore(self, backup: Path, options: dict[str, Any]) -> None:
        if not (backup / "metadata.json").is_file():
            raise CommandError(f"{backup} is not a backup (no metadata.json).")
        try:
            report = restore_backup(
                backup, database_url=options["database_url"], encryption_key=settings.BACKUP_ENCRYPTION_KEY
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for key in report.missing:
            self.stderr.write(f"missing from storage: {key}")
        for key in report.changed:
            self.stderr.write(f"changed in storage: {key}")
        for table, (expected, found) in report.row_differences.items():
            self.stderr.write(f"rows in {table}: {found}, the backup had {expected}")
        if not report.ok:
            raise CommandError("Restored, but the verification found differences (listed above).")
        self.stdout.write("Restored and verified: every stored file and every table's row count match.")
