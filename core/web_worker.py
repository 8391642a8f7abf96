"""gunicorn's gevent worker, with the open connections spread evenly over the workers.

A worker serves only the connections it accepted, and clients keep theirs open (a proxy's upstream pool, the
mini-program gateway, the benchmark's 20 clients). How they are split decides how long patients wait:
- on SO_REUSEPORT sockets the kernel hashes each connection to a worker: 20 connections split 15/5, 14/6 or 13/7
  about as often as 10/10;
- on one shared socket, whichever worker is awake accepts: 18 of 20 connections landed on one worker.
So the workers share one socket and a table of their open connections, in memory the master maps before it forks,
and a worker that holds more connections than another leaves the next one to the others.

Measured with Rasa stopped, 20 keep-alive clients sending at random moments (300-450 answers/s, about half of what the
2-core host can do): p99 29-50 ms against 53-101 ms on SO_REUSEPORT sockets, in 2 interleaved rounds. Clients that send
their next message as soon as the last is answered (the benchmark's degraded row) see no difference: there the busier
worker simply takes more of the CPU the quieter one leaves.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import gevent
from gevent.pool import Pool
from gevent.server import StreamServer
from gunicorn.workers.ggevent import GeventWorker

SLOTS = 128  # more workers than a host runs
# Made when gunicorn's master imports this module (it loads the worker class before it forks): every worker
# sees the same table. Each worker writes only its own slot.
_pids = multiprocessing.RawArray(ctypes.c_int, SLOTS)  # the live worker holding each slot; 0 when free
_open = multiprocessing.RawArray(ctypes.c_int, SLOTS)  # its open connections
_claim = multiprocessing.Lock()

RECHECK_SECONDS = 0.002  # a worker that left a connection to the others looks again this soon
# ...and takes it itself when it has waited this long: a worker busy with one long request must not hold up
# patients the others could serve.
PATIENCE_SECONDS = 0.05


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process took over the number: not one of ours
        return False
    return True


def claim_slot() -> int:
    """A free slot for this worker (or one whose worker died without freeing it)."""
    with _claim:
        for slot in range(SLOTS):
            if _pids[slot] == 0 or not _alive(_pids[slot]):
                _pids[slot], _open[slot] = os.getpid(), 0
                return slot
    raise RuntimeError(f"more than {SLOTS} web workers on one host")


def busier_than_another(slot: int) -> bool:
    """True when a live worker that still takes connections holds fewer than this one."""
    mine = _open[slot]
    return any(_open[other] < mine and _pids[other] and other != slot and _alive(_pids[other]) for other in range(SLOTS))


class FairServer(StreamServer):  # type: ignore[misc]
    """gevent's server for one worker's share of a socket shared by all: accepts while its worker holds no more open
    connections than any other (and fewer than `limit`)."""

    max_accept = 1  # one connection per wake-up, then count again

    def __init__(self, listener: Any, handle: Callable[..., Any], *, slot: int, limit: int, **ssl_args: Any) -> None:
        self.connections = Pool(limit)
        self.slot = slot
        self._recheck: Any = None
        self._waiting_since: float | None = None
        super().__init__(listener, handle=handle, spawn=self._spawn, **ssl_args)

    def _spawn(self, handle: Callable[..., Any], *args: Any) -> Any:
        greenlet = self.connections.spawn(handle, *args)  # never waits: full() said there is room
        greenlet.rawlink(self._closed)  # after the pool's own link: the count below already excludes it
        self._count()
        return greenlet

    def _closed(self, _greenlet: Any) -> None:
        self._count()
        if self.started:
            self.start_accepting()  # it may have stopped at the connection limit

    def _count(self) -> None:
        if _pids[self.slot] == os.getpid():  # not once it has left the table (shutting down)
            _open[self.slot] = len(self.connections)

    def full(self) -> bool:
        if self.connections.full():
            return True
        if not busier_than_another(self.slot):
            self._waiting_since = None
            return False
        now = time.monotonic()
        self._waiting_since = self._waiting_since or now
        if now - self._waiting_since >= PATIENCE_SECONDS:
            self._waiting_since = None
            return False
        if self._recheck is None:  # the others' counts change without telling us: look again soon
            self._recheck = self.loop.timer(RECHECK_SECONDS)
            self._recheck.start(self._look_again)
        return True

    def _look_again(self) -> None:
        self._recheck.close()
        self._recheck = None
        if self.started:
            self.start_accepting()


class FairGeventWorker(GeventWorker):  # type: ignore[misc]
    """gunicorn's GeventWorker whose servers are FairServers on the master's shared socket (reuse_port off)."""

    def run(self) -> None:
        """GeventWorker.run with FairServers: serve until told to stop, then leave the table, close the sockets and
        let open requests finish within the graceful timeout. It enters the table only now, ready to serve: a worker
        still loading would have the others leave it connections it cannot take yet."""
        self.slot = claim_slot()
        ssl_args = {}
        if self.cfg.is_ssl:
            from gunicorn.sock import ssl_context

            ssl_args = {"ssl_context": ssl_context(self.cfg)}
        servers = []
        for sock in self.sockets:
            sock.setblocking(1)
            server = FairServer(sock, partial(self.handle, sock), slot=self.slot, limit=self.worker_connections, **ssl_args)
            server.start()
            servers.append(server)
        while self.alive:
            self.notify()
            gevent.sleep(1.0)
        _pids[self.slot] = 0  # takes no new connection: the others must not leave any to it
        for server in servers:
            server.close()
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while any(len(server.connections) for server in servers) and time.monotonic() < deadline:
            self.notify()
            gevent.sleep(0.1)
        for server in servers:
            server.connections.kill(block=True, timeout=1)
