"""The web worker loads the bot's in-process model before it takes requests (gunicorn.conf.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bot import fallback

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_worker_has_the_bots_model_loaded_before_its_first_request(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fallback, "_model", None)  # a freshly started worker
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)

    conf.post_worker_init(worker=None)

    # a request now gets the Bayes model at once: no keyword-only answer, no second of loading under it
    assert fallback.model_if_ready() is not None
    assert fallback.departments_of(fallback.bayes_ranking("胃里反酸烧心好几天了"))[0][0] == "消化内科"


def test_the_web_server_refuses_to_start_on_a_port_already_in_use() -> None:
    # with reuse_port a second server would otherwise share the port silently, or restart its workers for ever
    import socket
    import subprocess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                                  "app:create_app()"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert started.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in started.stderr


def test_the_web_server_says_where_it_listens(tmp_path: Path) -> None:
    # gunicorn's own "Listening at:" line is empty with reuse_port: an admin reading the log must see the address
    import subprocess
    import time

    from tests.services import free_port

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as err:
        server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                                   "app:create_app()"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and f"Listening at: http://127.0.0.1:{port}" not in log.read_text():
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert f"Listening at: http://127.0.0.1:{port}" in log.read_text()
