"""The delivery log: every attempt on every channel is one row, keyed so that nothing is sent twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, new_id, utcnow


class Delivery(Base):
    """One attempt to reach one recipient on one channel for one step of an occurrence.

    `dedupe_key` = occurrence:step:recipient:channel:attempt. The row is committed (state `sending`)
    before the remote call, so a second job for the same step collides on the unique constraint
    instead of sending again.
    """

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_occurrence_step", "occurrence_id", "step"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dlv"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    occurrence_id: Mapped[str] = mapped_column(ForeignKey("occurrence.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    recipient_id: Mapped[str] = mapped_column(String(40))  # the patient, or a family member (also a patient)
    recipient_role: Mapped[str] = mapped_column(String(12))  # patient | family
    step: Mapped[int]
    action: Mapped[str] = mapped_column(String(12))  # remind | sms | voice | family
    channel: Mapped[str] = mapped_column(String(24))  # wechat_subscribe | wecom | sms | voice
    attempt: Mapped[int]
    # sending | sent | failed | skipped (no address on that channel) | unknown (worker died mid-call)
    state: Mapped[str] = mapped_column(String(12), default="sending")
    error_kind: Mapped[str | None] = mapped_column(String(12))  # platforms.errors kinds
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(200))
    remote_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ChannelAddress(Base):
    """How to reach a patient on a channel that has no login identity (a WeCom external contact id)."""

    __tablename__ = "channel_address"
    __table_args__ = (UniqueConstraint("patient_id", "channel", name="uq_channel_address_patient_channel"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("cha"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    channel: Mapped[str] = mapped_column(String(24))  # wecom
    address: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OptOut(Base):
    """The patient said no to a kind of message that is not part of their care (education pushes, surveys)."""

    __tablename__ = "message_opt_out"
    __table_args__ = (UniqueConstraint("patient_id", "category", name="uq_message_opt_out"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("opt"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    category: Mapped[str] = mapped_column(String(24))  # education | survey
    channel: Mapped[str] = mapped_column(String(24))  # where they said it: mini_program | sms | chat
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
