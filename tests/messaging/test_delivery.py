"""Every reminder is delivered exactly once: channel fallback, retries, re-run jobs, a lost Redis."""

from __future__ import annotations

from sqlalchemy import select

from care.models import Occurrence
from core import db
from core import redis as redis_ext
from messaging.models import Delivery
from tests.care.helpers import cycle, drain, local, medication, patient, rows

SUBSCRIBE = "/cgi-bin/message/subscribe/send"


def _attempts(app, elder):  # type: ignore[no-untyped-def]
    found = rows(app, Delivery, Delivery.patient_id == elder.patient_id)
    return [(d.channel, d.attempt, d.state, d.error_code) for d in sorted(found, key=lambda d: d.created_at)]


def _due_at_eight(app, phones, staff, clock, platform, **node):  # type: ignore[no-untyped-def]
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    staff.assign(elder.patient_id, staff.template(medication(**node)))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    return elder


def test_no_subscription_credit_43101_falls_back_to_sms(app, phones, staff, clock, platform):
    elder = _due_at_eight(app, phones, staff, clock, platform)
    cycle(app)
    assert platform.messages(elder.openid) == []
    assert [m["params"]["item"] for m in platform.messages(elder.phone, "sms")] == ["吃降压药"]
    assert _attempts(app, elder) == [("wechat_subscribe", 1, "failed", "43101"), ("sms", 1, "sent", None)]


def test_a_5xx_is_retried_with_backoff_then_delivered_on_the_same_channel(app, phones, staff, clock, platform):
    elder = _due_at_eight(app, phones, staff, clock, platform)
    platform.grant(elder.openid, long_term=True)
    platform.fault(endpoint=SUBSCRIBE, status=502, times=1)
    cycle(app)
    assert platform.messages(elder.openid) == []
    clock.advance(seconds=10)
    cycle(app)  # still inside the backoff
    assert platform.messages(elder.openid) == []
    clock.advance(seconds=30)
    cycle(app)
    assert len(platform.messages(elder.openid)) == 1
    assert platform.messages(elder.phone) == []
    assert [(c, a, s) for c, a, s, _ in _attempts(app, elder)] == [("wechat_subscribe", 1, "failed"), ("wechat_subscribe", 2, "sent")]


def test_a_platform_down_for_all_retries_falls_back_to_the_next_channel(app, phones, staff, clock, platform):
    elder = _due_at_eight(app, phones, staff, clock, platform)
    platform.grant(elder.openid, long_term=True)
    platform.fault(endpoint=SUBSCRIBE, status=503, times=3)
    for seconds in (0, 40, 160):
        clock.advance(seconds=seconds)
        cycle(app)
    assert platform.messages(elder.openid) == []
    assert len(platform.messages(elder.phone, "sms")) == 1
    assert [(c, a, s) for c, a, s, _ in _attempts(app, elder)] == [
        ("wechat_subscribe", 1, "failed"), ("wechat_subscribe", 2, "failed"), ("wechat_subscribe", 3, "failed"), ("sms", 1, "sent")]


def test_the_same_batch_job_run_twice_sends_nothing_twice(app, phones, staff, clock, platform):
    elders = _three_due_by_sms_at_eight(app, phones, staff, clock)
    with app.app_context():
        ids = list(db.session().scalars(select(Occurrence.id).where(Occurrence.state == "pending")
                                        .order_by(Occurrence.due_at).limit(3)))
        for job_id in ("first", "duplicate"):  # RQ does not de-duplicate; a scheduler hiccup enqueues twice
            redis_ext.queue("default").enqueue("messaging.jobs.deliver_batch", ids, job_id=f"batch-{job_id}")
    drain(app)
    cycle(app)
    for elder in elders:
        assert len(platform.messages(elder.phone)) == 1


def test_redis_flushed_mid_run_loses_nothing_and_sends_nothing_twice(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    early = [patient(app, phones) for _ in range(4)]
    late = [patient(app, phones) for _ in range(6)]
    at_eight = staff.template(medication(channels=["sms"]))
    at_five_past = staff.template(medication(rule="FREQ=DAILY;BYHOUR=8;BYMINUTE=5", channels=["sms"]), name="晚一点")
    for elder in early:
        staff.assign(elder.patient_id, at_eight)
    for elder in late:
        staff.assign(elder.patient_id, at_five_past)

    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)  # the 08:00 batch is delivered
    clock.to(local(2026, 11, 24, 8, 5, 5))
    with app.app_context():
        from core.scheduler import tick

        tick()
    drain(app, ("high",))  # the dispatcher claimed the 08:05 batch and put it in Redis...
    with app.app_context():
        assert redis_ext.queue("default").count == 1
        redis_ext.client().flushdb()  # ...and Redis lost it (FLUSHDB: a shared REDIS_URL may serve others)
    drain(app)
    assert all(platform.messages(e.phone) == [] for e in late)

    clock.to(local(2026, 11, 24, 8, 8, 0))  # the lease (2 minutes) has expired: the reconciler takes over
    cycle(app)
    for elder in early + late:
        assert len(platform.messages(elder.phone)) == 1, elder.phone
    clock.to(local(2026, 11, 24, 8, 20, 0))
    cycle(app)
    assert sum(len(platform.messages(e.phone)) for e in early + late) == 10


def test_patient_reachable_as_wecom_contact_gets_the_reminder_there(app, phones, staff, clock, platform):
    from messaging import service as messaging_service

    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    with app.app_context():
        messaging_service.set_address(db_session=db.session(), patient_id=elder.patient_id, channel="wecom",
                                      address="wmEXTERNAL001")
        db.session().commit()
    staff.assign(elder.patient_id, staff.template(medication(channels=["wecom", "sms"])))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    sent = platform.messages("wmEXTERNAL001")
    assert [m["channel"] for m in sent] == ["wecom.external"]
    assert platform.messages(elder.phone) == []


def test_sms_flow_control_quota_falls_back_to_a_voice_call(app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    two_at_eight = staff.template(medication(channels=["sms", "voice"]),
                                  medication(key="metformin", channels=["sms", "voice"], title="吃降糖药"))
    staff.assign(elder.patient_id, two_at_eight)
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)
    channels = sorted(m["channel"] for m in platform.messages(elder.phone))
    assert channels == ["sms", "voice"]  # one SMS per minute per number: the second reminder rings instead
    assert ("sms", 1, "failed", "isv.BUSINESS_LIMIT_CONTROL") in _attempts(app, elder)


def test_reminders_due_together_go_out_as_one_batch_and_a_refused_batch_falls_back_number_by_number(
        app, phones, staff, clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elders = [patient(app, phones) for _ in range(3)]
    two_at_eight = staff.template(medication(channels=["sms", "voice"]),
                                  medication(key="metformin", channels=["sms", "voice"], title="吃降糖药"))
    one_at_eight = staff.template(medication(channels=["sms", "voice"]))
    staff.assign(elders[0].patient_id, two_at_eight)  # two SMS to one number in a minute: over its flow control
    for elder in elders[1:]:
        staff.assign(elder.patient_id, one_at_eight)
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)

    for elder in elders[1:]:
        assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]
    assert sorted(m["channel"] for m in platform.messages(elders[0].phone)) == ["sms", "voice"]
    # the batch was refused whole; then every number got its own SendSms call (its own BizId)
    biz_ids = [m["biz_id"] for elder in elders for m in platform.messages(elder.phone, "sms")]
    assert len(set(biz_ids)) == len(biz_ids) == 3
    with app.app_context():
        left = db.session().scalars(select(Occurrence.id).where(
            Occurrence.state == "pending", Occurrence.due_at <= local(2026, 11, 24, 8, 0, 5))).all()
    assert left == []  # all four reminders of 08:00 were worked


def test_reminders_due_together_go_out_in_one_sendbatchsms_call(app, phones, staff, clock, platform):
    elders = _three_due_by_sms_at_eight(app, phones, staff, clock)
    cycle(app)
    sent = [m for elder in elders for m in platform.messages(elder.phone, "sms")]
    assert len(sent) == 3 and len({m["biz_id"] for m in sent}) == 1  # one call, each with its own name and time
    assert all(m["params"]["time"] == "08:00" and m["params"]["item"] == "吃降压药" for m in sent)


def test_a_batch_refused_by_a_5xx_is_retried_later_and_then_delivered_once(app, phones, staff, clock, platform):
    from datetime import timedelta

    elders = _three_due_by_sms_at_eight(app, phones, staff, clock)
    platform.fault(endpoint="sms.SendBatchSms", status=503, times=1)
    cycle(app)
    assert all(platform.messages(elder.phone) == [] for elder in elders)

    clock.to(local(2026, 11, 24, 8, 0, 5) + timedelta(minutes=1))  # past the first backoff (30 s)
    cycle(app)
    for elder in elders:
        assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]
        assert [(c, n, s) for c, n, s, _ in _attempts(app, elder)] == [("sms", 1, "failed"), ("sms", 2, "sent")]


def test_a_malformed_platform_answer_is_retried_not_lost(app, phones, staff, clock, platform):
    from datetime import timedelta

    clock.to(local(2026, 11, 24, 7, 0))
    elder = patient(app, phones)
    staff.assign(elder.patient_id, staff.template(medication(channels=["sms"])))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    platform.fault(endpoint="sms.SendSms", errcode="OK", times=1)  # "OK" without a BizId: our client cannot read it
    cycle(app)
    assert [(c, n, s) for c, n, s, _ in _attempts(app, elder)] == [("sms", 1, "failed")]

    clock.to(local(2026, 11, 24, 8, 0, 5) + timedelta(minutes=1))
    cycle(app)
    assert [m["channel"] for m in platform.messages(elder.phone)] == ["sms"]
    assert [(c, n, s) for c, n, s, _ in _attempts(app, elder)] == [("sms", 1, "failed"), ("sms", 2, "sent")]


def _three_due_by_sms_at_eight(app, phones, staff, clock):  # type: ignore[no-untyped-def]
    """Three patients on an SMS-only 08:00 medication reminder, the clock just past 08:00."""
    clock.to(local(2026, 11, 24, 7, 0))
    elders = [patient(app, phones) for _ in range(3)]
    template = staff.template(medication(channels=["sms"]))
    for elder in elders:
        staff.assign(elder.patient_id, template)
    clock.to(local(2026, 11, 24, 8, 0, 5))
    return elders
