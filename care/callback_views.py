"""Callbacks from platforms about our messages: Aliyun SMS replies (uplink "SmsUpReport", HTTP batch push).

Aliyun does not sign these pushes: the URL carries a secret (`SMS_UP_CALLBACK_TOKEN`); without it configured
the endpoint does not exist. Aliyun retries a push until it gets `{"code": 0}`, so each reply is worked once by
its `sequence_id`.
"""

from __future__ import annotations

import hmac

import structlog
from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, RootModel

from care import sms_replies
from core import db
from core import redis as redis_ext
from core.api import settings
from core.db import utcnow
from core.errors import ApiError

log = structlog.get_logger(__name__)
callbacks_bp = APIBlueprint("callbacks", __name__, url_prefix="/api/v1/callbacks")
TAG = Tag(name="callbacks", description="平台回调：短信上行（患者回复短信）")
SEEN_TTL_SECONDS = 3 * 24 * 3600


class SmsUpReport(BaseModel):
    phone_number: str = Field(max_length=20)
    content: str = Field(max_length=1000)
    send_time: str | None = Field(None, max_length=32)
    sign_name: str | None = Field(None, max_length=64)
    dest_code: str | None = Field(None, max_length=32)
    sequence_id: int


class SmsUpBody(RootModel[list[SmsUpReport]]):
    pass


class TokenPath(BaseModel):
    token: str = Field(max_length=128)


@callbacks_bp.post("/aliyun/sms-up/<token>", tags=[TAG])
def sms_up(path: TokenPath, body: SmsUpBody) -> Response:
    """Patients' replies to our SMS: "1" confirms the reminder, "TD" stops pushes, anything else goes to staff."""
    expected = settings().sms_up_callback_token
    if not expected or not hmac.compare_digest(path.token.encode(), expected.encode()):
        raise ApiError(404, "not_found", "没有这个地址。")
    db_session, redis_client = db.session(), redis_ext.client()
    for report in body.root:
        seen = f"sms-up:{report.sequence_id}"
        if not redis_client.set(seen, 1, nx=True, ex=SEEN_TTL_SECONDS):
            continue
        try:
            outcome = sms_replies.handle(db_session=db_session, phone=report.phone_number, content=report.content,
                                         now=utcnow())
            db_session.commit()
        except Exception:
            redis_client.delete(seen)  # not worked: Aliyun's retry gets another chance
            raise
        log.info("sms_reply", outcome=outcome, sequence_id=report.sequence_id)
    return jsonify(code=0, msg="成功")

