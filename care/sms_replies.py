"""Replies to our SMS (Aliyun uplink, "SmsUpReport"): "1" acknowledges the reminder (for a survey, a digit 1-5
is the score), "TD" opts out of pushes, anything else becomes a task for the care team, so no reply is lost.

The reminder a reply answers is the latest one we sent to that number by SMS in the last day (the reply carries
no reference to it; this is how SMS replies work).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from care import cohorts
from care import plans as plans_service
from care.models import Occurrence
from console import service as console_service
from core.errors import ApiError
from identity import service as identity_service
from identity.models import Patient
from messaging.models import Delivery

log = structlog.get_logger(__name__)

REPLY_WINDOW = timedelta(hours=24)
# "1", or the plain words people type back instead: 好 / 收到 / 吃了 / 吃过了 / 已服药 / 做完了 ...
DONE = re.compile(r"^(1|好的?|收到了?|知道了|已?吃了|吃过了|已吃|已服药?|服过了|做完了|已完成|完成了?|量过了|已测)[。.!！]*$")
SCORE = re.compile(r"^[1-5](分)?$")  # a survey SMS asks for a score from 1 to 5
STOP = re.compile(r"^(TD|T|退订|退订推送|不要再发了)$", re.IGNORECASE)


def handle(*, db_session: Session, phone: str, content: str, now: datetime) -> str:
    """Works one reply; returns what it did: acknowledged | answered | opted_out | forwarded | unknown_sender."""
    patient = identity_service.get_by_phone(db_session=db_session, phone=phone)
    if patient is None:
        log.info("sms_reply_unknown_sender")
        return "unknown_sender"
    text = unicodedata.normalize("NFKC", content).strip()
    if STOP.match(text):
        cohorts.set_opt_out(db_session=db_session, patient_id=patient.id, category=cohorts.EDUCATION, opted_out=True,
                            channel="sms")
        return "opted_out"
    occurrence = _last_sms_reminder(db_session=db_session, recipient_id=patient.id, now=now)
    if occurrence is not None and occurrence.kind == "survey" and SCORE.match(text):
        try:
            plans_service.answer_survey(db_session=db_session, occurrence=occurrence, score=int(text[0]), comment=None,
                                        channel="sms", by=patient.id, now=now)
            return "answered"
        except ApiError:
            pass
    if DONE.match(text) and occurrence is not None:
        try:
            plans_service.acknowledge(db_session=db_session, occurrence=occurrence, by=patient.id, now=now)
            return "acknowledged"
        except ApiError:
            pass  # cancelled meanwhile: a person reads it instead
    _forward(db_session=db_session, patient=patient, text=text[:500], occurrence=occurrence)
    return "forwarded"


def _last_sms_reminder(*, db_session: Session, recipient_id: str, now: datetime) -> Occurrence | None:
    occurrence_id = db_session.scalar(select(Delivery.occurrence_id).where(
        Delivery.recipient_id == recipient_id, Delivery.channel == "sms", Delivery.state.in_(("sent", "unknown")),
        Delivery.created_at >= now - REPLY_WINDOW).order_by(Delivery.created_at.desc()).limit(1))
    return db_session.get(Occurrence, occurrence_id) if occurrence_id else None


def _forward(*, db_session: Session, patient: Patient, text: str, occurrence: Occurrence | None) -> None:
    """A reply we cannot act on: the patient's care team reads it (for a family member: the relative's team)."""
    about = db_session.get(Patient, occurrence.patient_id) if occurrence is not None else patient
    console_service.open_task(
        db_session=db_session, patient=about or patient, kind="sms_reply", priority="normal",
        title=f"短信回复：{text[:40]}",
        detail={"text": text, "from_patient_id": patient.id,
                "occurrence_id": occurrence.id if occurrence is not None else None})
