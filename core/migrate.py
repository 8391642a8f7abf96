"""Runs Alembic migrations programmatically (CLI, tests, the local run)."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config

from core.config import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up chatter is not for users
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
