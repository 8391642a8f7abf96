"""Staff API: login and the caseload a role may see."""

from __future__ import annotations

from typing import Annotated

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, StringConstraints

from core import db
from core import redis as redis_ext
from core.api import BEARER, ApiModel, current_actor, ok, request_context, settings
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
    actor = current_actor(kinds=("staff",))
    patients = staff_service.caseload(db_session=db.session(), actor=actor)
    audit.record(db_session=db.session(), actor_type="staff", actor_id=actor.audit_id, action="read", resource="caseload",
                 patient_id=None, ctx=request_context())
    db.session().commit()
    return ok(CaseloadOut(items=[patient_out(p) for p in patients]))


@bp.get("/patients/<patient_id>", tags=[TAG], responses={200: PatientOut}, security=BEARER)
def patient_detail(path: PatientPath) -> Response:
    """One patient of my caseload; anyone else's is 404."""
    actor = current_actor(kinds=("staff",))
    patient: Patient = require_patient_access(db_session=db.session(), actor=actor, patient_id=path.patient_id,
                                              scope="profile", ctx=request_context())
    db.session().commit()
    return ok(patient_out(patient))
