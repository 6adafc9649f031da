"""Rebuild the daily view roll-ups now (the periodic job does today and yesterday)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arcontent.analytics.periods import MAX_DAYS
from arcontent.analytics.rollups import rollup_recent
from companies.models import Company


class Command(BaseCommand):
    help = "Rebuild the daily view statistics of the last N local days (today included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help=f"1 to {MAX_DAYS} (default 2).")
        parser.add_argument("--company", help="Only this company (its slug); default: every active one.")

    def handle(self, *args: Any, days: int, company: str | None, **options: Any) -> None:
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        companies = Company.objects.filter(status=Company.Status.ACTIVE).order_by("pk")
        if company is not None:
            companies = Company.objects.filter(slug=company)
            if not companies.exists():
                raise CommandError(f"No company with the slug {company!r}.")
        for each in companies:
            first, last, rows = rollup_recent(company=each, days=days)
            self.stdout.write(f"{each.slug}: {first} … {last}, {rows} rows")
