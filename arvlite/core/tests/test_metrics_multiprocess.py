"""The counters of a server's processes in one directory: a recycled worker's files are
folded into one archive file, so they do not pile up and the totals stay whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest, multiprocess

from arvlite.core.metrics import multiproc_dir_reset, multiproc_process_gone

WORKER = """
from prometheus_client import Counter, Gauge, Histogram
Counter("arv_test_requests", "r", ["view"]).labels(view="a").inc({n})
Histogram("arv_test_seconds", "s").observe(0.2)
Gauge("arv_test_live", "g", multiprocess_mode="all").set(1)
"""


def _pid_of(directory: Path, exclude: set[str]) -> str:
    pids = {p.stem.rsplit("_", 1)[1] for p in directory.glob("counter_*.db")} - {"archive"} - exclude
    assert len(pids) == 1, pids
    return pids.pop()


def _scrape(directory: Path) -> str:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    return generate_latest(registry).decode()


def test_a_gone_worker_is_folded_into_the_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "metrics"
    multiproc_dir_reset(str(directory))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    gone: set[str] = set()
    for n in (3, 4, 5):
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
        subprocess.run([sys.executable, "-c", WORKER.format(n=n)], env=env, check=True)
        pid = _pid_of(directory, gone)
        multiproc_process_gone(int(pid))
        gone.add(pid)
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["counter_archive.db", "histogram_archive.db"]  # nothing per process is left
    text = _scrape(directory)
    assert 'arv_test_requests_total{view="a"} 12.0' in text
    assert "arv_test_seconds_count 3.0" in text
    assert "arv_test_live" not in text  # a gone process's gauge goes with it


def test_the_directory_is_the_server_s_own(tmp_path: Path) -> None:
    elsewhere = tmp_path / "someone-else"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("theirs")
    link = tmp_path / "metrics"
    link.symlink_to(elsewhere)
    multiproc_dir_reset(str(link))
    assert not link.is_symlink()
    assert link.is_dir()
    assert (elsewhere / "keep.txt").exists()  # the link went, not what it pointed at
    assert oct(link.stat().st_mode & 0o777) == "0o700"
