"""WeChat mini-program flows through the real wechatpy client against the sandbox over HTTP."""

from __future__ import annotations

import pytest
import redis
from tests_platforms_helpers import make_wechat

from platforms.errors import AuthError, PermanentError, PlatformTimeout, QuotaError, RefusedError, RetryableError
from platforms.wechat import WeChatPlatform, WxSession

TEMPLATE = "tmpl-follow-up-reminder"


@pytest.fixture
def wechat(sandbox_env: dict[str, str], redis_client: redis.Redis, key_prefix: str) -> WeChatPlatform:
    return make_wechat(sandbox_env, redis_client, key_prefix)


def test_login_code_gives_openid_unionid_and_session_key(sandbox, wechat, redis_client, key_prefix):
    code = sandbox.wechat_login_code("o-patient-1", unionid="u-patient-1")

    session = wechat.code_to_session(code)

    assert isinstance(session, WxSession)
    assert (session.openid, session.unionid) == ("o-patient-1", "u-patient-1")
    assert len(session.session_key) == 24  # base64 of 16 bytes
    assert "session_key" not in repr(session)
    # the access token lives in Redis (wechatpy's RedisStorage), not in process memory
    token_key = f"{key_prefix}:{sandbox.env['WECHAT_APPID']}_access_token"
    assert redis_client.get(token_key)


def test_login_without_unionid_gives_none(sandbox, wechat):
    assert wechat.code_to_session(sandbox.wechat_login_code("o-2")).unionid is None


def test_login_code_is_accepted_only_once(sandbox, wechat):
    code = sandbox.wechat_login_code("o-patient-1")
    wechat.code_to_session(code)

    with pytest.raises(PermanentError) as caught:
        wechat.code_to_session(code)

    assert caught.value.errcode in (40029, 40163)
    assert caught.value.kind == "permanent"


def test_unknown_login_code_is_40029(sandbox, wechat):
    with pytest.raises(PermanentError) as caught:
        wechat.code_to_session("not-a-code")
    assert caught.value.errcode == 40029


def test_login_code_expires_after_five_minutes(sandbox, wechat):
    code = sandbox.wechat_login_code("o-patient-1")
    sandbox.advance_clock(301)

    with pytest.raises(PermanentError) as caught:
        wechat.code_to_session(code)
    assert caught.value.errcode == 40029


def test_phone_code_gives_the_verified_phone_once(sandbox, wechat):
    code = sandbox.wechat_phone_code("13800138000")

    assert wechat.get_user_phone_number(code) == "13800138000"
    with pytest.raises(PermanentError) as caught:
        wechat.get_user_phone_number(code)
    assert caught.value.errcode == 40029


def test_revoked_token_is_refreshed_once_and_the_call_succeeds(sandbox, wechat, redis_client, key_prefix):
    token_key = f"{key_prefix}:{sandbox.env['WECHAT_APPID']}_access_token"
    wechat.code_to_session(sandbox.wechat_login_code("o-1"))
    old_token = redis_client.get(token_key)

    sandbox.reset()  # the sandbox forgets every token: the cached one is now invalid (40001)
    phone = wechat.get_user_phone_number(sandbox.wechat_phone_code("13900139000"))

    assert phone == "13900139000"
    new_token = redis_client.get(token_key)
    assert new_token and new_token != old_token


def test_expired_token_42001_is_refreshed(sandbox, wechat, redis_client, key_prefix):
    token_key = f"{key_prefix}:{sandbox.env['WECHAT_APPID']}_access_token"
    wechat.code_to_session(sandbox.wechat_login_code("o-1"))
    old_token = redis_client.get(token_key)

    sandbox.advance_clock(7201)
    sandbox.subscribe("o-1", TEMPLATE, credits=1)
    wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒"})

    assert redis_client.get(token_key) != old_token


def test_token_error_that_survives_a_refresh_is_raised_not_looped(sandbox, wechat):
    wechat.code_to_session(sandbox.wechat_login_code("o-1"))
    sandbox.fault("/sns/jscode2session", errcode=40001, times=2)

    with pytest.raises(AuthError) as caught:
        wechat.code_to_session(sandbox.wechat_login_code("o-1"))
    assert caught.value.errcode == 40001
    assert caught.value.kind == "auth"


def test_a_single_40001_is_absorbed_by_one_refresh(sandbox, wechat):
    sandbox.fault("/sns/jscode2session", errcode=40001, times=1)
    assert wechat.code_to_session(sandbox.wechat_login_code("o-1")).openid == "o-1"


def test_wrong_secret_is_an_auth_error(sandbox_env, sandbox, redis_client, key_prefix):
    wrong = make_wechat({**sandbox_env, "WECHAT_SECRET": "0" * 32}, redis_client, key_prefix)
    with pytest.raises(AuthError) as caught:
        wrong.code_to_session(sandbox.wechat_login_code("o-1"))
    assert caught.value.errcode == 40125


def test_subscribe_message_without_credit_is_refused(sandbox, wechat):
    with pytest.raises(RefusedError) as caught:
        wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒"})

    assert caught.value.errcode == 43101
    assert caught.value.kind == "refused"
    assert sandbox.messages(to="o-1") == []


def test_subscribe_message_with_credit_is_delivered_once(sandbox, wechat):
    sandbox.subscribe("o-1", TEMPLATE, credits=1)

    msgid = wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒", "time2": "2026-12-01 09:00"},
                                          page="pages/plan/index")

    assert msgid > 0
    [message] = sandbox.messages(to="o-1")
    assert message["channel"] == "wechat.subscribe"
    assert message["template"] == TEMPLATE
    assert message["params"] == {"thing1": {"value": "复诊提醒"}, "time2": {"value": "2026-12-01 09:00"}}
    assert message["page"] == "pages/plan/index"
    # the one-time credit is used up
    with pytest.raises(RefusedError):
        wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒"})


def test_long_term_subscription_is_not_used_up(sandbox, wechat):
    sandbox.subscribe("o-1", TEMPLATE, long_term=True)
    for _ in range(3):
        wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "用药提醒"})
    assert len(sandbox.messages(to="o-1", channel="wechat.subscribe")) == 3


def test_subscribe_message_with_empty_value_is_permanent(sandbox, wechat):
    sandbox.subscribe("o-1", TEMPLATE, credits=1)
    with pytest.raises(PermanentError) as caught:
        wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": ""})
    assert caught.value.errcode == 47003


@pytest.mark.parametrize(("fault", "error_type", "kind"), [
    ({"errcode": -1}, RetryableError, "retryable"),
    ({"errcode": 45009}, QuotaError, "quota"),
    ({"errcode": 45047}, QuotaError, "quota"),
    ({"status": 502}, RetryableError, "retryable"),
])
def test_send_faults_are_classified(sandbox, wechat, fault, error_type, kind):
    sandbox.subscribe("o-1", TEMPLATE, credits=1)
    sandbox.fault("/cgi-bin/message/subscribe/send", **fault)

    with pytest.raises(error_type) as caught:
        wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒"})

    assert caught.value.kind == kind
    if "status" in fault:
        assert caught.value.http_status == 502
    else:
        assert caught.value.errcode == fault["errcode"]
    # the fault was used up; the credit was not
    wechat.send_subscribe_message("o-1", TEMPLATE, {"thing1": "复诊提醒"})


def test_slow_platform_times_out_as_retryable(sandbox_env, sandbox, redis_client, key_prefix):
    wechat = make_wechat(sandbox_env, redis_client, key_prefix, timeout=0.5)
    wechat.code_to_session(sandbox.wechat_login_code("o-1"))  # token fetched
    sandbox.fault("/cgi-bin/message/custom/send", delay_ms=2000)

    with pytest.raises(PlatformTimeout) as caught:
        wechat.send_custom_text("o-1", "您好")
    assert caught.value.kind == "retryable"
    assert sandbox.wait_for_messages(to="o-1", channel="wechat")  # delivered late all the same: "unknown", not "not sent"


def test_custom_text_is_delivered(sandbox, wechat):
    wechat.send_custom_text("o-1", "您的检查报告已出，请查看。")
    [message] = sandbox.messages(to="o-1", channel="wechat")
    assert (message["channel"], message["content"]) == ("wechat.custom", "您的检查报告已出，请查看。")


def test_official_account_template_message_reaches_followers_only(sandbox, sandbox_env, wechat, redis_client, key_prefix):
    oa = make_wechat({**sandbox_env, "WECHAT_APPID": sandbox_env["WECHAT_OA_APPID"],
                      "WECHAT_SECRET": sandbox_env["WECHAT_OA_SECRET"]}, redis_client, key_prefix)
    sandbox._post("wechat/oa-followers", {"appid": sandbox_env["WECHAT_OA_APPID"], "openid": "o-1", "unionid": "u-1"})

    msgid = oa.send_template_message("o-1", "tmpl-oa", {"first": "您好"}, url="https://example.org")
    assert msgid > 0
    [message] = sandbox.messages(to="o-1", channel="wechat.template")
    assert message["params"] == {"first": {"value": "您好"}}
    assert oa.get_user_info("o-1")["unionid"] == "u-1"
    with pytest.raises(RefusedError) as caught:
        oa.send_template_message("o-stranger", "tmpl-oa", {"first": "您好"})
    assert caught.value.errcode == 43004  # does not follow the account
    with pytest.raises(PermanentError) as unauthorized:
        wechat.send_template_message("o-1", "tmpl-oa", {"first": "您好"})  # a mini-program has no template messages
    assert unauthorized.value.errcode == 48001


def test_media_round_trip(sandbox, wechat):
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    media_id = wechat.upload_media("image", "report.png", content)

    assert wechat.get_media(media_id) == content
    with pytest.raises(PermanentError) as caught:
        wechat.get_media("no-such-media")
    assert caught.value.errcode == 40007


def test_production_mounts_no_rewrite(redis_client, key_prefix):
    production = WeChatPlatform("wx0000000000000000", "secret", redis_client, key_prefix=key_prefix)
    adapters = production.client._http.adapters
    assert "https://api.weixin.qq.com/" not in adapters
    assert production.client._http.default_timeout == 5.0
