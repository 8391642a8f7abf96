"""The learned red-flag net behind the rules (bot/red_flag_net.py, trained by scripts/red_flag_net.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot import red_flag_net, safety, service
from bot.text import normalize
from tests.bot.safety_cases import EMERGENCY

ROOT = Path(__file__).resolve().parents[2]

# Our own words, no red-flag keyword in them: the rules find nothing, the net does.
CHOKING_WITHOUT_THE_WORD = "孩子脸憋得通红 手一直抓着脖子 发不出声音"
SHOCK_WITHOUT_THE_WORD = "我妈手脚冰凉 脸色灰白 怎么喊都只哼一声"
SELF_HARM_WITHOUT_THE_WORD = "刀在手上 这次我不想停了"


@pytest.fixture(scope="module")
def trainer() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts" / "rasa"))  # the script's own imports (nlu_yaml)
    spec = importlib.util.spec_from_file_location("red_flag_net_trainer", ROOT / "scripts" / "red_flag_net.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_the_shipped_weights_were_trained_on_the_data_as_it_is_now(trainer: ModuleType) -> None:
    shipped = json.loads(red_flag_net.WEIGHTS.read_text(encoding="utf-8"))
    assert shipped["data_sha256"] == trainer.data_digest(trainer.lines()), \
        "nlu_data changed since the net was trained: run `.venv/bin/python scripts/red_flag_net.py train`"


def test_the_app_scores_a_message_as_sklearn_does(trainer: ModuleType) -> None:
    texts = [normalize(t) for t, _ in EMERGENCY[:60]] + [normalize(t) for t in ("胃疼三天了", "医院几点开门", "孩子咳嗽挂什么科",
                                                                               "以前胸口疼过 现在好了", "想问问怎么预防中风")] * 8
    labels = [True] * 60 + [False] * 40
    vectorizer, model = trainer.sklearn_model(texts, labels)
    net = red_flag_net.Net(trainer.fit(texts, labels, min_weight=0.0), 0.5)
    for text in (texts[0], texts[-1], "胸口压着疼 出冷汗", "胃疼"):
        expected = model.predict_proba(vectorizer.transform([text]))[0, 1]
        assert net.probability(text) == pytest.approx(expected, abs=1e-3), text


@pytest.mark.parametrize("text", [CHOKING_WITHOUT_THE_WORD, SHOCK_WITHOUT_THE_WORD])
def test_a_red_flag_the_rules_miss_is_still_an_emergency(text: str) -> None:
    clean = normalize(text)
    assert not safety.check_rules(clean).emergency  # what this test is about: the rules alone miss it
    result = safety.check(clean)
    assert result.emergency and result.flags == [safety.NET_EMERGENCY] and not result.crisis_hotline


def test_self_harm_the_rules_miss_gets_the_crisis_hotline() -> None:
    clean = normalize(SELF_HARM_WITHOUT_THE_WORD)
    assert not safety.check_rules(clean).emergency
    result = safety.check(clean)
    assert result.flags == [safety.NET_CRISIS] and result.crisis_hotline


def test_the_answer_to_a_net_only_red_flag_is_the_emergency_answer() -> None:
    answer = service.understand(CHOKING_WITHOUT_THE_WORD, nlu=None)
    assert answer.intent == "emergency" and answer.urgency == "emergency"
    assert answer.red_flags == [safety.NET_EMERGENCY] and answer.department == "急诊科"


def test_the_net_never_replaces_a_rule_flag() -> None:
    for text, _ in EMERGENCY[:200]:
        assert safety.check(normalize(text)).flags == safety.check_rules(normalize(text)).flags, text
