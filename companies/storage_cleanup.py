"""The periodic storage clean-up: rows whose object is gone, objects without a row.

Both sides skip anything younger than STORAGE_CLEANUP_GRACE_SECONDS, so an upload in
flight (object written, row not yet committed) is never touched. Safe to repeat: a second
run finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from arvlite.core.storage.keys import company_id_of
from arvlite.core.tenancy import scopes_disabled
from companies.models import StoredFile

logger = structlog.get_logger(__name__)
BATCH = 500


@dataclass
class CleanupReport:
    rows_checked: int = 0
    rows_removed: int = 0
    objects_checked: int = 0
    objects_removed: int = 0
    bytes_freed: int = 0
    removed_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "rows_checked": self.rows_checked,
            "rows_removed": self.rows_removed,
            "objects_checked": self.objects_checked,
            "objects_removed": self.objects_removed,
            "bytes_freed": self.bytes_freed,
        }


def walk_keys(prefix: str = "") -> Iterator[str]:
    """Every object key under ``prefix``, on any backend (directories on disk, common
    prefixes in a bucket)."""
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:  # local storage before its first file
        return
    for name in files:
        yield f"{prefix}{name}"
    for directory in directories:
        yield from walk_keys(f"{prefix}{directory}/")


def is_media_key(key: str) -> bool:
    parts = key.split("/")
    return len(parts) == 4 and company_id_of(key) is not None and parts[1] in StoredFile.Kind.values


def _older_than_grace(key: str, cutoff: datetime) -> bool:
    modified = default_storage.get_modified_time(key)
    if timezone.is_naive(modified):
        modified = timezone.make_aware(modified)
    return modified < cutoff


def cleanup_storage(*, now: datetime | None = None) -> CleanupReport:
    """Remove rows without an object and objects without a row (cross-tenant by design)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.STORAGE_CLEANUP_GRACE_SECONDS)
    report = CleanupReport()
    with scopes_disabled():
        rows = StoredFile.objects.filter(created_at__lt=cutoff).values_list("pk", "key").order_by("pk")
        for pk, key in rows.iterator(chunk_size=BATCH):
            report.rows_checked += 1
            if not default_storage.exists(key):
                StoredFile.objects.filter(pk=pk).delete()
                report.rows_removed += 1

        for key in walk_keys():
            if not is_media_key(key):
                continue  # not a stored-file object (company logos live under branding/)
            report.objects_checked += 1
            if StoredFile.objects.filter(key=key).exists() or not _older_than_grace(key, cutoff):
                continue
            report.bytes_freed += default_storage.size(key)
            default_storage.delete(key)
            report.objects_removed += 1
            report.removed_keys.append(key)
    logger.info("storage.cleanup", **report.as_dict())
    return report
