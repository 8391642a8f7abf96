"""A real worker process SIGKILLed in the middle of a batch: after recovery every reminder arrived exactly once.

The batch's SMS go out in one SendBatchSms call; the kill lands while it is in flight. The platform delivers
them, we never learn it: the attempts stay `sending`, become `unknown` after the lease, and are not repeated.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from care.models import Occurrence
from core import db
from core.db import utcnow
from messaging.models import Delivery
from tests.care.helpers import SHANGHAI, cycle, drain, patient, rows
from tests.services import ROOT, eventually

PATIENTS = 8


def test_worker_killed_mid_batch_then_every_reminder_arrives_exactly_once(app, phones, staff, clock, platform,
                                                                          settings_overrides):
    now = utcnow()
    clock.to(now - timedelta(minutes=10))
    elders = [patient(app, phones) for _ in range(PATIENTS)]
    at = (now - timedelta(minutes=5)).astimezone(SHANGHAI).strftime("%H:%M")
    template = staff.template({"key": "check", "kind": "follow_up", "title": "复查提醒", "content": "{name}，该去医院复查了。",
                               "schedule": {"type": "offset", "days": 0, "time": at}, "channels": ["sms"], "emergency": True})
    for elder in elders:
        staff.assign(elder.patient_id, template)
    clock.back_to_real_time()

    cycle_dispatch_only(app)
    platform.fault(endpoint="sms.SendBatchSms", delay_ms=3000, times=1)  # the send hangs: the kill lands mid-call
    env = {**os.environ, **{k.upper(): str(v) for k, v in settings_overrides.items()}, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--queues", "default"], cwd=ROOT,
                              env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # a cold worker start can be slow
        assert eventually(lambda: rows(app, Delivery, Delivery.state == "sending"), timeout=90, every=0.05)
        # "sending" is committed before the call; kill only once the platform holds the call, or nothing was sent
        assert eventually(lambda: not platform.pending_faults(), timeout=20, every=0.05)
        _kill_tree(worker.pid)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            _kill_tree(worker.pid)
    # the platform did take the hanging call
    assert eventually(lambda: len(platform.messages(channel="sms")) == PATIENTS, timeout=20, every=0.05)
    with app.app_context():
        waiting = db.session().scalars(select(Occurrence.id).where(Occurrence.state == "pending")).all()
    assert len(waiting) == PATIENTS  # the worker died before it could record anything

    clock.to(utcnow() + timedelta(minutes=3))  # past the lease: the reconciler re-enqueues, a fresh worker runs
    cycle(app)
    for elder in elders:
        assert len(platform.messages(elder.phone, "sms")) == 1, elder.phone
    states = sorted(d.state for d in rows(app, Delivery))
    assert states == ["unknown"] * PATIENTS  # the interrupted call is not repeated
    with app.app_context():
        assert not db.session().scalars(select(Occurrence.id).where(Occurrence.state == "pending")).all()


def _children(pid: int) -> list[int]:
    """Child processes by /proc (RQ's work-horse runs in its own process group, so killpg misses it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _kill_tree(pid: int) -> None:
    """SIGKILL the worker and its work-horse at once, as an OOM kill or a lost machine would."""
    for child in _children(pid):
        os.kill(child, signal.SIGKILL)
    os.killpg(pid, signal.SIGKILL)


def cycle_dispatch_only(app):  # type: ignore[no-untyped-def]
    """The scheduler's tick and the dispatcher job, leaving the delivery batch in Redis for the real worker."""
    with app.app_context():
        from core.scheduler import tick

        tick()
    drain(app, ("high",))
