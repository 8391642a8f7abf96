"""Family access: invitations, scoped links with recorded consent, revocation, proxy registration."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import ApiError
from identity import service as identity_service
from identity.models import Consent, FamilyInvitation, FamilyLink, Patient

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def invite(
    *, db_session: Session, patient_id: str, scopes: list[str], relation: str, ttl_seconds: int
) -> tuple[FamilyInvitation, str]:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    invitation = FamilyInvitation(
        code_hash=_code_hash(code), patient_id=patient_id, scopes=sorted(set(scopes)), relation=relation,
        expires_at=utcnow() + timedelta(seconds=ttl_seconds),
    )
    db_session.add(invitation)
    db_session.flush()
    return invitation, code


def _grant_consent(*, db_session: Session, link: FamilyLink, channel: str) -> None:
    db_session.add(Consent(patient_id=link.patient_id, purpose="family_access", scopes=list(link.scopes),
                           grantee_id=link.member_id, family_link_id=link.id, channel=channel))


def _withdraw_consent(*, db_session: Session, link_id: str) -> None:
    db_session.execute(
        update(Consent).where(Consent.family_link_id == link_id, Consent.withdrawn_at.is_(None)).values(withdrawn_at=utcnow())
    )


def accept(*, db_session: Session, code: str, member_id: str, channel: str) -> FamilyLink:
    """The family member accepts; the patient's consent was given when they created the invitation."""
    invitation = db_session.scalar(select(FamilyInvitation).where(FamilyInvitation.code_hash == _code_hash(code)))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        raise ApiError(404, "invitation_not_found", "邀请码不对或已经失效，请让家人重新生成一个。")
    if invitation.patient_id == member_id:
        raise ApiError(409, "cannot_accept_own_invitation", "这是您自己发出的邀请码，请把它发给家人使用。")
    existing = db_session.scalar(
        select(FamilyLink).where(FamilyLink.patient_id == invitation.patient_id, FamilyLink.member_id == member_id,
                                 FamilyLink.revoked_at.is_(None))
    )
    if existing is not None:
        _withdraw_consent(db_session=db_session, link_id=existing.id)
        existing.scopes, existing.relation = list(invitation.scopes), invitation.relation
        link = existing
    else:
        link = FamilyLink(patient_id=invitation.patient_id, member_id=member_id, relation=invitation.relation,
                          scopes=list(invitation.scopes), confirmed_at=utcnow())
        db_session.add(link)
    invitation.accepted_at = utcnow()
    db_session.flush()
    _grant_consent(db_session=db_session, link=link, channel=channel)
    return link


def links_of(*, db_session: Session, patient_id: str) -> list[FamilyLink]:
    return list(
        db_session.scalars(
            select(FamilyLink)
            .where(or_(FamilyLink.patient_id == patient_id, FamilyLink.member_id == patient_id), FamilyLink.revoked_at.is_(None))
            .order_by(FamilyLink.created_at)
        )
    )


def _own_link(*, db_session: Session, link_id: str, patient_id: str, as_patient_only: bool = False) -> FamilyLink:
    link = db_session.get(FamilyLink, link_id)
    parties = (link.patient_id,) if link and as_patient_only else (link.patient_id, link.member_id) if link else ()
    if link is None or link.revoked_at is not None or patient_id not in parties:
        raise ApiError(404, "not_found", "没有找到这条家人关联。")
    return link


def revoke(*, db_session: Session, link_id: str, patient_id: str) -> FamilyLink:
    """Either side may end the link; access ends at once and the consent is marked withdrawn."""
    link = _own_link(db_session=db_session, link_id=link_id, patient_id=patient_id)
    link.revoked_at, link.revoked_by = utcnow(), patient_id
    _withdraw_consent(db_session=db_session, link_id=link.id)
    return link


def change_scopes(*, db_session: Session, link_id: str, patient_id: str, scopes: list[str]) -> FamilyLink:
    """Only the patient whose data it is changes what a family member sees; consent is re-recorded."""
    link = _own_link(db_session=db_session, link_id=link_id, patient_id=patient_id, as_patient_only=True)
    _withdraw_consent(db_session=db_session, link_id=link.id)
    link.scopes = sorted(set(scopes))
    _grant_consent(db_session=db_session, link=link, channel="mini_program")
    return link


def confirm(*, db_session: Session, link_id: str, patient_id: str) -> FamilyLink:
    """The elderly patient confirms the family member who registered them."""
    link = _own_link(db_session=db_session, link_id=link_id, patient_id=patient_id, as_patient_only=True)
    now = utcnow()
    link.confirmed_at = now
    patient = db_session.get(Patient, patient_id)
    assert patient is not None
    if patient.confirmed_at is None:
        patient.confirmed_at = now
    _withdraw_consent(db_session=db_session, link_id=link.id)  # replaces the proxy consent with the patient's own
    _grant_consent(db_session=db_session, link=link, channel="mini_program")
    return link


def register_dependent(
    *, db_session: Session, member_id: str, name: str, phone: str, relation: str, scopes: list[str],
    policy_version: str, id_number: str | None = None,
) -> tuple[Patient, FamilyLink]:
    """A family member registers an elderly relative who cannot use the phone themselves.

    Refused when the phone already belongs to a patient: otherwise knowing someone's phone number
    would be enough to read their records. The relative confirms (or ends) it at first login.
    """
    if identity_service.get_by_phone(db_session=db_session, phone=phone) is not None:
        raise ApiError(409, "patient_exists", "这位家人已经注册过了，请让他（她）在小程序里邀请您。")
    if id_number and identity_service.get_by_document(db_session=db_session, id_number=id_number) is not None:
        raise ApiError(409, "patient_exists", "这位家人已经注册过了，请让他（她）在小程序里邀请您。")
    patient = identity_service.create(db_session=db_session, phone=phone, channel="proxy", policy_version=policy_version,
                                      name=name, id_number=id_number, registered_by_id=member_id)
    link = FamilyLink(patient_id=patient.id, member_id=member_id, relation=relation, scopes=sorted(set(scopes)),
                      needs_patient_confirmation=True)
    db_session.add(link)
    db_session.flush()
    _grant_consent(db_session=db_session, link=link, channel="proxy")
    return patient, link
