"""WeChat mini-program (and official-account) server API, through the real wechatpy client.

The access token lives in wechatpy's Redis session storage so that every process shares it.
In dev and tests ``api_base`` points the unmodified client at the sandbox by mounting a
transport adapter for ``https://api.weixin.qq.com/``; in production nothing is mounted.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis
from wechatpy import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

from platforms._http import DEFAULT_TIMEOUT, make_session
from platforms._wechat_common import call_with_token_retry
from platforms.errors import PermanentError

T = TypeVar("T")
PLATFORM = "wechat"
WECHAT_ORIGIN = "https://api.weixin.qq.com/"


@dataclass(frozen=True)
class WxSession:
    """What ``jscode2session`` answers. Key identities on ``openid`` (and ``unionid`` if any)."""

    openid: str
    unionid: str | None
    session_key: str = field(repr=False)


def _template_data(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Accept ``{"thing1": "text"}`` as well as WeChat's ``{"thing1": {"value": "text"}}``."""
    return {k: v if isinstance(v, dict) else {"value": v} for k, v in data.items()}


class _Group:
    def __init__(self, platform: WeChatPlatform) -> None:
        self._platform = platform
        self._client = platform.client

    def _call(self, endpoint: str, fn: Callable[[], T]) -> T:
        return self._platform._call(endpoint, fn)


class WxLoginAPI(_Group):
    """Mini-program login and phone number."""

    def code_to_session(self, js_code: str) -> WxSession:
        """Exchange a ``wx.login()`` code (single use, 5 minutes).

        https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
        """
        result = self._call("sns/jscode2session", lambda: self._client.wxa.code_to_session(js_code))
        return WxSession(openid=result["openid"], unionid=result.get("unionid") or None,
                         session_key=result["session_key"])

    def get_user_phone_number(self, phone_code: str) -> str:
        """Exchange a ``getPhoneNumber`` button code for the user's verified phone number.

        wechatpy 1.8.18 has no method for it, so it is posted through the client directly.
        https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
        """
        result = self._call("wxa/business/getuserphonenumber", lambda: self._client.post(
            "wxa/business/getuserphonenumber", data={"code": phone_code}, api_base_url=WECHAT_ORIGIN))
        info = result["phone_info"]
        watermark_appid = info.get("watermark", {}).get("appid")
        if watermark_appid != self._client.appid:
            raise PermanentError(None, "phone_info watermark names another appid", PLATFORM)
        return str(info["phoneNumber"])


class WxMessageAPI(_Group):
    """Subscribe, customer-service and (official account) template messages."""

    def send_subscribe_message(self, openid: str, template_id: str, data: dict[str, Any],
                               page: str | None = None, miniprogram_state: str | None = None) -> int:
        """Send a subscribe message; 43101 (no credit left) raises ``RefusedError``.

        https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
        """
        payload: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                   "data": _template_data(data)}
        if page:
            payload["page"] = page
        if miniprogram_state:
            payload["miniprogram_state"] = miniprogram_state
        result = self._call("cgi-bin/message/subscribe/send",
                            lambda: self._client.post("message/subscribe/send", data=payload))
        return int(result.get("msgid", 0))

    def send_custom_text(self, openid: str, text: str) -> None:
        """Customer-service text (only within 48 h of the user's last message: else 45015).

        https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/kf-mgnt/kf-message/sendCustomMessage.html
        """
        self._call("cgi-bin/message/custom/send", lambda: self._client.message.send_text(openid, text))

    def send_template_message(self, openid: str, template_id: str, data: dict[str, Any],
                              url: str | None = None, mini_program: dict[str, str] | None = None) -> int:
        """Official-account template message.

        https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
        """
        result = self._call("cgi-bin/message/template/send", lambda: self._client.message.send_template(
            openid, template_id, _template_data(data), url=url, mini_program=mini_program))
        return int(result.get("msgid", 0))


class WxUserAPI(_Group):
    """Official-account followers."""

    def get_user_info(self, openid: str) -> dict[str, Any]:
        """``subscribe`` (1 = follows), ``unionid`` when the account is bound to an open-platform account.

        https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html
        """
        return dict(self._call("cgi-bin/user/info", lambda: self._client.user.get(openid)))


class WxMediaAPI(_Group):
    """Temporary media (3 days)."""

    def upload_media(self, media_type: str, filename: str, content: bytes,
                     content_type: str | None = None) -> str:
        """Upload ``image``/``voice``/``video``/``thumb`` bytes; returns the media_id.

        https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/New_temporary_materials.html
        """
        mimetype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        result = self._call("cgi-bin/media/upload", lambda: self._client.media.upload(
            media_type, (filename, content, mimetype)))
        return str(result["media_id"])

    def get_media(self, media_id: str) -> bytes:
        """Download temporary media (40007 for an unknown or expired media_id).

        https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html
        """
        response = self._call("cgi-bin/media/get", lambda: self._client.media.download(media_id))
        return bytes(response.content)


class WeChatPlatform:
    """A wechatpy ``WeChatClient`` for one mini-program or official account, with token storage in Redis.

    ``platform.login``, ``platform.message`` and ``platform.media`` group the endpoints; the
    common ones are also reachable directly (``platform.code_to_session(...)``).
    """

    def __init__(self, appid: str, secret: str, redis_client: redis.Redis, *, api_base: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, key_prefix: str = "wechatpy") -> None:
        self.client = WeChatClient(appid, secret, session=RedisStorage(redis_client, prefix=key_prefix),
                                   timeout=timeout, auto_retry=False)
        self.client._http = make_session(timeout, WECHAT_ORIGIN, api_base)
        self.login = WxLoginAPI(self)
        self.message = WxMessageAPI(self)
        self.media = WxMediaAPI(self)
        self.user = WxUserAPI(self)

    def _call(self, endpoint: str, fn: Callable[[], T]) -> T:
        return call_with_token_retry(self.client, PLATFORM, endpoint, fn)

    @property
    def appid(self) -> str:
        return str(self.client.appid)

    def code_to_session(self, js_code: str) -> WxSession:
        return self.login.code_to_session(js_code)

    def get_user_phone_number(self, phone_code: str) -> str:
        return self.login.get_user_phone_number(phone_code)

    def send_subscribe_message(self, openid: str, template_id: str, data: dict[str, Any],
                               page: str | None = None) -> int:
        return self.message.send_subscribe_message(openid, template_id, data, page)

    def send_custom_text(self, openid: str, text: str) -> None:
        self.message.send_custom_text(openid, text)

    def send_template_message(self, openid: str, template_id: str, data: dict[str, Any], url: str | None = None,
                              mini_program: dict[str, str] | None = None) -> int:
        return self.message.send_template_message(openid, template_id, data, url, mini_program)

    def get_user_info(self, openid: str) -> dict[str, Any]:
        return self.user.get_user_info(openid)

    def upload_media(self, media_type: str, filename: str, content: bytes,
                     content_type: str | None = None) -> str:
        return self.media.upload_media(media_type, filename, content, content_type)

    def get_media(self, media_id: str) -> bytes:
        return self.media.get_media(media_id)
