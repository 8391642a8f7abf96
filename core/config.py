"""Settings from environment variables (and the instance env file of the local run)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance")).resolve()


class Settings(BaseSettings):
    """Every setting is documented in the README; names are the environment variables."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    instance_dir: Path = Field(default_factory=_instance_dir)
    database_url: str = ""
    redis_url: str = ""
    log_json: bool = False
    log_level: str = "INFO"

    # Secrets: no defaults. The local run writes throw-away ones into instance/kangban.env.
    token_signing_key: str = ""
    field_encryption_key: str = ""
    lookup_hash_key: str = ""

    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    kiosk_token_ttl_seconds: int = 600
    max_request_bytes: int = 64 * 1024
    privacy_policy_version: str = "2026-11"
    public_base_url: str = "http://127.0.0.1:8000"

    sms_code_ttl_seconds: int = 300
    sms_code_max_attempts: int = 5
    sms_template_login_code: str = "SMS_LOGIN_CODE"
    staff_login_max_failures: int = 5
    staff_login_lockout_seconds: int = 900
    family_invitation_ttl_seconds: int = 24 * 3600

    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_api_base: str = ""  # empty = the real api.weixin.qq.com
    wechat_oa_appid: str = ""  # the hospital's official account (服务号); empty: no template-message channel
    wechat_oa_secret: str = ""
    wechat_oa_token: str = ""  # the token set in the account's server configuration (callback signatures)
    wechat_oa_template_id: str = "OA_REMINDER_TEMPLATE"  # first, keyword1 (item), keyword2 (time), remark
    wecom_corpid: str = ""
    wecom_secret: str = ""
    wecom_agentid: str = ""
    wecom_api_base: str = ""
    alipay_app_id: str = ""
    alipay_app_private_key: str = ""
    alipay_public_key: str = ""
    alipay_aes_key: str = ""
    alipay_gateway: str = "https://openapi.alipay.com/gateway.do"
    sms_access_key_id: str = ""
    sms_access_key_secret: str = ""
    sms_sign_name: str = ""
    sms_api_base: str = "https://dysmsapi.aliyuncs.com"
    voice_api_base: str = "https://dyvmsapi.aliyuncs.com"
    platform_timeout_seconds: float = 5.0

    # Follow-up plans and reminders (care/, messaging/)
    care_timezone: str = "Asia/Shanghai"
    quiet_hours_start: str = "21:30"  # local; reminders due inside quiet hours move to its end (not emergencies)
    quiet_hours_end: str = "07:30"
    plan_horizon_days: int = 14  # recurrences are materialised this far ahead and topped up by the scheduler
    reminder_batch_size: int = 500  # occurrences per delivery job
    reminder_lease_seconds: int = 120  # a picked-up occurrence not finished by then is re-enqueued
    delivery_max_attempts: int = 3  # per channel, for retryable errors
    delivery_retry_base_seconds: int = 30  # backoff: base * 4^(attempt-1)
    delivery_concurrency: int = 8  # remote calls in flight per delivery job
    sms_up_callback_token: str = ""  # secret path part of the SMS reply callback; empty: no callback
    push_max_per_week: int = 2  # education pushes a patient gets in 7 days at most
    wechat_reminder_template_id: str = "REMINDER_TEMPLATE"
    wechat_alert_template_id: str = "HEALTH_ALERT_TEMPLATE"
    sms_template_reminder: str = "SMS_REMINDER"  # params: name, time, item
    sms_template_alert: str = "SMS_HEALTH_ALERT"  # params: name, detail
    sms_template_family: str = "SMS_FAMILY_NOTICE"  # params: name (the patient), time, item
    voice_tts_reminder: str = "TTS_REMINDER"  # params: name, item
    voice_tts_alert: str = "TTS_HEALTH_ALERT"  # params: name, detail
    voice_show_number: str = ""

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_dir / 'kangban.db'}"


def load_settings(**overrides: object) -> Settings:
    """Environment first, then instance/kangban.env (written by `flask init-instance`), then defaults."""
    env_file = _instance_dir() / "kangban.env"
    return Settings(_env_file=env_file if env_file.exists() else None, **overrides)  # type: ignore[call-arg]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings for code that runs outside a request (workers, CLI)."""
    return load_settings()
