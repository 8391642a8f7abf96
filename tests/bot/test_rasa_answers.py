"""How Rasa's parse turns into the contract's answer when the model is unsure."""

from __future__ import annotations

from bot import fallback, safety
from bot.dialogue import LOW_CONFIDENCE
from bot.service import _from_rasa, _rasa_intent, blend_intent, keep_named_department
from bot.text import normalize


def _answer(text, parsed):  # type: ignore[no-untyped-def]
    clean = normalize(text)
    return _from_rasa(clean, parsed, safety.check(clean))


def test_rasas_low_confidence_fallback_becomes_its_best_contract_intent_with_low_confidence():
    parsed = {"text": "那个我想问问", "intent": {"name": "nlu_fallback", "confidence": 0.35},
              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.35},
                                 {"name": "book_appointment", "confidence": 0.31},
                                 {"name": "triage", "confidence": 0.28}], "entities": []}
    rasa_alone = _rasa_intent(parsed)
    assert rasa_alone == ("book_appointment", 0.31)
    fallback.model()
    answer = _answer("那个我想问问", parsed)
    # the other model is sure this says nothing (out of scope): blended, still unsure, so the dialogue asks again
    assert answer.intent == "out_of_scope"
    assert answer.confidence < LOW_CONFIDENCE
    assert answer.source == "rasa"


def test_where_rasa_hesitates_between_two_intents_the_other_model_tips_the_balance():
    parsed = {"intent_ranking": [{"name": "record_vital", "confidence": 0.5}, {"name": "triage", "confidence": 0.45},
                                 {"name": "out_of_scope", "confidence": 0.05}]}
    bayes = [("triage/cardiology", 0.5), ("triage/neurology", 0.3), ("record_vital", 0.2)]
    intent, confidence = blend_intent(parsed, ("record_vital", 0.5), bayes)
    assert intent == "triage"  # 0.45 + 0.7 × 0.8 against 0.5 + 0.7 × 0.2
    assert 0 < confidence <= 1
    # a sure Rasa answer stands whatever the other model thinks; so does an emergency, however unsure
    sure = {"intent_ranking": [{"name": "complaint", "confidence": 0.95}, {"name": "triage", "confidence": 0.05}]}
    assert blend_intent(sure, ("complaint", 0.95), [("triage/cardiology", 1.0)]) == ("complaint", 0.95)
    unsure = {"intent_ranking": [{"name": "emergency", "confidence": 0.4}, {"name": "triage", "confidence": 0.35}]}
    assert blend_intent(unsure, ("emergency", 0.4), [("triage/cardiology", 1.0)]) == ("emergency", 0.4)
    assert blend_intent(parsed, ("record_vital", 0.5), []) == ("record_vital", 0.5)  # nothing to blend


def test_an_faq_question_rasa_missed_gets_the_faq_topic_its_selector_ranks_first():
    parsed = {"intent_ranking": [{"name": "out_of_scope", "confidence": 0.5}, {"name": "faq", "confidence": 0.4}],
              "response_selector": {"faq": {"response": {"intent_response_key": "faq/parking", "confidence": 0.9}}}}
    assert blend_intent(parsed, ("out_of_scope", 0.5), [("faq/hours", 0.9)])[0] == "faq/parking"
    del parsed["response_selector"]
    assert blend_intent(parsed, ("out_of_scope", 0.5), [("faq/hours", 0.9)])[0] == "faq/hours"


def test_a_low_confidence_fallback_without_any_ranking_is_out_of_scope():
    fallback.model()  # the in-process model weighs in, as in a warmed-up worker (not only after another test loaded it)
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


def _sure(intent: str, text: str, departments: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    """Rasa sure of `intent`, its triage selector pointing at the first of `departments` (dept keys)."""
    return {"text": text, "intent": {"name": intent, "confidence": 0.96},
            "intent_ranking": [{"name": intent, "confidence": 0.96}, {"name": "triage", "confidence": 0.04}],
            "entities": [], "response_selector": {"triage": {"ranking": [
                {"intent_response_key": f"triage/{departments[0]}", "confidence": 0.8},
                {"intent_response_key": f"triage/{departments[1]}", "confidence": 0.1}]}}}


def _sure_reading(text: str) -> dict:  # type: ignore[type-arg]
    """Rasa sure it heard a reading to write down, its triage selector pointing at cardiology."""
    return _sure("record_vital", text, ("cardiology", "neurology"))


def test_a_reading_told_with_a_complaint_is_triage_with_a_department_and_a_bare_reading_stays_a_reading():
    fallback.model()
    answer = _answer("血压一百七十 低压一百 头有点晕", _sure_reading("血压170低压100头有点晕"))
    assert answer.intent == "triage"
    assert answer.department == "心血管内科"
    for text in ("血压一百三 八十五 没啥不舒服 记一下", "今天血压一百四 头不晕", "早上血压一百二十八 八十", "早上血糖六点八 喝了杯酸奶"):
        answer = _answer(text, _sure_reading(text))
        assert answer.intent == "record_vital", text
        assert answer.department is None
    # hunger, thirst, weight loss and much urine are complaints too (the classic signs of a high sugar)
    for text in ("空腹血糖七点九 最近总是饿", "餐后血糖十二 人瘦了好几斤", "空腹血糖8.1 夜尿多"):
        assert _answer(text, _sure_reading(text)).intent == "triage", text
    assert _answer("凌晨起夜顺手量了下 高压一百二十五", _sure_reading("凌晨起夜顺手量了下高压一百二十五")).intent == "record_vital"


def test_grown_children_are_not_sent_to_paediatrics_and_pregnancy_told_plainly_goes_to_obstetrics():
    from bot.service import population_rules

    ranked = [("内分泌科", 0.6), ("心血管内科", 0.2)]
    assert population_rules("我闺女二十六 老怕冷 脸肿肿的", ranked)[0][0] == "内分泌科"
    assert population_rules("儿子都三十了 老是口渴", ranked)[0][0] == "内分泌科"
    assert population_rules("我闺女六岁 老是口渴", ranked)[0][0] == "儿科"
    assert population_rules("生下来十天了 小脸还是黄黄的", ranked)[0][0] == "儿科"
    for text in ("俺媳妇有了俩月 天天恶心", "例假晚了十天 测了是阳性 小肚子有点疼", "验孕棒两道杠 有点见红"):
        assert population_rules(text, [("消化内科", 0.6), ("妇科", 0.3)])[0][0] == "产科", text
    assert population_rules("我有了一个想法 胃疼", [("消化内科", 0.6)])[0][0] == "消化内科"
    # an old man's age is no toddler's (七十二岁 holds 二岁), and trying for a baby is not being pregnant
    assert population_rules("我父亲今年七十二岁 血压一百六", [("心血管内科", 0.7)])[0][0] == "心血管内科"
    assert population_rules("我爸72岁 老胸闷", [("心血管内科", 0.7)])[0][0] == "心血管内科"
    for text in ("备孕一年没怀上 想查查", "没怀孕 例假推迟了", "备孕期间能不能喝咖啡"):
        assert population_rules(text, [("妇科", 0.6), ("产科", 0.3)])[0][0] == "妇科", text


def test_paediatrics_comes_last_when_no_child_is_named_and_months_are_an_age_only_with_da():
    from bot.service import population_rules

    ranked = [("儿科", 0.5), ("普外科", 0.3), ("消化内科", 0.1)]
    answer = population_rules("我这两天屁眼儿疼得很 解手的时候还有血", ranked)
    assert [n for n, _ in answer] == ["普外科", "消化内科", "儿科"]
    assert [s for _, s in answer] == sorted((s for _, s in answer), reverse=True)  # still best first
    assert population_rules("咳嗽3个月了 一直不好", [("儿科", 0.5), ("呼吸内科", 0.4)])[0][0] == "呼吸内科"
    for text in ("宝宝3个月大 老吐奶", "俺家二宝发烧38度5", "我个仔成日咳", "不爱吃奶 摸着有点烫"):
        assert population_rules(text, [("儿科", 0.5), ("呼吸内科", 0.4)])[0][0] == "儿科", text


def test_a_childs_eye_or_bed_wetting_keeps_paediatrics_among_the_three_and_a_pregnancy_checkup_is_obstetrics():
    from bot.service import population_rules

    ranked = [("精神心理科", 0.5), ("内分泌科", 0.3), ("神经内科", 0.1)]
    assert [n for n, _ in population_rules("女儿七岁还天天尿床 要看医生吗", ranked)] == ["精神心理科", "内分泌科", "儿科"]
    assert population_rules("我老是尿床", ranked) == ranked  # no child: as the models said
    # a mother of three is telling how many she bore, not that a child is ill
    ranked = [("妇科", 0.5), ("泌尿外科", 0.3), ("产科", 0.1)]
    for text in ("生了三个孩子 现在下面老觉得有东西掉出来", "生了俩娃以后老漏尿", "生了二胎以后腰疼"):
        assert population_rules(text, ranked) == ranked, text
    assert population_rules("生了三天了 宝宝还黄", ranked)[0][0] == "儿科"
    assert population_rules("孕检报告说血红蛋白偏低 最近老头晕", [("血液科", 0.5), ("神经内科", 0.3)])[0][0] == "产科"
    assert population_rules("备孕检查说血红蛋白偏低", [("血液科", 0.5), ("妇科", 0.3)])[0][0] == "血液科"


def _sure_report(text: str) -> dict:  # type: ignore[type-arg]
    """Rasa sure it heard a question about a report, its triage selector pointing at rheumatology."""
    return _sure("query_report", text, ("rheumatology", "endocrinology"))


def test_a_result_told_with_a_complaint_is_triage_and_the_names_of_findings_are_no_complaint():
    fallback.model()
    answer = _answer("化验尿酸五百多 脚趾头肿得下不了地", _sure_report("化验尿酸五百多脚趾头肿得下不了地"))
    assert answer.intent == "triage" and answer.department == "风湿免疫科"
    for text in ("尿酸五百二 是不是痛风", "肿瘤标志物CEA偏高 要紧吗", "B超说肝囊肿2厘米 啥意思", "体检肿标里铁蛋白高"):
        assert _answer(text, _sure_report(text)).intent == "query_report", text


def test_a_symptom_despite_a_drug_asking_what_it_is_is_triage_and_a_question_about_the_drug_is_not():
    fallback.model()
    for text in ("头孢吃了一礼拜了还咳 咋回事", "降压药天天吃着 头还是晕 怎么回事"):
        answer = _answer(text, _sure("medication_question", text, ("respiratory", "cardiology")))
        assert answer.intent == "triage" and answer.department is not None, text
    for text in ("吃了二甲双胍胃里不舒服 还能接着吃吗", "氨氯地平吃了俩月脚踝肿 是药闹的吗 咋回事", "吃了头孢咳嗽好点了 要不要停药 咋办"):
        assert _answer(text, _sure("medication_question", text, ("respiratory", "cardiology"))).intent == "medication_question", text


def test_a_visit_asked_for_is_a_booking_that_keeps_its_department_and_asking_where_to_go_stays_triage():
    fallback.model()
    for text, dept in (("我想约儿科 孩子咳嗽好几天了", "儿科"), ("给我妈挂个内分泌科复诊的号 她糖尿病口渴", "内分泌科")):
        answer = _answer(text, _sure("triage", text, ("pediatrics" if dept == "儿科" else "endocrinology", "respiratory")))
        assert (answer.intent, answer.department) == ("book_appointment", dept), text
    for text in ("预约胃镜 下周二", "挂号 眼科 明天上午", "想约个动态血压监测 最近头晕"):  # opening with it; a test named
        assert _answer(text, _sure("triage", text, ("gastroenterology", "cardiology"))).intent == "book_appointment", text
    for text in ("想挂个号 不知道挂啥 耳朵老是嗡嗡响", "想挂个号 老耳鸣 该挂那个科", "头疼要不要挂号", "胸口闷 要挂号吗",
                 "挂号了 可还是嗓子疼"):
        assert _answer(text, _sure("triage", text, ("ent", "neurology"))).intent == "triage", text


def test_what_ones_result_means_is_a_report_question_with_its_department_and_a_complaint_or_what_to_do_is_triage():
    fallback.model()
    for text in ("甲功五项TSH偏高 代表啥", "肝功能报告转氨酶八十多 要紧吗", "胸片说肺纹理增粗 是肺炎吗"):
        answer = _answer(text, _sure("triage", text, ("endocrinology", "gastroenterology")))
        assert answer.intent == "query_report" and answer.department is not None, text
    for text in ("体检查出胆囊结石 最近右上腹老疼 要紧吗", "尿检说有尿酸结晶 腰酸 要紧吗", "甲功查出来TSH高 挂哪个科",
                 "病理报告说是乳腺癌 下一步怎么治", "孕三十周 B超说胎位是臀位 还能转过来吗"):
        assert _answer(text, _sure("triage", text, ("endocrinology", "gastroenterology"))).intent == "triage", text


def test_a_department_a_disease_or_drug_names_stays_among_the_three():
    ranked = [("神经内科", 0.5), ("骨科", 0.2), ("皮肤科", 0.1)]
    assert [n for n, _ in keep_named_department("糖尿病十年了脚底下麻像踩在棉花上", ranked)] == ["神经内科", "骨科", "内分泌科"]
    assert [n for n, _ in keep_named_department("甲亢两年了最近手抖得厉害", ranked)][2] == "内分泌科"
    assert keep_named_department("脚底下麻像踩在棉花上", ranked) == ranked  # nothing named: as the models said
    named_first = [("内分泌科", 0.5), ("神经内科", 0.2), ("骨科", 0.1)]
    assert keep_named_department("糖尿病十年了脚底下麻", named_first) == named_first


def test_a_sure_model_emergency_stands_unless_the_writer_plays_it_down():
    sure = {"intent": {"name": "emergency", "confidence": 0.97},
            "intent_ranking": [{"name": "emergency", "confidence": 0.97}, {"name": "triage", "confidence": 0.02}]}
    # no rule fires on these words; the model alone calls it an emergency
    assert not safety.check(normalize("老人家脸色灰白 人软得站不起来")).emergency
    assert _answer("老人家脸色灰白 人软得站不起来", sure).urgency == "emergency"
    cut = _answer("切菜划了个小口子 流了点血 贴个创可贴就行吧", sure)
    assert cut.intent == "triage" and cut.urgency != "emergency" and cut.red_flags == []
    game = _answer("今晚农药开黑不 三缺二", sure)  # 农药: the players' name for a game
    assert game.urgency != "emergency"
