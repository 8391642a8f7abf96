"""Aliyun SMS (Dysmsapi ``SendSms``) and voice calls (Dyvmsapi ``SingleCallByTts``).

A pure client: RPC style requests signed with signature v1 (HMAC-SHA1 over the sorted,
percent-encoded parameters), sent with ``requests`` and a timeout. No Aliyun SDK.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from platforms._http import DEFAULT_TIMEOUT, TimeoutSession
from platforms.errors import (
    AUTH,
    PERMANENT,
    QUOTA,
    RETRYABLE,
    PlatformTimeout,
    error_for,
    kind_for_http_status,
)

SMS_API_BASE = "https://dysmsapi.aliyuncs.com"
VOICE_API_BASE = "https://dyvmsapi.aliyuncs.com"

_KINDS: dict[str, str] = {
    "isv.BUSINESS_LIMIT_CONTROL": QUOTA,
    "isv.DAY_LIMIT_CONTROL": QUOTA,
    "isv.MONTH_LIMIT_CONTROL": QUOTA,
    "isv.AMOUNT_NOT_ENOUGH": QUOTA,
    "Throttling": QUOTA,
    "Throttling.User": QUOTA,
    "Throttling.Api": QUOTA,
    "SignatureDoesNotMatch": AUTH,
    "InvalidAccessKeyId.NotFound": AUTH,
    "InvalidAccessKeyId.Inactive": AUTH,
    "Forbidden.RAM": AUTH,
    "isv.ACCOUNT_NOT_EXISTS": AUTH,
    "isv.ACCOUNT_ABNORMAL": AUTH,
    "isp.SYSTEM_ERROR": RETRYABLE,
    "isp.RAM_PERMISSION_DENY": AUTH,
    "ServiceUnavailable": RETRYABLE,
    "InternalError": RETRYABLE,
    "SignatureNonceUsed": RETRYABLE,
}


def percent_encode(value: str) -> str:
    """Aliyun's encoding: UTF-8, everything but ``A-Za-z0-9-_.~`` as %XY, space as %20."""
    return quote(value, safe="-_.~")


def sign_rpc(method: str, params: dict[str, str], access_key_secret: str) -> str:
    """Signature v1: Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(canonical query)))."""
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    string_to_sign = f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{access_key_secret}&".encode(), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(digest.digest()).decode()


def classify(code: str) -> str:
    return _KINDS.get(code, PERMANENT)


class _AliyunRpcClient:
    platform = "aliyun"
    version = "2017-05-25"

    def __init__(self, access_key_id: str, access_key_secret: str, api_base: str, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._access_key_id = access_key_id
        self._access_key_secret = access_key_secret
        self._url = api_base.rstrip("/") + "/"
        self._session = TimeoutSession(timeout)
        self._timeout = timeout

    def _request(self, action: str, params: dict[str, str]) -> dict[str, Any]:
        """The choke point: sign, POST with a timeout, turn every failure into a PlatformError."""
        signed = {
            "AccessKeyId": self._access_key_id,
            "Action": action,
            "Format": "JSON",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": self.version,
            **params,
        }
        signed["Signature"] = sign_rpc("POST", signed, self._access_key_secret)
        try:
            response = self._session.post(self._url, data=signed, timeout=self._timeout)
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise PlatformTimeout(None, f"{action}: {type(exc).__name__}", self.platform) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "Code" not in body:
            raise error_for(kind_for_http_status(response.status_code) if response.status_code != 200
                            else RETRYABLE, None, f"{action}: HTTP {response.status_code}", self.platform,
                            http_status=response.status_code)
        code = str(body["Code"])
        if code != "OK":
            raise error_for(classify(code), code, str(body.get("Message", "")), self.platform,
                            http_status=response.status_code)
        return body


class AliyunSmsClient(_AliyunRpcClient):
    platform = "aliyun.sms"

    def __init__(self, access_key_id: str, access_key_secret: str, sign_name: str,
                 api_base: str = SMS_API_BASE, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(access_key_id, access_key_secret, api_base, timeout=timeout)
        self.sign_name = sign_name

    def send_sms(self, phone: str, template_code: str, params: dict[str, Any],
                 out_id: str | None = None) -> str:
        """Send one templated SMS; returns the BizId.

        https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms
        """
        request = {
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": template_code,
            "TemplateParam": json.dumps({k: str(v) for k, v in params.items()}, ensure_ascii=False),
        }
        if out_id:
            request["OutId"] = out_id
        return str(self._request("SendSms", request)["BizId"])

    def send_batch_sms(self, phones: list[str], template_code: str, params: list[dict[str, Any]]) -> str:
        """One template to up to 100 numbers, each with its own parameters; returns the BizId of the batch.

        https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendbatchsms
        """
        request = {
            "PhoneNumberJson": json.dumps(phones),
            "SignNameJson": json.dumps([self.sign_name] * len(phones), ensure_ascii=False),
            "TemplateCode": template_code,
            "TemplateParamJson": json.dumps([{k: str(v) for k, v in p.items()} for p in params], ensure_ascii=False),
        }
        return str(self._request("SendBatchSms", request)["BizId"])


class AliyunVoiceClient(_AliyunRpcClient):
    platform = "aliyun.voice"

    def __init__(self, access_key_id: str, access_key_secret: str, api_base: str = VOICE_API_BASE, *,
                 called_show_number: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(access_key_id, access_key_secret, api_base, timeout=timeout)
        self.called_show_number = called_show_number

    def single_call_by_tts(self, phone: str, tts_code: str, params: dict[str, Any],
                           out_id: str | None = None) -> str:
        """Call ``phone`` and read a TTS template; returns the CallId.

        https://help.aliyun.com/zh/vms/developer-reference/api-dyvmsapi-2017-05-25-singlecallbytts
        """
        request = {
            "CalledNumber": phone,
            "TtsCode": tts_code,
            "TtsParam": json.dumps({k: str(v) for k, v in params.items()}, ensure_ascii=False),
        }
        if self.called_show_number:
            request["CalledShowNumber"] = self.called_show_number
        if out_id:
            request["OutId"] = out_id
        return str(self._request("SingleCallByTts", request)["CallId"])
