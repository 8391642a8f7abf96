"""HTTP client for one or more Rasa servers (`rasa run --enable-api`): least busy server first, hard timeout, circuit
breaker, admission control.

Each parse goes to the server with the most free slots, the first in the list when several are equally free: a lone
patient's messages all go to one server. Alternating between two idle servers (round-robin) made each answer about
2 ms slower on this project's 2-core machine (measured; the cause was not pinned down), a third of our overhead over
Rasa's own parse; under load every slot is in use either way.

A server that fails (connection error, 5xx, bad JSON, no answer within the hard timeout) or answers only after
twice the caller's budget is marked down; a background thread (`GET /` every few seconds, started on first use,
never at import) marks it up again. While every server is down `parse` raises `RasaUnavailable` without touching
the network, so callers fall back in microseconds.

Admission control: at most `max_in_flight` parses per server from this process. A busy Rasa is not a broken
one: requests queue for a free slot on any server, oldest first, within the same time budget instead of
piling onto one server, and a caller whose budget runs out falls back without marking the server down.
A slot is freed when Rasa has answered, not when the caller stopped waiting: Rasa parses whatever it was sent,
so freeing the slot early would let a queue of abandoned parses build up in front of every new one (under load
that backlog made answers seconds late and got healthy servers marked down).
API: https://rasa.com/docs/rasa/pages/http-api (POST /model/parse, GET /status).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CallTimeout
from dataclasses import dataclass
from typing import Any

import requests
import structlog
from requests.adapters import HTTPAdapter

log = structlog.get_logger(__name__)

DEFAULT_TIMEOUT_SECONDS = 0.3
DEFAULT_HEALTH_INTERVAL_SECONDS = 3.0
DEFAULT_MAX_IN_FLIGHT = 2  # parses per server per process: Rasa answers them one after the other anyway
HEALTH_TIMEOUT_SECONDS = 1.0
SLOW_FACTOR = 2.0  # a server answering later than this many budgets is marked down until the health check
# A parse unanswered after this (or 4 budgets, if longer) is given up and its server marked down: a hung server
# costs callers their budget for about a second, then the fallback answers at once.
HARD_TIMEOUT_SECONDS = 1.0
VERSION_REFRESH_SECONDS = 60.0
_MIN_ATTEMPT_SECONDS = 0.02


class RasaError(Exception):
    """Root of the client's errors."""


class RasaUnavailable(RasaError):
    """No server answered in time (or all are marked down)."""


class RasaBusy(RasaUnavailable):
    """Every server that is up had all its slots taken for the whole budget (overload, not failure)."""


@dataclass
class ServerState:
    url: str
    up: bool = True
    failures: int = 0
    last_error: str = ""
    down_since: float | None = None


class RasaClient:
    """`parse(text)` returns Rasa's /model/parse JSON from the least busy server of `urls`, or raises RasaUnavailable."""

    def __init__(self, urls: list[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 health_interval: float = DEFAULT_HEALTH_INTERVAL_SECONDS, session: requests.Session | None = None,
                 model_version: str = "", max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is required")
        self.timeout = timeout
        self.health_interval = health_interval
        self.servers = [ServerState(url=u.rstrip("/")) for u in urls]
        # Free parse slots per server; one condition for all, so a waiter takes whichever server frees first,
        # and waiters are woken oldest first (a long queue on one server would make the slowest answers slower).
        self._free = {s.url: max_in_flight for s in self.servers}
        self._freed = threading.Condition(threading.Lock())
        self._waiting: deque[object] = deque()  # strictly first come, first served: no barging past the queue
        self._session = session or self._new_session(len(urls))
        # One thread per slot carries each parse to its end, after its caller may have stopped waiting.
        self._calls = ThreadPoolExecutor(max_workers=len(urls) * max_in_flight, thread_name_prefix="rasa-call")
        self._hard_timeout = max(HARD_TIMEOUT_SECONDS, 4 * timeout)
        self._lock = threading.Lock()
        self._fixed_version = model_version
        self._model_version = model_version
        self._version_checked = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def _new_session(n_servers: int) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # Rasa is ours, on the local network: no proxy lookups in the environment per call
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
            server = self._admit(tried, deadline)
            if server is None:
                raise RasaUnavailable("no Rasa server available")
            tried.add(server.url)
            remaining = deadline - time.monotonic()
            if remaining < _MIN_ATTEMPT_SECONDS:
                self._release(server)
                raise RasaBusy("Rasa timeout budget spent waiting for a free slot")
            try:
                call = self._calls.submit(self._call, server, text)
            except RuntimeError:  # closed
                self._release(server)
                raise RasaUnavailable("client closed") from None
            try:
                body = call.result(timeout=remaining)
            except CallTimeout:
                # Whether the server is stuck is for _call to judge when the answer comes (or never does).
                if remaining < self.timeout / 2:  # it only got the end of a budget spent queueing: busy, not stuck
                    raise RasaBusy("Rasa timeout budget spent") from None
                raise RasaUnavailable("no answer within the budget") from None
            except (requests.RequestException, ValueError, RasaError):
                continue  # marked down by _call
            server.failures = 0
            return body

    def _call(self, server: ServerState, text: str) -> dict[str, Any]:
        """One parse in a slot the caller took; frees the slot when Rasa has answered, whoever still waits for it.

        A server that answers only after twice the budget is marked down like one that fails: its answers come too
        late to use. Judged on the answer's arrival, not on the caller's deadline, so that a thread kept from the
        interpreter lock for a moment does not take a healthy server out of use.
        """
        started = time.monotonic()
        try:
            try:
                body = self._post_parse(server, text, self._hard_timeout)
            except requests.ConnectionError as exc:
                if isinstance(exc, requests.Timeout):  # a connect timeout: no quick second try to be had
                    raise
                # Once more on a new connection: a kept-alive one the server closed just as we reused it fails
                # the same way as a dead server, and a dead server refuses the second try within a millisecond.
                body = self._post_parse(server, text, self._hard_timeout)
            if time.monotonic() - started > SLOW_FACTOR * self.timeout:
                self._mark_down(server, TimeoutError("answered after twice the budget"))  # before its slot frees
            return body
        except (requests.RequestException, ValueError, RasaError) as exc:
            self._mark_down(server, exc)
            raise
        finally:
            self._release(server)

    def _post_parse(self, server: ServerState, text: str, timeout: float) -> dict[str, Any]:
        response = self._session.post(f"{server.url}/model/parse", json={"text": text}, timeout=timeout)
        if response.status_code >= 500:
            raise RasaError(f"HTTP {response.status_code}")
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict) or "intent" not in body:
            raise RasaError("unexpected /model/parse body")
        return body

    def close(self) -> None:
        """Stops the health thread and closes pooled connections."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.health_interval + HEALTH_TIMEOUT_SECONDS + 1)
        self._calls.shutdown(wait=False)  # parses under way finish and free their slots
        self._session.close()

    # ---- internals ----
    def _admit(self, tried: set[str], deadline: float) -> ServerState | None:
        """A server that is up with a free slot (taken for the caller), waiting within the budget if all are busy.

        None when no server is up (or all were tried); RasaBusy when the budget ran out waiting.
        """
        candidates = self._candidates(tried)
        ticket = object()
        with self._freed:
            self._waiting.append(ticket)
            try:
                while True:
                    up = [s for s in candidates if s.up]
                    if not up:
                        return None
                    if self._waiting[0] is ticket:
                        server = max(up, key=lambda s: self._free[s.url])  # the first of the least busy
                        if self._free[server.url] > 0:
                            self._free[server.url] -= 1
                            return server
                    wait = deadline - time.monotonic() - _MIN_ATTEMPT_SECONDS
                    if wait <= 0 or not self._freed.wait(wait):
                        raise RasaBusy("every Rasa server busy for the whole budget")
            finally:
                self._waiting.remove(ticket)
                self._freed.notify_all()  # the next in line may go

    def _release(self, server: ServerState) -> None:
        with self._freed:
            self._free[server.url] += 1
            self._freed.notify_all()

    def _candidates(self, tried: set[str]) -> list[ServerState]:
        """Servers that are up and not yet tried, in the configured order."""
        return [s for s in self.servers if s.up and s.url not in tried]

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
