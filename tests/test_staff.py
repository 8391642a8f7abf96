"""Staff: argon2 login with throttling; a health manager sees only their team's patients."""

from __future__ import annotations

import pytest

from tests import factories
from tests.test_family_access import BP


@pytest.fixture
def hospital(app, phones):  # type: ignore[no-untyped-def]
    ids = factories.hospital_with_teams(app, "心内科随访组", "内分泌随访组")
    for username, role, team in (("hm_cardio", "health_manager", "心内科随访组"), ("hm_endo", "health_manager", "内分泌随访组"),
                                 ("dr_cardio", "doctor", "心内科随访组"), ("boss", "admin", None)):
        factories.staff_user(app, hospital_id=ids["hospital"], username=username, role=role, team_id=ids.get(team or ""))
    cardio_patient, endo_patient = phones.patient(), phones.patient()
    cardio_patient.post("/api/v1/vitals", json=BP)
    factories.assign(app, cardio_patient.patient_id, ids["心内科随访组"])
    factories.assign(app, endo_patient.patient_id, ids["内分泌随访组"])
    return {"cardio": cardio_patient.patient_id, "endo": endo_patient.patient_id}


def _token(client, username):  # type: ignore[no-untyped-def]
    response = factories.staff_login(client, username)
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_health_manager_sees_only_their_teams_patients(client, hospital):
    headers = _token(client, "hm_cardio")
    caseload = client.get("/api/v1/staff/patients", headers=headers).get_json()["items"]
    assert [p["id"] for p in caseload] == [hospital["cardio"]]
    assert "****" in caseload[0]["phone"]
    assert client.get(f"/api/v1/staff/patients/{hospital['cardio']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/patients/{hospital['cardio']}/vitals", headers=headers).status_code == 200
    assert client.get(f"/api/v1/staff/patients/{hospital['endo']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/patients/{hospital['endo']}/vitals", headers=headers).status_code == 404


def test_admin_sees_everyone_and_doctor_sees_their_team(client, hospital):
    admin = client.get("/api/v1/staff/patients", headers=_token(client, "boss")).get_json()["items"]
    assert sorted(p["id"] for p in admin) == sorted(hospital.values())
    doctor = client.get("/api/v1/staff/patients", headers=_token(client, "dr_cardio")).get_json()["items"]
    assert [p["id"] for p in doctor] == [hospital["cardio"]]


def test_wrong_password_then_lockout_even_for_the_right_password(client, hospital, app):
    limit = app.config["SETTINGS"].staff_login_max_failures
    for _ in range(limit):
        response = factories.staff_login(client, "hm_cardio", "wrong")
        assert response.status_code == 401
        assert response.get_json()["error"]["message"] == "用户名或密码不对。"
    locked = factories.staff_login(client, "hm_cardio")
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "too_many_login_attempts"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, hospital):
    unknown = factories.staff_login(client, "nobody", "whatever").get_json()["error"]
    wrong = factories.staff_login(client, "hm_endo", "whatever").get_json()["error"]
    assert (unknown["code"], unknown["message"]) == (wrong["code"], wrong["message"])


def test_staff_reads_are_audited(client, hospital, app):
    from sqlalchemy import select

    from core import db
    from identity.models import AuditLog

    client.get(f"/api/v1/staff/patients/{hospital['cardio']}", headers=_token(client, "hm_cardio"))
    with app.app_context():
        rows = db.session().scalars(select(AuditLog).where(AuditLog.patient_id == hospital["cardio"],
                                                           AuditLog.actor_type == "staff")).all()
        assert len(rows) == 1 and rows[0].action == "read" and rows[0].ip == "127.0.0.1"
