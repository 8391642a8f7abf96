"""Bot settings: environment variables with safe defaults for the local run (integrated into core.config later)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RASA_URLS = "http://127.0.0.1:5005"
DEFAULT_RASA_TIMEOUT_MS = 300
DEFAULT_HEALTH_INTERVAL_SECONDS = 3.0
DEFAULT_CACHE_TTL_SECONDS = 300
DEFAULT_RATE_LIMIT = 60  # requests per IP per window
DEFAULT_RATE_WINDOW_SECONDS = 60


class BotSettings(BaseSettings):
    """RASA_URLS is comma-separated; each parse goes to the least busy server that is up."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    rasa_urls: str = DEFAULT_RASA_URLS
    rasa_timeout_ms: int = Field(DEFAULT_RASA_TIMEOUT_MS, ge=10, le=10_000)
    rasa_max_in_flight: int = Field(2, ge=1, le=64)  # parses per Rasa server per web process; more wait for a slot
    rasa_health_interval_seconds: float = Field(DEFAULT_HEALTH_INTERVAL_SECONDS, gt=0, le=300)
    rasa_model_version: str = ""  # part of the cache key; empty = asked from Rasa's /status when it is up
    bot_cache_ttl_seconds: int = Field(DEFAULT_CACHE_TTL_SECONDS, ge=0)
    bot_rate_limit: int = Field(DEFAULT_RATE_LIMIT, ge=1)
    bot_rate_window_seconds: int = Field(DEFAULT_RATE_WINDOW_SECONDS, ge=1)

    @property
    def urls(self) -> list[str]:
        return [u.strip().rstrip("/") for u in self.rasa_urls.split(",") if u.strip()]


def load_bot_settings(**overrides: object) -> BotSettings:
    return BotSettings(**overrides)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_bot_settings() -> BotSettings:
    return load_bot_settings()
