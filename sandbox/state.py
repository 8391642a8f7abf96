"""In-memory, thread-safe state of one sandbox run: tokens, codes, messages, faults, clock."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Fault:
    endpoint: str
    errcode: Any = None
    errmsg: str | None = None
    sub_code: str | None = None
    status: int | None = None
    delay_ms: int = 0
    remaining: int = 1


@dataclass
class SandboxState:
    """Everything the sandbox remembers; guarded by one re-entrant lock.

    ``reset()`` forgets it all but keeps the configuration (held by the app, not here).
    """

    lock: threading.RLock = field(default_factory=threading.RLock)
    clock_offset: float = 0.0
    # token -> {"app": id, "kind": "wechat"|"wecom", "expires_at": t, "agentid"?: ...}
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    stable_tokens: dict[str, str] = field(default_factory=dict)
    # one-time codes: code -> record (with "used" and "expires_at")
    wechat_login_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    wechat_phone_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (appid, openid, template_id) -> {"credits": n, "long_term": bool}
    subscriptions: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    # (official account appid, openid) -> {"unionid": ..., "subscribe_time": t}: users who follow it
    oa_followers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    alipay_auth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    alipay_access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    alipay_refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    sms_nonces: set[str] = field(default_factory=set)
    sms_sent: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def now(self) -> float:
        """Sandbox time: wall clock plus whatever ``/_sandbox/clock`` advanced it by."""
        return time.time() + self.clock_offset

    def reset(self) -> None:
        with self.lock:
            fresh = SandboxState()
            for name in self.__dataclass_fields__:
                if name != "lock":
                    setattr(self, name, getattr(fresh, name))

    # -- messages -------------------------------------------------------------------------
    def record_message(self, channel: str, to: str, **fields: Any) -> dict[str, Any]:
        record = {
            "id": secrets.token_hex(8),
            "channel": channel,
            "to": to,
            "time": datetime.fromtimestamp(self.now(), tz=UTC).isoformat(),
            **fields,
        }
        with self.lock:
            self.messages.append(record)
        return record

    def list_messages(self, to: str | None, channel: str | None) -> list[dict[str, Any]]:
        with self.lock:
            found = list(self.messages)
        if to:
            found = [m for m in found if m["to"] == to]
        if channel:
            found = [
                m for m in found
                if m["channel"] == channel or m["channel"].startswith(channel + ".")
            ]
        return list(reversed(found))

    # -- faults ---------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, *keys: str | None) -> Fault | None:
        """Consume one use of the first fault registered for any of ``keys``."""
        wanted = {k for k in keys if k}
        with self.lock:
            for fault in self.faults:
                if fault.endpoint in wanted and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()
