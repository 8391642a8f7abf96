"""The scheduler enqueues periodic work into real Redis; a real RQ worker runs it against the database."""

from __future__ import annotations

from datetime import timedelta

from rq import SimpleWorker
from sqlalchemy import func, select

from core import db
from core import redis as redis_ext
from core.db import utcnow
from core.scheduler import tick
from identity.models import RefreshToken, TokenFamily


def test_scheduler_and_worker_purge_refresh_tokens_of_long_dead_sessions(app, phones):
    live = phones.patient()
    dead = phones.patient()
    with app.app_context():
        family = db.session().scalar(select(TokenFamily).where(TokenFamily.patient_id == dead.patient_id))
        family.expires_at = utcnow() - timedelta(days=8)
        db.session().commit()

        assert "identity.jobs.purge_expired" in tick()
        assert tick() == []  # not again until its interval has passed
        SimpleWorker([redis_ext.queue("low")], connection=redis_ext.client()).work(burst=True)

        db.session().expire_all()
        remaining = db.session().scalars(select(RefreshToken.family_id)).all()
        assert family.id not in remaining
        assert db.session().scalar(select(func.count()).select_from(RefreshToken)) == 1
    assert live.get("/api/v1/me").status_code == 200


def test_only_one_scheduler_is_active(app):
    from redis.lock import Lock

    from core.scheduler import LOCK_NAME

    with app.app_context():
        first = Lock(redis_ext.client(), LOCK_NAME, timeout=30)
        second = Lock(redis_ext.client(), LOCK_NAME, timeout=30)
        assert first.acquire(blocking=False) is True
        assert second.acquire(blocking=False) is False
        first.release()


def test_seed_demo_creates_staff_who_can_log_in(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    hm_line = next(line for line in result.output.splitlines() if "hm_li" in line)
    password = hm_line.split()[-1]
    login = client.post("/api/v1/staff/login", json={"username": "hm_li", "password": password})
    assert login.status_code == 200
    caseload = client.get("/api/v1/staff/patients", headers={"Authorization": f"Bearer {login.get_json()['access_token']}"})
    assert len(caseload.get_json()["items"]) == 3
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0  # idempotent


def test_migrations_match_the_models(database_url):
    from alembic import command

    from core.migrate import alembic_config

    command.check(alembic_config(database_url))  # raises if autogenerate would find a difference
