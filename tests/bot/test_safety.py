"""Red-flag layer, both directions, on our own cases (tests/bot/safety_cases.py; never nlu_data/test/)."""

from __future__ import annotations

import pytest

from bot.departments import FLAG_DEPARTMENTS
from bot.safety import RULES, check, check_rules, split_clauses, suppressed
from bot.text import normalize
from tests.bot.safety_cases import EMERGENCY, NON_EMERGENCY

MAX_FALSE_EMERGENCY_RATE = 0.02
# The whole layer on NON_EMERGENCY: each of those phrases was written as a near miss for a rule, and the learned
# net behind the rules (which catches the red flags they miss) reads a few of them as emergencies: 22 of 804 when
# it was first trained. A net that alarms on more of them would cost patients' trust in the emergency answer.
MAX_LAYER_FALSE_RATE_ON_NEAR_MISSES = 0.03


@pytest.mark.parametrize(("text", "flag"), EMERGENCY, ids=[t for t, _ in EMERGENCY])
def test_red_flag_message_is_an_emergency(text: str, flag: str) -> None:
    result = check(normalize(text))
    assert result.emergency
    assert flag in result.flags


@pytest.mark.parametrize("text", NON_EMERGENCY)
def test_no_rule_fires_on_an_ordinary_worry(text: str) -> None:
    # The rules alone: the learned net behind them is held to a rate on these (test_recall_and_false_emergency_rate)
    result = check_rules(normalize(text))
    assert not result.emergency, result.flags


def test_case_tables_are_big_enough_and_cover_every_category() -> None:
    assert len(EMERGENCY) >= 120
    assert len(NON_EMERGENCY) >= 150
    assert len(set(NON_EMERGENCY)) == len(NON_EMERGENCY)
    assert {code for code, in ((r.code,) for r in RULES)} <= {flag for _, flag in EMERGENCY}


def test_recall_and_false_emergency_rate() -> None:
    hits = sum(flag in check(normalize(text)).flags for text, flag in EMERGENCY)
    false = sum(check(normalize(text)).emergency for text in NON_EMERGENCY)
    rules_false = sum(check_rules(normalize(text)).emergency for text in NON_EMERGENCY)
    recall, false_rate = hits / len(EMERGENCY), false / len(NON_EMERGENCY)
    print(f"red-flag recall {recall:.3f} ({hits}/{len(EMERGENCY)}), false emergencies {false_rate:.3f} "
          f"({false}/{len(NON_EMERGENCY)}; the rules alone {rules_false})")
    assert recall == 1.0
    assert rules_false / len(NON_EMERGENCY) <= MAX_FALSE_EMERGENCY_RATE
    assert false_rate <= MAX_LAYER_FALSE_RATE_ON_NEAR_MISSES


def test_suicide_talk_asks_for_the_crisis_hotline() -> None:
    assert check(normalize("活着没意思，不想活了")).crisis_hotline
    assert not check(normalize("胸口压着疼，出冷汗")).crisis_hotline


def test_passive_and_indirect_suicidal_talk_asks_for_the_crisis_hotline() -> None:
    for text in ("要是我不在了 家里人都能轻松点", "活着就是拖累 不如早点走", "后事都跟老婆交代好了", "撑不下去了 看不到希望",
                 "朋友说她不想活了 我该怎么帮她"):
        assert check(normalize(text)).crisis_hotline, text
    for text in ("累死了", "笑死 医生说我胖", "这剧太虐了 女主最后跳河了", "工作撑不下去了 想辞职"):
        assert not check_rules(normalize(text)).emergency, text


def test_every_red_flag_has_a_department() -> None:
    assert {rule.code for rule in RULES} <= set(FLAG_DEPARTMENTS)


@pytest.mark.parametrize(
    ("text", "clauses"),
    [("以前胸口疼过现在好了", ["以前胸口疼过", "现在好了"]), ("胸口疼，但是不厉害", ["胸口疼", "但是不厉害"]),
     ("喘不过气来", ["喘不过气来"]), ("体温37.8，头疼.", ["体温37.8", "头疼"])],
)
def test_clauses_split_on_punctuation_and_turning_words(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_cancelled_triggers_are_reported_as_suppressed() -> None:
    assert "chest_pain" in suppressed(normalize("想了解怎么预防心梗"))
    assert suppressed(normalize("今天天气不错")) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("叫不性了", "叫不醒了"), ("喘不上起", "喘不上气"), ("孩子抽畜了", "孩子抽搐了"), ("出冷汉", "出冷汗"), ("晕到了", "晕倒了"),
     ("口吐白末", "口吐白沫"), ("这样不行", "这样不行"), ("抽出时间", "抽出时间"), ("一条大汉", "一条大汉"),
     ("俺娘便密得厉害", "俺娘便秘得厉害"), ("痣疮犯了", "痔疮犯了"), ("咳漱好几天", "咳嗽好几天"), ("心荒", "心慌"),
     ("牙银老出血", "牙龈老出血"), ("桑子疼", "嗓子疼"), ("头云了一天", "头晕了一天"), ("拉肚纸", "拉肚子"),
     ("方便密码忘了", "方便密码忘了"), ("带头运动", "带头运动"), ("屁眼儿疼 解手带血", "肛门疼解手带血"),
     ("俺爹土血了", "俺爹吐血了"), ("兄口疼", "胸口疼"), ("串不上气", "喘不上气"), ("新口窝疼", "心口窝疼"),
     ("怕是钟风了", "怕是中风了"), ("喝了滴滴畏", "喝了敌敌畏"), ("新口罩", "新口罩"), ("一头汉", "一头汗"),
     ("木晕木吐", "没晕没吐"), ("麻木", "麻木"), ("一条好汉子", "一条好汉子"), ("凶口疼", "胸口疼"),
     ("兔了好多雪", "吐了好多血"), ("大变是黑的", "大便是黑的"), ("大变样", "大变样"), ("杜子疼", "肚子疼"),
     ("蛇头发麻", "舌头发麻"), ("是不是老梗", "是不是脑梗"), ("想紫砂", "想自杀"), ("买了个紫砂壶", "买了个紫砂壶"),
     ("打了夷岛素", "打了胰岛素"), ("下雪了", "下雪了"), ("阿爷胸口痛咗成个钟", "爷爷胸口痛了一个多小时"),
     ("伢儿淹水哒", "孩子淹水了"), ("唔 想问一下", "唔想问一下"), ("唔想去", "不想去"), ("透唔到气", "透不过气"),
     ("雪压一百六 头晕", "血压160头晕"), ("雪压断了树枝", "雪压断了树枝"), ("将压药吃完了", "降压药吃完了"), ("新慌", "心慌"),
     ("拉度子三天了", "拉肚子三天了"), ("老说度子疼", "老说肚子疼"), ("医宝能报销吗", "医保能报销吗"),
     ("孩子发少到39度", "孩子发烧到39度"), ("头发少了", "头发少了"), ("挂好费多少", "挂号费多少"), ("怎么挂好", "怎么挂号"),
     ("挂好了吗", "挂好了吗"), ("网上挂好号了", "网上挂好号了"), ("要挂么斯科", "要挂什么科"), ("挂啥子科嘛", "挂啥科嘛")],
)
def test_typos_of_red_flag_words_and_complaints_are_fixed_in_normalisation(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


def test_pets_witnesses_and_visits_are_not_emergencies_but_the_patient_still_is() -> None:
    assert not check(normalize("我家狗吃了老鼠药")).emergency
    assert check(normalize("我家孩子吃了老鼠药")).emergency
    assert not check(normalize("前几天亲眼看到车祸 一直做噩梦")).emergency
    assert not check(normalize("朋友吃安眠药自杀 现在在你们医院住院 能去探视吗")).emergency
    assert check(normalize("我家狗死了 我也不想活了")).crisis_hotline


def test_a_rules_first_characters_cover_every_trigger() -> None:
    # The pre-filter (RedFlagRule.first) may skip a rule only when no trigger can begin in the message
    for text, flag in EMERGENCY:
        clean = normalize(text)
        assert any(r.first is None or not r.first.isdisjoint(clean) for r in RULES if r.code == flag), (flag, text)
