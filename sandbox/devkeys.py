"""Throw-away credentials for a local sandbox run (never committed; generated at run time).

``generate(instance_dir, port)`` writes ``instance_dir/sandbox.json`` (read by the sandbox) and
``instance_dir/sandbox-client.json`` (the app-side secrets), reusing both when they exist, and
returns the app-side settings as env-var name -> value.
"""

from __future__ import annotations

import base64
import json
import os
import pathlib
import secrets
import string

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SANDBOX_FILE = "sandbox.json"
CLIENT_FILE = "sandbox-client.json"
LOGIN_CODE_TEMPLATE = "SMS_100000001"
SMS_TEMPLATES = {
    # template code -> the variables the template needs (others are accepted as they come)
    "SMS_100000001": ["code"],
    "SMS_100000002": ["name", "time"],
}


def _alnum(n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _rsa_pair() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, base64.b64encode(public).decode()


def _write_private(path: pathlib.Path, data: dict[str, object]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)


def _new_credentials(port: int) -> tuple[dict[str, object], dict[str, str]]:
    wechat_appid, wechat_secret = "wx" + secrets.token_hex(8), secrets.token_hex(16)
    oa_appid, oa_secret, oa_token = "wx" + secrets.token_hex(8), secrets.token_hex(16), _alnum(32)
    corpid, corp_secret, agentid = "ww" + secrets.token_hex(8), _alnum(43), "1000002"
    alipay_app_id = "2021" + "".join(secrets.choice(string.digits) for _ in range(12))
    app_key, app_public = _rsa_pair()
    gateway_key, gateway_public = _rsa_pair()
    aes_key = base64.b64encode(secrets.token_bytes(16)).decode()
    access_key_id, access_key_secret = "LTAI" + _alnum(20), _alnum(30)
    sign_name = "康伴"

    sandbox_config: dict[str, object] = {
        "port": port,
        "wechat": {"apps": [{"appid": wechat_appid, "secret": wechat_secret, "type": "miniprogram"},
                            {"appid": oa_appid, "secret": oa_secret, "type": "official_account", "token": oa_token}],
                   "token_ttl": 7200, "code_ttl": 300},
        "wecom": {"corps": [{"corpid": corpid, "secret": corp_secret, "agentid": agentid}]},
        "alipay": {
            "gateway_private_key": gateway_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()).decode(),
            "gateway_public_key": gateway_public,
            "apps": [{"app_id": alipay_app_id, "app_public_key": app_public, "aes_key": aes_key}],
        },
        "aliyun": {
            "access_keys": {access_key_id: access_key_secret},
            "sms": {"sign_names": [sign_name], "templates": SMS_TEMPLATES},
            "sms_limits": {"per_minute": 1, "per_hour": 5, "per_day": 10},
        },
    }
    # alipay-sdk-python wants PKCS#1 ("RSA PRIVATE KEY"); the bare base64 body is what Alipay's
    # key tool shows and what the sdk accepts (it adds the PEM markers itself).
    app_private_pkcs1 = app_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption())
    client = {
        "WECHAT_APPID": wechat_appid,
        "WECHAT_SECRET": wechat_secret,
        "WECHAT_OA_APPID": oa_appid,
        "WECHAT_OA_SECRET": oa_secret,
        "WECHAT_OA_TOKEN": oa_token,
        "WECOM_CORPID": corpid,
        "WECOM_SECRET": corp_secret,
        "WECOM_AGENTID": agentid,
        "ALIPAY_APP_ID": alipay_app_id,
        "ALIPAY_APP_PRIVATE_KEY": base64.b64encode(app_private_pkcs1).decode(),
        "ALIPAY_PUBLIC_KEY": gateway_public,
        "ALIPAY_AES_KEY": aes_key,
        "SMS_ACCESS_KEY_ID": access_key_id,
        "SMS_ACCESS_KEY_SECRET": access_key_secret,
        "SMS_SIGN_NAME": sign_name,
    }
    return sandbox_config, client


def generate(instance_dir: pathlib.Path, port: int = 8801) -> dict[str, str]:
    """Create (or reuse) sandbox credentials in ``instance_dir``; return the app-side settings."""
    instance_dir = pathlib.Path(instance_dir)
    instance_dir.mkdir(parents=True, exist_ok=True)
    sandbox_path, client_path = instance_dir / SANDBOX_FILE, instance_dir / CLIENT_FILE
    if sandbox_path.exists() and client_path.exists():
        sandbox_config = json.loads(sandbox_path.read_text(encoding="utf-8"))
        client = json.loads(client_path.read_text(encoding="utf-8"))
        if sandbox_config.get("port") != port:
            sandbox_config["port"] = port
            _write_private(sandbox_path, sandbox_config)
    else:
        sandbox_config, client = _new_credentials(port)
        _write_private(sandbox_path, sandbox_config)
        _write_private(client_path, client)
    base = f"http://127.0.0.1:{port}"
    return {
        **client,
        "WECHAT_API_BASE": base,
        "WECOM_API_BASE": f"{base}/wecom",
        "ALIPAY_GATEWAY": f"{base}/alipay/gateway.do",
        "SMS_API_BASE": f"{base}/aliyun/sms",
        "VOICE_API_BASE": f"{base}/aliyun/voice",
        "SMS_TEMPLATE_LOGIN_CODE": LOGIN_CODE_TEMPLATE,
    }
