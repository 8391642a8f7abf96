"""Chat with the bot from the mini-program: triage, FAQ, vitals, hand-off to a health manager."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import Tag

from bot import dialogue
from bot.runtime import understand_text
from bot.schemas import ChatHistory, ChatIn, ChatMessageOut, ChatReplyOut
from core import db
from core import redis as redis_ext
from core.api import BEARER, current_actor, ok
from core.errors import ApiError
from identity import service as identity_service
from miniprogram_api import bp

CHAT_TAG = Tag(name="chat", description="和健康助手聊天")
MESSAGES_PER_MINUTE = 30


@bp.post("/chat/messages", tags=[CHAT_TAG], responses={200: ChatReplyOut}, security=BEARER)
def send_chat_message(body: ChatIn) -> Response:
    """Sends one message to the health assistant and returns its answer (null while staff have the chat)."""
    actor = current_actor()
    if redis_ext.hit_rate_limit(f"chat:{actor.patient_id}", limit=MESSAGES_PER_MINUTE, window_seconds=60):
        raise ApiError(429, "too_many_requests", "您发得太快了，请稍等一会儿再发。")
    db_session = db.session()
    patient = identity_service.get(db_session=db_session, patient_id=actor.patient_id)
    assert patient is not None
    reply = dialogue.handle_message(db_session=db_session, patient=patient, text=body.text, channel="miniprogram",
                                    understand=understand_text, external_id=body.client_msg_id)
    db_session.commit()
    return ok(ChatReplyOut(message_id=reply.message_id, reply=reply.text, mode=reply.mode,
                           understanding=reply.understanding, task_id=reply.task_id))


@bp.get("/chat/messages", tags=[CHAT_TAG], responses={200: ChatHistory}, security=BEARER)
def chat_history() -> Response:
    """My conversation with the assistant and the health managers, oldest first (last 50)."""
    actor = current_actor()
    rows = dialogue.history(db_session=db.session(), patient_id=actor.patient_id or "")
    return ok(ChatHistory(items=[ChatMessageOut.model_validate(r, from_attributes=True) for r in rows]))
