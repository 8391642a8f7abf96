"""RQ jobs of reminder delivery. Module-level, take ids, safe to run twice; exceptions propagate.

* `dispatch_due` (periodic, every few seconds): claims due occurrences in batches by setting their lease
  (`queued_at`) and enqueues ONE `deliver_batch` job per batch.
* `reconcile` (periodic): the same for occurrences whose lease expired: the job was lost (Redis flushed,
  worker killed). The database is the truth; Redis only carries work that can be re-derived.
* `deliver_batch`: works the occurrences of a batch together (care.escalation): bulk reads and writes,
  concurrent remote calls.
* `top_up_plans` (periodic): materialises long recurrences up to the horizon.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from care import plans as plans_service
from care.escalation import Worker
from care.models import CLOSED_STATES, OPEN_STATES, Occurrence
from care.schedule import Clock
from core import db
from core import redis as redis_ext
from core.db import utcnow
from core.worker import app_context

log = structlog.get_logger(__name__)

DELIVERY_QUEUE = "default"
URGENT_QUEUE = "high"
DEFAULT_MAX_BATCHES_PER_RUN = 200
DEFAULT_JOB_TIMEOUT_SECONDS = 600
TOP_UP_CHUNK = 500
DEFAULT_MAX_TOP_UP_CHUNKS = 2000  # 1,000,000 plans per hourly run


def _claim(db_session: Session, *, lease_condition: Any, now: datetime, batch_size: int) -> list[str]:
    """Sets the lease on up to `batch_size` due occurrences; returns the ids this call claimed."""
    due = and_(Occurrence.state.in_(OPEN_STATES), Occurrence.next_action_at <= now, lease_condition)
    ids = list(db_session.scalars(select(Occurrence.id).where(due).order_by(Occurrence.next_action_at).limit(batch_size)))
    if not ids:
        return []
    still_due = and_(Occurrence.state.not_in(CLOSED_STATES), Occurrence.next_action_at <= now, lease_condition)
    claimed = list(db_session.scalars(
        update(Occurrence).where(Occurrence.id.in_(ids), still_due).values(queued_at=now).returning(Occurrence.id)
        .execution_options(synchronize_session=False)))
    db_session.commit()  # the lease is in the database before the job is in Redis
    return claimed


def enqueue_batch(occurrence_ids: list[str], *, queue: str = DELIVERY_QUEUE, stamp: datetime | None = None) -> str:
    digest = hashlib.sha1(",".join(sorted(occurrence_ids)).encode(), usedforsecurity=False).hexdigest()[:16]
    job_id = f"deliver-{digest}-{int((stamp or utcnow()).timestamp())}"
    redis_ext.queue(queue).enqueue("messaging.jobs.deliver_batch", occurrence_ids, job_id=job_id,
                                   job_timeout=DEFAULT_JOB_TIMEOUT_SECONDS)
    return job_id


def _dispatch(*, expired_only: bool) -> dict[str, int]:
    with app_context() as app:
        settings = app.config["SETTINGS"]
        session = db.session()
        now = utcnow()
        if expired_only:
            lease = Occurrence.queued_at < now - timedelta(seconds=settings.reminder_lease_seconds)
        else:
            lease = Occurrence.queued_at.is_(None)
        batches = occurrences = 0
        for _ in range(DEFAULT_MAX_BATCHES_PER_RUN):
            ids = _claim(session, lease_condition=lease, now=now, batch_size=settings.reminder_batch_size)
            if not ids:
                break
            enqueue_batch(ids, stamp=now)
            batches, occurrences = batches + 1, occurrences + len(ids)
        if occurrences:
            log.info("reminders_enqueued", batches=batches, occurrences=occurrences, reconciled=expired_only)
        return {"batches": batches, "occurrences": occurrences}


def dispatch_due() -> dict[str, int]:
    """Enqueues every due occurrence nobody holds, in batches."""
    return _dispatch(expired_only=False)


def reconcile() -> dict[str, int]:
    """Re-enqueues due occurrences whose delivery job never finished (lost with Redis or a killed worker)."""
    return _dispatch(expired_only=True)


def deliver_batch(occurrence_ids: list[str]) -> dict[str, int]:
    """Works each occurrence of the batch; returns how many ended in each way."""
    with app_context() as app:
        worker = Worker(db_session=db.session(), settings=app.config["SETTINGS"], now=utcnow())
        results: dict[str, int] = {}
        for result in worker.process_many(occurrence_ids).values():
            results[result] = results.get(result, 0) + 1
        return results


def top_up_plans() -> int:
    """Materialises recurrences of active plans up to the horizon, a chunk of plans per transaction."""
    with app_context() as app:
        settings = app.config["SETTINGS"]
        session = db.session()
        clock, now = Clock.from_settings(settings), utcnow()
        total = 0
        for _ in range(DEFAULT_MAX_TOP_UP_CHUNKS):
            count = plans_service.top_up(db_session=session, clock=clock, now=now, horizon_days=settings.plan_horizon_days,
                                         limit=TOP_UP_CHUNK)
            session.commit()
            total += count
            if count < TOP_UP_CHUNK:
                break
        return total
