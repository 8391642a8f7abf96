"""Fixtures: real Redis, real SQL database (SQLite, or PostgreSQL by TEST_DATABASE_URL), the platform sandbox."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from tests import services

# Never pick up a developer's local instance/kangban.env.
_TMP = Path(tempfile.mkdtemp(prefix="kangban-tests-"))
SMS_UP_TOKEN = "test-sms-up-secret"  # the secret path part of the SMS reply callback
os.environ["INSTANCE_DIR"] = str(_TMP / "instance")


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        return url
    return f"sqlite:///{_TMP / 'test.db'}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("REDIS_URL", "")
    if url:
        redis.Redis.from_url(url).ping()  # a configured Redis that is down is a failure, not a skip
        yield url
        return
    proc, url = services.start_embedded_redis(_TMP)
    yield url
    services.stop(proc)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[dict[str, str]]:
    """The platform sandbox as a real HTTP server; yields the app-side settings it accepts."""
    from sandbox import devkeys

    port = services.free_port()
    client_settings = devkeys.generate(_TMP / "sandbox", port=port)
    proc, base = services.start_sandbox(_TMP / "sandbox" / devkeys.SANDBOX_FILE, port)
    yield {**client_settings, "SANDBOX_BASE": base}
    services.stop(proc)


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _database_url()
    services.reset_schema(url)
    return url


@pytest.fixture(scope="session")
def settings_overrides(redis_url: str, sandbox: dict[str, str], database_url: str) -> dict[str, object]:
    from core.crypto import generate_key

    overrides: dict[str, object] = {k.lower(): v for k, v in sandbox.items() if k != "SANDBOX_BASE"}
    overrides.update(
        database_url=database_url,
        redis_url=redis_url,
        token_signing_key=generate_key(),
        field_encryption_key=generate_key(),
        lookup_hash_key=generate_key(),
        sms_up_callback_token=SMS_UP_TOKEN,
        instance_dir=_TMP / "instance",
    )
    return overrides


@pytest.fixture(scope="session")
def app(settings_overrides: dict[str, object]):  # type: ignore[no-untyped-def]
    from app import create_app
    from bot import service as bot_service
    from bot.config import load_bot_settings
    from core.worker import use_app

    application = create_app(settings_overrides)
    application.config["TESTING"] = True
    # Nothing listens there: the bot answers from its in-process fallback, deterministically.
    # Tests against a real Rasa server build their own app (tests/test_bot_rasa.py).
    application.config["BOT_SETTINGS"] = load_bot_settings(
        rasa_urls=f"http://127.0.0.1:{services.free_port()}", rasa_timeout_ms=300, rasa_health_interval_seconds=0.2,
        bot_rate_limit=1000)
    bot_service.warm_up()
    use_app(application)
    return application


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with empty tables, an empty Redis and a fresh sandbox."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    sandbox_settings = request.getfixturevalue("sandbox")
    from core.db import Base

    engine = application.extensions["db_engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    application.extensions["redis"].flushdb()
    import requests

    requests.post(f"{sandbox_settings['SANDBOX_BASE']}/_sandbox/reset", timeout=5).raise_for_status()
    yield


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def phones(app, client, sandbox):  # type: ignore[no-untyped-def]
    from tests.phone import PhoneFactory

    return PhoneFactory(client=client, sandbox_base=sandbox["SANDBOX_BASE"], settings=app.config["SETTINGS"])
