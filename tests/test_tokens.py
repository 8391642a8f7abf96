"""Sessions: refresh rotation, stolen-token detection, logout here and everywhere, expiry."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from core.db import utcnow
from tests.phone import new_phone


def _refresh(client, token):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_gives_a_new_pair_and_the_old_refresh_token_is_spent(phones, client):
    session = phones.patient()
    first = _refresh(client, session.tokens["refresh"])
    assert first.status_code == 200
    body = first.get_json()
    assert body["refresh_token"] != session.tokens["refresh"]
    assert body["patient"]["id"] == session.patient_id
    session.tokens["access"] = body["access_token"]
    assert session.get("/api/v1/me").status_code == 200


def test_reusing_a_refresh_token_revokes_the_whole_login(phones, client):
    session = phones.patient()
    stolen = session.tokens["refresh"]
    rotated = _refresh(client, stolen).get_json()

    replay = _refresh(client, stolen)
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "refresh_token_reused"
    # The legitimate holder's newer tokens die too: the thief and the owner are indistinguishable.
    assert _refresh(client, rotated["refresh_token"]).status_code == 401
    session.tokens["access"] = rotated["access_token"]
    assert session.get("/api/v1/me").status_code == 401


def test_logout_ends_this_login_only(phones):
    phone = new_phone()
    wechat, alipay = phones.wechat(phone), phones.alipay(phone)
    assert wechat.post("/api/v1/auth/logout").status_code == 204
    assert wechat.get("/api/v1/me").status_code == 401
    assert alipay.get("/api/v1/me").status_code == 200


def test_logout_everywhere_ends_every_platform(phones, client):
    phone = new_phone()
    wechat, alipay, kiosk = phones.wechat(phone), phones.alipay(phone), phones.kiosk(phone)
    assert alipay.post("/api/v1/auth/logout-all").status_code == 204
    for session in (wechat, alipay, kiosk):
        assert session.get("/api/v1/me").status_code == 401
    assert _refresh(client, wechat.tokens["refresh"]).status_code == 401


def test_access_token_expires(phones, app):
    session = phones.patient()
    ttl = app.config["SETTINGS"].access_token_ttl_seconds
    with time_machine.travel(utcnow() + timedelta(seconds=ttl + 5)):
        response = session.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_garbage_and_forged_tokens_are_refused(phones, client, app):
    import jwt

    forged = jwt.encode({"fam": "tkf_x", "typ": "access", "exp": 4102444800}, "not-our-key-but-as-long-as-a-real-one-32+", algorithm="HS256")
    for header in ("Bearer nonsense", f"Bearer {forged}", "Basic abc", ""):
        response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] in ("invalid_token", "missing_token")
