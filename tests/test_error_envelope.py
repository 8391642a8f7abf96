"""Bad input gets a clear envelope with a stable code and Chinese message; never a 500 or a traceback."""

from __future__ import annotations

import pytest


def _error(response):  # type: ignore[no-untyped-def]
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])  # Chinese for the user
    return body["error"]


@pytest.mark.parametrize("data,content_type,status,code", [
    (b"{not json", "application/json", 400, "invalid_json"),
    (b"[1, 2]", "application/json", 400, "invalid_json"),
    (b'{"code": "\xff\xfe"}', "application/json", 400, "invalid_encoding"),
    (b"code=abc", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b'{"code": 12345}', "application/json", 422, "validation_error"),
    (b'{"code": "abc", "admin": true}', "application/json", 422, "validation_error"),
    (b"{}", "application/json", 422, "validation_error"),
    (b'{"code": ""}', "application/json", 422, "validation_error"),
])
def test_malformed_login_bodies(client, data, content_type, status, code):
    response = client.post("/api/v1/auth/wechat", data=data, content_type=content_type)
    assert response.status_code == status
    assert _error(response)["code"] == code


def test_validation_error_names_the_field_without_echoing_input(client):
    response = client.post("/api/v1/auth/sms/send", json={"phone": "12345"})
    error = _error(response)
    assert error["fields"] == [{"field": "phone", "type": "string_pattern_mismatch"}]
    assert "12345" not in response.get_data(as_text=True)


def test_huge_body_is_413(client, app):
    big = b'{"code": "' + b"a" * (app.config["SETTINGS"].max_request_bytes + 10) + b'"}'
    response = client.post("/api/v1/auth/wechat", data=big, content_type="application/json")
    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"


def test_unknown_path_and_wrong_method(client):
    assert _error(client.get("/api/v1/nothing-here"))["code"] == "not_found"
    response = client.get("/api/v1/auth/wechat")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", [
    {"kind": "blood_pressure", "systolic": -120, "diastolic": 80},
    {"kind": "blood_pressure", "systolic": 80, "diastolic": 120},
    {"kind": "blood_pressure", "systolic": "140", "diastolic": 90},
    {"kind": "glucose", "value": 78, "unit": "mg/dL"},
    {"kind": "temperature", "value": 98.6},
    {"kind": "weight", "value": 65, "unit": "斤"},
    {"kind": "heart_rate", "value": 72, "measured_at": "2999-01-01T00:00:00+08:00"},
    {"kind": "spo2", "value": 97, "measured_at": "yesterday"},
    {"kind": "cholesterol", "value": 5},
])
def test_invalid_vitals_are_refused_and_nothing_is_stored(phones, body):
    patient = phones.patient()
    response = patient.post("/api/v1/vitals", json=body)
    assert response.status_code == 422, response.get_json()
    assert _error(response)["code"] == "validation_error"
    assert patient.get("/api/v1/vitals").get_json()["items"] == []


def test_valid_vitals_of_every_kind_are_stored(phones):
    patient = phones.patient()
    for body in ({"kind": "blood_pressure", "systolic": 138, "diastolic": 88},
                 {"kind": "glucose", "value": 7.8, "context": "fasting"}, {"kind": "weight", "value": 62.5},
                 {"kind": "temperature", "value": 37.2}, {"kind": "spo2", "value": 96},
                 {"kind": "heart_rate", "value": 72, "measured_at": "2026-01-02T08:00:00+08:00"}):
        assert patient.post("/api/v1/vitals", json=body).status_code == 201
    kinds = {r["kind"] for r in patient.get("/api/v1/vitals").get_json()["items"]}
    assert kinds == {"blood_pressure", "glucose", "weight", "temperature", "spo2", "heart_rate"}


def test_unexpected_failure_is_an_envelope_without_traceback(settings_overrides):
    from app import create_app

    app = create_app(settings_overrides)

    @app.get("/api/v1/_test_boom")
    def _boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/_test_boom")
    assert response.status_code == 500
    assert _error(response)["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_every_response_has_a_request_id_and_echoes_a_sane_one(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-ID": "x" * 500}).headers["X-Request-ID"] != "x" * 500


@pytest.mark.parametrize("path,body", [
    ("/api/v1/staff/login", '{"username": "N\\u00f8\\u0000]}", "password": "long enough password"}'),  # found by the fuzzer
    ("/api/v1/auth/wechat", '{"code": "abc\\u0000"}'),
    ("/api/v1/bot/understand", '{"text": "头疼\\u0000"}'),
])
def test_a_nul_character_is_refused_before_it_reaches_the_database(client, path, body):
    """PostgreSQL cannot store NUL in text: a staff login with one in the name was a 500 there."""
    response = client.post(path, data=body.encode(), content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_characters"


def test_a_nul_in_the_query_string_is_refused(client):
    response = client.get("/api/v1/me?name=%00")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_characters"


def test_a_backslash_and_u0000_typed_as_text_is_no_nul(client):
    response = client.post("/api/v1/staff/login", content_type="application/json",
                           data=b'{"username": "a\\\\u0000b", "password": "long enough password"}')
    assert response.status_code == 401, response.get_json()
