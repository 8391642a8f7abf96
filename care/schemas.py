"""Vital-sign input: one model per kind, with plausible ranges so typos never become data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Reading(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    measured_at: datetime | None = Field(None, description="When it was measured (ISO 8601 with offset); default now")

    @field_validator("measured_at", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> object:
        if isinstance(value, str):  # strict mode takes no strings for datetimes; JSON has no other form
            try:
                return datetime.fromisoformat(value)
            except ValueError as exc:
                raise ValueError("measured_at must be ISO 8601") from exc
        return value

    @field_validator("measured_at")
    @classmethod
    def _aware_and_not_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("measured_at needs a timezone offset, e.g. +08:00")
        if value > datetime.now(UTC) + timedelta(minutes=5):
            raise ValueError("measured_at is in the future")
        return value.astimezone(UTC)


class BloodPressure(_Reading):
    kind: Literal["blood_pressure"]
    systolic: int = Field(ge=50, le=300, description="mmHg")
    diastolic: int = Field(ge=30, le=200, description="mmHg")
    unit: Literal["mmHg"] = "mmHg"

    @model_validator(mode="after")
    def _systolic_above_diastolic(self) -> BloodPressure:
        if self.systolic <= self.diastolic:
            raise ValueError("systolic must be higher than diastolic")
        return self


class Glucose(_Reading):
    kind: Literal["glucose"]
    value: float = Field(ge=1.0, le=40.0, description="mmol/L")
    unit: Literal["mmol/L"] = "mmol/L"
    context: Literal["fasting", "after_meal", "random"] = "random"


class Weight(_Reading):
    kind: Literal["weight"]
    value: float = Field(ge=2.0, le=350.0, description="kg")
    unit: Literal["kg"] = "kg"


class Temperature(_Reading):
    kind: Literal["temperature"]
    value: float = Field(ge=32.0, le=43.5, description="°C")
    unit: Literal["°C", "C"] = "°C"


class SpO2(_Reading):
    kind: Literal["spo2"]
    value: float = Field(ge=50.0, le=100.0, description="%")
    unit: Literal["%"] = "%"


class HeartRate(_Reading):
    kind: Literal["heart_rate"]
    value: float = Field(ge=20.0, le=250.0, description="beats per minute")
    unit: Literal["bpm"] = "bpm"


VitalIn = Annotated[
    BloodPressure | Glucose | Weight | Temperature | SpO2 | HeartRate, Field(discriminator="kind")
]


class AlertOut(BaseModel):
    tier: Literal["mild", "moderate", "severe"]
    direction: Literal["high", "low"]
    reading: str = Field(description="e.g. 血压 165/102 mmHg")


class VitalOut(BaseModel):
    id: str
    kind: str
    value: float | None = None
    systolic: int | None = None
    diastolic: int | None = None
    unit: str
    context: str | None = None
    measured_at: datetime
    source: str
    alert: AlertOut | None = Field(None, description="set when the reading is out of the patient's range")


class VitalList(BaseModel):
    items: list[VitalOut]
