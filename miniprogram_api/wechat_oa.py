"""The official account's server callback (服务号 “服务器配置”): follow and unfollow events, and patients' text
and voice messages to the bot (answered in the same HTTP response, as a passive reply).

WeChat signs every push with the account's token (`WECHAT_OA_TOKEN`); unsigned or wrongly signed pushes are
refused. A follow links the follower to the patient of the same WeChat user by union id (asked of WeChat, never
taken from the push), so reminders can go out as official-account template messages, which need no
per-message subscription. Plain-text mode; WeChat retries a push that gets no answer within 5 s, and both
events are idempotent.
"""

from __future__ import annotations

import hashlib
import time
from xml.parsers.expat import ExpatError

import structlog
from flask import Response, request
from flask_openapi3 import Tag
from pydantic import BaseModel, Field
from wechatpy import parse_message
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot import wechat_oa as oa_chat
from core import db, platforms
from core import redis as redis_ext
from core.api import settings
from core.errors import ApiError
from identity import service as identity_service
from miniprogram_api import bp

log = structlog.get_logger(__name__)
TAG = Tag(name="callbacks", description="平台回调")


class SignedQuery(BaseModel):
    signature: str = Field("", max_length=64)
    timestamp: str = Field("", max_length=16)
    nonce: str = Field("", max_length=64)
    echostr: str | None = Field(None, max_length=128)


# WeChat's signature covers the timestamp and nonce, not the body: a signed query string seen once (in an access log,
# say) could carry any message later. WeChat pushes within seconds and retries within a minute. Within this age,
# _bind_to_body keeps a query string to its first body.
MAX_SIGNATURE_AGE_SECONDS = 300


def _verify(query: SignedQuery) -> None:
    token = settings().wechat_oa_token
    try:
        if not token:
            raise InvalidSignatureException()
        check_signature(token, query.signature, query.timestamp, query.nonce)
    except InvalidSignatureException as exc:
        raise ApiError(403, "invalid_signature", "签名不对，请求被拒绝。") from exc
    if not query.timestamp.isdigit() or abs(time.time() - int(query.timestamp)) > MAX_SIGNATURE_AGE_SECONDS:
        raise ApiError(403, "stale_signature", "签名已过期，请求被拒绝。")


def _bind_to_body(query: SignedQuery, body: bytes) -> None:
    """A signed query string carries one body only. Inside the 5 minutes a signature lives, the same query string with
    another body is a replay; with the same body it is WeChat's own retry, which the MsgId check answers once."""
    key = f"wechat_oa:signed:{query.timestamp}:{query.nonce}:{query.signature}"
    digest = hashlib.sha256(body).hexdigest()
    redis = redis_ext.client()
    if not redis.set(key, digest, nx=True, ex=2 * MAX_SIGNATURE_AGE_SECONDS) and redis.get(key) != digest.encode():
        raise ApiError(403, "replayed_signature", "这个签名已经用过，请求被拒绝。")


def _read(body: str) -> BaseMessage:
    """wechatpy's message with its fields checked: wechatpy converts them on first use, so a push WeChat would never
    send (not XML, no sender, a MsgId that is no number) is refused here instead of failing halfway as a 500."""
    try:
        message = parse_message(body)
        if not message.source or not message.type:
            raise ValueError("no sender or no message type")
        _ = message.id if message.type in ("text", "voice") else None
    except (ExpatError, TypeError, ValueError) as exc:
        raise ApiError(400, "invalid_message", "消息格式不对，无法处理。") from exc
    return message


@bp.get("/callbacks/wechat-oa", tags=[TAG])
def wechat_oa_verify(query: SignedQuery) -> Response:
    """WeChat checks the server URL once: echo `echostr` when the signature is right."""
    _verify(query)
    return Response(query.echostr or "", mimetype="text/plain")


@bp.post("/callbacks/wechat-oa", tags=[TAG])
def wechat_oa_event(query: SignedQuery) -> Response:
    """Follow / unfollow events, and text or voice messages for the bot; anything else gets "success"."""
    _verify(query)
    _bind_to_body(query, request.get_data())
    message = _read(request.get_data(as_text=True))
    appid = settings().wechat_oa_appid
    event = getattr(message, "event", None)
    session = db.session()
    if message.type in ("text", "voice"):
        text = message.content if message.type == "text" else message.recognition
        # WeChat's MsgId is a 64-bit number; without one (0) or with a forged giant, the message is not deduplicated
        msg_id = str(message.id) if 0 < message.id < 2**64 else None
        said = oa_chat.answer(db_session=session, app_id=appid, openid=message.source, msg_id=msg_id,
                              text=text, voice=message.type == "voice")
        session.commit()
        if not said:
            return Response("success", mimetype="text/plain")  # staff have the chat: the bot stays quiet
        return Response(TextReply(content=said, message=message).render(), mimetype="application/xml")
    if event in ("subscribe", "subscribe_scan"):
        info = platforms.wechat_oa().get_user_info(message.source)
        identity_service.follow_official_account(db_session=session, app_id=appid, openid=message.source,
                                                 union_id=info.get("unionid"))
    elif event == "unsubscribe":
        identity_service.unfollow_official_account(db_session=session, app_id=appid, openid=message.source)
    session.commit()
    log.info("wechat_oa_event", kind=event or message.type)
    return Response("success", mimetype="text/plain")
