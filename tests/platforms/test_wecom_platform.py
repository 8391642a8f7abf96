"""WeCom through the real wechatpy enterprise client against the sandbox over HTTP."""

from __future__ import annotations

import pytest
import redis
from tests_platforms_helpers import make_wecom

from platforms.errors import AuthError, PermanentError, RetryableError
from platforms.wecom import WeComPlatform


@pytest.fixture
def wecom(sandbox_env: dict[str, str], redis_client: redis.Redis, key_prefix: str) -> WeComPlatform:
    return make_wecom(sandbox_env, redis_client, key_prefix)


def test_text_message_reaches_the_nurse(sandbox, wecom, redis_client, key_prefix):
    result = wecom.send_text(["nurse-li", "nurse-wang"], "3床患者血压偏高，请复核。")

    assert result.msgid and result.invalid_users == ()
    [message] = sandbox.messages(to="nurse-li")
    assert message["channel"] == "wecom.message"
    assert message["content"] == "3床患者血压偏高，请复核。"
    assert len(sandbox.messages(channel="wecom")) == 2
    assert list(redis_client.scan_iter(match=f"{key_prefix}:*access_token"))


def test_textcard_and_markdown(sandbox, wecom):
    wecom.message.send_text_card(["dr-zhao"], "随访任务逾期", "患者张某 3 天未回复", "https://example.org/t/1")
    wecom.message.send_markdown(["dr-zhao"], "**逾期** 1 条")
    kinds = [m["msgtype"] for m in sandbox.messages(to="dr-zhao")]
    assert kinds == ["markdown", "textcard"]  # newest first


def test_message_to_external_contact(sandbox, wecom):
    msgid = wecom.add_msg_template(["wmPatient001"], "您好，明天上午9点复诊。", sender="nurse-li")
    assert msgid
    [message] = sandbox.messages(to="wmPatient001")
    assert (message["channel"], message["content"]) == ("wecom.external", "您好，明天上午9点复诊。")


def test_media_round_trip_goes_through_the_session(sandbox, wecom):
    media_id = wecom.media.upload_media("file", "plan.pdf", b"%PDF-1.4 test")
    assert wecom.get_media(media_id) == b"%PDF-1.4 test"
    with pytest.raises(PermanentError) as caught:
        wecom.get_media("missing")
    assert caught.value.errcode == 40007


def test_revoked_token_is_refreshed(sandbox, wecom):
    wecom.send_text(["nurse-li"], "一")
    sandbox.reset()
    wecom.send_text(["nurse-li"], "二")
    assert [m["content"] for m in sandbox.messages(to="nurse-li")] == ["二"]


def test_wrong_secret_is_an_auth_error(sandbox_env, sandbox, redis_client, key_prefix):
    wrong = make_wecom({**sandbox_env, "WECOM_SECRET": "x" * 43}, redis_client, key_prefix)
    with pytest.raises(AuthError) as caught:
        wrong.send_text(["nurse-li"], "hi")
    assert caught.value.errcode == 40001


def test_system_busy_is_retryable(sandbox, wecom):
    sandbox.fault("/wecom/cgi-bin/message/send", errcode=-1)
    with pytest.raises(RetryableError):
        wecom.send_text(["nurse-li"], "hi")
    # WeCom's channel only: the sandbox is shared by the whole session, and a CI run once saw a stray SMS from an
    # earlier test's background work land here
    assert sandbox.messages(channel="wecom") == []
