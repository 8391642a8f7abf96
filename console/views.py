"""Staff API: login and the caseload a role may see."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, StringConstraints

from bot import dialogue
from bot import faq as faq_service
from bot import wechat_oa as oa_chat
from bot.schemas import ChatMessageOut
from console import service as console_service
from core import db
from core import redis as redis_ext
from core.api import BEARER, ApiModel, current_staff, ok, request_context, settings
from core.errors import ApiError
from identity import audit, tokens
from identity import staff as staff_service
from identity.access import require_patient_access
from identity.models import Patient
from miniprogram_api.auth import patient_out
from miniprogram_api.schemas import PatientOut, PatientPath

bp = APIBlueprint("console", __name__, url_prefix="/api/v1/staff")
TAG = Tag(name="staff", description="医护人员")


class StaffLogin(ApiModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class StaffOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None


class StaffLoginOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    staff: StaffOut


class CaseloadOut(BaseModel):
    items: list[PatientOut]


@bp.post("/login", tags=[TAG], responses={200: StaffLoginOut})
def login(body: StaffLogin) -> Response:
    """Username + password; repeated failures lock the account for a while."""
    db_session = db.session()
    s = settings()
    staff = staff_service.authenticate(db_session=db_session, redis_client=redis_ext.client(), username=body.username,
                                       password=body.password, ip=request.remote_addr or "-",
                                       max_failures=s.staff_login_max_failures, lockout_seconds=s.staff_login_lockout_seconds)
    pair = tokens.issue(db_session=db_session, settings=s, platform="console", staff_id=staff.id)
    audit.record(db_session=db_session, actor_type="staff", actor_id=staff.id, action="login", resource="session",
                 resource_id=pair.family_id, patient_id=None, ctx=request_context())
    db_session.commit()
    return ok(StaffLoginOut(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in,
                            staff=StaffOut.model_validate(staff, from_attributes=True)))


@bp.get("/patients", tags=[TAG], responses={200: CaseloadOut}, security=BEARER)
def caseload() -> Response:
    """My caseload: my team's patients (admins: everyone). Phones are masked."""
    actor = current_staff()
    patients = staff_service.caseload(db_session=db.session(), actor=actor)
    audit.record(db_session=db.session(), actor_type="staff", actor_id=actor.audit_id, action="read", resource="caseload",
                 patient_id=None, ctx=request_context())
    db.session().commit()
    return ok(CaseloadOut(items=[patient_out(p) for p in patients]))


@bp.get("/patients/<patient_id>", tags=[TAG], responses={200: PatientOut}, security=BEARER)
def patient_detail(path: PatientPath) -> Response:
    """One patient of my caseload; anyone else's is 404."""
    actor = current_staff()
    patient: Patient = require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id,
                                              scope="profile", ctx=request_context())
    db.session().commit()
    return ok(patient_out(patient))


class TaskOut(BaseModel):
    id: str
    patient_id: str
    kind: str
    priority: str
    status: str
    title: str
    detail: dict[str, object]
    created_at: datetime
    closed_at: datetime | None = None
    resolution: str | None = None


class TaskList(BaseModel):
    items: list[TaskOut]


class TaskQuery(BaseModel):
    status: Literal["open", "in_progress", "closed"] = "open"


class TaskPath(BaseModel):
    task_id: Annotated[str, StringConstraints(max_length=40)]


class CloseTask(ApiModel):
    resolution: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class StaffMessage(ApiModel):
    text: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class FaqPath(BaseModel):
    topic: Annotated[str, StringConstraints(pattern=r"^[a-z_]{2,32}$")]


class FaqIn(ApiModel):
    question: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    answer: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class FaqOut(BaseModel):
    topic: str
    question: str
    answer: str
    updated_at: datetime


class FaqList(BaseModel):
    items: list[FaqOut]


def _task_out(task: object) -> TaskOut:
    return TaskOut.model_validate(task, from_attributes=True)


@bp.get("/tasks", tags=[TAG], responses={200: TaskList}, security=BEARER)
def task_queue(query: TaskQuery) -> Response:
    """My team's work queue: red-flag alerts and hand-offs first (urgent, then high, then normal), oldest first."""
    actor = current_staff()
    tasks = console_service.queue(db_session=db.session(), actor=actor, status=query.status)
    return ok(TaskList(items=[_task_out(t) for t in tasks]))


@bp.post("/tasks/<task_id>/close", tags=[TAG], responses={200: TaskOut}, security=BEARER)
def close_task(path: TaskPath, body: CloseTask) -> Response:
    """Closes a task; closing a hand-off gives the conversation back to the bot."""
    actor = current_staff()
    db_session = db.session()
    task = console_service.get_for_actor(db_session=db_session, actor=actor, task_id=path.task_id)
    console_service.close(db_session=db_session, task=task, actor=actor, resolution=body.resolution)
    if task.kind == "handoff":
        dialogue.close_handoff(db_session=db_session, patient_id=task.patient_id)
    audit.record(db_session=db_session, actor_type="staff", actor_id=actor.audit_id, action="update", resource="task",
                 resource_id=task.id, patient_id=task.patient_id, ctx=request_context())
    db_session.commit()
    return ok(_task_out(task))


@bp.post("/patients/<patient_id>/messages", tags=[TAG], responses={201: ChatMessageOut}, security=BEARER)
def reply_to_patient(path: PatientPath, body: StaffMessage) -> Response:
    """A health manager answers the patient in their chat (while the bot stays quiet)."""
    actor = current_staff()
    db_session = db.session()
    require_patient_access(db_session=db_session, actor=actor, patient_id=path.patient_id, scope="messages",
                           action="create", ctx=request_context())
    message = dialogue.staff_reply(db_session=db_session, patient_id=path.patient_id, staff_id=actor.staff_id or "",
                                   text=body.text)
    db_session.commit()
    oa_chat.forward_staff_reply(db_session=db_session, patient_id=path.patient_id, text=body.text)
    return ok(ChatMessageOut.model_validate(message, from_attributes=True), status=201)


@bp.get("/faq", tags=[TAG], responses={200: FaqList}, security=BEARER)
def list_faq() -> Response:
    """The FAQ answers the bot gives (hours, location, insurance, visiting, parking, reports...)."""
    current_staff()
    return ok(FaqList(items=[FaqOut.model_validate(e, from_attributes=True) for e in faq_service.all_entries(db_session=db.session())]))


@bp.put("/faq/<topic>", tags=[TAG], responses={200: FaqOut}, security=BEARER)
def put_faq(path: FaqPath, body: FaqIn) -> Response:
    """Admins edit an FAQ answer; the bot uses it from the next message on."""
    actor = current_staff()
    if actor.role != "admin":
        raise ApiError(403, "admin_only", "只有管理员可以修改常见问题的回答。")
    entry = faq_service.upsert(db_session=db.session(), topic=path.topic, question=body.question, answer=body.answer,
                               updated_by=actor.staff_id)
    db.session().commit()
    return ok(FaqOut.model_validate(entry, from_attributes=True))
