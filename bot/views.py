"""Bot API: `POST /api/v1/bot/understand` (design/BOT_CONTRACT.md). No login needed; rate-limited per IP."""

from __future__ import annotations

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from bot.runtime import bot_settings, understand_text
from bot.schemas import UnderstandIn, Understanding
from core import redis as redis_ext
from core.api import ok
from core.errors import ApiError

bot_bp = APIBlueprint("bot", __name__, url_prefix="/api/v1/bot")
TAG = Tag(name="bot", description="智能导诊：意图、科室、紧急程度")


@bot_bp.post("/understand", tags=[TAG], responses={200: Understanding})
def understand(body: UnderstandIn) -> Response:
    """Understands one patient message: intent, department, urgency and red flags."""
    settings = bot_settings()
    if redis_ext.hit_rate_limit(f"bot:understand:{request.remote_addr or 'unknown'}", limit=settings.bot_rate_limit,
                                window_seconds=settings.bot_rate_window_seconds):
        raise ApiError(429, "too_many_requests", "您发送得太快了，请稍等一会儿再试。")
    return ok(understand_text(body.text))
