"""Aliyun Dysmsapi ``SendSms`` / ``SendBatchSms`` (under /aliyun/sms) and Dyvmsapi ``SingleCallByTts`` (/aliyun/voice).

RPC style: every parameter in the query string or a form body, signed with signature v1
(HMAC-SHA1 over the percent-encoded, sorted parameters).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from sandbox.context import SandboxContext, apply_fault, ctx
from sandbox.state import Fault

sms_bp = Blueprint("aliyun_sms", __name__, url_prefix="/aliyun/sms")
voice_bp = Blueprint("aliyun_voice", __name__, url_prefix="/aliyun/voice")

MOBILE_RE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$")
TIMESTAMP_SKEW = 15 * 60
DEFAULT_LIMITS = {"per_minute": 1, "per_hour": 5, "per_day": 10}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun specifies: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(value, safe="-_.~")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"


def _answer(host: str, code: str, message: str, status: int = 200, **extra: Any) -> Response:
    body: dict[str, Any] = {"RequestId": str(uuid.uuid4()).upper(), "Code": code, "Message": message}
    if status != 200:
        body["HostId"] = host
    body.update(extra)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _authenticate(c: SandboxContext, host: str, version: str) -> tuple[dict[str, str], Response | None]:
    """Common RPC checks; the parameters and an error response if the request must be refused."""
    params = request.args.to_dict()
    params.update(request.form.to_dict())
    for name in ("AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "SignatureVersion",
                 "Timestamp", "Version", "Action"):
        if not params.get(name):
            return params, _answer(host, f"Missing{name}", f"{name} is mandatory for this action.", 400)
    if params["Version"] != version:
        return params, _answer(host, "InvalidVersion", "Specified parameter Version is not valid.", 400)
    if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
        return params, _answer(host, "InvalidSignatureMethod",
                               "Specified signature method is not supported.", 400)
    secret = c.config.get("aliyun", {}).get("access_keys", {}).get(params["AccessKeyId"])
    if secret is None:
        return params, _answer(host, "InvalidAccessKeyId.NotFound", "Specified access key is not found.",
                               404)
    try:
        sent = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return params, _answer(host, "InvalidTimeStamp.Format",
                               "Specified time stamp or date value is not well formatted.", 400)
    if abs(sent.timestamp() - c.state.now()) > TIMESTAMP_SKEW:
        return params, _answer(host, "InvalidTimeStamp.Expired",
                               "Specified time stamp or date value is expired.", 400)
    to_sign = string_to_sign(request.method, params)
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode("utf-8"), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected, params["Signature"]):
        return params, _answer(
            host, "SignatureDoesNotMatch",
            f"Specified signature is not matched with our calculation. server string to sign is:{to_sign}",
            400, Recommend="https://next.api.aliyun.com/troubleshoot")
    with c.state.lock:
        if params["SignatureNonce"] in c.state.sms_nonces:
            return params, _answer(host, "SignatureNonceUsed", "Specified signature nonce was used already.",
                                   400)
        c.state.sms_nonces.add(params["SignatureNonce"])
    return params, None


def _fault_handler(host: str) -> Callable[[Fault], Response]:
    def render(fault: Fault) -> Response:
        code = str(fault.errcode)
        status = 503 if code == "ServiceUnavailable" else 200
        return _answer(host, code, fault.errmsg or code, status)
    return render


def _phones(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _take_permits(c: SandboxContext, phones: list[str], template: str) -> bool:
    """Per-number flow control, all or nothing: False (and nothing counted) if any number is over a limit."""
    limits = {**DEFAULT_LIMITS, **c.setting("aliyun", "sms_limits", {})}
    now = c.state.now()
    windows = (("per_minute", 60), ("per_hour", 3600), ("per_day", 86400))
    wanted = Counter(phones)
    with c.state.lock:
        recent = {p: [t for t in c.state.sms_sent.get((p, template), []) if t > now - 86400] for p in wanted}
        for phone, count in wanted.items():
            if any(sum(1 for t in recent[phone] if t > now - span) + count > limits[name] for name, span in windows):
                return False
        for phone, count in wanted.items():
            c.state.sms_sent[(phone, template)] = recent[phone] + [now] * count
    return True


@sms_bp.route("/", methods=["GET", "POST"])
def send_sms() -> Response:
    """https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms"""
    c, host = ctx(), "dysmsapi.aliyuncs.com"
    action = request.values.get("Action", "")
    faulted = apply_fault(c.state.take_fault(request.path, f"sms.{action}"), _fault_handler(host))
    if faulted is not None:
        return faulted
    params, refused = _authenticate(c, host, "2017-05-25")
    if refused is not None:
        return refused
    if params["Action"] == "SendSms":
        return _send_sms(c, host, params)
    if params["Action"] == "SendBatchSms":
        return _send_batch_sms(c, host, params)
    return _answer(host, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404)


def _check_template(c: SandboxContext, host: str, sign_names: list[str], template: str,
                    template_params: list[Any]) -> Response | None:
    sms = c.config.get("aliyun", {}).get("sms", {})
    if any(name not in sms.get("sign_names", []) for name in sign_names):
        return _answer(host, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
    if not all(isinstance(p, dict) for p in template_params):
        return _answer(host, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
    required = sms.get("templates", {}).get(template)
    if required is not None and any(name not in p for p in template_params for name in required):
        return _answer(host, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
    return None


def _json_param(params: dict[str, str], name: str, default: str) -> Any:
    try:
        return json.loads(params.get(name) or default)
    except ValueError:
        return None


def _send_sms(c: SandboxContext, host: str, params: dict[str, str]) -> Response:
    for name in ("PhoneNumbers", "SignName", "TemplateCode"):
        if not params.get(name):
            return _answer(host, f"Missing{name}", f"{name} is mandatory for this action.", 400)
    phones = _phones(params["PhoneNumbers"])
    if not phones or len(phones) > 1000 or not all(MOBILE_RE.match(p) for p in phones):
        return _answer(host, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    template_params = _json_param(params, "TemplateParam", "{}")
    if (refused := _check_template(c, host, [params["SignName"]], params["TemplateCode"], [template_params])):
        return refused
    return _deliver(c, host, params["TemplateCode"], [(phone, params["SignName"], template_params) for phone in phones],
                    out_id=params.get("OutId"))


def _send_batch_sms(c: SandboxContext, host: str, params: dict[str, str]) -> Response:
    """https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendbatchsms"""
    for name in ("PhoneNumberJson", "SignNameJson", "TemplateCode"):
        if not params.get(name):
            return _answer(host, f"Missing{name}", f"{name} is mandatory for this action.", 400)
    phones, signs = _json_param(params, "PhoneNumberJson", "[]"), _json_param(params, "SignNameJson", "[]")
    template_params = _json_param(params, "TemplateParamJson", "[]")
    if not (isinstance(phones, list) and isinstance(signs, list) and isinstance(template_params, list)) \
            or len(signs) != len(phones) or (template_params and len(template_params) != len(phones)):
        return _answer(host, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
    if not phones or len(phones) > 100 or not all(isinstance(p, str) and MOBILE_RE.match(p) for p in phones):
        return _answer(host, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    template_params = template_params or [{} for _ in phones]
    if (refused := _check_template(c, host, signs, params["TemplateCode"], template_params)):
        return refused
    return _deliver(c, host, params["TemplateCode"], list(zip(phones, signs, template_params, strict=True)))


def _deliver(c: SandboxContext, host: str, template: str, messages: list[tuple[str, str, Any]],
             out_id: str | None = None) -> Response:
    """All or nothing, as the gateway answers one code for the request: flow control on any number refuses it."""
    if not _take_permits(c, [phone for phone, _, _ in messages], template):
        return _answer(host, "isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控Permits:10")
    biz_id = f"{secrets.randbelow(10**15):015d}^{secrets.randbelow(10**10):010d}"
    for phone, sign, template_params in messages:
        c.state.record_message("sms", phone, template=template, params=template_params, sign_name=sign,
                               biz_id=biz_id, out_id=out_id)
    return _answer(host, "OK", "OK", BizId=biz_id)


@voice_bp.route("/", methods=["GET", "POST"])
def single_call_by_tts() -> Response:
    """https://help.aliyun.com/zh/vms/developer-reference/api-dyvmsapi-2017-05-25-singlecallbytts"""
    c, host = ctx(), "dyvmsapi.aliyuncs.com"
    action = request.values.get("Action", "")
    faulted = apply_fault(c.state.take_fault(request.path, f"voice.{action}"), _fault_handler(host))
    if faulted is not None:
        return faulted
    params, refused = _authenticate(c, host, "2017-05-25")
    if refused is not None:
        return refused
    if params["Action"] != "SingleCallByTts":
        return _answer(host, "InvalidAction.NotFound",
                       "Specified api is not found, please check your url and method.", 404)
    for name in ("CalledNumber", "TtsCode"):
        if not params.get(name):
            return _answer(host, f"Missing{name}", f"{name} is mandatory for this action.", 400)
    if not MOBILE_RE.match(params["CalledNumber"]):
        return _answer(host, "isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法")
    try:
        tts_params = json.loads(params.get("TtsParam") or "{}")
    except ValueError:
        return _answer(host, "isv.INVALID_JSON_PARAM", "JSON参数不合法")
    call_id = f"{secrets.randbelow(10**15):015d}^{secrets.randbelow(10**12):012d}"
    c.state.record_message("voice", params["CalledNumber"], template=params["TtsCode"],
                           params=tts_params, call_id=call_id,
                           show_number=params.get("CalledShowNumber"), out_id=params.get("OutId"))
    return _answer(host, "OK", "OK", CallId=call_id)
