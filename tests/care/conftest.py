from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.care.helpers import Clock, Sandbox, Staff


@pytest.fixture
def clock(app, sandbox) -> Iterator[Clock]:  # type: ignore[no-untyped-def]
    travelling = Clock(sandbox["SANDBOX_BASE"])
    yield travelling
    travelling.stop()


@pytest.fixture
def platform(app, sandbox) -> Sandbox:  # type: ignore[no-untyped-def]
    return Sandbox(sandbox["SANDBOX_BASE"], app.config["SETTINGS"])


@pytest.fixture
def staff(app, client) -> Staff:  # type: ignore[no-untyped-def]
    return Staff(app, client)
