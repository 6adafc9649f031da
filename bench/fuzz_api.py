#!/usr/bin/env python
"""The long schema-fuzzing run: the suite's test_schema_fuzz.py with many more examples per
operation (valid and invalid requests each), another seed if asked, against the test
database of your choice (PostgreSQL and Redis as for the tests). Prints what failed, each
failure with a curl line to reproduce it, and the time taken.

    .venv/bin/python bench/fuzz_api.py                       # 100 examples per operation and mode
    .venv/bin/python bench/fuzz_api.py --examples 500 --seed 7
    .venv/bin/python bench/fuzz_api.py --database-url postgres://postgres@127.0.0.1:5432/arvlite_fuzz

The suite runs 4 examples per operation and mode (about a minute on two cores); 100 take
roughly 25 times as long. Exit status: pytest's (0 when every answer was as documented).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "arvlite/core/tests/test_schema_fuzz.py"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--examples", type=int, default=100, help="examples per operation and mode (default 100)"
    )
    parser.add_argument("--seed", type=int, default=18, help="Hypothesis seed (default 18, as the suite)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/arvlite_fuzz"),
        help="the test database pytest-django creates (and drops) for the run",
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "arvlite.settings_test",
        "DATABASE_URL": args.database_url,
        "ARVLITE_FUZZ_EXAMPLES": str(args.examples),
        "ARVLITE_FUZZ_SEED": str(args.seed),
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "--no-cov", TEST]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    print(f"fuzz_api: {args.examples} examples per operation and mode, seed {args.seed}: "
          f"{time.monotonic() - started:.0f} s, exit {result.returncode}")  # fmt: skip
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
