"""Control and inspection API under ``/_sandbox`` (see API_CONTRACT.md, "Sandbox control")."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.alipay import AUTH_CODE_TTL, encrypted_phone
from sandbox.context import ctx
from sandbox.state import Fault

bp = Blueprint("control", __name__, url_prefix="/_sandbox")

WECHAT_CODE_TTL = 300


class BadRequest(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@bp.errorhandler(BadRequest)
def _bad_request(error: BadRequest) -> tuple[Response, int]:
    return jsonify(error={"code": error.code, "message": error.message, "request_id": None}), error.status


def _body(*required: str) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("invalid_json", "body must be a JSON object")
    missing = [name for name in required if not body.get(name)]
    if missing:
        raise BadRequest("missing_field", f"missing field(s): {', '.join(missing)}")
    return body


def _wechat_appid(body: dict[str, Any]) -> str:
    if ctx().wechat_app(body["appid"]) is None:
        raise BadRequest("unknown_app", f"appid {body['appid']} is not configured", 404)
    return str(body["appid"])


@bp.post("/wechat/login-code")
def wechat_login_code() -> Response:
    """Play the phone: what ``wx.login()`` returns, accepted once by ``sns/jscode2session``."""
    c, body = ctx(), _body("appid", "openid")
    appid = _wechat_appid(body)
    code = secrets.token_urlsafe(24)
    ttl = int(c.setting("wechat", "code_ttl", WECHAT_CODE_TTL))
    with c.state.lock:
        c.state.wechat_login_codes[code] = {
            "appid": appid, "openid": body["openid"], "unionid": body.get("unionid"),
            "expires_at": c.state.now() + ttl, "used": False}
    return jsonify(code=code, expires_in=ttl)


@bp.post("/wechat/phone-code")
def wechat_phone_code() -> Response:
    """What the ``getPhoneNumber`` button returns, for ``wxa/business/getuserphonenumber``."""
    c, body = ctx(), _body("appid", "phone")
    appid = _wechat_appid(body)
    code = secrets.token_hex(32)
    ttl = int(c.setting("wechat", "code_ttl", WECHAT_CODE_TTL))
    with c.state.lock:
        c.state.wechat_phone_codes[code] = {
            "appid": appid, "phone": str(body["phone"]), "expires_at": c.state.now() + ttl, "used": False}
    return jsonify(code=code, expires_in=ttl)


@bp.post("/wechat/subscriptions")
def wechat_subscriptions() -> Response:
    """The user accepted ``wx.requestSubscribeMessage``: grant credits, or long-term consent.

    ``openids`` (a list) instead of ``openid`` grants the same to many users at once (benchmarks).
    """
    c, body = ctx(), _body("appid", "template_id")
    appid = _wechat_appid(body)
    openids = body.get("openids") if "openids" in body else [body.get("openid")]
    if not isinstance(openids, list) or not openids or not all(isinstance(o, str) and o for o in openids):
        raise BadRequest("invalid_field", "openid (or openids, a list) is required")
    credits = body.get("credits", 1)
    if not isinstance(credits, int) or credits < 0:
        raise BadRequest("invalid_field", "credits must be a non-negative integer")
    with c.state.lock:
        for openid in openids:
            grant = c.state.subscriptions.setdefault((appid, openid, str(body["template_id"])),
                                                     {"credits": 0, "long_term": False})
            if body.get("long_term"):
                grant["long_term"] = True
            else:
                grant["credits"] += credits
        answer = dict(grant)
    return jsonify(appid=appid, openid=openids[-1], template_id=str(body["template_id"]), **answer)


@bp.post("/wechat/oa-followers")
def wechat_oa_follow() -> Response:
    """A user follows (or, with ``"follow": false``, unfollows) an official account."""
    c, body = ctx(), _body("appid", "openid")
    appid = _wechat_appid(body)
    key = (appid, str(body["openid"]))
    with c.state.lock:
        if body.get("follow", True):
            c.state.oa_followers[key] = {"unionid": body.get("unionid"), "subscribe_time": int(c.state.now())}
        else:
            c.state.oa_followers.pop(key, None)
    return jsonify(appid=appid, openid=key[1], follows=key in c.state.oa_followers)


def _alipay_app(body: dict[str, Any]) -> dict[str, Any]:
    app = ctx().alipay_app(body["app_id"])
    if app is None:
        raise BadRequest("unknown_app", f"app_id {body['app_id']} is not configured", 404)
    return app


@bp.post("/alipay/auth-code")
def alipay_auth_code() -> Response:
    """What ``my.getAuthCode`` returns, accepted once by ``alipay.system.oauth.token``."""
    c, body = ctx(), _body("app_id", "open_id")
    app = _alipay_app(body)
    auth_code = secrets.token_hex(16)
    identity = {k: body.get(k) for k in ("open_id", "union_id", "user_id", "nick_name", "avatar")}
    with c.state.lock:
        c.state.alipay_auth_codes[auth_code] = {
            "app_id": app["app_id"], "identity": identity, "used": False,
            "expires_at": c.state.now() + AUTH_CODE_TTL}
    return jsonify(auth_code=auth_code)


@bp.post("/alipay/phone")
def alipay_phone() -> Response:
    """What ``my.getPhoneNumber`` returns: ``{response, sign}`` (AES-128-CBC + RSA2)."""
    body = _body("app_id", "phone")
    return jsonify(encrypted_phone(ctx(), _alipay_app(body), str(body["phone"])))


@bp.get("/messages")
def messages() -> Response:
    """Everything delivered, newest first; ``?to=`` and ``?channel=`` (e.g. ``wechat``, ``sms``)."""
    found = ctx().state.list_messages(request.args.get("to"), request.args.get("channel"))
    return jsonify(messages=found, count=len(found))


@bp.get("/apps")
def apps() -> Response:
    config = ctx().config
    return jsonify(
        wechat=[a["appid"] for a in config.get("wechat", {}).get("apps", [])],
        alipay=[a["app_id"] for a in config.get("alipay", {}).get("apps", [])],
        wecom=[a["corpid"] for a in config.get("wecom", {}).get("corps", [])],
    )


@bp.post("/faults")
def add_fault() -> Response:
    """Inject a fault: ``{endpoint, errcode?, errmsg?, sub_code?, status?, delay_ms?, times?}``."""
    body = _body("endpoint")
    times = body.get("times", 1)
    if not isinstance(times, int) or times < 1:
        raise BadRequest("invalid_field", "times must be a positive integer")
    if body.get("errcode") is None and not body.get("status") and not body.get("delay_ms"):
        raise BadRequest("missing_field", "give at least one of errcode, status, delay_ms")
    fault = Fault(endpoint=str(body["endpoint"]), errcode=body.get("errcode"), errmsg=body.get("errmsg"),
                  sub_code=body.get("sub_code"), status=body.get("status"),
                  delay_ms=int(body.get("delay_ms") or 0), remaining=times)
    ctx().state.add_fault(fault)
    return jsonify(endpoint=fault.endpoint, times=times), 201


@bp.get("/faults")
def pending_faults() -> Response:
    """Faults not yet played in full: a test can wait until a call has reached the platform."""
    state = ctx().state
    with state.lock:
        found = [{"endpoint": f.endpoint, "remaining": f.remaining} for f in state.faults]
    return jsonify(faults=found, count=len(found))


@bp.delete("/faults")
def clear_faults() -> tuple[str, int]:
    ctx().state.clear_faults()
    return "", 204


@bp.post("/clock")
def clock() -> Response:
    """Move the sandbox's clock forward (code and token expiry) without sleeping."""
    body = _body("advance_seconds")
    c = ctx()
    with c.state.lock:
        c.state.clock_offset += float(body["advance_seconds"])
        offset = c.state.clock_offset
    return jsonify(offset_seconds=offset)


@bp.post("/reset")
def reset() -> tuple[str, int]:
    """Forget messages, codes, tokens, subscriptions, faults and the clock; keep the config."""
    ctx().state.reset()
    return "", 204
