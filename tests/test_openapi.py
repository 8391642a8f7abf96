"""The OpenAPI document is generated from the code, and fuzzing it finds no server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error


def test_openapi_document_describes_the_contract(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/auth/wechat", "/api/v1/auth/alipay", "/api/v1/auth/sms/send", "/api/v1/auth/phone",
                 "/api/v1/auth/kiosk", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/logout-all",
                 "/api/v1/me", "/api/v1/family/invitations", "/api/v1/family/invitations/{code}/accept",
                 "/api/v1/family/links", "/api/v1/family/links/{link_id}", "/api/v1/patients/{patient_id}/vitals",
                 "/api/v1/vitals", "/api/v1/staff/login"):
        assert path in doc["paths"], path
    login = doc["paths"]["/api/v1/auth/wechat"]["post"]
    assert "requestBody" in login and "200" in login["responses"]
    assert "ErrorEnvelope" in str(login["responses"])
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.fixture
def api_schema(app):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def patient_token(phones):  # type: ignore[no-untyped-def]
    return phones.patient().tokens["access"]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzing_finds_no_server_error(case, patient_token):  # type: ignore[no-untyped-def]
    """Anonymous and authenticated calls with generated bodies, paths and queries: never a 5xx."""
    for headers in ({}, {"Authorization": f"Bearer {patient_token}"}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}
