"""Long C calls that release the interpreter lock (argon2), run so that they stall no one else."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def off_the_event_loop(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)`, in a real OS thread when this process is a gevent worker (gunicorn.conf.py, on PostgreSQL).

    A greenlet running C code blocks its whole worker: one argon2 check (about 0.1 s) would hold up every other
    request on it. Threads need no help: the C call releases the lock and the others go on.
    """
    if "gevent" in sys.modules:
        from gevent import get_hub, monkey

        if monkey.is_module_patched("threading"):
            return get_hub().threadpool.apply(fn, args)  # type: ignore[no-any-return]
    return fn(*args)
