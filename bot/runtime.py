"""The bot's per-app, per-process clients (Rasa), built lazily after a gunicorn fork, not before."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from bot import service as bot_service
from bot.config import BotSettings, get_bot_settings
from bot.nlu_client import RasaClient
from bot.schemas import Understanding
from core import redis as redis_ext

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


def understand_text(text: str) -> Understanding:
    """The contract's understanding of one message, with this app's Rasa servers and Redis cache."""
    settings = bot_settings()
    return bot_service.understand(text, nlu=nlu_client(), cache=redis_ext.client(), cache_ttl=settings.bot_cache_ttl_seconds)
