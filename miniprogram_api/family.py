"""Family members: invite, accept, list, change scopes, revoke, register an elderly relative."""

from __future__ import annotations

from flask import Response

from core import db
from core.api import BEARER, current_actor, ok, request_context, settings
from identity import audit
from identity import family as family_service
from identity.models import FamilyLink
from miniprogram_api import FAMILY_TAG, bp
from miniprogram_api.auth import patient_out
from miniprogram_api.schemas import (
    AcceptOut,
    DependentIn,
    DependentOut,
    InvitationIn,
    InvitationOut,
    InvitationPath,
    LinkList,
    LinkOut,
    LinkPath,
    ScopesIn,
)


def _link_out(link: FamilyLink, me: str) -> LinkOut:
    return LinkOut(link_id=link.id, patient_id=link.patient_id, member_id=link.member_id,
                   my_role="patient" if link.patient_id == me else "family_member", relation=link.relation,
                   scopes=list(link.scopes),
                   needs_patient_confirmation=link.needs_patient_confirmation and link.confirmed_at is None,
                   confirmed_at=link.confirmed_at, created_at=link.created_at)


def _audit_link(action: str, link: FamilyLink, actor_id: str) -> None:
    audit.record(db_session=db.session(), actor_type="patient", actor_id=actor_id, action=action,
                 resource="family_link", resource_id=link.id, patient_id=link.patient_id, ctx=request_context())


@bp.post("/family/invitations", tags=[FAMILY_TAG], responses={201: InvitationOut}, security=BEARER)
def create_invitation(body: InvitationIn) -> Response:
    """The patient invites a family member and chooses what they may see (this is the consent)."""
    actor = current_actor()
    invitation, code = family_service.invite(db_session=db.session(), patient_id=actor.patient_id, scopes=list(body.scopes),
                                             relation=body.relation, ttl_seconds=settings().family_invitation_ttl_seconds)
    db.session().commit()
    return ok(InvitationOut(code=code, expires_at=invitation.expires_at, scopes=invitation.scopes,
                            qr_payload=f"{settings().public_base_url}/family/accept?code={code}"), status=201)


@bp.post("/family/invitations/<code>/accept", tags=[FAMILY_TAG], responses={200: AcceptOut}, security=BEARER)
def accept_invitation(path: InvitationPath) -> Response:
    """A family member accepts an invitation code."""
    actor = current_actor()
    link = family_service.accept(db_session=db.session(), code=path.code, member_id=actor.patient_id, channel=actor.platform)
    _audit_link("create", link, actor.patient_id or "")
    db.session().commit()
    return ok(AcceptOut(link_id=link.id, patient_id=link.patient_id, scopes=list(link.scopes)))


@bp.get("/family/links", tags=[FAMILY_TAG], responses={200: LinkList}, security=BEARER)
def list_links() -> Response:
    """Links where I am the patient or the family member."""
    actor = current_actor()
    links = family_service.links_of(db_session=db.session(), patient_id=actor.patient_id or "")
    return ok(LinkList(items=[_link_out(link, actor.patient_id or "") for link in links]))


@bp.patch("/family/links/<link_id>", tags=[FAMILY_TAG], responses={200: LinkOut}, security=BEARER)
def change_link_scopes(path: LinkPath, body: ScopesIn) -> Response:
    """The patient changes what a family member may see."""
    actor = current_actor()
    link = family_service.change_scopes(db_session=db.session(), link_id=path.link_id, patient_id=actor.patient_id or "",
                                        scopes=list(body.scopes))
    _audit_link("update", link, actor.patient_id or "")
    db.session().commit()
    return ok(_link_out(link, actor.patient_id or ""))


@bp.post("/family/links/<link_id>/confirm", tags=[FAMILY_TAG], responses={200: LinkOut}, security=BEARER)
def confirm_link(path: LinkPath) -> Response:
    """A patient registered by a family member confirms that family member."""
    actor = current_actor()
    link = family_service.confirm(db_session=db.session(), link_id=path.link_id, patient_id=actor.patient_id or "")
    _audit_link("update", link, actor.patient_id or "")
    db.session().commit()
    return ok(_link_out(link, actor.patient_id or ""))


@bp.delete("/family/links/<link_id>", tags=[FAMILY_TAG], responses={204: None}, security=BEARER)
def revoke_link(path: LinkPath) -> Response:
    """Either side ends the link; access ends at once."""
    actor = current_actor()
    link = family_service.revoke(db_session=db.session(), link_id=path.link_id, patient_id=actor.patient_id or "")
    _audit_link("delete", link, actor.patient_id or "")
    db.session().commit()
    return ok()


@bp.post("/family/dependents", tags=[FAMILY_TAG], responses={201: DependentOut}, security=BEARER)
def register_dependent(body: DependentIn) -> Response:
    """Registers an elderly relative who cannot use the phone; they confirm at their first login."""
    actor = current_actor()
    patient, link = family_service.register_dependent(
        db_session=db.session(), member_id=actor.patient_id or "", name=body.name, phone=body.phone, relation=body.relation,
        scopes=list(body.scopes), id_number=body.id_number, policy_version=settings().privacy_policy_version)
    _audit_link("create", link, actor.patient_id or "")
    db.session().commit()
    return ok(DependentOut(patient=patient_out(patient), link_id=link.id, scopes=list(link.scopes)), status=201)
