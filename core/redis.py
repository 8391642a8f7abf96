"""Redis connection and RQ queues. Redis holds queues, locks, dedupe keys and caches only."""

from __future__ import annotations

from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue

QUEUE_NAMES = ("high", "default", "low")  # high: chat replies and alerts; low: bulk pushes


def connect(url: str) -> redis.Redis:
    if not url:
        raise RuntimeError("REDIS_URL is not set (the local run starts an embedded Redis and sets it)")
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3, health_check_interval=30)


def init_app(app: Flask) -> None:
    app.extensions["redis"] = connect(app.config["SETTINGS"].redis_url)


def client() -> redis.Redis:
    return current_app.extensions["redis"]


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=client())


# One round trip, atomic: a counter gets its expiry with its first count, and any counter found without one gets
# it then (a counter that never expires would lock a patient or a staff member out for good). A key beyond the
# counters (KEYS has one more than ARGV) is read with GET in the same call: the bot's rate limit and its cache read
# as one command, where a pipeline of two cost its degraded mode about 40 µs of CPU an answer.
_COUNT_SCRIPT = """
local out = {}
for i, window in ipairs(ARGV) do
  out[i] = redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) == -1 then redis.call('EXPIRE', KEYS[i], window) end
end
if #KEYS > #ARGV then out[#ARGV + 1] = redis.call('GET', KEYS[#KEYS]) end
return out
"""


def count_in_windows(redis_client: redis.Redis, windows: list[tuple[str, int]]) -> list[int]:
    """Counts one event under each (key, window seconds); returns the counts. Fixed windows."""
    return [int(count) for count in _count(redis_client, windows)]


def hit_rate_limit_then_get(key: str, *, limit: int, window_seconds: int, get: str) -> tuple[bool, bytes | None]:
    """`hit_rate_limit`, and a GET of `get`, in one round trip: a second round trip cost the bot's degraded mode a
    quarter of its throughput."""
    count, value = _count(client(), [(_rate_limit_key(key), window_seconds)], get=get)
    return int(count) > limit, value


def _count(redis_client: redis.Redis, windows: list[tuple[str, int]], get: str | None = None) -> list[Any]:
    # redis-py's Script: EVALSHA, and on a server that lost the script (restart, failover) it loads it again
    script = redis_client.register_script(_COUNT_SCRIPT)
    keys = [key for key, _ in windows] + ([get] if get is not None else [])
    return list(script(keys=keys, args=[window for _, window in windows]))


def hit_rate_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Counts one event in a fixed window; True when the limit is exceeded."""
    return count_in_windows(client(), [(_rate_limit_key(key), window_seconds)])[0] > limit


def _rate_limit_key(key: str) -> str:
    return f"rl:{key}"
