"""Reminder benchmark: plan creation for N patients, and fan-out of due reminders through the sandbox with
real RQ workers, batched (ours: one job per 500 due occurrences, enqueued when due) against a naive baseline
(one RQ job per message, enqueued at plan creation) measured in the same run. Not a test.

    .venv/bin/python -m bench.reminders --patients 100000 --fanout 5000 --naive 2000 --workers 2

Uses REDIS_URL if set (else an embedded redis-server) and BENCH_DATABASE_URL if set (else a SQLite file);
the database and Redis are wiped. Both paths send through the same code (care.escalation.Worker.process):
the difference measured is batching and job overhead (RQ forks a work-horse per job).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 2000
NAIVE_JOB = "bench.reminders.naive_deliver"


def _environment(workdir: Path) -> tuple[dict[str, Any], list[subprocess.Popen[bytes]]]:
    """Redis, database and sandbox; returns the app settings and the processes to stop."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("INSTANCE_DIR", str(workdir / "instance"))
    from core.crypto import generate_key
    from core.migrate import upgrade
    from sandbox import devkeys
    from tests import services

    procs: list[subprocess.Popen[bytes]] = []
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        proc, redis_url = services.start_embedded_redis(workdir)
        procs.append(proc)
    database_url = os.environ.get("BENCH_DATABASE_URL", "") or f"sqlite:///{workdir / 'bench.db'}"
    if database_url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(database_url)
    port = services.free_port()
    client_settings = devkeys.generate(workdir / "sandbox", port=port)
    proc, _base = services.start_sandbox(workdir / "sandbox" / devkeys.SANDBOX_FILE, port)
    procs.append(proc)
    overrides: dict[str, Any] = {k.lower(): v for k, v in client_settings.items()}
    overrides.update(database_url=database_url, redis_url=redis_url, token_signing_key=generate_key(),
                     field_encryption_key=generate_key(), lookup_hash_key=generate_key(), instance_dir=workdir / "instance")
    return overrides, procs


def _db_bytes(session: Any) -> int:
    from sqlalchemy import text

    if session.bind.dialect.name == "postgresql":
        return int(session.execute(text("SELECT pg_total_relation_size('occurrence')")).scalar())
    page_size = session.execute(text("PRAGMA page_size")).scalar()
    session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return int(session.execute(text("PRAGMA page_count")).scalar()) * int(page_size)


def _create_patients(session: Any, n: int, team_id: str) -> list[str]:
    from core.crypto import cipher
    from identity.models import Patient

    ids = []
    for start in range(0, n, CHUNK):
        batch = []
        for i in range(start, min(n, start + CHUNK)):
            phone = f"137{i:08d}"
            batch.append(Patient(name=f"患者{i}", phone=phone, phone_hash=cipher().lookup_hash("phone", phone), gender="女",
                                 birth_year=1955, team_id=team_id))
        session.add_all(batch)
        session.flush()
        ids.extend(p.id for p in batch)
        session.commit()
    return ids


def _start_workers(count: int, overrides: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, **{k.upper(): str(v) for k, v in overrides.items()}, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--queues", "high,default"]  # fixed, no user input
    return [subprocess.Popen(command, cwd=ROOT,
                             env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


def _stop(procs: list[subprocess.Popen[bytes]], *, group: bool = False) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM) if group else proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill()


def _wait_sent(session: Any, target: int, timeout: float) -> float:
    from sqlalchemy import func, select

    from messaging.models import Delivery

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        session.rollback()
        sent = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == "sent"))
        if sent >= target:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise RuntimeError(f"only {sent} of {target} delivered in {timeout}s")


def naive_deliver(occurrence_id: str) -> str:
    """The baseline's job: one message per RQ job, through the same delivery code."""
    from care.escalation import Worker
    from core import db
    from core.db import utcnow
    from core.worker import app_context

    with app_context() as app:
        return Worker(db_session=db.session(), settings=app.config["SETTINGS"], now=utcnow()).process(occurrence_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--fanout", type=int, default=5000, help="due reminders delivered by the batched path")
    parser.add_argument("--naive", type=int, default=2000, help="due reminders delivered by the naive baseline")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.fanout + args.naive > args.patients:
        parser.error("--fanout + --naive must not exceed --patients")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the sandbox, Redis and workers
    workdir = Path(tempfile.mkdtemp(prefix="kangban-bench-"))
    overrides, procs = _environment(workdir)
    try:
        return _run(args, overrides)
    finally:
        _stop(procs)


def _run(args: argparse.Namespace, overrides: dict[str, Any]) -> int:
    from sqlalchemy import func, select, update

    from app import create_app
    from care import plans as plans_service
    from care.models import Occurrence
    from care.plan_schemas import TemplateIn
    from care.schedule import Clock
    from core import db
    from core import redis as redis_ext
    from core.db import utcnow
    from core.worker import use_app
    from identity.models import Hospital, Patient, Team
    from messaging.jobs import dispatch_due

    app = create_app(overrides)
    use_app(app)
    with app.app_context():
        session = db.session()
        redis_client = redis_ext.client()
        redis_client.flushdb()
        settings = app.config["SETTINGS"]
        clock = Clock.from_settings(settings)
        hospital = Hospital(name="基准医院")
        session.add(hospital)
        session.flush()
        team = Team(hospital_id=hospital.id, name="基准组")
        session.add(team)
        session.commit()
        template = plans_service.create_template(db_session=session, hospital_id=hospital.id, created_by="bench",
                                                 template_in=TemplateIn.model_validate({"name": "降压药", "nodes": [{
                                                     "key": "amlodipine", "kind": "medication", "title": "吃降压药",
                                                     "content": "{name}，该吃降压药了（氨氯地平 5mg，1片）。",
                                                     "schedule": {"type": "rrule", "rule": "FREQ=DAILY;BYHOUR=8;BYMINUTE=0"},
                                                     "channels": ["sms"]}]}, strict=False))
        session.commit()

        started = time.perf_counter()
        patient_ids = _create_patients(session, args.patients, team.id)
        patients_s = time.perf_counter() - started
        db_before = _db_bytes(session)
        redis_before = int(redis_client.info("memory")["used_memory"])
        started = time.perf_counter()
        now = utcnow()
        for start in range(0, len(patient_ids), CHUNK):
            for patient in session.scalars(select(Patient).where(Patient.id.in_(patient_ids[start:start + CHUNK]))):
                plans_service.assign(db_session=session, patient=patient, template=template, start_date=None,
                                     created_by="bench", clock=clock, now=now, horizon_days=settings.plan_horizon_days)
            session.commit()
        plans_s = time.perf_counter() - started
        occurrences = session.scalar(select(func.count()).select_from(Occurrence))
        db_per = (_db_bytes(session) - db_before) / occurrences
        redis_per_ours = (int(redis_client.info("memory")["used_memory"]) - redis_before) / occurrences

        # the naive baseline enqueues one job per message at plan creation (scheduled for its due time)
        first_slot = session.scalar(select(func.min(Occurrence.slot_at)))
        sample = list(session.scalars(select(Occurrence.id).where(Occurrence.slot_at == first_slot).limit(args.naive)))
        queue = redis_ext.queue("default")
        before = int(redis_client.info("memory")["used_memory"])
        for occurrence_id in sample:
            queue.enqueue_at(first_slot, NAIVE_JOB, occurrence_id)
        redis_per_naive = (int(redis_client.info("memory")["used_memory"]) - before) / max(1, len(sample))
        redis_client.flushdb()

        # fan-out, ours: make --fanout first reminders due now; the dispatcher enqueues one job per batch
        due_now = utcnow() - timedelta(seconds=1)
        ours_ids = list(session.scalars(select(Occurrence.id).where(Occurrence.slot_at == first_slot)
                                        .order_by(Occurrence.id).limit(args.fanout)))
        naive_ids = list(session.scalars(select(Occurrence.id).where(Occurrence.slot_at == first_slot)
                                         .order_by(Occurrence.id.desc()).limit(args.naive)))
        for start in range(0, len(ours_ids), CHUNK):
            session.execute(update(Occurrence).where(Occurrence.id.in_(ours_ids[start:start + CHUNK]))
                            .values(due_at=due_now, next_action_at=due_now))
        session.commit()
        workers = _start_workers(args.workers, overrides)
        try:
            time.sleep(3)  # workers up (not measured)
            started = time.perf_counter()
            batches = dispatch_due()["batches"]
            ours_s = (time.perf_counter() - started) + _wait_sent(session, len(ours_ids), timeout=3600)
            # fan-out, naive: one job per message, due now
            for start in range(0, len(naive_ids), CHUNK):
                session.execute(update(Occurrence).where(Occurrence.id.in_(naive_ids[start:start + CHUNK]))
                                .values(due_at=due_now, next_action_at=due_now, queued_at=utcnow()))
            session.commit()
            started = time.perf_counter()
            for occurrence_id in naive_ids:
                queue.enqueue(NAIVE_JOB, occurrence_id)
            naive_s = (time.perf_counter() - started) + _wait_sent(session, len(ours_ids) + len(naive_ids), timeout=3600)
        finally:
            _stop(workers, group=True)

    ours_rate, naive_rate = len(ours_ids) / ours_s, len(naive_ids) / naive_s
    dialect = "postgresql" if settings.effective_database_url.startswith("postgresql") else "sqlite"
    print(f"database: {dialect}; workers: {args.workers}; patients: {args.patients:,}")
    print(f"patients created:     {patients_s:8.1f} s")
    print(f"plans created:        {plans_s:8.1f} s  ({args.patients / plans_s:,.0f} plans/s, "
          f"{occurrences:,} occurrences = {occurrences / plans_s:,.0f}/s, 14-day horizon)")
    print(f"fan-out ours:         {len(ours_ids):,} reminders in {ours_s:.1f} s = {ours_rate:,.1f} deliveries/s "
          f"({batches} batch jobs)")
    print(f"fan-out naive:        {len(naive_ids):,} reminders in {naive_s:.1f} s = {naive_rate:,.1f} deliveries/s "
          f"(one job per message)")
    print(f"ratio ours/naive:     {ours_rate / naive_rate:.1f}x")
    print(f"DB per pending reminder:    {db_per:,.0f} bytes (occurrence row + indexes)")
    print(f"Redis per pending reminder: ours {redis_per_ours:,.1f} bytes (nothing until due), "
          f"naive {redis_per_naive:,.0f} bytes (a scheduled job each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
