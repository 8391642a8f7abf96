"""HTTP client for one or more Rasa servers (`rasa run --enable-api`): round-robin, hard timeout, circuit breaker.

A server that fails (timeout, connection error, 5xx, bad JSON) is marked down at once; a background thread
(`GET /` every few seconds, started on first use, never at import) marks it up again. While every server is down
`parse` raises `RasaUnavailable` without touching the network, so callers fall back in microseconds.
API: https://rasa.com/docs/rasa/pages/http-api (POST /model/parse, GET /status).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import structlog
from requests.adapters import HTTPAdapter

log = structlog.get_logger(__name__)

DEFAULT_TIMEOUT_SECONDS = 0.3
DEFAULT_HEALTH_INTERVAL_SECONDS = 3.0
HEALTH_TIMEOUT_SECONDS = 1.0
VERSION_REFRESH_SECONDS = 60.0
_MIN_ATTEMPT_SECONDS = 0.02


class RasaError(Exception):
    """Root of the client's errors."""


class RasaUnavailable(RasaError):
    """No server answered in time (or all are marked down)."""


@dataclass
class ServerState:
    url: str
    up: bool = True
    failures: int = 0
    last_error: str = ""
    down_since: float | None = None


class RasaClient:
    """Round-robin over `urls`; `parse(text)` returns Rasa's /model/parse JSON or raises RasaUnavailable."""

    def __init__(self, urls: list[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 health_interval: float = DEFAULT_HEALTH_INTERVAL_SECONDS, session: requests.Session | None = None,
                 model_version: str = "") -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is required")
        self.timeout = timeout
        self.health_interval = health_interval
        self.servers = [ServerState(url=u.rstrip("/")) for u in urls]
        self._session = session or self._new_session(len(urls))
        self._lock = threading.Lock()
        self._next = 0
        self._fixed_version = model_version
        self._model_version = model_version
        self._version_checked = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def _new_session(n_servers: int) -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=max(n_servers, 1), pool_maxsize=32, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    # ---- public API ----
    @property
    def model_version(self) -> str:
        """Rasa's model file/fingerprint (or the configured one); '' until known."""
        return self._model_version

    def available(self) -> bool:
        return any(s.up for s in self.servers)

    def status(self) -> list[dict[str, Any]]:
        return [{"url": s.url, "up": s.up, "failures": s.failures, "last_error": s.last_error} for s in self.servers]

    def parse(self, text: str) -> dict[str, Any]:
        """POST /model/parse on the next server that is up, within the timeout; RasaUnavailable otherwise."""
        self._ensure_health_thread()
        deadline = time.monotonic() + self.timeout
        tried: set[str] = set()
        while True:
            server = self._pick(tried)
            remaining = deadline - time.monotonic()
            if server is None or remaining < _MIN_ATTEMPT_SECONDS:
                raise RasaUnavailable("no Rasa server available" if server is None else "Rasa timeout budget spent")
            tried.add(server.url)
            try:
                response = self._session.post(f"{server.url}/model/parse", json={"text": text}, timeout=remaining)
                if response.status_code >= 500:
                    raise RasaError(f"HTTP {response.status_code}")
                response.raise_for_status()
                body = response.json()
                if not isinstance(body, dict) or "intent" not in body:
                    raise RasaError("unexpected /model/parse body")
            except (requests.RequestException, ValueError, RasaError) as exc:
                self._mark_down(server, exc)
                continue
            server.failures = 0
            return body

    def close(self) -> None:
        """Stops the health thread and closes pooled connections."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.health_interval + HEALTH_TIMEOUT_SECONDS + 1)
        self._session.close()

    # ---- internals ----
    def _pick(self, tried: set[str]) -> ServerState | None:
        with self._lock:
            for _ in range(len(self.servers)):
                server = self.servers[self._next % len(self.servers)]
                self._next += 1
                if server.up and server.url not in tried:
                    return server
        return None

    def _mark_down(self, server: ServerState, exc: Exception) -> None:
        with self._lock:
            server.failures += 1
            server.last_error = type(exc).__name__
            if server.up:
                server.up = False
                server.down_since = time.monotonic()
                log.warning("rasa_server_down", url=server.url, error=type(exc).__name__)

    def _ensure_health_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if (self._thread is not None and self._thread.is_alive()) or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._health_loop, name="rasa-health", daemon=True)
            self._thread.start()

    def _health_loop(self) -> None:
        self._refresh_version()
        while not self._stop.wait(self.health_interval):
            recovered = False
            for server in self.servers:
                if not server.up and self._healthy(server):
                    with self._lock:
                        server.up, server.failures, server.down_since = True, 0, None
                    log.info("rasa_server_up", url=server.url)
                    recovered = True
            if recovered or time.monotonic() - self._version_checked > VERSION_REFRESH_SECONDS:
                self._refresh_version()

    def _healthy(self, server: ServerState) -> bool:
        try:
            return self._session.get(f"{server.url}/", timeout=HEALTH_TIMEOUT_SECONDS).status_code == 200
        except requests.RequestException:
            return False

    def _refresh_version(self) -> None:
        self._version_checked = time.monotonic()
        if self._fixed_version:
            return
        for server in self.servers:
            if not server.up:
                continue
            try:
                response = self._session.get(f"{server.url}/status", timeout=HEALTH_TIMEOUT_SECONDS)
                if response.status_code == 200:
                    body = response.json()
                    version = str(body.get("model_id") or body.get("model_file") or "")
                    if version:
                        self._model_version = version
                        return
            except (requests.RequestException, ValueError, AttributeError):
                continue
