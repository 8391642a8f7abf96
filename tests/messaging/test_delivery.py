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
    clock.to(local(2026, 11, 24, 7, 0))
    elders = [patient(app, phones) for _ in range(3)]
    template = staff.template(medication(channels=["sms"]))
    for elder in elders:
        staff.assign(elder.patient_id, template)
    clock.to(local(2026, 11, 24, 8, 0, 5))
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
