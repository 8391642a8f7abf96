"""Bot API: `POST /api/v1/bot/understand` (design/BOT_CONTRACT.md). No login needed; rate-limited per IP."""

from __future__ import annotations

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from bot.runtime import understand_text
from bot.schemas import UnderstandIn, Understanding
from core.api import ok

bot_bp = APIBlueprint("bot", __name__, url_prefix="/api/v1/bot")
TAG = Tag(name="bot", description="智能导诊：意图、科室、紧急程度")


@bot_bp.post("/understand", tags=[TAG], responses={200: Understanding})
def understand(body: UnderstandIn) -> Response:
    """Understands one patient message: intent, department, urgency and red flags."""
    return ok(understand_text(body.text, rate_limit_key=f"bot:understand:{request.remote_addr or 'unknown'}"))
