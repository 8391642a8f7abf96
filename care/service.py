"""Recording and reading vital signs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from care.models import VitalReading
from care.schemas import BloodPressure, VitalIn
from core.db import utcnow


def record_vital(*, db_session: Session, patient_id: str, reading: VitalIn, source: str, recorded_by: str) -> VitalReading:
    row = VitalReading(
        patient_id=patient_id,
        kind=reading.kind,
        unit="°C" if reading.unit == "C" else reading.unit,
        measured_at=reading.measured_at or utcnow(),
        source=source,
        recorded_by=recorded_by,
    )
    if isinstance(reading, BloodPressure):
        row.systolic, row.diastolic = reading.systolic, reading.diastolic
    else:
        row.value = float(reading.value)
        row.context = getattr(reading, "context", None)
    db_session.add(row)
    db_session.flush()
    return row


def list_vitals(*, db_session: Session, patient_id: str, kind: str | None = None, limit: int = 100) -> list[VitalReading]:
    query = select(VitalReading).where(VitalReading.patient_id == patient_id)
    if kind:
        query = query.where(VitalReading.kind == kind)
    return list(db_session.scalars(query.order_by(VitalReading.measured_at.desc()).limit(limit)))
