"""Clients for the remote platforms the app talks to: WeChat, WeCom, Alipay, Aliyun SMS/voice.

No Flask here: settings are passed in as arguments. Every call has a timeout, and every failure
is a :class:`platforms.errors.PlatformError` whose ``kind`` tells delivery what to do next.
"""

from platforms.errors import (
    AuthError,
    PermanentError,
    PlatformError,
    PlatformTimeout,
    QuotaError,
    RefusedError,
    RetryableError,
    SignatureInvalid,
)

__all__ = [
    "AuthError",
    "PermanentError",
    "PlatformError",
    "PlatformTimeout",
    "QuotaError",
    "RefusedError",
    "RetryableError",
    "SignatureInvalid",
]
