"""In-process understanding for when Rasa is down or slow: intent rules, department keywords, a small Naive Bayes.

Everything heavy (jieba's dictionary, the Bayes counts from `nlu_data/train/`) loads once, lazily, under a lock.
Input is expected normalised (`bot.text.normalize`).
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from bot.departments import CHILD_KEEP, DEPARTMENTS, KEYWORDS, PEDIATRICS_WITHOUT_CHILD, PREGNANT, is_child

log = structlog.get_logger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "nlu_data"

# Intent rules, first match wins; each is (intent, pattern, pattern that vetoes it).
_QUESTION = r"(吗|么|怎么|怎样|如何|能不能|可以|要不要|正常|高不高|要紧|严重|咋|为什么|\?|？|哪)"
INTENT_RULES: tuple[tuple[str, str, str | None], ...] = (
    ("request_human", r"(转人工|人工客服|人工服务|找人工|真人|客服|活人|找个人|找医生本人|跟护士说|护士长|要人工|人工)", None),
    ("complaint", r"(投诉|差评|态度{0,2}(太|真|很|极)?(差|恶劣|不好)|不满意|举报|乱收费|太坑|坑人|骗人|气死我了|什么破"
                  r"|等了{0,1}.{0,4}(小时|半天)"
                  r"|没人管|没人理|不负责)", None),
    ("cancel_appointment", r"(取消.{0,6}(预约|挂号|号)|退号|退掉.{0,4}号|号不要了|不去了|改约|改天再去|改时间)", None),
    ("record_vital", r"((血压|高压|上压|收缩压)\s*\d{2,3}\s*[/ 、低下舒]*[压]?\s*\d{2,3}|(空腹|餐后"
                     r"|睡前)?(两小时)?血糖\s*\d{1,2}(\.\d)?|"
                     r"空腹\s*\d{1,2}(\.\d)?|糖化(血红蛋白)?\s*\d(\.\d)?|体温\s*\d{2}(\.\d)?|心率\s*\d{2,3}|体重\s*\d{2,3}"
                     r"|血氧\s*\d{2})",
     _QUESTION + r"|挂|科|疼|痛|晕|难受|不舒服|吃药|药|控制不好|不好|偏高|偏低|降不下|升高|十几|二十几"),
    ("medication_taken", r"((药|胰岛素|降压药|降糖药|针|片).{0,6}(吃|服|打|用|喝)(过|完|好|上)?了|(吃|服|打)(过|完)?(药|胰岛素"
                         r"|针)了|已经吃了|吃过了)",
     _QUESTION),
    ("book_appointment", r"(挂号|挂个号|挂.{0,4}号|预约|约.{0,3}(专家|医生|号|主任)|帮我挂|想挂|能挂|加个号|加号吗|能加号"
                         r"|帮我加号|网上挂|约个|约一下)",
     r"(挂|看)(什么|哪个|哪|啥)科|什么科|哪个科"),
    ("faq/reports", r"(报告.{0,6}(几天|多久|什么时候|哪里)(出|取|拿)|(哪里|在哪|怎么)(取|拿|打印).{0,4}报告)", None),
    ("query_report", r"(报告|化验单|化验结果|检查结果|结果出来|结果出了|片子|查.{0,3}结果"
                     r"|单子出)", r"(挂|看)(什么|哪个|哪|啥)科"),
    ("medication_question", r"((药|片|胶囊|胰岛素|[^\s]{1,4}(林|平|汀|胍|沙坦|普利|洛尔|霉素|头孢|布洛芬)).{0,8}(怎么吃|能不能"
                            r"|可以|能|副作用|饭前|饭后|"
                            r"几次|几片|几粒|多少|剂量|漏吃|忘了|忘吃|一起吃|停|换|伤肝|伤肾|喝酒|注意)|忘了吃药|漏吃"
                            r"|吃药.{0,4}(注意|能不能))", None),
    ("faq/parking", r"(停车|车位|停车场|停车费|开车来)", None),
    ("faq/visiting", r"(探视|探望|探病|陪护|陪床|看望病人|住院.{0,4}(看|陪)|几点能进病房)", None),
    ("faq/insurance", r"(医保|报销|新农合|农合|异地|自费|商业保险|社保|医保卡|统筹|门特|门慢)", None),
    ("faq/hours", r"(几点|上班时间|下班|开门|关门|营业|门诊时间|出诊时间|周末.{0,4}(上班|门诊|开)|节假日|放假|夜间门诊"
                  r"|几点到几点|工作时间)", None),
    ("faq/location", r"(在哪|怎么走|地址|几楼|哪栋|位置|路线|怎么去|坐几路|地铁|导航|楼层|哪个门"
                     r"|在什么地方)", r"(疼|痛|挂什么科|哪个科)"),
)
# Whole-message small talk; these are the only intents answered without Rasa when Rasa is up.
SMALLTALK: dict[str, str] = {
    # regional and net forms too (侬好, 唔该晒, 掰掰); never a bare number (88): it may be an age or a reading answered
    "greet": r"(你好|您好|你好呀|你好啊|在吗|在不在|在么|有人吗|喂|哈喽|哈罗|hello|hi|嗨|早上好|早|早安|上午好|下午好|晚上好|侬好|你哋好|大家好|hey|"
             r"(医生|大夫|护士|小康|康伴)(你好|您好|好)?|(你好|您好)(医生|大夫|护士|小康|康伴))[啊呀哈吖]?",
    "thank": r"(谢谢|多谢|感谢|谢了|谢谢你|谢谢您|谢谢医生|谢谢大夫|太感谢了|非常感谢|谢啦|辛苦了|麻烦你了|thanks|thank you"
             r"|3q|thx|多谢晒|唔该晒|感恩|谢谢你们|谢谢老师|多谢老师)[啊呀了哈]?",
    "goodbye": r"(再见|拜拜|拜|bye|byebye|回头见|下次见|先这样|就这样吧|没事了|好的再见|晚安|掰掰|see you|see u|告辞|回见|先下了|下线了)"
               r"[啊呀了吧哈咯喇啦]?",
    "affirm": r"(好|好的|是|是的|对|对的|嗯|嗯嗯|可以|行|没错|确定|好啊|ok|okay|要|需要)[啊呀的吧哈]?",
    "deny": r"(不|不是|不要|不用|没有|不对|不需要|算了|不行|否|no)[啊呀了吧哈]?",
}
_SMALLTALK_RE = {intent: re.compile(rf"^(?:{pattern})[，。！!~～ ]*$", re.IGNORECASE) for intent, pattern in SMALLTALK.items()}
_INTENT_RE = tuple(
    (intent, re.compile(p, re.IGNORECASE), re.compile(v, re.IGNORECASE) if v else None) for intent, p, v in INTENT_RULES
)
_WHITESPACE = " \t\n\r\f\v\u3000"
_PUNCTUATION = frozenset("，。！？、：；,.!?" + _WHITESPACE)  # tokens made only of these are no features
_CLAUSE_BREAKS = frozenset("，。！？" + _WHITESPACE)  # no character bigram spans these
# Words that say nothing on their own (the Bayes model has no opinion on a message of these alone).
_INTERJECTIONS = frozenset({"啊", "呀", "吧", "呢", "嘛", "哦", "啦", "呗", "哇", "噢", "喔", "哎", "唉", "诶", "额", "呃", "哈", "啊啊",
                            "哎呀", "唉呀", "哎哟", "哦哦", "啥", "咋", "嘿"})
# A whole message that only says "I feel unwell": a complaint too vague to route, so triage asks where, since when...
# Both models read these as yes/no or small talk ("不舒服" → deny, "难受" → affirm or out of scope).
VAGUE_COMPLAINT = re.compile(r"^(我|俺|人)?(身上|浑身|全身)?(有点|有些|很|好|特别|老是|总是|一直)?(不舒服|难受|不得劲|不对劲|不好受|不太好|身体不好"
                             r"|不太舒服|不大舒服|不怎么舒服)(死了|得很|得慌|得要命)?(怎么办|咋办|咋整)?[了啊呀吗哦]*[，。！!~～ ]*$")
_COMPLAINT = re.compile(r"(不舒服|难受|疼|痛|晕|慌|闷|胀|麻|痒|乏力|没劲|没力气|口干|口渴|恶心|想吐|咳|喘|憋|心悸|发抖|肿|发烧|出虚汗"
                        r"|冒汗|看不清|眼花|耳鸣|尿频|尿急|老饿|总是饿|总饿|容易饿|饿得快|瘦了|掉秤|夜尿多|尿多|腰酸|腿酸|背酸|发酸|反酸|泛酸|酸软|头昏|昏沉|发昏|咯噔)")
_FINDING_NAMES = re.compile(r"(肿瘤|肿标|肿物|囊肿|肌瘤|气肿|水肿|痛风|百日咳|肿大)")
_DENIED_BEFORE = re.compile(r"(没|不|无|未)[^，。！？ ]{0,2}$")
# "吃了一礼拜头孢还咳 咋回事" asks what the symptom is; "是药闹的吗", "还能吃吗" ask about the drug.
_WHAT_IS_IT = re.compile(r"(咋回事|怎么回事|啥原因|什么原因|啥情况|什么情况|是啥病|什么病|咋整|怎么办)")
_ABOUT_THE_DRUG = re.compile(r"(药(闹|引起|导致|的事|的问题|的副作用)|副作用|不良反应|是不是[^，。！？ ]{0,4}药|(能|可以|该|要|用)不?(能|要|用)?"
                             r"(接着|继续|再|还)?(吃|停|换|加|减|用)|停药|换药|加量|减量|剂量|吃多少|几片|饭前|饭后|过敏)")
_WHICH_DEPT = re.compile(r"((挂|看|去)(什么|哪个|哪|啥)科|什么科|哪个科|挂哪|看哪个医生|挂(什么|啥|哪个)号"
                         r"|挂那个?科|不知道(该)?(挂|看)(啥|什么|哪))")  # 那 for 哪: a phone's typing
# "帮我约个心内科专家", "想挂周六的儿科号", "要约四维彩超": a visit asked for, though a complaint comes with it
_BOOKING = re.compile(r"((?<![不没])(帮|给|替|想|要|能不能|可以)[^，。！？ 不没]{0,2}(约|预约|挂)(个|一个|一下|上)?[^，。！？ ]{0,8}"
                      r"(号|专家|医生|大夫|门诊|复诊|检查|彩超|B超|CT|核磁|胃镜|肠镜|体检|产检|四维|糖耐|监测|筛查|化验|抽血|科)"
                      r"|^(预约|挂号|挂个号)(?![了过吗么]))(?![吗么不没])")  # not 要挂号吗; "预约产检 孕16周" opens with it

# "乙肝五项一三五阳性 是大三阳还是小三阳", "CT说肺部有磨玻璃结节 这是个啥": a result, and what it means (FORMAT.md:
# query_report); told with a complaint it is triage
_RESULT = re.compile(r"(报告|化验|检查|体检|查出|查了|复查|结果|指标|提示|显示|写着|单子|片子|CT|核磁|B超|彩超|超声|平扫|造影|心电图"
                     r"|胸片|拍片|X光|常规|尿检|肝功|肾功|甲功|血脂|五项|骨密度|眼底|胃镜|肠镜|病理|阳性|阴性|偏高|偏低|升高|[+＋]|加号|正负)", re.IGNORECASE)
_WHAT_IT_MEANS = re.compile(r"(代表(啥|什么)|(啥|什么)意思|正常(不|吗|么|不正常)|要紧(吗|不|么)|要不要紧|严重(吗|不|么)|有事(没|吗|不)"
                            r"|没事吧|有(没有)?问题(吗|不|没)?|是不是|需要担心|担心吗|(用|要)不?(用|要)?管(吗|不)?|这是(个)?(啥|什么)"
                            r"|是病(吗|不)|是[^，。！？ 怎]{1,5}(吗|么|还是))")
# ...but what to do about it, or which department, is triage (肠镜病理是腺癌 下一步该怎么治, 要看神经内科还是外科)
_WHAT_TO_DO = re.compile(r"(怎么治|咋治|怎么办|咋办|下一步|该怎么|手术|(挂|看|去)[^，。！？ ]{0,6}科)")

_CHILD_EXCEPT = CHILD_KEEP - {"产科"}
_INJURY = re.compile(r"(摔|崴|扭|撞|砸|骨折|车祸|磕|割|划|扎|刀|烫|烧伤|咬)")


@dataclass
class FallbackResult:
    """Intent, confidence and department ranking (Chinese names, scores summing to ≤ 1) from rules alone."""

    intent: str
    confidence: float
    departments: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)


class _Model:
    """jieba with our user dictionary + lookups + multinomial Naive Bayes over nlu_data/train, loaded once."""

    def __init__(self, data_dir: Path, examples: list[tuple[str, str]] | None = None) -> None:
        import jieba

        self.tokenizer = jieba.Tokenizer()
        userdict = data_dir / "jieba_userdict.txt"
        if userdict.exists():
            self.tokenizer.load_userdict(str(userdict))
        self.tokenizer.initialize()
        self.lookups: dict[str, set[str]] = {}
        for entity, filename in (("symptom", "symptoms.txt"), ("body_part", "body_parts.txt"), ("drug", "drugs.txt"),
                                 ("exam", "exams.txt")):
            path = data_dir / "lookups" / filename
            words = {w.strip() for w in path.read_text(encoding="utf-8").splitlines()} if path.exists() else set()
            self.lookups[entity] = {w for w in words if w and not w.startswith("#")}
        for words in self.lookups.values():
            for word in words:
                self.tokenizer.add_word(word)
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.docs: Counter[str] = Counter()
        for label, example in examples if examples is not None else training_examples(data_dir / "train"):
            self.docs[label] += 1
            self.counts[label].update(self.features(example))
        self.vocab = {f for c in self.counts.values() for f in c}
        self.totals = {label: sum(c.values()) for label, c in self.counts.items()}
        self._tables()

    def _tables(self) -> None:
        """Naive Bayes in sparse form: a label's score is its prior plus, per feature, log P(unseen) plus a
        bonus only where the label saw that feature. Most features belong to few labels, so ranking touches
        a handful of numbers per feature instead of every label (the fallback must stay fast under load)."""
        n_docs, v = sum(self.docs.values()), len(self.vocab)
        self.labels = list(self.counts)
        self.prior = [math.log(self.docs[label] / n_docs) for label in self.labels]
        self.unseen = [math.log(0.5 / (self.totals[label] + v * 0.5)) for label in self.labels]
        self.bonus: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, label in enumerate(self.labels):
            for feature, count in self.counts[label].items():
                self.bonus[feature].append((i, math.log(count + 0.5) - math.log(0.5)))

    def features(self, text: str, tokens: list[str] | None = None) -> list[str]:
        tokens = [t for t in tokens or self.tokenizer.lcut(text) if not _PUNCTUATION.issuperset(t)]
        bigrams = ["#" + text[i : i + 2] for i in range(len(text) - 1)
                   if text[i] not in _CLAUSE_BREAKS and text[i + 1] not in _CLAUSE_BREAKS]
        return tokens + bigrams

    def rank(self, text: str, tokens: list[str] | None = None) -> list[tuple[str, float]]:
        """Posterior over training labels (intents and triage/<dept>), best first. `tokens`: jieba's, if at hand.
        Empty (no opinion) when nothing known is said, or only interjections: 啊 alone is no complaint, though
        complaints often end in 啊."""
        tokens = tokens or self.tokenizer.lcut(text)
        if all(t in _INTERJECTIONS or not t.strip() or re.fullmatch(r"\W+", t) for t in tokens):
            return []
        feats = [f for f in self.features(text, tokens) if f in self.vocab]
        if not feats:
            return []
        scores = [p + len(feats) * u for p, u in zip(self.prior, self.unseen, strict=True)]
        for feature in feats:
            for i, bonus in self.bonus[feature]:
                scores[i] += bonus
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        norm = sum(exp)
        return sorted(((label, e / norm) for label, e in zip(self.labels, exp, strict=True)), key=lambda x: -x[1])

    def entities(self, text: str, tokens: list[str] | None = None) -> list[dict[str, Any]]:
        found = []
        for token in tokens or self.tokenizer.lcut(text):
            for entity, words in self.lookups.items():
                if token in words:
                    found.append({"entity": entity, "value": token})
                    break
        return found


def training_examples(train_dir: Path) -> list[tuple[str, str]]:
    """(label, normalised text) from Rasa YAML files; entity annotations removed."""
    import yaml

    from bot.text import normalize

    out: list[tuple[str, str]] = []
    for path in sorted(train_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            label = block.get("intent")
            for line in str(block.get("examples", "")).splitlines() if label else []:
                example = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip().lstrip("- ").strip())
                if example:
                    out.append((label, normalize(example)))
    return out


_model: _Model | None = None
_model_lock = threading.Lock()
_loader: threading.Thread | None = None


def model_if_ready() -> _Model | None:
    """The model when loaded; otherwise starts loading it in the background and returns None (never blocks)."""
    global _loader
    if _model is not None:
        return _model
    with _model_lock:
        if _loader is None or not _loader.is_alive():
            _loader = threading.Thread(target=model, name="bot-fallback-load", daemon=True)
            _loader.start()
    return None


def model(data_dir: Path = DEFAULT_DATA_DIR) -> _Model:
    """The shared tokenizer/Bayes model, built on first use (thread-safe)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _Model(data_dir)
                log.info("bot_fallback_loaded", labels=len(_model.counts))
    return _model


def vague_complaint(text: str) -> bool:
    return bool(VAGUE_COMPLAINT.match(text.strip()))


def smalltalk(text: str) -> str | None:
    """greet/thank/goodbye/affirm/deny when the whole message is just that, else None."""
    compact = text.strip().lower()
    for intent, pattern in _SMALLTALK_RE.items():
        if pattern.fullmatch(compact):
            return intent
    return None


def keyword_scores(text: str) -> dict[str, float]:
    """Department → summed keyword weight; longer keywords hide the shorter ones they contain."""
    return dict(_keyword_scores(text))


# Keyword → its departments and weights, by first character: a message is read once, not searched for each of
# the ~460 keywords.
_KEYWORDS_BY_FIRST: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(dict)
for _dept, _words in KEYWORDS.items():
    for _word, _weight in _words.items():
        _KEYWORDS_BY_FIRST[_word[0]].setdefault(_word, []).append((_dept, _weight))


@functools.lru_cache(maxsize=256)  # asked two or three times for the same message in one answer
def _keyword_scores(text: str) -> tuple[tuple[str, float], ...]:
    found = {w: depts for i, ch in enumerate(text) for w, depts in _KEYWORDS_BY_FIRST.get(ch, {}).items()
             if text.startswith(w, i)}
    kept: dict[str, list[str]] = defaultdict(list)  # per department, its longest keywords first
    scores: dict[str, float] = defaultdict(float)
    for word in sorted(found, key=len, reverse=True):
        for dept, weight in found[word]:
            if not any(word in longer for longer in kept[dept]):
                kept[dept].append(word)
                scores[dept] += weight
    return tuple((dept, scores[dept]) for dept in KEYWORDS if dept in scores)  # ties keep the table's order


def rank_departments(text: str, bayes: list[tuple[str, float]] | None = None) -> list[tuple[str, float]]:
    """Up to three departments with scores (0-1), best first; empty when nothing points to one."""
    scores = keyword_scores(text)
    for name, p in departments_of(bayes or []):
        if p > 0.02:
            scores[name] = scores.get(name, 0.0) + 3.0 * p
    if not scores:
        return []
    child = is_child(text)
    if PREGNANT.search(text):
        scores["产科"] = max(scores.get("产科", 0.0), max(scores.values()) + 1.0)
    elif child:
        top = max(scores, key=lambda d: scores[d])
        surgical = top in _CHILD_EXCEPT and (top != "急诊科" or _INJURY.search(text))
        if not surgical:
            scores["儿科"] = max(scores.values()) + 1.0
    elif _INJURY.search(text) and "骨科" in scores:
        scores["骨科"] += 1.0
    if not child and scores.get("儿科", 0.0) < PEDIATRICS_WITHOUT_CHILD:
        scores.pop("儿科", None)  # the Bayes model's 儿科 hint without a child in the text
    ranked = sorted(scores.items(), key=lambda x: -x[1])[:3]
    if not ranked:
        return []
    total = sum(s for _, s in ranked)
    best = ranked[0][1]
    confidence = min(0.95, 0.4 + 0.08 * best)
    return [(name, round(confidence * s / total if total else 0.0, 3)) for name, s in ranked]


def complains(text: str) -> bool:
    """Whether the message tells of a complaint that is not denied (头有点晕, 口干得厉害; not 没啥不舒服, 头不晕), the
    names of findings on a report aside (肿瘤标志物, 肝囊肿, 痛风 are no swelling or pain)."""
    text = _FINDING_NAMES.sub("", text)
    return any(not _DENIED_BEFORE.search(text[max(0, m.start() - 3) : m.start()]) for m in _COMPLAINT.finditer(text))


def asks_what_the_symptom_is(text: str) -> bool:
    """A complaint despite a drug, asking what it is rather than about the drug (FORMAT.md: triage)."""
    return bool(_WHAT_IS_IT.search(text)) and not _ABOUT_THE_DRUG.search(text) and complains(text)


def wants_to_book(text: str) -> bool:
    """Asks for a visit, a doctor or a test (FORMAT.md: book_appointment, even naming a symptom), not where to go."""
    return bool(_BOOKING.search(text)) and not _WHICH_DEPT.search(text)


def asks_what_a_result_means(text: str) -> bool:
    """One's result and what it means, no complaint, not where to go or a booking (FORMAT.md: query_report)."""
    return (bool(_RESULT.search(text)) and bool(_WHAT_IT_MEANS.search(text)) and not _WHICH_DEPT.search(text)
            and not _WHAT_TO_DO.search(text) and not _BOOKING.search(text) and not complains(text))


def asks_which_department(text: str) -> bool:
    return bool(_WHICH_DEPT.search(text))


def bayes_ranking(text: str) -> list[tuple[str, float]]:
    """The Bayes model's posterior of every training label (intents, faq/<topic>, triage/<dept>), best first;
    [] until the model is loaded."""
    m = model_if_ready()
    return m.rank(text) if m else []


_DEPARTMENT_OF_LABEL = {f"triage/{key}": name for key, name in DEPARTMENTS.items()}


def departments_of(ranking: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The triage/<dept_key> labels of a Bayes ranking as (department name, posterior), in the ranking's order."""
    return [(name, p) for label, p in ranking if (name := _DEPARTMENT_OF_LABEL.get(label))]


def understand(text: str) -> FallbackResult:
    """Intent, departments and entities from rules + the Bayes model. Text must already be normalised."""
    talk = smalltalk(text)
    if talk:
        return FallbackResult(intent=talk, confidence=0.9)
    m = model_if_ready()  # a request never waits seconds for jieba: keywords alone until the model is loaded
    tokens = m.tokenizer.lcut(text) if m else []  # once for both
    bayes = m.rank(text, tokens) if m else []
    entities = m.entities(text, tokens) if m else _quick_entities(text)
    departments = rank_departments(text, bayes)
    symptomatic = bool(departments) and (any(e["entity"] in ("symptom", "exam") for e in entities)
                                          or bool(_WHICH_DEPT.search(text)) or keyword_strength(text) >= 3)
    for intent, pattern, veto in _INTENT_RE:
        if pattern.search(text) and not (veto and veto.search(text)):
            if intent in ("query_report", "book_appointment", "faq/location") and symptomatic and _WHICH_DEPT.search(text):
                break
            return FallbackResult(intent=intent, confidence=0.8, departments=departments if symptomatic else [],
                                  entities=entities)
    if _WHICH_DEPT.search(text) or symptomatic:
        return FallbackResult(intent="triage", confidence=0.7, departments=departments, entities=entities)
    if bayes:
        label, p = bayes[0]
        if label.startswith("triage/"):
            return FallbackResult(intent="triage", confidence=round(min(p, 0.7), 3), departments=departments, entities=entities)
        if p > 0.6:
            return FallbackResult(intent=label, confidence=round(min(p, 0.75), 3), entities=entities)
    return FallbackResult(intent="out_of_scope", confidence=0.5, entities=entities)


def keyword_strength(text: str) -> float:
    scores = keyword_scores(text)
    return max(scores.values()) if scores else 0.0


_lookups: dict[str, frozenset[str]] | None = None


def _quick_entities(text: str) -> list[dict[str, Any]]:
    """Entities by longest substring match on the lookup lists (no jieba)."""
    global _lookups
    if _lookups is None:
        loaded = {}
        for entity, filename in (("symptom", "symptoms.txt"), ("body_part", "body_parts.txt"), ("drug", "drugs.txt"),
                                 ("exam", "exams.txt")):
            path = DEFAULT_DATA_DIR / "lookups" / filename
            words = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
            loaded[entity] = frozenset(w.strip() for w in words if len(w.strip()) >= 2 and not w.startswith("#"))
        _lookups = loaded
    found: list[dict[str, Any]] = []
    taken: list[str] = []
    for entity, words in _lookups.items():
        for word in sorted((w for w in words if w in text), key=len, reverse=True):
            if not any(word in longer for longer in taken):
                taken.append(word)
                found.append({"entity": entity, "value": word})
    return found
