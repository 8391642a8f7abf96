"""Per-app context (configuration + state) and helpers shared by the endpoint modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app

from sandbox.crypto import load_private_key
from sandbox.state import Fault, SandboxState


@dataclass
class SandboxContext:
    config: dict[str, Any]
    state: SandboxState = field(default_factory=SandboxState)

    def __post_init__(self) -> None:
        pem = self.config.get("alipay", {}).get("gateway_private_key")
        self.alipay_gateway_key = load_private_key(pem) if pem else None

    # -- configured apps ------------------------------------------------------------------
    def wechat_app(self, appid: str | None) -> dict[str, Any] | None:
        return _find(self.config.get("wechat", {}).get("apps", []), "appid", appid)

    def wecom_corp(self, corpid: str | None) -> dict[str, Any] | None:
        return _find(self.config.get("wecom", {}).get("corps", []), "corpid", corpid)

    def alipay_app(self, app_id: str | None) -> dict[str, Any] | None:
        return _find(self.config.get("alipay", {}).get("apps", []), "app_id", app_id)

    def setting(self, section: str, name: str, default: Any) -> Any:
        return self.config.get(section, {}).get(name, default)


def _find(items: list[dict[str, Any]], key: str, value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    return next((item for item in items if item.get(key) == value), None)


def ctx() -> SandboxContext:
    return current_app.extensions["sandbox"]


def apply_fault(fault: Fault | None, render_error: Callable[[Fault], Response]) -> Response | None:
    """Play an injected fault: latency first, then an error body or a bare HTTP status."""
    if fault is None:
        return None
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.errcode is not None:
        response = render_error(fault)
        if fault.status:
            response.status_code = fault.status
        return response
    if fault.status:
        body = f"<html><head><title>{fault.status}</title></head><body>{fault.status}</body></html>"
        return Response(body, status=fault.status, mimetype="text/html")
    return None
