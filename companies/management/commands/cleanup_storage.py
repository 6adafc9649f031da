"""The storage clean-up on demand (what the daily task does), plus this machine's
left-over upload spools and media work directories. Web machines, whose spools the daily
task (run on one worker) never sees, run ``cleanup_storage --scratch-only`` from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from arvlite.core.scratch import remove_stale_scratch
from companies.storage_cleanup import cleanup_storage


class Command(BaseCommand):
    help = (
        "Remove file rows whose object is gone, objects without a row, and this machine's "
        "upload spools and media work directories left by killed processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scratch-only",
            action="store_true",
            help="Only this machine's local scratch files (for web machines' cron).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["scratch_only"]:
            report = cleanup_storage()
            self.stdout.write(
                f"Storage: {report.rows_removed} of {report.rows_checked} rows without an object removed, "
                f"{report.objects_removed} of {report.objects_checked} objects without a row removed "
                f"({report.bytes_freed:,} bytes)."
            )
        scratch = remove_stale_scratch()
        self.stdout.write(
            f"Scratch: {scratch.removed} left-over files or directories removed ({scratch.bytes_freed:,} bytes)."
        )
