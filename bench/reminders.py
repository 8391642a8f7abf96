"""Reminder benchmark: plan creation for N patients, and fan-out of due reminders through the sandbox with
real RQ workers, batched (ours: one job per 500 due occurrences, enqueued when due) against a naive baseline
(one RQ job per message, enqueued at plan creation) measured in the same run. Not a test.

    .venv/bin/python -m bench.reminders --patients 100000 --fanout 20000 --naive 2000 --workers 2

The template sends through WeChat subscribe messages, then SMS. Three disjoint groups of patients are made due:
* ours, WeChat: patients with an openid and a subscription: one HTTP call per message (the platform has no
  batch API), made concurrently by each job;
* ours, SMS: patients without WeChat: their reminders go out as SendBatchSms calls of up to 100;
* naive, WeChat: the same WeChat path as the first group, one RQ job per message.
Uses REDIS_URL if set (else an embedded redis-server) and BENCH_DATABASE_URL if set (else a SQLite file);
the database and Redis are wiped. Both paths send through the same code (care.escalation.Worker).
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


def _environment(workdir: Path) -> tuple[dict[str, Any], list[subprocess.Popen[bytes]], str]:
    """Redis, database and sandbox; returns the app settings, the processes to stop and the sandbox's URL."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("INSTANCE_DIR", str(workdir / "instance"))
    from core.crypto import generate_key
    from sandbox import devkeys
    from tests import services

    procs: list[subprocess.Popen[bytes]] = []
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        proc, redis_url = services.start_embedded_redis(workdir)
        procs.append(proc)
    database_url = os.environ.get("BENCH_DATABASE_URL", "") or f"sqlite:///{workdir / 'bench.db'}"
    services.reset_schema(database_url)
    port = services.free_port()
    client_settings = devkeys.generate(workdir / "sandbox", port=port)
    proc, _base = services.start_sandbox(workdir / "sandbox" / devkeys.SANDBOX_FILE, port)
    procs.append(proc)
    overrides: dict[str, Any] = {k.lower(): v for k, v in client_settings.items()}
    overrides.update(database_url=database_url, redis_url=redis_url, token_signing_key=generate_key(),
                     field_encryption_key=generate_key(), lookup_hash_key=generate_key(), instance_dir=workdir / "instance")
    return overrides, procs, _base


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

    ids: list[str] = []
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


def _link_wechat(session: Any, patient_ids: list[str], appid: str, sandbox_base: str, template_id: str) -> None:
    """Gives the patients a WeChat login and a long-term subscription to the reminder template."""
    import requests

    from identity.models import PlatformIdentity

    for start in range(0, len(patient_ids), CHUNK):
        chunk = patient_ids[start:start + CHUNK]
        session.add_all([PlatformIdentity(platform="wechat", app_id=appid, subject=f"bench-{pid}", patient_id=pid)
                         for pid in chunk])
        session.commit()
        requests.post(f"{sandbox_base}/_sandbox/wechat/subscriptions", timeout=60, json={
            "appid": appid, "template_id": template_id, "openids": [f"bench-{pid}" for pid in chunk], "long_term": True,
        }).raise_for_status()


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
    parser.add_argument("--fanout", type=int, default=5000, help="due reminders in the batched WeChat group")
    parser.add_argument("--sms-fanout", type=int, default=None, help="due reminders in the batched SMS group (default: --fanout)")
    parser.add_argument("--naive", type=int, default=2000, help="due reminders delivered by the naive baseline")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    args.sms_fanout = args.fanout if args.sms_fanout is None else args.sms_fanout
    if args.fanout + args.sms_fanout + args.naive > args.patients:
        parser.error("--fanout + --sms-fanout + --naive must not exceed --patients")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the sandbox, Redis and workers
    workdir = Path(tempfile.mkdtemp(prefix="kangban-bench-"))
    overrides, procs, sandbox_base = _environment(workdir)
    try:
        return _run(args, overrides, sandbox_base, sandbox_pid=procs[-1].pid)
    finally:
        _stop(procs)


def _run(args: argparse.Namespace, overrides: dict[str, Any], sandbox_base: str, *, sandbox_pid: int) -> int:
    from sqlalchemy import func, select

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
                                                     "channels": ["wechat_subscribe", "sms"]}]}, strict=False))
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

        # three disjoint groups of the first slot's reminders: ours via WeChat, ours via SMS, naive via WeChat
        first_slot = session.scalar(select(func.min(Occurrence.slot_at)))
        slot = list(session.execute(select(Occurrence.id, Occurrence.patient_id).where(Occurrence.slot_at == first_slot)
                                    .order_by(Occurrence.id).limit(args.fanout + args.sms_fanout + args.naive)))
        ours_wechat, ours_sms = slot[:args.fanout], slot[args.fanout:args.fanout + args.sms_fanout]
        naive_wechat = slot[args.fanout + args.sms_fanout:]
        _link_wechat(session, [p for _, p in ours_wechat + naive_wechat], settings.wechat_appid, sandbox_base,
                     settings.wechat_reminder_template_id)

        # the naive baseline enqueues one job per message at plan creation (scheduled for its due time)
        queue = redis_ext.queue("default")
        before = int(redis_client.info("memory")["used_memory"])
        for occurrence_id, _ in naive_wechat:
            queue.enqueue_at(first_slot, NAIVE_JOB, occurrence_id)
        redis_per_naive = (int(redis_client.info("memory")["used_memory"]) - before) / max(1, len(naive_wechat))
        redis_client.flushdb()

        workers = _start_workers(args.workers, overrides)
        timings: dict[str, tuple[int, float, int]] = {}
        sandbox_cpu: dict[str, float] = {}
        try:
            time.sleep(3)  # workers up (not measured)
            sent = 0
            for name, group in (("ours, WeChat", ours_wechat), ("ours, SMS", ours_sms)):
                _make_due(session, [o for o, _ in group], leased=False)
                cpu = _cpu_seconds(sandbox_pid)
                started = time.perf_counter()
                batches = dispatch_due()["batches"]
                sent += len(group)
                timings[name] = (len(group), (time.perf_counter() - started) + _wait_sent(session, sent, 3600), batches)
                sandbox_cpu[name] = _cpu_seconds(sandbox_pid) - cpu
            _make_due(session, [o for o, _ in naive_wechat], leased=True)
            cpu = _cpu_seconds(sandbox_pid)
            started = time.perf_counter()
            for occurrence_id, _ in naive_wechat:
                queue.enqueue(NAIVE_JOB, occurrence_id)
            sent += len(naive_wechat)
            timings["naive, WeChat"] = (len(naive_wechat), (time.perf_counter() - started) + _wait_sent(session, sent, 3600),
                                        len(naive_wechat))
            sandbox_cpu["naive, WeChat"] = _cpu_seconds(sandbox_pid) - cpu
        finally:
            _stop(workers, group=True)

    rates = {name: count / seconds for name, (count, seconds, _) in timings.items()}
    dialect = "postgresql" if settings.effective_database_url.startswith("postgresql") else "sqlite"
    print(f"database: {dialect}; workers: {args.workers}; patients: {args.patients:,}")
    print(f"patients created:     {patients_s:8.1f} s")
    print(f"plans created:        {plans_s:8.1f} s  ({args.patients / plans_s:,.0f} plans/s, "
          f"{occurrences:,} occurrences = {occurrences / plans_s:,.0f}/s, 14-day horizon)")
    for name, (count, seconds, jobs) in timings.items():
        print(f"fan-out {name + ':':15s} {count:,} reminders in {seconds:.1f} s = {rates[name]:,.1f} deliveries/s "
              f"({jobs:,} jobs; the sandbox itself used {sandbox_cpu[name] / seconds:.0%} of one core)")
    print(f"ratio ours/naive (WeChat, same path): {rates['ours, WeChat'] / rates['naive, WeChat']:.1f}x")
    print(f"DB per pending reminder:    {db_per:,.0f} bytes (occurrence row + indexes)")
    print(f"Redis per pending reminder: ours {redis_per_ours:,.1f} bytes (nothing until due), "
          f"naive {redis_per_naive:,.0f} bytes (a scheduled job each)")
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell the sandbox's share of the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _make_due(session: Any, occurrence_ids: list[str], *, leased: bool) -> None:
    """Makes the reminders due a second ago; `leased` as the naive path's jobs hold them already."""
    from sqlalchemy import update

    from care.models import Occurrence
    from core.db import utcnow

    due = utcnow() - timedelta(seconds=1)
    for start in range(0, len(occurrence_ids), CHUNK):
        session.execute(update(Occurrence).where(Occurrence.id.in_(occurrence_ids[start:start + CHUNK]))
                        .values(due_at=due, next_action_at=due, queued_at=utcnow() if leased else None))
    session.commit()


if __name__ == "__main__":
    sys.exit(main())
