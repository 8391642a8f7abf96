"""Input normalisation."""

from __future__ import annotations

import pytest

from bot.text import chinese_number, normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("醫生您好😀，我頭痛發燒！！！", "医生您好，我头痛发烧！"),
        ("Ｈｅｌｌｏ　医生，我 有 fever", "Hello 医生，我有 fever"),
        ("血压一百五十/九十", "血压150/90"),
        ("血压一百四十 九十", "血压140 90"),
        ("高压一百六低压一百", "高压160低压100"),
        ("孩子烧到三十九度五", "孩子烧到39.5度"),
        ("血糖七点八", "血糖7.8"),
        ("心跳一百二十次", "心跳120次"),
        ("十分难受", "十分难受"),
        ("一五一十说了", "一五一十说了"),
        ("我一个人去", "我一个人去"),
        ("胸口\u200b疼\t\n", "胸口疼"),
        ("  ", ""),
    ],
)
def test_normalize(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


@pytest.mark.parametrize(("run", "value"), [("一百五", "150"), ("一百零五", "105"), ("三十八点五", "38.5"), ("两百", "200"),
                                            ("九十", "90"), ("一五一十", None)])
def test_chinese_number(run: str, value: str | None) -> None:
    assert chinese_number(run) == value
