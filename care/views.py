"""Vitals API: a patient records readings; the patient, permitted family and care team read them."""

from __future__ import annotations

import hashlib

import redis
import structlog
from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, RootModel
from sqlalchemy import select

from care import alerts
from care import service as care_service
from care.models import Device
from care.schedule import Clock
from care.schemas import AlertOut, VitalIn, VitalList, VitalOut
from core import db
from core.api import BEARER, current_actor, ok, request_context, settings
from core.db import utcnow
from core.errors import ApiError
from identity import audit
from identity.access import require_patient_access
from miniprogram_api.schemas import PatientPath

log = structlog.get_logger(__name__)
bp = APIBlueprint("care", __name__, url_prefix="/api/v1")
TAG = Tag(name="vitals", description="血压、血糖等体征")


class VitalBody(RootModel[VitalIn]):
    pass


class VitalQuery(BaseModel):
    kind: str | None = Field(None, max_length=24)
    limit: int = Field(100, ge=1, le=500)


def _out(row: object) -> VitalOut:
    return VitalOut.model_validate(row, from_attributes=True)


def _record(patient_id: str, reading: VitalIn, source: str, recorded_by: str, actor_type: str) -> Response:
    """Stores the reading, raises its alerts in the same transaction, then sends any message at once."""
    db_session = db.session()
    row = care_service.record_vital(db_session=db_session, patient_id=patient_id, reading=reading, source=source,
                                    recorded_by=recorded_by)
    audit.record(db_session=db_session, actor_type=actor_type, actor_id=recorded_by, action="create", resource="vitals",
                 resource_id=row.id, patient_id=row.patient_id, ctx=request_context())
    now = utcnow()
    finding, occurrence_id = alerts.raise_alerts(db_session=db_session, reading=row, clock=Clock.from_settings(settings()),
                                                 now=now)
    db_session.commit()
    if occurrence_id is not None:
        _send_soon(occurrence_id, urgent=finding is not None and finding.tier == "severe")
    out = _out(row)
    if finding is not None:
        out.alert = AlertOut(tier=finding.tier, direction=finding.direction, reading=finding.reading_text)
    return ok(out, status=201)


def _send_soon(occurrence_id: str, *, urgent: bool) -> None:
    """A shortcut past the scheduler's next tick; if Redis is down the scheduler still finds it in the database."""
    from messaging.jobs import DELIVERY_QUEUE, URGENT_QUEUE, enqueue_batch

    try:
        enqueue_batch([occurrence_id], queue=URGENT_QUEUE if urgent else DELIVERY_QUEUE)
    except redis.RedisError:
        log.warning("alert_enqueue_failed", occurrence_id=occurrence_id)


@bp.post("/vitals", tags=[TAG], responses={201: VitalOut}, security=BEARER)
def record_vital(body: VitalBody) -> Response:
    """Records one reading for the logged-in patient; out-of-range readings raise alerts (see `alert`)."""
    actor = current_actor()
    return _record(actor.patient_id or "", body.root, "mini_program", actor.audit_id, "patient")


@bp.post("/devices/readings", tags=[TAG], responses={201: VitalOut})
def device_reading(body: VitalBody) -> Response:
    """A registered home device posts a reading, authenticated by its own key (header `X-Device-Key`)."""
    key = request.headers.get("X-Device-Key", "").strip()
    device = db.session().scalar(
        select(Device).where(Device.key_hash == hashlib.sha256(key.encode()).hexdigest(), Device.revoked_at.is_(None))
    ) if key else None
    if device is None:
        raise ApiError(401, "invalid_device_key", "设备未登记或密钥不正确，请联系医院重新绑定设备。")
    return _record(device.patient_id, body.root, "device", device.id, "system")


@bp.get("/vitals", tags=[TAG], responses={200: VitalList}, security=BEARER)
def my_vitals(query: VitalQuery) -> Response:
    """The logged-in patient's own readings, newest first."""
    actor = current_actor()
    return _vitals_of(actor.patient_id or "", query)


@bp.get("/patients/<patient_id>/vitals", tags=[TAG], responses={200: VitalList}, security=BEARER)
def patient_vitals(path: PatientPath, query: VitalQuery) -> Response:
    """A patient's readings: for themselves, a family member with the `vitals` scope, or their care team."""
    return _vitals_of(path.patient_id, query)


def _vitals_of(patient_id: str, query: VitalQuery) -> Response:
    actor = current_actor(kinds=("patient", "staff"))
    db_session = db.session()
    require_patient_access(db_session=db_session, actor=actor, patient_id=patient_id, scope="vitals", ctx=request_context())
    rows = care_service.list_vitals(db_session=db_session, patient_id=patient_id, kind=query.kind, limit=query.limit)
    db_session.commit()  # keeps the audit row
    return ok(VitalList(items=[_out(r) for r in rows]))
