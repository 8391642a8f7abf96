"""CLI commands: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask

from core import db
from core.migrate import upgrade


def register_cli(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply database migrations (SQLite file by default, DATABASE_URL otherwise)."""
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

        run_worker(app, queues.split(","), burst=burst)

    @app.cli.command("scheduler")
    def scheduler() -> None:
        """Run the scheduler (one active at a time, by a Redis lock)."""
        from core.scheduler import run_scheduler

        run_scheduler(app)
