"""Plans reach patients on time in Shanghai time: across days and months, outside quiet hours, as changed."""

from __future__ import annotations

from datetime import UTC, datetime

from care.models import Occurrence
from tests.care.helpers import cycle, local, medication, once, patient, refresh, rows


def test_daily_medication_reminder_arrives_at_eight_shanghai_time_across_the_month_end(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 30, 7, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, long_term=True)
    staff.assign(elder.patient_id, staff.template(medication()))

    clock.to(local(2026, 11, 30, 7, 59, 50))
    cycle(app)
    assert platform.messages(elder.openid) == []

    clock.to(local(2026, 11, 30, 8, 0, 3))
    cycle(app)
    first = platform.messages(elder.openid)
    assert len(first) == 1
    assert first[0]["channel"] == "wechat.subscribe"
    assert first[0]["params"]["thing1"]["value"] == "吃降压药"
    assert first[0]["params"]["time2"]["value"] == "11月30日 08:00"
    assert first[0]["params"]["thing3"]["value"].startswith("王阿姨，该吃降压药了")

    clock.to(local(2026, 12, 1, 8, 0, 3))  # next day, next month
    cycle(app)
    assert [m["params"]["time2"]["value"] for m in platform.messages(elder.openid)] == ["12月1日 08:00", "11月30日 08:00"]

    refresh(elder)
    reminders = elder.get("/api/v1/plans").get_json()["reminders"]
    due = [(r["due_at"], r["state"]) for r in reminders[:3]]
    assert due == [("2026-11-30T00:00:00Z", "sent"), ("2026-12-01T00:00:00Z", "sent"), ("2026-12-02T00:00:00Z", "pending")]


def test_reminder_due_in_quiet_hours_waits_for_the_morning_but_an_emergency_does_not(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 9, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, long_term=True)
    template = staff.template(once("evening_call", 0, "22:00"),
                              once("urgent_check", 0, "22:00", title="紧急复查", emergency=True))
    staff.assign(elder.patient_id, template)
    reminders = {r["title"]: r["due_at"] for r in elder.get("/api/v1/plans").get_json()["reminders"]}
    assert reminders == {"电话随访": "2026-11-24T23:30:00Z", "紧急复查": "2026-11-24T14:00:00Z"}  # 07:30 and 22:00 local

    clock.to(local(2026, 11, 24, 22, 0, 5))
    cycle(app)
    assert [m["params"]["thing1"]["value"] for m in platform.messages(elder.openid)] == ["紧急复查"]

    clock.to(local(2026, 11, 25, 7, 30, 5))
    cycle(app)
    assert [m["params"]["thing1"]["value"] for m in platform.messages(elder.openid)] == ["电话随访", "紧急复查"]


def test_changing_a_plan_moves_future_reminders_only_and_pause_stops_them(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, long_term=True)
    plan = staff.assign(elder.patient_id, staff.template(medication()))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)

    clock.to(local(2026, 11, 24, 12, 0))
    staff.login()
    changed = staff.patch(f"/api/v1/staff/plans/{plan['id']}", json={"nodes": [medication(rule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0")]})
    assert changed.status_code == 200, changed.get_json()
    refresh(elder)
    reminders = [(r["due_at"], r["state"]) for r in elder.get("/api/v1/plans").get_json()["reminders"][:3]]
    assert reminders == [("2026-11-24T00:00:00Z", "sent"), ("2026-11-25T01:00:00Z", "pending"), ("2026-11-26T01:00:00Z", "pending")]

    clock.to(local(2026, 11, 25, 9, 0, 5))
    cycle(app)
    assert len(platform.messages(elder.openid)) == 2

    clock.to(local(2026, 11, 25, 10, 0))
    staff.login()
    assert staff.post(f"/api/v1/staff/plans/{plan['id']}/pause").get_json()["status"] == "paused"
    clock.to(local(2026, 11, 26, 9, 0, 5))
    cycle(app)
    assert len(platform.messages(elder.openid)) == 2  # nothing while paused

    clock.to(local(2026, 11, 26, 10, 0))
    staff.login()
    assert staff.post(f"/api/v1/staff/plans/{plan['id']}/resume").get_json()["status"] == "active"
    clock.to(local(2026, 11, 27, 9, 0, 5))
    cycle(app)
    assert len(platform.messages(elder.openid)) == 3  # the missed day is not sent late; the next one is


def test_long_recurrence_is_planned_two_weeks_ahead_and_topped_up_by_the_scheduler(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, long_term=True)
    node = medication(rule="FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0")
    node["schedule"]["for_days"] = 90
    staff.assign(elder.patient_id, staff.template(node))

    def last_due() -> datetime:
        return max(o.due_at for o in rows(app, Occurrence, Occurrence.patient_id == elder.patient_id))

    assert last_due() == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 20:00 local on day 14
    clock.to(local(2026, 12, 1, 7, 0))
    cycle(app)  # the hourly top-up runs with this tick
    assert last_due() == datetime(2026, 12, 14, 12, 0, tzinfo=UTC)


def test_hospital_edits_a_template_without_code_and_rejects_broken_schedules(staff):
    template_id = staff.template(medication())
    edited = staff.put(f"/api/v1/staff/plan-templates/{template_id}",
                       json={"name": "高血压用药（新版）", "nodes": [medication(rule="FREQ=DAILY;BYHOUR=7;BYMINUTE=30")]})
    assert edited.status_code == 200 and edited.get_json()["version"] == 2
    broken = staff.post("/api/v1/staff/plan-templates",
                        json={"name": "坏的", "nodes": [medication(rule="FREQ=SOMETIMES")]})
    assert broken.status_code == 422
    bad_cron = staff.post("/api/v1/staff/plan-templates", json={"name": "坏的", "nodes": [
        {**medication(), "schedule": {"type": "cron", "expr": "61 8 * * *"}}]})
    assert bad_cron.status_code == 422


def test_cancelling_a_plan_stops_its_reminders_and_any_escalation_under_way(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    platform.grant(elder.openid, long_term=True)
    plan = staff.assign(elder.patient_id, staff.template(medication(escalation=[{"action": "sms", "after_minutes": 30}])))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    assert len(platform.messages(elder.openid)) == 1

    clock.to(local(2026, 11, 24, 8, 10))
    assert staff.post(f"/api/v1/staff/plans/{plan['id']}/cancel").get_json()["status"] == "cancelled"
    for when in (local(2026, 11, 24, 8, 31), local(2026, 11, 25, 8, 0, 5)):
        clock.to(when)
        cycle(app)
    assert len(platform.messages(elder.openid)) == 1
    assert platform.messages(elder.phone) == []
    refresh(elder)
    assert elder.get("/api/v1/plans").get_json() == {"plans": [], "reminders": []}
