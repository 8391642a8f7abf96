"""Alipay open-platform gateway (``POST /alipay/gateway.do``) and mini-program phone data."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, request

from sandbox.context import SandboxContext, apply_fault, ctx
from sandbox.crypto import aes_cbc_encrypt, load_public_key, rsa2_sign, rsa2_verify
from sandbox.state import Fault

bp = Blueprint("alipay", __name__, url_prefix="/alipay")

GATEWAY_PATH = "/alipay/gateway.do"
CST = timezone(timedelta(hours=8))
CODE_MSG = {
    "10000": "Success",
    "20000": "Service Currently Unavailable",
    "20001": "Insufficient Token Permissions",
    "40001": "Missing Required Arguments",
    "40002": "Invalid Arguments",
    "40004": "Business Failed",
    "40006": "Insufficient Permissions",
}
DEFAULT_SUB = {"20000": "isp.unknow-error", "20001": "aop.invalid-auth-token",
               "40004": "isv.business-failed"}
AUTH_CODE_TTL = 24 * 3600
ACCESS_TOKEN_TTL = 15 * 86400
REFRESH_TOKEN_TTL = 30 * 86400


def signed_response(c: SandboxContext, key: str, payload: dict[str, Any]) -> Response:
    """Sign the raw JSON text of the ``..._response`` value, exactly as the gateway does."""
    content = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if c.alipay_gateway_key is None:
        raise RuntimeError("alipay.gateway_private_key missing from the sandbox config")
    sign = rsa2_sign(c.alipay_gateway_key, content)
    body = f'{{"{key}":{content},"sign":"{sign}"}}'
    return Response(body.encode("utf-8"), content_type="text/html;charset=utf-8")


def error_payload(code: str, sub_code: str | None, sub_msg: str | None,
                  msg: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": code, "msg": msg or CODE_MSG.get(code, "Business Failed")}
    if sub_code:
        payload["sub_code"] = sub_code
        payload["sub_msg"] = sub_msg or sub_code
    return payload


def sign_content(params: dict[str, str]) -> str:
    """Alipay's request sign content: every non-empty parameter but ``sign``, sorted by name."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v != "")


def _params() -> dict[str, str]:
    params = request.args.to_dict()
    params.update(request.form.to_dict())
    return params


@bp.route("/gateway.do", methods=["GET", "POST"])
def gateway() -> Response:
    """https://opendocs.alipay.com/common/02kf5q (public request parameters and signing)"""
    c = ctx()
    params = _params()
    method = params.get("method", "")
    key = method.replace(".", "_") + "_response" if method else "error_response"
    if method == "alipay.system.oauth.token":
        key = "error_response"  # this API answers its errors under error_response

    def fail(code: str, sub_code: str | None = None, sub_msg: str | None = None,
             msg: str | None = None) -> Response:
        return signed_response(c, key, error_payload(code, sub_code, sub_msg, msg))

    def fault_error(fault: Fault) -> Response:
        code = str(fault.errcode)
        return fail(code, fault.sub_code or DEFAULT_SUB.get(code), fault.errmsg)

    faulted = apply_fault(c.state.take_fault(GATEWAY_PATH, method), fault_error)
    if faulted is not None:
        return faulted
    if not method:
        return fail("40001", "isv.missing-method", "缺少方法名参数")
    if not params.get("app_id"):
        return fail("40001", "isv.missing-app-id", "缺少appId参数")
    app = c.alipay_app(params["app_id"])
    if app is None:
        return fail("40002", "isv.invalid-app-id", "无效的AppID参数")
    if not params.get("sign"):
        return fail("40001", "isv.missing-signature", "缺少签名参数")
    if params.get("sign_type") != "RSA2":
        return fail("40002", "isv.invalid-signature-type", "无效的签名类型参数")
    content = sign_content(params)
    if not rsa2_verify(load_public_key(app["app_public_key"]), content, params["sign"]):
        return signed_response(c, method.replace(".", "_") + "_response", error_payload(
            "40002", "isv.invalid-signature",
            "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：" + content))
    handler = METHODS.get(method)
    if handler is None:
        return fail("40002", "isv.invalid-method", "不存在的方法名")
    return handler(c, app, params, key, fail)


def _oauth_token(c: SandboxContext, app: dict[str, Any], params: dict[str, str], _key: str,
                 fail: Any) -> Response:
    """https://opendocs.alipay.com/open/02ailc (alipay.system.oauth.token)"""
    now = c.state.now()
    grant_type = params.get("grant_type")
    with c.state.lock:
        if grant_type == "authorization_code":
            record = c.state.alipay_auth_codes.get(params.get("code", ""))
            if (record is None or record["used"] or record["app_id"] != app["app_id"]
                    or record["expires_at"] <= now):
                return fail("40002", "isv.code-invalid", "授权码code无效")
            record["used"] = True
            identity = record["identity"]
        elif grant_type == "refresh_token":
            refresh = c.state.alipay_refresh_tokens.pop(params.get("refresh_token", ""), None)
            if refresh is None or refresh["expires_at"] <= now or refresh["app_id"] != app["app_id"]:
                return fail("40002", "isv.refresh-token-invalid", "刷新令牌refresh_token无效")
            identity = refresh["identity"]
        else:
            return fail("40002", "isv.grant-type-invalid", "grant_type参数不正确")
        access_token = "authusrB" + secrets.token_hex(16)
        refresh_token = "authusrB" + secrets.token_hex(16)
        c.state.alipay_access_tokens[access_token] = {
            "app_id": app["app_id"], "identity": identity, "expires_at": now + ACCESS_TOKEN_TTL}
        c.state.alipay_refresh_tokens[refresh_token] = {
            "app_id": app["app_id"], "identity": identity, "expires_at": now + REFRESH_TOKEN_TTL}
    payload: dict[str, Any] = {
        "access_token": access_token,
        "auth_start": datetime.fromtimestamp(now, tz=CST).strftime("%Y-%m-%d %H:%M:%S"),
        "expires_in": ACCESS_TOKEN_TTL,
        "open_id": identity["open_id"],
        "re_expires_in": REFRESH_TOKEN_TTL,
        "refresh_token": refresh_token,
    }
    if identity.get("user_id"):
        payload["user_id"] = identity["user_id"]
    if identity.get("union_id"):
        payload["union_id"] = identity["union_id"]
    return signed_response(c, "alipay_system_oauth_token_response", payload)


def _user_info_share(c: SandboxContext, app: dict[str, Any], params: dict[str, str], key: str,
                     fail: Any) -> Response:
    """https://opendocs.alipay.com/open/02aile (alipay.user.info.share)"""
    with c.state.lock:
        record = c.state.alipay_access_tokens.get(params.get("auth_token", ""))
    if record is None or record["app_id"] != app["app_id"]:
        return fail("20001", "aop.invalid-auth-token", "无效的访问令牌")
    if record["expires_at"] <= c.state.now():
        return fail("20001", "aop.auth-token-time-out", "访问令牌已过期")
    identity = record["identity"]
    payload: dict[str, Any] = {
        "code": "10000",
        "msg": "Success",
        "avatar": identity.get("avatar") or "https://tfs.alipayobjects.com/images/partner/T1sandbox",
        "nick_name": identity.get("nick_name") or "支付宝用户",
        "open_id": identity["open_id"],
    }
    if identity.get("user_id"):
        payload["user_id"] = identity["user_id"]
    return signed_response(c, key, payload)


METHODS = {
    "alipay.system.oauth.token": _oauth_token,
    "alipay.user.info.share": _user_info_share,
}


def encrypted_phone(c: SandboxContext, app: dict[str, Any], phone: str) -> dict[str, str]:
    """What ``my.getPhoneNumber`` hands the mini-program: AES ciphertext + RSA2 sign.

    As on Alipay, an encrypted ``response`` is signed with its surrounding double quotes
    (the sign covers the raw JSON value ``"<base64>"``).
    """
    plain = json.dumps({"code": "10000", "msg": "Success", "mobile": phone}, separators=(",", ":"))
    response = aes_cbc_encrypt(app["aes_key"], plain)
    if c.alipay_gateway_key is None:
        raise RuntimeError("alipay.gateway_private_key missing from the sandbox config")
    sign = rsa2_sign(c.alipay_gateway_key, f'"{response}"')
    return {"response": response, "sign": sign, "sign_type": "RSA2", "encrypt_type": "AES",
            "charset": "UTF-8"}
