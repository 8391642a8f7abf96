"""Vitals API: a patient records readings; the patient, permitted family and care team read them."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, RootModel

from care import service as care_service
from care.schemas import VitalIn, VitalList, VitalOut
from core import db
from core.api import BEARER, current_actor, ok, request_context
from identity import audit
from identity.access import require_patient_access
from miniprogram_api.schemas import PatientPath

bp = APIBlueprint("care", __name__, url_prefix="/api/v1")
TAG = Tag(name="vitals", description="血压、血糖等体征")


class VitalBody(RootModel[VitalIn]):
    pass


class VitalQuery(BaseModel):
    kind: str | None = Field(None, max_length=24)
    limit: int = Field(100, ge=1, le=500)


def _out(row: object) -> VitalOut:
    return VitalOut.model_validate(row, from_attributes=True)


@bp.post("/vitals", tags=[TAG], responses={201: VitalOut}, security=BEARER)
def record_vital(body: VitalBody) -> Response:
    """Records one reading for the logged-in patient."""
    actor = current_actor()
    row = care_service.record_vital(db_session=db.session(), patient_id=actor.patient_id or "", reading=body.root,
                                    source="mini_program", recorded_by=actor.audit_id)
    audit.record(db_session=db.session(), actor_type="patient", actor_id=actor.audit_id, action="create", resource="vitals",
                 resource_id=row.id, patient_id=row.patient_id, ctx=request_context())
    db.session().commit()
    return ok(_out(row), status=201)


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
