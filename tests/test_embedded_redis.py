"""The local run's embedded Redis (`python -m core.embedded_redis`, started by honcho) stops last: on Ctrl-C honcho
signals every process at once, and the worker and the scheduler still need Redis to stop cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from tests.services import ROOT, eventually, free_port, wait_until_up


def _start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], redis.Redis]:
    port = free_port()
    wrapper = subprocess.Popen([sys.executable, "-m", "core.embedded_redis", "--port", str(port)], cwd=ROOT,
                               env={**os.environ, "INSTANCE_DIR": str(tmp_path / "instance"), "PYTHONPATH": str(ROOT)},
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_timeout=2)
    wait_until_up(client.ping, "embedded redis", wrapper)
    return wrapper, client


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_redis_serves_its_clients_until_they_leave_then_stops(tmp_path: Path) -> None:
    wrapper, worker = _start(tmp_path)
    worker.set("job", "queued")
    os.killpg(wrapper.pid, signal.SIGTERM)  # what honcho does to every process on Ctrl-C
    time.sleep(0.5)
    assert worker.get("job") == b"queued"  # a worker finishing its job still reaches Redis
    assert wrapper.poll() is None
    worker.close()  # the worker is done
    assert wrapper.wait(timeout=10) == 0
    assert not _pings(redis.Redis(port=worker.connection_pool.connection_kwargs["port"], socket_timeout=1))


def test_a_killed_wrapper_leaves_no_server_behind(tmp_path: Path) -> None:
    wrapper, client = _start(tmp_path)
    os.killpg(wrapper.pid, signal.SIGKILL)  # honcho's last resort, 5 s after Ctrl-C
    wrapper.wait(timeout=10)
    assert eventually(lambda: not _pings(client), timeout=10, every=0.1)  # the port is free for the next run
