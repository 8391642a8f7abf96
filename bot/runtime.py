"""The bot's per-app, per-process clients (Rasa), built lazily after a gunicorn fork, not before."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app

from bot import service as bot_service
from bot.config import BotSettings, get_bot_settings
from bot.nlu_client import RasaClient
from bot.schemas import Understanding
from bot.text import normalize
from core import redis as redis_ext
from core.errors import ApiError

_client_lock = threading.Lock()


def bot_settings(app: Flask | None = None) -> BotSettings:
    """`app.config["BOT_SETTINGS"]` when set (tests), else the environment."""
    app = app or current_app
    return app.config.get("BOT_SETTINGS") or get_bot_settings()


def nlu_client(app: Flask | None = None) -> RasaClient:
    """One Rasa client per app and process, created on first use (after a gunicorn fork, not before)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get("bot_nlu")
    if client is None:
        with _client_lock:
            client = app.extensions.get("bot_nlu")
            if client is None:
                settings = bot_settings(app)
                client = RasaClient(settings.urls, timeout=settings.rasa_timeout_ms / 1000,
                                    health_interval=settings.rasa_health_interval_seconds,
                                    model_version=settings.rasa_model_version,
                                    max_in_flight=settings.rasa_max_in_flight)
                app.extensions["bot_nlu"] = client
    return client


def understand_text(text: str, *, rate_limit_key: str | None = None) -> Understanding:
    """The contract's understanding of one message, with this app's Rasa servers and Redis cache.

    With `rate_limit_key` (the public endpoint), counts the caller's request and reads the cached answer in one
    Redis round trip; 429 when over the limit.
    """
    settings = bot_settings()
    nlu = nlu_client()
    cache: bot_service.Cache = redis_ext.client()
    clean = normalize(text)
    if rate_limit_key is not None:
        key = bot_service.cache_key(clean, nlu.model_version)
        limited, cached = redis_ext.hit_rate_limit_then_get(rate_limit_key, limit=settings.bot_rate_limit,
                                                            window_seconds=settings.bot_rate_window_seconds, get=key)
        if limited:
            raise ApiError(429, "too_many_requests", "您发送得太快了，请稍等一会儿再试。")
        cache = _ReadAhead(cache, key, cached)
    return bot_service.understand_normalized(clean, nlu=nlu, cache=cache, cache_ttl=settings.bot_cache_ttl_seconds)


class _ReadAhead:
    """The answer cache with one key already read."""

    def __init__(self, cache: bot_service.Cache, key: str, value: Any) -> None:
        self._cache, self._key, self._value = cache, key, value

    def get(self, name: str) -> Any:
        return self._value if name == self._key else self._cache.get(name)

    def set(self, name: str, value: Any, ex: int | None = None) -> Any:
        return self._cache.set(name, value, ex=ex)
