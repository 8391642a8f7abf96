"""The API as it is deployed: gunicorn with gunicorn.conf.py on the test database. On PostgreSQL its workers are gevent's
greenlets, on SQLite threads; either way many patients at once must all be answered and every message kept."""

from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests import factories
from tests.phone import new_phone
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_gunicorn_answers_many_patients_at_once_and_staff_see_every_alert(app, phones, settings_overrides, database_url,
                                                                          tmp_path):  # type: ignore[no-untyped-def]
    ids = factories.hospital_with_teams(app, "夜班组")
    factories.staff_user(app, hospital_id=ids["hospital"], username="hm_gunicorn", role="health_manager", team_id=ids["夜班组"])
    port = free_port()
    env = {**os.environ, **{k.upper(): str(v) for k, v in settings_overrides.items()},
           "RASA_URLS": f"http://127.0.0.1:{free_port()}"}  # no Rasa: the in-process fallback and safety rules answer
    log = tmp_path / "gunicorn.log"
    with log.open("w") as err:
        server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--workers", "2",
                                   "--access-logfile", str(tmp_path / "access.log"), "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Listening at" not in log.read_text():
            time.sleep(0.2)
        expected = "gthread" if database_url.startswith("sqlite") else "gevent"
        assert f"{expected} workers" in log.read_text()

        def login() -> tuple[str, str]:
            body = {"code": phones.wechat_code(f"o{new_phone()}"), "phone_code": phones.wechat_phone_code(new_phone())}
            answer = requests.post(f"{base}/auth/wechat", json=body, timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json()["patient"]["id"], answer.json()["access_token"]

        def chest_pain(token: str) -> dict[str, object]:
            answer = requests.post(f"{base}/chat/messages", json={"text": "胸口压着疼 喘不上气 一身冷汗"},
                                   headers={"Authorization": f"Bearer {token}", "X-Request-ID": f"chat-{token[-12:]}"},
                                   timeout=10)
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        with ThreadPoolExecutor(8) as pool:  # logins go out to the WeChat sandbox: waits the workers must overlap
            patients = list(pool.map(lambda _: login(), range(8)))
        for patient_id, _ in patients:
            factories.assign(app, patient_id, ids["夜班组"])
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(chest_pain, [token for _, token in patients]))

        assert all("120" in str(a["reply"]) for a in answers)
        # each request's log line carries its own id, though eight were in flight at once in one worker's greenlets
        chat_lines = [line for line in log.read_text().splitlines() if "path=/api/v1/chat/messages" in line]
        assert sorted(line.split("request_id=")[1].split()[0] for line in chat_lines) == sorted(
            f"chat-{token[-12:]}" for _, token in patients)
        staff = requests.post(f"{base}/staff/login", json={"username": "hm_gunicorn", "password": factories.PASSWORD},
                              timeout=10)
        assert staff.status_code == 200, staff.text
        tasks = requests.get(f"{base}/staff/tasks", headers={"Authorization": f"Bearer {staff.json()['access_token']}"},
                             timeout=10).json()["items"]
        alerted = {t["patient_id"] for t in tasks if t["kind"] == "red_flag_alert"}
        assert alerted == {patient_id for patient_id, _ in patients}

        # WeChat's push signatures travel in query strings: the access log keeps the path, never the query
        requests.get(f"{base}/callbacks/wechat-oa", params={"signature": "f" * 40, "timestamp": "1", "nonce": "n1"}, timeout=10)
        access = (tmp_path / "access.log").read_text()
        assert '"GET /api/v1/callbacks/wechat-oa HTTP/1.1" 403' in access and "f" * 40 not in access
    finally:
        server.terminate()
        server.wait(timeout=30)
