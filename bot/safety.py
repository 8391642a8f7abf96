"""Red-flag safety layer: rules that override the model (contract "Safety rules"), in-process and independent of Rasa.

`check` runs the rules (`check_rules`), then, for a message no rule flags, a learned net (bot/red_flag_net.py) that
catches what frightened people write in words no rule foresaw. The net only adds alarms; it never takes one back.

Rules are data: each `RedFlagRule` has trigger patterns, optional context that must also be present, rule-specific
exclusions, and the generic cancelling contexts (negation, history, information-seeking, hypothetical, reported
speech, chronic) that apply to it. Cancelling contexts are scoped to the clause holding the trigger; clauses are
split on punctuation and on turning words (但是, 不过, 现在...). Two more generic contexts cancel a trigger: an
animal as the one who is ill (我家狗吃了老鼠药; not for crisis rules), and a witness asking about nightmares after an
accident (unless the writer then speaks of themself: 看到新闻 我也想死). For crisis rules a post by someone
(同学发朋友圈说活够了) is their own words, not media, while a story (a book, a film, a character) cancels them.
Input is expected normalised (`bot.text.normalize`, which also fixes phone typos of red-flag words: 叫不性 → 叫不醒).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from bot import red_flag_net
from bot.first_chars import first_chars

# `{G}` in a pattern: a short gap that may not contain a negation, so 胸口{G}疼 never matches 胸口不疼.
# 别 is a negation (别担心) except in 特别 ("very"), which the gap lets through.
_GAP = "(?:[^不没无未别，。！？；]|(?<=特)别){0,4}"
_SHORT_GAP = "(?:[^不没无未别，。！？；]|(?<=特)别){0,2}"
_WIDE_GAP = "(?:[^不没无未别。！？；]|(?<=特)别){0,12}"
_MID_GAP = "(?:[^不没无未别，。！？；]|(?<=特)别){0,8}"

RULES_VERSION = "2026-12-07.13"  # part of the bot's cache key: bump when the rules change

NEGATION = "negation"
HISTORY = "history"
INFO = "info"
HYPOTHETICAL = "hypothetical"
MEDIA = "media"
CHRONIC = "chronic"
HISTORY_RESOLVED = "history_resolved"  # a past episode that the text says is over (used where HISTORY is too broad)
ALL_CANCELS = frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA, CHRONIC})

# a child by age: under 18 (我父亲69岁 吃着二甲双胍 is no child at the medicine cabinet)
KIDS = (r"(孩子|小孩|宝宝|宝贝|儿子|女儿|娃|闺女|小朋友|婴儿|新生儿|幼儿|孙子|孙女|外孙|(?<![\d.])(?:1[0-7]|[1-9])岁|(\d+|几)个月(大|的宝宝|的孩子|的娃)|周岁)")
PREGNANT = (r"(怀孕|怀了|怀上|孕\d+|孕早期|孕中期|孕晚期|孕期|孕妇|妊娠|有身孕|宫外孕|怀着|怀二胎|怀宝宝"
            r"|[\d一二三四五六七八九十]+个月身孕|胎儿|有身子|身子重|停经|月经{g}(推迟|没来){W}(天|周)|羊水|(?<![\d.])([12]\d|3\d|4[0-2])周(?![岁年])"
            r"|妊娠)")
ELDERLY = (r"(老人|老爷子|老太太|老头|老伴|爷爷|奶奶|外公|外婆|姥姥|姥爷|我爸|我妈|老父亲|老母亲|[6-9]\d岁|[六七八九]十多岁)")


# Someone else, already in hospital after an attempt or a poisoning: a visiting question, not a crisis now.
VISITING = (r"(朋友|同学|室友|同事|表姐|表妹|表哥|表弟|堂姐|堂妹|堂哥|堂弟|亲戚|邻居|闺蜜|哥们|舅|姨|姑|叔|侄)[^。]{0,30}"
            r"(探视|探望|看望|住院|住在|病房|ICU|监护室|抢救过来|洗了胃|洗过胃|转到|送饭|陪护|住几楼|几楼)")
# An adult's medicine (or a handful of pills) that a child got hold of.
ADULT_DRUGS = (r"(降压药|降糖药|安眠药|安定|心脏药|速效救心丸|救心丸|抗抑郁|精神科的药|避孕药|降脂药|华法林|地高辛|二甲双胍|格列"
               r"|硝苯地平|氨氯地平|倍他乐克|美托洛尔|阿普唑仑|艾司唑仑|氯硝西泮|止痛药|曲马多|铁剂|胰岛素)")
# Tablet counts: 三十片, 二十几片, 几十颗, 十几粒, 20多片, 一把, 一板, 一盒...
PILLS = (r"(\d{2,}多?|[二三四五六七八九]?十[一二三四五六七八九几]?多?|几十|一大把|一把|一整板|一板|好几板|半板|一整瓶|整瓶|一瓶"
         r"|半瓶|一整盒|一盒|整盒|好多|很多)(片|粒|颗|个|板|瓶|盒)?")
# The weeks after a birth (postpartum haemorrhage can come days to weeks later).
POSTPARTUM = (r"(产后|生完|生了孩子|生孩子后|生孩子以后|刚生|顺产|剖腹产|剖宫产|分娩|坐月子|月子里|月子期间|恶露|生产完|生产后|产妇"
              r"|生了(老二|二胎|老大|宝宝|娃|孩子|个))")
# More than about six weeks after the birth: no longer the postpartum red flags.
LONG_AFTER_BIRTH = (r"(产后|生完{g}(孩子|娃|宝宝|老二|二胎|老大)?|生孩子|剖腹产|剖宫产|顺产){g}(都|已经|快)?{g}(半年|[两二三四五六七八九十几]+个多?月"
                    r"|[2-9]\d*个多?月|1\d个多?月|[一二两三四五六七八九十几\d]+年|多年)")
# A baby in its first year (danger signs are judged differently from older children).
INFANT = (r"((婴儿|新生儿|小婴儿|宝宝|娃|孩子|小孩|闺女|儿子|女儿|宝)[^，。]{0,4}((\d|1[01]|[一二两三四五六七八九十]|十一)个(半)?月|几个月|没满月|刚满月"
          r"|\d+天|[一二两三四五六七八九十几]+天)|((\d|1[01]|[一二两三四五六七八九十]|十一)个(半)?月|几个月)(大)?的?(宝宝|孩子|婴儿|娃|小孩|宝|闺女"
          r"|儿子|女儿)|婴儿|新生儿|囟门|吃奶的(孩子|宝宝|娃)|(刚满月|没满月|满月)的?(宝宝|孩子|娃|婴儿|宝))")
# A baby in its first two months: any fever is an emergency.
NEWBORN = (r"(新生儿|刚出生|出生{g}(\d+|[一二两三四五六七八九十几]+)天|没满月|未满月|不满月|不到满月|还没满月|刚满月|满月(的|大)"
           r"|(\d+|[一二两三四五六七八九十几]+)天(大)?的?(宝宝|孩子|婴儿|娃|小孩|宝|小宝宝|女儿|儿子)"
           r"|(宝宝|孩子|婴儿|娃|小孩|宝|儿子|女儿|闺女)(才|刚|刚刚|只有|还不到|不到|刚满|出生)(\d+|[一二两三四五六七八九十几]+)天"
           r"|(宝宝|孩子|婴儿|娃|小孩|宝|儿子|女儿|闺女)([1-9]\d|[一二三四五六七八九]?十[一二三四五六七八九几]?|[5-9]|[五六七八九])天(?![前后内里以])"
           r"|(一|两|二|1|2)个(半)?月(大)?的?(宝宝|孩子|婴儿|娃|宝|小孩|小宝宝|女儿|儿子)"
           r"|(宝宝|孩子|婴儿|娃|宝|儿子|女儿|闺女)(才|刚|刚刚|只有|还不到|不到|刚满)?(一|两|二|1|2)个(半)?月(大)?(?![^，。]{0,3}(以前|前|之前)))")
# Fever words (a reading counts from 37.5 in a newborn; 寒战 = rigors).
FEVER = (r"(发烧|发热|高烧|高热|低烧|烧到|烧了|烧得|体温{g}(3[89]|4[0-2]|37\.[5-9])|(3[89]|4[0-2])(\.\d)?度|37\.[5-9]度?|寒战|打摆子"
         r"|发烫)")
# Chemotherapy, a low white count, a transplant: fever is neutropenic sepsis until proven otherwise.
IMMUNO = (r"(化疗|放化疗|白细胞{g}(低|少|很低|只有|才|降)|粒细胞{g}(低|缺乏|减少|少)|中性粒{W}(低|少|缺乏)|骨髓抑制"
          r"|(骨髓|干细胞|器官|肾|肝|心|肺)移植|抗排异|免疫抑制剂)")
# Near-fainting or chest symptoms that make a fast or slow heart an emergency.
PRESYNCOPE = (r"(眼前{G}(发黑|黑|一黑|发花)|黑蒙|(要|快|差点|险些|几乎|感觉|好像){g}(晕|昏|倒)|站不住|站不稳|发飘|人{g}(发软|软了)"
              r"|胸闷|胸口{g}(闷|憋|紧|压|疼|痛|发紧)|憋气|憋得|喘不|上不来气|透不过气|气短|气都{g}(喘|接)不|呼吸{g}(困难|急|费劲)|冷汗"
              r"|虚汗|脸{g}(白|苍白|发白|煞白|发灰|蜡黄)|晕倒|晕过去|意识|说不出话|(人|他|她|我){g}晕(了|过|倒)|刚才{g}晕了|(椅子|凳子|床"
              r"|沙发)上?{g}滑(下来|倒)"
              r"|晕了{g}(半分钟|几秒|一会|十几秒|一下))")
# Idioms of exaggeration (累死了, 笑死) and denials that cancel crisis wording in the same clause.
CRISIS_IDIOMS = (r"(笑死|累死|热死|烦死|饿死|困死|气死|吓死|急死|忙死|冷死|馋死|撑死|疼死|痒死|美死|乐死)(?!.*(不想活|活着))")
CRISIS_DENIED = r"(从来没|从没|没有想过|没想过|不会自杀|不是想|不会想不开|不会做傻事|不是真的想死|不是真想死)"
# A plan, a place, a means or a denied joke: then no 'annoyance', 'joke' or 'study' reading takes a crisis back.
_CRISIS_PLAN = re.compile(r"(药|刀|绳|炭|天台|楼顶|江边|河边|桥|今晚|反锁|锁在|不接电话|不接|跳下去|安眠药|遗书|攒|结束这一切|别找我|"
                          r"(不是|没|并非|不只是|别以为)[^，。！？；]{0,4}(开玩笑|玩笑|气话|说说))")
# Taken back in the same message (开玩笑的, 说说气话而已), unless denied (不是开玩笑).
TAKEN_BACK = r"((?<!不是)(?<!没)开玩笑的|开个玩笑|说着玩|(?<!不是)说说而已|(?<!不是)(?<!是说)(说)?气话|玩笑话)"
# Study and teaching (作业要写青少年自残的综述, 辅导员让我们学习识别轻生信号): about others in general, not a crisis now.
STUDY = r"(作业|综述|论文|课程|课上|上课|心理学|期末|考点|重点|药理|学医|辅导员|培训|讲座|课件|教案|资料|识别|信号|绘本)"
# Everyday annoyances said "to death" (累得我想死, 网卡得我想跳楼): a sigh, not a plan. Pain (疼得想死) is not among them.
ANNOYED_TO_DEATH = (r"((累|烦|气|热|冷|冻|困|饿|忙|卡|慢|吵|挤|晒|闷|堵|等|跪|上|干|写|学|考|改|做|开|跑|走|爬|整|弄|折腾|搞|喝|饮|社死|丢人|丢脸"
                    r"|无聊|尴尬|丑|难吃|难听|虐|坑"
                    r"|贵|笑)(得|的|到)(我|人)?(都|真|快)?"
                    r"(想|要)?(死|去世|跳楼|跳河|撞墙|上吊)|破(游戏|网|手机|电脑|工作|班|公司|车|学校|天气)[^，。]{0,4}(想死|想跳楼)"
                    r"|想死的心都有|(考砸|考差|挂科|没考好)[^，。]{0,4}(要|就)?去?(跳楼|死)|(早八|周一|上班|开会|考试|ddl|加班"
                    r"|期末)[^，。]{0,6}(直接)?想死|自杀式|[（(]不是[）)]|跳楼(价|甩卖|大甩卖|清仓)|(嚎|喊|吼|说|叫)了?一(句|声)[^，。]{0,2}(想死|不想活))")
# Talk about a book, a film or a song: a character's death is not the writer's crisis (unless they then speak of themself).
STORY = (r"((新闻|电视剧|电影|小说|游戏里|歌词|书里|书上|书中|看书|读书|这本书|一本书|语录|名言|剧里|这剧|这部剧|剧情|主角|男主|女主|主人公|角色|台词|动漫|漫画"
         r"|综艺)(?![^。]*(我|俺|自己)))")


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # Named sub-patterns first: they contain the gap placeholders themselves.
    gaps = {"{KIDS}": KIDS, "{PREG}": PREGNANT, "{OLD}": ELDERLY, "{VISIT}": VISITING, "{ADULT_DRUGS}": ADULT_DRUGS,
            "{PILLS}": PILLS, "{POST}": POSTPARTUM, "{NEWBORN}": NEWBORN, "{FEVER}": FEVER, "{IMMUNO}": IMMUNO,
            "{PRESYNCOPE}": PRESYNCOPE, "{STORY}": STORY, "{INFANT}": INFANT,
            "{M}": _MID_GAP, "{G}": _GAP, "{g}": _SHORT_GAP, "{W}": _WIDE_GAP}
    out = []
    for pattern in patterns:
        for key, value in gaps.items():
            pattern = pattern.replace(key, value)
        out.append(re.compile(pattern, re.IGNORECASE))
    return tuple(out)


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


# A crisis rule's soft exclusions (an annoyance, a joke taken back, a study topic, an idiom): they give way when the
# message names a plan, a place or a means, or denies joking (_CRISIS_PLAN: 欠了网贷 穷得想死 药都买好了 今晚就吃).
_SOFT_CRISIS_EXCLUDES = frozenset({ANNOYED_TO_DEATH, TAKEN_BACK, STUDY, CRISIS_IDIOMS})


@dataclass(frozen=True)
class RedFlagRule:
    """One red-flag category: a trigger fires unless its clause is cancelled."""

    code: str
    triggers: tuple[str, ...]
    requires: tuple[str, ...] = ()  # each must occur (not negated) somewhere in the message
    excludes: tuple[str, ...] = ()  # rule-specific cancelling patterns, searched in the trigger's clause
    # cancel only the trigger occurrence a match contains (手机按了没反应), not the rest of its clause: a clause without
    # commas can go on to a real emergency (手表按了没反应 老人摔倒了叫不醒)
    local_excludes: tuple[str, ...] = ()
    message_excludes: tuple[str, ...] = ()  # cancelling patterns anywhere in the message (unless the clause is acute)
    cancels: frozenset[str] = ALL_CANCELS
    crisis: bool = False
    strong_only: bool = False  # message_excludes are overridden only by strong urgency (正在, 救命...), not by 突然/今天
    compiled: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict, compare=False, repr=False)
    # Whether any trigger occurs at all, in one search: most rules have none in a message. None where a trigger
    # refers back to a group by number (左手左腿: \1), which the joined pattern would renumber.
    any_trigger: re.Pattern[str] | None = field(default=None, init=False, compare=False, repr=False)
    # The characters a trigger can begin with (None: any): a message holding none of them is not searched at all.
    first: frozenset[str] | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.compiled.update(triggers=_compile(self.triggers), requires=_compile(self.requires),
                             excludes=_compile(self.excludes), message_excludes=_compile(self.message_excludes),
                             local_excludes=_compile(self.local_excludes))
        if not any(_BACKREFERENCE.search(p.pattern) for p in self.compiled["triggers"]):
            joined = re.compile("|".join(f"(?:{p.pattern})" for p in self.compiled["triggers"]), re.IGNORECASE)
            object.__setattr__(self, "any_trigger", joined)  # frozen: set once, here
            object.__setattr__(self, "first", first_chars(joined))
        for kind, raw in (("excludes", self.excludes), ("message_excludes", self.message_excludes)):
            hard = [p for pattern, p in zip(raw, self.compiled[kind], strict=True)
                    if not (self.crisis and pattern in _SOFT_CRISIS_EXCLUDES)]
            self.compiled["planned_" + kind] = tuple(hard)

    def exclusions(self, kind: str, *, planned: bool) -> tuple[re.Pattern[str], ...]:
        """The rule's `excludes` or `message_excludes`; without the soft crisis ones when the message names a plan."""
        return self.compiled["planned_" + kind if planned else kind]


CHEST_SEVERE = (r"(剧痛|剧烈|压榨|压着|压住|压起|石头|大石|绞痛|撕裂|刀割|厉害|受不了|遭不住|汗水|汗珠|喘不|透不过气|憋得{g}(喘|说不出|要死)|冷汗"
                r"|大汗|出汗|"
                r"左臂|左胳膊|左手|手{g}(发麻|麻了)|胳膊|胳臂|膀子|手臂|直不起|背脊|好多汗|绞|左肩|肩膀|下巴|下颌|牙|后背|背上|放射|窜|虚汗|冒汗|脸白"
                r"|脸色{g}(白|差|难看|发青)|煞白|苍白|一头的?汗|(满头|满身|浑身|全身){g}(都是)?汗|一身{g}汗|睡不着|"
                r"([二三四五六七八九]十|\d{2})分钟|要死|濒死|快不行|半小时|半个小时|半个钟头|跟上次{W}(一样|一模一样|差不多)|\d+个?小时"
                r"|[一两二三四五六几]个多?小时|"
                r"不缓解|止不住|硝酸甘油|救心丸|救护车|120|脸色发白|脸色苍白)")

DISTRESS_PERSON = (r"(人|爸|妈|爹|娘|老伴|老头|老头子|老太太|孩子|宝宝|娃|奶奶|爷爷|外婆|外公|姥姥|姥爷|他|她|老公|老婆|媳妇|儿子|女儿"
                   r"|闺女|哥|姐|弟|妹|丈夫|妻子|婆婆|公公|岳父|岳母|丈母娘|患者|病人|朋友|同事|邻居|我)")
# "不行了" is itself a strong-urgency word, so the generic contexts (hypothetical, news, history) cannot cancel it; the
# ones that matter are said here, each bound to its phrase: a whole message without commas is one clause.
DISTRESS_EXCLUDES = (
    r"(笑|累|困|饿|热|冷|忙|气|烦|无聊|馋|丑|胖)得?{g}(我)?{g}(快要|快|要)?不行了|不行了{g}(好|太|真)?(累|困|饿|热|冷|忙|烦|无聊|馋)",
    r"(那方面|下面|性功能|硬不起来|眼睛|视力|眼神|腿脚|记性|脑子|腰|牙|胃口|手机|电脑|电池|生意|成绩|身体素质|体力)(也)?(快要|快|要)?不行了",
    r"差点{g}不行了",
    r"救命{g}(啊)?{g}(作业|题|考试|加班|老板|工作|游戏|太难|太多|好难|好多|太贵)|(作业|题|考试|加班|老板|工作|游戏|太难|太贵|好难){W}救命",
    r"^(要是|如果|万一|假如|假设|哪天|听说|电视上|新闻|网上说)|(之前|以前)会有{g}(征兆|迹象)|有(什么|啥)(征兆|迹象)",
    r"(收费|报销|多少钱|开玩笑|哈哈)",
)

_UP_LATE = r"(熬夜|通宵|(玩|耍|刷|打)(手机|游戏|视频|抖音){g}(玩|耍|刷|打)?到{g}(半夜|凌晨|[一二两三四五\d]点))"

# Machines and software "fall ill" in everyday speech (电脑中毒, 网又抽风了, 洗衣机抖得跟抽风似的).
DEVICES = (r"(电脑|笔记本|手机|平板|网络|网速|(?<![上的])网|wifi|电视|空调|冰箱|洗衣机|打印机|系统|软件|程序|路由器|机器|信号|屏幕|发动机|游戏"
           r"|U盘|硬盘|文件|网站|APP)")

RULES: tuple[RedFlagRule, ...] = (
    RedFlagRule(
        "chest_pain",
        triggers=(r"(胸|心口|心脏|心窝|心前区){M}(痛|疼|闷|压|憋|堵|绞|紧"
                  r"|难受)", r"(心梗|心肌梗|心梗死|心肌梗塞|心绞痛|主动脉夹层)", r"(捂着|捂住|按着|攥着|揪着){g}(胸口|心口|胸|心窝)",
                  r"(后背|背|胸口|胸){g}(撕裂|撕开|被撕|刀割|刀绞)(样|一样|似的|般)?{g}(疼|痛)", r"撕裂(样|一样)?{W}(后背|背)",
                  r"(两边|两只|左右){g}胳膊{W}血压{W}(不一样|差)", r"胸口{g}像{g}被?{g}(撕开|撕裂|压住|捏住|攥住)",
                  r"(硝酸甘油|救心丸){W}(还是|还|也|都)?{g}(痛|疼|不管用|不缓解|没用)"),
        requires=(CHEST_SEVERE[:-1] + r"|心梗|心肌梗|主动脉夹层)",),
        excludes=(r"(支架|搭桥){W}(以后|之后|年|个月)", r"(稳定型|稳定性|病史|出院|复查|康复|后遗症|二级预防|体检|心电图|彩超|报告|吃什么药|降脂|他汀"
                                             r"|胸椎|胸腰椎|骨折)",
                  r"(岔气|肌肉|拉伤|咳嗽的时候|咳嗽时|按压|按着|一按|深呼吸时|翻身时|停下来就|歇一会就|休息一下就|休息就好"
                  r"|心梗史|家族|遗传|心梗后|心梗以后|能停|停药|阿司匹林|氯吡格雷)",
                  r"(气|急|吓|愁|烦|跌|亏|赔|绿|套|输|卷|虐|熬|堵|卡|折腾|看|听|瞅|盯|丑|尬|美|帅|难看|难吃|无语|改)(得|的|到|出|成){g}(我)?{g}(心梗"
                  r"|心肌梗|心绞痛)|(要|快)(心梗|心肌梗)了?$|心梗了都"
                  r"|(跟|像|好像)(要|快)?(心梗|心肌梗)(了)?(似的|一样)|(心梗|心肌梗)都(快|要){g}(排|等|气|熬|急)出来|(真是|简直|真的是|让人|令人"
                  r"|我都)要?(心梗|心肌梗)|(看|听|见|瞅)了?都(得|要|会|能|快)(心梗|心肌梗)",
                  r"(以为|当成|还当是){g}(自己|是|得了)?{g}(心梗|心肌梗|心脏病)", r"(差点|吹牛){g}(心梗|心肌梗)", r"(因|死于){g}(心梗|心肌梗|主动脉夹层)|去世"),
        # money news "gives a heart attack" (看了眼这个月的账单 心梗了), even in the next clause
        message_excludes=(r"(账单|工资|房价|房贷|分数|成绩|价格|价钱|股票|基金|彩票|花呗|信用卡|余额|物价|绩效|奖金|KPI){W}(心梗|心肌梗)",),
    ),
    RedFlagRule(
        "stroke",
        triggers=(
            r"(半边|半身|半张|半拉|一侧|单侧|一边|左侧|右侧|左边|右边|左半边|右半边)(的)?(身子|身体|手脚|肢体|手|脚|胳膊|腿|脸|嘴)?{g}"
            r"(没劲|没得劲|无力|没力气|不得劲|麻了|发麻|麻木|木了|发木|动不了|不会动|抬不起|不听使唤|没知觉|没感觉|瘫|不能动|使不上劲|耷拉|下垂)",
            r"((左手左脚|右手右脚|左胳膊左腿|右胳膊右腿|一边手脚|半边手脚){G}(没知觉|没劲|麻|动不了|不听使唤|不会动)|"
            r"(讲话|说话){G}(含含糊糊|含糊不清)|嘴角{g}(往下掉|往下耷拉|下垂|耷拉))",
            r"(半边|半张|半拉|一边|一侧|单侧|左|右|左边|右边|左侧|右侧|左半边|右半边)(的)?(脸|面部|脸颊|嘴|嘴巴){g}(麻(?![烦将辣药醉疹花酱油])"
            r"|木|没感觉|没知觉|耷拉|下垂|往下掉|往下耷|歪|僵|不会动|动不了|不听使唤)",
            r"(左|右)(边|侧)?的?(手|胳膊|手臂|上肢|脚)(和|跟|与|还有|连着|、)?\1?(边|侧)?的?(腿|脚|下肢|大腿)(都|也|一起)?{G}"
            r"(没知觉|没感觉|没劲|没力|麻|发麻|木|动不了|不听使唤|不会动|使不上劲|抬不起|无力|不能动|瘫|不得劲)",
            r"(嘴|嘴巴|嘴角|口角){g}(往|向|朝)一边{g}(歪|斜|扯)|(喝水|喝的水|吃饭|饭|水){g}从嘴角{g}(漏|流|掉)",
            r"(看东西{g}重影|走(路|道儿?){g}往一边{g}(倒|歪|偏)|走路{g}(往一边倒|往一边歪|偏向一边)|(腿|脚){g}拖着|(突然|忽然){G}(听不懂|说胡话"
            r"|说话乱|答非所问|不认识人|糊涂了"
            r"|不认人))",
            r"(嘴歪|嘴角歪|口角歪|脸歪|口眼歪|嘴巴歪|面部歪|一边脸{g}(耷拉|下垂|歪)|嘴角{g}(耷拉|下垂)|流口水{g}嘴"
            r"|(嘴|嘴巴|嘴角|口角|脸)[^，。！？；不没]{1,3}歪(了|着|向|到|斜)|(脸|嘴){g}(一边|半边){g}(塌|耷拉|垮|歪|掉))",
            r"(说话不清|说话含糊|说话含混|口齿不清|吐字不清|说不出话|说不了话|讲不出话|讲话不清|舌头{g}(发硬|不灵|不听|打结|打卷|僵)|大舌头|"
            r"说话不利索|说话不利落|话说不清|说话{g}(含糊|不清|不利索|大舌头)|(?<![说讲])话(也|都)(说|讲)不(清|清楚|利索|明白|出来)"
            r"|说不出{g}整?(话|句)|说不成句|(突然|忽然|刚刚|刚才){g}说话{g}(颠三倒四|乱七八糟|前言不搭后语|驴唇不对马嘴))",
            r"(中风|脑梗|脑卒中|脑出血|脑溢血)(了|啦)",
            r"(突然|忽然|一下子){g}(不会说话|不能说话|说不了话|话都说不)",
            r"(突然|忽然){G}(手|脚|手脚|胳膊|腿){g}(没劲|无力|麻|动不了|抬不起)",
        ),
        excludes=(r"(好几年|多年|几年了|\d+年了|[一二两三四五六七八九十]+年了|从小|天生|后遗症|康复|复查|术后|出院|随访|物理治疗|"
                  r"(中风|脑梗|脑卒中|脑出血|脑溢血)(了|啦)(半年|[一二两三四五六七八九十几\d]+个多?月|[一二两三四五六七八九十几\d]+年)|"
                  r"中风后|脑梗后|脑梗以后|中风以后|结巴|口吃|睡觉压|压麻|睡麻|蹲久|坐久|牙疼|拔牙|麻药|打麻药|喝多|喝醉|"
                  r"练习|普通话|学说话|(耳朵|耳背|我){g}听不清|(?<!突然)(?<!忽然)不会说话|说话晚|面瘫|孩子说话|宝宝说话|\d+岁还|两岁|三岁|紧张|激动"
                  r"|害羞|吓得|气得|哭得"
                  r"|冻得|(气|笑|哭)(歪|得{g}歪)|心慌|双手|两只手|两手|四肢|手脚都|(?<![半一左右边侧])手脚{g}(发)?麻|恐慌|惊恐|焦虑)",),
        message_excludes=(r"(说|讲|听说){g}(中风|脑梗)(了)?{g}(要|就|得)",
                          r"(孩子|宝宝|小孩|儿子|女儿|娃){W}(还小|说话晚|学说话)|还小|说话晚|学说话|口吃|结巴|喝醉|喝多了|从小"
                          r"|天生|一直这样|一直都这样|拔牙|麻药|补牙|种牙|根管|打了?针|面瘫",),
    ),
    RedFlagRule(  # one side's hand or leg fails, with the face or speech going too (a frozen shoulder alone is no stroke)
        "stroke",
        triggers=(r"(左|右)(边|侧)?的?(手|胳膊|手臂|腿|脚){g}(也|都|突然)?{g}(抬不起|动不了|不会动|拿不住|握不住|端不住|没劲|没力|使不上劲"
                  r"|不听使唤|没知觉)", r"(筷子|碗|杯子|勺子){g}(也|都|突然)?{g}(拿不住|握不住|端不住|掉了|掉地上)"),
        requires=(r"(嘴|脸|口水|哈喇子|流口水|说话|说不|讲话|含糊|口齿|舌头|颠三倒四|不认人)",),
        excludes=(r"(肩周|颈椎|腰椎|扭|摔|骨折|打针|抽血|输液|睡觉压|压麻|睡麻|好几年|多年|术后)",),
    ),
    RedFlagRule(
        "breathing",
        triggers=(
            r"(呼吸困难|呼吸{g}(困难|费劲)|呼吸不上来|出不到气|出不赢气|出不来气|喘不上气|喘不过气|喘不过来|喘不上来|上不来气|透不过气|气都喘不"
            r"|喘不动气|憋得喘不|憋气憋得"
            r"|窒息|没法呼吸|不能呼吸|吸不进气|"
            r"呼吸不过来|喘得{g}(厉害|说不出话|说不了话|躺不下|不行|好凶|很凶|吓人)|憋得{g}(说不出话|脸发紫|要死|不行)"
            r"|喘得{W}(说不全|说不完|说不出|接不上)|一句话{g}要?{g}喘{g}(好几口|几口|几次)|一个字一个字{g}(往外)?(蹦|说)|(喘气|呼吸){g}越来越(难|费劲"
            r"|困难)|(气急|喘){W}说不出{g}完整|一句话{g}(都)?说不(全|完)|说{g}(两|几|一)个字就{g}(喘|停|倒气)|快?憋{g}(过去|死)了)",
            r"(嘴唇|嘴巴|脸|脸色){g}(发紫|发青|紫了|青紫|发乌|发灰|乌了|青了|青的|紫的|发绀|有点乌)", r"(咳|吐){W}(粉红色|粉色|粉红){g}(的)?泡沫",
            r"(喉咙|嗓子|嗓子眼|喉头|气管){g}(肿|堵)得{W}(喘|说不出|呼吸|透不过|咽不下|吞不下)",
            r"(呼吸|喘气){g}(特别|非常|很|好)?(急|快){W}([4-9]\d|[四五六七八九]十)(多)?(下|次)",
        ),
        excludes=(r"(爬{g}楼|上楼|上坡|走路|走快|快走|跑步|运动|活动|干活|干点活|一动就|锻炼|跑两步|走几步|上几层|体育课)",
                  r"(鼻塞|鼻子堵|感冒鼻子)",
                  r"(让我|令人|令我|让人|叫人|尴尬|无语|美到|帅到|丑到|卷到|穷到|窒息感|窒息的(爱|感觉|操作|气氛)|题|作业|操作|气氛)",
                  # burdens "weigh one down till one can't breathe"; a face "red to purple" is flushed, not blue
                  r"(房贷|车贷|贷款|债|账单|工作|业绩|KPI|考核|学业|功课|活儿|日子|生活|担子|压力){W}压得{g}(喘|透)不|累得{g}喘不过气|喘息服务",
                  r"红得{g}发紫", r"窒息(游戏|式|挑战)", r"(发黄|蜡黄|暗黄|黄){g}发灰|发灰{g}(发黄|暗黄)",
                  r"差点窒息{W}(哈哈|好了|没事)|(辣|美|帅|丑|尬|甜|香|臭|挤|闷|热|吵|烦|吓|念叨|唠叨|呛|笑|好吃|好看|好听|感动|震撼)(到|得|的)(我"
                  r"|人)?(快|要)?窒息|太爽"),
        # a snorer who seems to stop breathing for seconds is for the sleep clinic (睡眠呼吸暂停), in any clause
        message_excludes=(r"(打鼾|打呼|鼻鼾|打呼噜)",),
    ),
    RedFlagRule(  # blue nails, apart from the lips and face: a pinched or crushed finger and cold hands turn them blue too
        "breathing",
        triggers=(r"(指甲|指甲盖|指尖){g}(发紫|发青|紫了|青紫|发乌|发灰)",),
        excludes=(r"(夹|砸|磕|碰|撞|挤|踢|踩|压|锤|冻|冷|凉|雷诺)",),
        message_excludes=(r"(夹|砸|磕|碰|撞|挤|踢|踩|锤|冻|雷诺)",),
    ),
    RedFlagRule(  # a low oxygen reading with breathlessness or chest pain
        "breathing",
        triggers=(r"(血氧|氧饱和度|饱和度|指脉氧){M}([5-8]\d|9[01])(?![\d.])",),
        requires=(r"(喘|气促|气短|憋|胸痛|胸口{g}(疼|痛|闷)|呼吸|上不来气|嘴唇)",),
    ),
    RedFlagRule(  # orthopnoea: breathless so that the patient has to sit up
        "breathing",
        triggers=(r"(躺不下|躺不平|不能平躺|没法平躺|不敢平躺|不能躺|躺不了|一躺{g}就{g}(憋|喘|上不来|喘不)|只能坐着|得坐起来|要坐起来"
                  r"|坐起来才|要坐着才|坐着才能|坐着才好|坐着{g}(喘|睡)|只能{g}坐|只能半躺|垫高{g}才)",),
        requires=(r"(喘|憋|气短|气急|气促|呼吸|上不来气|透不过气|没气)",),
        excludes=(r"(鼻塞|鼻子堵|反流|反酸|烧心|腰|背|颈椎|骨折|伤口|刀口|孕|胎)",),
    ),
    RedFlagRule(
        "breathing",
        triggers=(r"(哮喘|气喘){G}(发作|犯了|又犯)", r"(喷雾|喷剂|吸入剂|万托林|沙丁胺醇|哮喘药|喷了|吸了){W}(没用|不管用|不顶用|没效果|不见效|没效|没得用)"),
        requires=(r"(不管用|没用|不见好|喘不|说不出话|停不下|嘴唇|憋|越来越重|坐着喘)",),
    ),
    RedFlagRule(
        "unconscious",
        triggers=(
            r"(昏迷|不省人事|不醒人事|叫不醒|喊不醒|意识不清|意识模糊|没有意识|没意识|失去意识|失去知觉|晕倒|晕过去|昏倒|昏过去|"
            r"晕厥|倒地不起|倒在地上|(叫|喊|拍|摇|推)[^，。]{0,4}不(太|怎么|大)?醒|(叫|喊)[^，。]{0,3}(也|都)?不(太|怎么)?(应|答应|吭声|吱声|回应"
            r"|睁眼|理人)|歪倒|"
            r"一头栽|栽(倒|在地上|地上|下去)|倒(在)?地上了|倒在(里面|里头|浴室|厕所|卫生间)|(还|一直)没醒|没醒过来|(喊|叫){g}(他|她)?{g}(眼珠子?"
            r"|眼睛){g}(不动|不转|发直)|(人|他|她)倒(在)?地(上)?了|突然{g}倒(了|下|地)|没了意识|没了知觉|失去了意识|一头栽倒|突然倒下|没反应"
            r"|没有反应|人事不省|神志不清|不认人了|无意识)",
        ),
        excludes=(r"((差点|险些|快要){g}(晕|昏|倒)|快晕|晕车|晕船|晕机|晕血|晕针|(?<!喝)醉(?!酒)|装|假装|低血糖史|看到血)",
                  r"(睡得{g}(沉|香|死|熟)(?![^。]*(呼噜|鼾|呼吸|喘|打呼|嘴唇|没反应|抽|喝|吃了|药))|"
                  r"赖床|懒觉|遗尿|尿床|起床|上学|迟到|闹钟|上班|睡眠监测|鼾症|睡眠门诊|平时|每天晚上|每晚|要晕|都要晕|晕倒了都|吓晕|气晕|笑晕|美晕|帅晕"
                  r"|(看到|看见|听到){W}(账单|价格|价钱|分数|成绩|房价|工资))"),
        message_excludes=(r"(报告|心电图|CT|核磁|脑电图|检查结果|结果出|化验单|打印|动态心电|holter|片子)",
                          r"(住几楼|送{g}医院了|(120|救护车){g}(拉走|接走|送走)|探望|看望|几点能去)|(住院|ICU|监护室|病房){W}(昏迷|叫不醒)|(昏迷"
                          r"|叫不醒){W}(探视|探望|看望|能进去|家属)",
                          r"(哭|笑|虐|气|累|困|饿|无聊)(到|得)(我)?{g}(昏迷|晕倒|晕过去|昏过去)"),
        # gadgets and messages that "do not respond" (血压计坏了 按了没反应, 发消息叫他也不回应), and the figurative
        # 他对我没反应; each cancels only the words it covers
        # (the gadgets are named whole: a bare 键 or 计 would take 关键是他没反应 or 会计 for a machine)
        local_excludes=(r"(手机|电脑|网页|系统|app|小程序|按钮|按键|屏幕|遥控器?|开关|机器|仪器|血压计|血糖仪|血氧仪|体温计|温度计|体温枪|监护仪"
                        r"|手表|手环|电视|电池)(坏了|没电了?|失灵了?"
                        r"|死机了?)?{g}((按|摁|点|开|插|充){g}(了|半天|好几下)?{g})?(也|都)?没(有)?反应",
                        # no gap after the call or the scolding: 打完电话他突然没反应了, 邻居说她突然没反应了 are collapses
                        r"(消息|信息|微信|短信|电话)(叫|喊|找)?(他|她)?(也|都)?(没(有)?反应|不(太|怎么)?(回应|答应|应|吭声|吱声|理人|回))",
                        r"(点了|发了)(也|都)?没(有)?反应",
                        r"(开机|开不了机|通电|插上电|充上电|充了电)(以?后)?(也|都)?没(有)?反应",  # 血压计坏了。开机没反应
                        r"(他|她|老公|老婆)对我{g}(也|都)?(没(有)?反应|不(太|怎么)?(理人|回应))",
                        r"说(他|她)(几句|两句|半天)?(也|都)(没(有)?反应|不(太|怎么)?(理人|回应|答应|应|吭声))",
                        # a sleeper who stayed up late (娃娃睡起喊不醒 原来昨晚耍手机耍到两点)
                        r"睡{g}(起|醒)?{g}(叫|喊|推)[^，。]{0,4}不(太|怎么)?醒(?={W}" + _UP_LATE + ")",
                        _UP_LATE + r"{W}睡{W}(叫|喊|推)[^，。]{0,4}不(太|怎么)?醒"),
        strong_only=True,
    ),
    RedFlagRule(  # shock: very low blood pressure with signs of poor perfusion
        "unconscious",
        triggers=(r"(血压|高压|收缩压){g}(突然)?{g}(掉到|降到|掉|降|只有|才|测出来)?{g}([4-7]\d)(/|／|\s|多|了|$)",),
        requires=(r"(冷汗|虚汗|眼前{g}(发黑|黑)|晕倒|晕过去|晕了|发软|迷糊|叫不醒|脸{g}(苍白|煞白)|手脚{g}(冰|凉))",),
        excludes=(r"(低压|舒张压|心率|心跳|脉搏|血糖|血氧|低血压|平时|一直|有点)",),
    ),
    RedFlagRule(  # shock: a blood pressure that cannot be measured (not a broken meter)
        "unconscious",
        triggers=(r"血压{g}(测不到|测不出|量不到|量不出|摸不到)",),
        excludes=(r"(血压计|机器|仪器|电子|电池|袖带|坏了|不准|手机|手环|手表)",),
    ),
    RedFlagRule(
        "cardiac_arrest",
        triggers=(r"(没气了|没了气|断气|没了呼吸|(?<!有)没有呼吸(?![困急费不道声音科])|没呼吸(?![困急费不道])|不喘气了|呼吸停了|没有心跳|没心跳"
                  r"|心跳停了|心脏骤停|心跳骤停"
                  r"|呼吸心跳停止|摸不到脉|没有脉搏|无呼吸|(在做|正在做|做着)(心肺复苏|CPR|人工呼吸|胸外按压)|(心口|胸口|心脏){g}没(动静|跳|起伏)了?)",),
        # a heart that "stops" at a song or a face is a swoon; a snore "like dying" is for the sleep clinic
        excludes=(r"(好听|好看|帅|美|甜|可爱|感动|心动|萌)(到|得)(我)?{g}(心脏骤停|心跳骤停|心跳停了)", r"(像{g}要?{g}断气|打呼噜|打鼾)"),
    ),
    RedFlagRule(
        "heavy_bleeding",
        triggers=(
            r"(大出血|血流不止|止不住血|血止不住|止不住{g}血|出血{g}止不住|流血{g}止不住|血{g}一直流|一直{g}(流血|出血)|"
            r"血喷|喷血|大量出血|出了{g}(好多|很多|一大滩|一地|一盆)血|流了{g}(好多|很多|一大滩|一地)血|"
            r"血{g}(流了一地|浸透|湿透)|出血{g}(很多|好多|一大滩))",
            r"((拉|便|吐|流|出){g}(了|出来)?{g}(一马桶|一盆|一地|一大滩|一大摊|一摊)的?{g}(红)?血)",
            r"(血{g}(哗哗|呼呼|汩汩|直流|往外冒|往外涌|喷出)|(大便|便便|拉的){g}(全是血|都是血|一大滩血|全是红的))",
            r"(便血|拉血|尿血|鼻血|鼻子出血|流鼻血){W}(很多|好多|一大滩|一马桶|止不住|不止|半小时|一直|头晕|晕|堵不住|小半盆|半盆|一盆"
            r"|([一两二三几\d]|一个)个?多?(小时|钟头))",
            r"(割|砍|切|划|扎){g}(了|到|破|伤){W}(见骨|骨头|动脉|止不住|喷|(很深|好深){W}(血|流血|出血))",
            r"(血{g}(一直|往外|直往外|还在|不停){g}(喷|飙|滋)|血{g}(喷出来|喷了|飙出来))",
            r"血{W}(往外喷|喷出来|往外冒|往外涌|往外呲|往外滋|往外飙|往外窜|停不下来|止不住|止不了|捂不住|按不住|压不住)"
            r"|血{g}(流得|流了){g}(到处都是|满地|一地|一身)|血{g}一直在?(流|淌|冒)|(按|压|捂|堵)着?{g}(也|都|还)?{g}(止不住|止不了|停不下)|(捂|按|压)不住",
            r"(手指|指头|手指头|脚趾|手|脚|胳膊|腿|耳朵){W}(绞断|切断|轧断|压断|截断|剁掉|切掉|砍掉|砍断|绞掉|削掉|掉下来了)",
        ),
        excludes=(r"(痔疮{g}(出血|便血)|牙龈|刷牙|血丝|一点点|一点血|少量|月经|例假|大姨妈|来事|经期|流鼻血{g}一会)",
                  # spending "bleeds one dry" (双十一又大出血了)
                  r"(双十一|双11|双十二|618|购物|剁手|钱包|工资|红包|请客|破费|随礼|份子|花了|花钱|买买买|又要|这个月){W}大出血",
                  # a tendency asked about (平时一个小口子血都半天止不住 是不是凝血有毛病), not a wound bleeding now
                  r"(平时|每次|老是|一直都|凝血|血小板)"),
    ),
    RedFlagRule(  # blood thinners taken in excess, or bleeding on them that will not stop
        "heavy_bleeding",
        triggers=(r"(华法林|利伐沙班|达比加群|阿哌沙班|氯吡格雷|抗凝药)",),
        requires=(r"(出血|流血|血){W}(不止|止不住|流个不停|停不下来|一直|未止|没止住|不停)|(吃了|吞了){W}(一把|好几片|好多|一瓶|一板)",),
        excludes=(r"(牙龈{g}(有点|一点|少量)|刷牙{g}(有点|一点)|血丝)",),
    ),
    RedFlagRule(  # a cup of blood coughed or vomited: an emergency even when the writer asks for tomorrow's clinic
        "vomiting_blood",
        triggers=(r"(鲜血|血){W}(小半杯|半杯|一杯|一碗|一大口|好几口|一口接一口)",),
        requires=(r"(咳|吐|呕|痰)",),
        cancels=frozenset({NEGATION, HISTORY, MEDIA}),
    ),
    RedFlagRule(  # very heavy menstrual bleeding with signs of blood loss
        "heavy_bleeding",
        triggers=(r"(月经|例假|大姨妈|经血|来事|下面){W}(湿透|一小时{W}(换|湿|透)|止不住|像{g}(水|自来水|流水)|哗哗|一股一股|大得吓人"
                  r"|多得吓人|特别多|非常多|好多|量{g}(特别|非常|超级|太|巨)大)",),
        requires=(r"(头晕|发晕|晕|眼{g}(黑|发黑|花)|心慌|站不稳|站不住|乏力|没力气|脸{g}(白|苍白|煞白)|湿透)",),
        excludes=(r"(每次|每个月|一直都|老是|经常)",),
    ),
    RedFlagRule(  # upper GI bleeding: black, tar-like stools, repeated or with signs of blood loss
        "heavy_bleeding",
        triggers=(r"(黑便|黑屎|柏油|拉黑|解黑|(黑色|黑漆漆|黑乎乎|乌黑|漆黑|黑黑)的?{g}(大便|便|稀便|屎|粑粑)"
                  r"|(大便|便便|屎|粑粑|拉的|解的){W}(黑|柏油|沥青|墨))",),
        requires=(r"(头晕|发晕|晕|乏力|没力气|没劲|无力|虚|站不稳|站不住|走不稳|发飘|差点{g}(倒|摔|栽)|打偏偏|眼前{g}(发黑|黑)|眼睛{W}(发黑|黑)|眼发黑|心慌"
                  r"|心跳{g}快|出汗|冷汗|脸{g}(白|煞白|苍白|没血色)|好几次|[二三四五六七八九几两3-9]{1,2}次|多次|好几回|几回|又拉|一直拉"
                  r"|一天{W}(次|回)|晕倒|昏|腿软|吐{G}(血|咖啡))",),
        # what was eaten explains black stools, unless the clause says the patient nearly fainted just now (刚才眼前一黑)
        message_excludes=(r"(补铁|铁剂|铁片|硫酸亚铁|铋|黑芝麻|猪血|鸭血|血豆腐|中药|蓝莓|桑葚|活性炭|墨鱼|乌贼|火龙果|巧克力)",),
    ),
    RedFlagRule(
        "vomiting_blood",
        triggers=(r"(吐血|呕血|(吐|呕)(了|出){G}血|咯血|咳血|咳了{G}血|咳出{G}血|吐{G}(咖啡色|咖啡渣|咖啡样|鲜红))",
                  r"吐了{g}(一大盆|一盆|小半盆|半盆|一大口|一地){W}(血|鲜红|红的)", r"(吐|咳|呕)的{g}(都是|全是){g}血",
                  r"(咳|吐|呕)(出来|出){W}(都是|全是)?{g}鲜血",
                  r"(咳|吐|呕)(出来|出){W}((都是|全是){g}(鲜红|红)的?血|(鲜红|红)的?血{W}(小半杯|半杯|一杯|好多|很多|一口一口))"),
        excludes=(r"(想吐血|气得|要吐血|让人吐血|得吐血|得我吐血|吐血三升|吐血了都|让我吐血|简直吐血|血丝|痰里|痰中|带血丝|牙龈"
                  r"|刷牙|鼻血{g}流到)",
                  r"((累|气|忙|熬|卷|苦|虐|坑|亏|心疼|肉疼|无语|郁闷|写|干|学|做|加班|改)(到|得|的|成)?{g}(吐血|呕血)|气吐血|吐血(推荐|整理|总结|安利|价))"),
    ),
    RedFlagRule(
        "seizure",
        triggers=(r"((发|犯|闹|抽)了?(羊角风|羊癫疯|羊羔疯|癫痫)|(羊角风|羊癫疯|羊羔疯)(又)?(发|犯)|抽了{g}([\d一二三四五六七八九十几]+|好几)分(钟|种)"
                  r"|抽{g}(还没停|停不下|不停)|一直{g}抽(?!烟|血|水|空|奖)|(手脚|四肢|全身|浑身|胳膊腿){g}(一抽一抽|乱抖|抽动|抖个不停)|抽搐|抽风"
                  r"|惊厥|癫痫发作|癫痫犯了|癫痫又犯|羊角风犯|羊癫疯犯|羊癫疯发作|口吐白沫|四肢抽|浑身抽|全身抽"
                  r"|手脚抽动|"
                  r"翻白眼{g}(抽|不醒|没反应)|抽过去|抽起来|(人|孩子|宝宝|他|她|娃|媳妇|老婆|老公|爸|妈|儿子|女儿)抽了(?!{g}(血"
                  r"|烟|根|口|空|奖|签|脂|水))|牙关紧(咬|闭)|抽得{g}(厉害|不停|停不下)|抽了{g}(一阵|几分钟|好几分钟))",),
        excludes=(r"(眼皮|眼睛|眼角|嘴角|脸部|面部|面肌|脸上|肌肉|手指|小腿|(?<!胳膊)腿|(?<!手)脚|胃|肚子){g}(抽搐|跳|抽)",
                  r"(抽筋|抽血|抽烟|抽空|抽奖|抽查|抽时间|抽样|抽脂|抽水|抽签|抽屉|抽出)",
                  r"手{g}抖{W}(像|跟){g}(癫痫|羊角风|羊癫疯|抽风)|(笑|乐|哭|冷|尬)(到|得|的)?{g}(抽搐|抽风|抽)|(抽动|抖|抽)了?一下|抽动症|多动症|老爱"
                  r"|总爱|故意|给{g}(他|她|我|你)看",
                  r"^(?:(?!" + DISTRESS_PERSON[1:-1] + r"|娃|宝宝|孩子).)*" + DEVICES + r"{W}(抽风|抽搐)(似的|一样)"),
        # a machine that "has fits": cancelled unless the clause says it is happening to someone now (突然, 正在...),
        # or likened to one with nobody named before it (洗衣机抖得跟抽风似的)
        message_excludes=(DEVICES + r"{g}(又|老|总|也|在)?(抽风|抽搐)",),
    ),
    RedFlagRule(  # a generalised fit told as 全身抽筋 (cramp words) with a sign of a seizure
        "seizure",
        triggers=(r"((全身|浑身|四肢|身子|身体|手脚){g}(抽筋|抽|一抽一抽|发抖{g}停不下|抖起来|抖个不停|僵直|挺直|发僵)|突然{g}抽筋|吐白沫|犯病{g}抽"
                  r"|翻白眼|(两眼|眼睛|眼){g}(发直|上翻|往上翻))",),
        requires=(r"(白沫|牙关|牙{g}咬{g}(紧|死)|咬{g}(紧|死)|咬舌|咬到舌头|翻白眼|眼睛{g}(翻|上翻|往上|发直|直了)|眼{g}往上翻|叫不应|喊不应"
                  r"|叫不醒|喊不醒|没反应|没意识|不省人事|倒地|倒在|犯病|发作|尿裤子|尿了|嘴唇{g}(紫|青)|手脚{g}(乱抖|一抽一抽|抽动)"
                  r"|(全身|浑身|身子){g}(僵直|挺直|发僵))",),
        excludes=(r"(小腿|腿肚|(?<!手)脚|(抽动|抖|抽)了?一下|游泳|运动|跑步|缺钙|补钙|刷牙|牙膏|螃蟹|翻白眼{g}(瞪|看)|抽动症|多动症|老爱|总爱|故意"
                  r"|给{g}(他|她|我|你)看|(冲|朝|对|向)(着)?(我|他|她|你|人|俺|咱)(们)?{g}翻白眼)",),
    ),
    RedFlagRule(  # a fit that stopped, with the patient still confused afterwards
        "seizure",
        triggers=(r"(抽完|抽过了|抽过{g}(一次|一回|一阵)|抽停了|抽了{g}(一阵|一会|几分钟|好几分钟|几下)|不抽了|停止抽|抽搐{g}(停|完|过后|之后|以后)"
                  r"|发作完|犯完病"
                  r"|突然{g}(抽了|抽起来|抽过去|抽搐|犯病|发病{g}抽)|停了以后|停下来以后|醒过来以后|醒了以后)",),
        requires=(r"(抽过{g}(一次|一回|一阵)|抽|犯病|发作|惊厥)",
                  r"(迷糊|迷瞪|发懵|懵了|糊涂|不认人|不认识人|不清醒|醒不过来|没醒|叫不醒|喊不醒|叫不应|问{g}(啥|什么|话){g}(都)?"
                  r"(不知道|不回答|不答)|意识|答非所问|说胡话|两眼发直|眼神发直|发呆|呆呆)"),
        excludes=(r"(抽了一下|吓得|打针|抽血|抽烟|抽筋|小腿|腿|脚)",),
    ),
    RedFlagRule(
        "anaphylaxis",
        triggers=(r"(过敏|蜂蛰|蜂蜇|蜇了|蛰了|(蜂|马蜂|蜜蜂|黄蜂){g}(叮|蜇|蛰|咬)|打完针|输液|输完|打完{W}(针|疫苗|青霉素|头孢|药)|(打|用|输)了{W}(针"
                  r"|青霉素|头孢|疫苗"
                  r"|药|造影剂)|(吃|喝|服)(了|完|下){W}(海鲜|花生|虾|蟹|螃蟹|芒果|坚果|腰果|青霉素|头孢|阿莫西林|布洛芬|阿司匹林|磺胺"
                  r"|消炎药|退烧药|止痛药|感冒药|抗生素|药))",),
        requires=(r"(喉咙|嗓子|喉头){g}(发紧|紧|肿|堵|憋)|(喉咙|嗓子|喉头|脖子){g}像{g}(被)?{g}(掐|卡|堵|勒|扼)|喘不|还喘|喘得|都肿了|全肿了"
                  r"|肿得{g}(睁不开|说不出)|呼吸困难|上不来气"
                  r"|透不过气|出不到气|出不赢气|憋气|嘴唇{g}肿|舌头{g}肿|"
                  r"眼睛肿得|晕倒|晕过去|休克|血压{g}(低|掉|下降)|血压{W}([4-8]\d)[/／]|脸{g}(发白|苍白){W}晕|心慌{W}晕|全身{g}(疹|包|红){W}(喘|晕"
                  r"|憋)|(全身|浑身|满身){g}(起|发|都)?{g}(疹|包|红|风团|疙瘩|痒){W}(喘|晕|憋|站不住|站不稳|心慌|胸闷|胸口{g}(闷|憋)"
                  r"|呼吸|冷汗)",),
        excludes=(r"(鼻炎|过敏性鼻炎|季节性|每年|春天|过敏原|查过敏|过敏史|脱敏|轻度|轻微|过敏体质)",),
        # a cheek swollen from a bad tooth is an abscess (口腔科 today), not the painkiller's allergy
        message_excludes=(r"(牙|智齿|牙龈|牙床){W}(脸|腮帮子|腮){g}(都|全)?肿",),
    ),
    RedFlagRule("anaphylaxis", triggers=(r"(过敏性休克|严重过敏反应|喉头水肿)",)),
    RedFlagRule(  # mouth or face swelling after food, a sting or a drug, with the airway involved (cough, wheeze)
        "anaphylaxis",
        triggers=(r"(吃|喝|尝|舔|过敏|蛰|蜇|咬|打了|打完|输|风团|荨麻疹|疹子|起包|疙瘩)",),
        requires=(r"(嘴|嘴唇|嘴巴|脸|舌头|眼皮|眼睛|喉咙|嗓子|口腔|上颚|全身){g}(都|也|一下)?{g}(肿|胀)",
                  r"(咳|喘|呼吸|哨音|响声|呼哧|嘶嘶|憋|声音{g}(哑|变)|嗓子{g}(紧|哑|堵)|喉咙{g}(紧|堵)|说不出话|吞不下|流口水)"),
        excludes=(r"(牙|智齿|腮腺|扁桃体|感冒|中耳炎|蚊子|淋巴|甲状腺|火锅|辣|上火|烫|有点肿|微肿|稍微|一点点|很快{g}消|消了|一碰就)",),
        message_excludes=(r"(很快{g}(就)?消|(已经|早)?消了)",),
    ),
    RedFlagRule(
        "poisoning",
        triggers=(
            r"(中毒|误服|误食|误喝|(喝|吃|吞)了?{g}(农药|敌敌畏|百草枯|除草剂|杀虫剂|老鼠药|耗子药|毒鼠强)|喝了{W}(农药|敌敌畏|百草枯|除草剂|杀虫剂"
            r"|消毒液|84|洁厕|汽油|煤油|甲醇|假酒|老鼠药|耗子药)|"
            r"吃了{W}(老鼠药|耗子药|农药|毒蘑菇|野蘑菇|杀虫剂|干燥剂|电池|磁铁)|煤气{g}(中毒|熏)|一氧化碳|烧炭|(煤气|燃气"
            r"|天然气){g}(泄漏|漏气)|把{W}(洗衣液|洗洁精|消毒液|84|农药|洁厕灵|酒精|汽油|敌敌畏|老鼠药|杀虫剂|指甲油|电池"
            r"|干燥剂){W}(喝|吃|吞|咽)(了|下))",
            r"(吞|咽|吃|误吞|误食)(了|下|进|下去|进去)?{W}(纽扣电池|扣式电池|电池|磁铁|磁珠|磁力珠|吸铁石|巴克球|磁力球)",
            r"(纽扣电池|扣式电池|电池|磁铁|磁珠|磁力珠|吸铁石|巴克球|磁力球){W}(吞|咽|吃)(了|下|进|到)",
        ),
        excludes=(r"(食物中毒|咖啡因|算{g}中毒吗|缓过来|轻微|有点|会不会中毒|报警器{g}(哪个|牌子|买|装|推荐|要不要|有没有规定)|(要不要|该不该"
                  r"|需不需要|要){g}装{W}报警器|中毒性|中毒了吗|可能是(?!煤气|燃气|一氧化碳){g}中毒|是不是{g}中毒"
                  r"|(烧炭|炭火|火盆){g}(取暖|烤火)?{W}(怕|预防|怎么|如何|注意|开窗|窗户)|冬天{g}(屋里)?{g}烧炭{g}(火盆|取暖|烤火))",),
        # a computer's "poisoning" cancels only its own words: 电脑中毒了 我爸喝了农药 is a poisoning
        local_excludes=(DEVICES + r"{g}(又|也|被)?(中毒|中了毒|中病毒)|(中了|中)(病毒|木马)",),
        message_excludes=(VISITING,),
    ),
    RedFlagRule(  # a stated count of tablets taken: even asked "which department", it is happening now
        "overdose",
        triggers=(r"(吃|吞|服)了{g}(\d{2,}|[二三四五六七八九]十[一二三四五六七八九几]?|几十|十几)多?(片|粒|颗|丸)",
                  r"(把|将){W}(药|药片|安眠药|降压药|降糖药){g}(全|都|全部){g}(吃|吞|喝)(了|下|掉|光)",
                  r"一把{g}(全|都)?{g}(吞|吃)了|数不清{g}多少片"),
        excludes=(r"(一天|每天|一周|一个月|一共|疗程|分{g}次|维生素|钙片|益生菌|鱼油|保健品)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
    ),
    RedFlagRule(  # "don't talk me out of it", with the means or the plan
        "suicide",
        triggers=(r"(别|不要|不用)劝我",),
        requires=(r"(刀|药|准备好|跳|死|走了|结束|了断|绳|炭|楼)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # a stated amount of a poison swallowed: even asked "just asking" (吞了半瓶84 挂什么科), it is happening now
        "poisoning",
        triggers=(r"(喝|吞|咽)了?{g}(半瓶|一瓶|一整瓶|整瓶|一大口|好几口|几口|一口|一杯|半杯)的?{g}(农药|敌敌畏|百草枯|消毒液|消毒水|滴露|84|洁厕灵|洁厕|漂白水"
                  r"|汽油|甲醇|除草剂|杀虫剂|老鼠药)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
    ),
    RedFlagRule(  # organophosphate pesticide: after spraying, vomiting and sweating with drooling, tiny pupils or fits
        "poisoning",
        triggers=(r"(打农药|喷农药|打药|喷药|农药)",),
        requires=(r"(吐|大汗|出汗|一身汗|晕|口水|抽|看不清)", r"(口水|流涎|瞳孔|眼珠子?{g}(缩|小)|抽(?!血|烟)|呼吸{g}(困难|不上)|说不出|昏)"),
        excludes=(r"(怎么|如何|预防|防护|口罩|手套|注意|以前|去年)",),
    ),
    RedFlagRule(  # favism: broad beans, then dark urine and jaundice (a child's red cells breaking down)
        "poisoning",
        triggers=(r"蚕豆",),
        requires=(r"(酱油色|浓茶色|尿{g}(红|黑|发红|发黑)|脸{g}(好|很)?黄)",),
    ),
    RedFlagRule(  # a home-dug or folk herb (aconite, 草乌) with numbness or a chaotic heart
        "poisoning",
        triggers=(r"(草药|草乌|川乌|附子|乌头|偏方)",),
        requires=(r"(嘴麻|舌头麻|手麻|心跳{g}(乱|快|慢)|抽(?!血|烟)|吐|晕)",),
        excludes=(r"(能不能|可以吗|怎么|如何|有没有用|有用吗)",),
    ),
    RedFlagRule(  # carbon monoxide: a coal stove, charcoal or a gas heater indoors, and people feel ill
        "poisoning",
        triggers=(r"(煤炉|煤球炉|蜂窝煤|炭盆|炭火|火盆|烧炭|烧了?{g}炭|烤炭|煤炭炉|煤气热水器|燃气热水器|炉子|烧炕|烟囱|烧烤炉|帐篷{W}(炉|炭|烧)"
                  r"|(热水器|炉子){g}是{g}(燃气|煤气)的?"
                  r"|(煤气|燃气|天然气){g}味)",),
        requires=(r"(头疼|头痛|头晕|恶心|吐|晕|昏|没力气|浑身没劲|迷糊|叫不醒|喊不醒|叫不行|醒不过来|站不起来|起不来|(嘴唇|脸){g}(红|樱桃|红扑扑"
                  r"|通红)|睡过去)",),
        excludes=(r"(怎么预防|预防|注意什么|安全吗|会不会|能不能|可以吗|科普|新闻|买|装|修)",),
    ),
    RedFlagRule(  # wild mushrooms followed by vomiting, diarrhoea or confusion
        "poisoning",
        triggers=(r"(吃|炒|煮|炖|采|捡){W}(野生菌|野蘑菇|野菌|菌子|蘑菇|鸡枞|见手青|牛肝菌|毒菌)", r"(山上|野外|路边|树林){W}(菇|蘑菇|菌)",),
        requires=(r"(吐|泻|拉|迷糊|糊涂|说胡话|胡言乱语|颠三倒四|小人|幻觉|看见{W}(不存在|东西)|抽|昏|晕|黄|尿少|肚子{g}(疼|痛)|不认人)",),
        excludes=(r"(能不能吃|能吃吗|可以吃吗|怎么分辨|怎么辨别|怎么区分|有没有毒|有毒吗)",),
    ),
    RedFlagRule(  # a child who swallowed an adult's medicine, or several tablets of anything
        "poisoning",
        triggers=(r"(吃|吞|咽|嚼|啃|舔){W}({ADULT_DRUGS}|(大人|奶奶|爷爷|外婆|外公|姥姥|姥爷|妈妈|爸爸|老人|我|爸|妈)(的|吃的){W}(药|片|粒"
                  r"|胶囊|丸))",
                  r"({ADULT_DRUGS}|(大人|奶奶|爷爷|外婆|外公|姥姥|姥爷|妈妈|爸爸|老人|我|爸|妈)(的|吃的){W}(药|片|粒|胶囊|丸)){W}(吃|吞"
                  r"|咽|嚼|啃)",
                  r"(吃|吞|咽)了?{W}(半板|一板|一整板|好几片|几片|好几粒|几粒|好几颗|几颗|一把|一瓶|半瓶|一盒|\d+片|当糖|当糖豆){W}(药|片"
                  r"|粒|颗|丸)?",
                  r"(药|药片|药丸|胶囊){W}当{g}(糖|糖豆|零食)"),
        requires=(KIDS,),
        excludes=(r"(怀孕|孕期|孕早期|孕妇|孕\d|胎儿|舔了一下|舔了舔|碰了一下|退烧|感冒|消炎|益生菌|维生素|维C|钙|鱼肝油|医生开的|按说明|遵医嘱"
                  r"|说明书|剂量|给{g}(孩子|宝宝|娃)吃|喂|(起|长|冒|出)了?{g}(几颗|好几颗|几粒|好几粒){g}(红|疹|痘|包|点))",),
        message_excludes=(VISITING,),
    ),
    RedFlagRule(
        "overdose",
        triggers=(
            r"(吃了|吞了|喝了|服了){W}(一整瓶|一瓶|整瓶|半瓶|一整盒|一盒|整盒|半盒|好几盒|一整板|一板|好几板|一大把|一把|(好多|很多|一堆)(片|粒|颗)"
            r"|几十片|\d{2,}多?片"
            r"|\d+多片|"
            r"三十多片)(的)?{W}(药|安眠药|安定|降压药|降糖药|止痛药|布洛芬|对乙酰氨基酚|扑热息痛|阿司匹林|片)?",
            r"(吃了|吞了|喝了|服了|吃下|吞下|吃|吞){W}(\d{2,}多?|[二三四五六七八九]?十[一二三四五六七八九几]?多?|几十|[二三四五六七八九]十几)"
            r"(片|粒|颗|丸)",
            r"(把|将){W}(一整瓶|一瓶|整瓶|半瓶|一整板|一板|好几板|一整盒|一盒|整盒|好几盒|所有的?|全部的?){W}(药|片|粒|胶囊)?{W}(全|都"
            r"|一下|一口气|一次)?{g}(吃|吞|喝)(了|下|掉|光)",
            r"(药|安眠药|安定|降糖药|降压药){g}(吃多了(?!一片|一粒|半片)|吃多(?!少|了|久|长|长时间)|吃过量|过量|吃了双份{W}(晕|吐|迷糊))",
            r"(药物过量|服药过量)", r"嗑了{W}(一堆|一把|好多|很多|不知道{g}(啥|什么)){W}(药|片)",
            r"(存|攒|囤|藏|留)(的|着的|下的|了很久的|了好久的|起来的){g}(药|安眠药|药片|片){g}(都|全|全都|一下|一口气)?{g}(吃|吞|喝)(了|下|掉|光)",
        ),
        excludes=(r"((?<!当成)(?<!当作)(?<!以为是)维生素|钙片|益生菌|健胃消食|山楂|鱼油|保健品|糖丸|维C|一天{g}吃|每天|分{g}次|疗程|伤肝|伤肾|伤胃"
                  r"|伤身|副作用|依赖"
                  r"|口服液|补血|不见好|没见好|不见效|没见效)",),
        message_excludes=(VISITING,),
    ),
    RedFlagRule(  # drugs taken (嗑了药) with signs of poisoning, told in any clause
        "overdose",
        triggers=(r"嗑{g}(了)?{g}药",),
        requires=(r"(发抖|体温|高烧|烫|胡言乱语|说胡话|叫不醒|抽(?!血|烟)|心跳{g}快|昏|没反应|吐|呼吸{g}(慢|弱|停))",),
    ),
    RedFlagRule(
        "fever_stiff_neck",
        triggers=(r"(发烧|发热|高烧|烧到|烧得|烫得|体温|\d{2}(\.\d)?度|烧{g}(退不下来|不退|退不了))",),
        requires=(r"(脖子{g}(硬|僵|发硬|梗|转不动|低不下|(不能|没法|弯不|低不)(弯|低|动|转)|不让{g}(碰|摸|动)|不给{g}(碰|摸|动)|一碰就{g}(哭|叫|疼))"
                  r"|颈部?{g}(僵硬|强直)"
                  r"|颈强直|低不(了|下)头|出血点|紫斑|紫斑斑|瘀斑{W}不退|囟门{g}(鼓|凸|膨|突)"
                  r"|(紫|紫红|红紫|暗红|暗紫)色?的?{g}(点|点点|斑|疹子|疙瘩|小点){W}(不褪|不退|不消|不变白)|(按|压|摁){W}(不褪|不退|不消|不变白"
                  r"|也不褪|也不退))",),
        excludes=(r"(落枕|睡落枕|颈椎病)",),
        # a child described with these signs is ill now, whatever the parent then asks (要不要先喂点美林)
        cancels=frozenset({NEGATION, HISTORY, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "child_fever_confusion",
        triggers=(r"(发烧|发热|高烧|高热|烧到|烧得|烧的|烧了|\d{2}(\.\d)?度)",),
        requires=(KIDS, r"(迷糊|叫不醒|喊不醒|不太醒|不醒|意识|嗜睡|一直睡不醒|昏睡|胡言乱语|说胡话|不认人|不认得{g}(我|人|家里人|妈|爸)"
                        r"|认不出{g}(我|人)|看见{W}(虫子|虫|人|东西)|(墙上|屋里|天花板){W}(有虫|有人|有东西)|眼神{g}(不对|不对劲)|精神{g}(特别|很"
                        r"|极)差{W}(叫|醒)|(两眼|眼睛|眼神|眼){g}(发直|直勾勾|直直|发呆|呆滞|呆|不动)|反应{g}(慢|呆|迟钝|差)|呆呆|发呆"
                        r"|叫{g}(他|她)?{g}(不理|不应|没反应)|(都|也)?不大理人|尖叫|囟门{g}(鼓|凸|膨|突)|"
                  r"抽|惊厥|翻白眼|没反应|软绵绵{W}(叫|醒)|呼吸{g}(急促|困难)|(叫|喊|逗){g}(都|也)?不(怎么|太)?(睁眼|睁开眼|理|醒|应)"
                  r"|睁不开眼)"),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a baby under one who will not feed and breathes fast or hard, or is floppy or drowsy
        "sick_infant",
        triggers=(r"(不吃奶|没吃奶|没怎么吃奶|不肯吃奶|拒奶|喂奶{g}(也|都)?(不醒|叫不醒)|吃不进奶|奶{g}(都)?不吃|一口奶{g}(都)?没|(一天|大半天|一整天"
                  r"|一上午|一下午|一晚上"
                  r"|[\d一二两三四五六七八九十几]+个?小时){W}没{g}(吃|喝){g}(奶|东西))",),
        requires=(INFANT, r"(呼吸{g}(很快|快|急|急促|费力|费劲|困难)|喘得|喘不|鼻翼{g}(扇|煽)|三凹|肋骨{g}(凹|陷|一吸一吸)|呻吟|哼哼|蔫|没精神|"
                          r"软塌塌|软绵绵|软趴趴|哭不出声|哭都哭不出|发花|花斑|一直睡|叫不醒|不睁眼|不怎么睁眼|哭声{g}(弱|小|没力)|不哭不闹|不怎么哭"
                          r"|嘴唇{g}(发紫|青)|没尿|尿{g}(很少|特别少)|抽"
                          r"|(浑身|身上|手脚){g}冰凉|体温{g}3[0-5](\.\d)?度?(?!\d))"),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a bulging fontanelle (pressure in the head), with or without fever
        "sick_infant",
        triggers=(r"囟门{g}(鼓|凸|膨|突|顶)",),
        requires=(INFANT + r"|" + KIDS[1:-1],),
        excludes=(r"(平的|正常|没鼓|凹)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a sunken fontanelle with no urine or no feeding: a baby drying out
        "sick_infant",
        triggers=(r"囟门{g}(都)?{g}凹",),
        requires=(r"(没尿|尿{g}(很少|特别少)|一直睡|不吃|不肯吃|精神{g}差|哭不出|没眼泪|嘴唇{g}干)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a baby under one who struggles to breathe: the chest pulls in, grunting, blue lips
        "sick_infant",
        triggers=(r"(鼻翼{g}(扇|煽)|三凹征|肋骨{g}(下面|中间)?{g}(凹|陷|一吸一吸)|胸口{g}(往里)?凹|呼吸{g}(呻吟|哼哼|费力)|嘴唇{g}(发紫|青紫|发青)"
                  r"|(肚皮|肚子|胸口){g}一吸一吸|(嘴巴|嘴唇|嘴){g}(周围|一圈)?{g}(发青|发紫|青紫|有点紫))",),
        requires=(INFANT + "|" + KIDS[1:-1],),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "pregnancy_bleeding",
        triggers=(r"(出血(?!小板)|流血|见红{W}(很多|好多|大量|止不住|像月经|比月经多|比{g}月经{g}(还|都)?多|脸{g}(白|刷白|煞白|苍白)|晕|冷汗)|大出血"
                  r"|下面{g}流血|阴道{g}(出血|流血))",
                  r"(血{g}(哗哗|往下流|直流|一直流|流个不停|往外冒|往外涌|止不住)|(流|出)了{g}(好多|很多|一大滩|一滩|不少|一大摊)的?血)"),
        requires=(PREGNANT,),
        excludes=(r"(牙龈|鼻|刷牙|痔疮|一点点|少量|血丝|咖啡色)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "pregnancy_pain",
        triggers=(r"(肚子|腹部|小腹|下腹|肚皮){G}(剧痛|疼得{W}(厉害|受不了|打滚|直不起|要命|要死|晕)|痛得{W}(厉害|受不了|打滚|直不起|要命|晕)|"
                  r"一阵一阵{g}(剧痛|疼得厉害)|硬得像|特别疼|很疼很疼|绞痛)",
                  r"(破水|羊水破|羊水{g}流|胎动{g}(消失|没了|停了|感觉不到|明显减少)|感觉不到胎动|脐带{W}(掉|脱|出来|露))",
                  r"(头痛|头疼|头晕){W}(眼花|发花|眼睛花|看不清|视物模糊|抽搐|血压高|血压{g}1[5-9]\d)"),
        requires=(PREGNANT,),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # waters breaking before labour: a gush or a steady leak of fluid that is not urine
        "pregnancy_pain",
        triggers=(r"(下面|阴道|裤子|裤裆|底下){M}(流水|流出{g}水|一股{g}(水|热水|热流|液体)|哗{g}(地)?{g}(流|一下)|湿了{g}一大片|湿透"
                  r"|往外{g}(流|冒|淌){g}水|止不住{g}流)",
                  r"(羊水{g}(破|漏|流|出来)|早破水|胎膜早破|破水)", r"(不是尿|不像尿|憋不住{g}(往外)?流|控制不住{g}(往外)?流)",
                  r"(哗|一下子?|突然){g}(流出|涌出|冒出){g}(好多|很多|一股|一大股)?{g}水", r"(绿色|绿的|发绿){W}水|羊水{g}(绿|发绿)"),
        requires=(PREGNANT,),
        excludes=(r"(白带|分泌物|漏尿|尿失禁|打喷嚏|咳嗽{g}漏|穿刺|羊水{g}(少|多|偏少|偏多|指数|深度|浑浊|量)|出汗|汗)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # fewer fetal movements late in pregnancy (none felt in the first months is normal)
        "pregnancy_pain",
        triggers=(r"(胎动{M}(消失|没了|停了|感觉不到|明显减少|明显变少|特别少|很少|几乎没有|几乎感觉不到|不到{g}[0-3一二两三]次|少于{g}[0-3一二两三]次"
                  r"|只有{g}[0-2一二两]次)|(感觉不到|没感觉到|没有感觉到|摸不到|没有)胎动)",
                  r"(宝宝|孩子|胎儿|小家伙|娃|肚子里的){W}(不动了|没动|没有动|动得(很|特别|好)?少|没怎么动|没动静|没有动静|不怎么动|不动弹"
                  r"|一动不动|半天不动|不动)",
                  r"没(感觉|感到|觉得|摸到){g}(宝宝|孩子|胎儿|小家伙|娃){g}(动|踢)", r"感觉不到{g}(宝宝|孩子|胎儿|小家伙|娃){g}(动|踢)"),
        requires=(r"(胎动|胎儿|胎心|(?<![\d.])(2\d|3\d|4[0-2])周|" + PREGNANT[1:],),
        excludes=(r"(孕(1\d|[1-9])周|孕早期|孕[一二三四]个月|怀孕{g}[一二三四]个多?月|(?<![\d.])(1\d|[1-9])周|还没{g}(感觉|感受)到{g}胎动"
                  r"|什么时候{W}胎动|几周{W}胎动|第一次{g}胎动|比{W}少|胎动{g}(频繁|很多|多|厉害|很大|明显)|动得{g}(挺欢|很欢|厉害|频繁|多))",),
        message_excludes=(r"(孕(1\d|[1-9])周|孕早期|孕[一二三四]个月|怀孕{g}[一二三四]个多?月|(?<![\d.])(1\d|[1-9])周)",),
        strong_only=True,
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # pre-eclampsia: headache with visual disturbance, or a severe-range blood pressure, in pregnancy
        "pregnancy_pain",
        triggers=(r"(头痛|头疼|头晕|头胀|后脑勺{g}(疼|痛)|脑袋{g}(疼|痛)){W}(眼花|发花|看不清|模糊|重影|冒金星|闪光|眼前{g}(发黑|黑))",
                  r"(眼花|看不清|看东西{g}(模糊|模模糊糊|花|重影)|视物模糊|冒金星|眼前{g}(发黑|闪光|有闪光|亮光|冒星)){W}(头痛|头疼|头胀"
                  r"|后脑勺{g}(疼|痛)|头{g}(疼|痛))",
                  r"(血压|高压|收缩压){g}(1[6-9]\d|2\d\d)", r"(低压|舒张压){g}(1[1-9]\d)", r"血压{g}\d{3}{g}[/／]{g}(1[1-9]\d)",
                  r"量(到|出|了)?{g}(1[6-9]\d|2\d\d){g}[/／]{g}(1[0-9]\d)"),
        requires=(PREGNANT,),
        excludes=(r"(近视|度数|老花|手机|电脑|屏幕|晕车)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA, CHRONIC}),
    ),
    RedFlagRule(  # ectopic pregnancy: early pregnancy (or a late period) with one-sided or collapsing abdominal pain
        "pregnancy_pain",
        triggers=(r"(左|右|一侧|一边|单侧|半边)(边|侧)?的?(下腹|小腹|肚子|腹部|少腹|下肚子|肚皮|腰腹){M}(疼|痛|坠)",
                  r"(肚子|小腹|下腹){g}(左|右)(边|侧){M}(疼|痛)",
                  r"肛门{g}(坠|下坠|坠胀|往下坠|憋)",
                  r"(肚子|下腹|小腹|腹部){M}(疼|痛){W}(晕倒|晕过去|昏过去|冷汗|虚汗|眼前{g}(发黑|黑)|脸{g}(白|苍白|煞白|刷白))"),
        requires=(PREGNANT + r"|验孕棒|验孕|早孕试纸|试纸{g}(两道|两条|阳性)|两道杠|两条杠",
                  r"(剧|厉害|受不了|直不起|打滚|要命|撕裂|刀割|刀绞|越来越|晕|冷汗|虚汗|脸{g}(白|苍白|煞白)|肛门|坠胀"
                  r"|想{g}(大便|拉屎|上大号)|便意)"),
        excludes=(r"(宫内|隐隐|偶尔|有点|一点|稍微)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # postpartum haemorrhage: heavy lochia or bleeding in the weeks after a birth
        "postpartum_bleeding",
        triggers=(r"恶露{M}(突然|变多|很多|好多|特别多|非常多|增多|多起来|多了起来|哗哗|湿透|血块|止不住|比月经{g}多|像{g}(月经|小便|尿|水"
                  r"|流水)|一股一股)",
                  r"(出血|流血|流的血|出的血|血){M}(很多|好多|特别多|非常多|止不住|不止|湿透|比月经{g}多|一大滩|哗哗|往下流|直流|一块一块"
                  r"|一股一股)",
                  r"(大量|大)出血|(流|出)了{g}(好多|很多|一大滩|一滩|不少|一大摊)的?血",
                  r"血块{M}(鸡蛋|拳头|巴掌|一块一块|往外|掉|好多|很多)",
                  r"(血{g}(流得|出得|淌得){W}(开了闸|开闸|水龙头|止不住|像水|像尿|哗哗)|(涌|冒|喷|淌)出{g}(来)?{g}(一大股|一股|一大摊|好多|很多)?的?血"
                  r"|一大股{g}血|一股一股{g}的?血)",
                  r"((一|半|一个)(小时|个钟头){W}(换|湿透)|(垫子|卫生巾|护垫|产褥垫|床单|裤子|褥子){W}(湿透|全是血|都是血|全湿))"),
        requires=(POSTPARTUM,),
        excludes=(r"(一点点|一点|少量|血丝|褐色|咖啡色|淡红|淡淡|渗血|伤口|刀口|牙龈|鼻|痔疮|乳头)",),
        message_excludes=(LONG_AFTER_BIRTH,),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # concealed postpartum haemorrhage: signs of blood loss in the days after a birth
        "postpartum_bleeding",
        triggers=(r"(冷汗|虚汗|眼前{g}(发黑|黑)|晕倒|晕过去|昏过去|站不住|站不稳|脸{g}(煞白|苍白|白得))",),
        requires=(POSTPARTUM, r"(头晕|心慌|心跳{g}快|晕|眼花|眼前|没力气|乏力|出血|流血|恶露|血)"),
        excludes=(r"(蹲|起身|喂奶|哺乳|涨奶|胀奶|盗汗)",),
        message_excludes=(LONG_AFTER_BIRTH,),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA, CHRONIC}),
    ),
    RedFlagRule(
        "suicide",
        triggers=(
            r"(不想当人了|去天堂|再见了?这个世界|(自杀|轻生|寻死|寻短见|死掉|想去死|一死了之|一走了之|再也不{g}醒|不想{g}拖累|这辈子{g}就?{g}(到这"
            r"|到此|到头|这样吧)|(准备|打算|要)跳了|窗户{g}(已经)?{g}打开了{W}跳|(发|留|写)(了|下|好)?{g}遗(言|书)"
            r"|(想|要)从{W}(楼上|楼顶|天台|桥上|窗户|这里|这儿|上面)"
            r"{g}跳|(天台|楼顶){W}不想下|(楼顶|天台|桥上|江边|河边|窗台){W}(不想再|撑不|活够|再见|结束|跳下去)|不想再{g}(撑|坚持|熬|扛|活)"
            r"|写好{g}遗书|遗书{g}(写好|写完|都写|放在|留|写在)|(今晚|今天|明天)就{g}(结束|走了|了结)|药{g}(都)?攒好|(想|打算|准备"
            r"|干脆)[^。？吗]{0,6}(一次|一口气|一下){g}(吃完|吃光|吞完|全吞)(?![^。]*(吗|还是))|(药|安眠药){W}攒|攒{W}(药|安眠药)|一次(全|都)吃"
            r"|一口气全吃|不想活"
            r"|活着没意思|活着没意义|活着{g}(没什么意思|有什么意思|太累了没意思)|活不下去|想死|死了算了|"
            r"死了就好了|一了百了|结束{g}(自己|生命|这一切)|了结{g}(自己|生命)|去死|不如死|跳楼|跳河|跳江|上吊|割腕|"
            r"安眠药{M}(攒|存|一次吃|全吃)|(攒|存)了?{g}(一瓶|很多|好多|一堆)?{g}安眠药|写好了遗书|写遗书|想消失|离开这个世界))",
        ),
        excludes=(r"(想死(你们|你|我|他|她|大家)(了|啦|啊|呀|咯|$)|想死了你|笑死|累死|热死|烦死|饿死|困死|气死|吓死|急死|忙死"
                  r"|冷死|"
                  r"馋死|撑死|疼死|痒死|美死|乐死)(?!.*不想活)",
                  r"(预防|防止|干预|热线|科普|讲座|论文|研究|课题|防自杀|{STORY}|(跳楼|自杀|轻生|割腕)的人)",
                  CRISIS_DENIED, ANNOYED_TO_DEATH, STUDY,
                  # someone who died so years ago (我表哥前几年是自杀走的): grief, not a crisis now
                  r"(前几年|几年前|\d+年前|[一二两三四五六七八九十几]+年前|去年|前年|那年|当年|以前|之前|小时候)[^。]{0,8}(自杀|跳楼|上吊|割腕|喝农药|轻生)"
                  r"{g}(走|死|没|去世)的"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # passive and indirect suicidal talk: being a burden, a life not worth living, wanting release
        "suicide",
        triggers=(
            r"(我|俺|自己)(要是|如果|假如|哪天|哪一天|真的|早点|早就)?{g}(不在了|走了|没了|死了|消失了|离开了|不在这个?世上|不在这个?世界"
            r"){W}(大家|家里人|家人|他们|你们|孩子们|孩子|儿女|老伴|全家|家里|谁|就)?{W}(轻松|解脱|好过|省心|省事|清净|过得{g}好|更好|不用"
            r"|没人在乎|没人难过|没人会|不会难过|不会有人)",
            r"没有(我|俺){W}(他们|家里|大家|家人|你们|孩子|儿女|老伴|全家){W}(更好|轻松|好过|省心|省事|解脱|过得{g}好)",
            r"(大家|家里|他们|你们|家人|全家|孩子|宝宝)(都)?{g}没有(我|俺){g}(会|才)?{g}(过得)?{g}(更好|更轻松|更开心|好过)",
            r"(说|念叨|讲)(他|她|自己)(要是|如果|哪天)?{g}(不在了|走了|没了|死了|消失了){W}(大家|家里人|家人|我们|你们|孩子|全家|家里|谁|就)?{W}"
            r"(轻松|解脱|好过|省心|省事|清净|过得{g}好|更好)",
            r"活着{g}(就是|只会|也是|就|只是|纯粹|简直|是|真是|也就是)?(个|一种)?{g}(拖累|累赘|负担|给{W}添麻烦|添麻烦|受罪|遭罪|活受罪"
            r"|折磨|浪费|多余|煎熬)",
            r"活起{g}(莫得|没得|没有|没)意思|活着{g}(莫得|没得)意思|(一道|一起|一块)走了算了|睡过去{g}(不|别)醒|活着(真|真的|实在|太|还)?(没意思"
            r"|没意义|没劲|没盼头|没希望|没奔头|有啥意思|有什么意思|有啥意义|有什么意义|有啥用|有什么用"
            r"|有啥盼头|干啥|干什么|图啥|图什么)|活够了|不想再活|不想活下去",
            r"(要|想|也想|打算)跟着{g}(她|他|老伴|老伴儿|老头子|老婆子|我妈|我爸)?{g}(去|走)(?!看|玩|学|旅|吃|逛)|"
            r"(想|只想|就想|彻底|永远|早点|早日|希望|求){g}解脱|(?<![他她它])死{g}(了)?{g}(是|就是|才是|也是)?{g}(一种)?解脱",
            r"(?<![他她它])死了{g}(就)?{g}(不用|不必|轻松|清净|省心|百了|一了百了)",
            r"(消失|不在|死){g}(了)?{W}(也)?(没人在乎|没人会{g}(难过|伤心|发现|在意)|没人发现|没人管|不会有人{g}(难过|在乎|发现))",
        ),
        excludes=(CRISIS_IDIOMS, r"(预防|防止|干预|热线|科普|讲座|论文|研究|课题|{STORY})", CRISIS_DENIED,
                  r"(让他|让她|让老人|安乐死)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # wishing not to wake up (not a lie-in)
        "suicide",
        triggers=(r"(不想|不愿意|不愿|别再|希望|但愿|巴不得)(再)?{g}醒(过来|来)|睡(过去|着){g}(就)?(再也)?(别|不要|不用){g}醒|再也别{g}醒",),
        excludes=(CRISIS_IDIOMS, r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(赖床|起床|上班|上学|睡到|懒觉|周末|闹钟|假期|放假|午觉|麻醉|全麻)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # hoarding tablets (not a household medicine stock)
        "suicide",
        triggers=(r"(囤|藏|偷偷{g}(攒|存|留))(了|着)?{W}(安眠药|安定|镇静药|药片|好多药|很多药|一堆药|一抽屉)",
                  r"(攒|囤|存|藏)(了|着)?{g}(药|安眠药|药片){W}(够了|够数|一次|走|死|结束|了断)"),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(退烧|感冒|布洛芬|疫情|阳了|备用|药箱|过期|保质期|存放|保存|冰箱|总爱|老爱|怕{g}(他们|他|她|老人){g}吃多|开多少)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # putting one's affairs in order (not a terminally ill or very old relative's planning)
        "suicide",
        triggers=(r"((交代|安排|交待|嘱咐){g}(好|完)?{g}(了)?{g}后事|后事{g}(都|也|已经)?{g}(交代|交待|安排|准备|嘱咐|说)(好|清楚|完))",),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(晚期|癌|病危|临终|医生|大夫|时日不多|没几天|ICU|抢救|寿衣|墓地|殡仪|丧事|墓|葬|遗体|捐献|提前|爸|妈|爷|奶|外公|外婆"
                  r"|姥|老人|公公|婆婆|父亲|母亲|[6-9]\d岁|[六七八九]十(多)?岁)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # farewells (not leaving hospital, a job or a town)
        "suicide",
        triggers=(r"(永别|诀别|来生再见|下辈子再见|下辈子见|来世再见|最后{g}(一次|一条){W}(消息|留言|告别|道别)|(跟|向|和)(这个世界|世界){g}(告别"
                  r"|道别|说再见))",
                  r"(跟|向|和)(大家|你们|家人|所有人|亲人|孩子们){g}(告别|道别|说再见|说声再见|说一声再见){W}(以后|再也|不会|最后|永远|下辈子)"),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(出院|毕业|退休|离职|辞职|搬家|转院|调走|出国|旅游|回老家|下班|考完|交完|终于)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # giving one's things away or settling them, with an end in view (游戏号都送人了 以后用不到了)
        "suicide",
        triggers=(r"(东西|存款|钱|银行卡|密码|猫|狗|宠物|游戏号|账号|手办|衣服|书|收藏){W}(都|全)?(安排好|送人|送掉|交代好|留给|托付|转给|转到)",
                  r"(不用|不会|不必)再{g}(麻烦|拖累|打扰|连累)(大家|你们|家里|别人|谁)",
                  r"(不用|不要)再{g}(给我)?{g}(发|提醒|联系){W}(不会再需要|不需要了|用不到|用不着)",),
        requires=(r"(以后{g}(用不到|用不着|不需要|不用)|不用再|不会再|不必再|最后|再也|不在了|走了|这个周末|过了{W}就|找不到|联系不上|不接|关机"
                  r"|天堂|下线)",),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(出院|毕业|退休|离职|辞职|搬家|转院|调走|出国|留学|旅游|回老家|出差|结婚|怀孕|生孩子|断舍离|换新)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # going up to the roof after talk of the end, or threatening a death together
        "suicide",
        triggers=(r"(一个人|自己|偷偷)?{g}(上|去|爬)了?{g}(天台|楼顶)|(人|他|她)?{g}(已经)?在{g}(楼顶|天台|桥上|大桥上|江边|河边|阳台)",
                  r"(跟|和)(我们|你们|全家|孩子|他们|我){g}(一起|一块){g}死|同归于尽|开煤气{W}(死|一起)"),
        requires=(r"(不想活|活着|太累|想死|交代|遗书|遗言|再见|撑不|一起|同归于尽|死|下线|不想当人|定位|跟谁说|没人{g}(说|理|懂|在乎)|不想下|不下去"
                  r"|不(晓得|知道)为(啥|什么)|不想回|对不起|更好)",),
        excludes=(r"(晾|晒|收衣服|修|检修|干活|看风景|拍照|乘凉)",),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # settling passwords and the children's future after talk of being tired of living
        "suicide",
        triggers=(r"交代{W}(存折|密码|银行卡|孩子|后事|房子|保险)",),
        requires=(r"(活着|天台|楼顶|不想|太累|走了|以后|撑不)",),
        excludes=(r"(出差|出国|住院|手术|体检|晚期|癌|病危)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # the gas turned on, with talk of going together or ending it
        "suicide",
        triggers=(r"(煤气|燃气|天然气){g}(已经)?{g}(开了|打开了|放开了)",),
        requires=(r"(走了算了|一起|一道|一块|不想|死|算了|活)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # a goodbye note: 对不起大家 以后照顾好自己 我先走了
        "suicide",
        triggers=(r"(照顾好自己|好好活着|替我照顾|帮我照顾好|照顾好(弟弟|妹妹|爸爸|妈妈|孩子|爸妈|家里)|别找我|不要找我|对不起大家|对不起你们"
                  r"|对不起爸妈|下辈子|来世"
                  r"|拜拜大家|再见了大家)",),
        requires=(r"(我{g}(先)?走了|再见|永别|最后|不在了|离开|别了|别找我|不要找我|打不通|联系不上|不接|关机|我爱你)",),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED,
                  r"(出院|毕业|退休|离职|辞职|搬家|转院|调走|出国|旅游|回老家|下班|出差|上班|开会|睡了|晚安)"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # someone who said goodbye, shut themselves in and does not answer
        "suicide",
        triggers=(r"(跟|给|和|对)(我|我们|大家|家里|家人|他|她|妈|爸)[^，。]{0,3}(说|发)[^，。]{0,4}(再见|永别|告别|对不起|别了|遗言)",),
        requires=(r"(锁|反锁|关{g}(门|屋|房)|不接|不回|联系不上|找不到|打不通|关机|没动静)",),
        excludes=(r"(出院|毕业|退休|离职|搬家|出国|旅游|回老家|下班|出差|上班|开会)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # "can't go on" with hopelessness
        "suicide",
        triggers=(r"((撑|熬|坚持|扛|挺)不下去|(撑|熬|坚持|扛)不住了|坚持不了了|熬不过去了|过不下去了)",),
        requires=(r"(没希望|没有希望|看不到{g}希望|看不到{g}头|没盼头|没奔头|绝望|解脱|活着|没意思|没意义|没人在乎|没人需要|不如死|没出路|再见|谢谢你们"
                  r"|没有出路|走投无路|活不活|生不如死|不想再|拖累|累赘|负担)",),
        excludes=(r"(工作|上班|学习|考试|减肥|戒烟|陪读|加班|复习|生意|房贷|创业|比赛|训练)",
                  r"(预防|防止|干预|热线|科普|讲座|{STORY})"),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # "I am a burden to my family" together with talk of death or disappearing
        "suicide",
        triggers=(r"(我|俺|自己)(就是|是|成了|简直是|只是|就是个|是个)?{g}(家里|全家|家人|儿女|孩子|大家|别人|多余){g}的?(拖累|累赘|负担|包袱"
                  r"|人)?",),
        requires=(r"(不如|还不如|死|走了|不在了|没有我|活着|消失|解脱|没意思|没意义|想不开|了断|一了百了|不想活|离开)",
                  r"(拖累|累赘|负担|包袱|多余)"),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY}|医保|报销|费用|多少钱|能报)",),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # preparing the means (charcoal, a rope, pesticide) with talk of dying or ending it
        "suicide",
        triggers=(r"(买|准备|备|藏|找)(了|好)?{g}(木炭|炭|绳子|麻绳|农药|敌敌畏|百草枯|老鼠药|刀片)|烧炭|关{g}门{g}(烧|点){g}炭"
                  r"|(木炭|绳子|麻绳|农药|敌敌畏|百草枯|老鼠药|刀片){g}(都|也|已经)?{g}(买|准备|备|藏)(好|了)|炭{g}(都|也|已经)?{g}(买|准备|备)好了"
                  r"|(炭|炭盆|炭火){g}(已经)?{g}(点上|点着|烧上|生起)了|关在{W}烧了?{g}炭|(绳子|绳){g}(已经)?{g}(挂好|系好|套好|绑好)"
                  r"|(刀|刀片|绳子){g}(都|也|已经)?{g}(拿|握|攥|架)?在(手上|手里|脖子)|(手里|手上){g}(拿着|握着|攥着){g}(刀|刀片|绳子)|(药|绳子|炭|刀"
                  r"|刀片){g}(都|也|已经)?{g}准备好了"
                  r"|(安眠药|药片|药){g}(全部|全|都){g}(倒|拿|翻)(出来|了出来)"
                  r"|(农药|敌敌畏|百草枯|老鼠药|安眠药|绳子|刀片){g}(找出来|拿出来|翻出来|放{g}(床头|枕头|身边|手边|桌上))",),
        requires=(r"(不想活|活着|解脱|结束|了断|一了百了|没意思|没意义|受够|遗书|再也|死|走了|(我|俺)就{g}走|不在了|离开|拖累|烧炭"
                  r"|跟着{g}(去|走)|劝{g}(不听|不住)|念叨|封(上|住|死|好)|胶带|挂好|系好|套好|后悔|关在|emo|抑郁|崩溃|撑不|绝望|割|划|意思|抢|累了"
                  r"|不想当人|没有(我|俺)|更好"
                  r"|忍(不住|多久|不了))",),
        excludes=(r"(烧烤|烤肉|火锅|取暖|暖和|火盆|烤火|冬天|打虫|杀虫|除草|庄稼|果树|蔬菜|菜地|园子|地里|灭鼠|老鼠多|耗子|蟑螂|钓鱼|晾衣|捆|搬家|中毒了"
                  r"|误服|误喝|吃了|喝了|预防|防止|干预|热线|科普|{STORY})",),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # a parent who would jump with the child
        "suicide",
        triggers=(r"(带着|带上|抱着|和|跟|领着)(孩子|娃儿?|宝宝|儿子|女儿|闺女|小孩){W}(跳下去|跳楼|跳河|跳江|一起死|去死)",),
        excludes=(r"(预防|防止|干预|热线|科普|{STORY})", CRISIS_DENIED),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(  # a parent speaking of taking the child along
        "suicide",
        triggers=(r"(带着|带上|抱着|和|跟|领着)(孩子|娃|宝宝|儿子|女儿|闺女|小孩){g}(一起|一块|一块儿)?{g}(走|去死|死|离开这个世界|跳|了断|解脱"
                  r"|结束|离开(?!医院|病房|这里|这儿|家|老家|单位|城市))(?!路|亲戚|出去|玩|逛|走走|看看)",),
        # after a birth the words alone are enough: perinatal depression or psychosis, a risk to mother and child
        requires=(r"(不想活|活着|解脱|结束|了断|一了百了|没意思|没意义|撑不下去|熬不下去|死|离开这个世界|受够|绝望|没希望|跳"
                  r"|产后|坐月子|月子里|刚生完|生完孩子|生了孩子以后|生完娃)",),
        excludes=(r"(走亲戚|走走|散步|逛|旅游|出门|回娘家|回老家|搬走|离婚|出院|预防|防止|干预|热线|科普|{STORY})",),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(
        "self_harm",
        triggers=(r"手腕{W}(划|割)了?{g}(好几|几|一|很多)道|(划|割)了?{g}(好几|几|很多|好多)道{W}(血|停不下来|口子)|(手腕|胳膊|手臂){W}(用"
                  r"|拿)刀{g}(割|划)|(自残|自伤|伤害自己|划自己|割自己|把自己{W}(划|割|烫|戳)|划手腕|割手腕|(我|他|她)?{g}(割|划)了{g}(手腕|腕子)"
                  r"|拿刀{g}(划|割){g}自己|(拿|用){g}(刀|刀片|玻璃){g}(划|割)了?{g}(胳膊|手臂|手腕|腿)|撞墙{W}(停不下|头破)|烫自己|掐自己)",),
        excludes=(r"(预防|防止|科普|讲座|新闻|电视剧|电影|小说|从来没|没有过)", STUDY),
        message_excludes=(VISITING, TAKEN_BACK),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    # ---- what a triage nurse adds ----
    RedFlagRule(  # hypoglycaemia on insulin or tablets: sweating with shaking, a dark vision or confusion
        "diabetic_emergency",
        triggers=(r"(胰岛素|降糖药|格列|二甲双胍{W}(过量|吃多))",),
        requires=(r"(冷汗|大汗|出汗|虚汗|一身汗|满头{g}汗)",
                  r"(抖|哆嗦|心慌|眼前{g}(发黑|黑)|迷糊|答非所问|答不上来|眼神{g}直|费劲|糊涂|叫不醒|喊不醒|晕|不清醒|说胡话)"),
        excludes=(r"(怎么|如何|预防|注意|平时|以前|上次|以后|好了|减量|过一回|过一次)",),
    ),
    RedFlagRule(  # heat stroke: hot and dry after heat exposure, with confusion or collapse
        "heat_stroke",
        triggers=(r"(中暑|热射病|晒了{W}(半天|一天|大半天|一上午|一下午)|(太阳|日头){g}底下|高温{W}(干活|作业|训练)|大热天|闷热|干活|军训"
                  r"|训练|跑步|楼顶|工地|地里|热到晕)",),
        requires=(r"(滚烫|烫得|发烫|好烫|很烫|高烧|体温{g}(4\d|39))",
                  r"(不出汗|没汗|没出汗|说胡话|胡言乱语|胡说八道|乱说话|说话乱|糊涂|叫不醒|喊不醒|抽|晕倒|倒地|倒在|倒了|站不起来|不认人|答非所问)"),
    ),
    RedFlagRule(  # hypothermia: cold, with a dimmed mind or clumsy limbs (an old person lost outdoors, an unheated room)
        "hypothermia",
        triggers=(r"(冻得|冻了|冷得|冻僵|雪地|身上冰凉|浑身冰凉|身上冰冷|浑身冰冷|失温|体温{g}(只有|才)?{g}(3[0-4]|二十[几九八]"
                  r"|三十[一二三四]?)(\.\d)?度?(?![\d.]))",),
        requires=(r"(迷糊|糊涂|反应{g}(差|慢|迟钝)|不听使唤|叫不醒|说胡话|意识|站不起来|不说话|整不明白|说不明白|说话{g}不清|不哆嗦|硬了|僵了|(还有"
                  r"|只有)一点气|一晚上|一夜|一整夜)",),
        excludes=(r"(空调|冰箱|冰淇淋|手脚冰凉{g}(多年|好几年|老毛病))",),
    ),
    RedFlagRule(  # heat exhaustion turning to heat stroke: no more sweat, with a faint, cramps or confusion
        "heat_stroke",
        triggers=(r"(热得|热到|中暑|太阳{g}底下|高温|太热|晒)",),
        requires=(r"(不出汗|没汗|没出汗)", r"(晕|抽|迷糊|糊涂|说胡话|站不起来|倒)"),
    ),
    RedFlagRule(  # a birth that will not wait: the head is showing, no time to reach hospital
        "pregnancy_pain",
        triggers=(r"(看到|看见|露出|摸到|出来)了?{g}(宝宝|孩子|娃)?的?头|头{g}(出来|露出来)了|来不及{g}(去|到|送)?{g}医院"
                  r"|(要|快)生了{W}(来不及|在家|车上|路上)",),
        requires=(PREGNANT + r"|阵痛|宫缩|羊水|破水|生了|要生",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a blow to the belly with signs of bleeding inside (pale, sweating, faint)
        "major_trauma",
        triggers=(r"(撞|踢|砸|摔|压|顶|碰)(到|在|了|伤)?{W}(肚子|腹部|左上腹|肋骨|腰)",),
        requires=(r"(脸色?{g}(发白|苍白|煞白|白)|冷汗|虚汗|头晕|晕|眼前{g}(发黑|黑)|心慌)", r"(疼|痛)"),
        excludes=(r"(有点|一点|隐隐|好多了|不疼了|没事)",),
    ),
    RedFlagRule(  # rabies: weeks after a dog or cat bite, a fear of water or wind with spasms or agitation (the bite is past by nature)
        "seizure",
        triggers=(r"(狗|猫|蝙蝠){g}(咬|抓|挠)",),
        requires=(r"(怕水|恐水|怕风|见水{g}(害怕|就抽))", r"(抽|发疯|狂躁|乱叫|流口水|吞不下)"),
        cancels=frozenset({NEGATION, MEDIA}),
    ),
    RedFlagRule(  # any snake bite with swelling, bruising or a general sign
        "major_trauma",
        triggers=(r"(蛇|长虫){g}咬",),
        requires=(r"(肿|发黑|发紫|头晕|眼花|出血|流血|麻|呼吸|眼皮|看东西|模糊|说话)",),
        excludes=(r"(狗|猫|宠物|纪录片|视频|怎么|如何|预防|咋个?|先问)",),
    ),
    RedFlagRule(  # intussusception: redcurrant-jelly stools in a small child with bouts of crying
        "sick_infant",
        triggers=(r"(果酱|果冻|红果酱|草莓酱)(样|一样|似的|色)?的?{g}(血便|大便|便便|屎|粑粑)|(血便|大便|便便|拉的){W}(果酱|果冻)",),
        requires=(KIDS,),
    ),
    RedFlagRule(  # after an electric shock, a child who goes quiet or still
        "electric_shock",
        triggers=(r"(不哭|不动|没反应|叫不醒|不醒|抽|发黑|脸发白|心跳{g}(乱|快|慢))",),
        requires=(r"(插座|电线|电门|漏电|电闸|触电|被电|电到)",),
        excludes=(r"(静电|电蚊拍|理疗|电疗)",),
    ),
    RedFlagRule(  # someone locked in who does not answer, with blood, pills or a farewell
        "suicide",
        triggers=(r"(锁|反锁|关)在?{W}(敲门|叫|喊|打电话|拍门){g}(也|都)?(不应|不开|没反应|没动静|不接|没人应|不理)",
                  r"门缝{W}(血|烟|炭味|煤气味)", r"(锁|关)在?{W}(喊|叫|敲){g}不开门"),
        requires=(r"(血|药|遗书|遗言|刀|不想活|想死|烧炭|炭|煤气|味道|再见|对不起)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(
        "head_injury",
        triggers=(r"(后脑勺|后脑|脑门|额头|脑袋){g}(流血|出血|破了)", r"踢{W}(头|脑袋)",
                  # a fall, then blood from the ears or nose (没戴头盔: the gap may hold a 没)
                  r"(摔|撞|车祸|跌|栽)[^。！？；]{0,12}(耳朵|鼻子)[^。！？；]{0,4}(流血|出血)",
                  r"(摔|撞|磕|砸|打(?!从)|碰|跌|掉|滚){W}((?<![闷埋低点摇回抬转扭调带])头|脑袋|后脑|脑门|额头"
                  r"|头部)", r"(头|脑袋|后脑勺|头部){g}(撞|磕|摔|砸|着地|破)"),
        requires=(r"(吐|呕|昏|晕过去|晕倒|意识|叫不醒|喊不醒|抽|流血{g}不止|(耳朵|鼻子){W}(流血|出血|流水)|鼻子{g}流{g}(清水|水)|一直问{g}同一|重复问|"
                  r"瞳孔|不清醒|说胡话|胡言乱语|颠三倒四|嗜睡|一直睡|想睡|很困|犯困|迷糊|不认人|记不起|想不起|头痛{g}(加重|越来越)"
                  r"|越来越疼)",),
        excludes=(r"(起了{g}包|鼓了{g}包|一个包)(?!.*(吐|昏|晕过去|意识|抽|迷糊))",),
    ),
    RedFlagRule(  # a fall (off a bed, down stairs) followed by repeated vomiting or drowsiness: a head injury until shown otherwise
        "head_injury",
        triggers=(r"(摔|跌|掉|滚)(下|到|了){g}(床|楼梯|沙发|椅子|桌子|楼|台阶)", r"(床|楼梯|沙发|椅子|桌子|台阶|高处)上?{g}(摔|跌|掉|滚)(下来|下去|了)"),
        requires=(r"(吐{g}(好几|几|两|三|\d)(次|回)|吐了好几|一直{g}(想睡|睡)|嗜睡|叫醒{g}又睡|叫不醒|喊不醒|抽(?!血|烟|屉)|意识|不认人)",),
    ),
    RedFlagRule(  # a headache with vomiting and failing sight, speech or mind
        "worst_headache",
        triggers=(r"(头|脑袋|脑壳|后脑勺){g}(疼|痛)",),
        requires=(r"吐", r"(看不清|看不见|视物模糊|重影|迷糊|糊涂|说话{g}(不清|含糊)|脖子{g}(硬|僵)|抽(?!血|烟)|打滚)"),
        excludes=(r"(晕车|晕船|宿醉|喝多|偏头痛{W}(老毛病|多年))",),
    ),
    RedFlagRule(
        "worst_headache",
        triggers=(r"(头|脑袋|后脑勺|后脑|脑壳){M}(痛|疼)", r"(头|脑袋|后脑勺|后脑|脑壳){W}像{g}被{W}(棍子|锤子|棒子|砖头|闷棍|人){W}(打|敲|砸)"),
        requires=(r"(从来没{g}这么{g}(疼|痛|难受|厉害)?过?|这辈子最|到爆|一辈子最|前所未有|从没{g}这么{g}(疼|痛|难受|厉害)?过?|像{g}(炸开|要炸|爆炸"
                  r"|裂开|劈开|被打了一棍)|炸裂|"
                  r"要裂开|突然{g}剧烈|剧烈{g}(头痛|头疼)|突然{W}(最|特别){g}厉害|最厉害的一次|要炸|炸开|欲裂|这辈子{g}没{g}这么{g}(疼|痛|难受|厉害)?过?"
                  r"|像{g}被{g}(棍子|锤子|棒子|砖头|人){g}(打|敲|砸))",),
        excludes=(r"(偏头痛{W}老毛病|熬夜|喝酒后|宿醉|感冒)",),
    ),
    RedFlagRule(
        "diabetic_emergency",
        triggers=(r"(血糖|低血糖|高血糖|糖尿病|胰岛素|降糖药)",),
        requires=(r"(迷糊|糊涂|答非所问|转不过(来|弯)|打字{g}(都)?费劲|脑子{g}(不转|转不动|木了)|叫不太醒|喊不太醒|意识|叫不醒|喊不醒|不清醒|不太清醒"
                  r"|神志|说话{g}(含糊|不清|大舌头)|呼吸{g}(很深|深大|又深又长)|说胡话|胡言乱语|昏迷|昏过去|晕倒|晕过去|抽(?!血|烟|空|奖|签|屉|查|样)"
                  r"|不认人|反应{g}(慢|迟钝)|烂苹果"
                  r"|呼吸{g}(深快|又深又快)|"
                  r"测不出|爆表|HI|高出{g}范围|打不醒)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # a very low sugar with symptoms
        "diabetic_emergency",
        triggers=(r"血糖{M}([0-1](\.\d)?|2(\.[0-8])?|一点[一二三四五六七八九\d]|两点[一二三四五六七八\d]|零点)(?![\d.])",),
        requires=(r"(冷汗|出汗|手抖|发抖|心慌|迷糊|糊涂|转不过|说话|晕|没劲|意识|费劲)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "vision_loss",
        triggers=(r"(突然|忽然|一下子|猛地){W}(看不见|看不到|看不清|失明|瞎了|一片黑|视力{g}(下降|没了|丧失)|眼前{g}(一片黑"
                  r"|发黑{W}看不见|黑幕|幕布|遮挡|挡住|"
                  r"窗帘|帘子))",
                  r"(左眼|右眼|一只眼|一个眼|一边眼睛){g}(什么|啥)(都|也)?看不(见|到)了",
                  r"(突然|忽然){W}视物{g}(如|像){g}被?{g}(幕布|帘子|窗帘|东西){g}(遮|挡)",
                  r"(一只眼|一个眼|左眼|右眼|双眼|两只眼|眼睛){g}(视力)?{g}(突然|忽然|一下子){g}(看不见|看不到|失明|黑了|没了|黑一片|一片黑"
                  r"|啥都看不见|什么都看不见|模糊一片)",
                  r"(石灰|84|消毒液|硫酸|盐酸|烧碱|碱|强酸|化学|洁厕|清洁剂|水泥){W}(溅|进|弄|喷){g}(到|进)?{g}眼"),
        excludes=(r"(蹲|站起来|起身|眼前发黑一下|一会儿就好|几秒|近视|老花|度数|配眼镜|手机|电脑|屏幕)",),
    ),
    RedFlagRule(
        "choking",
        triggers=(r"((喉咙|嗓子|气管){g}卡(了|住)|噎住|噎着|卡住|卡在{g}(喉咙|嗓子|气管)|呛住|呛到|堵住{g}(喉咙|嗓子|气管)|异物{g}(卡|进){g}气管|气管异物)",),
        requires=(r"(喘不|不能呼吸|没法呼吸|呼吸困难|说不出话|发不出声|不会哭|哭不出|不出声|掐着脖子|脸{g}(发紫|憋紫|发青|紫了|青了)|嘴唇{g}(发紫|紫)|咳不出"
                  r"|憋得|"
                  r"上不来气|气管|翻白眼|没反应|窒息)",),
    ),
    RedFlagRule(
        "drowning",
        triggers=(r"(溺水|淹着了|淹水了|(水里|河里|池里|塘里|湖里|江里|井里|泳池|游泳池|水库|海里|澡盆|浴缸|水缸|河|塘){W}(捞|救|拉|拖)(上来|出来"
                  r"|起来)|栽进{g}(澡盆|浴缸|水缸|水里|河|塘)|沉下去|沉底|冰窟窿?|(捞|救)(上来|起来|出来){g}(不哭|不动|没气|不喘气|没反应|没意识"
                  r"|嘴唇{g}(白|紫|青))|掉{g}(进|到|下)?{g}(水里|河|池|塘|湖|江|井|泳池|河|池|塘|湖|江|井|泳池)|落水|被水淹"
                  r"|呛水{W}(没反应|昏|叫不醒|不醒|喘|呼吸))",),
        excludes=(r"(手机|钥匙|东西|包|戒指|掉进水里的手机)",),
    ),
    RedFlagRule(
        "electric_shock",
        triggers=(r"(触电|被电击|被电到|被电打|电击伤|被雷劈|雷击|被电了{W}(晕|倒|昏|黑|烧|不动|没反应))",
                  r"(插座|电线|电门|漏电|电闸|高压线|电源|电箱){W}(被电|电了|电到|电着|触)", r"(被|让|叫|遭)[^，。！？；]{0,3}(高压)?电{g}(打|击)(了|到|中)?",
                  r"被电{g}(电到|电着|打到)"),
        excludes=(r"(静电|电了一下(?![^。]*(不哭|不动|没反应|晕|叫不醒|不醒|抽|发黑|烧|心慌|心跳))|麻了一下|麻麻的|电蚊拍|电击治疗|电疗|理疗|电针"
                  r"|电击除颤器)",),
    ),
    RedFlagRule(
        "major_burn",
        triggers=(r"(烧伤|烫伤|烧着|着火|火烧|被火|开水|热油|热水|蒸汽|炸伤|硫酸|烧到|烫到|烫了|烧了|烧黑|烧焦)",),
        requires=(r"(大面积|一大片|全身|半个身|半身|整个{g}(胳膊|腿|背|后背|胸口|肚子|脸)|满脸|整张脸|着火|火灾|失火|起火|爆炸|炸了|皮都{g}(掉|烂|脱|焦)|"
                  r"焦了|发黑|好大一片|呼吸道|吸入|嗓子{g}(哑|肿)|眼睛{g}(烫|烧|伤|睁不开|看不清|看不见))",),
        # a scald on a hand or a foot is for the emergency room, not a red flag (the face counts with the airway or eyes)
        excludes=(r"(手指|指头|一点点|一小块|硬币大|指甲盖|小水泡|晒伤|晒|脚面|脚背|手背|手掌|手心|脚底|手腕|脚踝|脚趾)",),
        local_excludes=(r"(烧到|烧了|烧得){g}(3[5-9]|4[0-2])(\.\d)?度?",),  # a fever's reading (烧到39度 全身酸痛)
    ),
    RedFlagRule("major_burn", triggers=(r"(大面积|一大片|全身){g}(烧伤|烫伤)",)),
    RedFlagRule(
        "elderly_fall",
        triggers=(r"(摔|跌|滑|绊){g}(倒|了|跤)", r"(倒在地上|倒地)"),
        requires=(r"(起不来|站不起来|爬不起来|在地上躺了|躺了{g}(一夜|一晚|一宿|半天|一上午|一下午)|(腿|脚|下半身|身子|人|腰){g}(动不了|不能动)"
                  r"|动弹不得|腿{g}(变短|外旋|歪)|大腿根{W}(疼|痛)|髋{W}(疼|痛))",),
    ),
    RedFlagRule(
        "acute_abdomen",
        triggers=(r"(肚子|腹部|肚皮){M}(硬得像{g}(木板|板|石头)|板一样硬|硬邦邦|像板一样|板状|僵硬{W}(碰都不能碰|不能碰"
                  r"|一碰就疼))", r"板状腹",
                  r"(肚子|腹部|肚皮)[^。！？；]{0,14}(硬(得|的){g}(像|跟|和|如|似)?{g}(木板|板子|板|石头)|板一样硬|硬邦邦)(?![^。]*(健身|腹肌|练))",
                  r"(肚子|腹部|肚皮){g}胀得{g}(像|跟){g}(鼓|皮球|气球){W}(吐|不放屁|没排气|没放屁|拉不出)"),
        excludes=(r"(健身|腹肌|练出来|练的)",),
        # a belly hard as a board is here now: asking which department (挂什么科) or what it is takes nothing back
        cancels=frozenset({NEGATION, HISTORY, HYPOTHETICAL, MEDIA, CHRONIC}),
    ),
    RedFlagRule(  # a throbbing lump in a belly in severe pain (a bursting aorta)
        "acute_abdomen",
        triggers=(r"(肚子|腹部|肚脐){W}(一跳一跳|一蹦一蹦|搏动|跳动)的?{W}(包|块)?|摸到{g}(一块|一个包|个包|包块){g}(一跳一跳|跳)",),
        requires=(r"(剧痛|疼得|痛得|直不起|脸色{g}(发白|苍白)|冷汗|晕)",),
    ),
    RedFlagRule(  # sudden belly pain that doubles one up, with cold sweat or a knife-like pain
        "acute_abdomen",
        triggers=(r"(肚子|腹部|肚皮|小腹|上腹){g}(突然)?{g}(痛|疼)得?{W}(直不起|打滚|受不了|要命)",),
        requires=(r"(冷汗|虚汗|刀绞|刀割|脸{g}(白|苍白|煞白)|晕|动脉瘤)",),
        excludes=(r"(来月经|痛经|例假|大姨妈|每个月)",),
    ),
    RedFlagRule(  # the hard belly in a clause of its own: 肚子疼，摸着硬得跟木板一样
        "acute_abdomen",
        triggers=(r"(硬(得|的){g}(像|跟|和|如|似)?{g}(木板|板子|石头)|板一样硬|硬邦邦)",),
        requires=(r"(肚子|腹部|肚皮|小腹|上腹|下腹)",),
        excludes=(r"(健身|腹肌|练出来|练的|馒头|面包|饼|大便|便便|屎|粑粑|床|沙发|枕头|肌肉|腿|胳膊)",),
    ),
    RedFlagRule(
        "hypertensive_crisis",
        triggers=(r"(血压|高压|收缩压){M}(2\d\d|3\d\d)", r"(血压|高压){g}\d{3}{g}[/ ]{g}(1[2-9]\d)", r"低压{g}(1[3-9]\d)"),
        requires=(r"(头痛|头疼|头晕|胸闷|胸痛|胸口疼|看不清|视物模糊|眼花|恶心|呕吐|吐了|说话不清|手脚麻|半边|意识|迷糊|喘不"
                  r"|心慌|抽)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "major_trauma",
        triggers=(r"(车祸|被车撞|被{g}车{g}撞|撞车|(电瓶车|电动车|摩托车?|三轮车?|汽车|货车){g}撞(了|倒|到|飞)|被{g}人?{g}(砍|捅)(了|伤)"
                  r"|肠子{g}(都)?{g}(出来|露出)|被撞飞|从{W}(楼上|楼梯上|高处|梯子|屋顶|房顶|脚手架|架子|[一二三四五六七八九十\d]+楼|楼顶|阳台|窗户"
                  r"|树上){g}(摔|掉"
                  r"|跌|滚)下|"
                  r"高处坠落|坠楼|被刀{g}(扎|捅|砍)|刀{g}(扎进|捅进|插进)|捅伤|枪伤|骨头{g}(戳|露|刺){g}出来|开放性骨折"
                  r"|被{g}压在下面|"
                  r"(钢筋|铁棍|钢管|木棍|树枝|钉子|刀|铁条){g}(扎|插|刺|戳)(穿|进|透)|被毒蛇|毒蛇咬|被蛇咬|蛇咬伤"
                  r"|(五步蛇|竹叶青|眼镜蛇|银环蛇|金环蛇|蝮蛇|土球子|烙铁头|七步倒|毒蛇){g}(咬|叮)|埋了{W}挖出来|胸口{g}塌|(车|三轮|拖拉机){g}压住"
                  r"|腿{g}(都)?变形|中暑{W}((?<!头)昏|晕倒|意识|抽|叫不醒|不出汗{W}高烧))",),
        # an old injury told for its rehabilitation (车祸伤了腰 现在坐轮椅 想做康复), in any clause
        message_excludes=(r"(轮椅|瘫痪|截瘫|越来越细|萎缩|康复|复健|伤残|鉴定|理赔|在{g}(你们)?{g}\w{0,3}住院|几点能去看|探望|看望)",
                          # the injury told before a discharge is over (车祸伤了腰椎，出院以后两条腿还是没劲)
                          r"(车祸|撞|摔|跌|坠|掉|砍|捅|扎|压|咬){W}出了?院"),
        excludes=(r"(要{g}(咋个?|怎么|如何){g}处理|先问清楚)",
                  r"(擦伤|擦破|皮外伤|没事|一点点|轻微|剐蹭|康复|复查|后遗症|轮椅|瘫痪|截瘫|越来越细|萎缩|半年|\d+年(?!级)|几年(?!级)|个月(了|前|以来)"
                  r"|记性|性格|认知|(?<!下班)(?<!放学)(?<!吃饭)(以后|之后)(?=[^，。！？；]{0,3}(一直|总|老|就|康复))|年前"
                  r"|[一二两三四五六七八九十几]+年(?!级)|(做了|做过|做完){W}手术|手术后|术后|功能锻炼|鞋底|脚底|脚掌|脚心)",),
        # a fall from height or a stab told is an injury now, whatever is then asked (能不能先扶他起来)
        cancels=frozenset({NEGATION, HISTORY, HYPOTHETICAL, MEDIA, CHRONIC}),
    ),
    RedFlagRule(  # a very fast or very slow heart with near-fainting, chest tightness or breathlessness
        "arrhythmia",
        triggers=(r"(心跳|心率|脉搏|脉|心脏)[^不没无未，。！？；]{0,10}(1[5-9]\d|2\d\d|两百|二百|一百[五六七八九]十?|快两百|一百好几)",
                  r"(心跳|心率|脉搏|脉)[^不没无未，。！？；]{0,10}(?<![\d.])([1-3]\d|4[0-2]?)(?=(多|几|来)?(下|次|左右|了|的|\s|$|，|。|！|？))",
                  r"(心跳|心率|脉搏|脉)[^不没无未，。！？；]{0,10}(二十|三十|四十)(几|来|多)?(下|次)?",
                  r"((心跳|心脏){g}(特别|非常|超级|好|很|太|突然|忽然)?(快|慢)得{W}(数不过来|数不清|吓人|受不了|厉害|不行|要蹦|蹦出来|跳出来"
                  r"|像打鼓)|心跳{g}(好|很|特别)?(快|乱){g}(好|很|又)?(乱|快)|心跳{g}(好|很|特别)?乱|(心|心脏){W}(扑通|咚咚|突突|扑腾){W}(打鼓|要蹦|蹦出来)"
                  r"|(一会儿?|一阵)快{g}(一会儿?|一阵)(停|慢)|(心跳|心脏|心){W}(数都数不过来|数不过来|数不清)|(脉搏|脉|心跳){g}(摸着)?{g}(很|特别"
                  r"|非常)慢|心(脏)?{g}(要|快)?{g}(跳|蹦)出(来|嗓子眼)|心慌得{g}(厉害|不行|受不了|要命|要死|要晕|发抖)|心跳{g}(忽快忽慢|乱跳"
                  r"|一阵快一阵慢|乱七八糟)|心动过速{W}(发作|犯)|(房颤|阵发性室上速|室上速){g}(犯|发作)|室速|室颤)"),
        requires=(PRESYNCOPE,),
        excludes=(r"(体检|报告|心电图{g}(显示|提示|说)|窦性|运动员|马拉松|一会{g}就{g}(好|降|恢复|没事)|几秒{g}就好|马上就好|甲亢)",),
    ),
    RedFlagRule(  # a pulse counted per minute, very fast or very slow, with near-fainting or chest symptoms
        "arrhythmia",
        triggers=(r"(一分钟|每分钟|1分钟){g}(有|跳|都|才|只有|只|就|快)?{g}(1[5-9]\d|2\d\d|两百|二百)(多|来)?(下|次)",
                  r"(一分钟|每分钟|1分钟){g}(才|只有|只|就|不到)?{g}((?<![\d.])([1-3]\d|4[0-2]?)|二十|三十|四十)(多|几|来)?(下|次)"),
        requires=(r"(心|脉)", PRESYNCOPE),
        excludes=(r"(呼吸|喘气|喘{g}(一分钟|每分钟)|宫缩|胎心|胎动|运动员|马拉松|体检)",),
    ),
    RedFlagRule(  # sepsis: fever with new confusion (adults; children have their own rule)
        "sepsis",
        triggers=(FEVER,),
        requires=(r"(说胡话|胡言乱语|胡说八道|糊涂|不认人|认不出{g}人|不认得{g}(我|人|家里人)|叫不醒|喊不醒|叫不应|喊不应|意识{g}(不清|模糊|不好|差)"
                  r"|神志{g}(不清|模糊)"
                  r"|答非所问|反应{g}(迟钝|很慢|慢了|变慢|特别慢|慢)|问{g}(话|啥|什么){g}(都)?不(答|回|知道)|昏睡|嗜睡|精神错乱|颠三倒四)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # fever in the weeks after a birth, with a muddled mind or a racing heart
        "sepsis",
        triggers=(FEVER,),
        requires=(POSTPARTUM, r"(迷糊|糊涂|叫不醒|说胡话|心跳{g}(快|很快|特别快|一百[二三四五六七八九]|1[2-9]\d)|心率{g}1[2-9]\d|血压{g}(低|掉))"),
        message_excludes=(LONG_AFTER_BIRTH,),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # an elderly patient with fever who is newly muddled
        "sepsis",
        triggers=(FEVER,),
        requires=(ELDERLY, r"(迷糊|迷瞪|犯迷糊|昏昏沉沉|发懵|呆呆|没反应|叫{g}(他|她)?{g}(半天|好几声){g}才)"),
        excludes=(r"(睡得{g}迷|迷迷糊糊{g}睡|想睡|犯困|睡不醒|感冒)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # sepsis: fever with low blood pressure, mottled skin or hardly any urine
        "sepsis",
        triggers=(FEVER,),
        requires=(r"(血压{g}(很低|特别低|低得|掉|下降|降到|掉到|只有|才|测不出|量不出)|(血压|高压|收缩压){g}(只有|才|掉到|降到)?{g}([5-8]\d)(?!\d)"
                  r"|花斑|花纹|发花|大理石|(一块一块|一片一片|一块块|一片片){g}(紫|青|花)|(皮肤|身上|腿上|膝盖|胳膊){g}(发紫|青紫|紫一块"
                  r"|发花|花花的|花了)|(一天|一整天|一晚上|半天|大半天|一夜|一上午|一下午|从早上到现在|从昨天|[十\d]+几?个?小时){W}没{g}(尿|小便"
                  r"|解小便|撒尿|尿过)|几乎没{g}(尿|小便)|没什么尿|尿{g}(特别|非常|很|极)少|一滴尿|没尿|没有尿|无尿)",),
        excludes=(r"(平时{g}血压|一直{g}血压{g}低|低血压{W}(多年|好几年|一直))",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # any fever in a baby in its first two months
        "sepsis",
        triggers=(FEVER,),
        requires=(NEWBORN,),
        excludes=(r"(黄疸|产妇|妈妈|宝妈|乳腺|奶胀|涨奶|胀奶|堵奶|伤口|刀口|奶头|乳头|奶{g}(也|都)?{g}堵)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # fever during chemotherapy, with a low white count or after a transplant
        "sepsis",
        triggers=(FEVER,),
        requires=(IMMUNO,),
        message_excludes=(r"(化疗|放疗|放化疗|靶向|移植){W}(结束|做完|停了|停药){W}(半年|[一二两三四五六七八九十几\d]+年|[二三四五六七八九十几\d]+个多?月)",),
        strong_only=True,
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(  # someone is dying now, whatever the symptom ("我爸快不行了"), or an ambulance is called
        "distress_call",
        triggers=(DISTRESS_PERSON + r"(好像|怕是|眼看|眼看着|看着|已经)?(快要|快|要)?不行了",
                  r"(快要|快|要)不行了{g}(快|救|怎么办|咋办|咋整|怎么整)",
                  r"救救{g}" + DISTRESS_PERSON,
                  r"快叫{g}(救护车|120)|快打{g}120(?![多块元])|(叫|打)了{g}(救护车|120(?![多块元]))"),
        excludes=DISTRESS_EXCLUDES,
    ),
    RedFlagRule(  # a bare call for help counts with someone or something acute in the message ("救命 脸上长痘了" does not)
        "distress_call",
        triggers=(r"救命(?!药|稻草|恩人|之恩|钱)|快来人",),
        # someone else, or an acute word: "救命 我胖了十斤" is a sigh, "救命 我喘不上气" is caught by its own rule too
        requires=(DISTRESS_PERSON.replace("|我)", ")") + r"|倒|晕|昏|不醒|不动|没气|没反应|血|抽|喘|憋|不行了|120|救护车|快死|要死",),
        # a blood test dreaded (救命 体检又要抽血 我晕血), in any clause
        message_excludes=(r"(抽血|晕血|验血)",),
        excludes=(*DISTRESS_EXCLUDES, r"(抽血|晕血|验血)", r"快来人{g}(帮|给)?{g}(我)?{g}(挂号|挂个号|预约|客服|人工|在吗|回复|回答|理我)"),
    ),
    RedFlagRule(  # testicular torsion: sudden severe pain in a testicle (boys and young men)
        "testicular_torsion",
        triggers=(r"(睾丸|蛋蛋|阴囊|卵蛋|小蛋蛋){W}(剧痛|剧烈|突然{W}(疼|痛)|(疼|痛)得{W}(厉害|受不了|哭|打滚|直不起|走不了|走不动|吐|要命|冒汗|冷汗)|绞痛"
                  r"|肿{W}(疼得|痛得|剧痛)|往上缩|缩上去|缩到上面)",
                  r"(突然|忽然|半夜|睡醒|一觉醒来|早上起来|踢球后|踢到){W}(睾丸|蛋蛋|阴囊|卵蛋){W}(疼|痛)",
                  r"(?<![鸡鸭鹅鹑皮咸卤茶煎炒蒸煮])蛋{g}(突然|忽然){g}(好|很|特别)?(痛|疼)",
                  r"(?<![鸡鸭鹅鹑皮咸卤茶煎炒蒸煮])蛋(?![糕白黄壳饼挞炒汤羹卷])[^，。！？；]{0,3}(疼|痛)的?得?{g}(厉害|直吐|要吐|吐了|打滚|受不了|走不了)",
                  r"蛋子?{W}(肿|疼|痛){W}(直吐|吐了|打滚|肿老高|肿得)"),
        excludes=(r"(隐隐|胀痛{W}(个月|年)|久坐|精索静脉曲张|摸到|潮湿|瘙痒|痒|一点(疼|痛|胀)|有点(疼|痛|胀|不舒服)|偶尔)",),
    ),
)

# ---- generic cancelling contexts (patterns) ----
_SPLIT = re.compile(r"(?:[，。！？；,!?;…\n]|(?<!\d)\.|\.(?!\d))+|(?=但是|(?<![喘说睡比透挺受熬打吃忍撑])不过(?![气来去])|可是|然而|(?<!到)现在|目前|如今"
                    r"|后来|结果)")
_NEG_BEFORE = re.compile(r"(没有|没|无|未曾|未|并不|并没有|不再|否认|不是|也没|都没|从来没|从没|不太|不怎么|不是很|不算"
                         r"|不存在|没有任何|不)(出现|发生|感到|觉得|什么|任何|明显|过|想|想过|打算|会是|会|用|需要)?(被)?$|不算[^，。！？；不没]{0,2}$")
_NEG_AFTER = re.compile(r"^(的话)?(已经|早就|都|也)?(没有了|没了|好了|消失了|缓解了|不疼了|不痛了|停了|止住了|没事了)")
_HISTORY = re.compile(r"(以前|(?<!来)之前|从前|曾经|(?<![睡晕昏抽死背憋缓])过去(?!了|\d|[一二两三四五六七八九十几半]+个?(小时|分钟|钟头))"
                      r"|早年|小时候|年轻时|年轻的时候|去年|前年|几年前|\d+年前"
                      r"|上一胎|上胎|头胎|第一胎|生老大|生大宝|生[^，。！？；]{0,2}(老大|大宝|头胎)的?时候|当年|那时候|那会|早些年|前些年|早几年|前几年"
                      r"|[\d一二三四五六七八九十]+岁(时|的时候|那年)|(大学|高中|初中|中学|小学|读书|上学|念书|年轻)(时|的时候|那会|那时)|上个月"
                      r"|上个?星期|上周|上礼拜"
                      r"|[一二两三四五六七八九十几]+年前|"
                      r"[一二两三四五六七八九十几\d]+个月前|上次|上回|那次|有一次|好久以前|那年|年前|后来(说|查出|知道|发现|才知道))(?!就?开始|起"
                      r"|以来|到现在|至今|一直)")
_EXPERIENTIAL = re.compile(r"^[^，。]{0,3}过(?!来|去|敏|度|量|多|头|不|气|于)")
_RESOLVED = re.compile(r"((?<![看来去挂等叫约备收拾])好了|没事了|好多了|恢复了|恢复正常|缓解了|正常了|消失了|不疼了|不痛了|痊愈|康复了|没再(?!醒)"
                       r"|没有再(?!醒)|不再"
                       r"|走出来|挺过来|熬过来|(?<![睡晕昏抽死背憋])过去了|现在[^，。！？；]{0,2}(挺好|很好|好好的|都好)|早就好|早好了|早没|(?<![不没])稳定"
                       r"|(好几年|几年|很久|多年|好久|[一二两三四五六七八九十几\d]+年)(都|也)?没(有)?(了|再|犯|发)"
                       r"|救回来(?![吗么不])|抢救过来(?![吗么不])|已无事|无事了|后来(说|查出|知道|发现|才知道)|是(前年|去年|几年前|上个月|以前|之前"
                       r"|小时候)的事|现在没事|(?<![没不未])缓过来"
                       r"|(以后|下次|下回)[^，。！？；]{0,6}(咋|怎么|如何|要|该|会)|半年(都|也)?没(发作|犯))")
# Days ago: only with the episode told as over (前两天摔了头 今天一直吐 is not history).
_WAS_WELL = re.compile(r"^[^，。！？；]{0,4}(还好好的|都好好的|好好的|很好|挺好|都正常|正常)")
_NOW = re.compile(r"(这两天|这几天|今天|今早|今晚|现在|刚才|刚刚|最近|这会|眼下|此刻|又|这次|这回|半夜|凌晨|中午|下午|晚上|刚|分钟前)")
_DAYS_AGO = re.compile(r"(前几天|前两天|前天|昨天|那天|前些天|上个?礼拜|上个?星期|上周)")
_RECURRENCE = re.compile(r"((?<!会不会)(?<!会)(?<!怕)又(?!怀|生|要|想|有了|来问|去)|(?<!预防)(?<!防止)(?<!避免)再次(?!怀|生)|复发|还在(?!里面|身上|体内)"
                         r"|还是(?=[很疼痛不没一那老有会晕喘吐抽])|至今|到现在|一直没好|加重|还没停|没停|停不下)")
_RECENT = re.compile(r"(刚才|刚刚|就在刚才|几分钟前|半小时前|一小时前|正在)")
_INFO = re.compile(
    r"((?<!可)能吃|能不能|可以吃|可不可以|的病人|患者|应该怎么|该怎么|怎么回事|什么原因|会怎样|会怎么样|有什么后果|有什么危害"
    r"|有什么影响|区别|有啥不一样|有什么不一样|有啥不同|有什么不同|(怎么|如何|怎样|该怎么)(预防|防止|避免|急救|处理|护理|判断|识别|治疗|办理|区分"
    r"|分辨|做)|预防|防范|急救(的?课|知识"
    r"|方法|措施|常识|培训|课)|"
    r"了解|咨询|科普|知识|讲座|常识|(挂|看)(什么|哪个|哪|啥)科|什么科|哪个科|什么症状|哪些症状|症状(是|有)|(是|有)(什么"
    r"|哪些)(原因|区别|症状|表现|征兆|先兆)|"
    r"的原因|注意(点)?(什么|事项|哪些|啥)|有什么(征兆|先兆|表现)|先兆|征兆|前兆|表现是|(都)?有哪些|原因[^，。！？；]{0,2}(是|有)(啥|什么|哪些)|(是"
    r"|长)(啥|什么)样|提前学|学学|(是|有)(啥|什么|哪些)(表现|症状|样子)"
    r"|(的时候|时)[^，。！？；]{0,6}(该|要|能|应该)(干啥|做啥|做什么|怎么做|咋办|怎么办|咋做)|(的时候|时)不能"
    r"|(怎么|如何|怎样|咋|啥|什么)[^，。！？；]{0,6}(防|预防|避免)|为(什么|啥)[^，。！？；]{0,4}会|是这样不|是真的吗|真的吗|对不对|是不是真的"
    r"|作业|综述|期末|考点|重点|药理|学医|辅导员|课件|教案|资料|绘本|讲明白|识别|提前问|这算|算不算|兆头|只要[^，。！？；]{0,6}就会|平时(要|该)"
    r"|备(哪些|点|些)|筛查|哪个(大夫|医生|专家)|看[^，。！？；]{0,2}好使|有用吗|管用吗|有没有用|观察多久|有关系|有没有关系|关系没得|什么程度|啥程度"
    r"|区分|区别|是真的不|真的不|原理|机制|一回事|(什么|啥子?)叫"
    r"|能买到|哪里买|在哪买"
    r"|(怎么|如何|怎样|咋|咋样)(防|防护|预防)|能报销|医保|保险|费用|多少钱|是什么病|是什么意思"
    r"|什么意思|"
    r"写论文|考试|题目|课本|培训|演练|学习|"
    r"第一步|是不是要先|要先[^。！？；]{0,12}再|应该先|该先|先[^，。！？；]{0,2}(断电|关电|拉闸)[^。！？；]{0,12}再|黄金[^，。！？；]{0,2}(时间|抢救"
    r"|\d)|抢救时间|最有效|几分钟内|"
    r"的人[^。！？；]{0,12}(要不要|应该|该|是不是|能不能|可以|能)|(的时候|时)(要不要|应该|该|能不能|可以|能|怎么办|怎么处理)|(吃|喝)多少"
    r"|一次[^，。！？；]{0,2}最多|最多[^，。！？；]{0,2}(吃|能)"
    r"|最大剂量|多久(算|是|才)?正常|是正常的吗|算正常)"
)
_HYPOTHETICAL = re.compile(r"(如果|万一|假如|要是|假设|假若|即使|就算|会不会|是不是会|诱发|引起|导致|引发|(?<!害)怕(?!是)|担心|以防|防止|可能会|容易|风险|"
                           r"几率|概率|遗传)")
_MEDIA = re.compile(r"(电视(?!柜|机)|新闻|听说(?!我|俺)|网上(?!认识|的朋友|交的|聊的)|书上|文章|(?<!跟)(?<!和)(?<!打)视频(?!通话)|抖音|快手|朋友圈"
                    r"|小说|电视剧|电影|广播(?!体操)|公众号|微博|报纸|科普|有人说"
                    r"|别人说|报道|读报|看报|读到|纪录片|节目|短视频|直播|动画片|动画|绘本|梦见|梦到|做梦(?!惊醒))")
_CHRONIC = re.compile(r"(多年|好几年|几年了|\d+年了|[一二两三四五六七八九十几]+年了|老毛病|从小|后遗症|病史|复查|术后|康复|出院"
                      r"|随访|定期|"
                      r"长期|一直有|这几年|经常|老是|时不时|偶尔|有时候|反复|每次|每年|每个月|体检|"
                      r"(半年|[一二两三四五六七八九十几\d]+个?(月|年))了|了(半年|[一二两三四五六七八九十几\d]+个?(月|年)))")
# Urgency that no context cancels except negation; "突然" and "X了" (with a person) outweigh history and questions only.
_STRONG_ACUTE = re.compile(r"(正在|刚才|刚刚|(?<![刚才])刚(?=[吐摔晕倒抽咳拉喝吞割划被从掉])|救命|快来|不行了|快不行|还在"
                           r"|一直在(?!吃药|服药|治疗|复查|调理|用药|吃)|此刻|这会儿|怎么办啊|快点|(?<!要)(?<!必须)(?<!应该)马上|赶紧"
                           r"|急死了)")
_WEAK_ACUTE = re.compile(r"(突然|忽然|一下子|又(?=[^，。！？；]{0,2}(疼|痛|犯|发作|来了))|半夜|凌晨|这会|今晚"
                         r"|今天|今儿|今个|今早|早上|昨晚|晚上|很多|好多|大量|止不住|剧烈|剧痛|厉害|受不了)")
_PERSON = re.compile(r"(我|俺|孩子|宝宝|小孩|老人|老公|老婆|爱人|家里|他|她|儿子|女儿|爸|妈|爷|奶|外公|外婆|姥|婆婆|公公|老伴"
                     r"|朋友|同事|邻居|有人)")
_PERFECTIVE = re.compile(r"^(了|着|啦)")
# Slang turns the names of emergencies into sighs (加班到十一点 原地昏迷, 手机掉马桶了 家人们我心梗了): the bare name, in a
# message about work, money, games or gadgets, with no word of a body in trouble and nobody else named. Said of
# someone else (同事加班晕倒了) it is a report, not a sigh.
_EMERGENCY_NAME = re.compile(r"^(心梗|心肌梗|昏迷|晕倒|晕厥|晕过去|抽搐|抽过去|抽风|吐血|窒息|大出血|休克|中风|猝死|中毒)")
_EVERYDAY = re.compile(r"(加班|上班|工位|方案|甲方|KPI|PPT|绩效|报销|这部剧|这剧|结局|综艺|体重|当场|原地|搬砖|打工|网速|网卡|宿舍|游戏|连跪|开黑"
                       r"|手机|电脑|空调|奶茶|双十一|开会|学生会|早八"
                       r"|双11|剁手|账单|信用卡|花呗|工资|房贷|吃瓜|这瓜|炸裂|家人们|破防|emo|作业|考试|论文|堵车|外卖|快递|高数|挂科|挂了|ddl"
                       r"|deadline|期末|复习|绩点|导师|组会|开玩笑|哈哈)", re.IGNORECASE)
_JOKE_MARK = re.compile(r"(当场|原地|家人们|哈哈|笑死|（不是）|\(不是\))")
_BODY_IN_TROUBLE = re.compile(r"(疼|痛|冷汗|出汗|大汗|叫不醒|喊不醒|没反应|不省人事|120|救护车|急诊|送医|脸色|趴|瘫|冒|呕吐|吐了|迷糊|怪声|胸口|心口"
                              r"|喘|呼吸|发烧|发紫|白沫|翻白眼"
                              r"|血压|心跳|送医|突然|忽然|一下子|刚才|刚刚)")
_SOMEONE_ELSE = re.compile(r"(孩子|宝宝|小孩|老人|老公|老婆|爱人|他|她|儿子|女儿|爸|妈|爷|奶(?!茶|粉|油|昔|酪|盖)|外公|外婆|姥|婆婆|公公|老伴"
                           r"|朋友|同事|邻居|有人|室友|同学|工友|舅|姨|叔|姑|哥|姐|弟|妹|媳妇|丈夫|领导|师傅|老板|老豆|伙计|兄弟)")
# An animal as the one who is ill (a vet's case): 我家狗吃了老鼠药, 猫喘不上气; not 被狗咬, 遛狗的时候, 猫毛过敏.
_PET_SUBJECT = re.compile(r"(^|家|家的|的|医生|你好|请问|这只|那只|一只|屋里|屋头|几只)(小)?(狗|猫|宠物|兔子|仓鼠|鹦鹉|泰迪|金毛|柯基|哈士奇|二哈|比熊"
                          r"|博美|柴犬"
                          r"|鸡|鸭|鹅|猪|牛|羊"
                          r"|布偶|英短|橘猫|狗子)(狗|咪|子)?(?!毛|粮|窝|屎|尿|咬|抓|挠|过敏|肉|奶|骨|排|蛋|血|干|汤|粪|发狂|顶|踢|撞|踩|拱)")
_PET_HUMAN = re.compile(r"(被|让|给)(小)?(狗|猫|牛|羊|马|驴|猪)|^把|(我|俺|他|她|自己|孩子|宝宝|小孩|老人|老公|老婆|爱人|儿子|女儿|爸|妈|爷|奶|外公"
                        r"|外婆|人|兄弟|老乡|工友"
                        r"|伙计)(?!家)")
_FIRST_PERSON = re.compile(r"(我|俺|自己)")
# Watching the news is when it happened, not where it was told (我爸看电视时突然胸口剧痛): the media word is then
# followed by 时/的时候/着, or comes after 看着/在看/刷着.
# The condition asked about by name (酒精中毒是啥表现, 心梗的前兆有哪些), even in a message that also says 今天.
_ABOUT_THE_CONDITION = re.compile(r"^(的)?(常见)?(前兆|征兆|先兆|症状|表现|原因|诱因|病因|危害|危险|后果)|^是(啥子?|什么)(表现|症状|样|原因|病)")
# Someone's acute event told as it is: a person, then within a few characters a collapse, a fit or no breath.
_ACUTE_REPORT = re.compile(r"(我|俺)?(爸|妈|爹|娘|爷|奶|老公|老婆|媳妇|孩子|宝宝|儿子|女儿|老伴|老人|他|她|同事|室友|工友|同学)[^，。！？；会能]{0,6}"
                           r"(倒在|倒地|晕倒了|晕过去|昏迷|叫不醒|喊不醒|没反应|抽搐|抽起来|吐血|喘不上|摸不到|不动了|没气|中风了|心梗了|窒息)")
_CONDITIONAL = re.compile(r"(如果|万一|假如|要是|假设|假若|遇到|碰到)")
_HAPPENING = re.compile(r"(现在|就是|出现|已经|还没停|正在)")
# Told as "that time" (心梗那会儿住院花了七八万, 车祸那会儿撞的腰).
_THEN_AFTER = re.compile(r"^(那年|那天|那次|那会儿?[^，。！？；]{0,4}(住院|花了|撞的|的事)|那(都)?是[^，。！？；]{0,6}(以前|年前|前)的事)")
# Teaching and sharing (转发一篇, 有正规教材推荐吗, 海姆立克法大家都学一下): about the condition, not a patient now.
_TEACHING = re.compile(r"(教材|教程|先学学|学一下(急救|怎么)|学一下(?=[，。！？；]|$)|大家都学|想学一下|学心肺复苏|学急救|讲座说|安全教育|正确的急救"
                       r"|急救方法|(?<!病)区分|(120|救护车)[^，。！？；]{0,2}(拉走|接走|送走)了"
                       r"|收藏(一下|起来)|转发(一篇|一个|文章)|科普|须知|必须知道|视频附上)")
# Prevention said right before it (暑假要防溺水, 远离毒品).
_PREVENTED = re.compile(r"(预防|防止|以防|谨防|避免|远离|以免|免得|才不会|才不得|不会被|别被|(?<![消国边])防)[^，。！？；]{0,4}$")
# Taken for it at first (我还以为吐血了 仔细一看是辣椒油).
_MISTAKEN = re.compile(r"(以为|当成|当是|看成|还当)(是)?[^，。！？；]{0,2}$")
_CORRECTION = re.compile(r"(结果|原来|其实|一看|仔细一看|后来发现|才知道)")
_SWALLOWED = re.compile(r"(吃|喝|吞|咽|服)")
# Had it once (孩子有过热性惊厥): a past episode, as 以前 is.
_HAD = re.compile(r"(有过|得过|犯过|患过|出现过|发生过)[^，。！？；]{0,4}$")
# "Will it …?" (油漆味闻多了会中毒不).
_WILL_IT = re.compile(r"会$")
_QUESTION_AFTER = re.compile(r"^(不|吗|么|没|嘛|啊|呀)")
# The writer worries for themself after telling of someone else's (邻居家老人前两天突然心梗走了 我也有点担心).
_I_WORRY_TOO = re.compile(r"我[^，。！？；]{0,2}(也|都)[^，。！？；]{0,2}(担心|怕|害怕|紧张)")
_SOMEONE_ELSES_PAST = re.compile(r"(走了|去世|过世|没了|前两天|前几天|上个月|去年|以前|那会)")
# A media word right after the trigger: 看了个讲毒蛇咬伤的纪录片.
_MEDIA_AFTER = re.compile(r"^[^，。！？；]{0,3}的?(纪录片|新闻|电视剧|电影|文章|节目|科普|报道|小说)|^的?视频(?!发|给)|^[^，。！？；]{0,3}的书(?![包桌架柜房])")
_WHILE_AFTER = re.compile(r"^(节目|剧)?(时|的时候|时候|着|呢|中途|的功夫|[^，。！？；]{0,3}到一半)")
_WHILE_BEFORE = re.compile(r"(看着|在看|正看|边看|刷着|在刷|玩着|听着)$")
# Someone posting about themself (发朋友圈说活够了): their own words, not a story told by the media.
_POSTED = re.compile(r"(发|在|更新|转发)(了|的)?(个|条)?(朋友圈|微博|抖音|快手|空间|动态)")
# Someone who watched an accident and now has nightmares: the question is about the witness, not the victim.
_WITNESS = re.compile(r"(亲眼|目睹|看到|看见|见到|撞见|围观|梦到|梦见|(小区|楼里|楼上|楼下|隔壁|村里?|单位|学校|公司)[^，。！？；]{0,4}有人)")
_AFTERMATH = re.compile(r"(噩梦|恶梦|睡不着|失眠|闪回|阴影|一想起来|忘不掉|忘不了|心理[^，。！？；]{0,2}(阴影|创伤|咨询|医生)|创伤|老想|一闭眼"
                        r"|吓得|吓坏|没睡好|睡不好|心有余悸|心里发毛|想起来|心里[^，。！？；]{0,3}难受)")


class RedFlagResult(BaseModel):
    """What the safety layer found. `flags` are stable English codes, in rule order."""

    flags: list[str]
    emergency: bool
    crisis_hotline: bool


def split_clauses(text: str) -> list[str]:
    """Clauses, split on punctuation and turning words (但是, 不过, 现在...); empty pieces dropped."""
    return [c for c in _SPLIT.split(text) if c and c.strip()]


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last occurrence of the pattern in the text."""
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def _told_as_past(before: str) -> bool:
    """A past-time word before the trigger, not followed by a word of now (上个月被狗咬了 这两天怕水怕风 一直抽). "之前还好好的"
    tells how the patient was before, not a past episode."""
    past = _last(_HISTORY, before)
    return past is not None and not _NOW.search(before[past.end():]) and not _WAS_WELL.match(before[past.end():])


def _cancelled(rule: RedFlagRule, clause: str, match: re.Match[str], later: list[str], text: str) -> bool:
    """Whether the context of this trigger occurrence says it is not happening now to someone (see module doc)."""
    before, after = clause[: match.start()], clause[match.end() :]
    cancels = rule.cancels
    mistaken = _MISTAKEN.search(before) and _CORRECTION.search(after + "".join(later)) and not _SWALLOWED.search(match.group())
    if NEGATION in cancels and (_NEG_BEFORE.search(before) or _NEG_AFTER.match(after) or mistaken):
        return True
    if _STRONG_ACUTE.search(clause):
        return False
    if (not rule.crisis and _EMERGENCY_NAME.match(match.group()) and _EVERYDAY.search(text)
            and not _BODY_IN_TROUBLE.search(text) and (not _SOMEONE_ELSE.search(text) or _JOKE_MARK.search(text))):
        return True
    told = text[: max(text.find(clause), 0) + match.start()]
    pet, witness, media = _last(_PET_SUBJECT, told), _last(_WITNESS, told), _last(_MEDIA, told)
    if not rule.crisis and pet and not _PET_HUMAN.search(told[pet.end() :]) and len(told) - pet.end() <= 8:
        return True
    if witness and _AFTERMATH.search(text) and not _FIRST_PERSON.search(told[witness.end() :]) and len(told) - witness.end() <= 15:
        return True
    if media and (_WHILE_AFTER.match(told[media.end() :]) or _WHILE_BEFORE.search(told[: media.start()])):
        media = None
    if MEDIA in cancels and _MEDIA_AFTER.match(after):
        return True
    # Someone's acute event is being told (我爸倒在地上叫不醒 这时候该怎么办): no question, worry or lesson takes it back,
    # only a condition (如果孩子抽搐了该怎么办) or its being over.
    past = _told_as_past(before)
    reported = bool(_ACUTE_REPORT.search(clause)) and not past and not _CONDITIONAL.search(before)
    if INFO in cancels and not reported and ((_ABOUT_THE_CONDITION.match(after) and not _HAPPENING.search(clause))
                                             or _PREVENTED.search(before) or (_TEACHING.search(text) and not _STRONG_ACUTE.search(text))):
        return True
    if HISTORY in cancels and _THEN_AFTER.match(after) and not _RECENT.search(text):
        return True
    if MEDIA in cancels and media and not (rule.crisis and (_FIRST_PERSON.search(told[media.end() :])
                                                          or _POSTED.search(told[max(media.start() - 3, 0) : media.end()]))):
        return True
    if HYPOTHETICAL in cancels and (_CONDITIONAL.search(before) or (not reported and (
            _HYPOTHETICAL.search(before + match.group() + after[:4])
            or (_WILL_IT.search(before) and _QUESTION_AFTER.match(after))
            or (_I_WORRY_TOO.search(after) and _SOMEONE_ELSES_PAST.search(before))))):
        return True
    rest = after + "".join(later)
    if HISTORY_RESOLVED in cancels and past and _RESOLVED.search(rest):
        return True
    not_again = HISTORY in cancels and not _RECURRENCE.search(rest) and not _RECENT.search(text)
    if not_again and (past or _DAYS_AGO.search(before)) and _RESOLVED.search(rest):
        return True  # a past episode told as over, even one that came on suddenly
    if _WEAK_ACUTE.search(clause):
        return False
    if not_again and past:
        return True  # 上次低血糖晕倒了: told as past, though told with 了
    if _PERFECTIVE.match(after) and _PERSON.search(text):
        return False
    if not_again and (_HAD.search(before) or _EXPERIENTIAL.match(after) or _RESOLVED.search(rest)):
        return True
    if reported:
        return False
    if INFO in cancels and _INFO.search(clause) and not _STRONG_ACUTE.search(text):
        return True
    return CHRONIC in cancels and bool(_CHRONIC.search(clause))


def _present(pattern: re.Pattern[str], clauses: list[str]) -> bool:
    """The pattern occurs somewhere, neither negated nor told as a past episode."""
    return any(
        not _NEG_BEFORE.search(clause[: m.start()])
        and not (_told_as_past(clause[: m.start()]) or _EXPERIENTIAL.match(clause[m.end() :]))
        for clause in clauses for m in pattern.finditer(clause)
    )


NET_EMERGENCY, NET_CRISIS = "net_emergency", "net_crisis"  # no rule fired; the learned net did (bot/red_flag_net.py)


def check(text: str) -> RedFlagResult:
    """The rules, then the learned net for the red flags they miss. A rule's flag is never taken back."""
    found = check_rules(text)
    if found.emergency or not red_flag_net.emergency(text):
        return found
    crisis = red_flag_net.crisis(text)
    return RedFlagResult(flags=[NET_CRISIS if crisis else NET_EMERGENCY], emergency=True, crisis_hotline=crisis)


def check_rules(text: str) -> RedFlagResult:
    """Runs every rule over normalised text; a flag is set once one trigger survives its cancelling contexts."""
    clauses = split_clauses(text)
    flags: list[str] = []
    crisis = False
    chars = set(text)
    planned: bool | None = None  # whether the message names a plan, a place or a means (read for crisis rules only)
    for rule in RULES:
        # Most rules have no trigger in a message: a look at its characters, then one search of the whole message,
        # come before any clause is read
        if rule.first is not None and rule.first.isdisjoint(chars):
            continue
        if rule.any_trigger is not None and not rule.any_trigger.search(text):
            continue
        if rule.crisis and planned is None:
            planned = bool(_CRISIS_PLAN.search(text))
        if rule.code not in flags and _fires(rule, clauses, text, planned=bool(planned)):
            flags.append(rule.code)
            crisis = crisis or rule.crisis
    return RedFlagResult(flags=flags, emergency=bool(flags), crisis_hotline=crisis)


def _fires(rule: RedFlagRule, clauses: list[str], text: str, *, planned: bool) -> bool:
    """Whether a trigger occurrence survives its clause's exclusions and cancelling contexts, all required words
    being present."""
    message_excluded: bool | None = None
    required: bool | None = None
    excludes = rule.exclusions("excludes", planned=planned)
    for index, clause in enumerate(clauses):
        if rule.any_trigger is not None and not rule.any_trigger.search(clause):
            continue
        matches = [m for pattern in rule.compiled["triggers"] for m in pattern.finditer(clause)]
        if rule.local_excludes:
            spans = [m.span() for p in rule.compiled["local_excludes"] for m in p.finditer(clause)]
            matches = [m for m in matches if not any(start <= m.start() and m.end() <= end for start, end in spans)]
        if not matches or any(p.search(clause) for p in excludes):
            continue
        if required is None:
            required = all(_present(p, clauses) for p in rule.compiled["requires"])
        if not required:
            return False
        if message_excluded is None:
            message_excluded = any(p.search(text) for p in rule.exclusions("message_excludes", planned=planned))
        acute = _STRONG_ACUTE.search(clause) or (not rule.strong_only and _WEAK_ACUTE.search(clause))
        if message_excluded and not acute:
            continue
        if any(not _cancelled(rule, clause, match, clauses[index + 1 :], text) for match in matches):
            return True
    return False


def suppressed(text: str) -> list[str]:
    """Codes whose trigger words occur in the text but were cancelled (negation, history, question...)."""
    flagged = set(check(text).flags)
    out: list[str] = []
    for rule in RULES:
        if rule.code in flagged or rule.code in out:
            continue
        if any(p.search(text) for p in rule.compiled["triggers"]):
            out.append(rule.code)
    return out


# What the writer says to make light of it (切菜划了个小口子 贴个创可贴就行吧), or a game's nickname (农药: 王者荣耀 开黑).
_SOUNDS_MINOR = re.compile(r"(小口子|小伤口|一点点血|一点血|流了点血|创可贴|小擦伤|擦破点皮|破了点皮|不严重|没大事|轻微|开黑|上分|排位|王者|吃鸡)")


def sounds_minor(text: str) -> bool:
    """Whether the message plays itself down: the model's own "emergency" (no rule fired) does not stand then."""
    return bool(_SOUNDS_MINOR.search(text))
