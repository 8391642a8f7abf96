"""Alembic environment: one metadata for every domain's tables; batch mode so SQLite can ALTER."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import bot.models  # noqa: F401  (every domain's tables join Base.metadata)
import care.models  # noqa: F401
import console.models  # noqa: F401
import identity.models  # noqa: F401
import messaging.models  # noqa: F401
from core.config import load_settings
from core.db import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or load_settings().effective_database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with create_engine(_url(), poolclass=pool.NullPool).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
