"""One error envelope for every API error: {"error": {"code", "message", "request_id"}}."""

from __future__ import annotations

from typing import Any

import structlog
from flask import Flask, Response, g, jsonify, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException

from core import db

log = structlog.get_logger(__name__)

# Stable codes for HTTP-level failures; messages are what a patient reads.
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不对，请检查后再试。"),
    401: ("unauthorized", "登录已过期，请重新登录。"),
    403: ("forbidden", "您没有权限进行这个操作。"),
    404: ("not_found", "没有找到您要的内容。"),
    405: ("method_not_allowed", "不支持这种请求方式。"),
    409: ("conflict", "操作冲突，请刷新后再试。"),
    413: ("payload_too_large", "提交的内容太大了，请精简后再试。"),
    415: ("unsupported_media_type", "请用 JSON 格式提交。"),
    422: ("validation_error", "填写的内容有误，请检查后再试。"),
    429: ("too_many_requests", "操作太频繁了，请稍等一会儿再试。"),
    500: ("internal_error", "系统开小差了，请稍后再试。我们已经记录了这个问题。"),
    502: ("upstream_error", "第三方平台暂时没有响应，请稍后再试。"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试。"),
}


class ApiError(Exception):
    """Raised by views and services; rendered as the envelope with its HTTP status."""

    def __init__(self, status: int, code: str, message: str | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message or HTTP_ERRORS.get(status, HTTP_ERRORS[500])[1]
        self.extra = extra


def envelope(status: int, code: str, message: str, **extra: Any) -> Response:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": g.get("request_id", "")}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    return response


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3 calls this for body/query/path validation failures."""
    fields = [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "type": err["type"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]
    return envelope(422, "validation_error", HTTP_ERRORS[422][1], fields=fields)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return envelope(exc.status, exc.code, exc.message, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if exc.response is not None and exc.response.is_json:  # already an envelope (validation)
            return exc.response
        status = exc.code or 500
        code, message = HTTP_ERRORS.get(status, (f"http_{status}", exc.description or ""))
        response = envelope(status, code, message)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        db.session().rollback()
        log.exception("unhandled_error", path=request.path)
        return envelope(500, *HTTP_ERRORS[500])


class ErrorBody(BaseModel):
    code: str = Field(description="stable snake_case code, e.g. validation_error")
    message: str = Field(description="Chinese text to show the user")
    request_id: str
    fields: list[dict[str, str]] | None = Field(None, description="validation_error: which fields are wrong")


class ErrorEnvelope(BaseModel):
    """Every API error has this shape."""

    error: ErrorBody
