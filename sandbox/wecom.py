"""WeCom (企业微信) server API under ``/wecom`` (paths as on qyapi.weixin.qq.com)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, request

from sandbox.context import apply_fault, ctx
from sandbox.state import Fault
from sandbox.wechat import get_media, issue_token, json_body, live_token, upload_media, wx_error, wx_ok

bp = Blueprint("wecom", __name__, url_prefix="/wecom")

WECOM_ERRMSG = {
    40001: "invalid secret",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40056: "invalid agentid",
    41001: "access_token missing",
    42001: "access_token expired",
    81013: "user & party & tag all invalid",
    301002: "not allow operate another agent with this accesstoken.",
}
MSGTYPES = {"text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
            "miniprogram_notice", "template_card"}


def _error(errcode: int, errmsg: str | None = None) -> Response:
    return wx_error(errcode, errmsg or WECOM_ERRMSG.get(errcode))


def _fault_error(fault: Fault) -> Response:
    return _error(int(fault.errcode), fault.errmsg)


@bp.before_request
def _faults_and_token() -> Response | None:
    c = ctx()
    faulted = apply_fault(c.state.take_fault(request.path), _fault_error)
    if faulted is not None:
        return faulted
    if request.path == "/wecom/cgi-bin/gettoken":
        return None
    record = live_token("wecom", invalid_errcode=40014)
    if isinstance(record, int):
        return _error(record)
    request.environ["sandbox.corpid"] = record["app"]
    request.environ["sandbox.agentid"] = record["agentid"]
    return None


@bp.get("/cgi-bin/gettoken")
def gettoken() -> Response:
    """https://developer.work.weixin.qq.com/document/path/91039"""
    corp = ctx().wecom_corp(request.args.get("corpid"))
    if corp is None:
        return _error(40013)
    if not secrets.compare_digest(request.args.get("corpsecret", ""), corp["secret"]):
        return _error(40001)
    token, ttl = issue_token(ctx(), corp["corpid"], "wecom", agentid=str(corp["agentid"]))
    return wx_ok(access_token=token, expires_in=ttl)


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    return [part for part in str(value or "").split("|") if part]


@bp.post("/cgi-bin/message/send")
def message_send() -> Response:
    """https://developer.work.weixin.qq.com/document/path/90236"""
    c = ctx()
    body = json_body()
    if body is None:
        return _error(47001, "data format error")
    if str(body.get("agentid", "")) != request.environ["sandbox.agentid"]:
        return _error(301002)
    msgtype = body.get("msgtype")
    if msgtype not in MSGTYPES or not isinstance(body.get(msgtype), dict):
        return _error(40008, "invalid message type")
    users, parties = _split(body.get("touser")), _split(body.get("toparty"))
    tags = _split(body.get("totag"))
    if not (users or parties or tags):
        return _error(81013)
    payload = body[msgtype]
    content = payload.get("content") or payload.get("description")
    corpid = request.environ["sandbox.corpid"]
    msgid = secrets.token_urlsafe(24)
    recipients = users + [f"party:{p}" for p in parties] + [f"tag:{t}" for t in tags]
    for to in recipients:
        c.state.record_message("wecom.message", to, app=corpid, agentid=body["agentid"],
                               msgtype=msgtype, content=content, params=payload, msgid=msgid)
    return wx_ok(invaliduser="", invalidparty="", invalidtag="", unlicenseduser="",
                 msgid=msgid, response_code="")


@bp.post("/cgi-bin/externalcontact/add_msg_template")
def add_msg_template() -> Response:
    """https://developer.work.weixin.qq.com/document/path/92135"""
    c = ctx()
    body = json_body()
    if body is None:
        return _error(47001, "data format error")
    external = _split(body.get("external_userid"))
    if not external and not body.get("sender"):
        return _error(41035, "missing external_userid and sender")
    text = (body.get("text") or {}).get("content")
    if not text and not body.get("attachments"):
        return _error(41048, "text content and attachments are both empty")
    msgid = "msg" + secrets.token_urlsafe(16)
    for to in external or [f"sender:{body['sender']}"]:
        c.state.record_message("wecom.external", to, app=request.environ["sandbox.corpid"],
                               sender=body.get("sender"), content=text,
                               params={"attachments": body.get("attachments", [])}, msgid=msgid)
    return wx_ok(fail_list=[], msgid=msgid)


@bp.post("/cgi-bin/media/upload")
def media_upload() -> Response:
    """https://developer.work.weixin.qq.com/document/path/90253"""
    return upload_media("wecom:" + request.environ["sandbox.corpid"])


@bp.get("/cgi-bin/media/get")
def media_get() -> Response:
    """https://developer.work.weixin.qq.com/document/path/90254"""
    return get_media("wecom:" + request.environ["sandbox.corpid"])
