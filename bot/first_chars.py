"""The characters a regular expression's match can begin with, so that a pattern is searched only in messages
holding one of them (bot/safety.py: most of its 109 rules have no trigger in a given message).

Reads the pattern's parse tree (Python's own `re._parser`, the one `re.compile` uses). Anything it cannot bound
(`.`, a negated class, `\\w`, a back-reference) gives None: "could begin with anything", and the pattern is then
always searched. The answer only ever errs towards searching.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_DIGITS = frozenset("0123456789")
_WIDEST_RANGE = 512  # a class like [一-龥] would list 20,000 characters: treat it as unbounded


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters a match can begin with, in both cases under IGNORECASE; None when unbounded or when the
    pattern can match the empty string."""
    chars, nullable = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    if chars is None or nullable:
        return None
    if pattern.flags & re.IGNORECASE:
        chars = chars | {ch.lower() for ch in chars} | {ch.upper() for ch in chars}
    return frozenset(chars)


def _sequence(items: Any) -> tuple[set[str] | None, bool]:
    """First characters of a sequence: of its first item, and of the next one while the items before can be empty."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _item(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        return _class(av), False
    if op is c.BRANCH:
        out: set[str] = set()
        empty = False
        for branch in av[1]:
            chars, nullable = _sequence(branch)
            if chars is None:
                return None, False
            out |= chars
            empty = empty or nullable
        return out, empty
    if op is c.SUBPATTERN:
        return _sequence(av[3])
    if op is c.ATOMIC_GROUP:
        return _sequence(av)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        chars, nullable = _sequence(av[2])
        return chars, nullable or av[0] == 0
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero-width: the match begins with what follows
        return set(), True
    return None, False  # any character, a negated literal, a back-reference...


def _class(items: Any) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= _WIDEST_RANGE:
            out.update(chr(code) for code in range(av[0], av[1] + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            out |= _DIGITS
        else:  # a negated class, \w, \s, a wide range
            return None
    return out
