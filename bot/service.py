"""Understanding one message: normalise → safety layer (a red flag is answered here) → small talk → Rasa (or fallback)
→ departments → urgency."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

import structlog

from bot import fallback, red_flag_net, safety, urgency
from bot.departments import CHILD_KEEP, DEPARTMENTS, FLAG_DEPARTMENTS, NAMES, PEDIATRICS_WITHOUT_CHILD, PREGNANT, is_child
from bot.nlu_client import RasaError
from bot.schemas import DepartmentScore, Entity, Understanding
from bot.text import normalize

log = structlog.get_logger(__name__)

CACHE_PREFIX = "bot:u:"
DEFAULT_CACHE_TTL_SECONDS = 300
MODEL_EMERGENCY_FLAG = "model_emergency"  # no rule fired, but the model is sure it is an emergency
MODEL_EMERGENCY_CONFIDENCE = 0.85  # Rasa's own "emergency" counts only this sure and only if no rule cancelled it
DEPARTMENT_INTENTS = frozenset({"triage", "emergency"})
RASA_LOW_CONFIDENCE = "nlu_fallback"
SYMPTOM_INTENTS = frozenset({"query_report", "book_appointment", "medication_question"})  # department if symptoms named
IN_PROCESS_SMALLTALK = frozenset({"greet", "thank", "goodbye"})
# Weight of the in-process Bayes posterior added to Rasa's department confidences. Chosen on the dev set, never the
# held-out one: 0.3-0.7 all gained 1-2 points of top-1 there, for two models trained on different data.
BAYES_WEIGHT = 0.5
# The same for intents. Chosen on the dev set: 0.5-1.0 all gained 1-2 points of intent macro-F1 there, 1.5 lost.
INTENT_BAYES_WEIGHT = 0.7
_ENTITY_KINDS = frozenset({"symptom", "body_part", "duration", "age", "pregnancy", "vital_type", "vital_value", "drug", "exam"})


class NluClient(Protocol):
    @property
    def model_version(self) -> str: ...

    def parse(self, text: str) -> dict[str, Any]: ...


class Cache(Protocol):
    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: Any, ex: int | None = None) -> Any: ...


def understand(text: str, *, nlu: NluClient | None, cache: Cache | None = None,
               cache_ttl: int = DEFAULT_CACHE_TTL_SECONDS) -> Understanding:
    """The contract's answer for one message; never fails because Rasa is down (source is then `fallback`)."""
    return understand_normalized(normalize(text), nlu=nlu, cache=cache, cache_ttl=cache_ttl)


def understand_normalized(clean: str, *, nlu: NluClient | None, cache: Cache | None = None,
                          cache_ttl: int = DEFAULT_CACHE_TTL_SECONDS) -> Understanding:
    """`understand` for a message already through `normalize` (a caller that needed its cache key first)."""
    key = cache_key(clean, nlu.model_version if nlu else "")
    cached = _cache_get(cache, key)
    if cached is not None:
        return cached
    flags = safety.check(clean)
    if flags.emergency:
        # The rules have decided: the emergency answer never waits for Rasa, and leaves it to the others.
        return _from_fallback(clean, flags)
    talk = fallback.smalltalk(clean)
    if talk in IN_PROCESS_SMALLTALK:
        return Understanding(intent=talk, confidence=0.95, urgency=urgency.ROUTINE, source="fallback")
    if fallback.vague_complaint(clean):  # "不舒服": triage, and the dialogue asks where and since when
        return _answer(clean, intent="triage", confidence=0.9, departments=[], entities=[], flags=flags, source="fallback",
                       model_urgent=False)
    parsed = _parse(nlu, clean)
    if parsed is not None:
        answer = _from_rasa(clean, parsed, flags)
        _cache_set(cache, key, answer, cache_ttl)
        return answer
    return _from_fallback(clean, flags)


def warm_up() -> None:
    """Loads the fallback model (jieba dictionary, Bayes counts) and the red-flag net's weights now instead of on the
    first slow request."""
    red_flag_net.warm_up()
    fallback.model()


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=warm_up, name="bot-warm-up", daemon=True)
    thread.start()
    return thread


# ---- Rasa ----
def _parse(nlu: NluClient | None, text: str) -> dict[str, Any] | None:
    if nlu is None:
        return None
    try:
        return nlu.parse(text)
    except RasaError as exc:
        log.info("bot_rasa_fallback", reason=type(exc).__name__)
        return None


def _rasa_intent(parsed: dict[str, Any]) -> tuple[str, float]:
    intent = parsed.get("intent") or {}
    if intent.get("name") == RASA_LOW_CONFIDENCE:
        # Rasa's FallbackClassifier: not a contract intent. Keep the model's best guess with its (low)
        # confidence, so the dialogue can ask again or hand over, as it does for any unsure answer.
        ranked = [i for i in parsed.get("intent_ranking") or [] if i.get("name") != RASA_LOW_CONFIDENCE]
        intent = ranked[0] if ranked else {"name": "out_of_scope", "confidence": 0.0}
    name = str(intent.get("name") or "out_of_scope")
    confidence = float(intent.get("confidence") or 0.0)
    base = name.split("/", 1)[0]
    if base == "faq":
        return (_selector_faq_topic(parsed) or name), confidence
    return base, confidence


def _selector_faq_topic(parsed: dict[str, Any]) -> str | None:
    """`faq/<topic>` as Rasa's FAQ response selector answers it (its top-ranked key), None if it names none."""
    selector = (parsed.get("response_selector") or {}).get("faq") or {}
    key = str((selector.get("response") or {}).get("intent_response_key") or "")
    if not key and selector.get("ranking"):
        key = str(selector["ranking"][0].get("intent_response_key") or "")
    return key if key.startswith("faq/") else None


def blend_intent(parsed: dict[str, Any], rasa: tuple[str, float], bayes: list[tuple[str, float]]) -> tuple[str, float]:
    """Rasa's intent, unless Rasa's ranking plus a weighted Bayes posterior (per base intent) prefers another one.

    Like the department blend: where DIET hesitates (a complaint read as a reading, a symptom as out of scope), the
    other model's view tips the balance; where it is sure, a weight under 1 cannot outvote it.
    """
    if not bayes or rasa[0] == "emergency":  # never talked out of an emergency (the rules decide the rest)
        return rasa
    # a parse without a ranking still has Rasa's own answer to weigh
    scores: dict[str, float] = {} if parsed.get("intent_ranking") else {rasa[0].split("/", 1)[0]: rasa[1]}
    for item in parsed.get("intent_ranking") or []:
        name = str(item.get("name") or "")
        if name and name != RASA_LOW_CONFIDENCE:
            base = name.split("/", 1)[0]
            scores[base] = scores.get(base, 0.0) + float(item.get("confidence") or 0.0)
    for label, p in bayes:
        base = label.split("/", 1)[0]
        scores[base] = scores.get(base, 0.0) + INTENT_BAYES_WEIGHT * p
    best = max(scores, key=lambda name: scores[name])
    if best == rasa[0].split("/", 1)[0]:
        return rasa
    confidence = scores[best] / (1 + INTENT_BAYES_WEIGHT)
    if best == "faq":
        return _faq_topic(parsed, bayes), confidence
    return best, confidence


def _faq_topic(parsed: dict[str, Any], bayes: list[tuple[str, float]]) -> str:
    """The FAQ topic Rasa's selector ranks first, else the Bayes model's."""
    return _selector_faq_topic(parsed) or next((label for label, _ in bayes if label.startswith("faq/")), "faq")


def rasa_departments(parsed: dict[str, Any]) -> list[tuple[str, float]]:
    """Chinese department names from `response_selector.triage.ranking` (keys `triage/<dept_key>`), best first."""
    selector = (parsed.get("response_selector") or {}).get("triage") or {}
    ranking = list(selector.get("ranking") or [])
    response_key = (selector.get("response") or {}).get("intent_response_key")
    if not ranking and response_key:
        ranking = [{"intent_response_key": response_key, "confidence": (selector.get("response") or {}).get("confidence", 0.0)}]
    out: list[tuple[str, float]] = []
    for item in ranking:
        dept_key = str(item.get("intent_response_key", "")).split("/", 1)[-1]
        name = DEPARTMENTS.get(dept_key)
        if name and name not in (n for n, _ in out):
            out.append((name, float(item.get("confidence") or 0.0)))
    intent_name = str((parsed.get("intent") or {}).get("name") or "")
    if not out and intent_name.startswith("triage/") and intent_name.split("/", 1)[1] in DEPARTMENTS:
        out.append((DEPARTMENTS[intent_name.split("/", 1)[1]], float((parsed.get("intent") or {}).get("confidence") or 0.0)))
    return sorted(out, key=lambda x: -x[1])


def _rasa_entities(parsed: dict[str, Any]) -> list[Entity]:
    entities = []
    for item in parsed.get("entities") or []:
        kind, value = item.get("entity"), item.get("value")
        if kind in _ENTITY_KINDS and isinstance(value, str | int | float):
            entity = Entity(entity=str(kind), value=str(value))
            if entity not in entities:
                entities.append(entity)
    return entities


class _Rewrite(NamedTuple):
    """A boundary of FORMAT.md that the model misses: it heard one part of the message (a reading, a result, a
    drug, a complaint), and the message as a whole is another intent. The departments stay."""

    heard: Callable[[str], bool]  # the model's intent
    says: Callable[[str], bool]  # the (normalised) message
    becomes: str


_REWRITES = (  # the first that applies
    # "血糖十四 挂哪个科": a reading or a drug in a question about where to go
    _Rewrite(lambda intent: intent not in DEPARTMENT_INTENTS, fallback.asks_which_department, "triage"),
    # "血压一百七 头有点晕", "尿酸五百多 脚趾头疼得下不了地": a reading or a result told with a complaint
    _Rewrite(lambda intent: intent in ("record_vital", "query_report"), fallback.complains, "triage"),
    # "我想约儿科 孩子咳嗽好几天了": a visit asked for, its complaint giving the department
    _Rewrite(lambda intent: intent == "triage", fallback.wants_to_book, "book_appointment"),
    # "血常规淋巴细胞百分比偏低 代表啥": what one's result means, no complaint
    _Rewrite(lambda intent: intent == "triage", fallback.asks_what_a_result_means, "query_report"),
    # "头孢吃了一礼拜还咳 咋回事": a symptom despite a drug, asking what it is
    _Rewrite(lambda intent: intent == "medication_question", fallback.asks_what_the_symptom_is, "triage"),
)


def _from_rasa(text: str, parsed: dict[str, Any], flags: safety.RedFlagResult) -> Understanding:
    """Rasa's parse as the contract's answer; only for messages the rules did not flag (those never reach Rasa)."""
    bayes = fallback.bayes_ranking(text)
    intent, confidence = blend_intent(parsed, _rasa_intent(parsed), bayes)
    departments = rasa_departments(parsed)
    entities = _rasa_entities(parsed)
    model_urgent = False
    if intent == "emergency":
        # The rules override the model: its emergency stands only when sure, no rule saw a cancelling context and the
        # writer does not play it down (贴个创可贴就行吧).
        minor = safety.sounds_minor(text)
        if confidence < MODEL_EMERGENCY_CONFIDENCE or minor or safety.suppressed(text):
            intent, model_urgent = "triage", confidence >= MODEL_EMERGENCY_CONFIDENCE and not minor
            departments = departments or [("急诊科", confidence)]
    rewrite = next((r for r in _REWRITES if r.heard(intent) and r.says(text)), None)
    if rewrite is not None:
        intent = rewrite.becomes
    if intent == "triage":
        departments = keep_named_department(text, blend_departments(departments, fallback.departments_of(bayes)))
    return _answer(text, intent=intent, confidence=confidence, departments=departments, entities=entities, flags=flags,
                   source="rasa", model_urgent=model_urgent or intent == "emergency")


def keep_named_department(text: str, departments: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The department a strong keyword names (糖尿病, 甲亢, 痛风: weight 3) stays among the three, third if the models
    ranked it lower: "糖尿病十年了 脚底下麻" is a diabetic's neuropathy, for 内分泌科 as much as 神经内科."""
    if len(departments) < 3:
        return departments
    top = {name for name, _ in departments[:3]}
    scores = fallback.keyword_scores(text)
    named = [d for d in sorted(scores, key=lambda d: -scores[d]) if scores[d] >= 3 and d not in top]
    return [*departments[:2], (named[0], departments[2][1])] if named else departments


def blend_departments(rasa: list[tuple[str, float]], bayes: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Rasa's confidence plus a weighted Bayes posterior per department, best three first, scaled back to 0-1.

    Two models that learned differently miss different texts: where Rasa hesitates between two departments, the
    other model's view tips the balance, and a department only the other model saw can reach the list.
    """
    scores: dict[str, float] = {}
    for name, score in rasa:
        scores[name] = scores.get(name, 0.0) + score
    for name, p in bayes:
        scores[name] = scores.get(name, 0.0) + BAYES_WEIGHT * p
    best = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
    # Scaled by what was added, so Rasa's scores stand as they were when the other model has nothing to say
    # (the dialogue shows a department from a score of 0.15).
    scale = 1 + BAYES_WEIGHT * sum(p for _, p in bayes)
    return [(name, score / scale) for name, score in best]


# ---- fallback ----
def _from_fallback(text: str, flags: safety.RedFlagResult) -> Understanding:
    result = fallback.understand(text)
    intent, model_urgent = result.intent, False
    departments = list(result.departments)
    if intent == "emergency" and not flags.emergency:
        intent, model_urgent = "triage", not safety.suppressed(text)
        departments = departments or [("急诊科", result.confidence)]
    entities = [Entity(entity=e["entity"], value=e["value"]) for e in result.entities if e["entity"] in _ENTITY_KINDS]
    return _answer(text, intent=intent, confidence=result.confidence, departments=departments, entities=entities, flags=flags,
                   source="fallback", model_urgent=model_urgent)


# ---- shared ----
def _answer(text: str, *, intent: str, confidence: float, departments: list[tuple[str, float]], entities: list[Entity],
            flags: safety.RedFlagResult, source: str, model_urgent: bool) -> Understanding:
    if flags.emergency:
        intent, confidence = "emergency", max(confidence, 0.9) if intent == "emergency" else 0.9
        departments = _merge(_flag_departments(flags.flags), departments)
    elif intent in DEPARTMENT_INTENTS or (intent in SYMPTOM_INTENTS and _about_symptoms(text, entities)):
        departments = population_rules(text, departments)
    else:
        departments = []
    top = [DepartmentScore(name=name, score=round(min(max(score, 0.0), 1.0), 3))
           for name, score in departments[:3] if name in NAMES]
    red_flags = list(flags.flags)
    if intent == "emergency" and not red_flags:
        # The model is sure and no rule cancelled it (checked by the callers): treat it as a red flag too,
        # so intent and urgency agree and the patient gets the emergency answer.
        red_flags = [MODEL_EMERGENCY_FLAG]
    return Understanding(
        intent=intent, confidence=round(min(max(confidence, 0.0), 1.0), 3), department=top[0].name if top else None,
        departments=top, urgency=urgency.urgency(text, red_flags=red_flags, model_urgent=model_urgent),
        red_flags=red_flags, entities=entities, source=source,  # type: ignore[arg-type]
    )


def _flag_departments(flags: list[str]) -> list[tuple[str, float]]:
    names: list[str] = []
    for flag in flags:
        for name in FLAG_DEPARTMENTS.get(flag, ("急诊科",)):
            if name not in names:
                names.append(name)
    return [(name, round(0.95 - 0.15 * i, 2)) for i, name in enumerate(names)]


def _merge(first: list[tuple[str, float]], second: list[tuple[str, float]]) -> list[tuple[str, float]]:
    out = list(first)
    for name, score in second:
        if name not in (n for n, _ in out):
            out.append((name, min(score, out[-1][1] if out else score)))
    return out[:3]


def population_rules(text: str, departments: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Pregnancy → 产科 first; children → 儿科 first unless the best answer is surgical, ophthalmic, etc. (then 儿科
    third); with no child named, 儿科 last (the models heard a child in 阿妈; last, not gone: a child may go unnamed)."""
    if not departments:
        return departments
    target = None
    child = is_child(text)
    if not child and any(n == "儿科" for n, _ in departments[:-1]) and fallback.keyword_scores(text).get("儿科", 0.0) < PEDIATRICS_WITHOUT_CHILD:
        others = [d for d in departments if d[0] != "儿科"][:2]
        departments = [*others, ("儿科", min(s for n, s in departments if n in ("儿科", others[-1][0])))]
    if PREGNANT.search(text):
        target = "产科"
    elif child and departments[0][0] not in CHILD_KEEP:
        target = "儿科"
    elif child and len(departments) > 2 and all(n != "儿科" for n, _ in departments[:3]):
        # a child's eye, tooth or bed-wetting goes to that department first, and 儿科 stays among the three
        departments = [*departments[:2], ("儿科", departments[2][1])]
    if target is None or departments[0][0] == target:
        return departments
    best = departments[0][1]
    return [(target, best), *[(n, s) for n, s in departments if n != target][:2]]


def _about_symptoms(text: str, entities: list[Entity]) -> bool:
    """About symptoms or an examination (BOT_CONTRACT: then departments are given)."""
    return (any(e.entity in ("symptom", "exam") for e in entities) or fallback.keyword_strength(text) >= 3
            or fallback.asks_what_a_result_means(text))


def cache_key(clean: str, model_version: str) -> str:
    """The answer cache's key for a normalised message."""
    return CACHE_PREFIX + hashlib.sha256(f"{safety.RULES_VERSION}\x00{model_version}\x00{clean}".encode()).hexdigest()[:32]


def _cache_get(cache: Cache | None, key: str) -> Understanding | None:
    if cache is None:
        return None
    try:
        raw = cache.get(key)
        return Understanding.model_validate_json(raw) if raw else None
    except Exception:  # noqa: BLE001 - a broken cache must never break understanding
        log.warning("bot_cache_get_failed")
        return None


def _cache_set(cache: Cache | None, key: str, answer: Understanding, ttl: int) -> None:
    if cache is None or ttl <= 0:
        return
    try:
        cache.set(key, answer.model_dump_json(), ex=ttl)
    except Exception:  # noqa: BLE001 - caching is best effort
        log.warning("bot_cache_set_failed")
