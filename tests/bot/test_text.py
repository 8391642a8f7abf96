"""Input normalisation."""

from __future__ import annotations

import pytest

from bot.text import chinese_number, normalize, split_numbers


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


@pytest.mark.parametrize(("run", "parts"), [
    ("一百五十八十五", ["一百五十", "八十五"]), ("一百五八十五", ["一百五", "八十五"]), ("一百四十九十", ["一百四十", "九十"]),
    ("一百零五", ["一百零五"]), ("三十八点五", ["三十八点五"]), ("一百五", ["一百五"]),
])
def test_readings_said_back_to_back_are_split(run: str, parts: list[str]) -> None:
    assert split_numbers(run) == parts


@pytest.mark.parametrize(("said", "reading"), [
    ("我血压今天一百五十八十五", (150, 85)),  # as speech recognition writes it
    ("血压一百四九十", (140, 90)),
    ("今天血压一百五 低压八十五", (150, 85)),
    ("我今天血压150，85。", (150, 85)),
    ("高压一百五十低压八十五", (150, 85)),
])
def test_blood_pressure_as_people_say_it(said: str, reading: tuple[int, int]) -> None:
    from bot import vitals_text

    parsed = vitals_text.parse(said)
    assert parsed is not None and (parsed.systolic, parsed.diastolic) == reading  # type: ignore[union-attr]


@pytest.mark.parametrize("said", ["我今天走了三十分钟", "孩子三岁了", "我家住三十八楼", "血压药吃了一百五十天了"])
def test_numbers_that_are_not_readings_are_left_alone(said: str) -> None:
    from bot import vitals_text

    assert vitals_text.parse(said) is None
