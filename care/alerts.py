"""Vitals alerts in three tiers, with per-patient thresholds (defaults per condition).

mild     → a tip to the patient (a delivered message, quiet hours respected);
moderate → a `vitals_alert` staff task (high) for the patient's team;
severe   → an emergency message to the patient and the consenting family at once (quiet hours ignored)
           and an urgent `phone_call` staff task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from care import texts
from care.models import Occurrence, VitalReading, VitalThreshold
from care.schedule import Clock
from console import service as console_service
from identity.models import Patient

TIERS = ("mild", "moderate", "severe")
CONDITIONS = ("hypertension", "diabetes")


def _rule(metric: str, direction: str, mild: float, moderate: float, severe: float, context: str | None = None) -> dict[str, Any]:
    return {"metric": metric, "direction": direction, "context": context, "mild": mild, "moderate": moderate, "severe": severe}


BLOOD_PRESSURE = [
    _rule("systolic", "high", 140, 160, 180), _rule("diastolic", "high", 90, 100, 110), _rule("systolic", "low", 90, 80, 70),
]
GLUCOSE = [
    _rule("value", "high", 7.0, 10.0, 16.7, "fasting"), _rule("value", "high", 10.0, 13.9, 16.7, "after_meal"),
    _rule("value", "high", 11.1, 13.9, 16.7, "random"), _rule("value", "low", 3.9, 3.0, 2.8),
]
CONDITION_DEFAULTS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "hypertension": {"blood_pressure": BLOOD_PRESSURE},
    "diabetes": {"glucose": GLUCOSE},
}
GENERAL_DEFAULTS: dict[str, list[dict[str, Any]]] = {
    "blood_pressure": BLOOD_PRESSURE,
    "glucose": GLUCOSE,
    "spo2": [_rule("value", "low", 95, 93, 90)],
    "heart_rate": [_rule("value", "high", 100, 120, 150), _rule("value", "low", 55, 50, 40)],
    "temperature": [_rule("value", "high", 37.3, 38.5, 39.5)],
}
GLUCOSE_CONTEXT = {"fasting": "空腹血糖", "after_meal": "餐后血糖", "random": "血糖"}


@dataclass(frozen=True)
class Finding:
    tier: str
    direction: str
    reading_text: str


def describe(reading: VitalReading) -> str:
    if reading.kind == "blood_pressure":
        return f"血压 {reading.systolic}/{reading.diastolic} mmHg"
    value = f"{reading.value:g}"
    if reading.kind == "glucose":
        return f"{GLUCOSE_CONTEXT.get(reading.context or 'random', '血糖')} {value} mmol/L"
    return {"spo2": f"血氧 {value}%", "heart_rate": f"心率 {value} 次/分", "temperature": f"体温 {value}°C",
            "weight": f"体重 {value} kg"}.get(reading.kind, f"{reading.kind} {value}")


def thresholds_for(*, db_session: Session, patient_id: str) -> dict[str, dict[str, Any]]:
    """Effective rules per kind: the patient's own, else the general defaults."""
    effective = {kind: {"rules": rules, "condition": None, "source": "default"} for kind, rules in GENERAL_DEFAULTS.items()}
    for row in db_session.scalars(select(VitalThreshold).where(VitalThreshold.patient_id == patient_id)):
        effective[row.kind] = {"rules": row.rules, "condition": row.condition, "source": "patient"}
    return effective


def set_thresholds(
    *, db_session: Session, patient_id: str, condition: str | None, custom: dict[str, list[dict[str, Any]]], by: str,
    now: datetime,
) -> None:
    """Applies a condition's defaults, then custom rules per kind, to the patient."""
    wanted: dict[str, tuple[list[dict[str, Any]], str | None]] = {}
    if condition:
        for kind, rules in CONDITION_DEFAULTS[condition].items():
            wanted[kind] = (rules, condition)
    for kind, rules in custom.items():
        wanted[kind] = (rules, wanted.get(kind, ([], condition))[1])
    for kind, (rules, cond) in wanted.items():
        row = db_session.scalar(select(VitalThreshold).where(VitalThreshold.patient_id == patient_id,
                                                             VitalThreshold.kind == kind))
        if row is None:
            row = VitalThreshold(patient_id=patient_id, kind=kind, rules=rules, condition=cond, updated_by=by, updated_at=now)
            db_session.add(row)
        row.rules, row.condition, row.updated_by, row.updated_at = rules, cond, by, now
    db_session.flush()


def evaluate(reading: VitalReading, rules: list[dict[str, Any]]) -> Finding | None:
    """The worst tier any rule gives the reading, or None when it is in range."""
    worst: tuple[int, str] | None = None
    for rule in rules:
        if rule.get("context") and reading.kind == "glucose" and rule["context"] != (reading.context or "random"):
            continue
        value = getattr(reading, rule["metric"], None)
        if value is None:
            continue
        for rank, tier in reversed(list(enumerate(TIERS))):
            limit = float(rule[tier])
            hit = value >= limit if rule["direction"] == "high" else value < limit
            if hit:
                if worst is None or rank > worst[0]:
                    worst = (rank, rule["direction"])
                break
    if worst is None:
        return None
    return Finding(tier=TIERS[worst[0]], direction=worst[1], reading_text=describe(reading))


def raise_alerts(*, db_session: Session, reading: VitalReading, clock: Clock, now: datetime) -> tuple[Finding | None, str | None]:
    """Acts on the reading's tier; returns the finding and the id of a message occurrence to send at once, if any."""
    patient = db_session.get(Patient, reading.patient_id)
    assert patient is not None
    rules = thresholds_for(db_session=db_session, patient_id=patient.id).get(reading.kind, {}).get("rules", [])
    finding = evaluate(reading, rules)
    if finding is None:
        return None, None
    name = texts.salutation(patient, year=clock.today(now).year)
    detail = {"reading_id": reading.id, "reading": finding.reading_text, "tier": finding.tier, "direction": finding.direction}
    word = "偏高" if finding.direction == "high" else "偏低"
    ref = f"vital:{reading.id}"
    if finding.tier == "moderate":
        console_service.open_task(db_session=db_session, patient=patient, kind="vitals_alert", priority="high",
                                  title=f"{finding.reading_text} {word}，请联系患者", detail=detail, source_ref=ref)
        return finding, None
    if finding.tier == "mild":
        occ = _message(patient=patient, reading=reading, kind="vitals_tip", title="健康小提示", emergency=False, clock=clock,
                       now=now, content=texts.vitals_tip(name=name, reading=finding.reading_text, direction=finding.direction,
                                                kind=reading.kind),
                       channels=["wechat_subscribe", "sms"], steps=[])
        db_session.add(occ)
        db_session.flush()
        return finding, occ.id
    console_service.open_task(db_session=db_session, patient=patient, kind="phone_call", priority="urgent",
                              title=f"紧急：{finding.reading_text} 严重{word}，请立即电话联系", detail=detail, source_ref=ref)
    occ = _message(patient=patient, reading=reading, kind="vitals_emergency", title="健康紧急提醒", emergency=True, clock=clock,
                   now=now, content=texts.vitals_emergency(name=name, reading=finding.reading_text,
                                                           direction=finding.direction, kind=reading.kind),
                   channels=["sms", "voice", "wechat_subscribe"], steps=[{"action": "family", "after_minutes": 0}])
    occ.family_content = texts.vitals_emergency_family(patient_name=name, reading=finding.reading_text,
                                                       direction=finding.direction)
    db_session.add(occ)
    db_session.flush()
    return finding, occ.id


def _message(
    *, patient: Patient, reading: VitalReading, kind: str, title: str, content: str, emergency: bool, clock: Clock,
    now: datetime, channels: list[str], steps: list[dict[str, Any]],
) -> Occurrence:
    due = now if emergency else clock.after_quiet_hours(now)
    return Occurrence(patient_id=patient.id, plan_id=None, node_key=kind, slot_key=f"vital:{reading.id}", kind=kind, title=title,
                      content=content, slot_at=now, due_at=due, channels=channels, steps=steps, emergency=emergency,
                      state="pending", step=0, next_action_at=due, created_at=now)
