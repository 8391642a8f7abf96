"""The safety layer's learned net: what frightened people write that the red-flag rules miss.

Logistic regression over the character 1-3-grams of the normalised message, trained by
scripts/red_flag_net.py on every red flag and calm line we have (never the held-out set). Its weights ship in
red_flag_net.json; a message's score is the sum of the weights of the grams it holds, so it costs a few dozen
dictionary look-ups and no numerical library. It only adds alarms (`bot.safety.check`): the rules decide first.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

WEIGHTS = Path(__file__).with_name("red_flag_net.json")
# Chosen in leave-one-writer-set-out cross-validation (scripts/red_flag_net.py cv) before any fresh set was scored:
# 0.5 caught 94.7 % of red flags with 1.4 % false alarms on its own; 0.7 lost 3 points of recall for 0.6 of alarms.
THRESHOLD = 0.5
_SPACES = re.compile(r"\s\s+")


def grams(text: str) -> list[str]:
    """The features: every run of 1 to 3 characters (lower case, runs of spaces as one)."""
    text = _SPACES.sub(" ", text.lower())
    return [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]


class Net:
    """One trained logistic regression: `fires` when its probability reaches the threshold."""

    def __init__(self, model: dict[str, Any], threshold: float) -> None:
        self.intercept = float(model["intercept"])
        self.weights: dict[str, float] = model["weights"]
        self.cut = math.log(threshold / (1 - threshold))  # the same test on the score, without the exponential

    def score(self, text: str) -> float:
        weights = self.weights
        return self.intercept + sum(weights.get(gram, 0.0) for gram in set(grams(text)))

    def probability(self, text: str) -> float:
        return 1 / (1 + math.exp(-self.score(text)))

    def fires(self, text: str) -> bool:
        return self.score(text) >= self.cut


@functools.cache
def _nets() -> tuple[Net, Net]:
    document = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return Net(document["emergency"], THRESHOLD), Net(document["crisis"], 0.5)


def emergency(text: str) -> bool:
    """Whether the net reads the (normalised) message as a red flag happening now."""
    return _nets()[0].fires(text)


def crisis(text: str) -> bool:
    """For a message the net flags: whether it is talk of suicide or self-harm (the crisis hotline is due)."""
    return _nets()[1].fires(text)


def warm_up() -> None:
    _nets()
