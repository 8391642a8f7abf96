"""Alipay through the real alipay-sdk-python (signing and verification) against the sandbox."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
import requests
from alipay.aop.api.util.SignatureUtils import sign_with_rsa2, verify_with_rsa
from alipay.aop.api.util.WebUtils import get_http_connection
from Crypto.Cipher import AES
from Crypto.Util.Padding import unpad
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from platforms.alipay import AlipayIdentity, AlipayPlatform
from platforms.errors import AuthError, PermanentError, QuotaError, RetryableError, SignatureInvalid


def _other_key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(private).decode(), base64.b64encode(public).decode()


def make_alipay(env: dict[str, str], **overrides: str) -> AlipayPlatform:
    settings = {**env, **overrides}
    return AlipayPlatform(settings["ALIPAY_APP_ID"], settings["ALIPAY_APP_PRIVATE_KEY"],
                          settings["ALIPAY_PUBLIC_KEY"], settings["ALIPAY_AES_KEY"],
                          settings["ALIPAY_GATEWAY"], timeout=3.0)


@pytest.fixture
def alipay(sandbox_env: dict[str, str]) -> AlipayPlatform:
    return make_alipay(sandbox_env)


def test_auth_code_gives_open_id_for_a_new_app(sandbox, alipay):
    identity = alipay.oauth_token(sandbox.alipay_auth_code("074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5", union_id="un-1"))

    assert isinstance(identity, AlipayIdentity)
    assert identity.open_id == "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"
    assert identity.user_id is None  # new apps get open_id only
    assert identity.union_id == "un-1"
    assert identity.access_token and identity.refresh_token


def test_user_id_is_passed_on_when_alipay_gives_one(sandbox, alipay):
    identity = alipay.oauth_token(sandbox.alipay_auth_code("open-2", user_id="2088102150477652"))
    assert identity.user_id == "2088102150477652"


def test_user_info_share_with_the_access_token(sandbox, alipay):
    identity = alipay.oauth_token(sandbox.alipay_auth_code("open-3", nick_name="王阿姨"))
    info = alipay.user_info_share(identity.access_token)
    assert (info.open_id, info.nick_name) == ("open-3", "王阿姨")
    assert info.avatar

    with pytest.raises(AuthError) as caught:
        alipay.user_info_share("authusrBnot-a-token")
    assert caught.value.sub_code == "aop.invalid-auth-token"


def test_auth_code_is_accepted_only_once(sandbox, alipay):
    code = sandbox.alipay_auth_code("open-4")
    alipay.oauth_token(code)

    with pytest.raises(PermanentError) as caught:
        alipay.oauth_token(code)

    assert caught.value.errcode == "40002"
    assert caught.value.sub_code == "isv.code-invalid"
    assert caught.value.kind == "permanent"


def test_request_signed_with_another_key_is_rejected_by_the_gateway(sandbox, sandbox_env):
    other_private, _ = _other_key_pair()
    impostor = make_alipay(sandbox_env, ALIPAY_APP_PRIVATE_KEY=other_private)

    with pytest.raises(AuthError) as caught:
        impostor.oauth_token(sandbox.alipay_auth_code("open-5"))

    assert caught.value.errcode == "40002"
    assert caught.value.sub_code == "isv.invalid-signature"


def test_tampered_request_gets_the_real_error_shape(sandbox, sandbox_env):
    params = {
        "app_id": sandbox_env["ALIPAY_APP_ID"], "method": "alipay.system.oauth.token", "charset": "utf-8",
        "sign_type": "RSA2", "timestamp": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "version": "1.0", "grant_type": "authorization_code", "code": sandbox.alipay_auth_code("open-6"),
    }
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    params["sign"] = sign_with_rsa2(sandbox_env["ALIPAY_APP_PRIVATE_KEY"], content, "utf-8")
    params["code"] = "tampered"

    response = requests.post(sandbox_env["ALIPAY_GATEWAY"], data=params, timeout=5)

    body = response.json()
    answer = body["alipay_system_oauth_token_response"]
    assert (answer["code"], answer["msg"], answer["sub_code"]) == ("40002", "Invalid Arguments",
                                                                   "isv.invalid-signature")
    # the error answer is itself signed by the gateway over its raw JSON text
    raw = response.text
    signed_text = raw[raw.index(":") + 1: raw.rindex(',"sign"')]
    assert verify_with_rsa(sandbox_env["ALIPAY_PUBLIC_KEY"], signed_text.encode(), body["sign"])


def test_the_sdk_rejects_an_answer_signed_with_another_key(sandbox, sandbox_env):
    _, other_public = _other_key_pair()
    fooled = make_alipay(sandbox_env, ALIPAY_PUBLIC_KEY=other_public)

    with pytest.raises(SignatureInvalid) as caught:
        fooled.oauth_token(sandbox.alipay_auth_code("open-7"))
    assert caught.value.kind == "permanent"


def test_phone_number_round_trip(sandbox, sandbox_env, alipay):
    phone = sandbox.alipay_phone("13700137000")

    assert alipay.decrypt_phone(phone["response"], phone["sign"]) == "13700137000"
    # cross-check the wire format independently (pycryptodome; the sdk's own aes_decrypt_content
    # passes a str IV, which pycryptodome 4.x refuses)
    cipher = AES.new(base64.b64decode(sandbox_env["ALIPAY_AES_KEY"]), AES.MODE_CBC, b"\0" * 16)
    plain = json.loads(unpad(cipher.decrypt(base64.b64decode(phone["response"])), 16))
    assert plain == {"code": "10000", "msg": "Success", "mobile": "13700137000"}
    assert verify_with_rsa(sandbox_env["ALIPAY_PUBLIC_KEY"], f'"{phone["response"]}"'.encode(), phone["sign"])


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]


def test_tampered_phone_data_is_rejected(sandbox, sandbox_env, alipay):
    phone = sandbox.alipay_phone("13700137000")

    with pytest.raises(SignatureInvalid):
        alipay.decrypt_phone(_flip(phone["response"], 5), phone["sign"])
    with pytest.raises(SignatureInvalid):
        alipay.decrypt_phone(phone["response"], _flip(phone["sign"], 10))
    with pytest.raises(SignatureInvalid):
        alipay.decrypt_phone(phone["response"], "not base64!")
    other = sandbox.alipay_phone("13600136000")
    with pytest.raises(SignatureInvalid):
        alipay.decrypt_phone(phone["response"], other["sign"])
    _, other_public = _other_key_pair()
    with pytest.raises(SignatureInvalid):
        make_alipay(sandbox_env, ALIPAY_PUBLIC_KEY=other_public).decrypt_phone(phone["response"], phone["sign"])


def test_wrong_aes_key_is_permanent_not_garbage(sandbox, sandbox_env):
    phone = sandbox.alipay_phone("13700137000")
    wrong = make_alipay(sandbox_env, ALIPAY_AES_KEY=base64.b64encode(b"0" * 16).decode())
    with pytest.raises(PermanentError):
        wrong.decrypt_phone(phone["response"], phone["sign"])


@pytest.mark.parametrize(("fault", "error_type"), [
    ({"errcode": "20000"}, RetryableError),
    ({"errcode": "40004", "sub_code": "isv.call-limit"}, QuotaError),
    ({"status": 502}, RetryableError),
])
def test_gateway_faults_are_classified(sandbox, alipay, fault, error_type):
    sandbox.fault("alipay.system.oauth.token", **fault)
    code = sandbox.alipay_auth_code("open-8")
    with pytest.raises(error_type):
        alipay.oauth_token(code)
    assert alipay.oauth_token(code).open_id == "open-8"  # the fault did not consume the code


def test_slow_gateway_times_out(sandbox, sandbox_env):
    sandbox.fault("alipay.system.oauth.token", delay_ms=2000)
    alipay = AlipayPlatform(sandbox_env["ALIPAY_APP_ID"], sandbox_env["ALIPAY_APP_PRIVATE_KEY"],
                            sandbox_env["ALIPAY_PUBLIC_KEY"], sandbox_env["ALIPAY_AES_KEY"],
                            sandbox_env["ALIPAY_GATEWAY"], timeout=0.5)
    with pytest.raises(RetryableError) as caught:
        alipay.oauth_token(sandbox.alipay_auth_code("open-9"))
    assert caught.value.kind == "retryable"


def test_why_the_sdk_socket_layer_is_replaced(sandbox_env):
    """alipay-sdk-python 3.7.1411's own do_post cannot reach a gateway URL with a port."""
    with pytest.raises(TypeError):
        get_http_connection(sandbox_env["ALIPAY_GATEWAY"], "a=b", 5)
