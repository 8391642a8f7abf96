"""Fallback understanding (Rasa down): department routing and intents on our own cases."""

from __future__ import annotations

import pytest

from bot import fallback
from bot.departments import DEPARTMENTS, KEYWORDS, NAMES
from bot.text import normalize

# (text, department that must be first); every department appears at least once.
ROUTING: list[tuple[str, str]] = [
    ("最近老是心慌，心跳一阵一阵的快", "心血管内科"),
    ("血压一直偏高，想调一下降压药", "心血管内科"),
    ("咳嗽两个星期了，有黄痰", "呼吸内科"),
    ("一到晚上就咳，嗓子里有痰", "呼吸内科"),
    ("胃胀反酸，吃一点就饱", "消化内科"),
    ("拉肚子三天了，一天五六次", "消化内科"),
    ("头晕，站起来天旋地转的", "神经内科"),
    ("手抖得厉害，拿不住筷子", "神经内科"),
    ("血糖控制不好，空腹十几", "内分泌科"),
    ("脖子粗了，查出甲状腺功能亢进", "内分泌科"),
    ("尿里泡沫多，查出尿蛋白两个加号", "肾内科"),
    ("肌酐偏高，医生说肾功能不好", "肾内科"),
    ("体检说贫血，血红蛋白偏低", "血液科"),
    ("血小板低，身上老有淤青", "血液科"),
    ("手指关节晨僵，好几个关节疼", "风湿免疫科"),
    ("查出类风湿因子阳性", "风湿免疫科"),
    ("查出乙肝小三阳", "感染科"),
    ("被狗咬了要打狂犬疫苗", "感染科"),
    ("右下腹疼，怀疑阑尾炎", "普外科"),
    ("乳房摸到一个包块", "普外科"),
    ("打球崴了脚，脚踝肿了", "骨科"),
    ("腰椎间盘突出，腰疼腿麻", "骨科"),
    ("尿频尿急尿痛", "泌尿外科"),
    ("肾结石，腰这边绞着疼", "泌尿外科"),
    ("查出脑积水，需要手术吗", "神经外科"),
    ("脑袋撞了一下，CT说颅内有点出血", "神经外科"),
    ("早泄怎么办", "男科"),
    ("阴囊潮湿，睾丸有点坠胀", "男科"),
    ("月经推迟了半个月", "妇科"),
    ("白带多，有异味", "妇科"),
    ("怀孕12周了，什么时候建档", "产科"),
    ("孕30周，腿抽筋", "产科"),
    ("孩子咳嗽发烧三天了", "儿科"),
    ("宝宝拉肚子，一天拉好几次", "儿科"),
    ("3岁宝宝不爱吃饭，长得比别人矮", "儿科"),
    ("眼睛干涩，看东西模糊", "眼科"),
    ("孩子眼睛红，眼屎多", "眼科"),
    ("耳鸣，听力下降", "耳鼻喉科"),
    ("嗓子疼，扁桃体发炎", "耳鼻喉科"),
    ("牙疼了好几天，晚上睡不着", "口腔科"),
    ("智齿发炎，脸都肿了", "口腔科"),
    ("脸上长了好多痘痘", "皮肤科"),
    ("身上起红疹子，很痒", "皮肤科"),
    ("最近情绪低落，什么都不想干", "精神心理科"),
    ("焦虑得睡不着觉，心里发慌", "精神心理科"),
    ("肺癌化疗后想复查", "肿瘤科"),
    ("肿瘤标志物癌胚抗原升高", "肿瘤科"),
    ("中风后半边手脚不灵活，想做康复训练", "康复科"),
    ("膝关节置换术后需要康复", "康复科"),
    ("喝醉了吐得厉害，人还清醒", "急诊科"),
    ("手被刀割了个口子，挺深的，要缝针吗", "急诊科"),
]


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    fallback.model()


def test_keyword_table_covers_the_25_departments() -> None:
    assert set(KEYWORDS) == NAMES == set(DEPARTMENTS.values())
    assert len(NAMES) == 25
    assert {dept for _, dept in ROUTING} == NAMES


@pytest.mark.parametrize(("text", "department"), ROUTING)
def test_symptoms_route_to_the_right_department(text: str, department: str) -> None:
    result = fallback.understand(normalize(text))
    assert result.intent == "triage"
    ranking = [name for name, _ in result.departments]
    assert ranking[0] == department, ranking
    assert len(ranking) <= 3
    scores = [score for _, score in result.departments]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


def test_routing_accuracy_on_own_cases() -> None:
    correct = sum(fallback.understand(normalize(t)).departments[:1] == [(d, fallback.understand(normalize(t)).departments[0][1])]
                  for t, d in ROUTING)
    print(f"fallback top-1 department accuracy {correct / len(ROUTING):.3f} ({correct}/{len(ROUTING)})")
    assert correct / len(ROUTING) >= 0.9


@pytest.mark.parametrize(
    ("text", "intent"),
    [("你好", "greet"), ("医生您好", "greet"), ("谢谢", "thank"), ("拜拜", "goodbye"), ("好的", "affirm"), ("不用了", "deny"),
     ("转人工", "request_human"), ("我要找真人客服", "request_human"), ("我要投诉", "complaint"), ("护士态度太差了", "complaint"),
     ("血压135/85", "record_vital"), ("空腹血糖6.5", "record_vital"), ("高压一百五低压九十", "record_vital"),
     ("今天的药吃过了", "medication_taken"), ("胰岛素打了", "medication_taken"),
     ("二甲双胍饭前吃还是饭后吃", "medication_question"), ("降压药漏吃了一次要紧吗", "medication_question"),
     ("帮我挂个明天的号", "book_appointment"), ("取消我的预约", "cancel_appointment"), ("我的检查报告出来了吗", "query_report"),
     ("门诊几点上班", "faq/hours"), ("医院地址在哪", "faq/location"), ("异地医保能报销吗", "faq/insurance"),
     ("住院病人几点可以探视", "faq/visiting"), ("停车场收费吗", "faq/parking"),
     ("胸口疼挂什么科", "triage"), ("今天天气怎么样", "out_of_scope"), ("帮我订个外卖", "out_of_scope")],
)
def test_intents(text: str, intent: str) -> None:
    assert fallback.understand(normalize(text)).intent == intent


@pytest.mark.parametrize(("text", "intent"), [("侬好", "greet"), ("你哋好", "greet"), ("唔该晒", "thank"), ("thx", "thank"),
                                            ("多谢老师", "thank"), ("掰掰", "goodbye"), ("see u", "goodbye"), ("告辞", "goodbye"),
                                            ("拜拜咯", "goodbye")])
def test_regional_and_net_smalltalk_is_answered_in_process(text: str, intent: str) -> None:
    assert fallback.smalltalk(normalize(text)) == intent


@pytest.mark.parametrize("text", ["88", "886", "唔该", "唔该帮我转人工", "谢谢 我妈又头晕了"])
def test_a_number_or_a_longer_message_is_not_smalltalk(text: str) -> None:
    # "88" may be an age or a reading typed in answer to the bot's question, not 拜拜; a bare 唔该 to "转人工吗？" is "yes please"
    assert fallback.smalltalk(normalize(text)) is None


def test_model_not_loaded_yet_still_answers_from_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fallback, "model_if_ready", lambda: None)
    result = fallback.understand(normalize("牙疼好几天了"))
    assert result.intent == "triage"
    assert result.departments[0][0] == "口腔科"
    assert {"entity": "symptom", "value": "牙疼"} in result.entities
