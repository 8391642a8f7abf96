"""康伴 Kangban: app factory and CLI (`flask --app app <command>`)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_openapi3 import Info, OpenAPI
from sqlalchemy import text

from core import api, crypto, db, errors, platforms
from core import logging as app_logging
from core import redis as redis_ext
from core.config import Settings, load_settings

REQUIRED_SECRETS = ("token_signing_key", "field_encryption_key", "lookup_hash_key")


def create_app(config: dict[str, Any] | None = None) -> OpenAPI:
    """Builds the web app. `config` overrides settings (tests); otherwise environment + instance env file."""
    settings: Settings = load_settings(**(config or {}))
    missing = [name.upper() for name in REQUIRED_SECRETS if not getattr(settings, name)]
    if missing:
        raise RuntimeError(f"missing secrets {missing}: set them, or run `flask --app app init-instance` for a local run")

    app = OpenAPI(
        __name__,
        info=Info(title="康伴 Kangban API", version="1.0.0", description="医院患者随访与健康管理后端"),
        security_schemes=api.SECURITY_SCHEMES,
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=errors.ErrorEnvelope,
        validation_error_callback=errors.validation_error_response,
        responses={"4XX": errors.ErrorEnvelope, "5XX": errors.ErrorEnvelope},
    )
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    app_logging.configure(json=settings.log_json, level=settings.log_level)
    crypto.configure(crypto.FieldCipher(settings.field_encryption_key, settings.lookup_hash_key))
    app_logging.init_app(app)
    errors.init_app(app)
    db.init_app(app)
    redis_ext.init_app(app)
    platforms.init_app(app)
    api.init_app(app)

    from bot.views import bot_bp
    from care.callback_views import callbacks_bp
    from care.cohort_views import cohorts_bp
    from care.plan_views import plans_bp
    from care.staff_views import staff_care_bp
    from care.views import bp as care_bp
    from console.views import bp as console_bp
    from miniprogram_api import bp as miniprogram_bp

    app.register_api(miniprogram_bp)
    app.register_api(care_bp)
    app.register_api(console_bp)
    app.register_api(bot_bp)
    app.register_api(plans_bp)
    app.register_api(staff_care_bp)
    app.register_api(cohorts_bp)
    app.register_api(callbacks_bp)

    @app.get("/healthz", doc_ui=False)
    def healthz() -> Response:
        db.session().execute(text("SELECT 1"))
        redis_ext.client().ping()
        return jsonify({"status": "ok"})

    from core.cli import register_cli

    register_cli(app)
    return app
