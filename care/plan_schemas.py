"""Plan templates as data: task nodes with a schedule, channel order and escalation steps; API models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from croniter import croniter
from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

NODE_KINDS = ("follow_up", "medication", "rehab", "education", "survey")
CHANNELS = ("wechat_subscribe", "wecom", "sms", "voice")
ACTIONS = ("remind", "sms", "voice", "family", "staff")
MAX_RECURRENCE_DAYS = 3660
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Channel = Literal["wechat_subscribe", "wechat_oa", "wecom", "sms", "voice"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class OffsetSchedule(_Strict):
    """Once: `days` after the plan's start day, at `time` (Asia/Shanghai)."""

    type: Literal["offset"]
    days: int = Field(ge=0, le=MAX_RECURRENCE_DAYS)
    time: str = Field(description="HH:MM local time")

    @field_validator("time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("time must be HH:MM")
        return value


class RRuleSchedule(_Strict):
    """An RFC 5545 RRULE counted from the plan's start day at 00:00 local, e.g. FREQ=DAILY;BYHOUR=8;BYMINUTE=0."""

    type: Literal["rrule"]
    rule: str = Field(min_length=5, max_length=300)
    for_days: int | None = Field(None, ge=1, le=MAX_RECURRENCE_DAYS, description="stop after this many days")

    @field_validator("rule")
    @classmethod
    def _parses(cls, value: str) -> str:
        if "DTSTART" in value.upper():
            raise ValueError("the rule starts on the plan's start day; leave DTSTART out")
        try:
            rrulestr(value, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a valid RRULE: {exc}") from exc
        return value


class CronSchedule(_Strict):
    """A five-field cron expression in local time, e.g. `0 8,20 * * *`."""

    type: Literal["cron"]
    expr: str = Field(min_length=9, max_length=100)
    for_days: int | None = Field(None, ge=1, le=MAX_RECURRENCE_DAYS)

    @field_validator("expr")
    @classmethod
    def _parses(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError("not a valid five-field cron expression")
        return value


Schedule = Annotated[OffsetSchedule | RRuleSchedule | CronSchedule, Field(discriminator="type")]


class EscalationStep(_Strict):
    """If the reminder is still not acknowledged `after_minutes` after the previous step, do `action`."""

    action: Literal["remind", "sms", "voice", "family", "staff"]
    after_minutes: int = Field(ge=0, le=7 * 24 * 60)


class NodeSpec(_Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
    kind: Literal["follow_up", "medication", "rehab", "education", "survey"]
    title: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=500, description="may use {name} (称呼) and {time} (本地时间)")
    schedule: Schedule
    channels: list[Channel] = Field(default_factory=lambda: ["wechat_subscribe", "sms"], min_length=1, max_length=4)
    escalation: list[EscalationStep] = Field(default_factory=list, max_length=8)
    emergency: bool = Field(False, description="ignores quiet hours")

    @field_validator("channels")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a channel appears twice")
        return value


class TemplateIn(_Strict):
    name: str = Field(min_length=1, max_length=100)
    condition: str | None = Field(None, max_length=32)
    nodes: list[NodeSpec] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique_keys(self) -> TemplateIn:
        keys = [n.key for n in self.nodes]
        if len(set(keys)) != len(keys):
            raise ValueError("node keys must be unique")
        return self


class TemplateOut(BaseModel):
    id: str
    name: str
    condition: str | None
    nodes: list[NodeSpec]
    version: int
    active: bool
    updated_at: datetime


class TemplateList(BaseModel):
    items: list[TemplateOut]


class AssignIn(_Strict):
    template_id: str = Field(max_length=40)
    start_date: str | None = Field(None, description="YYYY-MM-DD local; default today")

    @field_validator("start_date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)
        return value


class PlanChangeIn(_Strict):
    nodes: list[NodeSpec] = Field(min_length=1, max_length=50)


class ReminderOut(BaseModel):
    id: str
    plan_id: str | None
    kind: str
    title: str
    content: str
    due_at: datetime
    state: str
    acknowledged_at: datetime | None = None


class PlanOut(BaseModel):
    id: str
    name: str
    status: str
    start_date: date
    nodes: list[dict[str, object]]


class PlansOut(BaseModel):
    plans: list[PlanOut]
    reminders: list[ReminderOut] = Field(description="recent and upcoming reminders, soonest first")


class SurveyIn(_Strict):
    score: int = Field(ge=1, le=5, description="满意度 1-5 分（5 分最满意）")
    comment: str | None = Field(None, max_length=500, description="想对医院说的话（可不填）")


class SurveyOut(BaseModel):
    reminder_id: str
    score: int
    comment: str | None
    answered_at: datetime


class AckOut(BaseModel):
    id: str
    state: str
    acknowledged_at: datetime


class TimelineEntry(BaseModel):
    at: datetime
    type: str  # reminder | delivery | escalation | staff_task | acknowledged
    occurrence_id: str | None = None
    title: str
    detail: dict[str, object] = Field(default_factory=dict)


class TimelineOut(BaseModel):
    items: list[TimelineEntry]
