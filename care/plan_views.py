"""Plans for patients and family: the plan list with upcoming reminders, and acknowledging a reminder."""

from __future__ import annotations

from typing import Annotated

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, StringConstraints

from care import plans as plans_service
from care.models import Occurrence
from care.plan_schemas import AckOut, PlanOut, PlansOut, ReminderOut, SurveyIn, SurveyOut
from core import db
from core.api import BEARER, current_actor, ok, request_context
from core.db import utcnow
from core.errors import ApiError
from identity.access import require_patient_access
from miniprogram_api.schemas import PatientPath

plans_bp = APIBlueprint("plans", __name__, url_prefix="/api/v1")
TAG = Tag(name="plans", description="随访、用药、康复计划与提醒")


class ReminderPath(BaseModel):
    reminder_id: Annotated[str, StringConstraints(max_length=40)]


def plans_out(patient_id: str) -> PlansOut:
    db_session = db.session()
    plans = plans_service.plans_of(db_session=db_session, patient_id=patient_id)
    reminders = plans_service.reminders_of(db_session=db_session, patient_id=patient_id, now=utcnow())
    return PlansOut(
        plans=[PlanOut(id=p.id, name=p.name, status=p.status, start_date=p.start_date, nodes=p.nodes) for p in plans],
        reminders=[ReminderOut.model_validate(r, from_attributes=True) for r in reminders],
    )


@plans_bp.get("/plans", tags=[TAG], responses={200: PlansOut}, security=BEARER)
def my_plans() -> Response:
    """The logged-in patient's plans and their recent and upcoming reminders."""
    actor = current_actor()
    return ok(plans_out(actor.patient_id or ""))


@plans_bp.get("/patients/<patient_id>/plans", tags=[TAG], responses={200: PlansOut}, security=BEARER)
def patient_plans(path: PatientPath) -> Response:
    """A patient's plans: for a family member with the `plans` scope, or the care team."""
    actor = current_actor(kinds=("patient", "staff"))
    db_session = db.session()
    require_patient_access(db_session=db_session, actor=actor, patient_id=path.patient_id, scope="plans", ctx=request_context())
    out = plans_out(path.patient_id)
    db_session.commit()  # keeps the audit row
    return ok(out)


@plans_bp.post("/reminders/<reminder_id>/ack", tags=[TAG], responses={200: AckOut}, security=BEARER)
def acknowledge(path: ReminderPath) -> Response:
    """“已服药 / 已完成”: the patient, or a family member with the `plans` scope, confirms; escalation stops."""
    actor = current_actor(kinds=("patient", "staff"))
    db_session = db.session()
    occurrence = db_session.get(Occurrence, path.reminder_id)
    if occurrence is None:
        raise ApiError(404, "not_found", "没有找到这个提醒。")
    require_patient_access(db_session=db_session, actor=actor, patient_id=occurrence.patient_id, scope="plans",
                           action="update", ctx=request_context())
    plans_service.acknowledge(db_session=db_session, occurrence=occurrence, by=actor.audit_id, now=utcnow())
    db_session.commit()
    assert occurrence.acknowledged_at is not None
    return ok(AckOut(id=occurrence.id, state=occurrence.state, acknowledged_at=occurrence.acknowledged_at))


@plans_bp.post("/reminders/<reminder_id>/survey", tags=[TAG], responses={200: SurveyOut}, security=BEARER)
def answer_survey(path: ReminderPath, body: SurveyIn) -> Response:
    """The patient answers a satisfaction survey (1-5 and a comment); the reminder counts as done."""
    actor = current_actor()
    db_session = db.session()
    occurrence = db_session.get(Occurrence, path.reminder_id)
    if occurrence is None or occurrence.patient_id != actor.patient_id:
        raise ApiError(404, "not_found", "没有找到这个提醒。")
    answer = plans_service.answer_survey(db_session=db_session, occurrence=occurrence, score=body.score,
                                         comment=body.comment, channel="mini_program", by=actor.audit_id, now=utcnow())
    db_session.commit()
    return ok(SurveyOut(reminder_id=occurrence.id, score=answer.score, comment=answer.comment,
                        answered_at=answer.created_at))
