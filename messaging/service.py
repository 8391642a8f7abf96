"""Delivering steps of occurrences to recipients: channels in order, retries, fallback, idempotency, in bulk.

A `Send` is one step of one occurrence for one recipient. `deliver_all` works a whole batch of them in rounds;
each round decides every send from its delivery rows (`decide`, pure), inserts the attempts it chose, makes the
remote calls concurrently, records the results, and decides again (a refused channel falls through to the next
one in the same job). Everything is derived from the delivery rows, so running the same step twice (a re-run
job, two jobs after a lost lease) never sends twice:

* a `sent` (or `unknown`) row for the step and recipient: done, nothing more to send;
* each attempt is inserted as `sending` and COMMITTED before the remote call; its `dedupe_key`
  (occurrence:step:recipient:channel:attempt) is unique, so a second job inserting the same attempt skips it
  (ON CONFLICT DO NOTHING) and backs off;
* a `sending` row older than the lease belongs to a worker that died mid-call: we cannot know whether the
  platform delivered it, so it becomes `unknown` and counts as delivered (an unacknowledged reminder is
  escalated anyway, a duplicate cannot be taken back).

This module commits: the commit before the remote calls is the point of it. Callers are jobs.
"""

from __future__ import annotations

import contextvars
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db import new_id, utcnow
from messaging.channels import CHANNELS, Message, Recipient
from messaging.models import ChannelAddress, Delivery
from platforms.errors import RETRYABLE, PlatformError, RetryableError

log = structlog.get_logger(__name__)

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_BASE_SECONDS = 30
DEFAULT_LEASE_SECONDS = 120
DEFAULT_CONCURRENCY = 8
LOAD_CHUNK = 500  # ids per IN (...) when loading rows


class Status(enum.Enum):
    DELIVERED = "delivered"  # one channel took it
    EXHAUSTED = "exhausted"  # every channel failed or cannot reach the recipient
    RETRY = "retry"  # a retryable failure: try again at `retry_at`
    BUSY = "busy"  # another job holds this step right now


@dataclass(frozen=True)
class Outcome:
    status: Status
    retry_at: datetime | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Policy:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    retry_base_seconds: int = DEFAULT_RETRY_BASE_SECONDS
    lease_seconds: int = DEFAULT_LEASE_SECONDS
    concurrency: int = DEFAULT_CONCURRENCY

    @classmethod
    def from_settings(cls, settings: object) -> Policy:
        return cls(max_attempts=settings.delivery_max_attempts,  # type: ignore[attr-defined]
                   retry_base_seconds=settings.delivery_retry_base_seconds,  # type: ignore[attr-defined]
                   lease_seconds=settings.reminder_lease_seconds,  # type: ignore[attr-defined]
                   concurrency=settings.delivery_concurrency)  # type: ignore[attr-defined]

    def backoff(self, attempt: int) -> timedelta:
        return timedelta(seconds=self.retry_base_seconds * 4 ** (attempt - 1))


@dataclass(frozen=True)
class Send:
    """One step of one occurrence for one recipient, with the channels to try in order."""

    occurrence_id: str
    patient_id: str
    step: int
    action: str
    recipient: Recipient
    message: Message
    channels: list[str]

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.occurrence_id, self.step, self.recipient.patient_id)


@dataclass
class Attempt:
    """A delivery row as this module needs it (loaded, or inserted by this job)."""

    id: str
    channel: str
    attempt: int
    state: str
    created_at: datetime
    error_kind: str | None = None
    finished_at: datetime | None = None
    address: str | None = None  # where this job's new attempt goes
    changes: dict[str, object] = field(default_factory=dict)  # columns to write back


@dataclass(frozen=True)
class Next:
    """`decide`'s other answer: try this channel, this attempt number."""

    channel: str
    attempt: int


def decide(rows: Sequence[Attempt], channels: Sequence[str], *, now: datetime, policy: Policy) -> Outcome | Next:
    """What to do for one send, from its delivery rows (oldest first). Marks an expired `sending` row unknown."""
    for row in rows:
        if row.state in ("sent", "unknown"):
            return Outcome(Status.DELIVERED, channel=row.channel)
        if row.state == "sending":
            if row.created_at > now - timedelta(seconds=policy.lease_seconds):
                return Outcome(Status.BUSY)
            row.state, row.finished_at = "unknown", now
            row.changes = {"state": "unknown", "finished_at": now}
            log.warning("delivery_outcome_unknown", delivery_id=row.id, channel=row.channel)
            return Outcome(Status.DELIVERED, channel=row.channel)
    for channel_name in channels:
        tried = [r for r in rows if r.channel == channel_name]
        last = tried[-1] if tried else None
        if last is not None and (last.error_kind != RETRYABLE or last.attempt >= policy.max_attempts):
            continue  # this channel cannot take it: the next one
        if last is not None:
            retry_at = (last.finished_at or last.created_at) + policy.backoff(last.attempt)
            if retry_at > now:
                return Outcome(Status.RETRY, retry_at=retry_at)
        return Next(channel_name, (last.attempt + 1) if last else 1)
    return Outcome(Status.EXHAUSTED)


def addresses(*, db_session: Session, patient_ids: Iterable[str], channel: str) -> dict[str, str]:
    """Addresses on a channel without login identity (WeCom external contact), by patient."""
    ids = list(set(patient_ids))
    return dict(db_session.execute(select(ChannelAddress.patient_id, ChannelAddress.address).where(
        ChannelAddress.patient_id.in_(ids), ChannelAddress.channel == channel)).all()) if ids else {}


def set_address(*, db_session: Session, patient_id: str, channel: str, address: str) -> ChannelAddress:
    """Records how to reach the patient on a channel without login identity (WeCom external contact)."""
    row = db_session.scalar(select(ChannelAddress).where(ChannelAddress.patient_id == patient_id,
                                                         ChannelAddress.channel == channel))
    if row is None:
        row = ChannelAddress(patient_id=patient_id, channel=channel, address=address)
        db_session.add(row)
    row.address = address
    db_session.flush()
    return row


def deliver_all(*, db_session: Session, sends: Sequence[Send], now: datetime, policy: Policy) -> dict[tuple[str, int, str], Outcome]:
    """Delivers every send through the first channel that works; returns each send's outcome by `Send.key`."""
    rows = _load_rows(db_session, sends)
    outcomes: dict[tuple[str, int, str], Outcome] = {}
    pending = list(sends)
    with ThreadPoolExecutor(max_workers=max(1, policy.concurrency), thread_name_prefix="deliver") as pool:
        while pending:
            chosen: list[tuple[Send, Attempt]] = []
            for send in pending:
                decision = decide(rows[send.key], send.channels, now=now, policy=policy)
                if isinstance(decision, Outcome):
                    outcomes[send.key] = decision
                else:
                    chosen.append((send, _new_attempt(send, decision)))
            _write_updates(db_session, [row for send in pending for row in rows[send.key]])
            if not chosen:
                break
            inserted = _insert(db_session, chosen, now=now)
            pending = []
            for send, attempt in chosen:
                if attempt.id not in inserted:
                    outcomes[send.key] = Outcome(Status.BUSY)  # another job inserted this attempt first
                    continue
                rows[send.key].append(attempt)
                pending.append(send)
            _call_all(pool, [(s, a) for s, a in chosen if a.id in inserted and a.state == "sending"])
    return outcomes


def _load_rows(db_session: Session, sends: Sequence[Send]) -> dict[tuple[str, int, str], list[Attempt]]:
    rows: dict[tuple[str, int, str], list[Attempt]] = defaultdict(list)
    occurrence_ids = list({s.occurrence_id for s in sends})
    wanted = {s.key for s in sends}
    for start in range(0, len(occurrence_ids), LOAD_CHUNK):
        for r in db_session.execute(select(
                Delivery.id, Delivery.occurrence_id, Delivery.step, Delivery.recipient_id, Delivery.channel,
                Delivery.attempt, Delivery.state, Delivery.created_at, Delivery.error_kind, Delivery.finished_at,
        ).where(Delivery.occurrence_id.in_(occurrence_ids[start:start + LOAD_CHUNK]))
                .order_by(Delivery.attempt, Delivery.created_at)):
            key = (r.occurrence_id, r.step, r.recipient_id)
            if key in wanted:
                rows[key].append(Attempt(id=r.id, channel=r.channel, attempt=r.attempt, state=r.state,
                                         created_at=r.created_at, error_kind=r.error_kind, finished_at=r.finished_at))
    return rows


def _new_attempt(send: Send, nxt: Next) -> Attempt:
    address = CHANNELS[nxt.channel].address(send.recipient)
    attempt = Attempt(id=new_id("dlv"), channel=nxt.channel, attempt=nxt.attempt, state="sending", created_at=utcnow(),
                      address=address)
    if address is None:  # nothing to call: recorded as skipped so the next round moves on to the next channel
        attempt.state, attempt.error_kind, attempt.finished_at = "skipped", "refused", attempt.created_at
    return attempt


def _insert(db_session: Session, chosen: list[tuple[Send, Attempt]], *, now: datetime) -> set[str]:
    """Inserts the chosen attempts, skipping any whose dedupe key exists; commits; returns the ids inserted."""
    # ON CONFLICT DO NOTHING: a row another job inserted first is skipped, not an error (we run on these two)
    make_insert = postgresql.insert if db_session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = [{
        "id": a.id, "dedupe_key": f"{s.occurrence_id}:{s.step}:{s.recipient.patient_id}:{a.channel}:{a.attempt}",
        "occurrence_id": s.occurrence_id, "patient_id": s.patient_id, "recipient_id": s.recipient.patient_id,
        "recipient_role": s.recipient.role, "step": s.step, "action": s.action, "channel": a.channel,
        "attempt": a.attempt, "state": a.state, "created_at": a.created_at, "finished_at": a.finished_at,
        "error_kind": a.error_kind, "error_code": "no_address" if a.state == "skipped" else None,
    } for s, a in chosen]
    statement = make_insert(Delivery.__table__).on_conflict_do_nothing(index_elements=["dedupe_key"])
    # executemany with RETURNING: SQLAlchemy batches it into multi-row INSERTs ("insertmanyvalues")
    inserted = set(db_session.connection().execute(statement.returning(Delivery.id), values).scalars())
    db_session.commit()  # the attempts are in the database before any remote call
    return inserted


def _call_all(pool: ThreadPoolExecutor, calls: list[tuple[Send, Attempt]]) -> None:
    """Makes the remote calls concurrently; each attempt gets its result (written back in the next round).

    The first chunk of each channel runs alone, so that an access token is fetched once, not by every thread
    at the same time (for WeChat, a second fetch can invalidate the first).
    """
    by_channel: dict[str, list[Attempt]] = defaultdict(list)
    sends: dict[str, Send] = {}
    for send, attempt in calls:
        by_channel[attempt.channel].append(attempt)
        sends[attempt.id] = send
    attempts = {a.id: a for _, a in calls}
    chunks_by_channel = {name: CHANNELS[name].chunks([(str(a.address), sends[a.id].message, a.id) for a in group])
                         for name, group in by_channel.items()}
    firsts = [(name, chunks[0]) for name, chunks in chunks_by_channel.items()]
    rests = [(name, chunk) for name, chunks in chunks_by_channel.items() for chunk in chunks[1:]]
    for wave in (firsts, rests):
        # each task runs in a copy of our context: the platform clients live on the Flask app
        futures = [(pool.submit(contextvars.copy_context().run, CHANNELS[name].send_many, chunk), chunk)
                   for name, chunk in wave]
        for future, chunk in futures:
            try:
                results = future.result()
            except Exception as exc:  # a bug, not the platform: retry later rather than lose the batch's messages
                log.exception("delivery_chunk_crashed", channel=attempts[chunk[0][2]].channel)
                failure = RetryableError(None, f"internal: {type(exc).__name__}", "kangban")
                results = {out_id: failure for _, _, out_id in chunk}
            for out_id, result in results.items():
                _finish(attempts[out_id], result)


def _finish(attempt: Attempt, result: str | PlatformError) -> None:
    finished = utcnow()
    if isinstance(result, PlatformError):
        attempt.state, attempt.error_kind, attempt.finished_at = "failed", result.kind, finished
        attempt.changes = {"state": "failed", "error_kind": result.kind, "finished_at": finished,
                          "error_code": None if result.errcode is None else str(result.errcode)[:64],
                          "error_message": str(result.errmsg)[:200]}
        log.info("delivery_failed", delivery_id=attempt.id, channel=attempt.channel, kind=result.kind,
                 errcode=attempt.changes["error_code"])
        return
    attempt.state, attempt.finished_at = "sent", finished
    attempt.changes = {"state": "sent", "remote_id": result[:64], "finished_at": finished}


def _write_updates(db_session: Session, rows: Iterable[Attempt]) -> None:
    """Writes the rows that changed since they were loaded or inserted (results, unknown leases); commits."""
    by_columns: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        if row.changes:
            by_columns[tuple(sorted(row.changes))].append({"id": row.id, **row.changes})
            row.changes = {}
    for params in by_columns.values():
        db_session.execute(update(Delivery), params)  # ORM bulk UPDATE by primary key: one executemany
    db_session.commit()
