"""Build the web AR targets left unavailable while the MindAR compiler was missing (what
the periodic task does; scripts/run calls it at start, as the embedded run has no beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from arcontent.services import retry_unavailable_web_targets


class Command(BaseCommand):
    help = "Queue the web AR targets that were unavailable, once the MindAR compiler is installed."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = retry_unavailable_web_targets()
        if queued:
            self.stdout.write(f"Web AR targets: {queued} built again now that the compiler is installed.")
