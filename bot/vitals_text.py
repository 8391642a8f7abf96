"""Reads a vital-sign reading out of a chat message ("血压150/90", "高压一百五低压九十", "空腹血糖7.8")."""

from __future__ import annotations

import re

from pydantic import ValidationError

from bot.text import normalize
from care.schemas import BloodPressure, Glucose, HeartRate, SpO2, Temperature, VitalIn, Weight

_BP = re.compile(r"(\d{2,3})\s*[/／\\比]\s*(\d{2,3})")
_BP_WORDS = re.compile(r"(?:高压|收缩压|上压|血压)\D{0,3}(\d{2,3}).{0,6}?(?:低压|舒张压|下压)\D{0,3}(\d{2,3})")
# "血压150 85", "血压150，85": two numbers after 血压, as people say them (and speech recognition writes them)
_BP_SPOKEN = re.compile(r"血压\D{0,4}?(\d{2,3})\s*[,，、\s]\s*(\d{2,3})(?!\s*[.\d])")
_NUMBER = r"(\d{1,3}(?:\.\d{1,2})?)"
_SINGLE = (  # (pattern, model, unit conversion)
    (re.compile(r"血糖\D{0,4}" + _NUMBER), Glucose),
    (re.compile(r"体温\D{0,3}" + _NUMBER), Temperature),
    (re.compile(r"(?:血氧|氧饱和度)\D{0,3}" + _NUMBER), SpO2),
    (re.compile(r"(?:心率|脉搏|心跳)\D{0,3}" + _NUMBER), HeartRate),
    (re.compile(r"体重\D{0,3}" + _NUMBER + r"\s*(公斤|kg|千克|斤)?", re.IGNORECASE), Weight),
)
_GLUCOSE_CONTEXT = (("空腹", "fasting"), ("餐后", "after_meal"), ("饭后", "after_meal"))
DESCRIBE = {"glucose": "血糖 {value} mmol/L", "temperature": "体温 {value}℃", "spo2": "血氧 {value}%",
            "heart_rate": "心率 {value} 次/分", "weight": "体重 {value} 公斤"}


def parse(text: str) -> VitalIn | None:
    """The first plausible reading in the text, validated like the API validates it; None if there is none."""
    clean = normalize(text)
    try:
        bp = (_BP_WORDS.search(clean) or (_BP.search(clean) if "压" in clean or "bp" in clean.lower() else None)
              or _BP_SPOKEN.search(clean))
        if bp:
            return BloodPressure(kind="blood_pressure", systolic=int(bp.group(1)), diastolic=int(bp.group(2)))
        for pattern, model in _SINGLE:
            match = pattern.search(clean)
            if not match:
                continue
            value = float(match.group(1))
            if model is Weight and match.group(2) == "斤":
                value = value / 2
            extra = {}
            if model is Glucose:
                extra["context"] = next((c for word, c in _GLUCOSE_CONTEXT if word in clean), "random")
            return model(kind=model.model_fields["kind"].annotation.__args__[0], value=value, **extra)  # type: ignore[call-arg,attr-defined]
    except ValidationError:
        return None
    return None


def describe(reading: VitalIn) -> str:
    if isinstance(reading, BloodPressure):
        return f"血压 {reading.systolic}/{reading.diastolic} mmHg"
    value = f"{reading.value:g}"
    return DESCRIBE[reading.kind].format(value=value)
