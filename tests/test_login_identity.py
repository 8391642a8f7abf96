"""One patient across WeChat, Alipay and the kiosk, linked only by a verified phone number."""

from __future__ import annotations

from sqlalchemy import select, text

from identity.models import Patient, PlatformIdentity
from tests.phone import new_phone


def test_wechat_then_alipay_with_same_phone_is_the_same_patient(phones, client):
    phone = new_phone()
    wechat = phones.wechat(phone)
    alipay = phones.alipay(phone)

    assert wechat.login["needs_phone"] is False
    assert alipay.patient_id == wechat.patient_id
    me = alipay.get("/api/v1/me").get_json()
    assert me["phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert sorted(p["platform"] for p in me["platforms"]) == ["alipay", "wechat"]


def test_kiosk_with_sms_code_finds_the_same_patient(phones):
    phone = new_phone()
    wechat = phones.wechat(phone)
    kiosk = phones.kiosk(phone, id_number="110101195001010033")
    assert kiosk.patient_id == wechat.patient_id
    assert kiosk.login["expires_in"] <= 600  # a public terminal gets a short session


def test_login_without_phone_needs_phone_and_cannot_read_records(phones, client):
    session = phones.wechat()
    assert session.login["needs_phone"] is True and session.login["patient"] is None
    response = session.get("/api/v1/me")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "phone_required"

    bound = session.post("/api/v1/auth/phone", json={"phone_code": phones.wechat_phone_code(new_phone())})
    assert bound.status_code == 200
    assert bound.get_json()["needs_phone"] is False
    # The pending session was replaced by one bound to the patient.
    assert session.get("/api/v1/me").status_code == 401


def test_alipay_identity_binds_phone_later_with_encrypted_mobile(phones):
    phone = new_phone()
    wechat = phones.wechat(phone)
    pending = phones.alipay()
    bound = pending.post("/api/v1/auth/phone", json={"phone": phones.alipay_phone(phone)})
    assert bound.status_code == 200
    assert bound.get_json()["patient"]["id"] == wechat.patient_id


def test_client_claimed_phone_never_links_an_identity(phones, client):
    victim_phone = new_phone()
    phones.wechat(victim_phone)
    attacker = phones.alipay()

    claim = attacker.post("/api/v1/auth/phone", json={"phone": victim_phone})
    assert claim.status_code == 422
    extra = client.post("/api/v1/auth/wechat", json={"code": phones.wechat_code("o-attacker"), "phone": victim_phone})
    assert extra.status_code == 422
    assert extra.get_json()["error"]["code"] == "validation_error"
    assert attacker.get("/api/v1/me").status_code == 403


def test_tampered_alipay_phone_signature_is_rejected_and_nothing_linked(phones, app):
    proof = phones.alipay_phone(new_phone())
    tampered_sign = proof["sign"][:-4] + ("AAAA" if not proof["sign"].endswith("AAAA") else "BBBB")
    for bad in ({"response": proof["response"], "sign": tampered_sign},
                {"response": proof["response"][:-4] + "abcd", "sign": proof["sign"]}):
        response = phones.client.post("/api/v1/auth/alipay", json={"auth_code": phones.alipay_code("0bad"), "phone": bad})
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["error"]["code"] == "invalid_phone_proof"
    with app.app_context():
        from core import db

        assert db.session().scalars(select(Patient)).all() == []


def test_alipay_gateway_answer_signed_with_wrong_key_is_refused(settings_overrides, phones):
    """Our client verifies the gateway's signature: a forged gateway cannot log anyone in."""
    from app import create_app
    from sandbox.devkeys import _rsa_pair

    _, other_public = _rsa_pair()
    forged = create_app({**settings_overrides, "alipay_public_key": other_public}).test_client()
    response = forged.post("/api/v1/auth/alipay", json={"auth_code": phones.alipay_code("0forged")})
    assert response.status_code == 502
    assert response.get_json()["error"]["code"] == "upstream_error"


def test_used_wechat_code_is_refused(phones, client):
    code = phones.wechat_code("o-once")
    assert client.post("/api/v1/auth/wechat", json={"code": code}).status_code == 200
    again = client.post("/api/v1/auth/wechat", json={"code": code})
    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "invalid_login_code"
    assert "重新打开" in again.get_json()["error"]["message"]


def test_unionid_links_the_official_account_identity_to_the_same_patient(phones, app):
    first = phones.wechat(new_phone(), openid="o-mini", unionid="u-same-person")
    second = phones.wechat(openid="o-mini-2", unionid="u-same-person")
    assert second.login["needs_phone"] is False
    assert second.patient_id == first.patient_id


def test_sms_code_wrong_too_often_is_burned(phones, client):
    phone = new_phone()
    code = phones.sms_code(phone)
    wrong = "000000" if code != "000000" else "111111"
    statuses = [client.post("/api/v1/auth/kiosk", json={"phone": phone, "sms_code": wrong, "card_no": "MC123456"}).status_code
                for _ in range(5)]
    assert statuses == [400] * 5
    locked = client.post("/api/v1/auth/kiosk", json={"phone": phone, "sms_code": code, "card_no": "MC123456"})
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "sms_code_locked"


def test_sms_send_is_rate_limited_per_phone(phones, client):
    phone = new_phone()
    phones.sms_code(phone)
    again = client.post("/api/v1/auth/sms/send", json={"phone": phone})
    assert again.status_code == 429
    assert again.get_json()["error"]["code"] == "sms_rate_limited"
    assert len(phones.delivered(phone, "sms")) == 1


def test_kiosk_refuses_an_id_number_that_belongs_to_someone_else(phones, client):
    phones.kiosk(new_phone(), id_number="110101195001010033")
    other_phone = new_phone()
    response = client.post("/api/v1/auth/kiosk", json={"phone": other_phone, "sms_code": phones.sms_code(other_phone),
                                                       "id_number": "110101195001010033"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "identity_mismatch"


def test_invalid_id_number_checksum_is_a_validation_error(phones, client):
    phone = new_phone()
    response = client.post("/api/v1/auth/kiosk", json={"phone": phone, "sms_code": "123456", "id_number": "110101195001010034"})
    assert response.status_code == 422


def test_identifiers_are_encrypted_at_rest(phones, app):
    phone = new_phone()
    phones.kiosk(phone, id_number="110101195001010033")
    with app.app_context():
        from core import db

        raw = db.session().execute(text("SELECT phone, id_number FROM patient")).one()  # bypasses decryption
        raw_text = " ".join(str(v) for v in raw)
        assert phone not in raw_text and "110101195001010033" not in raw_text
        assert db.session().scalar(select(Patient)).phone == phone  # decrypts for the app
        assert db.session().scalars(select(PlatformIdentity)).all() == []  # kiosk keeps no platform identity
