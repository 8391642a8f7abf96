"""Family members see exactly what was granted, nothing after revocation; every view is audited."""

from __future__ import annotations

from sqlalchemy import select

from identity.models import AuditLog, Consent
from tests.phone import new_phone

BP = {"kind": "blood_pressure", "systolic": 150, "diastolic": 95}


def _link(elder, child, scopes):  # type: ignore[no-untyped-def]
    invitation = elder.post("/api/v1/family/invitations", json={"scopes": scopes, "relation": "子女"})
    assert invitation.status_code == 201, invitation.get_json()
    accepted = child.post(f"/api/v1/family/invitations/{invitation.get_json()['code']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    return accepted.get_json()


def _audit_rows(app, patient_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        from core import db

        query = select(AuditLog).where(AuditLog.patient_id == patient_id, AuditLog.resource == "vitals")
        return db.session().scalars(query).all()


def test_family_member_with_vitals_scope_sees_vitals_and_is_audited(phones, app):
    elder, child = phones.patient(), phones.patient()
    assert elder.post("/api/v1/vitals", json=BP).status_code == 201
    link = _link(elder, child, ["vitals"])
    assert link["patient_id"] == elder.patient_id and link["scopes"] == ["vitals"]

    seen = child.get(f"/api/v1/patients/{elder.patient_id}/vitals")
    assert seen.status_code == 200
    assert [(r["systolic"], r["diastolic"]) for r in seen.get_json()["items"]] == [(150, 95)]
    reads = [row for row in _audit_rows(app, elder.patient_id) if row.action == "read"]
    assert [(r.actor_type, r.actor_id) for r in reads] == [("family", child.patient_id)]


def test_family_member_without_vitals_scope_sees_nothing(phones):
    elder, child = phones.patient(), phones.patient()
    elder.post("/api/v1/vitals", json=BP)
    _link(elder, child, ["plans", "messages"])
    response = child.get(f"/api/v1/patients/{elder.patient_id}/vitals")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_revocation_ends_access_at_once_and_withdraws_consent(phones, app):
    elder, child = phones.patient(), phones.patient()
    link = _link(elder, child, ["vitals"])
    assert child.get(f"/api/v1/patients/{elder.patient_id}/vitals").status_code == 200
    assert elder.delete(f"/api/v1/family/links/{link['link_id']}").status_code == 204
    assert child.get(f"/api/v1/patients/{elder.patient_id}/vitals").status_code == 404
    assert child.get("/api/v1/family/links").get_json()["items"] == []
    with app.app_context():
        from core import db

        consent = db.session().scalar(select(Consent).where(Consent.family_link_id == link["link_id"]))
        assert consent.scopes == ["vitals"] and consent.granted_at is not None and consent.withdrawn_at is not None


def test_patient_narrows_scopes_and_access_follows(phones):
    elder, child = phones.patient(), phones.patient()
    link = _link(elder, child, ["vitals", "plans"])
    changed = elder.patch(f"/api/v1/family/links/{link['link_id']}", json={"scopes": ["plans"]})
    assert changed.status_code == 200 and changed.get_json()["scopes"] == ["plans"]
    assert child.get(f"/api/v1/patients/{elder.patient_id}/vitals").status_code == 404
    # Only the patient decides what is shared: the family member cannot widen it.
    widen = child.patch(f"/api/v1/family/links/{link['link_id']}", json={"scopes": ["vitals", "plans"]})
    assert widen.status_code == 404


def test_invitation_is_single_use_and_not_for_oneself(phones):
    elder, child, stranger = phones.patient(), phones.patient(), phones.patient()
    code = elder.post("/api/v1/family/invitations", json={"scopes": ["vitals"], "relation": "配偶"}).get_json()["code"]
    own = elder.post(f"/api/v1/family/invitations/{code}/accept")
    assert own.status_code == 409
    assert child.post(f"/api/v1/family/invitations/{code}/accept").status_code == 200
    again = stranger.post(f"/api/v1/family/invitations/{code}/accept")
    assert again.status_code == 404
    assert "邀请码" in again.get_json()["error"]["message"]


def test_family_member_registers_elderly_parent_who_confirms_later(phones):
    child = phones.patient()
    parent_phone = new_phone()
    registered = child.post("/api/v1/family/dependents", json={
        "name": "张桂兰", "phone": parent_phone, "relation": "母亲", "scopes": ["vitals", "plans"]})
    assert registered.status_code == 201, registered.get_json()
    parent_id = registered.get_json()["patient"]["id"]
    assert child.get(f"/api/v1/patients/{parent_id}/vitals").status_code == 200

    parent = phones.wechat(parent_phone)  # the parent's own first login, with their verified phone
    assert parent.patient_id == parent_id
    pending = parent.get("/api/v1/me").get_json()["pending_family_confirmations"]
    assert [(p["member_id"], p["relation"]) for p in pending] == [(child.patient_id, "母亲")]
    confirmed = parent.post(f"/api/v1/family/links/{pending[0]['link_id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["needs_patient_confirmation"] is False
    assert parent.get("/api/v1/me").get_json()["pending_family_confirmations"] == []


def test_registering_an_existing_patient_as_a_dependent_is_refused(phones):
    existing_phone = new_phone()
    phones.patient(existing_phone)
    child = phones.patient()
    response = child.post("/api/v1/family/dependents", json={
        "name": "李建国", "phone": existing_phone, "relation": "父亲", "scopes": ["vitals"]})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "patient_exists"
