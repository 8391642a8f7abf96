"""Staff side of care: plan templates, assigning and changing plans, the patient timeline, thresholds, devices."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Annotated, Any, Literal

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select

from care import alerts
from care import plans as plans_service
from care.models import Device, Occurrence, Plan, PlanTemplate
from care.plan_schemas import AssignIn, PlanChangeIn, PlanOut, TemplateIn, TemplateList, TemplateOut, TimelineEntry, TimelineOut
from care.schedule import Clock
from console.models import StaffTask
from core import db
from core.api import BEARER, ApiModel, current_staff, ok, request_context, settings
from core.db import utcnow
from core.errors import ApiError
from identity.access import Actor, require_patient_access
from identity.models import Patient
from messaging.models import Delivery
from miniprogram_api.schemas import PatientPath

staff_care_bp = APIBlueprint("care_staff", __name__, url_prefix="/api/v1/staff")
TAG = Tag(name="staff-care", description="医护：随访计划模板、计划、时间线、体征阈值、设备")
Id = Annotated[str, StringConstraints(max_length=40)]


class TemplatePath(BaseModel):
    template_id: Id


class PlanPath(BaseModel):
    plan_id: Id


class PlanActionPath(BaseModel):
    plan_id: Id
    action: Literal["pause", "resume", "cancel"]


class Rule(ApiModel):
    metric: Literal["systolic", "diastolic", "value"]
    direction: Literal["high", "low"]
    context: Literal["fasting", "after_meal", "random"] | None = None
    mild: float
    moderate: float
    severe: float


class ThresholdsIn(ApiModel):
    condition: Literal["hypertension", "diabetes"] | None = None
    thresholds: dict[Literal["blood_pressure", "glucose", "spo2", "heart_rate", "temperature"], list[Rule]] = Field(
        default_factory=dict)


class ThresholdsOut(BaseModel):
    thresholds: dict[str, dict[str, Any]]


class DeviceIn(ApiModel):
    label: str = Field(min_length=1, max_length=64)


class DeviceOut(BaseModel):
    id: str
    label: str
    device_key: str = Field(description="shown once; the device sends it as X-Device-Key")



def _clock() -> Clock:
    return Clock.from_settings(settings())


def _template_out(t: PlanTemplate) -> TemplateOut:
    return TemplateOut(id=t.id, name=t.name, condition=t.condition, nodes=t.nodes, version=t.version, active=t.active,  # type: ignore[arg-type]
                       updated_at=t.updated_at)


def _plan_out(p: Plan) -> PlanOut:
    return PlanOut(id=p.id, name=p.name, status=p.status, start_date=p.start_date, nodes=p.nodes)


def _patient(actor: Actor, patient_id: str, action: str) -> Patient:
    return require_patient_access(db_session=db.session(), actor=actor, patient_id=patient_id, scope="plans", action=action,
                                  ctx=request_context())


# Templates -------------------------------------------------------------------------------------------------

@staff_care_bp.get("/plan-templates", tags=[TAG], responses={200: TemplateList}, security=BEARER)
def list_templates() -> Response:
    """The hospital's plan templates."""
    actor = current_staff()
    rows = plans_service.list_templates(db_session=db.session(), hospital_id=actor.hospital_id)
    return ok(TemplateList(items=[_template_out(t) for t in rows]))


@staff_care_bp.post("/plan-templates", tags=[TAG], responses={201: TemplateOut}, security=BEARER)
def create_template(body: TemplateIn) -> Response:
    """A new template: task nodes with schedule, channel order and escalation steps."""
    actor = current_staff()
    template = plans_service.create_template(db_session=db.session(), hospital_id=actor.hospital_id, template_in=body,
                                             created_by=actor.audit_id)
    db.session().commit()
    return ok(_template_out(template), status=201)


@staff_care_bp.put("/plan-templates/<template_id>", tags=[TAG], responses={200: TemplateOut}, security=BEARER)
def update_template(path: TemplatePath, body: TemplateIn) -> Response:
    """Edits a template; plans already assigned keep theirs (change a plan to re-plan it)."""
    actor = current_staff()
    template = plans_service.get_template(db_session=db.session(), template_id=path.template_id, hospital_id=actor.hospital_id)
    if template is None:
        raise ApiError(404, "not_found", "没有找到这个计划模板。")
    plans_service.update_template(db_session=db.session(), template=template, template_in=body, now=utcnow())
    db.session().commit()
    return ok(_template_out(template))


# Plans -----------------------------------------------------------------------------------------------------

@staff_care_bp.post("/patients/<patient_id>/plans", tags=[TAG], responses={201: PlanOut}, security=BEARER)
def assign_plan(path: PatientPath, body: AssignIn) -> Response:
    """Assigns a template to the patient; its reminders are planned at once."""
    actor = current_staff()
    patient = _patient(actor, path.patient_id, "create")
    template = plans_service.get_template(db_session=db.session(), template_id=body.template_id, hospital_id=actor.hospital_id)
    if template is None:
        raise ApiError(404, "not_found", "没有找到这个计划模板。")
    plan = plans_service.assign(db_session=db.session(), patient=patient, template=template,
                                start_date=date.fromisoformat(body.start_date) if body.start_date else None,
                                created_by=actor.audit_id, clock=_clock(), now=utcnow(),
                                horizon_days=settings().plan_horizon_days)
    db.session().commit()
    return ok(_plan_out(plan), status=201)


def _plan_for(actor: Actor, plan_id: str) -> tuple[Plan, Patient]:
    plan = db.session().get(Plan, plan_id)
    if plan is None:
        raise ApiError(404, "not_found", "没有找到这个计划。")
    return plan, _patient(actor, plan.patient_id, "update")


@staff_care_bp.patch("/plans/<plan_id>", tags=[TAG], responses={200: PlanOut}, security=BEARER)
def change_plan(path: PlanPath, body: PlanChangeIn) -> Response:
    """Replaces the plan's nodes; future reminders are re-planned, past and sent ones stay."""
    actor = current_staff()
    plan, patient = _plan_for(actor, path.plan_id)
    plans_service.change_nodes(db_session=db.session(), plan=plan, patient=patient, nodes=body.nodes, clock=_clock(),
                               now=utcnow(), horizon_days=settings().plan_horizon_days)
    db.session().commit()
    return ok(_plan_out(plan))


@staff_care_bp.post("/plans/<plan_id>/<action>", tags=[TAG], responses={200: PlanOut}, security=BEARER)
def plan_action(path: PlanActionPath) -> Response:
    """pause (no reminders, no escalation), resume (from now on) or cancel."""
    actor = current_staff()
    plan, patient = _plan_for(actor, path.plan_id)
    now = utcnow()
    if path.action == "pause":
        plans_service.pause(db_session=db.session(), plan=plan, now=now)
    elif path.action == "resume":
        plans_service.resume(db_session=db.session(), plan=plan, patient=patient, clock=_clock(), now=now,
                             horizon_days=settings().plan_horizon_days)
    else:
        plans_service.cancel(db_session=db.session(), plan=plan, now=now)
    db.session().commit()
    return ok(_plan_out(plan))


# Timeline --------------------------------------------------------------------------------------------------

@staff_care_bp.get("/patients/<patient_id>/timeline", tags=[TAG], responses={200: TimelineOut}, security=BEARER)
def timeline(path: PatientPath) -> Response:
    """Reminders, every delivery attempt, escalation steps, acknowledgements and staff tasks, newest first."""
    actor = current_staff()
    _patient(actor, path.patient_id, "read")
    db_session = db.session()
    now = utcnow()
    entries: list[TimelineEntry] = []
    occurrences = {o.id: o for o in db_session.scalars(select(Occurrence).where(
        Occurrence.patient_id == path.patient_id, Occurrence.due_at <= now).order_by(Occurrence.due_at.desc()).limit(200))}
    for occ in occurrences.values():
        entries.append(TimelineEntry(at=occ.due_at, type="reminder", occurrence_id=occ.id, title=occ.title,
                                     detail={"kind": occ.kind, "state": occ.state, "content": occ.content}))
        if occ.acknowledged_at:
            entries.append(TimelineEntry(at=occ.acknowledged_at, type="acknowledged", occurrence_id=occ.id, title=occ.title,
                                         detail={"by": occ.acknowledged_by or ""}))
    deliveries = db_session.scalars(select(Delivery).where(Delivery.occurrence_id.in_(list(occurrences))))
    for d in deliveries:
        entries.append(TimelineEntry(
            at=d.created_at, type="delivery" if d.step == 0 else "escalation", occurrence_id=d.occurrence_id,
            title=occurrences[d.occurrence_id].title,
            detail={"step": d.step, "action": d.action, "channel": d.channel, "attempt": d.attempt, "state": d.state,
                    "recipient": d.recipient_role, "error_kind": d.error_kind, "error_code": d.error_code}))
    for task in db_session.scalars(select(StaffTask).where(StaffTask.patient_id == path.patient_id).limit(200)):
        entries.append(TimelineEntry(at=task.created_at, type="staff_task", occurrence_id=task.detail.get("occurrence_id"),
                                     title=task.title, detail={"kind": task.kind, "priority": task.priority,
                                                               "status": task.status}))
    entries.sort(key=lambda e: (e.at, e.type), reverse=True)
    db_session.commit()  # keeps the audit row
    return ok(TimelineOut(items=entries))


# Vital thresholds and devices ------------------------------------------------------------------------------

@staff_care_bp.get("/patients/<patient_id>/vital-thresholds", tags=[TAG], responses={200: ThresholdsOut}, security=BEARER)
def get_thresholds(path: PatientPath) -> Response:
    """The alert thresholds in force for the patient, per vital kind."""
    actor = current_staff()
    require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id, scope="vitals",
                           ctx=request_context())
    out = ThresholdsOut(thresholds=alerts.thresholds_for(db_session=db.session(), patient_id=path.patient_id))
    db.session().commit()
    return ok(out)


@staff_care_bp.put("/patients/<patient_id>/vital-thresholds", tags=[TAG], responses={200: ThresholdsOut}, security=BEARER)
def put_thresholds(path: PatientPath, body: ThresholdsIn) -> Response:
    """Sets a condition's defaults (hypertension, diabetes) and/or the patient's own rules per kind."""
    actor = current_staff()
    require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id, scope="vitals", action="update",
                           ctx=request_context())
    for kind, rules in body.thresholds.items():
        for rule in rules:
            ordered = (rule.mild <= rule.moderate <= rule.severe) if rule.direction == "high" else (
                rule.mild >= rule.moderate >= rule.severe)
            if not ordered:
                raise ApiError(422, "thresholds_out_of_order", "阈值顺序不对：轻度、中度、重度应该越来越严重。", kind=kind)
    alerts.set_thresholds(db_session=db.session(), patient_id=path.patient_id, condition=body.condition,
                          custom={k: [r.model_dump() for r in v] for k, v in body.thresholds.items()},
                          by=actor.audit_id, now=utcnow())
    out = ThresholdsOut(thresholds=alerts.thresholds_for(db_session=db.session(), patient_id=path.patient_id))
    db.session().commit()
    return ok(out)


@staff_care_bp.post("/patients/<patient_id>/devices", tags=[TAG], responses={201: DeviceOut}, security=BEARER)
def register_device(path: PatientPath, body: DeviceIn) -> Response:
    """Registers a home device for the patient; its key is shown once and stored only as a hash."""
    actor = current_staff()
    require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id, scope="vitals", action="create",
                           ctx=request_context())
    key = "dk_" + secrets.token_urlsafe(32)
    device = Device(patient_id=path.patient_id, label=body.label, key_hash=hashlib.sha256(key.encode()).hexdigest(),
                    created_by=actor.audit_id, created_at=utcnow())
    db.session().add(device)
    db.session().commit()
    return ok(DeviceOut(id=device.id, label=device.label, device_key=key), status=201)

