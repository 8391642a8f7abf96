"""Urgency of a message that is not a red flag: `urgent` (see a doctor today) or `routine`, from pattern tables."""

from __future__ import annotations

import re

from bot.departments import KIDS
from bot.safety import split_clauses

EMERGENCY = "emergency"
URGENT = "urgent"
ROUTINE = "routine"

# Each entry: (name, pattern that makes a message urgent). Searched per clause; negated clauses are skipped.
URGENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("high_fever", r"(高烧|高热|烧到\s*(39|4\d)|(39|4\d)(\.\d)?\s*度|体温\s*(39|4\d)|发烧\s*(39|4\d)|高烧不退"
                   r"|烧了{0,1}[三四五六七]天|退烧药{0,1}.{0,4}(不管用|没用|退不下))"),
    ("severe", r"(剧烈|剧痛|疼得(厉害|受不了|打滚|直不起|睡不着)|痛得(厉害|受不了|打滚|直不起|睡不着)|绞痛|疼得要命|特别疼"
               r"|非常疼|越来越疼|越来越重|加重)"),
    ("vomiting", r"(一直吐|吐个不停|不停地?吐|吐了[五六七八九十好]+次|喝水都吐|吃什么吐什么|拉了[五六七八九十好]+次|一直拉"
                 r"|拉水)"),
    ("bleeding", r"(黑便|柏油|便血|尿血|血尿|出血|流血)"),
    ("injury", r"(骨折|变形|肿得厉害|不能走|走不了路|动不了|伤口很深|伤口深|缝针|被狗咬|被猫抓|被蛇|鱼刺卡|卡住|烫伤|烧伤|扎到"
               r"|误吞|吞了)"),
    ("breathing", r"(喘不上气|呼吸急促|喘得厉害|胸闷得厉害|憋气)"),
    ("sudden", r"(突然|忽然)(.{0,6})(疼|痛|看不清|听不见|肿|晕|麻|出血)"),
    ("vitals_high", r"(血压\s*(1[89]\d|2\d\d)|高压\s*(1[89]\d|2\d\d)|血糖\s*(1[6-9]|[2-9]\d)(\.\d)?|血糖\s*[0-2](\.\d)?(?!\d)"
                    r"|血糖\s*3\.[0-8]|心率\s*(1[3-9]\d|[2-3]\d)(?!\d)|血氧\s*[5-8]\d)"),
    ("testis", r"(睾丸|蛋蛋).{0,4}(突然|剧)"),
    ("eye", r"(眼睛.{0,4}(扎|进了|溅|撞)|视力突然|突然看不清)"),
    ("pregnancy", r"((怀孕|孕\d+|孕妇|孕期).{0,12}(疼|痛|见红|出血|发烧|头晕|水肿|胎动少|胎动减少))"),
    ("urine", r"(尿不出|憋尿憋不出|一滴尿都没有)"),
    ("newborn", r"(新生儿|满月|[1-3]个月).{0,8}(发烧|发热|黄疸|不吃奶|吐奶严重|哭闹不止)"),
)
_KIDS_FEVER = re.compile(rf"{KIDS.pattern}.{{0,12}}(发烧|发热|高烧|烧)|(发烧|发热|高烧).{{0,12}}{KIDS.pattern}")
_COMPILED = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in URGENT_PATTERNS)
_NEGATED = re.compile(r"(没有|没|不|无|未)$")
_INFO = re.compile(r"(怎么预防|如何预防|了解|科普|什么原因|有什么症状|注意什么|能不能吃|能吃吗)")


def reasons(text: str) -> list[str]:
    """Names of the urgent patterns found in normalised text (empty = routine)."""
    found: list[str] = []
    clauses = split_clauses(text)
    for name, pattern in _COMPILED:
        for clause in clauses:
            if _INFO.search(clause):
                continue
            match = pattern.search(clause)
            if match and not _NEGATED.search(clause[: match.start()]):
                found.append(name)
                break
    if _KIDS_FEVER.search(text) and "high_fever" in found and "child_fever" not in found:
        found.append("child_fever")
    return found


def urgency(text: str, *, red_flags: list[str], model_urgent: bool = False) -> str:
    """emergency when the safety layer flagged it; urgent on urgent patterns (or the model's emergency-room answer)."""
    if red_flags:
        return EMERGENCY
    if model_urgent or reasons(text):
        return URGENT
    return ROUTINE
