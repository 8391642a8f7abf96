"""The choke point shared by the WeChat and WeCom clients (both built on wechatpy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import requests
from wechatpy.client.base import BaseWeChatClient
from wechatpy.exceptions import WeChatClientException

from platforms.errors import (
    AUTH,
    PERMANENT,
    QUOTA,
    REFUSED,
    RETRYABLE,
    PlatformError,
    PlatformTimeout,
    error_for,
    kind_for_http_status,
)

T = TypeVar("T")

# errcodes meaning "this access token is no good": refresh once, then retry once
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})

WECHAT_KINDS: dict[int, str] = {
    -1: RETRYABLE,          # system busy
    45033: RETRYABLE,       # too many concurrent calls
    40001: AUTH, 40014: AUTH, 42001: AUTH, 41001: AUTH,
    40013: AUTH,            # invalid appid / corpid
    40125: AUTH,            # invalid appsecret
    40164: AUTH,            # caller IP not whitelisted
    43101: REFUSED,         # user has no subscription credit for this template
    43004: REFUSED,         # user does not follow the account
    43019: REFUSED,         # user is on the blacklist
    45015: REFUSED,         # outside the 48 h customer-service window
    81013: REFUSED,         # WeCom: no valid recipient
    84061: REFUSED,         # WeCom: no relationship with this external contact
    45009: QUOTA,           # daily API quota
    45011: QUOTA,           # per-minute API quota
    45047: QUOTA,           # customer-service message count limit
}


def classify(errcode: int | None) -> str:
    if errcode is None:
        return RETRYABLE
    return WECHAT_KINDS.get(errcode, PERMANENT)


def translate(exc: WeChatClientException, platform: str) -> PlatformError:
    response = getattr(exc, "response", None)
    if exc.errcode is None:
        status = response.status_code if response is not None else None
        kind = kind_for_http_status(status) if status else RETRYABLE
        return error_for(kind, None, f"HTTP {status}", platform, http_status=status)
    errcode = int(exc.errcode)
    return error_for(classify(errcode), errcode, str(exc.errmsg), platform)


def call_with_token_retry(client: BaseWeChatClient, platform: str, endpoint: str,
                          fn: Callable[[], T]) -> T:
    """Run ``fn`` (one wechatpy call), turning every failure into a :class:`PlatformError`.

    A rejected access token is refreshed (into the shared Redis storage) and the call retried
    exactly once; wechatpy's own retry is off because it recurses without a bound.
    """
    for attempt in (1, 2):
        try:
            return fn()
        except WeChatClientException as exc:
            error = translate(exc, platform)
            if attempt == 1 and error.errcode in TOKEN_ERRCODES:
                try:
                    client.fetch_access_token()
                except WeChatClientException as fetch_exc:
                    raise translate(fetch_exc, platform) from fetch_exc
                except requests.RequestException as fetch_exc:
                    raise PlatformTimeout(None, f"{endpoint}: token refresh failed: {type(fetch_exc).__name__}",
                                          platform) from fetch_exc
                continue
            raise error from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise PlatformTimeout(None, f"{endpoint}: {type(exc).__name__}", platform) from exc
    raise AssertionError("unreachable")  # pragma: no cover
