"""The API as it is deployed: gunicorn with gunicorn.conf.py on the test database. On PostgreSQL its workers are gevent's
greenlets, on SQLite threads; either way many patients at once must all be answered and every message kept."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from tests import factories
from tests.phone import new_phone
from tests.services import eventually, free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def gunicorn(settings_overrides: dict[str, object], tmp_path: Path,
             workers: int, worker_class: str | None = None) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """The API under gunicorn.conf.py on the test database (and its worker class, unless given); yields its base URL,
    its log (stderr) and its master."""
    port = free_port()
    env = {**os.environ, **{k.upper(): str(v) for k, v in settings_overrides.items()},
           "RASA_URLS": f"http://127.0.0.1:{free_port()}"}  # no Rasa: the in-process fallback and safety rules answer
    log = tmp_path / "gunicorn.log"
    with log.open("w") as err:
        server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
                                   "--access-logfile", str(tmp_path / "access.log"), "--bind", f"127.0.0.1:{port}",
                                   *(["--worker-class", worker_class] if worker_class else []),
                                   "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(lambda: requests.get(f"{base}/healthz", timeout=2).ok, f"gunicorn (log: {log})", server, timeout=60)
        yield f"{base}/api/v1", log, server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


def test_gunicorn_answers_many_patients_at_once_and_staff_see_every_alert(app, phones, settings_overrides, database_url,
                                                                          tmp_path):  # type: ignore[no-untyped-def]
    ids = factories.hospital_with_teams(app, "夜班组")
    factories.staff_user(app, hospital_id=ids["hospital"], username="hm_gunicorn", role="health_manager", team_id=ids["夜班组"])
    with gunicorn(settings_overrides, tmp_path, workers=2) as (base, log, _master):
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
        line = '"GET /api/v1/callbacks/wechat-oa HTTP/1.1" 403'
        # gunicorn writes the access line after the answer has gone out
        assert eventually(lambda: line in (tmp_path / "access.log").read_text(), timeout=10, every=0.05)
        assert "f" * 40 not in (tmp_path / "access.log").read_text()


def test_a_staff_login_holds_up_no_patient(app, settings_overrides, tmp_path):  # type: ignore[no-untyped-def]
    """A password check is ~0.1 s of argon2. On one worker, a patient's request sent while three staff log in is
    answered before the first login is: in a gevent worker the checks run in OS threads, not on the event loop."""
    ids = factories.hospital_with_teams(app, "门诊组")
    factories.staff_user(app, hospital_id=ids["hospital"], username="hm_argon", role="health_manager", team_id=ids["门诊组"])
    with gunicorn(settings_overrides, tmp_path, workers=1) as (base, _log, _master), ThreadPoolExecutor(4) as pool:
        done: list[str] = []

        def login() -> None:
            requests.post(f"{base}/staff/login", json={"username": "hm_argon", "password": factories.PASSWORD}, timeout=30)
            done.append("login")

        def patient() -> None:
            answer = requests.post(f"{base}/bot/understand", json={"text": "胃里反酸烧心"}, timeout=30)
            assert answer.status_code == 200
            done.append("patient")

        logins = [pool.submit(login) for _ in range(3)]
        time.sleep(0.03)  # the logins are in the worker
        pool.submit(patient).result()
        for f in logins:
            f.result()
    assert done[0] == "patient", done


def test_a_stopping_server_does_not_wait_for_idle_keep_alive_clients(app, settings_overrides, tmp_path):  # type: ignore[no-untyped-def]
    """A deploy stops the workers with SIGTERM. A mini-program's connection that stays open between requests must not
    hold a worker (and the deploy) for the whole graceful timeout: it is closed after the keep-alive wait (2 s)."""
    with gunicorn(settings_overrides, tmp_path, workers=1) as (base, _log, master), requests.Session() as client:
        assert client.post(f"{base}/bot/understand", json={"text": "几点开门"}, timeout=10).status_code == 200
        master.terminate()
        master.wait(timeout=10)  # raises when the idle connection holds it longer


def test_a_client_that_sends_its_headers_too_slowly_is_let_go(app, settings_overrides, tmp_path):  # type: ignore[no-untyped-def]
    """A client that opens a connection and trickles its headers (slowloris) does not hold it for ever. Production's
    worker (gevent, on PostgreSQL) is run on either test database: the request touches none. (gunicorn's thread
    worker, used on SQLite, waits for the headers for ever: one reason SQLite is for a single machine's local run.)"""
    with gunicorn(settings_overrides, tmp_path, workers=1, worker_class="gevent") as (base, _log, _master):
        host, port = base.split("//")[1].split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=15) as slow:
            slow.sendall(b"POST /api/v1/bot/understand HTTP/1.1\r\nHost: kangban\r\n")
            started = time.monotonic()
            try:
                answer = slow.recv(1024)  # the server closes it (b"") or answers 400 and closes
            except ConnectionResetError:
                answer = b""
            assert time.monotonic() - started < 10
            assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer
        # and the worker still answers others
        assert requests.post(f"{base}/bot/understand", json={"text": "几点开门"}, timeout=10).status_code == 200



def _connections_per_worker(master_pid: int, port: int) -> list[int]:
    """How many open connections on `port` each worker of the master holds, fewest first (read from /proc)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # the server's end, ESTABLISHED
            established.add(f"socket:[{fields[9]}]")
    counts = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) != master_pid:
                continue
            counts.append(sum(os.readlink(fd) in established for fd in (proc / "fd").iterdir()))
        except (FileNotFoundError, ProcessLookupError):  # a process that ended meanwhile
            continue
    return sorted(counts)


def test_keep_alive_clients_are_spread_evenly_over_the_workers(app, settings_overrides, tmp_path):  # type: ignore[no-untyped-def]
    """Twenty patients' connections (or a proxy's twenty) on two gevent workers: ten each. Hashed to the workers by the
    kernel (SO_REUSEPORT) they split 15/5 or 13/7 about as often as 10/10, and under load the p99 of the busier worker's
    patients doubled (core/web_worker.py). Production's worker is run on either test database."""
    with gunicorn(settings_overrides, tmp_path, workers=2, worker_class="core.web_worker.FairGeventWorker") as (
            base, log, master):
        port = int(base.split(":")[2].split("/")[0])

        def twenty_patients_split() -> list[int]:
            sessions = [requests.Session() for _ in range(20)]
            try:
                for session in sessions:  # one after the other, each kept open
                    assert session.get(base.removesuffix("/api/v1") + "/healthz", timeout=10).status_code == 200
                return _connections_per_worker(master.pid, port)
            finally:
                for session in sessions:
                    session.close()

        # the second worker may still be loading the bot's model when the first answers: until both serve, the first
        # takes everything
        assert eventually(lambda: len(split := twenty_patients_split()) == 2 and min(split) > 0, timeout=60, every=0.5)
        assert [twenty_patients_split() for _ in range(3)] == [[10, 10]] * 3
        assert "gevent workers on one socket, their connections spread evenly" in log.read_text()
