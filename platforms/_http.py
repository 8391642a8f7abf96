"""The HTTP plumbing every client shares: default timeouts and the sandbox URL rewrite."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

DEFAULT_TIMEOUT = 5.0


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that never waits forever: calls without a timeout get the default.

    wechatpy's token fetch passes no timeout at all, so the default has to live here.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


class RewriteAdapter(HTTPAdapter):
    """Send requests for ``prefix`` (e.g. ``https://api.weixin.qq.com/``) to ``target`` instead.

    Mounted only when an API base is configured (dev and tests against the sandbox), so the
    unmodified SDK clients keep their hard-coded production URLs.
    """

    def __init__(self, prefix: str, target: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.target = target.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and request.url.startswith(self.prefix):
            request.url = self.target + request.url[len(self.prefix):]
        return super().send(request, *args, **kwargs)


def make_session(timeout: float, rewrite_from: str | None = None, api_base: str | None = None) -> TimeoutSession:
    session = TimeoutSession(timeout)
    if rewrite_from and api_base:
        session.mount(rewrite_from, RewriteAdapter(rewrite_from, api_base))
    return session
