"""WeCom (企业微信) server API through the real ``wechatpy.enterprise.WeChatClient``.

Same shape as :mod:`platforms.wechat`: token in Redis, ``api_base`` mounts a rewrite of
``https://qyapi.weixin.qq.com/`` for dev and tests, nothing is mounted in production.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from wechatpy.enterprise import WeChatClient as WeComClient
from wechatpy.session.redisstorage import RedisStorage

from platforms._http import DEFAULT_TIMEOUT, make_session
from platforms._wechat_common import call_with_token_retry

T = TypeVar("T")
PLATFORM = "wecom"
WECOM_ORIGIN = "https://qyapi.weixin.qq.com/"


@dataclass(frozen=True)
class WeComSendResult:
    msgid: str
    invalid_users: tuple[str, ...] = ()


class _Group:
    def __init__(self, platform: WeComPlatform) -> None:
        self._platform = platform
        self._client = platform.client

    def _call(self, endpoint: str, fn: Callable[[], T]) -> T:
        return self._platform._call(endpoint, fn)


class WeComMessageAPI(_Group):
    """Application messages to staff (members) and group-send to external contacts (patients)."""

    def _send(self, user_ids: Sequence[str], party_ids: Sequence[str], msg: dict[str, Any]) -> WeComSendResult:
        result = self._call("cgi-bin/message/send", lambda: self._client.message.send(
            self._platform.agentid, list(user_ids), list(party_ids), msg=msg))
        invalid = tuple(u for u in str(result.get("invaliduser") or "").split("|") if u)
        return WeComSendResult(msgid=str(result.get("msgid", "")), invalid_users=invalid)

    def send_text(self, user_ids: Sequence[str], content: str,
                  party_ids: Sequence[str] = ()) -> WeComSendResult:
        """https://developer.work.weixin.qq.com/document/path/90236 (msgtype text)"""
        return self._send(user_ids, party_ids, {"msgtype": "text", "text": {"content": content}})

    def send_text_card(self, user_ids: Sequence[str], title: str, description: str, url: str,
                       btntxt: str = "详情", party_ids: Sequence[str] = ()) -> WeComSendResult:
        """https://developer.work.weixin.qq.com/document/path/90236 (msgtype textcard)"""
        card = {"title": title, "description": description, "url": url, "btntxt": btntxt}
        return self._send(user_ids, party_ids, {"msgtype": "textcard", "textcard": card})

    def send_markdown(self, user_ids: Sequence[str], content: str,
                      party_ids: Sequence[str] = ()) -> WeComSendResult:
        """https://developer.work.weixin.qq.com/document/path/90236 (msgtype markdown)"""
        return self._send(user_ids, party_ids, {"msgtype": "markdown", "markdown": {"content": content}})

    def add_msg_template(self, external_userids: Sequence[str], text: str,
                         sender: str | None = None) -> str:
        """Queue a message to external contacts (patients); a staff member confirms the send.

        https://developer.work.weixin.qq.com/document/path/92135
        """
        template: dict[str, Any] = {"external_userid": list(external_userids), "text": {"content": text}}
        if sender:
            template["sender"] = sender
        result = self._call("cgi-bin/externalcontact/add_msg_template",
                            lambda: self._client.external_contact.add_msg_template(template))
        return str(result.get("msgid", ""))


class WeComMediaAPI(_Group):
    def upload_media(self, media_type: str, filename: str, content: bytes,
                     content_type: str | None = None) -> str:
        """https://developer.work.weixin.qq.com/document/path/90253"""
        mimetype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        result = self._call("cgi-bin/media/upload", lambda: self._client.media.upload(
            media_type, (filename, content, mimetype)))
        return str(result["media_id"])

    def get_media(self, media_id: str) -> bytes:
        """https://developer.work.weixin.qq.com/document/path/90254

        wechatpy's ``media.download`` uses a bare ``requests.get`` (no session, no timeout),
        so this goes through the client's session instead.
        """
        response = self._call("cgi-bin/media/get",
                              lambda: self._client.get("media/get", params={"media_id": media_id}))
        return bytes(response.content)


class WeComPlatform:
    """One WeCom application (corpid + its secret + agentid)."""

    def __init__(self, corpid: str, secret: str, agentid: int | str, redis_client: redis.Redis, *,
                 api_base: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 key_prefix: str = "wechatpy") -> None:
        self.agentid = int(agentid)
        self.client = WeComClient(corpid, secret, session=RedisStorage(redis_client, prefix=key_prefix),
                                  timeout=timeout, auto_retry=False)
        self.client._http = make_session(timeout, WECOM_ORIGIN, api_base)
        self.message = WeComMessageAPI(self)
        self.media = WeComMediaAPI(self)

    def _call(self, endpoint: str, fn: Callable[[], T]) -> T:
        return call_with_token_retry(self.client, PLATFORM, endpoint, fn)

    def send_text(self, user_ids: Sequence[str], content: str) -> WeComSendResult:
        return self.message.send_text(user_ids, content)

    def add_msg_template(self, external_userids: Sequence[str], text: str, sender: str | None = None) -> str:
        return self.message.add_msg_template(external_userids, text, sender)

    def get_media(self, media_id: str) -> bytes:
        return self.media.get_media(media_id)
