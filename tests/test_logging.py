"""Logs never carry a phone number, ID number or token in clear; every line has the request id."""

from __future__ import annotations

import json

import structlog

from core import logging as app_logging


def test_log_lines_mask_personal_identifiers(capsys):
    app_logging.configure(json=True)
    structlog.contextvars.bind_contextvars(request_id="req-1")
    try:
        structlog.get_logger("t").info("sms_sent", phone="13912345678", note="回拨 13912345678，身份证110101195001010033",
                                       refresh_token="rt_abcdefghijklmnop", header="Bearer eyJhbGciOiJIUzI1NiJ9.abc.def")
    finally:
        structlog.contextvars.clear_contextvars()
        app_logging.configure(json=False)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["request_id"] == "req-1"
    assert line["phone"] == "139****5678"
    assert "13912345678" not in json.dumps(line, ensure_ascii=False)
    assert "110101195001010033" not in line["note"] and "110101********0033" in line["note"]
    assert line["refresh_token"] == "***"
    assert "eyJhbGciOiJIUzI1NiJ9" not in line["header"]
