"""gunicorn settings for the web process (Procfile, benchmark); command-line flags add to these."""

from __future__ import annotations

from typing import Any

# Each worker listens on its own SO_REUSEPORT socket and the kernel spreads new connections evenly. On one shared
# socket the busiest worker kept accepting: 18 of 20 keep-alive clients on one worker (one core), the other idle.
reuse_port = True


def post_worker_init(worker: Any) -> None:
    """Loads the bot's in-process model (jieba dictionary, Bayes counts: about a second of CPU) before the worker
    takes requests. Loaded on first use instead, it held the interpreter lock under the first requests of every
    worker: answers seconds late, or from keywords alone."""
    from bot.service import warm_up

    try:
        warm_up()
    except Exception:  # the rest of the API must still start; the bot answers from keywords meanwhile
        worker.log.exception("bot warm-up failed: keyword answers until the model loads on first use")
