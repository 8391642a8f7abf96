"""Cohorts: staff tag patients, assign a plan to everyone with a tag, push articles and notices to them;
patients choose whether they want such pushes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, StringConstraints, field_validator
from sqlalchemy import select

from care import cohorts
from care import plans as plans_service
from care.models import Push
from care.plan_schemas import AssignIn, Channel
from care.schedule import Clock
from core import db
from core.api import BEARER, ApiModel, current_actor, current_staff, ok, request_context, settings
from core.db import utcnow
from core.errors import ApiError
from identity import audit
from identity.access import require_patient_access
from miniprogram_api.schemas import PatientPath

cohorts_bp = APIBlueprint("cohorts", __name__, url_prefix="/api/v1")
TAG = Tag(name="cohorts", description="人群：患者标签、按标签批量分配计划、健康宣教推送、患者的推送偏好")
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
MAX_TAGS = 20
# the official account first: it needs no per-message subscription credit, which reminders need more
PUSH_CHANNELS: list[Channel] = ["wechat_oa", "wechat_subscribe", "wecom", "sms"]


class TagsIn(ApiModel):
    tags: list[TagName] = Field(max_length=MAX_TAGS, description="例如 高血压、糖尿病、髋关节术后")


class TagsOut(BaseModel):
    tags: list[str]


class CohortAssignIn(AssignIn):
    tag: TagName


class CohortAssignOut(BaseModel):
    cohort: int = Field(description="有这个标签、归我管理的患者人数")
    assigned: int
    already_on_plan: int


class PushIn(ApiModel):
    tag: TagName
    title: str = Field(min_length=1, max_length=20, description="推送标题，微信订阅消息最多 20 字")
    content: str = Field(min_length=1, max_length=300)
    link: str | None = Field(None, max_length=500, description="文章链接（https）")
    channels: list[Channel] = Field(default_factory=lambda: list(PUSH_CHANNELS), min_length=1, max_length=5)

    @field_validator("link")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("link must be an https URL")
        return value


class PushCounts(BaseModel):
    cohort: int
    queued: int
    opted_out: int = Field(description="患者关闭了宣教推送")
    rate_limited: int = Field(description="7 天内已收到足够多的推送")


class PushOut(BaseModel):
    id: str
    tag: str
    title: str
    created_at: datetime
    counts: PushCounts


class PushList(BaseModel):
    pushes: list[PushOut]


class PreferencesIn(ApiModel):
    education: bool = Field(description="是否接收健康宣教和医院通知（随访、用药提醒不受影响）")


class PreferencesOut(BaseModel):
    education: bool



def _push_out(p: Push) -> PushOut:
    return PushOut(id=p.id, tag=p.tag, title=p.title, created_at=p.created_at, counts=PushCounts(**p.counts))


# Tags ------------------------------------------------------------------------------------------------------

@cohorts_bp.get("/staff/patients/<patient_id>/tags", tags=[TAG], responses={200: TagsOut}, security=BEARER)
def get_tags(path: PatientPath) -> Response:
    """The patient's tags."""
    require_patient_access(db_session=db.session(), actor=current_staff(), patient_id=path.patient_id, scope="plans",
                           ctx=request_context())
    out = TagsOut(tags=cohorts.tags_of(db_session=db.session(), patient_id=path.patient_id))
    db.session().commit()  # keeps the audit row
    return ok(out)


@cohorts_bp.put("/staff/patients/<patient_id>/tags", tags=[TAG], responses={200: TagsOut}, security=BEARER)
def put_tags(path: PatientPath, body: TagsIn) -> Response:
    """Replaces the patient's tags."""
    actor = current_staff()
    patient = require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id, scope="plans",
                                     action="update", ctx=request_context())
    tags = cohorts.set_tags(db_session=db.session(), patient=patient, tags=body.tags, by=actor.audit_id)
    db.session().commit()
    return ok(TagsOut(tags=tags))


# Cohort plans and pushes -----------------------------------------------------------------------------------

@cohorts_bp.post("/staff/cohort-plans", tags=[TAG], responses={200: CohortAssignOut}, security=BEARER)
def assign_cohort(body: CohortAssignIn) -> Response:
    """Gives every patient with the tag (in my caseload) a plan from the template; those already on it are skipped."""
    actor = current_staff()
    db_session = db.session()
    template = plans_service.get_template(db_session=db_session, template_id=body.template_id, hospital_id=actor.hospital_id)
    if template is None:
        raise ApiError(404, "not_found", "没有找到这个计划模板。")
    counts = cohorts.assign_to_cohort(
        db_session=db_session, actor=actor, tag=body.tag, template=template,
        start_date=date.fromisoformat(body.start_date) if body.start_date else None,
        clock=Clock.from_settings(settings()), now=utcnow(), horizon_days=settings().plan_horizon_days)
    audit.record(db_session=db_session, actor_type="staff", actor_id=actor.audit_id, action="create",
                 resource=f"cohort_plan:{body.tag}", resource_id=template.id, patient_id=None, ctx=request_context())
    db_session.commit()
    return ok(CohortAssignOut(**counts))


@cohorts_bp.post("/staff/pushes", tags=[TAG], responses={201: PushOut}, security=BEARER)
def create_push(body: PushIn) -> Response:
    """Pushes an article or notice to every patient with the tag who has not opted out and is under the weekly limit."""
    actor = current_staff()
    db_session = db.session()
    record = cohorts.push(db_session=db_session, actor=actor, tag=body.tag, title=body.title, content=body.content,
                          link=body.link, channels=list(body.channels), clock=Clock.from_settings(settings()),
                          now=utcnow(), max_per_week=settings().push_max_per_week)
    audit.record(db_session=db_session, actor_type="staff", actor_id=actor.audit_id, action="create",
                 resource=f"push:{body.tag}", resource_id=record.id, patient_id=None, ctx=request_context())
    db_session.commit()
    return ok(_push_out(record), status=201)


@cohorts_bp.get("/staff/pushes", tags=[TAG], responses={200: PushList}, security=BEARER)
def list_pushes() -> Response:
    """The latest pushes and how many each reached."""
    current_staff()
    pushes = db.session().scalars(select(Push).order_by(Push.created_at.desc()).limit(100))
    return ok(PushList(pushes=[_push_out(p) for p in pushes]))


# The patient's choice ------------------------------------------------------------------------------------------

@cohorts_bp.get("/me/message-preferences", tags=[TAG], responses={200: PreferencesOut}, security=BEARER)
def get_preferences() -> Response:
    """Which kinds of optional messages I get."""
    actor = current_actor()
    return ok(PreferencesOut(education=cohorts.EDUCATION not in cohorts.opt_outs(
        db_session=db.session(), patient_id=actor.patient_id or "")))


@cohorts_bp.put("/me/message-preferences", tags=[TAG], responses={200: PreferencesOut}, security=BEARER)
def put_preferences(body: PreferencesIn) -> Response:
    """Turns education pushes off or on; reminders of my plans keep coming."""
    actor = current_actor()
    cohorts.set_opt_out(db_session=db.session(), patient_id=actor.patient_id or "", category=cohorts.EDUCATION,
                        opted_out=not body.education, channel="mini_program")
    db.session().commit()
    return ok(PreferencesOut(education=body.education))

