"""``python -m sandbox --config instance/sandbox.json --host 127.0.0.1 --port 8801``."""

from __future__ import annotations

import argparse
import json
import pathlib
import signal
import sys
from types import FrameType

from werkzeug.serving import WSGIRequestHandler, make_server

from sandbox.app import create_sandbox_app


class KeepAliveRequestHandler(WSGIRequestHandler):
    """HTTP/1.1, so clients keep their connections open as they do with the real platforms."""

    protocol_version = "HTTP/1.1"


class QuietRequestHandler(KeepAliveRequestHandler):
    """No line per request: a parent that pipes stderr and never reads it must not block us."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--config", default="instance/sandbox.json", type=pathlib.Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: the config's port, else 8801")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text(encoding="utf-8"))
    port = args.port if args.port is not None else int(config.get("port", 8801))
    handler = KeepAliveRequestHandler if args.access_log else QuietRequestHandler
    server = make_server(args.host, port, create_sandbox_app(config), threaded=True, request_handler=handler)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"sandbox listening on http://{args.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
