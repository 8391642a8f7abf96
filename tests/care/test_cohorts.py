"""Cohorts: tags, a plan for everyone with a tag, education pushes that respect opt-outs, the weekly limit and
quiet hours."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.care.helpers import cycle, local, medication, patient, rows


def _tagged(app, phones, staff, tags, team_id=None):  # type: ignore[no-untyped-def]
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, team_id or staff.team_id)
    if team_id is None:
        response = staff.put(f"/api/v1/staff/patients/{elder.patient_id}/tags", json={"tags": tags})
        assert response.status_code == 200, response.get_json()
    return elder


def _headers(session):  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {session.tokens['access']}"}


def test_tags_are_replaced_and_read_back(app, phones, staff, clock):
    elder = _tagged(app, phones, staff, ["高血压", "糖尿病"])
    assert staff.get(f"/api/v1/staff/patients/{elder.patient_id}/tags").get_json() == {"tags": ["糖尿病", "高血压"]}
    staff.put(f"/api/v1/staff/patients/{elder.patient_id}/tags", json={"tags": ["高血压"]})
    assert staff.get(f"/api/v1/staff/patients/{elder.patient_id}/tags").get_json() == {"tags": ["高血压"]}


def test_a_plan_for_a_whole_cohort_reaches_only_my_patients_with_the_tag_and_only_once(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    hypertensive = [_tagged(app, phones, staff, ["高血压"]) for _ in range(2)]
    diabetic = _tagged(app, phones, staff, ["糖尿病"])
    template = staff.template(medication(channels=["sms"]))

    first = staff.post("/api/v1/staff/cohort-plans", json={"tag": "高血压", "template_id": template})
    again = staff.post("/api/v1/staff/cohort-plans", json={"tag": "高血压", "template_id": template})

    assert first.get_json() == {"cohort": 2, "assigned": 2, "already_on_plan": 0}
    assert again.get_json() == {"cohort": 2, "assigned": 0, "already_on_plan": 2}
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    for elder in hypertensive:
        assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]
    assert platform.messages(diabetic.phone) == []


def test_patients_of_another_team_are_not_in_my_cohort(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))  # daytime: a push made in quiet hours waits for the morning
    other_team = factories.hospital_with_teams(app, "骨科康复组")["骨科康复组"]
    stranger = _tagged(app, phones, staff, [], team_id=other_team)
    with app.app_context():
        from care.models import PatientTag
        from core import db

        db.session().add(PatientTag(patient_id=stranger.patient_id, tag="高血压", created_by="test"))
        db.session().commit()
    mine = _tagged(app, phones, staff, ["高血压"])

    response = staff.post("/api/v1/staff/pushes", json={"tag": "高血压", "title": "冬季血压管理", "content": "天冷了，早晚量一次血压。",
                                                        "channels": ["sms"]})
    assert response.status_code == 201
    assert response.get_json()["counts"]["cohort"] == 1
    cycle(app)
    assert platform.messages(stranger.phone) == []
    assert len(platform.messages(mine.phone)) == 1
    assert staff.get(f"/api/v1/staff/patients/{stranger.patient_id}/tags").status_code == 404


def test_push_skips_patients_who_opted_out_and_those_over_the_weekly_limit(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    keen, unwilling = _tagged(app, phones, staff, ["高血压"]), _tagged(app, phones, staff, ["高血压"])
    platform.grant(keen.openid, long_term=True)
    off = unwilling.client.put("/api/v1/me/message-preferences", json={"education": False}, headers=_headers(unwilling))
    assert off.get_json() == {"education": False}
    assert unwilling.client.get("/api/v1/me/message-preferences", headers=_headers(unwilling)).get_json() == {"education": False}

    counts = []
    for n in range(3):
        response = staff.post("/api/v1/staff/pushes", json={"tag": "高血压", "title": f"健康小课堂{n + 1}",
                                                            "content": "少吃盐，每天不超过5克。", "link": "https://example.org/a"})
        assert response.status_code == 201, response.get_json()
        counts.append(response.get_json()["counts"])
    cycle(app)

    assert counts[0] == {"cohort": 2, "queued": 1, "opted_out": 1, "rate_limited": 0}
    assert counts[2] == {"cohort": 2, "queued": 0, "opted_out": 1, "rate_limited": 1}  # two a week at most
    titles = sorted(m["params"]["thing1"]["value"] for m in platform.messages(keen.openid))
    assert titles == ["健康小课堂1", "健康小课堂2"]
    assert platform.messages(unwilling.openid) == [] and platform.messages(unwilling.phone) == []
    listed = staff.get("/api/v1/staff/pushes").get_json()["pushes"]
    assert [p["title"] for p in listed][:3] == ["健康小课堂3", "健康小课堂2", "健康小课堂1"]


def test_opting_out_after_the_push_was_queued_still_stops_it(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 22, 0))  # quiet hours: the push waits for the morning
    elder = _tagged(app, phones, staff, ["高血压"])
    staff.post("/api/v1/staff/pushes", json={"tag": "高血压", "title": "通知", "content": "下周一门诊停诊一天。", "channels": ["sms"]})
    elder.client.put("/api/v1/me/message-preferences", json={"education": False}, headers=_headers(elder))
    clock.to(local(2026, 11, 25, 7, 31))
    cycle(app)
    assert platform.messages(elder.phone) == []


def test_a_push_in_quiet_hours_arrives_in_the_morning(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 22, 0))
    elder = _tagged(app, phones, staff, ["高血压"])
    staff.post("/api/v1/staff/pushes", json={"tag": "高血压", "title": "通知", "content": "下周一门诊停诊一天。", "channels": ["sms"]})
    cycle(app)
    assert platform.messages(elder.phone) == []
    clock.to(local(2026, 11, 25, 7, 30) + timedelta(seconds=5))
    cycle(app)
    assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]


def test_bad_pushes_get_a_clear_error_and_patients_cannot_push(app, phones, staff, clock):
    elder = _tagged(app, phones, staff, ["高血压"])
    for body in ({"tag": "高血压", "title": "一" * 21, "content": "x"},
                 {"tag": "高血压", "title": "通知", "content": "x", "link": "http://example.org"},
                 {"tag": "", "title": "通知", "content": "x"},
                 {"tag": "高血压", "title": "通知", "content": "x", "channels": ["fax"]}):
        response = staff.post("/api/v1/staff/pushes", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["code"]
    as_patient = elder.client.post("/api/v1/staff/pushes", headers=_headers(elder),
                                   json={"tag": "高血压", "title": "通知", "content": "x"})
    assert as_patient.status_code == 403
    assert staff.get("/api/v1/staff/pushes").get_json() == {"pushes": []}


def test_the_longest_tag_a_cohort_can_have_works_for_plans_and_pushes(app, phones, staff, clock):
    """The audit row names the tag (cohort_plan:<tag>); with a 32-character tag it outgrew its column on PostgreSQL."""
    from identity.models import AuditLog

    tag = "二型糖尿病合并高血压" * 3 + "随访"  # 32 characters, the most a tag may have
    _tagged(app, phones, staff, [tag])
    template = staff.template(medication(channels=["sms"]))
    plan = staff.post("/api/v1/staff/cohort-plans", json={"tag": tag, "template_id": template})
    assert plan.status_code == 200, plan.get_json()
    assert plan.get_json()["assigned"] == 1
    push = staff.post("/api/v1/staff/pushes", json={"tag": tag, "title": "控糖小课堂", "content": "主食定量，少喝甜饮料。"})
    assert push.status_code == 201, push.get_json()
    audited = {a.resource for a in rows(app, AuditLog, AuditLog.actor_type == "staff")}
    assert {f"cohort_plan:{tag}", f"push:{tag}"} <= audited
