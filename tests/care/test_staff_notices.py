"""The care team hears about urgent and high tasks on WeCom, once, without clinical detail in the notice."""

from __future__ import annotations

from sqlalchemy import update

from core import db
from identity.models import StaffUser
from tests import factories
from tests.care.helpers import cycle, local, patient


def _on_wecom(app, username="hm_wang", wecom_userid="WangJian"):  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session().execute(update(StaffUser).where(StaffUser.username == username).values(wecom_userid=wecom_userid))
        db.session().commit()


def _notices(platform, to="WangJian"):  # type: ignore[no-untyped-def]
    return [m for m in platform.messages(to) if m["channel"] == "wecom.message"]


def test_a_moderate_vitals_alert_buzzes_the_team_once_with_a_masked_name(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    _on_wecom(app)
    elder = patient(app, phones, name="王秀英")
    factories.assign(app, elder.patient_id, staff.team_id)
    assert elder.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": 165, "diastolic": 95}
                      ).get_json()["alert"]["tier"] == "moderate"
    cycle(app)
    cycle(app)

    [notice] = _notices(platform)
    assert "体征异常" in notice["content"] and "王**" in notice["content"]
    assert "王秀英" not in notice["content"] and "165" not in notice["content"]  # details stay in the console


def test_a_failed_notice_is_sent_on_the_next_run_and_normal_tasks_make_no_noise(app, client, phones, staff, clock,
                                                                                 platform):
    clock.to(local(2026, 11, 24, 10, 0))
    _on_wecom(app)
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, staff.team_id)
    platform.fault(endpoint="/wecom/cgi-bin/message/send", errcode=-1, times=1)  # WeCom busy
    elder.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": 165, "diastolic": 95})
    cycle(app)
    assert _notices(platform) == []
    clock.to(local(2026, 11, 24, 10, 1))
    cycle(app)
    assert len(_notices(platform)) == 1

    other = patient(app, phones)
    factories.assign(app, other.patient_id, staff.team_id)
    other.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": 145, "diastolic": 92})  # mild: no task
    cycle(app)
    assert len(_notices(platform)) == 1


def test_staff_of_another_team_are_not_told(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 10, 0))
    ids = factories.hospital_with_teams(app, "骨科康复组")
    factories.staff_user(app, hospital_id=ids["hospital"], username="hm_zhao", role="health_manager",
                         team_id=ids["骨科康复组"])
    _on_wecom(app, "hm_zhao", "ZhaoLei")
    elder = patient(app, phones)
    factories.assign(app, elder.patient_id, staff.team_id)
    elder.post("/api/v1/vitals", json={"kind": "blood_pressure", "systolic": 165, "diastolic": 95})
    cycle(app)
    assert _notices(platform, "ZhaoLei") == []
