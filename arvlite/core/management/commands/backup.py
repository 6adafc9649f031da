"""``manage.py backup``: a database dump and a checksummed manifest of every stored object
(arvlite/core/backups.py; docs/OPERATIONS.md "Backups and restore")."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from arvlite.core.backups import BackupError, backup_storage, create_backup, store_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) with a SHA-256 manifest of stored files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default=None,
            help="Directory of backups (default BACKUP_DIR); given, it wins over BACKUP_TO_STORAGE.",
        )  # fmt: skip
        parser.add_argument(
            "--to-storage", action="store_true", default=settings.BACKUP_TO_STORAGE,
            help="Write it to backups/ in the storage layer instead (BACKUP_TO_STORAGE; BACKUP_BUCKET).",
        )  # fmt: skip
        parser.add_argument(
            "--keep", type=int, default=settings.BACKUP_KEEP, help="Newest backups to keep (0: all)."
        )
        parser.add_argument("--no-encrypt", action="store_true", help="Ignore BACKUP_ENCRYPTION_KEY.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] < 0:
            raise CommandError("--keep must be 0 or more.")
        key = "" if options["no_encrypt"] else settings.BACKUP_ENCRYPTION_KEY
        note = " (encrypted)" if key else ""
        to_storage = options["to_storage"] and options["output"] is None
        if to_storage and not key and not options["no_encrypt"]:
            # The media bucket is read with keys every machine holds; a plain dump there
            # would hand out password hashes and authenticator secrets with them.
            raise CommandError(
                "Backups in the storage layer are encrypted: set BACKUP_ENCRYPTION_KEY "
                "(or pass --no-encrypt to store a plain dump on purpose)."
            )
        try:
            if to_storage:
                with tempfile.TemporaryDirectory(prefix="arvlite-backup-") as scratch:
                    local = create_backup(Path(scratch), encryption_key=key)
                    stored = store_backup(local, backup_storage(), keep=options["keep"])
                self.stdout.write(f"Backup stored as {stored} in the storage layer{note}.")
                return
            output = Path(options["output"] or settings.BACKUP_DIR)
            path = create_backup(output, encryption_key=key, keep=options["keep"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {path}{note}.")
