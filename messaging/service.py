"""Delivering one step of an occurrence to one recipient: channels in order, retries, fallback, idempotency.

Everything is derived from the delivery rows, so running the same step twice (a re-run job, two jobs
after a lost lease) never sends twice:

* a `sent` (or `unknown`) row for the step and recipient: done, nothing more to send;
* each attempt is inserted as `sending` and COMMITTED before the remote call; its `dedupe_key`
  (occurrence:step:recipient:channel:attempt) is unique, so a second job inserting the same attempt fails
  on the constraint and backs off;
* a `sending` row older than the lease belongs to a worker that died mid-call: we cannot know whether the
  platform delivered it, so it becomes `unknown` and counts as delivered (an unacknowledged reminder is
  escalated anyway, a duplicate cannot be taken back).

This module commits: the commit before each remote call is the point of it. Callers are jobs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from messaging.channels import CHANNELS, Message, Recipient
from messaging.models import ChannelAddress, Delivery
from platforms.errors import RETRYABLE, PlatformError

log = structlog.get_logger(__name__)

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_BASE_SECONDS = 30
DEFAULT_LEASE_SECONDS = 120


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

    @classmethod
    def from_settings(cls, settings: object) -> Policy:
        return cls(max_attempts=settings.delivery_max_attempts,  # type: ignore[attr-defined]
                   retry_base_seconds=settings.delivery_retry_base_seconds,  # type: ignore[attr-defined]
                   lease_seconds=settings.reminder_lease_seconds)  # type: ignore[attr-defined]

    def backoff(self, attempt: int) -> timedelta:
        return timedelta(seconds=self.retry_base_seconds * 4 ** (attempt - 1))


def wecom_address(*, db_session: Session, patient_id: str) -> str | None:
    return db_session.scalar(select(ChannelAddress.address).where(
        ChannelAddress.patient_id == patient_id, ChannelAddress.channel == "wecom"))


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


def deliver(
    *, db_session: Session, occurrence_id: str, patient_id: str, step: int, action: str, recipient: Recipient,
    message: Message, channels: list[str], now: datetime, policy: Policy,
) -> Outcome:
    """Sends one step to one recipient through the first channel that works (see the module docstring)."""
    rows = list(db_session.scalars(select(Delivery).where(
        Delivery.occurrence_id == occurrence_id, Delivery.step == step, Delivery.recipient_id == recipient.patient_id,
    ).order_by(Delivery.attempt)))
    for row in rows:
        if row.state in ("sent", "unknown"):
            return Outcome(Status.DELIVERED, channel=row.channel)
        if row.state == "sending":
            if row.created_at > now - timedelta(seconds=policy.lease_seconds):
                return Outcome(Status.BUSY)
            row.state, row.finished_at = "unknown", now
            db_session.commit()
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
        outcome = _attempt(db_session=db_session, occurrence_id=occurrence_id, patient_id=patient_id, step=step,
                           action=action, recipient=recipient, message=message, channel_name=channel_name,
                           attempt=(last.attempt + 1) if last else 1, now=now, policy=policy)
        if outcome is not None:
            return outcome
    return Outcome(Status.EXHAUSTED)


def _attempt(
    *, db_session: Session, occurrence_id: str, patient_id: str, step: int, action: str, recipient: Recipient,
    message: Message, channel_name: str, attempt: int, now: datetime, policy: Policy,
) -> Outcome | None:
    """One attempt on one channel; None means: go on with the next channel."""
    channel = CHANNELS[channel_name]
    address = channel.address(recipient)
    row = Delivery(
        dedupe_key=f"{occurrence_id}:{step}:{recipient.patient_id}:{channel_name}:{attempt}",
        occurrence_id=occurrence_id, patient_id=patient_id, recipient_id=recipient.patient_id,
        recipient_role=recipient.role, step=step, action=action, channel=channel_name, attempt=attempt,
        state="sending", created_at=utcnow(),
    )
    if address is None:
        row.state, row.error_kind, row.error_code, row.finished_at = "skipped", "refused", "no_address", now
    db_session.add(row)
    try:
        db_session.commit()
    except IntegrityError:
        db_session.rollback()
        return Outcome(Status.BUSY)
    if address is None:
        return None
    try:
        remote_id = channel.send(address, message, out_id=row.id)
    except PlatformError as exc:
        row.state, row.error_kind, row.finished_at = "failed", exc.kind, utcnow()
        row.error_code = None if exc.errcode is None else str(exc.errcode)[:64]
        row.error_message = str(exc.errmsg)[:200]
        db_session.commit()
        log.info("delivery_failed", delivery_id=row.id, channel=channel_name, kind=exc.kind, errcode=row.error_code)
        if exc.kind == RETRYABLE and attempt < policy.max_attempts:
            return Outcome(Status.RETRY, retry_at=now + policy.backoff(attempt))
        return None
    row.state, row.remote_id, row.finished_at = "sent", remote_id[:64], utcnow()
    db_session.commit()
    return Outcome(Status.DELIVERED, channel=channel_name)
