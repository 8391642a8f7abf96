"""CLI commands: `flask --app app <command>`."""

from __future__ import annotations

import time

import click
import redis
from flask import Flask

from core import db


def _wait_for_redis(app: Flask, seconds: float = 30) -> None:
    """Honcho starts every process at once; the embedded Redis may need a moment."""
    from core import redis as redis_ext

    deadline = time.monotonic() + seconds
    with app.app_context():
        while True:
            try:
                redis_ext.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def register_cli(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply database migrations (SQLite file by default, DATABASE_URL otherwise)."""
        from core.migrate import upgrade

        upgrade(app.config["SETTINGS"].effective_database_url)
        click.echo("database is up to date")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create a demo hospital, team, staff and patients (idempotent)."""
        from core.demo import seed

        with app.app_context():
            lines = seed(db_session=db.session())
            db.session().commit()
        for line in lines:
            click.echo(line)

    @app.cli.command("worker")
    @click.option("--queues", default="high,default,low", show_default=True)
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
    def worker(queues: str, burst: bool) -> None:
        """Run an RQ worker on the given queues."""
        from core.worker import run_worker

        _wait_for_redis(app)
        run_worker(app, queues.split(","), burst=burst)

    @app.cli.command("scheduler")
    def scheduler() -> None:
        """Run the scheduler (one active at a time, by a Redis lock)."""
        from core.scheduler import run_scheduler

        _wait_for_redis(app)
        run_scheduler(app)
