#!/usr/bin/env python
"""Time of one similar-marker check against 10,000 stored markers.

The store is what the database would hold: for each marker its four right-angle pHashes
(an n x 4 uint64 array) and its fingerprint as bytes. 9,990 rows are random hashes; 10 are
real markers (the original of the query and nine unrelated photos) at random rows. The
random rows' fingerprints are real bytes too (of unrelated photos), so every candidate
costs what a real one costs: deserialise, ratio-test matching, RANSAC.

For each query (the original re-uploaded, turned 90 degrees, tilted 7 degrees, and tilted,
halved and recompressed at JPEG quality 40) it times prefilter + matching of the
candidates, RUNS times, and prints the median, the candidate count and what matched. The
query's own fingerprint is made once per upload by the pipeline and is timed apart.

    .venv/bin/python bench/similar_markers.py
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from arcontent.imaging.derivatives import make_marker  # noqa: E402
from arcontent.imaging.similarity import Fingerprint, find_matches, fingerprint, prefilter_array  # noqa: E402
from arcontent.imaging.tests.images import textured_photo  # noqa: E402

STORED = 10_000
TARGET_SECONDS = 1.0


def marker_of(photo: Image.Image) -> Image.Image:
    return Image.open(io.BytesIO(make_marker(photo))).convert("RGB")


def recompressed(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(buffer).convert("RGB")


def build_store(original: Image.Image) -> tuple[np.ndarray, dict[int, bytes], list[bytes], int]:
    rng = np.random.default_rng(2026)
    hashes = rng.integers(0, 2**64, size=(STORED, 4), dtype=np.uint64)
    real = [fingerprint(original)] + [
        fingerprint(marker_of(textured_photo(1600, 1200, seed=s))) for s in range(30, 39)
    ]
    rows = rng.choice(STORED, size=len(real), replace=False)
    blobs = {}
    for row, stored in zip(rows, real, strict=True):
        hashes[row] = stored.phashes
        blobs[int(row)] = stored.to_bytes()
    strangers = [stored.to_bytes() for stored in real[1:]]
    return hashes, blobs, strangers, int(rows[0])


def check(query: Fingerprint, hashes: np.ndarray, blobs: dict[int, bytes], strangers: list[bytes]) -> tuple:
    candidates = prefilter_array(query, hashes)
    found = find_matches(
        query,
        (
            (int(row), Fingerprint.from_bytes(blobs.get(int(row), strangers[int(row) % len(strangers)])))
            for row in candidates
        ),
    )
    return candidates, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    original = marker_of(textured_photo(1600, 1200, seed=11))
    hashes, blobs, strangers, true_row = build_store(original)
    queries = {
        "re-uploaded": original.copy(),
        "turned 90 degrees": original.transpose(Image.Transpose.ROTATE_90),
        "tilted 7 degrees": original.rotate(
            7, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
        ),
        "tilted, halved, JPEG q40": recompressed(original.reduce(2).rotate(-7, Image.Resampling.BICUBIC), 40),
        "unrelated photo": marker_of(textured_photo(1600, 1200, seed=99)),
    }
    print(
        f"{STORED} stored markers ({len(blobs)} real); the original is row {true_row}; median of {runs} runs"
    )
    worst = 0.0
    for name, image in queries.items():
        started = time.perf_counter()
        query = fingerprint(image)
        fingerprint_ms = (time.perf_counter() - started) * 1000
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            candidates, found = check(query, hashes, blobs, strangers)
            seconds.append(time.perf_counter() - started)
        median = statistics.median(seconds)
        worst = max(worst, median)
        matched = ", ".join(f"row {row} ({result.inliers} inliers)" for row, result in found) or "none"
        print(
            f"  {name:<26} candidates {len(candidates):3}  check {median * 1000:6.1f} ms"
            f"  (query fingerprint {fingerprint_ms:4.0f} ms)  matched: {matched}"
        )
    verdict = "OK" if worst < TARGET_SECONDS else "OVER TARGET"
    print(f"slowest check {worst * 1000:.0f} ms   target < {TARGET_SECONDS * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
