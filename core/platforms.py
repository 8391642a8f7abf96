"""Builds the remote-platform clients (WeChat, Alipay, SMS) from settings, once per app."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from core import redis as redis_ext


def init_app(app: Flask) -> None:
    app.extensions["platforms"] = {}


def _cached(name: str, build: Any) -> Any:
    cache = current_app.extensions["platforms"]
    if name not in cache:
        cache[name] = build(current_app.config["SETTINGS"])
    return cache[name]


def wechat() -> Any:
    from platforms.wechat import WeChatPlatform

    return _cached("wechat", lambda s: WeChatPlatform(
        appid=s.wechat_appid, secret=s.wechat_secret, redis_client=redis_ext.client(),
        api_base=s.wechat_api_base or None, timeout=s.platform_timeout_seconds,
    ))


def wechat_oa() -> Any:
    """The official account (None when not configured); same API host and client class as the mini-program."""
    from platforms.wechat import WeChatPlatform

    if not current_app.config["SETTINGS"].wechat_oa_appid:
        return None
    return _cached("wechat_oa", lambda s: WeChatPlatform(
        appid=s.wechat_oa_appid, secret=s.wechat_oa_secret, redis_client=redis_ext.client(),
        api_base=s.wechat_api_base or None, timeout=s.platform_timeout_seconds,
    ))


def alipay() -> Any:
    from platforms.alipay import AlipayPlatform

    return _cached("alipay", lambda s: AlipayPlatform(
        app_id=s.alipay_app_id, app_private_key=s.alipay_app_private_key, alipay_public_key=s.alipay_public_key,
        aes_key=s.alipay_aes_key, gateway=s.alipay_gateway, timeout=s.platform_timeout_seconds,
    ))


def sms() -> Any:
    from platforms.aliyun import AliyunSmsClient

    return _cached("sms", lambda s: AliyunSmsClient(
        access_key_id=s.sms_access_key_id, access_key_secret=s.sms_access_key_secret, sign_name=s.sms_sign_name,
        api_base=s.sms_api_base, timeout=s.platform_timeout_seconds,
    ))


def wecom() -> Any:
    from platforms.wecom import WeComPlatform

    return _cached("wecom", lambda s: WeComPlatform(
        corpid=s.wecom_corpid, secret=s.wecom_secret, agentid=s.wecom_agentid or 0, redis_client=redis_ext.client(),
        api_base=s.wecom_api_base or None, timeout=s.platform_timeout_seconds,
    ))


def voice() -> Any:
    from platforms.aliyun import AliyunVoiceClient

    return _cached("voice", lambda s: AliyunVoiceClient(
        access_key_id=s.sms_access_key_id, access_key_secret=s.sms_access_key_secret, api_base=s.voice_api_base,
        called_show_number=s.voice_show_number or None, timeout=s.platform_timeout_seconds,
    ))
