"""Channel adapters: one per remote API, each a thin mapping of our message onto that API's call.

Errors are the platform clients' own (`platforms.errors`, classified by `kind`); adapters never catch them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from core import platforms


@dataclass(frozen=True)
class Recipient:
    """Who gets a message, with the addresses we know for them (None: not reachable on that channel)."""

    patient_id: str
    role: str  # patient | family
    phone: str | None = None
    openid: str | None = None
    wecom_external_id: str | None = None


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    time_text: str
    page: str | None = None
    wechat_template: str = ""
    sms_template: str = ""
    sms_params: dict[str, str] = field(default_factory=dict)
    tts_code: str = ""
    tts_params: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    name: str

    def address(self, recipient: Recipient) -> str | None: ...

    def send(self, address: str, message: Message, out_id: str) -> str: ...


def _thing(value: str, limit: int = 20) -> str:
    """WeChat `thing` fields take at most 20 characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class WeChatSubscribe:
    """Mini-program subscribe message (needs a subscription credit: 43101 otherwise, a `refused`)."""

    name = "wechat_subscribe"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.openid

    def send(self, address: str, message: Message, out_id: str) -> str:
        data: dict[str, Any] = {"thing1": _thing(message.title), "time2": message.time_text, "thing3": _thing(message.text)}
        return str(platforms.wechat().send_subscribe_message(address, message.wechat_template, data, message.page))


class WeComExternal:
    """A message to the patient as a WeCom external contact (add_msg_template)."""

    name = "wecom"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.wecom_external_id

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.wecom().add_msg_template([address], message.text))


class Sms:
    """Aliyun SendSms with a template; `out_id` is our delivery id (it comes back on receipts)."""

    name = "sms"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.phone

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.sms().send_sms(address, message.sms_template, message.sms_params, out_id=out_id))


class Voice:
    """Aliyun SingleCallByTts: the phone rings and a voice reads the template."""

    name = "voice"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.phone

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.voice().single_call_by_tts(address, message.tts_code, message.tts_params, out_id=out_id))


CHANNELS: dict[str, Channel] = {c.name: c for c in (WeChatSubscribe(), WeComExternal(), Sms(), Voice())}
