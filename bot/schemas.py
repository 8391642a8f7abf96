"""Request and response models of the bot API (shape fixed by design/BOT_CONTRACT.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from core.api import ApiModel

MAX_TEXT_CHARS = 500

Urgency = Literal["emergency", "urgent", "routine"]
# "fallback": answered in-process, without Rasa — Rasa down or over its time budget, a greeting, or a red flag
# the safety rules already caught (an emergency answer never waits for the model).
Source = Literal["rasa", "fallback"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank")
    return value


# What a patient typed: 1-500 characters, not only whitespace.
PatientText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS), AfterValidator(_not_blank)]


class UnderstandIn(ApiModel):
    text: PatientText = Field(description="患者说的话，1-500 字")


class DepartmentScore(BaseModel):
    name: str = Field(description="科室名（合同里的 25 个之一）")
    score: float = Field(ge=0, le=1)


class Entity(BaseModel):
    entity: str
    value: str


class Understanding(BaseModel):
    """What the bot understood from one message."""

    intent: str
    confidence: float = Field(ge=0, le=1)
    department: str | None = Field(None, description="推荐科室；与症状/检查无关时为 null")
    departments: list[DepartmentScore] = Field(default_factory=list, max_length=3)
    urgency: Urgency
    red_flags: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    source: Source


class ChatIn(ApiModel):
    text: PatientText = Field(description="患者发的文字，1-500 字")
    client_msg_id: str | None = Field(None, max_length=64, description="客户端消息 id，重发时用来去重")


class ChatMessageOut(BaseModel):
    id: str
    direction: str
    channel: str
    text: str
    intent: str | None = None
    created_at: datetime


class ChatReplyOut(BaseModel):
    message_id: str
    reply: str | None = Field(description="机器人的回答；转人工期间为 null，由工作人员回复")
    mode: str = Field(description="idle | triage | handed_over")
    understanding: Understanding
    task_id: str | None = None


class ChatHistory(BaseModel):
    items: list[ChatMessageOut]
