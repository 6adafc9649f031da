"""A month of plausible scans for the demo company (once), so its analytics show something."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from arcontent.analytics.demo_history import demo_history
from arcontent.viewer.management.commands.seed_demo import DEMO_COMPANY_SLUG
from companies.models import Company


class Command(BaseCommand):
    help = "Give the demo company a month of scans through the viewer's event path (only if it has none)."

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(slug=DEMO_COMPANY_SLUG).first()
        if company is None:
            self.stdout.write("No demo company: run seed_demo first.")
            return
        scans = demo_history(company)
        self.stdout.write(f"Demo scans: {scans} written." if scans else "Demo scans: already there.")
