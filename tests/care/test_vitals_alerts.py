"""Out-of-range readings: a tip to the patient, a task for the team, or an emergency for patient, family and staff."""

from __future__ import annotations

from care.models import VitalReading
from tests import factories
from tests.care.helpers import drain, local, patient, rows


def _link(elder, relative, scopes):  # type: ignore[no-untyped-def]
    invitation = elder.post("/api/v1/family/invitations", json={"scopes": scopes, "relation": "子女"})
    assert relative.post(f"/api/v1/family/invitations/{invitation.get_json()['code']}/accept").status_code == 200


def _bp(session, systolic, diastolic):  # type: ignore[no-untyped-def]
    return session.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": systolic, "diastolic": diastolic})


def test_mildly_high_blood_pressure_gets_a_gentle_tip_and_no_staff_task(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    elder = patient(app, phones)
    response = _bp(elder, 145, 92)
    assert response.status_code == 201
    assert response.get_json()["alert"] == {"tier": "mild", "direction": "high", "reading": "血压 145/92 mmHg"}
    drain(app)
    tip = platform.messages(elder.phone, "sms")  # no WeChat subscription credit: SMS
    assert len(tip) == 1
    assert tip[0]["params"]["detail"].startswith("王阿姨，您刚测的血压 145/92 mmHg 有点偏高。请坐下放松休息")
    assert staff.tasks() == []


def test_mild_tip_at_night_waits_until_morning(app, phones, clock, platform):
    clock.to(local(2026, 11, 24, 23, 0))
    elder = patient(app, phones)
    assert _bp(elder, 145, 92).get_json()["alert"]["tier"] == "mild"
    drain(app)
    assert platform.messages(elder.phone) == []
    reminders = elder.get("/api/v1/plans").get_json()["reminders"]
    assert [(r["kind"], r["due_at"]) for r in reminders] == [("vitals_tip", "2026-11-24T23:30:00Z")]  # 07:30 local


def test_moderately_high_blood_pressure_raises_a_high_priority_task_for_the_team(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, staff.team_id)
    assert _bp(elder, 165, 102).get_json()["alert"]["tier"] == "moderate"
    drain(app)
    tasks = staff.tasks()
    assert [(t["kind"], t["priority"], t["title"]) for t in tasks] == [
        ("vitals_alert", "high", "血压 165/102 mmHg 偏高，请联系患者")]
    assert platform.messages(elder.phone) == []


def test_severe_reading_alerts_patient_consenting_family_and_staff_at_once_even_at_night(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 23, 40))
    elder = patient(app, phones)
    daughter = patient(app, phones, name="李娜", birth_year=1985)
    other = patient(app, phones, name="张强", gender="男", birth_year=1980)
    _link(elder, daughter, ["plans"])
    _link(elder, other, ["vitals"])
    factories.assign(app, elder.patient_id, staff.team_id)

    assert _bp(elder, 192, 121).get_json()["alert"]["tier"] == "severe"
    drain(app)
    to_patient = platform.messages(elder.phone, "sms")
    assert len(to_patient) == 1 and "偏高很多" in to_patient[0]["params"]["detail"]
    assert "120" in to_patient[0]["params"]["detail"]
    to_daughter = platform.messages(daughter.phone, "sms")
    assert len(to_daughter) == 1 and to_daughter[0]["params"]["detail"].startswith("【紧急】您的家人王阿姨刚测的血压 192/121 mmHg 偏高很多")
    assert platform.messages(other.phone) == []
    tasks = staff.tasks()
    assert [(t["kind"], t["priority"]) for t in tasks] == [("phone_call", "urgent")]


def test_per_patient_thresholds_by_condition_and_custom_rules(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, staff.team_id)
    glucose = {"kind": "glucose", "value": 8.0, "context": "fasting"}
    assert elder.post("/api/v1/vitals", json=glucose).get_json()["alert"]["tier"] == "mild"
    custom = {"condition": "diabetes", "thresholds": {"glucose": [
        {"metric": "value", "direction": "high", "context": "fasting", "mild": 8.5, "moderate": 11.0, "severe": 16.7}]}}
    response = staff.put(f"/api/v1/staff/patients/{elder.patient_id}/vital-thresholds", json=custom)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["thresholds"]["glucose"]["source"] == "patient"
    assert elder.post("/api/v1/vitals", json=glucose).get_json()["alert"] is None
    assert elder.post("/api/v1/vitals", json={**glucose, "value": 12.0}).get_json()["alert"]["tier"] == "moderate"
    wrong_order = {"thresholds": {"glucose": [
        {"metric": "value", "direction": "high", "mild": 12.0, "moderate": 10.0, "severe": 16.7}]}}
    assert staff.put(f"/api/v1/staff/patients/{elder.patient_id}/vital-thresholds", json=wrong_order).status_code == 422


def test_invalid_reading_is_still_rejected_and_nothing_is_stored_or_sent(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    elder = patient(app, phones)
    response = _bp(elder, 80, 120)  # systolic below diastolic: a typo, not an emergency
    assert response.status_code == 422
    assert elder.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": 400, "diastolic": 90}).status_code == 422
    drain(app)
    assert rows(app, VitalReading, VitalReading.patient_id == elder.patient_id) == []
    assert platform.messages(elder.phone) == [] and staff.tasks() == []


def test_home_device_posts_readings_with_its_own_key(app, phones, staff, clock, platform, client):
    clock.to(local(2026, 11, 24, 10, 0))
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, staff.team_id)
    device = staff.post(f"/api/v1/staff/patients/{elder.patient_id}/devices", json={"label": "欧姆龙血压计"})
    assert device.status_code == 201
    key = device.get_json()["device_key"]
    reading = {"kind": "blood_pressure", "systolic": 128, "diastolic": 82}
    stored = client.post("/api/v1/devices/readings", json=reading, headers={"X-Device-Key": key})
    assert stored.status_code == 201 and stored.get_json()["source"] == "device"
    assert client.post("/api/v1/devices/readings", json=reading, headers={"X-Device-Key": key + "x"}).status_code == 401
    assert [r["systolic"] for r in elder.get("/api/v1/vitals").get_json()["items"]] == [128]
