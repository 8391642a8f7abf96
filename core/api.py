"""Helpers every API view uses: the caller, the request context, JSON pre-checks, responses."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, g, request
from pydantic import BaseModel, ConfigDict

from core import db
from core.errors import ApiError
from identity import tokens
from identity.access import Actor, actor_for
from identity.audit import RequestContext

BEARER = [{"bearerAuth": []}]
SECURITY_SCHEMES = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


class ApiModel(BaseModel):
    """Request bodies: unknown fields and type coercion are errors, not guesses."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


def settings() -> Any:
    return current_app.config["SETTINGS"]


def request_context() -> RequestContext:
    return RequestContext(ip=request.remote_addr, user_agent=request.user_agent.string, request_id=g.get("request_id"))


def current_actor(*, linked: bool = True, kinds: tuple[str, ...] = ("patient",)) -> Actor:
    """The authenticated caller, of one of `kinds` (patient, staff).

    `linked` requires a patient account, not just a platform identity still waiting for its phone.
    """
    if "actor" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "missing_token", "请先登录。")
        family = tokens.authenticate(db_session=db.session(), settings=settings(), access_token=token.strip())
        g.actor = actor_for(db_session=db.session(), family=family)
    actor: Actor = g.actor
    if actor.kind not in kinds:
        if actor.kind == "patient":
            raise ApiError(403, "staff_only", "这个功能只对医院工作人员开放。")
        raise ApiError(403, "patients_only", "这个功能只对患者开放。")
    if actor.kind == "patient" and linked and actor.patient_id is None:
        raise ApiError(403, "phone_required", "请先验证手机号，完成后就能使用全部功能。", needs_phone=True)
    return actor


def current_staff() -> Actor:
    """The authenticated hospital staff member (403 for a patient)."""
    return current_actor(kinds=("staff",))


def ok(model: BaseModel | None = None, status: int = 200) -> Response:
    if model is None:
        return Response(status=204)
    # pydantic's own serializer: faster than model_dump + jsonify, and Chinese as UTF-8 rather than \u escapes
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


# NUL is no character a person types, and PostgreSQL refuses to store it in text: without this check, a name or
# message holding one reached the database and failed there (the fuzzer found it on staff login).
def nul_refused() -> ApiError:
    return ApiError(400, "invalid_characters", "内容里有无法识别的字符，请删掉后再试。")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_in_url() -> None:
        """%00 in a path or query string decodes to NUL: refused like one in a body."""
        if request.path.startswith("/api/") and (
            "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(multi=True))
        ):
            raise nul_refused()

    @app.before_request
    def _check_json_body() -> None:
        """Bodies of API writes must be JSON objects in UTF-8; say so clearly instead of guessing."""
        if not request.path.startswith("/api/") or request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.content_length and request.content_length > app.config["MAX_CONTENT_LENGTH"]:
            raise ApiError(413, "payload_too_large", "提交的内容太大了，请精简后再试。")
        raw = request.get_data(cache=True)
        if not raw:
            return
        if request.path.startswith("/api/v1/callbacks/") and request.mimetype in ("text/xml", "application/xml"):
            return  # WeChat pushes XML; the callback verifies its signature and parses it
        if request.mimetype != "application/json":
            raise ApiError(415, "unsupported_media_type", "请用 JSON 格式提交（Content-Type: application/json）。")
        try:
            body = raw.decode("utf-8")
            parsed = json.loads(body)
        except UnicodeDecodeError as exc:
            raise ApiError(400, "invalid_encoding", "内容不是 UTF-8 编码，请检查后再试。") from exc
        except json.JSONDecodeError as exc:
            raise ApiError(400, "invalid_json", "提交的内容不是有效的 JSON。") from exc
        # platform callbacks speak the platform's format (Aliyun pushes JSON arrays); their models validate them
        if not isinstance(parsed, dict) and not request.path.startswith("/api/v1/callbacks/"):
            raise ApiError(400, "invalid_json", "提交的内容应该是一个 JSON 对象。")
        if "\\u0000" in body and _holds_nul(parsed):  # the escape is the only way JSON carries NUL
            raise nul_refused()
