"""WeChat mini-program / official-account server API (paths as on api.weixin.qq.com)."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from flask import Blueprint, Response, request

from sandbox.context import SandboxContext, apply_fault, ctx
from sandbox.state import Fault

bp = Blueprint("wechat", __name__)

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40163: "code been used",
    41001: "access_token missing",
    41008: "missing code",
    42001: "access_token expired",
    43004: "require subscribe hint",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    47001: "data format error",
    47003: "argument invalid!",
    48001: "api unauthorized",
}

TOKEN_ENDPOINTS = {"/cgi-bin/token", "/cgi-bin/stable_token", "/sns/jscode2session"}
MEDIA_TYPES = {"image", "voice", "video", "thumb"}


def wx_error(errcode: int, errmsg: str | None = None) -> Response:
    message = errmsg or ERRMSG.get(errcode, "error")
    body = {"errcode": errcode, "errmsg": f"{message} rid: {secrets.token_hex(6)}"}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


def wx_ok(**fields: Any) -> Response:
    return Response(json.dumps({"errcode": 0, "errmsg": "ok", **fields}, ensure_ascii=False),
                    mimetype="application/json")


def _fault_error(fault: Fault) -> Response:
    return wx_error(int(fault.errcode), fault.errmsg)


@bp.before_request
def _faults_and_token() -> Response | None:
    c = ctx()
    faulted = apply_fault(c.state.take_fault(request.path), _fault_error)
    if faulted is not None:
        return faulted
    if request.path in TOKEN_ENDPOINTS:
        return None
    record = live_token("wechat", invalid_errcode=40001)
    if isinstance(record, int):
        return wx_error(record)
    request.environ["sandbox.appid"] = record["app"]
    return None


def live_token(kind: str, *, invalid_errcode: int) -> dict[str, Any] | int:
    """The request's access token record of `kind`, or the errcode saying why not (missing, invalid, expired)."""
    c = ctx()
    token = request.args.get("access_token")
    if not token:
        return 41001
    with c.state.lock:
        record = c.state.tokens.get(token)
    if record is None or record["kind"] != kind:
        return invalid_errcode
    if record["expires_at"] <= c.state.now():
        return 42001
    return dict(record)


def json_body() -> dict[str, Any] | None:
    try:
        data = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def issue_token(c: SandboxContext, app: str, kind: str, **extra: Any) -> tuple[str, int]:
    """A new token; older tokens of the same app stay valid for 5 more minutes, as on WeChat."""
    ttl = int(c.setting("wechat", "token_ttl", 7200))
    token = secrets.token_urlsafe(96)[:128]
    now = c.state.now()
    with c.state.lock:
        for other in c.state.tokens.values():
            if other["app"] == app and other["kind"] == kind:
                other["expires_at"] = min(other["expires_at"], now + 300)
        c.state.tokens[token] = {"app": app, "kind": kind, "expires_at": now + ttl, **extra}
    return token, ttl


def _check_app(appid: str | None, secret: str | None) -> Response | None:
    app = ctx().wechat_app(appid)
    if app is None:
        return wx_error(40013)
    if not secrets.compare_digest(str(secret or ""), app["secret"]):
        return wx_error(40125)
    return None


@bp.get("/cgi-bin/token")
def token() -> Response:
    """https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html"""
    args = request.args
    if args.get("grant_type") != "client_credential":
        return wx_error(40002)
    if (error := _check_app(args.get("appid"), args.get("secret"))) is not None:
        return error
    access_token, ttl = issue_token(ctx(), args["appid"], "wechat")
    return Response(json.dumps({"access_token": access_token, "expires_in": ttl}),
                    mimetype="application/json")


@bp.post("/cgi-bin/stable_token")
def stable_token() -> Response:
    """https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html"""
    body = json_body() or {}
    if body.get("grant_type") != "client_credential":
        return wx_error(40002)
    if (error := _check_app(body.get("appid"), body.get("secret"))) is not None:
        return error
    c = ctx()
    appid = body["appid"]
    with c.state.lock:
        current = c.state.stable_tokens.get(appid)
        record = c.state.tokens.get(current) if current else None
        if record and record["expires_at"] > c.state.now() and not body.get("force_refresh"):
            ttl = int(record["expires_at"] - c.state.now())
            return Response(json.dumps({"access_token": current, "expires_in": ttl}),
                            mimetype="application/json")
        access_token, ttl = issue_token(c, appid, "wechat")
        c.state.stable_tokens[appid] = access_token
    return Response(json.dumps({"access_token": access_token, "expires_in": ttl}),
                    mimetype="application/json")


def _take_code(store: dict[str, dict[str, Any]], code: str | None, appid: str) -> dict[str, Any] | int:
    """Consume a one-time code; an errcode (40029 / 40163) if it cannot be used."""
    c = ctx()
    if not code:
        return 41008
    with c.state.lock:
        record = store.get(code)
        if record is None or record["appid"] != appid or record["expires_at"] <= c.state.now():
            return 40029
        if record["used"]:
            return 40163
        record["used"] = True
    return record


@bp.get("/sns/jscode2session")
def jscode2session() -> Response:
    """https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html"""
    args = request.args
    if (error := _check_app(args.get("appid"), args.get("secret"))) is not None:
        return error
    if args.get("grant_type") != "authorization_code":
        return wx_error(40002)
    record = _take_code(ctx().state.wechat_login_codes, args.get("js_code"), args["appid"])
    if isinstance(record, int):
        return wx_error(record)
    session = {
        "openid": record["openid"],
        "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
    }
    if record.get("unionid"):
        session["unionid"] = record["unionid"]
    return Response(json.dumps(session), mimetype="application/json")


@bp.post("/wxa/business/getuserphonenumber")
def getuserphonenumber() -> Response:
    """https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html"""
    c = ctx()
    appid = request.environ["sandbox.appid"]
    body = json_body()
    if body is None:
        return wx_error(47001)
    record = _take_code(c.state.wechat_phone_codes, body.get("code"), appid)
    if isinstance(record, int):
        return wx_error(40029 if record == 40163 else record)
    phone = record["phone"]
    pure = phone.removeprefix("+86")
    return wx_ok(phone_info={
        "phoneNumber": phone,
        "purePhoneNumber": pure,
        "countryCode": "86",
        "watermark": {"timestamp": int(c.state.now()), "appid": appid},
    })


def _check_template_data(data: Any) -> str | None:
    if not isinstance(data, dict) or not data:
        return "argument invalid! data is empty"
    for key, item in data.items():
        if not isinstance(item, dict) or not str(item.get("value", "")).strip():
            return f"argument invalid! data.{key}.value is empty"
    return None


@bp.post("/cgi-bin/message/subscribe/send")
def subscribe_send() -> Response:
    """https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html"""
    c = ctx()
    appid = request.environ["sandbox.appid"]
    body = json_body()
    if body is None:
        return wx_error(47001)
    touser, template_id = body.get("touser"), body.get("template_id")
    if not touser:
        return wx_error(40003)
    if not template_id:
        return wx_error(40037)
    if (problem := _check_template_data(body.get("data"))) is not None:
        return wx_error(47003, problem)
    if body.get("miniprogram_state", "formal") not in {"developer", "trial", "formal"}:
        return wx_error(47003, "argument invalid! miniprogram_state invalid")
    key = (appid, touser, template_id)
    with c.state.lock:
        grant = c.state.subscriptions.get(key)
        if grant is None or not (grant["long_term"] or grant["credits"] > 0):
            return wx_error(43101)
        if not grant["long_term"]:
            grant["credits"] -= 1
    msgid = secrets.randbelow(10**18)
    c.state.record_message(
        "wechat.subscribe", touser, app=appid, template=template_id, params=body["data"],
        page=body.get("page"), msgid=msgid,
    )
    return wx_ok(msgid=msgid)


@bp.post("/cgi-bin/message/custom/send")
def custom_send() -> Response:
    """https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/kf-mgnt/kf-message/sendCustomMessage.html"""
    c = ctx()
    body = json_body()
    if body is None:
        return wx_error(47001)
    if not body.get("touser"):
        return wx_error(40003)
    msgtype = body.get("msgtype")
    if msgtype not in {"text", "image", "voice", "video", "music", "news", "mpnews", "msgmenu",
                       "wxcard", "miniprogrampage", "link"} or not isinstance(body.get(msgtype), dict):
        return wx_error(40008, "invalid message type")
    content = body[msgtype].get("content") if msgtype == "text" else None
    if msgtype == "text" and not content:
        return wx_error(44003, "empty news data")
    c.state.record_message(
        "wechat.custom", body["touser"], app=request.environ["sandbox.appid"], msgtype=msgtype,
        content=content, params=body[msgtype],
    )
    return wx_ok()


@bp.post("/cgi-bin/message/template/send")
def template_send() -> Response:
    """https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html"""
    c = ctx()
    body = json_body()
    if body is None:
        return wx_error(47001)
    if not body.get("touser"):
        return wx_error(40003)
    if not body.get("template_id"):
        return wx_error(40037)
    if not isinstance(body.get("data"), dict):
        return wx_error(47003, "argument invalid! data is empty")
    appid = request.environ["sandbox.appid"]
    if (c.wechat_app(appid) or {}).get("type") != "official_account":
        return wx_error(48001)  # template messages belong to official accounts
    with c.state.lock:
        follows = (appid, body["touser"]) in c.state.oa_followers
    if not follows:
        return wx_error(43004)  # the user does not follow the account (any more)
    msgid = secrets.randbelow(10**18)
    c.state.record_message(
        "wechat.template", body["touser"], app=request.environ["sandbox.appid"],
        template=body["template_id"], params=body["data"], url=body.get("url"),
        miniprogram=body.get("miniprogram"), msgid=msgid,
    )
    return wx_ok(msgid=msgid)


@bp.get("/cgi-bin/user/info")
def user_info() -> Response:
    """https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html"""
    c = ctx()
    appid, openid = request.environ["sandbox.appid"], request.args.get("openid", "")
    if not openid:
        return wx_error(40003)
    with c.state.lock:
        follower = c.state.oa_followers.get((appid, openid))
    if follower is None:
        return wx_ok(subscribe=0, openid=openid)
    info: dict[str, Any] = {"subscribe": 1, "openid": openid, "language": "zh_CN",
                            "subscribe_time": follower["subscribe_time"], "subscribe_scene": "ADD_SCENE_QR_CODE"}
    if follower.get("unionid"):
        info["unionid"] = follower["unionid"]
    return wx_ok(**info)


def upload_media(owner: str) -> Response:
    """Shared by WeChat and WeCom: multipart field ``media``."""
    c = ctx()
    media_type = request.args.get("type", "")
    if media_type not in MEDIA_TYPES | {"file"}:
        return wx_error(40004)
    upload = request.files.get("media")
    if upload is None:
        return wx_error(41005, "media data missing")
    content = upload.read()
    media_id = secrets.token_urlsafe(48)
    created_at = int(c.state.now())
    with c.state.lock:
        c.state.media[media_id] = {
            "owner": owner, "type": media_type, "content": content,
            "filename": upload.filename or "media", "mimetype": upload.mimetype,
            "created_at": created_at,
        }
    return Response(json.dumps({"errcode": 0, "errmsg": "ok", "type": media_type,
                                "media_id": media_id, "created_at": created_at}),
                    mimetype="application/json")


def get_media(owner: str) -> Response:
    c = ctx()
    with c.state.lock:
        media = c.state.media.get(request.args.get("media_id", ""))
    if media is None or media["owner"] != owner or media["created_at"] + 3 * 86400 < c.state.now():
        return wx_error(40007)
    return Response(media["content"], mimetype=media["mimetype"] or "application/octet-stream",
                    headers={"Content-disposition": f'attachment; filename="{media["filename"]}"'})


@bp.post("/cgi-bin/media/upload")
def media_upload() -> Response:
    """https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/New_temporary_materials.html"""
    return upload_media(request.environ["sandbox.appid"])


@bp.get("/cgi-bin/media/get")
def media_get() -> Response:
    """https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html"""
    return get_media(request.environ["sandbox.appid"])
