"""One exception tree for every platform, classified by ``kind`` for delivery decisions.

``kind`` values:

* ``retryable`` — try again later (-1 system busy, HTTP 5xx, timeouts, connection errors).
* ``permanent`` — the request itself is wrong; retrying will not help.
* ``refused``   — the user cannot be reached on this channel (43101 no subscription credit,
  45015 outside the 48 h window, blocked); fall back to another channel.
* ``quota``     — our quota or rate limit is used up (45009, 45047, isv.BUSINESS_LIMIT_CONTROL);
  retry after the window or use another channel.
* ``auth``      — credentials or token rejected. Token errors are refreshed and retried once
  automatically; an ``auth`` error that reaches the caller means the configuration is wrong.
"""

from __future__ import annotations

from typing import Any, ClassVar

RETRYABLE = "retryable"
PERMANENT = "permanent"
REFUSED = "refused"
QUOTA = "quota"
AUTH = "auth"


class PlatformError(Exception):
    """A remote platform refused or failed a call."""

    kind: ClassVar[str] = PERMANENT

    def __init__(self, errcode: Any, errmsg: str, platform: str, *, sub_code: str | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(f"[{platform}] {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.platform = platform
        self.sub_code = sub_code
        self.http_status = http_status

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(errcode={self.errcode!r}, errmsg={self.errmsg!r}, "
                f"platform={self.platform!r}, kind={self.kind!r})")


class RetryableError(PlatformError):
    kind = RETRYABLE


class PlatformTimeout(RetryableError):
    """No answer in time (or no connection); the call may or may not have taken effect."""


class PermanentError(PlatformError):
    kind = PERMANENT


class SignatureInvalid(PermanentError):
    """A signature did not verify: the data was tampered with or the wrong key is configured."""


class RefusedError(PlatformError):
    kind = REFUSED


class QuotaError(PlatformError):
    kind = QUOTA


class AuthError(PlatformError):
    kind = AUTH


_BY_KIND: dict[str, type[PlatformError]] = {
    RETRYABLE: RetryableError,
    PERMANENT: PermanentError,
    REFUSED: RefusedError,
    QUOTA: QuotaError,
    AUTH: AuthError,
}


def error_for(kind: str, errcode: Any, errmsg: str, platform: str, **extra: Any) -> PlatformError:
    return _BY_KIND[kind](errcode, errmsg, platform, **extra)


def kind_for_http_status(status: int) -> str:
    if status == 429:
        return QUOTA
    if status >= 500 or status in (408, 425):
        return RETRYABLE
    if status in (401, 403):
        return AUTH
    return PERMANENT
