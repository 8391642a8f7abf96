"""Turns remote-platform failures into errors a patient can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from core.errors import ApiError
from platforms.errors import PlatformError, SignatureInvalid

log = structlog.get_logger(__name__)
# Codes meaning "the code from the phone is no good" (expired, used twice, invented).
BAD_CODE = {"40029", "40163", "40125", "40002", "isv.code-invalid", "isv.invalid-code"}


@contextmanager
def platform_call(what: str) -> Iterator[None]:
    try:
        yield
    except SignatureInvalid as exc:
        log.warning("platform_signature_invalid", what=what)
        if what == "alipay.decrypt_phone":  # the client handed us a forged or altered phone proof
            raise ApiError(400, "invalid_phone_proof", "手机号验证没有通过，请重新授权手机号。") from exc
        raise ApiError(502, "upstream_error", "支付宝暂时没有响应，请稍后再试。") from exc
    except PlatformError as exc:
        log.warning("platform_error", what=what, errcode=str(exc.errcode), kind=getattr(exc, "kind", None))
        if str(exc.errcode) in BAD_CODE or str(getattr(exc, "sub_code", "")) in BAD_CODE:
            raise ApiError(400, "invalid_login_code", "登录凭证已失效，请关掉小程序重新打开再试。") from exc
        raise ApiError(502, "upstream_error", "微信或支付宝暂时没有响应，请稍后再试。") from exc
