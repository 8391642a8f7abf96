"""Demo data for a newcomer's first run: a hospital, a team, three staff users, a few patients."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import faq
from care import service as care_service
from care.schemas import BloodPressure, Glucose
from core.db import utcnow
from identity import service as identity_service
from identity import staff as staff_service
from identity.models import Hospital, Team

DEMO_HOSPITAL = "康伴示范医院"
DEMO_STAFF = (("admin", "系统管理员", "admin"), ("hm_li", "李健康管理师", "health_manager"), ("dr_wang", "王医生", "doctor"))
DEMO_PATIENTS = (("13800000001", "张桂兰"), ("13800000002", "李建国"), ("13800000003", "王秀英"))


def seed(*, db_session: Session) -> list[str]:
    """Idempotent; the demo staff passwords are random and kept in the instance folder."""
    settings = current_app.config["SETTINGS"]
    credentials_file = settings.instance_dir / "demo-credentials.txt"
    if db_session.scalar(select(Hospital).where(Hospital.name == DEMO_HOSPITAL)) is not None:
        return [credentials_file.read_text() if credentials_file.exists() else "demo data already present"]
    hospital = Hospital(name=DEMO_HOSPITAL)
    db_session.add(hospital)
    db_session.flush()
    team = Team(hospital_id=hospital.id, name="心内科随访组")
    db_session.add(team)
    db_session.flush()
    lines = [f"{DEMO_HOSPITAL}: staff console logins (POST /api/v1/staff/login)"]
    for username, display_name, role in DEMO_STAFF:
        password = secrets.token_urlsafe(9)
        staff_service.create(db_session=db_session, hospital_id=hospital.id, username=username, password=password,
                             display_name=display_name, role=role, team_id=team.id, wecom_userid=username)
        lines.append(f"  {role:15} {username:8} {password}")
    for phone, name in DEMO_PATIENTS:
        patient = identity_service.create(db_session=db_session, phone=phone, name=name, channel="kiosk",
                                          policy_version=settings.privacy_policy_version)
        patient.team_id = team.id
        for days_ago, (sys_bp, dia_bp, glucose) in enumerate(((138, 86, 6.1), (146, 92, 7.4), (151, 95, 6.8))):
            when = utcnow() - timedelta(days=days_ago, hours=1)
            for reading in (BloodPressure(kind="blood_pressure", systolic=sys_bp, diastolic=dia_bp, measured_at=when),
                            Glucose(kind="glucose", value=glucose, context="fasting", measured_at=when)):
                care_service.record_vital(db_session=db_session, patient_id=patient.id, reading=reading,
                                          source="staff", recorded_by="seed-demo")
    faq.seed_starter_entries(db_session=db_session)
    lines.append("demo patients (log in at a kiosk with phone + SMS code): " + ", ".join(p for p, _ in DEMO_PATIENTS))
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text("\n".join(lines) + "\n")
    credentials_file.chmod(0o600)
    return lines
