"""gunicorn settings for the web process (Procfile, benchmark); command-line flags add to these."""

from __future__ import annotations

from typing import Any

from core.config import load_settings


def _worker_class() -> str:
    """Greenlets on a database server, threads on SQLite.

    A web request mostly waits: on Rasa (about 30 ms a parse), Redis, PostgreSQL, WeChat. Threads wait well but
    pass the interpreter lock back and forth under load: with Rasa down and 20 clients, gevent's p99 was lower in
    11 of 14 back-to-back pairs (median 22.8 ms against 33.9 ms). gevent needs every wait to be cooperative;
    psycopg 3 is, SQLite is not: its lock wait (busy_timeout) sleeps inside C, so a request waiting for the write
    lock would freeze its whole worker, the request holding that lock included. (gevent's own HTTP server,
    gevent_pywsgi, with a keep-alive timeout added so that a stop is not held up: 3-7 % more answers a second,
    the same p99, in 7 pairs; not worth trading gunicorn's hardened request parser and its limits for.)
    The gevent workers are gunicorn's, spreading their open connections evenly (core/web_worker.py).
    """
    return "gthread" if load_settings().effective_database_url.startswith("sqlite") else "core.web_worker.FairGeventWorker"


worker_class = _worker_class()
threads = 4  # per gthread worker (SQLite); gevent serves every connection of its worker


# gunicorn's default access line without the query string: WeChat's push signatures travel in it (a signed query string
# seen once could be replayed), and a patient's search words would land in the log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def on_starting(server: Any) -> None:
    """Chooses how the workers listen, for the worker class actually run (a --worker-class flag included), and stops
    with a plain message when the port is taken.

    gevent workers share the master's socket and split its connections evenly (core/web_worker.py). Thread workers
    (SQLite, a laptop) each listen on their own SO_REUSEPORT socket, the kernel hashing connections to them: on one
    shared socket the busiest thread worker kept accepting, 18 of 20 keep-alive clients on one worker. With reuse_port
    a second instance on the same port would split the traffic with the first, and a port held by another program
    would leave the master restarting workers for ever: hence the check below (without reuse_port, gunicorn would
    retry for 5 s before it says so)."""
    import socket
    import sys

    server.cfg.set("reuse_port", server.cfg.worker_class_str == "gthread")
    for address in server.cfg.address:
        if not isinstance(address, tuple):  # a unix socket: nothing shares it
            continue
        host, port = address[0], int(address[1])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                server.log.error("%s:%s is already in use (%s): is another instance running?", host, port, exc.strerror)
                sys.exit(1)


def when_ready(server: Any) -> None:
    """Says where the API answers, and how. With reuse_port the workers bind their own sockets, so gunicorn's own
    "Listening at:" line has no address in it."""
    fair = server.cfg.worker_class_str.endswith("FairGeventWorker")
    kind = "gevent" if fair else server.cfg.worker_class_str
    how = ("each on its own SO_REUSEPORT socket" if server.cfg.reuse_port
           else "on one socket, their connections spread evenly" if fair else "on one socket")
    for address in server.cfg.address:
        where = f"http://{address[0]}:{address[1]}" if isinstance(address, tuple) else f"unix:{address}"
        server.log.info("Listening at: %s (%s workers %s)", where, kind, how)


def post_worker_init(worker: Any) -> None:
    """Loads the bot's in-process model (jieba dictionary, Bayes counts: about a second of CPU) before the worker
    takes requests. Loaded on first use instead, it held the interpreter lock under the first requests of every
    worker: answers seconds late, or from keywords alone."""
    from bot.service import warm_up

    try:
        warm_up()
    except Exception:  # the rest of the API must still start; the bot answers from keywords meanwhile
        worker.log.exception("bot warm-up failed: keyword answers until the model loads on first use")
    # What is loaded now lives as long as the worker: the collector need not walk it again. A full collection
    # walked the ~190,000 objects (jieba's dictionary, the Bayes counts, the app) and stopped the worker for 75-85 ms,
    # its patients' answers with it, once per worker in a 3 s benchmark run; after freeze() it takes about 1 ms.
    import gc

    gc.freeze()
