"""The sandbox itself: devkeys, the control API and the raw WeChat wire format."""

from __future__ import annotations

import json
import stat

import requests

from sandbox.devkeys import CLIENT_FILE, SANDBOX_FILE, generate

REQUIRED_SETTINGS = {
    "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE", "WECHAT_OA_APPID", "WECHAT_OA_SECRET", "WECHAT_OA_TOKEN",
    "WECOM_CORPID", "WECOM_SECRET", "WECOM_AGENTID",
    "WECOM_API_BASE", "ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY", "ALIPAY_AES_KEY",
    "ALIPAY_GATEWAY", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME", "SMS_API_BASE",
    "VOICE_API_BASE", "SMS_TEMPLATE_LOGIN_CODE",
}


def test_devkeys_are_reused_and_follow_the_port(tmp_path):
    first = generate(tmp_path, port=18801)
    again = generate(tmp_path, port=18801)
    moved = generate(tmp_path, port=18802)

    assert set(first) == REQUIRED_SETTINGS
    assert first == again
    assert moved["WECHAT_API_BASE"] == "http://127.0.0.1:18802"
    assert moved["ALIPAY_GATEWAY"] == "http://127.0.0.1:18802/alipay/gateway.do"
    assert {k: v for k, v in moved.items() if "127.0.0.1" not in v} == {
        k: v for k, v in first.items() if "127.0.0.1" not in v}
    for name in (SANDBOX_FILE, CLIENT_FILE):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    config = json.loads((tmp_path / SANDBOX_FILE).read_text())
    assert config["port"] == 18802
    assert config["wechat"]["apps"][0]["appid"] == first["WECHAT_APPID"]


def test_apps_lists_what_is_configured(sandbox):
    apps = requests.get(f"{sandbox.base}/_sandbox/apps", timeout=5).json()
    assert apps == {"wechat": [sandbox.env["WECHAT_APPID"], sandbox.env["WECHAT_OA_APPID"]],
                    "alipay": [sandbox.env["ALIPAY_APP_ID"]],
                    "wecom": [sandbox.env["WECOM_CORPID"]]}


def _token(sandbox) -> str:
    response = requests.get(f"{sandbox.base}/cgi-bin/token", params={
        "grant_type": "client_credential", "appid": sandbox.env["WECHAT_APPID"],
        "secret": sandbox.env["WECHAT_SECRET"]}, timeout=5)
    return str(response.json()["access_token"])


def test_wechat_token_errors_have_the_real_codes(sandbox):
    url = f"{sandbox.base}/cgi-bin/token"
    bad_appid = requests.get(url, params={"grant_type": "client_credential", "appid": "wxnope", "secret": "x"},
                             timeout=5).json()
    bad_secret = requests.get(url, params={"grant_type": "client_credential",
                                           "appid": sandbox.env["WECHAT_APPID"], "secret": "x"}, timeout=5).json()
    assert bad_appid["errcode"] == 40013
    assert bad_secret["errcode"] == 40125
    send = f"{sandbox.base}/cgi-bin/message/custom/send"
    assert requests.post(send, json={}, timeout=5).json()["errcode"] == 41001
    assert requests.post(send, params={"access_token": "nope"}, json={}, timeout=5).json()["errcode"] == 40001


def test_stable_token_is_stable_until_forced(sandbox):
    url = f"{sandbox.base}/cgi-bin/stable_token"
    body = {"grant_type": "client_credential", "appid": sandbox.env["WECHAT_APPID"],
            "secret": sandbox.env["WECHAT_SECRET"]}
    first = requests.post(url, json=body, timeout=5).json()["access_token"]
    assert requests.post(url, json=body, timeout=5).json()["access_token"] == first
    forced = requests.post(url, json={**body, "force_refresh": True}, timeout=5).json()["access_token"]
    assert forced != first


def test_phone_code_answer_has_the_documented_shape(sandbox):
    code = sandbox.wechat_phone_code("13800138000")
    answer = requests.post(f"{sandbox.base}/wxa/business/getuserphonenumber",
                           params={"access_token": _token(sandbox)}, json={"code": code}, timeout=5).json()
    assert answer["errcode"] == 0 and answer["errmsg"] == "ok"
    info = answer["phone_info"]
    assert (info["phoneNumber"], info["purePhoneNumber"], info["countryCode"]) == ("13800138000",
                                                                                 "13800138000", "86")
    assert info["watermark"]["appid"] == sandbox.env["WECHAT_APPID"]


def test_faults_can_be_cleared_and_are_counted(sandbox):
    token = _token(sandbox)
    send = f"{sandbox.base}/cgi-bin/message/custom/send"
    body = {"touser": "o-1", "msgtype": "text", "text": {"content": "hi"}}
    sandbox.fault("/cgi-bin/message/custom/send", errcode=45047, times=2)
    codes = [requests.post(send, params={"access_token": token}, json=body, timeout=5).json()["errcode"]
             for _ in range(3)]
    assert codes == [45047, 45047, 0]

    sandbox.fault("/cgi-bin/message/custom/send", errcode=-1, times=5)
    pending = requests.get(f"{sandbox.base}/_sandbox/faults", timeout=5).json()["faults"]
    assert pending == [{"endpoint": "/cgi-bin/message/custom/send", "remaining": 5}]  # played ones are gone
    requests.post(send, params={"access_token": token}, json=body, timeout=5)
    assert requests.get(f"{sandbox.base}/_sandbox/faults", timeout=5).json()["faults"][0]["remaining"] == 4
    assert requests.delete(f"{sandbox.base}/_sandbox/faults", timeout=5).status_code == 204
    assert requests.get(f"{sandbox.base}/_sandbox/faults", timeout=5).json()["count"] == 0
    assert requests.post(send, params={"access_token": token}, json=body, timeout=5).json()["errcode"] == 0


def test_messages_newest_first_and_reset_forgets_them(sandbox):
    token = _token(sandbox)
    send = f"{sandbox.base}/cgi-bin/message/custom/send"
    for text in ("one", "two"):
        requests.post(send, params={"access_token": token},
                      json={"touser": "o-1", "msgtype": "text", "text": {"content": text}}, timeout=5)
    assert [m["content"] for m in sandbox.messages(to="o-1")] == ["two", "one"]
    assert sandbox.messages(to="o-2") == [] and sandbox.messages(channel="sms") == []

    sandbox.reset()
    assert sandbox.messages() == []
    # tokens are forgotten too
    assert requests.post(send, params={"access_token": token}, json={}, timeout=5).json()["errcode"] == 40001


def test_control_api_refuses_bad_input(sandbox):
    missing = requests.post(f"{sandbox.base}/_sandbox/wechat/login-code", json={"appid": "x"}, timeout=5)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "missing_field"
    unknown = requests.post(f"{sandbox.base}/_sandbox/wechat/login-code",
                            json={"appid": "wxunknown", "openid": "o"}, timeout=5)
    assert unknown.status_code == 404
