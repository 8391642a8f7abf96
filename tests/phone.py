"""Plays the patient's phone: gets codes from the sandbox the way wx.login / my.getAuthCode would,
then calls our API like the mini-program does."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import requests

_numbers = itertools.count(1)


def new_phone() -> str:
    return f"139{next(_numbers):08d}"


@dataclass
class Session:
    """A logged-in mini-program (or kiosk) session."""

    client: Any
    login: dict[str, Any]
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens = {"access": self.login["access_token"], "refresh": self.login["refresh_token"]}

    @property
    def patient_id(self) -> str:
        return str(self.login["patient"]["id"])

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access']}"}

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self._headers(), **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=self._headers(), **kw)

    def patch(self, path: str, json: Any = None) -> Any:
        return self.client.patch(path, json=json, headers=self._headers())

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self._headers())


class PhoneFactory:
    def __init__(self, *, client: Any, sandbox_base: str, settings: Any) -> None:
        self.client = client
        self.sandbox = sandbox_base
        self.settings = settings

    def _sandbox(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(f"{self.sandbox}/_sandbox/{path}", json=body, timeout=5)
        response.raise_for_status()
        return dict(response.json())

    def wechat_code(self, openid: str, unionid: str | None = None) -> str:
        body = {"appid": self.settings.wechat_appid, "openid": openid, **({"unionid": unionid} if unionid else {})}
        return str(self._sandbox("wechat/login-code", body)["code"])

    def wechat_phone_code(self, phone: str) -> str:
        return str(self._sandbox("wechat/phone-code", {"appid": self.settings.wechat_appid, "phone": phone})["code"])

    def alipay_code(self, open_id: str) -> str:
        return str(self._sandbox("alipay/auth-code", {"app_id": self.settings.alipay_app_id, "open_id": open_id})["auth_code"])

    def alipay_phone(self, phone: str) -> dict[str, str]:
        return self._sandbox("alipay/phone", {"app_id": self.settings.alipay_app_id, "phone": phone})

    def sms_code(self, phone: str) -> str:
        """Asks our API for a code, then reads the SMS the sandbox 'delivered' to that phone."""
        sent = self.client.post("/api/v1/auth/sms/send", json={"phone": phone})
        assert sent.status_code == 200, sent.get_json()
        messages = requests.get(f"{self.sandbox}/_sandbox/messages", params={"to": phone, "channel": "sms"}, timeout=5).json()
        return str(messages["messages"][0]["params"]["code"])

    def delivered(self, to: str, channel: str | None = None) -> list[dict[str, Any]]:
        params = {"to": to, **({"channel": channel} if channel else {})}
        return list(requests.get(f"{self.sandbox}/_sandbox/messages", params=params, timeout=5).json()["messages"])

    def wechat(self, phone: str | None = None, openid: str | None = None, unionid: str | None = None) -> Session:
        """Logs in from the WeChat mini-program, proving `phone` with getPhoneNumber when given."""
        body: dict[str, Any] = {"code": self.wechat_code(openid or f"o{new_phone()}", unionid)}
        if phone:
            body["phone_code"] = self.wechat_phone_code(phone)
        response = self.client.post("/api/v1/auth/wechat", json=body)
        assert response.status_code == 200, response.get_json()
        return Session(self.client, response.get_json())

    def alipay(self, phone: str | None = None, open_id: str | None = None) -> Session:
        body: dict[str, Any] = {"auth_code": self.alipay_code(open_id or f"0{new_phone()}")}
        if phone:
            body["phone"] = self.alipay_phone(phone)
        response = self.client.post("/api/v1/auth/alipay", json=body)
        assert response.status_code == 200, response.get_json()
        return Session(self.client, response.get_json())

    def kiosk(self, phone: str, id_number: str | None = None, card_no: str | None = None) -> Session:
        body: dict[str, Any] = {"phone": phone, "sms_code": self.sms_code(phone)}
        body.update({"id_number": id_number} if id_number else {"card_no": card_no or "MC" + phone[-8:]})
        response = self.client.post("/api/v1/auth/kiosk", json=body)
        assert response.status_code == 200, response.get_json()
        return Session(self.client, response.get_json())

    def patient(self, phone: str | None = None) -> Session:
        return self.wechat(phone or new_phone())
