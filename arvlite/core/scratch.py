"""Scratch files on this machine's local disk, and their clean-up by age.

A web process spools a large upload to a temporary file, a media worker copies an original
into a work directory; both remove them when they finish — but a process killed mid-way
(SIGKILL, OOM, a redeploy) leaves them behind, and nothing else ever would: a fault probe
found a 167 MB upload spool and 57–63 MB transcode directories left by killed processes.
Our work directories are named ``arvlite-*`` (see ``work_directory``); Django names its
upload spools ``tmp*.upload*`` in FILE_UPLOAD_TEMP_DIR (or the system's temporary
directory). Anything of those names untouched for SCRATCH_MAX_AGE_SECONDS — far longer than
any task's time limit or any upload's pause — belongs to no running process.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)
WORK_PREFIX = "arvlite-"
UPLOAD_SPOOL_PATTERN = "tmp*.upload*"


def work_directory(purpose: str) -> Path:
    """A new work directory that the clean-up recognises if its process dies."""
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{purpose}-"))


@dataclass
class ScratchReport:
    removed: int = 0
    bytes_freed: int = 0


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(child.stat().st_size for child in path.rglob("*") if child.is_file())
    return path.stat().st_size


def _last_touched(path: Path) -> float:
    """The newest modification time in ``path`` (a directory's own time misses writes to
    files already in it)."""
    times = [path.stat().st_mtime]
    if path.is_dir():
        times.extend(child.stat().st_mtime for child in path.rglob("*"))
    return max(times)


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
            if _last_touched(path) >= cutoff:
                continue
            size = _size(path)
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:  # its process finished and removed it meanwhile
            continue
        report.removed += 1
        report.bytes_freed += size
    logger.info("scratch.cleanup", removed=report.removed, bytes_freed=report.bytes_freed)
    return report
