"""Who is calling, and which patient records they may see. Every patient-data read goes through here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ApiError
from identity import audit
from identity.models import FamilyLink, Patient, StaffUser, TokenFamily

FAMILY_SCOPES = ("vitals", "plans", "messages")
STAFF_ROLES = ("admin", "health_manager", "doctor")


@dataclass(frozen=True)
class Actor:
    """The caller of a request, resolved from its token family."""

    kind: str  # patient | staff
    family_id: str
    platform: str
    patient_id: str | None = None  # None while a platform identity still needs a verified phone
    identity_id: str | None = None
    staff_id: str | None = None
    role: str | None = None
    team_id: str | None = None
    hospital_id: str | None = None

    @property
    def audit_id(self) -> str:
        return self.patient_id or self.staff_id or self.identity_id or self.family_id


def actor_for(*, db_session: Session, family: TokenFamily) -> Actor:
    if family.staff_id:
        staff = db_session.get(StaffUser, family.staff_id)
        if staff is None or not staff.active:
            raise ApiError(401, "invalid_token", "登录已过期，请重新登录。")
        return Actor(kind="staff", family_id=family.id, platform=family.platform, staff_id=staff.id,
                     role=staff.role, team_id=staff.team_id, hospital_id=staff.hospital_id)
    return Actor(kind="patient", family_id=family.id, platform=family.platform,
                 patient_id=family.patient_id, identity_id=family.identity_id)


def active_link(*, db_session: Session, patient_id: str, member_id: str) -> FamilyLink | None:
    return db_session.scalar(
        select(FamilyLink).where(
            FamilyLink.patient_id == patient_id, FamilyLink.member_id == member_id, FamilyLink.revoked_at.is_(None)
        )
    )


def _allowed(*, db_session: Session, actor: Actor, patient: Patient, scope: str) -> str | None:
    """Returns how the actor is related to the record (self/family/staff), or None when not allowed."""
    if actor.kind == "patient":
        if actor.patient_id is None:
            return None
        if actor.patient_id == patient.id:
            return "patient"
        link = active_link(db_session=db_session, patient_id=patient.id, member_id=actor.patient_id)
        return "family" if link is not None and scope in link.scopes else None
    if actor.role == "admin":
        return "staff"
    if actor.role in ("health_manager", "doctor") and patient.team_id is not None and patient.team_id == actor.team_id:
        return "staff"
    return None


def require_patient_access(
    *,
    db_session: Session,
    actor: Actor,
    patient_id: str,
    scope: str,
    action: str = "read",
    ctx: audit.RequestContext | None = None,
) -> Patient:
    """Loads the patient if the actor may act on `scope` of their record, and audits the access.

    Not allowed and not found look the same (404), so ids cannot be probed.
    """
    patient = db_session.get(Patient, patient_id)
    relation = _allowed(db_session=db_session, actor=actor, patient=patient, scope=scope) if patient else None
    if patient is None or relation is None:
        raise ApiError(404, "not_found", "没有找到这位就诊人的信息。")
    audit.record(db_session=db_session, actor_type=relation, actor_id=actor.audit_id, action=action,
                 resource=scope, patient_id=patient.id, ctx=ctx)
    return patient
