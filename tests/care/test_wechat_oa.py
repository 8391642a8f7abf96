"""The official account: followers are linked by union id (asked of WeChat), reminders reach them as template
messages that open the mini-program, and unfollowing (with or without the event reaching us) falls back to SMS."""

from __future__ import annotations

import hashlib
import time

import requests

from identity.models import OA_PLATFORM, PlatformIdentity
from tests import factories
from tests.care.helpers import cycle, local, medication, rows
from tests.phone import new_phone

URL = "/api/v1/callbacks/wechat-oa"


def _signed(settings, **extra):  # type: ignore[no-untyped-def]
    timestamp, nonce = str(int(time.time())), "n" + new_phone()
    # WeChat signs pushes with SHA-1 over the sorted token, timestamp and nonce: its protocol, not our choice
    signature = hashlib.sha1("".join(sorted([settings.wechat_oa_token, timestamp, nonce])).encode(),
                             usedforsecurity=False).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def _event(client, settings, openid, event):  # type: ignore[no-untyped-def]
    xml = (f"<xml><ToUserName><![CDATA[gh_hospital]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
           f"<Event><![CDATA[{event}]]></Event></xml>")
    return client.post(URL, query_string=_signed(settings), data=xml.encode(), content_type="text/xml")


def _follow(sandbox_base, settings, openid, unionid, follow=True):  # type: ignore[no-untyped-def]
    requests.post(f"{sandbox_base}/_sandbox/wechat/oa-followers", timeout=5, json={
        "appid": settings.wechat_oa_appid, "openid": openid, "unionid": unionid, "follow": follow}).raise_for_status()


def _elder_following(app, client, phones, sandbox):  # type: ignore[no-untyped-def]
    settings = app.config["SETTINGS"]
    phone, unionid, oa_openid = new_phone(), "u" + new_phone(), "oa" + new_phone()
    session = phones.wechat(phone=phone, openid="o" + phone, unionid=unionid)
    session.phone, session.oa_openid, session.unionid = phone, oa_openid, unionid
    _follow(sandbox["SANDBOX_BASE"], settings, oa_openid, unionid)
    assert _event(client, settings, oa_openid, "subscribe").data == b"success"
    return session


def test_wechat_checks_the_server_url_and_unsigned_pushes_are_refused(app, client):
    settings = app.config["SETTINGS"]
    assert client.get(URL, query_string=_signed(settings, echostr="hello123")).data == b"hello123"
    forged = client.get(URL, query_string={**_signed(settings), "signature": "0" * 40, "echostr": "x"})
    assert forged.status_code == 403 and forged.get_json()["error"]["code"] == "invalid_signature"
    unsigned = client.post(URL, data=b"<xml></xml>", content_type="text/xml")
    assert unsigned.status_code == 403


def test_a_signed_query_string_replayed_later_is_refused(app, client):
    """The signature does not cover the body: an old signed query string must not carry a new message."""
    settings = app.config["SETTINGS"]
    timestamp, nonce = str(int(time.time()) - 3600), "n-replayed"
    signature = hashlib.sha1("".join(sorted([settings.wechat_oa_token, timestamp, nonce])).encode(),
                             usedforsecurity=False).hexdigest()
    replayed = client.post(URL, query_string={"signature": signature, "timestamp": timestamp, "nonce": nonce},
                           data=b"<xml><MsgType><![CDATA[text]]></MsgType></xml>", content_type="text/xml")
    assert replayed.status_code == 403 and replayed.get_json()["error"]["code"] == "stale_signature"


def test_a_signed_query_string_carries_only_its_first_message(app, client, phones, sandbox, staff):
    """Seen once (an access log prints it), a fresh signed query string must not carry another message in its 5 minutes;
    WeChat's own retry of the same push is still answered."""
    from bot.models import ChatMessage

    settings = app.config["SETTINGS"]
    elder = _elder_following(app, client, phones, sandbox)
    signed = _signed(settings)

    def push(text, msg_id):  # type: ignore[no-untyped-def]
        xml = (f"<xml><ToUserName><![CDATA[gh_hospital]]></ToUserName><FromUserName><![CDATA[{elder.oa_openid}]]>"
               f"</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
        return client.post(URL, query_string=signed, data=xml.encode(), content_type="text/xml")

    first = push("最近胃疼 反酸", "7001")
    assert first.status_code == 200
    assert push("最近胃疼 反酸", "7001").data == first.data  # WeChat retrying the same push
    forged = push("我要改预约", "7002")
    assert forged.status_code == 403 and forged.get_json()["error"]["code"] == "replayed_signature"
    stored = rows(app, ChatMessage, ChatMessage.channel == "wechat_oa", ChatMessage.direction == "in",
                  ChatMessage.patient_id == elder.patient_id)
    assert len(stored) == 1


def test_a_signed_push_that_is_no_wechat_message_is_refused_clearly(app, client):
    settings = app.config["SETTINGS"]
    for body in ("not xml at all", "<xml><MsgType>text</MsgType><Content>\x00</Content>", "<xml></xml>",
                 "<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><Content>你好</Content><MsgId>abc</MsgId></xml>",
                 "<xml><MsgType>text</MsgType><Content>你好</Content><MsgId>1</MsgId></xml>"):
        response = client.post(URL, query_string=_signed(settings), data=body.encode(), content_type="text/xml")
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "invalid_message"


def test_a_follower_is_linked_by_union_id_and_gets_reminders_as_template_messages(app, client, phones, sandbox, staff,
                                                                                  clock, platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = _elder_following(app, client, phones, sandbox)
    [linked] = rows(app, PlatformIdentity, PlatformIdentity.platform == OA_PLATFORM)
    assert (linked.subject, linked.patient_id) == (elder.oa_openid, elder.patient_id)
    factories.assign(app, elder.patient_id, staff.team_id)
    staff.assign(elder.patient_id, staff.template(medication(channels=["wechat_oa", "sms"])))
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)

    [message] = platform.messages(elder.oa_openid)
    assert message["channel"] == "wechat.template"
    assert message["params"]["first"]["value"] == "吃降压药"
    assert message["miniprogram"]["pagepath"].startswith("pages/reminders/detail")
    assert platform.messages(elder.phone) == []


def test_after_unfollowing_reminders_go_by_sms_even_if_the_event_was_lost(app, client, phones, sandbox, staff, clock,
                                                                          platform):
    clock.to(local(2026, 11, 24, 7, 0))
    elder = _elder_following(app, client, phones, sandbox)
    other = _elder_following(app, client, phones, sandbox)
    template = staff.template(medication(channels=["wechat_oa", "sms"]))
    for person in (elder, other):
        staff.assign(person.patient_id, template)
    settings = app.config["SETTINGS"]
    _follow(sandbox["SANDBOX_BASE"], settings, elder.oa_openid, elder.unionid, follow=False)
    _event(client, settings, elder.oa_openid, "unsubscribe")  # we hear of it: the link is gone
    _follow(sandbox["SANDBOX_BASE"], settings, other.oa_openid, other.unionid, follow=False)  # we never hear of it
    clock.to(local(2026, 11, 24, 8, 0, 5))
    cycle(app)

    assert [p.subject for p in rows(app, PlatformIdentity, PlatformIdentity.platform == OA_PLATFORM)] == [other.oa_openid]
    for person in (elder, other):
        assert [m["channel"] for m in platform.messages(person.phone)] == ["sms"]
        assert platform.messages(person.oa_openid) == []


def test_following_before_verifying_a_phone_links_once_the_phone_is_verified(app, client, phones, sandbox):
    settings = app.config["SETTINGS"]
    phone, unionid, oa_openid = new_phone(), "u" + new_phone(), "oa" + new_phone()
    _follow(sandbox["SANDBOX_BASE"], settings, oa_openid, unionid)
    _event(client, settings, oa_openid, "subscribe")
    [waiting] = rows(app, PlatformIdentity, PlatformIdentity.platform == OA_PLATFORM)
    assert waiting.patient_id is None  # nobody to link yet: a union id alone names no patient

    session = phones.wechat(phone=phone, openid="o" + phone, unionid=unionid)
    [linked] = rows(app, PlatformIdentity, PlatformIdentity.platform == OA_PLATFORM)
    assert linked.patient_id == session.patient_id


def _say(client, settings, openid, *, text=None, recognition=None, msg_id=None):  # type: ignore[no-untyped-def]
    msg_id = msg_id or new_phone()
    head = (f"<xml><ToUserName><![CDATA[gh_hospital]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>")
    if text is not None:
        body = f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
    else:
        body = (f"<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m{msg_id}]]></MediaId><Format><![CDATA[amr]]></Format>"
                f"<Recognition><![CDATA[{recognition or ''}]]></Recognition>")
    xml = f"{head}{body}<MsgId>{msg_id}</MsgId></xml>"
    response = client.post(URL, query_string=_signed(settings), data=xml.encode(), content_type="text/xml")
    assert response.status_code == 200
    if response.data == b"success":
        return None
    from wechatpy import parse_message

    return parse_message(response.get_data(as_text=True)).content  # our passive reply, as WeChat reads it


def test_patients_chat_with_the_bot_by_text_and_by_voice(app, client, phones, sandbox, staff):
    from bot.models import ChatMessage

    settings = app.config["SETTINGS"]
    elder = _elder_following(app, client, phones, sandbox)
    factories.assign(app, elder.patient_id, staff.team_id)

    urgent = _say(client, settings, elder.oa_openid, text="胸口像压了块石头一样疼 左胳膊也麻 出冷汗", msg_id="5001")
    assert "120" in urgent
    assert _say(client, settings, elder.oa_openid, text="胸口像压了块石头一样疼 左胳膊也麻 出冷汗", msg_id="5001") == urgent
    assert any(t["priority"] == "urgent" for t in staff.tasks())
    spoken = _say(client, settings, elder.oa_openid, recognition="我血压今天一百五十八十五")  # WeChat's own recognition
    assert "150/85" in spoken  # recorded, as a nurse would write it
    assert "没听清" in _say(client, settings, elder.oa_openid, recognition="")
    stored = rows(app, ChatMessage, ChatMessage.channel == "wechat_oa", ChatMessage.direction == "in")
    assert len(stored) == 2  # the retried message once, the voice message with its text; the silent one is not a turn


def test_messages_without_a_usable_msg_id_are_each_answered(app, client, phones, sandbox, staff):
    from bot.models import ChatMessage

    settings = app.config["SETTINGS"]
    elder = _elder_following(app, client, phones, sandbox)
    factories.assign(app, elder.patient_id, staff.team_id)
    first = _say(client, settings, elder.oa_openid, text="你好", msg_id="0")
    second = _say(client, settings, elder.oa_openid, text="最近胃疼 反酸", msg_id="0")  # no id: not a retry of the first
    assert second and second != first
    assert _say(client, settings, elder.oa_openid, text="谢谢", msg_id="9" * 200)  # a forged giant id: answered, no 500
    stored = rows(app, ChatMessage, ChatMessage.channel == "wechat_oa", ChatMessage.direction == "in")
    assert len(stored) == 3


def test_a_follower_not_yet_known_is_asked_to_log_in_once(app, client, sandbox):
    settings = app.config["SETTINGS"]
    _follow(sandbox["SANDBOX_BASE"], settings, "oa-stranger", None)
    _event(client, settings, "oa-stranger", "subscribe")
    assert "小程序" in _say(client, settings, "oa-stranger", text="挂哪个科")


def test_a_health_managers_reply_reaches_the_official_account(app, client, phones, sandbox, staff, platform):
    settings = app.config["SETTINGS"]
    elder = _elder_following(app, client, phones, sandbox)
    factories.assign(app, elder.patient_id, staff.team_id)
    assert _say(client, settings, elder.oa_openid, text="转人工") is not None
    response = staff.post(f"/api/v1/staff/patients/{elder.patient_id}/messages", json={"text": "王阿姨您好，我是李护士，您哪里不舒服？"})
    assert response.status_code == 201
    [sent] = [m for m in platform.messages(elder.oa_openid) if m["channel"] == "wechat.custom"]
    assert sent["content"] == "王阿姨您好，我是李护士，您哪里不舒服？"
    assert _say(client, settings, elder.oa_openid, text="我头晕") is None  # staff have the chat: the bot is quiet
