"""The scheduler process waits out a Redis restart instead of dying with it, and stops cleanly even when Redis went
first (Ctrl-C on the local run stops every process at once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import redis

from tests import services
from tests.services import ROOT, eventually

DUE_KEY = "kangban:scheduler:last:messaging.jobs.dispatch_due"  # ticked every 5 s


def test_scheduler_outlives_a_redis_restart_and_stops_cleanly(settings_overrides, tmp_path: Path) -> None:
    redis_proc, url = services.start_embedded_redis(tmp_path)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    env = {**os.environ, **{k.upper(): str(v) for k, v in settings_overrides.items()}, "REDIS_URL": url,
           "PYTHONPATH": str(ROOT)}
    log = tmp_path / "scheduler.log"
    with log.open("w") as err:
        scheduler = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "scheduler"], cwd=ROOT, env=env,
                                     start_new_session=True, stdout=err, stderr=subprocess.STDOUT)
    try:
        assert eventually(lambda: redis.Redis.from_url(url).exists(DUE_KEY), timeout=60, every=0.2), log.read_text()

        services.stop(redis_proc)  # Redis restarts, and keeps nothing
        assert eventually(lambda: "scheduler_redis_unavailable" in log.read_text(), timeout=20, every=0.2), log.read_text()
        assert scheduler.poll() is None  # still running

        redis_proc, _ = services.start_embedded_redis(tmp_path, port=port)
        # back in charge: the periodic work is enqueued again
        assert eventually(lambda: redis.Redis.from_url(url).exists(DUE_KEY), timeout=30, every=0.2), log.read_text()
        assert log.read_text().count("scheduler_active") == 2

        services.stop(redis_proc)  # Ctrl-C: Redis goes first, then the scheduler is told to stop
        scheduler.send_signal(signal.SIGINT)
        assert scheduler.wait(timeout=15) == 0
        assert "Traceback" not in log.read_text() and "scheduler_stopped" in log.read_text()
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
        services.stop(redis_proc)
