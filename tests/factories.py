"""Test data made through the same services the app uses."""

from __future__ import annotations

from typing import Any

from identity import staff as staff_service
from identity.models import Hospital, Patient, Team

PASSWORD = "correct horse battery staple"


def hospital_with_teams(app: Any, *team_names: str) -> dict[str, str]:
    from core import db

    with app.app_context():
        session = db.session()
        hospital = Hospital(name="测试医院")
        session.add(hospital)
        session.flush()
        teams = {}
        for name in team_names:
            team = Team(hospital_id=hospital.id, name=name)
            session.add(team)
            session.flush()
            teams[name] = team.id
        session.commit()
        return {"hospital": hospital.id, **teams}


def staff_user(app: Any, *, hospital_id: str, username: str, role: str, team_id: str | None = None) -> str:
    from core import db

    with app.app_context():
        staff = staff_service.create(db_session=db.session(), hospital_id=hospital_id, username=username, password=PASSWORD,
                                     display_name=username, role=role, team_id=team_id)
        db.session().commit()
        return staff.id


def assign(app: Any, patient_id: str, team_id: str) -> None:
    from core import db

    with app.app_context():
        patient = db.session().get(Patient, patient_id)
        assert patient is not None
        patient.team_id = team_id
        db.session().commit()


def staff_login(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/staff/login", json={"username": username, "password": password})
