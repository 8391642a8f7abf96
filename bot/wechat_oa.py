"""Chatting with the bot through the hospital's official account: text, and voice messages (what elderly
patients send) read through WeChat's own speech recognition, which the account turns on in its settings
("接收语音识别结果"); staff replies go back as customer-service messages.

Only a follower linked to a patient (by union id, see identity.service.follow_official_account) talks to
the bot as that patient; others are asked to log in to the mini-program once.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import dialogue, replies
from bot.models import ChatMessage
from bot.runtime import understand_text
from bot.schemas import MAX_TEXT_CHARS
from core import platforms
from core.db import utcnow
from identity.models import OA_PLATFORM, Patient, PlatformIdentity
from platforms.errors import PlatformError

log = structlog.get_logger(__name__)

CHANNEL = "wechat_oa"
SERVICE_WINDOW = timedelta(hours=48)  # WeChat lets us send customer-service messages this long after the user wrote


def answer(*, db_session: Session, app_id: str, openid: str, msg_id: str | None, text: str | None,
           voice: bool) -> str | None:
    """The reply to one text or voice message from a follower (None: nothing to say, staff have the chat)."""
    patient_id = db_session.scalar(select(PlatformIdentity.patient_id).where(
        PlatformIdentity.platform == OA_PLATFORM, PlatformIdentity.app_id == app_id, PlatformIdentity.subject == openid))
    if patient_id is None:
        return replies.OA_LOG_IN_FIRST
    said = (text or "").strip()
    if not said:
        return replies.VOICE_NOT_UNDERSTOOD if voice else replies.EMPTY
    patient = db_session.get(Patient, patient_id)
    assert patient is not None
    reply = dialogue.handle_message(db_session=db_session, patient=patient, text=said[:MAX_TEXT_CHARS], channel=CHANNEL,
                                    understand=understand_text, external_id=msg_id)
    return reply.text


def forward_staff_reply(*, db_session: Session, patient_id: str, text: str) -> bool:
    """Sends a health manager's reply to the official account too, when the patient wrote from there lately."""
    wrote_at = db_session.scalar(select(ChatMessage.created_at).where(
        ChatMessage.patient_id == patient_id, ChatMessage.direction == "in", ChatMessage.channel == CHANNEL)
        .order_by(ChatMessage.created_at.desc()).limit(1))
    oa = platforms.wechat_oa()
    if wrote_at is None or oa is None or wrote_at < utcnow() - SERVICE_WINDOW:
        return False
    openid = db_session.scalar(select(PlatformIdentity.subject).where(
        PlatformIdentity.platform == OA_PLATFORM, PlatformIdentity.patient_id == patient_id).limit(1))
    if openid is None:
        return False
    try:
        oa.send_custom_text(openid, text)
    except PlatformError as exc:  # the reply is stored either way: the mini-program shows it
        log.warning("oa_staff_reply_failed", kind=exc.kind, errcode=exc.errcode)
        return False
    return True
