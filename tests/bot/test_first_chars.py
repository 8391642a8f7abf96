"""The characters a pattern's match can begin with (bot/first_chars.py), the safety rules' pre-filter."""

from __future__ import annotations

import re

import pytest

from bot.first_chars import first_chars


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"胸口{0,2}疼|心口(压|闷)", "胸心"),
    (r"(?<!以前)胸痛", "胸"),  # a look-behind reads nothing of the match
    (r"(突然)?晕倒", "突晕"),  # an optional first group: what follows it can begin the match too
    (r"[抽搐]{1,2}", "抽搐"),
    (r"\d+个?小时", "0123456789"),
    (r"bb", "bB"),  # IGNORECASE: both cases
])
def test_the_first_characters_of_a_pattern(pattern: str, expected: str) -> None:
    assert first_chars(re.compile(pattern, re.IGNORECASE)) == frozenset(expected)


@pytest.mark.parametrize("pattern", [r"[^，]{0,3}晕", r".晕", r"\w+死", r"x*", r"[一-龥]疼"])
def test_a_pattern_that_could_begin_anywhere_is_always_searched(pattern: str) -> None:
    assert first_chars(re.compile(pattern)) is None
