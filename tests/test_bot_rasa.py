"""The bot against a real trained Rasa server: triage from the model, safety rules over the model,
and the fallback taking over when Rasa dies mid-conversation."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

from tests import services

ROOT = services.ROOT


def _start_rasa(port: int) -> subprocess.Popen[bytes]:
    model_pointer = ROOT / "bot" / "rasa" / "models" / "CURRENT"
    if not model_pointer.exists():  # never skip: the test command trains the model first
        raise RuntimeError("no trained Rasa model: run scripts/rasa/train.sh (scripts/test does)")
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "rasa" / "run.sh")], cwd=ROOT, start_new_session=True,
                            env={**os.environ, "RASA_PORT": str(port), "RASA_AUTO_TRAIN": "0"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Rasa exited with {proc.returncode}")
        try:
            if requests.post(f"http://127.0.0.1:{port}/model/parse", json={"text": "你好"}, timeout=2).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("Rasa did not come up within 300 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def rasa() -> Iterator[dict[str, object]]:
    port = services.free_port()
    state = {"port": port, "proc": _start_rasa(port)}
    yield state
    _stop(state["proc"])  # type: ignore[arg-type]


@pytest.fixture
def rasa_app(settings_overrides, rasa):  # type: ignore[no-untyped-def]
    from app import create_app
    from bot.config import load_bot_settings

    app = create_app(settings_overrides)
    app.config["BOT_SETTINGS"] = load_bot_settings(rasa_urls=f"http://127.0.0.1:{rasa['port']}", rasa_timeout_ms=2000,
                                                   rasa_health_interval_seconds=0.5, bot_rate_limit=1000)
    yield app
    client = app.extensions.pop("bot_nlu", None)
    if client is not None:
        client.close()


def understand(app, text):  # type: ignore[no-untyped-def]
    response = app.test_client().post("/api/v1/bot/understand", json={"text": text})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_model_routes_symptoms_to_the_right_department(rasa_app):
    for text, department in (("胃里反酸烧心好几天了", "消化内科"), ("膝盖疼上下楼梯更厉害", "骨科"),
                             ("宝宝三岁咳嗽发烧两天了", "儿科"), ("怀孕二十周了想建档产检", "产科")):
        answer = understand(rasa_app, text)
        assert answer["source"] == "rasa"
        assert answer["intent"] == "triage"
        assert department in [d["name"] for d in answer["departments"]], (text, answer["departments"])
        assert answer["urgency"] in ("routine", "urgent")


def test_faq_and_smalltalk_from_the_model(rasa_app):
    assert understand(rasa_app, "医院停车场怎么收费")["intent"] == "faq/parking"
    assert understand(rasa_app, "我要转人工")["intent"] == "request_human"


def test_a_bare_i_feel_unwell_is_a_complaint_to_ask_about_never_a_no(rasa_app):
    # the model alone read "不舒服" as deny and "难受" as affirm: the patient would have been told "好的"
    for text in ("不舒服", "难受", "俺浑身不得劲", "有点不舒服啊"):
        answer = understand(rasa_app, text)
        assert (answer["intent"], answer["department"]) == ("triage", None), (text, answer)
    assert understand(rasa_app, "不用了")["intent"] == "deny"


CONTRACT_INTENTS = {"greet", "goodbye", "thank", "affirm", "deny", "triage", "emergency", "book_appointment",
                    "cancel_appointment", "query_report", "medication_question", "faq/hours", "faq/location",
                    "faq/insurance", "faq/visiting", "faq/parking", "record_vital", "medication_taken", "request_human",
                    "complaint", "out_of_scope"}


def test_odd_and_unclear_messages_still_get_a_contract_intent(rasa_app):
    # Rasa says `nlu_fallback` when unsure; the contract has no such intent.
    for text in ("嗯嗯那个啥", "？？？", "asdfgh", "就是那个 你懂的", "12345", "我我我"):
        answer = understand(rasa_app, text)
        assert answer["intent"] in CONTRACT_INTENTS, (text, answer["intent"])
        assert answer["urgency"] in ("routine", "urgent", "emergency")


def test_red_flag_is_an_emergency_whatever_the_model_says(rasa_app):
    # Phrased like a "which department" question, which the model tends to route to triage.
    answer = understand(rasa_app, "我爸突然嘴歪了说话不清楚，右边胳膊抬不起来，挂哪个科")
    assert answer["urgency"] == "emergency" and answer["intent"] == "emergency"
    assert "stroke" in answer["red_flags"]
    assert answer["department"] == "急诊科"


def test_rasa_killed_mid_conversation_the_bot_keeps_answering(rasa_app, rasa, phones):
    from tests import factories

    ids = factories.hospital_with_teams(rasa_app, "组")
    patient = phones.patient()
    factories.assign(rasa_app, patient.patient_id, ids["组"])
    client = rasa_app.test_client()
    headers = {"Authorization": f"Bearer {patient.tokens['access']}"}
    first = client.post("/api/v1/chat/messages", json={"text": "胃胀反酸一个星期了"}, headers=headers).get_json()
    assert first["understanding"]["source"] == "rasa"

    _stop(rasa["proc"])  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        second = client.post("/api/v1/chat/messages", json={"text": "胸口压着疼 左胳膊发麻 出冷汗"}, headers=headers)
        assert second.status_code == 200
        body = second.get_json()
        assert body["understanding"]["source"] == "fallback"
        assert body["understanding"]["urgency"] == "emergency" and "120" in body["reply"]
        later = understand(rasa_app, "拉肚子两天了")
        assert later["source"] == "fallback" and later["departments"]
        assert time.monotonic() - started < 10
    finally:
        rasa["proc"] = _start_rasa(int(rasa["port"]))  # type: ignore[call-overload]
