"""The messaging tests use the same clock, sandbox and staff fixtures as the care tests."""

from tests.care.conftest import clock, platform, staff  # noqa: F401
