"""Care tables: vital-sign readings (plans and occurrences arrive with the follow-up issue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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
