"""Satisfaction surveys: the patient answers in the mini-program or by texting a score back; once is enough."""

from __future__ import annotations

from care.models import Occurrence, SurveyAnswer
from tests.care.helpers import cycle, local, once, patient, refresh, rows
from tests.conftest import SMS_UP_TOKEN


def _survey_sent(app, phones, staff, clock):  # type: ignore[no-untyped-def]
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    survey = once("satisfaction", 0, "10:00", kind="survey", title="就诊满意度",
                  content="{name}，您对这次就诊满意吗？请回复1-5分（5分最满意）。", channels=["sms"])
    staff.assign(elder.patient_id, staff.template(survey))
    clock.to(local(2026, 11, 24, 10, 0, 5))
    cycle(app)
    [occurrence] = rows(app, Occurrence, Occurrence.kind == "survey")
    return elder, occurrence.id


def test_answer_in_the_mini_program_is_stored_once_and_confirms_the_reminder(app, phones, staff, clock):
    elder, reminder_id = _survey_sent(app, phones, staff, clock)
    refresh(elder)
    first = elder.post(f"/api/v1/reminders/{reminder_id}/survey", json={"score": 4, "comment": "护士很耐心，就是排队久了点"})
    again = elder.post(f"/api/v1/reminders/{reminder_id}/survey", json={"score": 1})

    assert first.status_code == 200, first.get_json()
    assert first.get_json()["score"] == 4 and again.get_json()["score"] == 4  # the first answer counts
    [answer] = rows(app, SurveyAnswer)
    assert answer.comment == "护士很耐心，就是排队久了点" and answer.channel == "mini_program"
    assert rows(app, Occurrence, Occurrence.state == "acknowledged")[0].id == reminder_id


def test_a_score_texted_back_answers_the_survey(app, client, phones, staff, clock):
    elder, reminder_id = _survey_sent(app, phones, staff, clock)
    report = {"phone_number": elder.phone, "content": "5分", "sequence_id": 9001}
    assert client.post(f"/api/v1/callbacks/aliyun/sms-up/{SMS_UP_TOKEN}", json=[report]).get_json()["code"] == 0
    [answer] = rows(app, SurveyAnswer)
    assert (answer.occurrence_id, answer.score, answer.channel) == (reminder_id, 5, "sms")


def test_bad_scores_and_other_peoples_surveys_are_refused(app, phones, staff, clock):
    elder, reminder_id = _survey_sent(app, phones, staff, clock)
    refresh(elder)
    for body in ({"score": 0}, {"score": 6}, {"score": "5"}, {}):
        response = elder.post(f"/api/v1/reminders/{reminder_id}/survey", json=body)
        assert response.status_code == 422, body
    stranger = patient(app, phones)
    assert stranger.post(f"/api/v1/reminders/{reminder_id}/survey", json={"score": 5}).status_code == 404
    assert rows(app, SurveyAnswer) == []
