"""Channel adapters: one per remote API, each a thin mapping of our message onto that API's call.

Errors are the platform clients' own (`platforms.errors`, classified by `kind`). `send` raises them;
`send_many` (what delivery calls) returns them per message, so one failure never hides another's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Protocol

from core import platforms
from platforms.errors import RETRYABLE, PlatformError

SMS_BATCH_LIMIT = 100  # SendBatchSms takes at most 100 numbers per call

# (address, message, out_id): one message to one address; out_id is our delivery row id
Item = tuple[str, "Message", str]


@dataclass(frozen=True)
class Recipient:
    """Who gets a message, with the addresses we know for them (None: not reachable on that channel)."""

    patient_id: str
    role: str  # patient | family
    phone: str | None = None
    openid: str | None = None
    oa_openid: str | None = None  # follows the hospital's official account
    wecom_external_id: str | None = None


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    time_text: str
    page: str | None = None
    wechat_template: str = ""
    oa_template: str = ""
    mini_program_appid: str = ""  # official-account messages open this mini-program at `page`
    sms_template: str = ""
    sms_params: dict[str, str] = field(default_factory=dict)
    tts_code: str = ""
    tts_params: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    name: str

    def address(self, recipient: Recipient) -> str | None: ...

    def send(self, address: str, message: Message, out_id: str) -> str: ...

    def chunks(self, items: Sequence[Item]) -> list[list[Item]]: ...

    def send_many(self, items: Sequence[Item]) -> dict[str, str | PlatformError]: ...


class OneByOne:
    """The remote API takes one message per call: every item is its own chunk (calls run concurrently)."""

    def send(self, address: str, message: Message, out_id: str) -> str:
        raise NotImplementedError

    def chunks(self, items: Sequence[Item]) -> list[list[Item]]:
        return [[item] for item in items]

    def send_many(self, items: Sequence[Item]) -> dict[str, str | PlatformError]:
        """The remote id, or the platform's error, by out_id."""
        results: dict[str, str | PlatformError] = {}
        for address, message, out_id in items:
            try:
                results[out_id] = self.send(address, message, out_id)
            except PlatformError as exc:
                results[out_id] = exc
        return results


def _thing(value: str, limit: int = 20) -> str:
    """WeChat `thing` fields take at most 20 characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class WeChatSubscribe(OneByOne):
    """Mini-program subscribe message (needs a subscription credit: 43101 otherwise, a `refused`)."""

    name = "wechat_subscribe"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.openid

    def send(self, address: str, message: Message, out_id: str) -> str:
        data: dict[str, Any] = {"thing1": _thing(message.title), "time2": message.time_text, "thing3": _thing(message.text)}
        return str(platforms.wechat().send_subscribe_message(address, message.wechat_template, data, message.page))


class WeChatOfficialAccount(OneByOne):
    """Official-account template message to a follower (43004 once they unfollow: a `refused`, next channel)."""

    name = "wechat_oa"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.oa_openid

    def send(self, address: str, message: Message, out_id: str) -> str:
        data = {"first": message.title, "keyword1": message.text, "keyword2": message.time_text,
                "remark": "点开查看详情"}
        jump = {"appid": message.mini_program_appid, "pagepath": message.page} if message.mini_program_appid and message.page \
            else None
        return str(platforms.wechat_oa().send_template_message(address, message.oa_template, data, mini_program=jump))


class WeComExternal(OneByOne):
    """A message to the patient as a WeCom external contact (add_msg_template)."""

    name = "wecom"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.wecom_external_id

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.wecom().add_msg_template([address], message.text))


class Sms(OneByOne):
    """Aliyun SendSms with a template; `out_id` is our delivery id (it comes back on receipts).

    Many messages with the same template go out as SendBatchSms calls of up to 100 numbers, each with its
    own parameters. A batch is all or nothing; if one is refused for a reason that may concern a single number
    (flow control, a bad number), its messages are sent one by one so that each gets its own answer.
    """

    name = "sms"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.phone

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.sms().send_sms(address, message.sms_template, message.sms_params, out_id=out_id))

    def chunks(self, items: Sequence[Item]) -> list[list[Item]]:
        by_template = sorted(items, key=lambda item: item[1].sms_template)
        out: list[list[Item]] = []
        for _template, group in groupby(by_template, key=lambda item: item[1].sms_template):
            same = list(group)
            out.extend(same[i:i + SMS_BATCH_LIMIT] for i in range(0, len(same), SMS_BATCH_LIMIT))
        return out

    def send_many(self, items: Sequence[Item]) -> dict[str, str | PlatformError]:
        if len(items) == 1:
            return super().send_many(items)
        template = items[0][1].sms_template
        try:
            biz_id = str(platforms.sms().send_batch_sms([a for a, _, _ in items], template,
                                                        [m.sms_params for _, m, _ in items]))
        except PlatformError as exc:
            if exc.kind == RETRYABLE:
                return {out_id: exc for _, _, out_id in items}  # nothing was sent: all are retried later
            return super().send_many(items)
        return {out_id: biz_id for _, _, out_id in items}


class Voice(OneByOne):
    """Aliyun SingleCallByTts: the phone rings and a voice reads the template."""

    name = "voice"

    def address(self, recipient: Recipient) -> str | None:
        return recipient.phone

    def send(self, address: str, message: Message, out_id: str) -> str:
        return str(platforms.voice().single_call_by_tts(address, message.tts_code, message.tts_params, out_id=out_id))


CHANNELS: dict[str, Channel] = {c.name: c for c in (WeChatSubscribe(), WeChatOfficialAccount(), WeComExternal(), Sms(),
                                                     Voice())}
