"""How Rasa's parse turns into the contract's answer when the model is unsure."""

from __future__ import annotations

from bot import safety
from bot.service import _from_rasa
from bot.text import normalize


def _answer(text, parsed):  # type: ignore[no-untyped-def]
    clean = normalize(text)
    return _from_rasa(clean, parsed, safety.check(clean))


def test_rasas_low_confidence_fallback_becomes_its_best_contract_intent_with_low_confidence():
    parsed = {"text": "那个我想问问", "intent": {"name": "nlu_fallback", "confidence": 0.35},
              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.35},
                                 {"name": "book_appointment", "confidence": 0.31},
                                 {"name": "triage", "confidence": 0.28}], "entities": []}
    answer = _answer("那个我想问问", parsed)
    assert answer.intent == "book_appointment"
    assert answer.confidence == 0.31
    assert answer.source == "rasa"


def test_a_low_confidence_fallback_without_any_ranking_is_out_of_scope():
    answer = _answer("啊", {"text": "啊", "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []})
    assert answer.intent == "out_of_scope"
    assert answer.department is None


def test_the_third_department_comes_from_the_other_model_when_it_disagrees():
    from bot.service import _third_from_second_opinion

    rasa = [("消化内科", 0.62), ("普外科", 0.2), ("肾内科", 0.05)]
    assert _third_from_second_opinion(rasa, [("消化内科", 0.7), ("心血管内科", 0.3)]) == [
        ("消化内科", 0.62), ("普外科", 0.2), ("心血管内科", 0.2)]
    assert _third_from_second_opinion(rasa, [("普外科", 0.9)]) == rasa  # nothing new: Rasa's own third
    assert _third_from_second_opinion([], [("骨科", 0.8)]) == [("骨科", 0.8)]  # Rasa named none


def test_a_triage_answer_from_rasa_lists_the_other_models_choice_third():
    text = "心慌胸闷 心跳很快 爬楼梯就喘"
    ranking = [{"intent_response_key": f"triage/{key}", "confidence": score}
               for key, score in (("respiratory", 0.55), ("gastroenterology", 0.3), ("nephrology", 0.05))]
    parsed = {"text": text, "intent": {"name": "triage", "confidence": 0.9},
              "response_selector": {"triage": {"ranking": ranking}}, "entities": []}
    answer = _answer(text, parsed)
    assert [d.name for d in answer.departments] == ["呼吸内科", "消化内科", "心血管内科"]  # not Rasa's distant 肾内科


def test_a_reading_in_a_question_about_which_department_is_triage_not_a_reading_to_record():
    text = "餐后两小时血糖十四点二 需要挂哪个科"
    ranking = [{"intent_response_key": "triage/endocrinology", "confidence": 0.8},
               {"intent_response_key": "triage/nephrology", "confidence": 0.1}]
    parsed = {"text": text, "intent": {"name": "record_vital", "confidence": 0.97},
              "response_selector": {"triage": {"ranking": ranking}}, "entities": []}
    answer = _answer(text, parsed)
    assert answer.intent == "triage"
    assert answer.department == "内分泌科"


def test_a_reading_without_a_question_stays_a_reading():
    text = "餐后两小时血糖十四点二"
    parsed = {"text": text, "intent": {"name": "record_vital", "confidence": 0.97}, "entities": []}
    answer = _answer(text, parsed)
    assert answer.intent == "record_vital"
    assert answer.department is None
