"""Scratch files on this machine's local disk, and their clean-up by age.

A web process spools a large upload to a temporary file, a media worker copies an original
into a work directory; both remove them when they finish — but a process killed mid-way
(SIGKILL, OOM, a redeploy) leaves them behind, and nothing else ever would: a fault probe
found a 167 MB upload spool and 57–63 MB transcode directories left by killed processes.
Our work directories are named ``arvlite-work-*`` (see ``work_directory``); Django names its
upload spools ``tmp*.upload*`` in FILE_UPLOAD_TEMP_DIR (or the system's temporary
directory). Anything of those names, owned by this process's user, untouched for
SCRATCH_MAX_AGE_SECONDS — far longer than any task's time limit or any upload's pause —
belongs to no running process. Symbolic links are never followed nor removed.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)
WORK_PREFIX = "arvlite-work-"
UPLOAD_SPOOL_PATTERN = "tmp*.upload*"


def work_directory(purpose: str) -> Path:
    """A new work directory that the clean-up recognises if its process dies."""
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{purpose}-"))


@dataclass
class ScratchReport:
    removed: int = 0
    bytes_freed: int = 0
    skipped: int = 0  # could not be read or removed (logged)


def _tree(path: Path) -> list[os.stat_result]:
    """lstat of ``path`` and, for a directory, of everything under it (links not followed)."""
    stats = [path.lstat()]
    if stat.S_ISDIR(stats[0].st_mode):
        for folder, directories, files in os.walk(path):  # os.walk follows no link by default
            stats.extend((Path(folder) / name).lstat() for name in [*directories, *files])
    return stats


def _candidates() -> set[Path]:
    system = Path(tempfile.gettempdir())
    uploads = Path(settings.FILE_UPLOAD_TEMP_DIR or system)
    return {*system.glob(f"{WORK_PREFIX}*"), *uploads.glob(UPLOAD_SPOOL_PATTERN)}


def remove_stale_scratch(*, max_age_seconds: int | None = None) -> ScratchReport:
    """Remove this machine's left-over spools and work directories; safe to repeat."""
    max_age = settings.SCRATCH_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
    cutoff = time.time() - max_age
    report = ScratchReport()
    for path in sorted(_candidates()):
        try:
            own = path.lstat()
            if stat.S_ISLNK(own.st_mode) or own.st_uid != os.geteuid():
                continue
            tree = _tree(path)
            if max(entry.st_mtime for entry in tree) >= cutoff:
                continue  # the newest write anywhere in it counts, not the directory's own time
            size = sum(entry.st_size for entry in tree if stat.S_ISREG(entry.st_mode))
            if stat.S_ISDIR(own.st_mode):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:  # its process finished and removed it meanwhile
            continue
        except OSError as error:  # one unreadable entry never stops the rest
            logger.warning("scratch.skipped", path=str(path), error=str(error))
            report.skipped += 1
            continue
        report.removed += 1
        report.bytes_freed += size
    logger.info("scratch.cleanup", removed=report.removed, bytes_freed=report.bytes_freed)
    return report
