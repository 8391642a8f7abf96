"""Patients answer our SMS: "1" confirms the reminder and stops the escalation, "TD" stops pushes, anything else
reaches the care team. Aliyun pushes replies as a JSON array and retries until it gets {"code": 0}."""

from __future__ import annotations

import itertools

from care.models import Occurrence
from tests.care.helpers import cycle, local, medication, patient, refresh, rows
from tests.conftest import SMS_UP_TOKEN

URL = f"/api/v1/callbacks/aliyun/sms-up/{SMS_UP_TOKEN}"
_sequence = itertools.count(1000)


def _reply(client, phone, content, sequence_id=None):  # type: ignore[no-untyped-def]
    report = {"phone_number": phone, "content": content, "send_time": "2026-11-24 08:03:00", "sign_name": "康伴",
              "dest_code": "", "sequence_id": sequence_id or next(_sequence)}
    return client.post(URL, json=[report])


def _reminder_sent_by_sms(app, phones, staff, clock, escalation=None):  # type: ignore[no-untyped-def]
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    staff.assign(elder.patient_id, staff.template(medication(channels=["sms"], escalation=escalation)))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    return elder


def test_replying_1_confirms_the_reminder_and_stops_the_escalation(app, client, phones, staff, clock, platform):
    elder = _reminder_sent_by_sms(app, phones, staff, clock, escalation=[{"action": "voice", "after_minutes": 30}])
    clock.to(local(2026, 11, 24, 8, 3))

    response = _reply(client, elder.phone, "１")  # a full-width digit, as some phones send it

    assert response.status_code == 200
    assert response.get_json() == {"code": 0, "msg": "成功"}
    [done] = rows(app, Occurrence, Occurrence.state == "acknowledged")
    assert done.acknowledged_by == elder.patient_id
    clock.to(local(2026, 11, 24, 9, 0))
    cycle(app)
    assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]  # no phone call followed


def test_other_replies_reach_the_care_team_once_even_when_aliyun_retries(app, client, phones, staff, clock):
    elder = _reminder_sent_by_sms(app, phones, staff, clock)
    clock.to(local(2026, 11, 24, 8, 5))
    for _ in range(2):
        assert _reply(client, elder.phone, "药吃完了，还要继续吃吗", sequence_id=77).status_code == 200

    [task] = [t for t in staff.tasks() if t["kind"] == "sms_reply"]
    assert "药吃完了" in task["title"]
    assert rows(app, Occurrence, Occurrence.state == "acknowledged") == []


def test_td_stops_education_pushes(app, client, phones, staff, clock):
    elder = _reminder_sent_by_sms(app, phones, staff, clock)
    _reply(client, elder.phone, "TD")
    refresh(elder)  # the mini-program, opened later
    prefs = elder.client.get("/api/v1/me/message-preferences",
                             headers={"Authorization": f"Bearer {elder.tokens['access']}"}).get_json()
    assert prefs == {"education": False}


def test_a_reply_from_an_unknown_number_is_accepted_and_changes_nothing(app, client, phones, staff, clock):
    _reminder_sent_by_sms(app, phones, staff, clock)
    assert _reply(client, "13700000000", "1").get_json() == {"code": 0, "msg": "成功"}
    assert rows(app, Occurrence, Occurrence.state == "acknowledged") == []


def test_the_callback_needs_its_secret_and_a_well_formed_report(client):
    wrong = client.post("/api/v1/callbacks/aliyun/sms-up/guess", json=[])
    assert wrong.status_code == 404 and wrong.get_json()["error"]["code"] == "not_found"
    malformed = client.post(URL, json=[{"phone_number": "13800138000"}])
    assert malformed.status_code == 422
    assert malformed.get_json()["error"]["code"]
