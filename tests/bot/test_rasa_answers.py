"""How Rasa's parse turns into the contract's answer when the model is unsure."""

from __future__ import annotations

from bot import fallback, safety
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


def test_where_rasa_hesitates_between_two_departments_the_other_model_tips_the_balance():
    from bot.service import blend_departments

    rasa = [("消化内科", 0.5), ("普外科", 0.45), ("肾内科", 0.05)]
    bayes = [("普外科", 0.6), ("心血管内科", 0.3), ("消化内科", 0.1)]
    blended = blend_departments(rasa, bayes)
    assert [name for name, _ in blended] == ["普外科", "消化内科", "心血管内科"]
    assert all(0 < score <= 1 for _, score in blended)
    # a clear Rasa answer stays first whatever the other model thinks
    assert blend_departments([("眼科", 0.9), ("耳鼻喉科", 0.05)], [("皮肤科", 0.9)])[0][0] == "眼科"
    assert [name for name, _ in blend_departments([], [("骨科", 0.8)])] == ["骨科"]  # Rasa named none
    # the other model has nothing to say (not loaded yet, no known word): Rasa's scores stand as they were
    assert blend_departments([("眼科", 0.9), ("耳鼻喉科", 0.2)], []) == [("眼科", 0.9), ("耳鼻喉科", 0.2)]


def test_a_department_rasa_ranked_far_down_but_the_other_model_is_sure_of_makes_the_list():
    fallback.model()  # loaded at start-up in the app; until then Rasa's ranking stands alone
    text = "心慌胸闷 心跳很快 爬楼梯就喘"
    ranking = [{"intent_response_key": f"triage/{key}", "confidence": score}
               for key, score in (("respiratory", 0.55), ("gastroenterology", 0.3), ("nephrology", 0.05))]
    parsed = {"text": text, "intent": {"name": "triage", "confidence": 0.9},
              "response_selector": {"triage": {"ranking": ranking}}, "entities": []}
    names = [d.name for d in _answer(text, parsed).departments]
    assert "心血管内科" in names
    assert "肾内科" not in names  # not Rasa's distant third


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
