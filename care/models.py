"""Care tables: vital-sign readings and thresholds, plan templates, plans and their occurrences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, new_id, utcnow


class VitalReading(Base):
    __tablename__ = "vital_reading"
    __table_args__ = (Index("ix_vital_reading_patient_measured", "patient_id", "measured_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("vit"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(24))  # blood_pressure | glucose | weight | temperature | spo2 | heart_rate
    value: Mapped[float | None]  # single-valued kinds, in the canonical unit of the kind
    systolic: Mapped[int | None]
    diastolic: Mapped[int | None]
    unit: Mapped[str] = mapped_column(String(16))
    context: Mapped[str | None] = mapped_column(String(24))  # glucose: fasting | after_meal | random
    measured_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(24))  # mini_program | chat | device | staff
    recorded_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanTemplate(Base):
    """A plan the hospital edits as data: a list of task nodes (see care.plan_schemas.NodeSpec)."""

    __tablename__ = "plan_template"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tpl"))
    hospital_id: Mapped[str | None] = mapped_column(ForeignKey("hospital.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    condition: Mapped[str | None] = mapped_column(String(32))  # hypertension | diabetes | post_op | ...
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Plan(Base):
    """A template assigned to one patient; the nodes are a snapshot, so template edits never move a live plan."""

    __tablename__ = "care_plan"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("pln"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    template_id: Mapped[str | None] = mapped_column(ForeignKey("plan_template.id"))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | paused | cancelled
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)  # local (Asia/Shanghai) day the offsets count from
    materialised_until: Mapped[datetime]  # occurrences exist for every slot before this instant
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


OPEN_STATES = ("pending", "sent")  # an occurrence that may still send or escalate
# Queries that already name ids say "not closed" rather than "open": SQLite would otherwise walk the due index
# over every open occurrence instead of looking the ids up by primary key.
CLOSED_STATES = ("acknowledged", "unacknowledged", "cancelled")


class Occurrence(Base):
    """One message due to a patient (a plan task, or a vitals tip/emergency) and its escalation state.

    The database is the truth: `next_action_at` says when the next step is due, `queued_at` is the lease of
    the delivery job that picked it up; the reconciler re-enqueues rows whose lease expired.
    """

    __tablename__ = "occurrence"
    __table_args__ = (Index("ix_occurrence_due", "state", "next_action_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("occ"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("care_plan.id"), index=True)
    node_key: Mapped[str] = mapped_column(String(40))
    slot_key: Mapped[str] = mapped_column(String(120), unique=True)  # plan + node + planned slot: never twice
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    family_content: Mapped[str | None] = mapped_column(Text)  # what consenting family read, when it differs
    slot_at: Mapped[datetime]  # as planned, before quiet hours moved it
    due_at: Mapped[datetime]
    channels: Mapped[list[str]] = mapped_column(JSON)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # escalation steps after the first reminder
    emergency: Mapped[bool] = mapped_column(default=False)
    # pending | sent (OPEN_STATES) | acknowledged | unacknowledged | cancelled (CLOSED_STATES)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    step: Mapped[int] = mapped_column(default=0)  # 0 = the reminder itself, n = escalation step n
    next_action_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VitalThreshold(Base):
    """Per-patient alert thresholds for one vital kind (defaults per condition in care.alerts)."""

    __tablename__ = "vital_threshold"
    __table_args__ = (UniqueConstraint("patient_id", "kind", name="uq_vital_threshold_patient_kind"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("vth"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(24))
    condition: Mapped[str | None] = mapped_column(String(32))
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Device(Base):
    """A home device (BP monitor, glucometer) posting readings for one patient with its own key (stored hashed)."""

    __tablename__ = "care_device"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dev"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PatientTag(Base):
    """A label staff give a patient (高血压, 糖尿病, 髋关节术后...): a cohort is the patients sharing one."""

    __tablename__ = "patient_tag"
    __table_args__ = (UniqueConstraint("patient_id", "tag", name="uq_patient_tag"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tag"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    tag: Mapped[str] = mapped_column(String(32), index=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Push(Base):
    """An education article or notice sent to a cohort; each recipient's copy is an occurrence (kind education)."""

    __tablename__ = "care_push"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("psh"))
    tag: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    channels: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)  # queued, opted_out, rate_limited
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(Base):
    """A patient's answer to a survey reminder (satisfaction 1-5 and an optional comment); one per survey."""

    __tablename__ = "survey_answer"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("srv"))
    occurrence_id: Mapped[str] = mapped_column(ForeignKey("occurrence.id"), unique=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patient.id"), index=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(24))  # mini_program | sms
    answered_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
