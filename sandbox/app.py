"""The sandbox Flask app: WeChat, WeCom, Alipay and Aliyun SMS/voice speaking their wire formats."""

from __future__ import annotations

from typing import Any

from flask import Flask

from sandbox import alipay, aliyun, control, wechat, wecom
from sandbox.context import SandboxContext


def create_sandbox_app(config: dict[str, Any]) -> Flask:
    """Build the app for ``config`` (the content of ``instance/sandbox.json``)."""
    app = Flask("sandbox", static_folder=None)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["sandbox"] = SandboxContext(config=config)
    for blueprint in (wechat.bp, wecom.bp, alipay.bp, aliyun.sms_bp, aliyun.voice_bp, control.bp):
        app.register_blueprint(blueprint)
    return app
