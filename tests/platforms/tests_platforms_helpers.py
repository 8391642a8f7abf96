"""Builders shared by the platform tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

import redis

from platforms.wechat import WeChatPlatform
from platforms.wecom import WeComPlatform


def make_wechat(env: dict[str, str], redis_client: redis.Redis, key_prefix: str,
                timeout: float = 3.0) -> WeChatPlatform:
    return WeChatPlatform(env["WECHAT_APPID"], env["WECHAT_SECRET"], redis_client,
                          api_base=env["WECHAT_API_BASE"], timeout=timeout, key_prefix=key_prefix)


def make_wecom(env: dict[str, str], redis_client: redis.Redis, key_prefix: str,
               timeout: float = 3.0) -> WeComPlatform:
    return WeComPlatform(env["WECOM_CORPID"], env["WECOM_SECRET"], env["WECOM_AGENTID"], redis_client,
                         api_base=env["WECOM_API_BASE"], timeout=timeout, key_prefix=key_prefix)
