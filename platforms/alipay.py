"""Alipay open platform: mini-program login (oauth), user info, and phone-number decryption.

Requests are built, signed (RSA2) and their answers verified by the real alipay-sdk-python
(``DefaultAlipayClient`` / ``AlipayClientConfig(server_url=gateway)``). Only the socket layer is
ours: the sdk's own ``do_post`` (3.7.1411) always connects to port 80/443 and fails on a gateway
URL with a port (``url += url_parse_result.port`` concatenates an int) or on a non-200 answer, and
it cannot share a session; so ``execute`` is re-implemented around the sdk's private
``__prepare_request`` / ``__parse_response`` with ``requests`` and a timeout.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
from alipay.aop.api.constant.CommonConstants import (
    ALIPAY_SDK_PYTHON_VERSION,
    THREAD_LOCAL,
)
from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
from alipay.aop.api.exception.Exception import RequestException, ResponseException
from alipay.aop.api.request.AlipaySystemOauthTokenRequest import (
    AlipaySystemOauthTokenRequest,
)
from alipay.aop.api.request.AlipayUserInfoShareRequest import AlipayUserInfoShareRequest
from alipay.aop.api.response.AlipayResponse import AlipayResponse
from alipay.aop.api.response.AlipaySystemOauthTokenResponse import (
    AlipaySystemOauthTokenResponse,
)
from alipay.aop.api.response.AlipayUserInfoShareResponse import (
    AlipayUserInfoShareResponse,
)
from alipay.aop.api.util.WebUtils import url_encode
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from platforms._http import DEFAULT_TIMEOUT, TimeoutSession
from platforms.errors import (
    AUTH,
    PERMANENT,
    QUOTA,
    RETRYABLE,
    PermanentError,
    PlatformError,
    PlatformTimeout,
    RetryableError,
    SignatureInvalid,
    error_for,
    kind_for_http_status,
)

PLATFORM = "alipay"
PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"

_AUTH_SUB_CODES = frozenset({
    "isv.invalid-signature", "isv.invalid-app-id", "isv.missing-signature-config",
    "isv.invalid-signature-type", "isv.app-unbind-partner", "aop.invalid-auth-token",
    "aop.auth-token-time-out", "isv.insufficient-isv-permissions",
})


@dataclass(frozen=True)
class AlipayIdentity:
    """Who logged in. Key identities on ``open_id``: new apps get an empty ``user_id``."""

    open_id: str
    user_id: str | None
    union_id: str | None
    access_token: str
    refresh_token: str | None = None
    expires_in: int | None = None


@dataclass(frozen=True)
class AlipayUserInfo:
    open_id: str | None
    user_id: str | None
    nick_name: str | None
    avatar: str | None


class _HTTPStatusError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class _SessionAlipayClient(DefaultAlipayClient):
    """The sdk's client with its socket layer replaced by a ``requests`` session."""

    def __init__(self, config: AlipayClientConfig, session: requests.Session) -> None:
        super().__init__(config)
        self._config = config
        self._session = session

    def execute(self, request: Any) -> str:
        THREAD_LOCAL.uuid = str(uuid.uuid1())
        query_string, params = self._DefaultAlipayClient__prepare_request(request)  # type: ignore[attr-defined]
        url = self._config.server_url
        url += ("&" if "?" in url else "?") + query_string
        body = url_encode(params, self._config.charset).encode("ascii") if params else None
        response = self._session.post(url, data=body, timeout=self._config.timeout, headers={
            "Content-type": f"application/x-www-form-urlencoded;charset={self._config.charset}",
            "User-Agent": ALIPAY_SDK_PYTHON_VERSION,
        })
        if response.status_code != 200:
            raise _HTTPStatusError(response.status_code)
        return self._DefaultAlipayClient__parse_response(response.content)  # type: ignore[attr-defined,no-any-return]


def _classify(code: str, sub_code: str | None) -> str:
    sub = sub_code or ""
    if code == "20000" or sub.upper().endswith("SYSTEM_ERROR") or sub.startswith("isp."):
        return RETRYABLE
    if code == "20001" or sub in _AUTH_SUB_CODES:
        return AUTH
    if "limit" in sub.lower():
        return QUOTA
    return PERMANENT


def _load_public_key(key: str) -> rsa.RSAPublicKey:
    text = key.strip()
    if "-----BEGIN PUBLIC KEY-----" not in text:
        text = f"-----BEGIN PUBLIC KEY-----\n{text}\n-----END PUBLIC KEY-----"
    loaded = serialization.load_pem_public_key(text.encode())
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise TypeError("alipay_public_key is not an RSA key")
    return loaded


class AlipayPlatform:
    """One Alipay mini-program app."""

    def __init__(self, app_id: str, app_private_key: str, alipay_public_key: str, aes_key: str,
                 gateway: str = PRODUCTION_GATEWAY, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        config = AlipayClientConfig()
        config.server_url = gateway
        config.app_id = app_id
        config.app_private_key = app_private_key
        config.alipay_public_key = alipay_public_key
        config.sign_type = "RSA2"
        config.timeout = timeout
        self.app_id = app_id
        self._client = _SessionAlipayClient(config, TimeoutSession(timeout))
        self._alipay_public_key = _load_public_key(alipay_public_key)
        self._aes_key = base64.b64decode(aes_key)

    # -- the choke point ------------------------------------------------------------------
    def _execute(self, method: str, request: Any, response: AlipayResponse) -> dict[str, Any]:
        try:
            raw = self._client.execute(request)
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise PlatformTimeout(None, f"{method}: {type(exc).__name__}", PLATFORM) from exc
        except _HTTPStatusError as exc:
            raise error_for(kind_for_http_status(exc.status), None, f"{method}: HTTP {exc.status}",
                            PLATFORM, http_status=exc.status) from exc
        except ResponseException as exc:
            if "sign verify failed" in str(exc):
                raise SignatureInvalid(None, f"{method}: response signature does not verify",
                                       PLATFORM) from exc
            raise RetryableError(None, f"{method}: unexpected response shape", PLATFORM) from exc
        except RequestException as exc:  # the sdk could not sign: wrong app_private_key format
            raise error_for(AUTH, None, f"{method}: {exc}", PLATFORM) from exc
        response.parse_response_content(raw)  # the sdk's own reading of code / sub_code
        if not response.is_success():
            code, sub_code = str(response.code), response.sub_code
            raise error_for(_classify(code, sub_code), code, f"{response.msg}: {response.sub_msg}",
                            PLATFORM, sub_code=sub_code)
        parsed = json.loads(raw)
        if not isinstance(parsed, dict):
            raise RetryableError(None, f"{method}: unexpected response shape", PLATFORM)
        return parsed

    # -- endpoints ------------------------------------------------------------------------
    def oauth_token(self, auth_code: str) -> AlipayIdentity:
        """Exchange a ``my.getAuthCode`` code (single use) for the user's identity and token.

        https://opendocs.alipay.com/open/02ailc
        """
        request = AlipaySystemOauthTokenRequest()
        request.grant_type = "authorization_code"
        request.code = auth_code
        result = self._execute("alipay.system.oauth.token", request, AlipaySystemOauthTokenResponse())
        if not result.get("open_id"):
            raise PermanentError(None, "oauth answer has no open_id (is the app set to open_id mode?)",
                                 PLATFORM)
        return AlipayIdentity(
            open_id=str(result["open_id"]),
            user_id=result.get("user_id") or None,
            union_id=result.get("union_id") or None,
            access_token=str(result["access_token"]),
            refresh_token=result.get("refresh_token"),
            expires_in=int(result["expires_in"]) if result.get("expires_in") else None,
        )

    def user_info_share(self, access_token: str) -> AlipayUserInfo:
        """Nick name and avatar of the user behind ``access_token``.

        https://opendocs.alipay.com/open/02aile
        """
        request = AlipayUserInfoShareRequest()
        request.add_other_text_param("auth_token", access_token)
        result = self._execute("alipay.user.info.share", request, AlipayUserInfoShareResponse())
        return AlipayUserInfo(open_id=result.get("open_id"), user_id=result.get("user_id"),
                              nick_name=result.get("nick_name"), avatar=result.get("avatar"))

    def decrypt_phone(self, response: str, sign: str) -> str:
        """Verify and decrypt what ``my.getPhoneNumber`` returned; the mobile number.

        The RSA2 ``sign`` covers the ciphertext with its surrounding double quotes (the raw JSON
        value); then AES-128-CBC with a 16-byte zero IV.
        https://opendocs.alipay.com/mini/api/getphonenumber
        """
        encrypted = not response.startswith("{")
        content = f'"{response}"' if encrypted else response
        try:
            signature = base64.b64decode(sign, validate=True)
            self._alipay_public_key.verify(signature, content.encode("utf-8"), asym_padding.PKCS1v15(),
                                           hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError) as exc:
            raise SignatureInvalid(None, "phone data signature does not verify", PLATFORM) from exc
        plain = self._aes_decrypt(response) if encrypted else response
        try:
            data = json.loads(plain)
        except ValueError as exc:
            raise PermanentError(None, "phone data is not JSON (wrong AES key?)", PLATFORM) from exc
        if str(data.get("code")) != "10000" or not data.get("mobile"):
            code = str(data.get("code"))
            raise error_for(_classify(code, data.get("subCode")), code,
                            f"{data.get('msg')}: {data.get('subMsg')}", PLATFORM,
                            sub_code=data.get("subCode"))
        return str(data["mobile"])

    def _aes_decrypt(self, ciphertext_b64: str) -> str:
        try:
            ciphertext = base64.b64decode(ciphertext_b64, validate=True)
            decryptor = Cipher(algorithms.AES(self._aes_key), modes.CBC(b"\0" * 16)).decryptor()
            padded = decryptor.update(ciphertext) + decryptor.finalize()
            unpadder = padding.PKCS7(128).unpadder()
            return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise PermanentError(None, "phone data does not decrypt (wrong AES key?)", PLATFORM) from exc


__all__ = ["AlipayIdentity", "AlipayPlatform", "AlipayUserInfo", "PlatformError", "SignatureInvalid"]


