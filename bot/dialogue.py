"""The conversation: one patient message in, the bot's reply out, with state kept per patient.

Safety first: a red flag always gets the emergency answer and a staff alert, even while the
conversation is with staff. Otherwise intents are dispatched through a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import fallback, faq, replies, vitals_text
from bot.models import ChatMessage, DialogueState
from bot.schemas import Understanding
from care import plans as plans_service
from care import service as care_service
from care.schedule import Clock
from console import service as task_service
from core.db import utcnow
from core.errors import ApiError
from identity.models import Patient

Understand = Callable[[str], Understanding]
RESET_WORDS = re.compile(r"^(重新开始|重来|从头开始|重新来|清空)[。!！]?$")
TRIAGE_SLOTS = ("body_part", "duration", "age")
MAX_TRIAGE_QUESTIONS = 3
LOW_CONFIDENCE = 0.45
LOW_CONFIDENCE_HANDOFF_STREAK = 3
SUICIDE_FLAGS = frozenset({"suicide", "self_harm", "net_crisis"})  # net_crisis: the learned net's (bot/red_flag_net.py)


@dataclass(frozen=True)
class Reply:
    message_id: str
    text: str | None  # None while staff have the conversation
    understanding: Understanding
    mode: str
    task_id: str | None = None


def _state(db_session: Session, patient_id: str) -> DialogueState:
    state = db_session.get(DialogueState, patient_id)
    if state is None:
        state = DialogueState(patient_id=patient_id, mode="idle", slots={}, low_confidence_streak=0)
        db_session.add(state)
    return state


def _faq_answer(db_session: Session, topic: str) -> str:
    return faq.get_answer(db_session=db_session, topic=topic) or replies.FAQ_MISSING


def _triage_text(u: Understanding) -> str:
    text = replies.TRIAGE.format(department=u.department, advice=replies.URGENCY_ADVICE[u.urgency])
    others = [d.name for d in u.departments[1:3] if d.score >= 0.15]
    return text + (replies.TRIAGE_ALTERNATIVES.format(others="、".join(others)) if others else "")


def _missing_slot(slots: dict[str, Any], u: Understanding) -> str | None:
    known = {e.entity for e in u.entities} | set(slots.get("answered", []))
    return next((slot for slot in TRIAGE_SLOTS if slot not in known), None)


class _Turn:
    """One message being handled; methods are the intent handlers of the dispatch table."""

    def __init__(self, db_session: Session, patient: Patient, state: DialogueState, text: str, understand: Understand,
                 message_id: str) -> None:
        self.db, self.patient, self.state, self.text, self.understand = db_session, patient, state, text, understand
        self.message_id = message_id
        self.task_id: str | None = None

    def handoff(self, u: Understanding, *, reason: str, kind: str = "handoff", priority: str = "high") -> str:
        task = task_service.open_task(db_session=self.db, patient=self.patient, kind=kind, priority=priority,
                                      title=f"患者请求人工服务（{reason}）", detail={"text": self.text, "reason": reason},
                                      source_ref=self.message_id)
        self.state.mode, self.state.handoff_task_id, self.state.slots = "handed_over", task.id, {}
        self.task_id = task.id
        return replies.COMPLAINT if reason == "complaint" else replies.HANDOFF

    def triage(self, u: Understanding) -> str:
        slots = dict(self.state.slots)
        vague = u.department is None or fallback.vague_complaint(self.text) or u.confidence < LOW_CONFIDENCE
        if vague and len(slots.get("answered", [])) < MAX_TRIAGE_QUESTIONS:
            slot = _missing_slot(slots, u) or "body_part"
            slots.setdefault("complaint", self.text)
            slots["asking"] = slot
            self.state.mode, self.state.slots = "triage", slots
            return replies.ASK[slot]
        self.state.mode, self.state.slots = "idle", {}
        return _triage_text(u) if u.department else replies.TRIAGE_GIVE_UP

    def continue_triage(self, _u: Understanding) -> str:
        """An answer to our follow-up question: understand it together with the complaint so far."""
        slots = dict(self.state.slots)
        slots["answered"] = [*slots.get("answered", []), slots.get("asking", "body_part")]
        slots["complaint"] = f"{slots.get('complaint', '')} {self.text}".strip()
        self.state.slots = slots
        combined = self.understand(slots["complaint"][-500:])
        if combined.urgency == "emergency":
            return self.emergency(combined)
        return self.triage(combined.model_copy(update={"intent": "triage"}))

    def emergency(self, u: Understanding) -> str:
        task = task_service.open_task(db_session=self.db, patient=self.patient, kind="red_flag_alert", priority="urgent",
                                      title="红旗症状：" + "、".join(u.red_flags or ["emergency"]),
                                      detail={"text": self.text, "red_flags": u.red_flags}, source_ref=self.message_id)
        self.task_id = task.id
        if self.state.mode == "triage":
            self.state.mode, self.state.slots = "idle", {}
        return replies.CRISIS if SUICIDE_FLAGS & set(u.red_flags) else replies.EMERGENCY

    def faq(self, u: Understanding) -> str:
        return _faq_answer(self.db, u.intent.split("/", 1)[1])

    def report(self, u: Understanding) -> str:
        """Where reports are; for a result that names a symptom or an examination, also whom to ask about it. Asked what
        a result means, whom to show it to comes first: the patient already holds the report."""
        if fallback.asks_what_a_result_means(self.text):
            return replies.REPORT_MEANING + (replies.REPORT_MEANING_DEPARTMENT.format(department=u.department)
                                             if u.department else replies.REPORT_MEANING_NO_DEPARTMENT)
        return replies.REPORT + (replies.REPORT_DEPARTMENT.format(department=u.department) if u.department else "")

    def appointment(self, u: Understanding) -> str:
        """Where to book; with the department when the message says what it is for (胸闷好几回了 帮我约个专家)."""
        return replies.APPOINTMENT_DEPARTMENT.format(department=u.department) if u.department else replies.APPOINTMENT

    def fixed(self, text: str) -> Callable[[Understanding], str]:
        return lambda _u: text


def handle_message(
    *, db_session: Session, patient: Patient, text: str, channel: str, understand: Understand, external_id: str | None = None,
) -> Reply:
    """Stores the message, answers it, stores the answer. A WeChat retry (same external id) gets the same answer."""
    if external_id:
        earlier = db_session.scalar(select(ChatMessage).where(ChatMessage.channel == channel, ChatMessage.external_id == external_id))
        if earlier is not None and earlier.patient_id != patient.id:
            # Ids are unique per channel, so this is no retry but a broken or forged client: it must not be shown the
            # other patient's conversation.
            raise ApiError(409, "message_id_taken", "这条消息的编号和别的消息重复了，请重新发送。")
        if earlier is not None:
            answer = db_session.scalar(select(ChatMessage).where(ChatMessage.reply_to_id == earlier.id))
            u = Understanding.model_validate(earlier.understanding)
            return Reply(message_id=earlier.id, text=answer.text if answer else None, understanding=u,
                         mode=_state(db_session, patient.id).mode)
    state = _state(db_session, patient.id)
    inbound = ChatMessage(patient_id=patient.id, direction="in", channel=channel, external_id=external_id, text=text)
    db_session.add(inbound)
    db_session.flush()
    turn = _Turn(db_session, patient, state, text.strip(), understand, inbound.id)

    if RESET_WORDS.match(turn.text) and state.mode != "handed_over":
        state.mode, state.slots, state.low_confidence_streak = "idle", {}, 0
        u = Understanding(intent="reset", confidence=1.0, urgency="routine", source="fallback")
        return _finish(db_session, patient, inbound, u, replies.RESET, state, turn)

    u = understand(turn.text)
    inbound.intent, inbound.understanding = u.intent, u.model_dump(mode="json")
    if u.urgency == "emergency" or u.intent == "emergency":
        return _finish(db_session, patient, inbound, u, turn.emergency(u), state, turn)
    if state.mode == "handed_over":  # staff are answering; the bot stays quiet until they close the ticket
        return _finish(db_session, patient, inbound, u, None, state, turn)
    if state.mode == "triage" and u.intent not in ("request_human", "complaint", "goodbye", "thank"):
        return _finish(db_session, patient, inbound, u, turn.continue_triage(u), state, turn)

    state.low_confidence_streak = state.low_confidence_streak + 1 if u.confidence < LOW_CONFIDENCE else 0
    if state.low_confidence_streak >= LOW_CONFIDENCE_HANDOFF_STREAK:
        return _finish(db_session, patient, inbound, u, turn.handoff(u, reason="low_confidence"), state, turn)

    handlers: dict[str, Callable[[Understanding], str]] = {
        "triage": turn.triage,
        "request_human": lambda x: turn.handoff(x, reason="request_human"),
        "complaint": lambda x: turn.handoff(x, reason="complaint", priority="normal"),
        "greet": turn.fixed(replies.GREET), "thank": turn.fixed(replies.THANK), "goodbye": turn.fixed(replies.GOODBYE),
        "affirm": turn.fixed(replies.AFFIRM), "deny": turn.fixed(replies.DENY),
        "book_appointment": turn.appointment, "cancel_appointment": turn.fixed(replies.APPOINTMENT),
        "query_report": turn.report, "medication_question": turn.fixed(replies.MEDICATION_QUESTION),
    }
    handler = turn.faq if u.intent.startswith("faq/") else handlers.get(u.intent, turn.fixed(replies.OUT_OF_SCOPE))
    # a plain reading the model did not place ("血压一百五十八十五" by voice) is still a reading
    if u.intent == "record_vital" or (u.intent == "out_of_scope" and vitals_text.parse(turn.text) is not None):
        handler = turn.fixed(_record_vital(db_session, patient.id, turn.text))
    if u.intent == "medication_taken":
        handler = turn.fixed(_medication_taken(db_session, patient.id))
    return _finish(db_session, patient, inbound, u, handler(u), state, turn)


def _medication_taken(db_session: Session, patient_id: str) -> str:
    """Confirms the medication reminder the patient is answering, so its escalation stops."""
    done = plans_service.acknowledge_latest(db_session=db_session, patient_id=patient_id, kind="medication", now=utcnow())
    if done is None:
        return replies.MEDICATION_TAKEN_NOTHING_DUE
    local = Clock.from_settings(current_app.config["SETTINGS"]).local(done.due_at)
    return replies.MEDICATION_TAKEN.format(title=done.title, time=f"{local:%H:%M}")


def _record_vital(db_session: Session, patient_id: str, text: str) -> str:
    reading = vitals_text.parse(text)
    if reading is None:
        return replies.VITAL_NOT_UNDERSTOOD
    care_service.record_vital(db_session=db_session, patient_id=patient_id, reading=reading, source="chat", recorded_by=patient_id)
    return replies.VITAL_RECORDED.format(reading=vitals_text.describe(reading), tip="")


def _finish(db_session: Session, patient: Patient, inbound: ChatMessage, u: Understanding, text: str | None,
            state: DialogueState, turn: _Turn) -> Reply:
    if inbound.understanding is None:
        inbound.intent, inbound.understanding = u.intent, u.model_dump(mode="json")
    if text:
        db_session.add(ChatMessage(patient_id=patient.id, direction="out", channel=inbound.channel, text=text, intent=u.intent,
                                   reply_to_id=inbound.id))
    db_session.flush()
    return Reply(message_id=inbound.id, text=text, understanding=u, mode=state.mode, task_id=turn.task_id)


def close_handoff(*, db_session: Session, patient_id: str) -> None:
    """Staff closed the hand-off ticket: the bot answers this patient again."""
    state = db_session.get(DialogueState, patient_id)
    if state is not None and state.mode == "handed_over":
        state.mode, state.handoff_task_id, state.slots, state.low_confidence_streak = "idle", None, {}, 0


def history(*, db_session: Session, patient_id: str, limit: int = 50) -> list[ChatMessage]:
    rows = db_session.scalars(select(ChatMessage).where(ChatMessage.patient_id == patient_id)
                              .order_by(ChatMessage.created_at.desc()).limit(limit))
    return list(reversed(list(rows)))


def staff_reply(*, db_session: Session, patient_id: str, staff_id: str, text: str) -> ChatMessage:
    message = ChatMessage(patient_id=patient_id, direction="out", channel="staff", text=text, sender_id=staff_id)
    db_session.add(message)
    db_session.flush()
    return message
