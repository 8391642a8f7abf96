"""RQ worker: jobs are module-level functions taking ids; each runs inside an app context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from rq import Worker

from core import redis as redis_ext

_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The app whose settings jobs run with (the worker's own, or a test's)."""
    global _app
    _app = app


@contextmanager
def app_context() -> Iterator[Flask]:
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    with _app.app_context():
        yield _app


def run_worker(app: Flask, queues: list[str], *, burst: bool = False) -> None:
    use_app(app)  # built before forking, so every job's child process starts warm
    with app.app_context():
        connection = redis_ext.client()
    Worker([q.strip() for q in queues if q.strip()], connection=connection).work(burst=burst, with_scheduler=True)
