"""Changing an id in the URL never reaches another patient's data, on every endpoint that takes one."""

from __future__ import annotations

import pytest

from tests.test_family_access import BP, _link


@pytest.fixture
def two_patients_and_a_link(phones):  # type: ignore[no-untyped-def]
    alice, bob, carol = phones.patient(), phones.patient(), phones.patient()
    alice.post("/api/v1/vitals", json=BP)
    link = _link(alice, carol, ["vitals"])  # Alice shares with Carol, not with Bob
    return alice, bob, link


def test_another_patients_vitals_are_not_found(two_patients_and_a_link):
    alice, bob, _ = two_patients_and_a_link
    response = bob.get(f"/api/v1/patients/{alice.patient_id}/vitals")
    assert response.status_code == 404
    assert bob.get("/api/v1/patients/pat_does-not-exist/vitals").status_code == 404
    assert alice.get(f"/api/v1/patients/{alice.patient_id}/vitals").status_code == 200


@pytest.mark.parametrize("method,path,body", [
    ("patch", "/api/v1/family/links/{link}", {"scopes": ["vitals", "plans", "messages"]}),
    ("delete", "/api/v1/family/links/{link}", None),
    ("post", "/api/v1/family/links/{link}/confirm", None),
])
def test_someone_elses_family_link_cannot_be_touched(two_patients_and_a_link, method, path, body):
    alice, bob, link = two_patients_and_a_link
    url = path.format(link=link["link_id"])
    response = getattr(bob, method)(url, json=body) if body is not None else getattr(bob, method)(url)
    assert response.status_code == 404
    # ...and the link is intact for its owner.
    assert [item["link_id"] for item in alice.get("/api/v1/family/links").get_json()["items"]] == [link["link_id"]]


def test_patient_tokens_cannot_use_staff_endpoints(two_patients_and_a_link):
    alice, _, _ = two_patients_and_a_link
    assert alice.get("/api/v1/staff/patients").status_code == 403
    assert alice.get(f"/api/v1/staff/patients/{alice.patient_id}").status_code == 403
