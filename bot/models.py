"""Bot tables: the hospital-editable FAQ, chat messages, and per-patient dialogue state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, new_id, utcnow


class FaqEntry(Base):
    """One answer per FAQ topic (faq/hours, faq/parking...), edited by the hospital, not in code."""

    __tablename__ = "faq_entry"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("faq"))
    topic: Mapped[str] = mapped_column(String(32), unique=True)  # hours | location | insurance | ...
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(40))


class ChatMessage(Base):
    __tablename__ = "chat_message"
    __table_args__ = (
        Index("ix_chat_message_patient_at", "patient_id", "created_at"),
        UniqueConstraint("channel", "external_id", name="uq_chat_message_external"),  # WeChat MsgId dedupe
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("msg"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    channel: Mapped[str] = mapped_column(String(16))  # miniprogram | wechat_oa | wecom | staff
    external_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(40))
    understanding: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sender_id: Mapped[str | None] = mapped_column(String(40))  # staff member for staff replies
    reply_to_id: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DialogueState(Base):
    """What the bot remembers of one patient's conversation (multi-turn triage, hand-off)."""

    __tablename__ = "dialogue_state"

    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default="idle")  # idle | triage | handed_over
    slots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    low_confidence_streak: Mapped[int] = mapped_column(default=0)
    handoff_task_id: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
