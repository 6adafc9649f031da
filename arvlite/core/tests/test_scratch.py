"""Left-over scratch files of killed processes (upload spools, media work directories) are
removed by age; fresh ones, ones still being written and other programs' files stay."""

from __future__ import annotations

import os
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command

from arvlite.core.scratch import remove_stale_scratch, work_directory

HOURS = 3600


@pytest.fixture
def scratch(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A system temporary directory and an upload spool directory of this test's own."""
    system, spools = tmp_path / "tmp", tmp_path / "spools"
    system.mkdir()
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))  # what gettempdir() answers
    settings.FILE_UPLOAD_TEMP_DIR = str(spools)
    settings.SCRATCH_MAX_AGE_SECONDS = 6 * HOURS
    return system, spools


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(item, (then, then))


def spool(size: int) -> Path:
    """An upload spool as Django's handler writes it (its name, in FILE_UPLOAD_TEMP_DIR),
    left behind as by a web process killed mid-upload."""
    upload = TemporaryUploadedFile("clip.mp4", "video/mp4", size, None)
    upload.write(b"\0" * size)
    upload.flush()
    path = Path(upload.temporary_file_path())
    os.link(path, path.with_name(path.name + ".kept"))  # survives the handle's close
    upload.close()
    return path.with_name(path.name + ".kept")


def test_left_overs_are_removed_by_age_and_nothing_else(scratch: tuple[Path, Path]) -> None:
    system, spools = scratch
    killed_upload = spool(1000)
    assert killed_upload.parent == spools
    killed_transcode = work_directory("video")
    (killed_transcode / "source").write_bytes(b"\0" * 500)
    fresh_transcode = work_directory("video")
    still_written = work_directory("video")
    (still_written / "720.mp4").write_bytes(b"\0" * 10)
    someone_elses = system / "pgsql_tmp_not_ours"
    someone_elses.write_bytes(b"x")
    for path in (killed_upload, killed_transcode, someone_elses):
        age(path, 7 * HOURS)
    age(still_written, 7 * HOURS)
    os.utime(still_written / "720.mp4")  # its encoder writes into it right now

    report = remove_stale_scratch()

    assert (report.removed, report.bytes_freed) == (2, 1500)
    assert not killed_upload.exists()
    assert not killed_transcode.exists()
    assert fresh_transcode.exists()
    assert still_written.exists()
    assert someone_elses.exists()
    assert remove_stale_scratch().removed == 0, "safe to repeat"


@pytest.mark.django_db
def test_the_operators_command_reports_what_it_removed(scratch: tuple[Path, Path]) -> None:
    left = work_directory("mind")
    (left / "target.mind").write_bytes(b"\0" * 42)
    age(left, 7 * HOURS)
    out = StringIO()
    call_command("cleanup_storage", "--scratch-only", stdout=out)
    assert "Scratch: 1 left-over files or directories removed (42 bytes)." in out.getvalue()
    assert "Storage:" not in out.getvalue()
    assert not left.exists()

    call_command("cleanup_storage", stdout=out)
    assert "Storage: 0 of" in out.getvalue()


def test_links_and_other_users_entries_are_left_alone(scratch: tuple[Path, Path], tmp_path: Path) -> None:
    system, _ = scratch
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"x")
    planted = system / "arvlite-work-planted"
    planted.symlink_to(outside, target_is_directory=True)
    foreign = work_directory("video")
    (foreign / "source").write_bytes(b"x")
    age(outside, 7 * HOURS)
    age(foreign, 7 * HOURS)
    if os.geteuid() == 0:  # root can hand the directory to another user, as on a shared machine
        os.chown(foreign, 4242, 4242)

    report = remove_stale_scratch()

    assert (outside / "keep.txt").exists()
    assert planted.is_symlink()
    assert foreign.exists() is (os.geteuid() == 0)
    assert report.skipped == 0
