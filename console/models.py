"""Staff work items: red-flag alerts, hand-offs, vitals alerts and escalation tasks in one queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, new_id, utcnow

TASK_KINDS = ("red_flag_alert", "handoff", "vitals_alert", "escalation", "phone_call", "sms_reply")
PRIORITIES = ("urgent", "high", "normal")  # sorted queues put urgent first


class StaffTask(Base):
    __tablename__ = "staff_task"
    __table_args__ = (Index("ix_staff_task_queue", "team_id", "status", "priority", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tsk"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("team.id"))
    kind: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | in_progress | closed
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_ref: Mapped[str | None] = mapped_column(String(80))  # what raised it, e.g. chat message id
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("staff_user.id"))
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None] = mapped_column(Text)
    notified_at: Mapped[datetime | None]  # when the team was told on WeCom (urgent and high tasks only)
