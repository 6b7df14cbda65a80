"""What the benchmarks of a database ``manage.py generate_scale`` filled share: running their bench command on
it, in a child process so that it talks to that database (``DATABASE_URL``) rather than the test one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench_on_scale_database(*command: str, timeout: int = 4 * 3600) -> int:
    """Run ``manage.py <command>`` on the scale database, print its report, and answer its exit status;
    skip the test when ``DATABASE_URL`` names no PostgreSQL database."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("set DATABASE_URL to the PostgreSQL database generate_scale filled (partybuild_scale)")
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    print("\n" + done.stdout + done.stderr)
    return done.returncode
