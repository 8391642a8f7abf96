"""Unacknowledged reminders escalate step by step; acknowledging stops it; family only with consent."""

from __future__ import annotations

from datetime import timedelta

from care.models import Occurrence
from tests.care.helpers import cycle, local, medication, patient, refresh, rows

CHAIN = [
    {"action": "remind", "after_minutes": 30},
    {"action": "sms", "after_minutes": 30},
    {"action": "voice", "after_minutes": 30},
    {"action": "family", "after_minutes": 30},
    {"action": "staff", "after_minutes": 30},
]


def _link(elder, relative, scopes):  # type: ignore[no-untyped-def]
    invitation = elder.post("/api/v1/family/invitations", json={"scopes": scopes, "relation": "子女"})
    assert invitation.status_code == 201, invitation.get_json()
    assert relative.post(f"/api/v1/family/invitations/{invitation.get_json()['code']}/accept").status_code == 200


def _reminder(app, elder) -> Occurrence:  # type: ignore[no-untyped-def]
    return min(rows(app, Occurrence, Occurrence.patient_id == elder.patient_id), key=lambda o: o.due_at)


def test_acknowledging_the_reminder_stops_the_escalation(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, credits=5)
    staff.assign(elder.patient_id, staff.template(medication(escalation=CHAIN)))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    assert len(platform.messages(elder.openid)) == 1

    clock.to(local(2026, 11, 24, 8, 10))
    refresh(elder)
    reminder = _reminder(app, elder)
    ack = elder.post(f"/api/v1/reminders/{reminder.id}/ack")
    assert ack.status_code == 200 and ack.get_json()["state"] == "acknowledged"
    assert elder.post(f"/api/v1/reminders/{reminder.id}/ack").status_code == 200  # twice is fine

    for minutes in (31, 61, 91, 121, 151):
        clock.to(local(2026, 11, 24, 8, 0, 5) + timedelta(minutes=minutes))
        cycle(app)
    assert len(platform.messages(elder.openid)) == 1
    assert platform.messages(elder.phone) == []
    assert staff.tasks() == []


def test_unacknowledged_reminder_escalates_remind_sms_voice_family_then_staff(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    daughter = patient(app, phones, name="李娜", birth_year=1985)
    neighbour_like = patient(app, phones, name="张强", gender="男", birth_year=1980)
    _link(elder, daughter, ["plans", "vitals"])
    _link(elder, neighbour_like, ["vitals"])  # may see vitals, but was not asked to follow the plan
    platform.grant(elder.openid, credits=2)
    staff.assign(elder.patient_id, staff.template(medication(escalation=CHAIN)))

    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    assert [m["params"]["thing3"]["value"][:6] for m in platform.messages(elder.openid)] == ["王阿姨，该吃"]

    clock.to(local(2026, 11, 24, 8, 30, 10))
    cycle(app)  # re-remind
    again = platform.messages(elder.openid)
    assert len(again) == 2 and again[0]["params"]["thing3"]["value"].startswith("再提醒一下")

    clock.to(local(2026, 11, 24, 9, 0, 15))
    cycle(app)  # SMS
    sms = platform.messages(elder.phone, "sms")
    assert len(sms) == 1 and sms[0]["params"] == {"name": "王阿姨", "time": "08:00", "item": "吃降压药"}

    clock.to(local(2026, 11, 24, 9, 30, 20))
    cycle(app)  # voice call
    calls = platform.messages(elder.phone, "voice")
    assert len(calls) == 1 and calls[0]["params"] == {"name": "王阿姨", "item": "吃降压药"}

    clock.to(local(2026, 11, 24, 10, 0, 25))
    cycle(app)  # family: the daughter has no WeChat subscription credit (43101), so SMS
    family = platform.messages(daughter.phone)
    assert [(m["channel"], m["params"]["name"]) for m in family] == [("sms", "王阿姨")]
    assert platform.messages(neighbour_like.phone) == [] and platform.messages(neighbour_like.openid) == []
    assert staff.tasks() == []

    clock.to(local(2026, 11, 24, 10, 30, 30))
    cycle(app)  # staff
    tasks = staff.tasks()
    assert [(t["kind"], t["priority"], t["patient_id"]) for t in tasks] == [("escalation", "high", elder.patient_id)]
    assert "吃降压药" in tasks[0]["title"]
    assert _reminder(app, elder).state == "unacknowledged"

    timeline = staff.get(f"/api/v1/staff/patients/{elder.patient_id}/timeline").get_json()["items"]
    chain = [(e["type"], e["detail"].get("action"), e["detail"].get("channel"), e["detail"].get("state"))
             for e in reversed(timeline) if e["type"] in ("delivery", "escalation", "staff_task")]
    assert chain == [
        ("delivery", "remind", "wechat_subscribe", "sent"),
        ("escalation", "remind", "wechat_subscribe", "sent"),
        ("escalation", "sms", "sms", "sent"),
        ("escalation", "voice", "voice", "sent"),
        ("escalation", "family", "wechat_subscribe", "failed"),
        ("escalation", "family", "sms", "sent"),
        ("staff_task", None, None, None),
    ]

    clock.to(local(2026, 11, 24, 11, 0))
    refresh(daughter)  # a late confirmation by the family still counts
    late = daughter.post(f"/api/v1/reminders/{_reminder(app, elder).id}/ack")
    assert late.status_code == 200 and late.get_json()["state"] == "acknowledged"


def test_family_member_without_plans_scope_cannot_acknowledge_or_see_plans(app, phones, staff, clock):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    relative = patient(app, phones, name="张强", gender="男", birth_year=1980)
    _link(elder, relative, ["vitals"])
    staff.assign(elder.patient_id, staff.template(medication()))
    clock.to(local(2026, 11, 24, 7, 30))
    refresh(relative)
    assert relative.get(f"/api/v1/patients/{elder.patient_id}/plans").status_code == 404
    assert relative.post(f"/api/v1/reminders/{_reminder(app, elder).id}/ack").status_code == 404
