"""“药吃过了” in chat confirms the medication reminder the patient is answering, and its escalation stops."""

from __future__ import annotations

from care.models import Occurrence
from tests.care.helpers import cycle, local, medication, patient, refresh, rows


def _say(elder, text):  # type: ignore[no-untyped-def]
    response = elder.post("/api/v1/chat/messages", json={"text": text})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reply"]


def test_saying_the_medicine_was_taken_confirms_the_reminder_and_stops_the_sms(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    staff.assign(elder.patient_id, staff.template(
        medication(channels=["wechat_subscribe"], escalation=[{"action": "sms", "after_minutes": 30}])))
    platform.grant(elder.openid, long_term=True)
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    clock.to(local(2026, 11, 24, 8, 12))
    refresh(elder)

    reply = _say(elder, "药吃过了")

    assert "08:00" in reply and "吃降压药" in reply
    [done] = rows(app, Occurrence, Occurrence.state == "acknowledged")
    assert done.acknowledged_by == elder.patient_id
    clock.to(local(2026, 11, 24, 8, 45))
    cycle(app)
    assert platform.messages(elder.phone) == []  # no SMS escalation


def test_nothing_due_is_said_plainly_and_confirms_nothing(app, phones, staff, clock):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    staff.assign(elder.patient_id, staff.template(medication(rule="FREQ=DAILY;BYHOUR=20;BYMINUTE=0")))
    reply = _say(elder, "我吃过药了")
    assert "没有等您确认" in reply
    assert rows(app, Occurrence, Occurrence.state == "acknowledged") == []
