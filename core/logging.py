"""structlog set-up: request id on every line, phone numbers / ID numbers / tokens masked."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from flask import Flask, Response, g, request

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
TOKEN = re.compile(r"(Bearer\s+|rt_|eyJ)[A-Za-z0-9._\-]{8,}")
SECRET_KEYS = {"password", "token", "access_token", "refresh_token", "sms_code", "code", "secret",
               "phone_code", "auth_code", "authorization", "session_key", "id_number", "card_no"}


def mask_text(text: str) -> str:
    text = ID_NUMBER.sub(r"\1********\2", text)
    text = PHONE.sub(r"\1****\2", text)
    return TOKEN.sub(lambda m: m.group(1) + "***", text)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: ("***" if str(k).lower() in SECRET_KEYS else _mask(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(v) for v in value]
    return value


def mask_processor(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k.lower() in SECRET_KEYS else _mask(v)) for k, v in event_dict.items()}


class _CurrentStderr:
    """Whatever sys.stderr is at write time (gunicorn, pytest's capture), not at configure time."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure(*, json: bool, level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper())
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )


REQUEST_ID = re.compile(r"^[A-Za-z0-9\-_.]{1,64}$")


def init_app(app: Flask) -> None:
    log = structlog.get_logger("kangban.request")

    @app.before_request
    def _bind_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        elapsed_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
        log.info("request", method=request.method, path=request.path, status=response.status_code, ms=elapsed_ms)
        return response
