"""Input normalisation: the first step for every text the bot reads (safety rules, fallback, Rasa, cache key)."""

from __future__ import annotations

import re
import threading
import unicodedata

MAX_CHARS = 500

# Emoji and other pictographs arrive as So/Sk/Cs/Co; keep the few symbols that carry meaning in vitals.
_KEEP_SYMBOLS = frozenset("°℃")
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "So", "Sk"})
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u200d]")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。！？；：、])\s+(?=[{_CJK}，。！？；：、])")
_SPACES = re.compile(r"\s+")
_REPEATED_PUNCT = re.compile(r"([，。！？!?,.~～…])\1+")

# NFKC maps Chinese full-width punctuation to ASCII; clause splitting and Rasa prefer the Chinese forms.
_PUNCT_TO_CHINESE = str.maketrans({",": "，", "!": "！", "?": "？", ";": "；", ":": "："})

# Common traditional characters of medical talk, used when zhconv is not installed.
_T2S_SMALL = str.maketrans(
    "醫頭痛發燒嘔吐胸悶腦癇癲腫瘤腎臟膽腸胃喉嚨鼻齒牙顆眼淚風濕節骨骼傷藥劑針檢驗報告掛號門診產婦婦兒嬰"
    "臉嘴說話聽見覺氣喘咳嗽痰體溫壓糖糞尿陰囊經期懷孕懸暈厥識語疊傷燙燒還過這麼樣沒有會應該們為從後時候個"
    "間題級區開關電話預約診療費險醫保停車場探視營業點幾鐘週歲媽爺奶孫麼嗎讓請謝謝再見術復輸針灸藥師護士",
    "医头痛发烧呕吐胸闷脑痫癫肿瘤肾脏胆肠胃喉咙鼻齿牙颗眼泪风湿节骨骼伤药剂针检验报告挂号门诊产妇妇儿婴"
    "脸嘴说话听见觉气喘咳嗽痰体温压糖粪尿阴囊经期怀孕悬晕厥识语叠伤烫烧还过这么样没有会应该们为从后时候个"
    "间题级区开关电话预约诊疗费险医保停车场探视营业点几钟周岁妈爷奶孙么吗让请谢谢再见术复输针灸药师护士",
)
_zhconv_lock = threading.Lock()
_zhconv_convert: object = None


def _to_simplified(text: str) -> str:
    global _zhconv_convert
    if _zhconv_convert is None:
        with _zhconv_lock:
            if _zhconv_convert is None:
                try:
                    from zhconv import convert

                    _zhconv_convert = convert
                except ImportError:  # optional dependency: the small table still covers medical words
                    _zhconv_convert = False
    if _zhconv_convert:
        return _zhconv_convert(text, "zh-cn")  # type: ignore[operator]
    return text.translate(_T2S_SMALL)


# Chinese numerals, only where they are readings (血压一百五 → 150, 三十九度五 → 39.5度).
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = re.compile(r"[零〇一幺二两三四五六七八九十百]+(?:点[零一二三四五六七八九]+)?")
_VITAL_BEFORE = re.compile(
    r"(血压|高压|低压|收缩压|舒张压|血糖|空腹|餐后|体温|烧到|发烧|发热|高烧|低烧|心率|心跳|脉搏|脉率|血氧|体重|"
    r"量了|测了|测的|量的|温是|压是|糖是|率是|烧了|到|/|／|[\d零一二三四五六七八九十百]\s"
    r"|(血压|血糖|体温|心率|血氧|体重)(今天|今早|早上|晚上|刚才|刚刚|现在|是|有)+)\s*$"  # 血压今天一百五: by voice
)
_VITAL_AFTER = re.compile(r"^\s*(度|多度|次|下|斤|公斤|千克|mmol|毫摩尔|毫米汞柱|mmHg|/|／|左右|多)", re.IGNORECASE)
_DEGREE_DECIMAL = re.compile(r"(\d{2})度([一二三四五六七八九])(?![十百])")

# Phone typos and homophones of red-flag words and common complaints (pinyin input picks the wrong character). Phrase-level only, so that
# the wrong character is fixed only where it cannot be meant: 叫不性 → 叫不醒, 喘不上起 → 喘不上气, 冷汉 → 冷汗.
_TYPO_FIXES: tuple[tuple[str, str], ...] = (
    (r"(叫|喊|拍|摇|推|弄)(都|也)?不(性|星|幸|兴|型)", r"\1\2不醒"),
    (r"(喘不上|喘不过|喘不来|上不来|透不过|吸不上|换不过|喘不动|提不上|接不上)(起|器|汽|弃)", r"\1气"),
    (r"(憋|没|断|咽)(汽)(?=了)", r"\1气"),
    (r"抽(畜(?!生|牲)|触)", "抽搐"),  # not words of their own (抽畜生: whipping an animal)
    # 抽蓄 is also hydro power (抽蓄电站); spaces between Chinese characters are already gone here (抽蓄现在)
    (r"抽蓄(?=了|起来|着|不停|得|的|，|。|！| |$|口吐|眼|翻|倒|叫|昏|现在|刚|过|完|停|醒|后|还)", "抽搐"),
    (r"(冷|虚|满头大|一身大)汉", r"\1汗"),
    (r"(晕|昏)到(?=了|在|地|过去)", r"\1倒"),
    (r"呼吸困(南|男|楠)", "呼吸困难"),
    (r"口吐白(末|抹|墨|膜)", "口吐白沫"),
    (r"(昏|婚|混)(谜|米|弥)", "昏迷"),
    (r"(脑|心)(埂|耿)", r"\1梗"),
    (r"中(疯|峰)(?=了|啦)", "中风"),
    (r"(嘴|脸|口角)(外|崴)了", r"\1歪了"),
    (r"(窒|至)(习|吸)(?!惯)", "窒息"),
    (r"休(课|刻)(?=了)", "休克"),
    (r"(抽|呕|吐)(学|雪)(?=了|，|。| |$)", r"\1血"),
    # voice input: 吐血 heard as 土血, 胸口 as 兄口, 喘 as 串 (none is a word of its own)
    (r"土血", "吐血"),
    (r"兄口", "胸口"),
    (r"串不(上|过|动)(气|来)", r"喘不\1\2"),
    (r"(新|信|兴)口窝", "心口窝"),
    (r"(一头|满头|一身)汉(?!子)", r"\1汗"),
    # an old man's voice input (凶口痛, 兔了好多雪, 大变是黑的, 蛇头麻了, 是不是老梗): each only where it makes no other word
    (r"凶口", "胸口"),
    (r"梗(赛|塞)", "梗塞"),
    (r"白草枯", "百草枯"), (r"雪糖", "血糖"), (r"(?<=[喝吃打喷])了?农要", "了农药"), (r"抽经", "抽筋"),
    (r"新口(?=痛|疼|闷|堵|窝|憋)", "心口"),
    (r"(速效)?(就|旧|救)新丸|(速效)?(就|旧)心丸", "救心丸"),
    (r"(夷|姨|移)岛素|胰导素", "胰岛素"),
    (r"兔(了|出)(?=[^，。！？；]{0,4}(雪|血))", r"吐\1"),
    (r"(吐|咳|呕)(了|出)?([^，。！？；雪]{0,4})(雪|学)", r"\1\2\3血"),
    (r"(拉|便|出|流)(了|出)?([^，。！？；雪]{0,4})(雪|学)(?=是|了|，|。|！| |$|还|一|的|块|红)", r"\1\2\3血"),
    (r"鲜(学|雪)", "鲜血"),
    (r"云倒", "晕倒"),
    (r"大变(?=是|黑|像|发黑|带血|稀|里)", "大便"),
    (r"杜子(?=痛|疼|胀|突然|硬|绞)", "肚子"),
    (r"大蛇头", "大舌头"),
    (r"蛇头(?=麻|发麻|僵|不灵|发硬|打结)", "舌头"),
    (r"(?<=是不是)老梗|老梗(?=了|吧|吗)", "脑梗"),
    (r"后被(?=和|疼|痛|发)", "后背"),
    # netspeak for 自杀 (紫砂壶 is a teapot)
    (r"(想|要|去|准备|打算)紫砂(?!壶)", r"\1自杀"),
    # Henan and Shandong 木 for 没 (木有, 木晕 木吐); not in 木头, 麻木, 树木
    (r"(?<![树积草麻苗林枕红乌檀松杉])木(?=有|晕|吐|事|啥|感觉|问题|发烧|烧)", "没"),
    (r"(钟|忠)(风|疯|峰)(?=了|啦)", "中风"),
    (r"(滴滴|嘀嘀|敌敌)(畏|胃|喂|位)", "敌敌畏"),
    # and of everyday complaints, where the wrong characters make no word of their own (方便密码 stays)
    (r"咳(漱|数|簌)", "咳嗽"),
    (r"心荒", "心慌"),
    (r"(?<!方)便(密|泌)(?!码)", "便秘"),
    (r"痣疮", "痔疮"),
    (r"牙(银|跟)(?=出血|肿|疼|痛|萎缩|发炎|红|老|总|一)", "牙龈"),
    (r"桑子(?=疼|痛|哑|干|痒|眼|里|发炎|不舒服|有)", "嗓子"),
    (r"头(云|运)(?=了|得|的|眼花|乎乎|目眩|脑胀|，|。| |$)", "头晕"),
    (r"拉肚(纸|只)", "拉肚子"),
    (r"腹(写|谢)", "腹泻"),
    (r"恶星(?=想吐|呕吐|反胃|得|了|，|。| |$)", "恶心"),
    # voice input of the readings and services patients name most (雪压一百六, 将压药, 挂好费): only where the wrong
    # characters make no word of their own (雪压断了树枝, 挂好了, 头发少 stay)
    (r"雪压(?![断垮塌弯坏倒住着])", "血压"),
    (r"(将|酱|匠)压(?=药|片|的药)", "降压"),
    (r"(新|信)慌", "心慌"),
    (r"(拉|闹|跑)(度|杜|读)子", r"\1肚子"),
    (r"(?<![温角程态幅力])度子(?=疼|痛|胀|不舒服|难受|咕)", "肚子"),
    (r"咳缩", "咳嗽"),
    (r"医宝(?=卡|能|可以|报|给|吗|么|不|报销|账户|个人)", "医保"),
    (r"(?<![头毛])发少(?=到|了?\d|了?[三四]十)", "发烧"),
    (r"挂好(?=费|单|处|窗口|的地方|在哪|要多少|多少钱)", "挂号"),
    (r"(网上|怎么|咋个|在哪|哪里|预约|帮我|我想|我要|想要|能不能)挂好(?![了的没吗啊呀号])", r"\1挂号"),
    # and the coarse word for the anus, which no training line uses: the models heard 眼 in 屁眼儿 (→ 眼科)
    (r"屁眼儿?", "肛门"),
)


# Cantonese and Hunan words in Mandarin messages (阿爷胸口痛咗成个钟, 伢儿淹水哒 冇得气): mapped to Mandarin so that the
# rules and the models read them. Only characters and phrases that Mandarin does not use this way; 唔 only before the
# verbs it negates (唔, on its own, is a Mandarin "hmm").
_DIALECT: tuple[tuple[str, str], ...] = (
    (r"透唔到气|透不到气|抖唔到气|唞唔到气", "透不过气"), (r"出气不赢|出不赢气", "喘不上气"), (r"冇得气|冇气|不出气哒", "没气了"),
    (r"止唔到|止唔住", "止不住"), (r"冇声出", "没声音"), (r"叫极都唔应|叫極都唔應|叫佢都唔应", "叫不应"),
    (r"而家", "现在"), (r"啱啱", "刚刚"), (r"头先", "刚才"), (r"细个(?=时|嗰阵|到大|时候)", "小时候"), (r"(睇|看)紧", "看着"),
    (r"老豆", "爸爸"), (r"中咗风", "中风了"), (r"仲未醒", "还没醒"), (r"条颈", "脖子"), (r"个仔|细路|细伢子|伢儿|伢子", "孩子"),
    (r"饮(?=咗|了|左|过)", "喝"), (r"食(?=咗)", "吃"), (r"(呕|吐)紧", "一直在吐"), (r"面(?=[都色]?[紫青白])", "脸"), (r"紫埋", "紫了"),
    (r"呕(?=咗|了)", "吐"), (r"哽住", "噎住"),
    (r"遇溺", "溺水"), (r"跌落地|瞓咗落地|瞓落地", "倒在地上"),
    (r"电亲", "电到"), (r"成个钟", "一个多小时"), (r"出晒汗", "出了一身汗"), (r"反白眼", "翻白眼"), (r"白泡", "白沫"),
    (r"(係|系|是)咪", "是不是"), (r"(讲|话)唔(到|出)嘢", "说不出话"), (r"冇晒力|没晒力", "没力气"), (r"歪埋", "歪了"), (r"发紧烧", "发高烧"),
    (r"一路(?=抽|流|吐|喘)", "一直"), (r"眼(都)?反白", "翻白眼"),
    (r"孙仔", "孙子"), (r"唔系好", "不太"), (r"郁唔到|郁唔郁到|郁不了", "动不了"), (r"把口", "嘴"), (r"晕低", "晕倒"), (r"听讲", "听说"),
    (r"成身(都)?(系|是)汗", "满身都是汗"),
    (r"鲠住", "噎住"), (r"紫晒", "紫了"), (r"出唔到声", "说不出话"), (r"俾", "被"), (r"睇嘢矇", "看东西模糊"), (r"唔多", "不太"), (r"依家", "现在"),
    (r"瞓低", "倒"), (r"差啲", "差点"), (r"(?<![恶作])呕(?![吐心])", "吐"), (r"冇得用|冒得用", "没用"), (r"为么事", "为什么"), (r"颈根", "脖子"),
    (r"(?<=[喝吃吞])哩", "了"), (r"讲闲话", "说话"), (r"拿不牢", "拿不住"), (r"今朝", "今天"), (r"冒得", "没得"),
    (r"讲嘢", "说话"), (r"拎(唔|不)起", "抬不起"), (r"救返(嚟|来)", "救回来"), (r"地盘", "工地"), (r"乱晒", "乱"),
    (r"面孔", "脸"), (r"明朝", "明天"), (r"汗哒哒", "满头大汗"), (r"(捏|噎|攥)牢", r"\1住"), (r"讲不出闲话", "说不出话"),
    (r"哽亲", "噎住"), (r"块面", "脸"), (r"青晒", "青了"), (r"按落去", "按下去"), (r"几啖", "几口"), (r"成日", "一整天"), (r"食奶", "吃奶"),
    (r"凹咗落去|凹了下去", "凹下去了"), (r"BB(?!霜)", "宝宝"), (r"冒得么事|冇得么事", "没什么"), (r"屙", "拉"), (r"喘不赢", "喘不上气"),
    (r"眼睛(都)?反白", "翻白眼"), (r"手脚一直震", "手脚一直抖"),
    (r"阿嫲|阿婆", "奶奶"), (r"阿爷", "爷爷"), (r"堂客", "老婆"), (r"怀起", "怀了"),
    (r"唔(?=[到使系知识得记会想应舒停醒出清起褪肯])", "不"), (r"咗", "了"), (r"冇", "没"), (r"喺", "在"), (r"佢", "他"), (r"嘅", "的"),
    (r"啲", "些"), (r"係", "是"), (r"咩", "什么"), (r"睇", "看"), (r"瞓", "睡"), (r"未停", "没停"), (r"仲(?=[有会在要])", "还"),
    (r"(?<![哒])哒(?![哒])", "了"),
    # "what" in Wuhan (么斯) and Sichuan (啥子): 挂么斯科 asks for a department, it books nothing
    (r"么斯", "什么"), (r"啥子", "啥"),
)


class _Substitutions:
    """A table of (pattern, replacement) applied in order. One search for any of them comes first: most messages hold
    none, and each of some 60 substitutions costs a scan of the text."""

    def __init__(self, table: tuple[tuple[str, str], ...]) -> None:
        self.table = tuple((re.compile(pattern), repl) for pattern, repl in table)
        self.any_of = re.compile("|".join(f"(?:{pattern})" for pattern, _ in table))

    def __call__(self, text: str) -> str:
        if not self.any_of.search(text):
            return text
        for pattern, repl in self.table:
            text = pattern.sub(repl, text)
        return text


_to_mandarin, _fix_typos = _Substitutions(_DIALECT), _Substitutions(_TYPO_FIXES)


def to_mandarin(text: str) -> str:
    """Cantonese and Hunan words of a message in Mandarin (see `_DIALECT`)."""
    return _to_mandarin(text)


def fix_typos(text: str) -> str:
    """Fixes the common phone typos of red-flag words and complaints (see `_TYPO_FIXES`)."""
    return _fix_typos(text)


def chinese_number(run: str) -> str | None:
    """一百五 → '150', 三十九 → '39', 三十八点五 → '38.5', 九十 → '90'; None when it is not a plain number."""
    integer, _, fraction = run.partition("点")
    value = 0
    current = None
    last_unit = 1
    for ch in integer:
        if ch in _CN_DIGITS:
            if current is not None and last_unit == 1 and value == 0:
                return None  # digit strings like 一五一十: not a reading
            current = _CN_DIGITS[ch]
        elif ch == "十":
            value += (current if current is not None else 1) * 10
            current, last_unit = None, 10
        elif ch == "百":
            if current is None:
                return None
            value += current * 100
            current, last_unit = None, 100
    if current is not None:
        value += current * (last_unit // 10 if last_unit >= 100 else 1)  # 一百五 = 150, 一百零五 handled below
    if "零" in integer and last_unit == 100 and current is not None:
        value = value - current * (last_unit // 10) + current
    if not integer:
        return None
    digits = str(value)
    if fraction:
        digits += "." + "".join(str(_CN_DIGITS[c]) for c in fraction)
    return digits


def split_numbers(run: str) -> list[str]:
    """Speech gives readings back to back: 一百五十八十五 → [一百五十, 八十五], 一百五八十五 → [一百五, 八十五].

    A number ends where a unit would repeat (a second 十) or where two digits meet with no unit between.
    """
    integer, dot, fraction = run.partition("点")
    parts, start, tens_seen, digit_pending = [], 0, False, False
    for i, ch in enumerate(integer):
        if ch == "十":
            if tens_seen:  # 五十 | 八十: the new number starts at the digit before this 十
                cut = i - 1 if i > start and integer[i - 1] in _CN_DIGITS else i
                parts.append(integer[start:cut])
                start = cut
            tens_seen, digit_pending = True, False
        elif ch == "百":
            tens_seen, digit_pending = False, False
        elif ch in _CN_DIGITS:
            if digit_pending and integer[i - 1] != "零" and ch != "零":
                parts.append(integer[start:i])
                start, tens_seen = i, False
            digit_pending = True
    parts.append(integer[start:] + dot + fraction)
    return [p for p in parts if p]


def _replace_numerals(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        run = match.group(0)
        pieces = split_numbers(run)
        if len(pieces) > 1:  # two readings said back to back (blood pressure by voice)
            values = [chinese_number(p) for p in pieces]
            if all(values) and (_VITAL_BEFORE.search(text[: match.start()][-6:]) or _VITAL_AFTER.match(text[match.end():])):
                return " ".join(str(v) for v in values)
            return run
        before, after = text[: match.start()], text[match.end() :]
        if after[:1] in ("几", "来"):  # 十几, 二十来: approximate, not a reading
            return run
        if len(run) < 2 and not _VITAL_BEFORE.search(before[-6:]):
            return run
        if not (_VITAL_BEFORE.search(before[-6:]) or _VITAL_AFTER.match(after)):
            return run
        value = chinese_number(run)
        return value if value is not None else run

    text = CN_NUMBER.sub(repl, text)
    return _DEGREE_DECIMAL.sub(lambda m: f"{m.group(1)}.{_CN_DIGITS[m.group(2)]}度", text)


def strip_symbols(text: str) -> str:
    """Drops emoji, pictographs, control and format characters (keeps newlines as spaces)."""
    text = _VARIATION_SELECTORS.sub("", text)
    out = []
    for ch in text:
        if ch in "\n\r\t":
            out.append(" ")
        elif ch in _KEEP_SYMBOLS or unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    """NFKC, simplified characters, no emoji/control characters, one space at most, numerals of readings as digits."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_symbols(text)
    text = _to_simplified(text)
    text = text.translate(_PUNCT_TO_CHINESE)
    text = _SPACES.sub(" ", text).strip()
    text = _replace_numerals(text)
    text = to_mandarin(text)  # before the spaces go: "唔 想问一下" is a Mandarin "hmm", "唔想" a Cantonese "do not want"
    text = _SPACE_BETWEEN_CJK.sub("", text)
    fixed = fix_typos(text)
    if fixed != text:  # a fixed word may name a reading (雪压一百六 → 血压160)
        text = _replace_numerals(fixed)
    return _REPEATED_PUNCT.sub(r"\1", text)
