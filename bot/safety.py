"""Red-flag safety layer: rules that override the model (contract "Safety rules"), in-process and model-free.

Rules are data: each `RedFlagRule` has trigger patterns, optional context that must also be present, rule-specific
exclusions, and the generic cancelling contexts (negation, history, information-seeking, hypothetical, reported
speech, chronic) that apply to it. Cancelling contexts are scoped to the clause holding the trigger; clauses are
split on punctuation and on turning words (但是, 不过, 现在...). Input is expected normalised (`bot.text.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

# `{G}` in a pattern: a short gap that may not contain a negation, so 胸口{G}疼 never matches 胸口不疼.
_GAP = "[^不没无未别，。！？；]{0,4}"
_SHORT_GAP = "[^不没无未别，。！？；]{0,2}"
_WIDE_GAP = "[^不没无未别。！？；]{0,12}"
_MID_GAP = "[^不没无未别，。！？；]{0,8}"

RULES_VERSION = "2026-11-23.1"  # part of the bot's cache key: bump when the rules change

NEGATION = "negation"
HISTORY = "history"
INFO = "info"
HYPOTHETICAL = "hypothetical"
MEDIA = "media"
CHRONIC = "chronic"
HISTORY_RESOLVED = "history_resolved"  # a past episode that the text says is over (used where HISTORY is too broad)
ALL_CANCELS = frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA, CHRONIC})

KIDS = (r"(孩子|小孩|宝宝|宝贝|儿子|女儿|娃|闺女|小朋友|婴儿|新生儿|幼儿|孙子|孙女|外孙|\d+岁|\d+个月|几个月|周岁)")
PREGNANT = (r"(怀孕|怀了|孕\d+|孕早期|孕中期|孕晚期|孕期|孕妇|妊娠|有身孕|宫外孕|怀着|怀二胎|怀宝宝"
            r"|[\d一二三四五六七八九十]+个月身孕|胎儿)")
ELDERLY = (r"(老人|老爷子|老太太|老头|老伴|爷爷|奶奶|外公|外婆|姥姥|姥爷|我爸|我妈|老父亲|老母亲|[6-9]\d岁|[六七八九]十多岁)")


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    gaps = {"{M}": _MID_GAP, "{G}": _GAP, "{g}": _SHORT_GAP, "{W}": _WIDE_GAP,
            "{KIDS}": KIDS, "{PREG}": PREGNANT, "{OLD}": ELDERLY}
    out = []
    for pattern in patterns:
        for key, value in gaps.items():
            pattern = pattern.replace(key, value)
        out.append(re.compile(pattern, re.IGNORECASE))
    return tuple(out)


@dataclass(frozen=True)
class RedFlagRule:
    """One red-flag category: a trigger fires unless its clause is cancelled."""

    code: str
    triggers: tuple[str, ...]
    requires: tuple[str, ...] = ()  # each must occur (not negated) somewhere in the message
    excludes: tuple[str, ...] = ()  # rule-specific cancelling patterns, searched in the trigger's clause
    message_excludes: tuple[str, ...] = ()  # cancelling patterns anywhere in the message (unless the clause is acute)
    cancels: frozenset[str] = ALL_CANCELS
    crisis: bool = False
    compiled: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.compiled.update(triggers=_compile(self.triggers), requires=_compile(self.requires),
                             excludes=_compile(self.excludes), message_excludes=_compile(self.message_excludes))


CHEST_SEVERE = (r"(剧痛|剧烈|压榨|压着|压住|石头|大石|绞痛|撕裂|刀割|厉害|受不了|喘不|透不过气|憋得{g}(喘|说不出|要死)|冷汗"
                r"|大汗|出汗|"
                r"左臂|左胳膊|左手|手{g}(发麻|麻了)|胳膊|手臂|绞|左肩|肩膀|下巴|下颌|牙|后背|背上|放射|窜|虚汗|冒汗|脸白"
                r"|脸色{g}(白|差|难看|发青)|睡不着|"
                r"([二三四五六七八九]十|\d{2})分钟|要死|濒死|快不行|半小时|半个小时|\d+个?小时|一个小时|"
                r"不缓解|止不住|硝酸甘油|救心丸|救护车|120|脸色发白|脸色苍白)")

RULES: tuple[RedFlagRule, ...] = (
    RedFlagRule(
        "chest_pain",
        triggers=(r"(胸|心口|心脏|心窝|心前区){M}(痛|疼|闷|压|憋|堵|绞|紧"
                  r"|难受)", r"(心梗|心肌梗|心梗死|心肌梗塞|心绞痛|主动脉夹层)"),
        requires=(CHEST_SEVERE[:-1] + r"|心梗|心肌梗|主动脉夹层)",),
        excludes=(r"(支架|搭桥|术后|病史|出院|复查|康复|后遗症|二级预防|体检|心电图|彩超|报告|挂号|吃什么药|降脂|他汀)",
                  r"(岔气|肌肉|拉伤|咳嗽的时候|咳嗽时|按压|按着|一按|深呼吸时|翻身时|停下来就|歇一会就|休息一下就|休息就好"
                  r"|心梗史|家族|遗传|心梗后|心梗以后|能停|停药|阿司匹林|氯吡格雷)"),
    ),
    RedFlagRule(
        "stroke",
        triggers=(
            r"(半边|半身|一侧|单侧|一边|左侧|右侧|左边|右边|左半边|右半边)(的)?(身子|身体|手脚|肢体|手|脚|胳膊|腿|脸|嘴)?{g}"
            r"(没劲|无力|没力气|麻了|发麻|麻木|动不了|不会动|抬不起|不听使唤|没知觉|没感觉|瘫|不能动|使不上劲)",
            r"((左手左脚|右手右脚|左胳膊左腿|右胳膊右腿|一边手脚|半边手脚){G}(没知觉|没劲|麻|动不了|不听使唤|不会动)|"
            r"(讲话|说话){G}(含含糊糊|含糊不清)|嘴角{g}(往下掉|往下耷拉|下垂|耷拉))",
            r"(走路{g}(往一边倒|往一边歪|偏向一边)|(腿|脚){g}拖着|(突然|忽然){G}(听不懂|说胡话|说话乱|答非所问|不认识人|糊涂了"
            r"|不认人))",
            r"(嘴歪|嘴角歪|口角歪|脸歪|口眼歪|嘴巴歪|面部歪|一边脸{g}(耷拉|下垂|歪)|嘴角{g}(耷拉|下垂)|流口水{g}嘴)",
            r"(说话不清|说话含糊|说话含混|口齿不清|吐字不清|说不出话|说不了话|讲不出话|讲话不清|舌头{g}(发硬|不灵|不听)|大舌头|"
            r"说话不利索|说话不利落|话说不清|说话{g}(含糊|不清|不利索|大舌头))",
            r"(中风|脑梗|脑卒中|脑出血|脑溢血)(了|啦)",
            r"(突然|忽然){G}(手|脚|手脚|胳膊|腿){g}(没劲|无力|麻|动不了|抬不起)",
        ),
        excludes=(r"(好几年|多年|几年了|\d+年了|[一二两三四五六七八九十]+年了|从小|天生|后遗症|康复|复查|术后|出院|随访|"
                  r"中风后|脑梗后|脑梗以后|中风以后|结巴|口吃|睡觉压|压麻|睡麻|蹲久|坐久|牙疼|拔牙|麻药|打麻药|喝多|喝醉|"
                  r"练习|普通话|学说话|不会说话|说话晚|面瘫|孩子说话|宝宝说话|\d+岁还|两岁|三岁)",),
        message_excludes=(r"(孩子|宝宝|小孩|儿子|女儿|娃){W}(还小|说话晚|学说话)|还小|说话晚|学说话|口吃|结巴|喝醉|喝多了|从小"
                          r"|天生|一直这样|一直都这样",),
    ),
    RedFlagRule(
        "breathing",
        triggers=(
            r"(呼吸困难|呼吸{g}(困难|费劲)|呼吸不上来|喘不上气|喘不过气|上不来气|透不过气|气都喘不|喘不动气|憋得喘不|憋气憋得"
            r"|窒息|没法呼吸|不能呼吸|吸不进气|"
            r"呼吸不过来|喘得{g}(厉害|说不出话|说不了话|躺不下|不行)|憋得{g}(说不出话|脸发紫|要死|不行))",
            r"(嘴唇|嘴巴|脸|指甲){g}(发紫|发青|紫了|青紫|发乌)",
            r"(喉咙|嗓子|气管){g}(肿|堵)得{g}(喘|说不出|呼吸|透不过)",
        ),
        excludes=(r"(爬楼|上楼|上坡|走路|走快|快走|跑步|运动|活动|干活|干点活|一动就|锻炼|跑两步|走几步|上几层|体育课)",
                  r"(鼻塞|鼻子堵|感冒鼻子)",),
    ),
    RedFlagRule(
        "breathing",
        triggers=(r"(哮喘|气喘){G}(发作|犯了|又犯)",),
        requires=(r"(不管用|没用|不见好|喘不|说不出话|停不下|嘴唇|憋|越来越重|坐着喘)",),
    ),
    RedFlagRule(
        "unconscious",
        triggers=(
            r"(昏迷|不省人事|不醒人事|叫不醒|喊不醒|意识不清|意识模糊|没有意识|没意识|失去意识|失去知觉|晕倒|晕过去|昏倒|昏过去|"
            r"晕厥|倒地不起|倒在地上|(叫|喊|拍|摇)[^，。]{0,4}不醒|没了意识|没了知觉|失去了意识|一头栽倒|突然倒下|没反应"
            r"|没有反应|人事不省|神志不清|不认人了)",
        ),
        excludes=(r"(差点|险些|快要|快晕|晕车|晕船|晕机|晕血|晕针|醉|游戏|打游戏|装|假装|低血糖史|看到血)",
                  r"(手机|电脑|网页|系统|app|小程序|按钮|点了|消息|发了|他对我|她对我|老公对|叫他|说他|发信息)"),
    ),
    RedFlagRule(
        "cardiac_arrest",
        triggers=(r"(没气了|没了气|断气|没了呼吸|没有呼吸|没呼吸了|呼吸停了|没有心跳|没心跳|心跳停了|心脏骤停|心跳骤停"
                  r"|呼吸心跳停止|摸不到脉|没有脉搏)",),
    ),
    RedFlagRule(
        "heavy_bleeding",
        triggers=(
            r"(大出血|血流不止|止不住血|血止不住|止不住{g}血|出血{g}止不住|流血{g}止不住|血{g}一直流|一直{g}(流血|出血)|"
            r"血喷|喷血|大量出血|出了{g}(好多|很多|一大滩|一地|一盆)血|流了{g}(好多|很多|一大滩|一地)血|"
            r"血{g}(流了一地|浸透|湿透)|出血{g}(很多|好多|一大滩))",
            r"((拉|便|吐|流|出){g}了?{g}(一马桶|一盆|一地|一大滩|一大摊)的?血)",
            r"(血{g}(哗哗|呼呼|汩汩|直流|往外冒|往外涌|喷出)|(大便|便便|拉的){g}(全是血|都是血|一大滩血|全是红的))",
            r"(便血|拉血|尿血|鼻血|鼻子出血|流鼻血){W}(很多|好多|一大滩|一马桶|止不住|不止|半小时|一直|头晕|晕)",
            r"(割|砍|切|划|扎){g}(了|到|破|伤){W}(很深|好深|见骨|骨头|动脉|止不住|喷)",
        ),
        excludes=(r"(痔疮{g}(出血|便血)|牙龈|刷牙|血丝|一点点|一点血|少量|月经|例假|大姨妈|来事|经期|流鼻血{g}一会)",),
    ),
    RedFlagRule(
        "vomiting_blood",
        triggers=(r"(吐血|呕血|(吐|呕)(了|出){G}血|咯血|咳血|咳了{G}血|咳出{G}血|吐{g}(咖啡色|咖啡渣|鲜红))",),
        excludes=(r"(想吐血|气得|要吐血|让人吐血|得吐血|得我吐血|吐血三升|吐血了都|让我吐血|简直吐血|血丝|痰里|痰中|带血丝|牙龈"
                  r"|刷牙|鼻血{g}流到)",),
    ),
    RedFlagRule(
        "seizure",
        triggers=(r"(抽搐|抽风|惊厥|癫痫发作|癫痫犯了|癫痫又犯|羊角风犯|羊癫疯犯|羊癫疯发作|口吐白沫|四肢抽|浑身抽|全身抽"
                  r"|手脚抽动|"
                  r"翻白眼{g}(抽|不醒|没反应)|抽过去|抽起来|(人|孩子|宝宝|他|她|娃|媳妇|老婆|老公|爸|妈|儿子|女儿)抽了(?!{g}(血"
                  r"|烟|根|口|空|奖|签|脂|水))|牙关紧(咬|闭)|抽得{g}(厉害|不停|停不下)|抽了{g}(一阵|几分钟|好几分钟))",),
        excludes=(r"(眼皮|眼睛|眼角|嘴角|脸部|面部|面肌|脸上|肌肉|手指|小腿|腿|脚|胃|肚子){g}(抽搐|跳|抽)",
                  r"(抽筋|抽血|抽烟|抽空|抽奖|抽查|抽时间|抽样|抽脂|抽水|抽签|抽屉|抽出)",),
    ),
    RedFlagRule(
        "anaphylaxis",
        triggers=(r"(过敏|蜂蛰|蜂蜇|蜇了|蛰了|打完针|输液|打完{W}(针|疫苗|青霉素|头孢|药)|(打|用|输)了{W}(针|青霉素|头孢|疫苗"
                  r"|药|造影剂)|吃了{W}(海鲜|花生|虾|蟹|芒果|青霉素|头孢|阿莫西林|药))",),
        requires=(r"(喉咙|嗓子|喉头){g}(发紧|紧|肿|堵|憋)|喘不|还喘|喘得|都肿了|全肿了|肿得{g}(睁不开|说不出)|呼吸困难|上不来气"
                  r"|透不过气|憋气|嘴唇{g}肿|舌头{g}肿|"
                  r"眼睛肿得|晕倒|晕过去|休克|血压{g}(低|掉|下降)|脸{g}(发白|苍白){W}晕|心慌{W}晕|全身{g}(疹|包|红){W}(喘|晕"
                  r"|憋)",),
        excludes=(r"(鼻炎|过敏性鼻炎|季节性|每年|春天|过敏原|查过敏|过敏史|脱敏)",),
    ),
    RedFlagRule("anaphylaxis", triggers=(r"(过敏性休克|严重过敏反应|喉头水肿)",)),
    RedFlagRule(
        "poisoning",
        triggers=(
            r"(中毒|误服|误食|误喝|喝了{W}(农药|敌敌畏|百草枯|除草剂|杀虫剂|消毒液|84|洁厕|汽油|煤油|甲醇|假酒|老鼠药|耗子药)|"
            r"吃了{W}(老鼠药|耗子药|农药|毒蘑菇|野蘑菇|杀虫剂|干燥剂|电池|磁铁)|煤气{g}(中毒|熏)|一氧化碳|烧炭|(煤气|燃气"
            r"|天然气){g}(泄漏|漏气)|把{W}(洗衣液|洗洁精|消毒液|84|农药|洁厕灵|酒精|汽油|敌敌畏|老鼠药|杀虫剂|指甲油|电池"
            r"|干燥剂){g}(喝|吃|吞|咽)(了|下))",
        ),
        excludes=(r"(食物中毒|轻微|有点|会不会中毒|中毒性|中毒了吗|可能是{g}中毒|是不是{g}中毒)",),
    ),
    RedFlagRule(
        "overdose",
        triggers=(
            r"(吃了|吞了|喝了|服了){W}(一整瓶|一瓶|整瓶|半瓶|一整板|一板|好几板|一大把|一把|好多片|很多片|几十片|\d{2,}多?片"
            r"|\d+多片|"
            r"三十多片)(的)?{W}(药|安眠药|安定|降压药|降糖药|止痛药|布洛芬|对乙酰氨基酚|扑热息痛|阿司匹林|片)?",
            r"(药|安眠药|安定|降糖药|降压药){g}(吃多了|吃多|吃过量|过量|吃了双份{W}(晕|吐|迷糊))",
            r"(药物过量|服药过量)",
        ),
        excludes=(r"(维生素|钙片|益生菌|健胃消食|山楂|鱼油|保健品|糖丸|维C)",),
    ),
    RedFlagRule(
        "fever_stiff_neck",
        triggers=(r"(发烧|发热|高烧|烧到|体温|\d{2}(\.\d)?度)",),
        requires=(r"(脖子{g}(硬|僵|发硬|梗|转不动|低不下)|颈部?{g}(僵硬|强直)|颈强直|出血点|紫斑|瘀斑{W}不退)",),
        excludes=(r"(落枕|睡落枕|颈椎病)",),
    ),
    RedFlagRule(
        "child_fever_confusion",
        triggers=(r"(发烧|发热|高烧|烧到|\d{2}(\.\d)?度)",),
        requires=(KIDS, r"(迷糊|叫不醒|喊不醒|不太醒|不醒|意识|嗜睡|一直睡不醒|昏睡|胡言乱语|说胡话|不认人|精神{g}(特别|很"
                        r"|极)差{W}(叫|醒)|"
                  r"抽|惊厥|翻白眼|没反应|软绵绵{W}(叫|醒)|呼吸{g}(急促|困难))"),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "pregnancy_bleeding",
        triggers=(r"(出血|流血|见红{W}(很多|好多|大量|止不住|像月经|比月经多)|大出血|下面{g}流血|阴道{g}(出血|流血))",),
        requires=(PREGNANT,),
        excludes=(r"(牙龈|鼻|刷牙|痔疮|一点点|少量|血丝|咖啡色)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "pregnancy_pain",
        triggers=(r"(肚子|腹部|小腹|下腹|肚皮){g}(剧痛|疼得{W}(厉害|受不了|打滚|直不起)|痛得{W}(厉害|受不了|打滚|直不起)|"
                  r"一阵一阵{g}(剧痛|疼得厉害)|硬得像|特别疼|很疼很疼|绞痛)",
                  r"(破水|羊水破|羊水{g}流|胎动{g}(消失|没了|停了|感觉不到|明显减少)|感觉不到胎动)",
                  r"(头痛|头疼|头晕){W}(眼花|看不清|视物模糊|抽搐|血压高)"),
        requires=(PREGNANT,),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "suicide",
        triggers=(
            r"(自杀|轻生|寻死|寻短见|死掉|想去死|一死了之|(药|安眠药){W}攒|攒{W}(药|安眠药)|一次(全|都)吃|一口气全吃|不想活"
            r"|活着没意思|活着没意义|活着{g}(没什么意思|有什么意思|太累了没意思)|活不下去|想死|死了算了|"
            r"死了就好了|一了百了|结束{g}(自己|生命|这一切)|了结{g}(自己|生命)|去死|不如死|跳楼|跳河|跳江|上吊|割腕|"
            r"安眠药{M}(攒|存|一次吃|全吃)|(攒|存)了?{g}(一瓶|很多|好多|一堆)?{g}安眠药|写好了遗书|写遗书|想消失|离开这个世界)",
        ),
        excludes=(r"(想死你|想死我|想死他|想死她|想死大家|想死了你|想死你们|笑死|累死|热死|烦死|饿死|困死|气死|吓死|急死|忙死"
                  r"|冷死|"
                  r"馋死|撑死|疼死|痒死|美死|乐死)(?!.*不想活)",
                  r"(预防|防止|干预|热线|科普|讲座|论文|研究|课题|新闻|电视剧|电影|小说|游戏里|歌词|防自杀)",
                  r"(从来没|从没|没有想过|没想过|不会自杀|不是想|不会想不开)"),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    RedFlagRule(
        "self_harm",
        triggers=(r"(自残|自伤|伤害自己|划自己|割自己|划手腕|割手腕|拿刀{g}(划|割){g}自己|撞墙{W}(停不下|头破)|烫自己|掐自己)",),
        excludes=(r"(预防|防止|科普|讲座|新闻|电视剧|电影|小说|从来没|没有过)",),
        cancels=frozenset({NEGATION, MEDIA, HISTORY_RESOLVED}),
        crisis=True,
    ),
    # ---- what a triage nurse adds ----
    RedFlagRule(
        "head_injury",
        triggers=(r"(摔|撞|磕|砸|打|碰|跌|掉|滚){W}(头|脑袋|后脑|脑门|额头"
                  r"|头部)", r"(头|脑袋|后脑勺|头部){g}(撞|磕|摔|砸|着地|破)"),
        requires=(r"(吐|呕|昏|晕过去|晕倒|意识|叫不醒|喊不醒|抽|流血{g}不止|耳朵{g}(流血|出血|流水)|鼻子{g}流{g}(清水|水)|"
                  r"瞳孔|不清醒|说胡话|胡言乱语|嗜睡|一直睡|想睡|很困|犯困|迷糊|不认人|记不起|想不起|头痛{g}(加重|越来越)"
                  r"|越来越疼)",),
        excludes=(r"(起了{g}包|鼓了{g}包|一个包)(?!.*(吐|昏|晕过去|意识|抽|迷糊))",),
    ),
    RedFlagRule(
        "worst_headache",
        triggers=(r"(头|脑袋){M}(痛|疼)",),
        requires=(r"(从来没{g}这么|这辈子最|一辈子最|前所未有|从没{g}这么|像{g}(炸开|要炸|爆炸|裂开|劈开|被打了一棍)|炸裂|"
                  r"要裂开|突然{g}剧烈|剧烈{g}(头痛|头疼)|突然{W}(最|特别){g}厉害|最厉害的一次)",),
        excludes=(r"(偏头痛{W}老毛病|熬夜|喝酒后|宿醉|感冒)",),
    ),
    RedFlagRule(
        "diabetic_emergency",
        triggers=(r"(血糖|低血糖|高血糖|糖尿病)",),
        requires=(r"(迷糊|意识|叫不醒|喊不醒|说胡话|胡言乱语|昏迷|昏过去|晕倒|晕过去|抽|不认人|反应{g}(慢|迟钝)|烂苹果"
                  r"|呼吸{g}(深快|又深又快)|"
                  r"测不出|爆表|HI|高出{g}范围|打不醒)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "vision_loss",
        triggers=(r"(突然|忽然|一下子|猛地){W}(看不见|看不到|看不清|失明|瞎了|一片黑|视力{g}(下降|没了|丧失)|眼前{g}(一片黑"
                  r"|发黑{W}看不见|黑幕|"
                  r"窗帘|帘子))",
                  r"(一只眼|一个眼|左眼|右眼|双眼|两只眼){g}(突然|忽然){g}(看不见|看不到|失明|黑了)",
                  r"(石灰|84|消毒液|硫酸|盐酸|烧碱|碱|强酸|化学|洁厕|清洁剂|水泥){W}(溅|进|弄|喷){g}(到|进)?{g}眼"),
        excludes=(r"(蹲|站起来|起身|眼前发黑一下|一会儿就好|几秒|近视|老花|度数|配眼镜|手机|电脑|屏幕)",),
    ),
    RedFlagRule(
        "choking",
        triggers=(r"(噎住|卡住|卡在{g}(喉咙|嗓子|气管)|呛住|呛到|堵住{g}(喉咙|嗓子|气管)|异物{g}(卡|进){g}气管|气管异物)",),
        requires=(r"(喘不|不能呼吸|没法呼吸|呼吸困难|说不出话|发不出声|脸{g}(发紫|憋紫|发青|紫了|青了)|嘴唇{g}(发紫|紫)|咳不出"
                  r"|憋得|"
                  r"上不来气|气管|翻白眼|没反应|窒息)",),
    ),
    RedFlagRule(
        "drowning",
        triggers=(r"(溺水|淹着了|淹水了|掉{g}(进|到|下)?{g}(水里|河|池|塘|湖|江|井|泳池|河|池|塘|湖|江|井|泳池)|落水|被水淹"
                  r"|呛水{W}(没反应|昏|叫不醒|不醒|喘|呼吸))",),
        excludes=(r"(手机|钥匙|东西|包|戒指|掉进水里的手机)",),
    ),
    RedFlagRule(
        "electric_shock",
        triggers=(r"(触电|被电击|被电到|被电打|电击伤|被雷劈|雷击|被电了{W}(晕|倒|昏|黑|烧|不动|没反应))",),
        excludes=(r"(静电|电了一下|麻了一下|麻麻的|电蚊拍|电击治疗|电疗|理疗|电针|电击除颤器)",),
    ),
    RedFlagRule(
        "major_burn",
        triggers=(r"(烧伤|烫伤|烧着|着火|火烧|被火|开水|热油|热水|蒸汽|炸伤|硫酸|烧到|烫到|烫了|烧了)",),
        requires=(r"(大面积|一大片|全身|半个身|半身|整个{g}(胳膊|腿|背|后背|胸口|肚子|脸)|脸上|面部|脸和|皮都{g}(掉|烂|脱|焦)|"
                  r"焦了|发黑|好大一片|呼吸道|吸入|嗓子{g}(哑|肿))",),
        excludes=(r"(手指|指头|一点点|一小块|硬币大|指甲盖|小水泡|晒伤|晒)",),
    ),
    RedFlagRule("major_burn", triggers=(r"(大面积|一大片|全身){g}(烧伤|烫伤)",)),
    RedFlagRule(
        "elderly_fall",
        triggers=(r"(摔|跌|滑|绊){g}(倒|了|跤)", r"(倒在地上|倒地)"),
        requires=(r"(起不来|站不起来|爬不起来|动不了|不能动|腿{g}(变短|外旋|歪)|大腿根{W}(疼|痛)|髋{W}(疼|痛))",),
    ),
    RedFlagRule(
        "acute_abdomen",
        triggers=(r"(肚子|腹部|肚皮){g}(硬得像{g}(木板|板|石头)|硬邦邦|像板一样|板状|僵硬{W}(碰都不能碰|不能碰"
                  r"|一碰就疼))", r"板状腹"),
    ),
    RedFlagRule(
        "hypertensive_crisis",
        triggers=(r"(血压|高压|收缩压){g}(2\d\d|3\d\d)", r"(血压|高压){g}\d{3}{g}[/ ]{g}(1[2-9]\d)", r"低压{g}(1[3-9]\d)"),
        requires=(r"(头痛|头疼|头晕|胸闷|胸痛|胸口疼|看不清|视物模糊|眼花|恶心|呕吐|吐了|说话不清|手脚麻|半边|意识|迷糊|喘不"
                  r"|心慌|抽)",),
        cancels=frozenset({NEGATION, HISTORY, INFO, HYPOTHETICAL, MEDIA}),
    ),
    RedFlagRule(
        "major_trauma",
        triggers=(r"(车祸|被车撞|被{g}车{g}撞|撞车|被撞飞|从{W}(楼上|楼梯上|高处|梯子|屋顶|房顶|脚手架|二楼|三楼|树上){g}(摔|掉"
                  r"|跌|滚)下|"
                  r"高处坠落|坠楼|被刀{g}(扎|捅|砍)|刀{g}(扎进|捅进|插进)|捅伤|枪伤|骨头{g}(戳|露|刺){g}出来|开放性骨折"
                  r"|被{g}压在下面|"
                  r"被毒蛇|毒蛇咬|被蛇咬|蛇咬伤|中暑{W}(昏|晕倒|意识|抽|叫不醒|不出汗{W}高烧))",),
        excludes=(r"(擦伤|擦破|皮外伤|没事|一点点|轻微|剐蹭|康复|复查|后遗症|半年|\d+年|几年|个月)",),
    ),
)

# ---- generic cancelling contexts (patterns) ----
_SPLIT = re.compile(r"[，。！？；,.!?;…\n]+|(?=但是|(?<![喘说睡比透挺受熬打吃忍撑])不过(?![气来去])|可是|然而|现在|目前|如今"
                    r"|后来|结果)")
_NEG_BEFORE = re.compile(r"(没有|没|无|未曾|未|并不|并没有|不再|否认|不是|也没|都没|从来没|从没|不太|不怎么|不是很|不算"
                         r"|不)(出现|发生|感到|觉得|什么|任何|明显|过)?$")
_NEG_AFTER = re.compile(r"^(的话)?(已经|早就|都|也)?(没有了|没了|好了|消失了|缓解了|不疼了|不痛了|停了|止住了|没事了)")
_HISTORY = re.compile(r"(以前|之前|从前|曾经|过去|早年|小时候|年轻时|年轻的时候|去年|前年|几年前|\d+年前"
                      r"|[一二两三四五六七八九十几]+年前|"
                      r"[一二两三四五六七八九十几\d]+个月前|上次|上回|那次|有一次|好久以前|那年|年前)")
_EXPERIENTIAL = re.compile(r"^[^，。]{0,3}过(?!来|去|敏|度|量|多|头|不|气|于)")
_RESOLVED = re.compile(r"(好了|没事了|好多了|恢复了|恢复正常|缓解了|正常了|消失了|不疼了|不痛了|痊愈|康复了|没再|没有再|不再)")
_RECURRENCE = re.compile(r"(又|再次|复发|还在|还是|至今|到现在|一直没好|加重)")
_RECENT = re.compile(r"(刚才|刚刚|就在刚才|几分钟前|半小时前|一小时前|正在)")
_INFO = re.compile(
    r"(能吃|能不能|可以吃|可不可以|的病人|患者|应该怎么|该怎么|怎么回事|什么原因|会怎样|会怎么样|有什么后果|有什么危害"
    r"|有什么影响|(怎么|如何|怎样|该怎么)(预防|防止|避免|急救|处理|护理|判断|识别|治疗|办理|区分|分辨|做)|预防|防范|急救(知识"
    r"|方法|措施|常识|培训|课)|"
    r"了解|咨询|科普|知识|讲座|常识|(挂|看)(什么|哪个|哪|啥)科|什么科|哪个科|什么症状|哪些症状|症状(是|有)|(是|有)(什么"
    r"|哪些)(原因|区别|症状|表现|征兆|先兆)|"
    r"的原因|注意(什么|事项|哪些)|有什么(征兆|先兆|表现)|先兆|征兆|表现是|能报销|医保|保险|费用|多少钱|是什么病|是什么意思"
    r"|什么意思|"
    r"写论文|考试|题目|课本|培训|演练|学习)"
)
_HYPOTHETICAL = re.compile(r"(如果|万一|假如|要是|假设|假若|会不会|是不是会|怕|担心|以防|防止|可能会|容易|风险|"
                           r"几率|概率|遗传)")
_MEDIA = re.compile(r"(电视|新闻|听说|网上|书上|文章|视频|抖音|快手|朋友圈|小说|电视剧|电影|广播|公众号|微博|报纸|科普|有人说"
                    r"|别人说)")
_CHRONIC = re.compile(r"(多年|好几年|几年了|\d+年了|[一二两三四五六七八九十几]+年了|老毛病|从小|后遗症|病史|复查|术后|康复|出院"
                      r"|随访|定期|"
                      r"长期|一直有|这几年|经常|老是|时不时|偶尔|有时候|反复|每次|每年|每个月|体检|"
                      r"(半年|[一二两三四五六七八九十几\d]+个?(月|年))了|了(半年|[一二两三四五六七八九十几\d]+个?(月|年)))")
# Urgency that no context cancels except negation; "突然" and "X了" (with a person) outweigh history and questions only.
_STRONG_ACUTE = re.compile(r"(正在|刚才|刚刚|救命|快来|不行了|快不行|还在|一直在|此刻|这会儿|怎么办啊|快点|马上|赶紧|急死了)")
_WEAK_ACUTE = re.compile(r"(突然|忽然|一下子|今天|今早|早上|昨晚|晚上|很多|好多|大量|止不住|剧烈|剧痛|厉害|受不了)")
_PERSON = re.compile(r"(我|俺|孩子|宝宝|小孩|老人|老公|老婆|爱人|家里|他|她|儿子|女儿|爸|妈|爷|奶|外公|外婆|姥|婆婆|公公|老伴"
                     r"|朋友|同事|邻居|有人)")
_PERFECTIVE = re.compile(r"^(了|着|啦)")


class RedFlagResult(BaseModel):
    """What the safety layer found. `flags` are stable English codes, in rule order."""

    flags: list[str]
    emergency: bool
    crisis_hotline: bool


def split_clauses(text: str) -> list[str]:
    """Clauses, split on punctuation and turning words (但是, 不过, 现在...); empty pieces dropped."""
    return [c for c in _SPLIT.split(text) if c and c.strip()]


def _cancelled(rule: RedFlagRule, clause: str, match: re.Match[str], later: list[str], text: str) -> bool:
    """Whether the context of this trigger occurrence says it is not happening now to someone (see module doc)."""
    before, after = clause[: match.start()], clause[match.end() :]
    cancels = rule.cancels
    if NEGATION in cancels and (_NEG_BEFORE.search(before) or _NEG_AFTER.match(after)):
        return True
    if _STRONG_ACUTE.search(clause):
        return False
    if MEDIA in cancels and _MEDIA.search(text[: max(text.find(clause), 0) + match.start()]):
        return True
    if HYPOTHETICAL in cancels and _HYPOTHETICAL.search(clause):
        return True
    if HISTORY_RESOLVED in cancels and _HISTORY.search(before) and _RESOLVED.search("".join(later) + after):
        return True
    if _WEAK_ACUTE.search(clause) or (_PERFECTIVE.match(after) and _PERSON.search(text)):
        return False
    if HISTORY in cancels:
        rest = "".join(later) + after
        past = _HISTORY.search(before) or _EXPERIENTIAL.match(after) or _RESOLVED.search(rest)
        if past and not _RECURRENCE.search(rest) and not _RECENT.search(text):
            return True
    if INFO in cancels and _INFO.search(clause):
        return True
    return CHRONIC in cancels and bool(_CHRONIC.search(clause))


def _present(pattern: re.Pattern[str], clauses: list[str]) -> bool:
    """The pattern occurs somewhere, neither negated nor told as a past episode."""
    return any(
        not _NEG_BEFORE.search(clause[: m.start()])
        and not (_HISTORY.search(clause[: m.start()]) or _EXPERIENTIAL.match(clause[m.end() :]))
        for clause in clauses for m in pattern.finditer(clause)
    )


def check(text: str) -> RedFlagResult:
    """Runs every rule over normalised text; a flag is set once one trigger survives its cancelling contexts."""
    clauses = split_clauses(text)
    flags: list[str] = []
    crisis = False
    for rule in RULES:
        if rule.code in flags:
            continue
        if not all(_present(p, clauses) for p in rule.compiled["requires"]):
            continue
        if _fires(rule, clauses, text):
            flags.append(rule.code)
            crisis = crisis or rule.crisis
    return RedFlagResult(flags=flags, emergency=bool(flags), crisis_hotline=crisis)


def _fires(rule: RedFlagRule, clauses: list[str], text: str) -> bool:
    message_excluded = any(p.search(text) for p in rule.compiled["message_excludes"])
    for index, clause in enumerate(clauses):
        if any(p.search(clause) for p in rule.compiled["excludes"]):
            continue
        if message_excluded and not (_STRONG_ACUTE.search(clause) or _WEAK_ACUTE.search(clause)):
            continue
        for pattern in rule.compiled["triggers"]:
            for match in pattern.finditer(clause):
                if not _cancelled(rule, clause, match, clauses[index + 1 :], text):
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
