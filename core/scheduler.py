"""The scheduler process: one active instance (Redis lock) enqueues periodic and due work.

Later issues register their own periodic jobs here (plan occurrences, reconciler).
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass

import structlog
from flask import Flask
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

from core import redis as redis_ext

log = structlog.get_logger(__name__)
LOCK_NAME = "kangban:scheduler:lock"
DEFAULT_LOCK_TTL_SECONDS = 30
DEFAULT_TICK_SECONDS = 5


@dataclass(frozen=True)
class Periodic:
    job: str  # dotted path of a module-level job function
    every_seconds: int
    queue: str = "low"


PERIODIC: list[Periodic] = [Periodic("identity.jobs.purge_expired", 3600)]
PERIODIC.append(Periodic("messaging.jobs.dispatch_due", 5, queue="high"))  # due reminders → one job per batch
PERIODIC.append(Periodic("messaging.jobs.reconcile", 30, queue="high"))  # re-enqueue work whose lease expired
PERIODIC.append(Periodic("messaging.jobs.top_up_plans", 3600))  # materialise recurrences up to the horizon
PERIODIC.append(Periodic("console.jobs.notify_new_tasks", 5, queue="high"))  # urgent/high tasks → WeCom notice


def tick(now: float | None = None) -> list[str]:
    """Enqueues every periodic job whose interval has passed; returns their names."""
    now = time.time() if now is None else now
    client = redis_ext.client()
    enqueued = []
    for task in PERIODIC:
        key = f"kangban:scheduler:last:{task.job}"
        last = float(client.get(key) or 0)
        if now - last >= task.every_seconds:
            slot = int(now // task.every_seconds)
            job_id = f"periodic-{task.job.replace('.', '_')}-{slot}"  # RQ ids: letters, digits, _ and - only
            redis_ext.queue(task.queue).enqueue(task.job, job_id=job_id)
            client.set(key, now)
            enqueued.append(task.job)
    return enqueued


def run_scheduler(app: Flask, *, tick_seconds: int = DEFAULT_TICK_SECONDS) -> None:
    """Ticks until SIGTERM or SIGINT. Redis going away (a restart, a network blip) is waited out, not a crash: the
    scheduler gives up its lock, since it may expire meanwhile, and wins it again once Redis answers."""
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with app.app_context():
        lock = Lock(redis_ext.client(), LOCK_NAME, timeout=DEFAULT_LOCK_TTL_SECONDS)
        active = False
        while not stopping:
            try:
                if not active:
                    active = lock.acquire(blocking=False)
                    if active:
                        log.info("scheduler_active")
                else:
                    lock.reacquire()
                if active:
                    for job in tick():
                        log.info("scheduler_enqueued", job=job)
            except LockError:  # our lock expired and another scheduler took over
                active = False
                log.warning("scheduler_lock_lost")
            except RedisError as exc:
                log.warning("scheduler_redis_unavailable", error=type(exc).__name__)
                active = False
            deadline = time.monotonic() + tick_seconds
            while not stopping and time.monotonic() < deadline:  # short naps: a stop takes effect at once
                time.sleep(0.2)
        if active:
            try:
                lock.release()
            except (LockError, RedisError):  # Redis stopped first (Ctrl-C stops everything at once): the lock expires
                pass
        log.info("scheduler_stopped")
