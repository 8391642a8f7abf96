"""Rasa learns the text the app sends it: training lines go through the app's normalisation (scripts/rasa/normalized_nlu.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.text import normalize

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "rasa"))

import nlu_yaml  # noqa: E402
import normalized_nlu  # noqa: E402


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        # a Cantonese grandfather's message, in traditional characters, as the app hands it to Rasa
        ("阿爺[頭暈](symptom)咗[成個禮拜](duration) 睇邊科", "爷爷[头晕](symptom)了[成个礼拜](duration)看边科"),
        # a reading becomes digits only after its word: the annotation follows it
        ("[血壓](vital_type)[一百四](vital_value)[九十](vital_value) 記低", "[血压](vital_type)[140](vital_value) [90](vital_value) 记低"),
        ("孩子[发烧](symptom)[三天](duration)了", "孩子[发烧](symptom)[3天](duration)了"),
        # a voice-input homophone is fixed before Rasa sees it, in training as in use
        ("[雪压](vital_type)[一百六](vital_value)头晕", "[血压](vital_type)[160](vital_value)头晕"),
    ],
)
def test_a_training_line_reads_as_the_app_sends_it_with_its_entities_kept(raw: str, normalised: str) -> None:
    report = normalized_nlu.Report()
    line = normalized_nlu.normalize_example(raw, report)
    assert line == normalised
    assert report.entities_lost == []
    plain, _ = nlu_yaml.parse_annotated(line)
    assert plain == normalize(nlu_yaml.parse_annotated(raw)[0])


def test_every_training_line_is_built_as_the_app_would_send_it(tmp_path: Path) -> None:
    report = normalized_nlu.build(ROOT / "nlu_data" / "train", tmp_path)
    raw = nlu_yaml.load_examples([ROOT / "nlu_data" / "train"])
    built = nlu_yaml.load_examples([tmp_path])
    assert report.examples == len(raw)
    assert len(built) == len(raw) - report.duplicates
    sent = {(ex.intent, normalize(ex.text)) for ex in raw}
    assert {(ex.intent, ex.text) for ex in built} == sent
    # entities are kept but for a handful whose reading the context turned into something else
    assert len(report.entities_lost) <= 0.002 * sum(len(ex.entities) for ex in raw)
