"""Shared by the care and messaging tests: time travel (ours and the sandbox's), the scheduler + worker loop,
staff set-up, sandbox inspection."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
import time_machine
from rq import SimpleWorker
from sqlalchemy import select

from core import db
from core import redis as redis_ext
from core.redis import QUEUE_NAMES
from core.scheduler import tick
from tests import factories
from tests.phone import new_phone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    """A wall-clock time in Shanghai, as an aware datetime."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


class Clock:
    """Moves our clock (time-machine) and the sandbox's with it, so signed timestamps and token expiry agree."""

    def __init__(self, sandbox_base: str) -> None:
        self.sandbox = sandbox_base
        self._traveller: Any = None
        self._sandbox_offset = 0.0
        self.now: datetime | None = None

    def to(self, when: datetime) -> None:
        self.stop()
        self._traveller = time_machine.travel(when, tick=True)
        self._traveller.start()
        self.now = when
        wanted = when.timestamp() - time_machine.escape_hatch.time.time()
        if abs(wanted - self._sandbox_offset) > 1:
            requests.post(f"{self.sandbox}/_sandbox/clock", json={"advance_seconds": wanted - self._sandbox_offset},
                          timeout=5).raise_for_status()
            self._sandbox_offset = wanted

    def advance(self, **delta: float) -> None:
        assert self.now is not None
        self.to(self.now + timedelta(**delta))

    def back_to_real_time(self) -> None:
        """Our clock and the sandbox's back to the wall clock (for work done by real subprocesses)."""
        self.stop()
        if self._sandbox_offset:
            requests.post(f"{self.sandbox}/_sandbox/clock", json={"advance_seconds": -self._sandbox_offset},
                          timeout=5).raise_for_status()
            self._sandbox_offset = 0.0
        self.now = None

    def stop(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None


def drain(app: Any, queues: tuple[str, ...] = QUEUE_NAMES) -> None:
    with app.app_context():
        SimpleWorker([redis_ext.queue(q) for q in queues], connection=redis_ext.client()).work(burst=True)


def cycle(app: Any) -> None:
    """One scheduler tick, then real RQ workers drain every queue (the dispatcher's batches included)."""
    with app.app_context():
        tick()
    drain(app)


class Sandbox:
    def __init__(self, base: str, settings: Any) -> None:
        self.base, self.settings = base, settings

    def messages(self, to: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("to", to), ("channel", channel)) if v}
        return list(requests.get(f"{self.base}/_sandbox/messages", params=params, timeout=5).json()["messages"])

    def grant(self, openid: str, credits: int = 0, long_term: bool = False, template: str | None = None) -> None:
        body: dict[str, Any] = {"appid": self.settings.wechat_appid, "openid": openid,
                                "template_id": template or self.settings.wechat_reminder_template_id}
        body.update({"long_term": True} if long_term else {"credits": credits})
        requests.post(f"{self.base}/_sandbox/wechat/subscriptions", json=body, timeout=5).raise_for_status()

    def fault(self, **fault: Any) -> None:
        requests.post(f"{self.base}/_sandbox/faults", json=fault, timeout=5).raise_for_status()

    def pending_faults(self) -> list[dict[str, Any]]:
        return list(requests.get(f"{self.base}/_sandbox/faults", timeout=5).json()["faults"])


def patient(app: Any, phones: Any, *, name: str | None = "王秀英", gender: str = "女", birth_year: int = 1956) -> Any:
    """A patient logged in from the WeChat mini-program; `.phone` and `.openid` say where messages go."""
    from identity.models import Patient

    phone = new_phone()
    session = phones.wechat(phone=phone, openid=f"o{phone}")
    session.phone, session.openid = phone, f"o{phone}"
    with app.app_context():
        row = db.session().get(Patient, session.patient_id)
        row.name, row.gender, row.birth_year = name, gender, birth_year
        db.session().commit()
    return session


class Staff:
    """A hospital with one team and a logged-in health manager, talking to the staff API."""

    def __init__(self, app: Any, client: Any) -> None:
        ids = factories.hospital_with_teams(app, "高血压管理组")
        self.team_id = ids["高血压管理组"]
        factories.staff_user(app, hospital_id=ids["hospital"], username="hm_wang", role="health_manager", team_id=self.team_id)
        self.app, self.client = app, client
        self.login()

    def login(self) -> None:
        self.token = factories.staff_login(self.client, "hm_wang").get_json()["access_token"]
        self.logged_in_at = time.time()

    def _h(self) -> dict[str, str]:
        if not 0 <= time.time() - self.logged_in_at < 600:  # our clock jumped: log in again, as staff would
            self.login()
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self._h())

    def post(self, path: str, json: Any = None) -> Any:
        return self.client.post(path, json=json, headers=self._h())

    def put(self, path: str, json: Any = None) -> Any:
        return self.client.put(path, json=json, headers=self._h())

    def patch(self, path: str, json: Any = None) -> Any:
        return self.client.patch(path, json=json, headers=self._h())

    def template(self, *nodes: dict[str, Any], name: str = "高血压用药随访") -> str:
        body = {"name": name, "condition": "hypertension", "nodes": list(nodes)}
        response = self.post("/api/v1/staff/plan-templates", json=body)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def assign(self, patient_id: str, template_id: str, **extra: Any) -> dict[str, Any]:
        factories.assign(self.app, patient_id, self.team_id)
        response = self.post(f"/api/v1/staff/patients/{patient_id}/plans", json={"template_id": template_id, **extra})
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())

    def tasks(self) -> list[dict[str, Any]]:
        return list(self.get("/api/v1/staff/tasks").get_json()["items"])


def medication(key: str = "amlodipine", *, rule: str = "FREQ=DAILY;BYHOUR=8;BYMINUTE=0", channels: list[str] | None = None,
               escalation: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "key": key, "kind": "medication", "title": "吃降压药",
        "content": "{name}，该吃降压药了（氨氯地平 5mg，1片）。吃过了请回复1或点一下“已服药”。",
        "schedule": {"type": "rrule", "rule": rule}, "channels": channels or ["wechat_subscribe", "sms"],
        "escalation": escalation or [], **extra,
    }


def once(key: str, days: int, at: str, **extra: Any) -> dict[str, Any]:
    node = {"key": key, "kind": "follow_up", "title": "电话随访", "content": "{name}，明天医生会给您打随访电话，请留意接听。",
            "schedule": {"type": "offset", "days": days, "time": at}}
    node.update(extra)
    return node


def refresh(session: Any) -> None:
    """The mini-program refreshes its token after a long time away (our clock jumps forward in tests)."""
    response = session.client.post("/api/v1/auth/refresh", json={"refresh_token": session.tokens["refresh"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    session.tokens = {"access": body["access_token"], "refresh": body["refresh_token"]}


def rows(app: Any, model: Any, *where: Any) -> list[Any]:
    with app.app_context():
        return list(db.session().scalars(select(model).where(*where)))

