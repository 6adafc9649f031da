#!/usr/bin/env python
"""The similar-marker check as the pipeline runs it: 10,000 fingerprints in PostgreSQL,
one new marker compared with all of them (load the hashes, prefilter, fetch and match the
candidates' features). Uses a scratch database `arvlite_bench` on 127.0.0.1 (dropped at the
end) and prints the median of 5 checks.

    .venv/bin/python bench/similar_markers_db.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arvlite_bench"
ROWS = 10_000


def main() -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"], check=True
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="arvlite.settings",
        DEBUG="true",
        LOG_LEVEL="warning",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np

    from arcontent.imaging import similarity
    from arcontent.imaging.tests.images import textured_photo
    from arcontent.models import ARContent, MarkerFingerprint
    from arcontent.pipeline import _signed, find_similar
    from arvlite.core.tenancy import scopes_disabled
    from companies.models import Company, StoredFile
    from projects.models import Project

    try:
        with scopes_disabled():
            company = Company.objects.create(name="Bench", slug="bench")
            project = Project.objects.create(company=company, name="Bench")
            photo = StoredFile.objects.create(
                company=company,
                kind="photo",
                key="1/photo/x/p.jpg",
                size=1,
                sha256="0" * 64,
                mime_type="image/jpeg",
            )
            real = [similarity.fingerprint(textured_photo(1024, 768, seed=seed)) for seed in range(10)]
            rng = np.random.default_rng(1)
            contents = ARContent.objects.bulk_create(
                ARContent(
                    company=company,
                    project=project,
                    order_number=f"B-{i}",
                    print_width_cm=15,
                    print_height_cm=10,
                    photo=photo,
                )
                for i in range(ROWS + 1)
            )
            hashes = rng.integers(0, 2**63, size=(ROWS, 4), dtype=np.int64)
            MarkerFingerprint.objects.bulk_create(
                MarkerFingerprint(
                    content=content,
                    company=company,
                    phash_0=int(h[0]),
                    phash_90=int(h[1]),
                    phash_180=int(h[2]),
                    phash_270=int(h[3]),
                    features=real[i % 10].to_bytes(),
                )
                for i, (content, h) in enumerate(zip(contents[1:], hashes, strict=True))
            )
            original = real[3]
            target = contents[1 + 3]  # holds real[3]'s features; give it real[3]'s hashes
            MarkerFingerprint.objects.filter(content=target).update(
                **{f"phash_{a}": _signed(v) for a, v in zip((0, 90, 180, 270), original.phashes, strict=True)}
            )
            query = similarity.fingerprint(textured_photo(1024, 768, seed=3).rotate(90, expand=True))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                matches = find_similar(contents[0], query)
                times.append(time.perf_counter() - started)
        print(f"{ROWS} fingerprints in PostgreSQL; matches found: {len(matches)}")
        print(f"find_similar median of 5: {statistics.median(times) * 1000:.0f} ms (target < 1000 ms)")
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE {DB}"], check=True
        )


if __name__ == "__main__":
    main()
