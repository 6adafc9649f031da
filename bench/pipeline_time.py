#!/usr/bin/env python
"""Time of the photo -> marker imaging steps for one realistic 12-megapixel upload.

Builds a textured 4000 x 3000 JPEG (a busy, photo-like scene from a fixed seed), then runs
the pure imaging steps the pipeline runs, RUNS times:

    load_photo (decode, limits, EXIF, RGB)  ->  make_marker (1024 px JPEG)
    ->  make_thumbnails (3 WebP)  ->  analyze (on the marker)  ->  fingerprint (on the marker)

and prints the median of each step and of the whole. The optional auto-enhance (enhance +
analyze of the result) is timed too but reported apart, since the brief's total excludes
it. No Django, no database, no storage.

    .venv/bin/python bench/pipeline_time.py            # 5 runs
    .venv/bin/python bench/pipeline_time.py --runs 9
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from arcontent.imaging.analysis import analyze  # noqa: E402
from arcontent.imaging.decode import load_photo  # noqa: E402
from arcontent.imaging.derivatives import make_marker  # noqa: E402
from arcontent.imaging.enhance import enhance  # noqa: E402
from arcontent.imaging.similarity import fingerprint  # noqa: E402
from arcontent.imaging.tests.images import textured_photo  # noqa: E402
from arvlite.core.thumbnails import make_thumbnails  # noqa: E402

TARGET_SECONDS = 3.0


def build_upload() -> bytes:
    """A phone-like file: the scene plus fine sensor grain, which is what makes a real
    12-megapixel JPEG weigh 4-6 MB and take its time to decode."""
    scene = np.asarray(textured_photo(4000, 3000, seed=2026), dtype=np.int16)
    grain = np.random.default_rng(2026).integers(-6, 7, size=scene.shape, dtype=np.int16)
    photo = Image.fromarray(np.clip(scene + grain, 0, 255).astype(np.uint8), mode="RGB")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def timed(timings: dict[str, list[float]], step: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    timings.setdefault(step, []).append(time.perf_counter() - started)
    return result


def run_once(upload: bytes, timings: dict[str, list[float]]) -> None:
    started = time.perf_counter()
    photo = timed(timings, "load_photo", lambda: load_photo(upload))
    marker_bytes = timed(timings, "make_marker", lambda: make_marker(photo))
    timed(timings, "make_thumbnails", lambda: make_thumbnails(photo))
    marker = Image.open(io.BytesIO(marker_bytes)).convert("RGB")
    timed(timings, "analyze", lambda: analyze(marker, print_width_cm=15, print_height_cm=10))
    timed(timings, "fingerprint", lambda: fingerprint(marker))
    timings.setdefault("total", []).append(time.perf_counter() - started)
    timed(timings, "enhance + analyze (optional)", lambda: analyze(enhance(marker)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    print("building a 4000 x 3000 textured JPEG ... ", end="", flush=True)
    upload = build_upload()
    print(f"{len(upload) / 1024**2:.1f} MB")
    print(f"cpus: {os.cpu_count()}, runs: {runs}")

    run_once(upload, {})  # warm-up: imports, OpenCV and codec initialisation
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        run_once(upload, timings)

    for step, seconds in timings.items():
        if step in {"total", "enhance + analyze (optional)"}:
            continue
        print(f"  {step:<16} median {statistics.median(seconds) * 1000:7.0f} ms")
    total = statistics.median(timings["total"])
    verdict = "OK" if total < TARGET_SECONDS else "OVER TARGET"
    print(f"total (median of {runs})  {total:.2f} s   target < {TARGET_SECONDS:.0f} s: {verdict}")
    print(
        f"  + enhance and re-analyze (optional step): median {statistics.median(timings['enhance + analyze (optional)']) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
