"""Bot fixtures: the project `app` points Rasa at a closed port, so these tests exercise the fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_nlu_client(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each API test gets a new Rasa client (health state does not leak between tests)."""
    yield
    if "app" in request.fixturenames:
        client = request.getfixturevalue("app").extensions.pop("bot_nlu", None)
        if client is not None:
            client.close()
