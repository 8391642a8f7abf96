"""Trains the red-flag net, the safety layer's second net behind the rules (bot/red_flag_net.py reads it).

    .venv/bin/python scripts/red_flag_net.py train     # writes bot/red_flag_net.json
    .venv/bin/python scripts/red_flag_net.py cv        # leave-one-writer-set-out figures, nothing written

Why a learned net: of every fresh set of red flags written by someone who never saw a rule, the rules caught only
60-92 % at first (the README and the closing notes), and each round of new rules won back only a few points on the
next fresh set. A logistic regression over character 1-3-grams learns the way frightened people write
from all the sets at once. It only adds emergencies: a message the rules flag stays flagged.

Two models, both logistic regression on binary character 1-3-grams of the normalised text:
- `emergency`: red flag now (emergency* lines, and the `emergency` intent) against everything else we have:
  the calm lines with alarming words (non_emergency*), triage, FAQ and the other intents.
- `crisis`: among the red flags, talk of suicide or self-harm (the rules' crisis flag says which: on the sets they
  were tuned on they catch nearly every red flag), so that a net-only alarm about self-harm also gives the crisis hotline.

Data: nlu_data/train, nlu_data/dev and nlu_data/red_flag_net. Never nlu_data/test, so the held-out figures stay honest. `cv` trains on
all but one of the dev sets written by a fresh writer (emergency_N / non_emergency_N) and tests on that one, so its
figures say what the net does for a writer it has not seen. sklearn is a development dependency only: the app
reads the weights and sums them in plain Python.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts" / "rasa")]

from nlu_yaml import load_file  # noqa: E402  (scripts/rasa/nlu_yaml.py)

from bot import red_flag_net, safety  # noqa: E402
from bot.text import normalize  # noqa: E402

DATA_DIRS = (ROOT / "nlu_data" / "train", ROOT / "nlu_data" / "dev", ROOT / "nlu_data" / "red_flag_net")
C = 1.0  # chosen by `cv`: 0.3, 1 and 3 gave the same recall within a point
MIN_DF = 2  # a gram seen once teaches nothing and would only bloat the weights
# Smaller weights are dropped: a fifth of the file, and not one decision on the 14,797 training lines changed at 0.1
MIN_WEIGHT = 0.05
_WRITER_SET = re.compile(r"(non_)?emergency_(\d+)$")


@dataclass(frozen=True)
class Line:
    text: str  # normalised
    emergency: bool
    crisis: bool
    writer_set: str  # "emergency_N" files' N, else ""


def lines() -> list[Line]:
    out = []
    for folder in DATA_DIRS:
        for path in sorted(folder.glob("*.yml")):
            named = _WRITER_SET.match(path.stem)
            for example in load_file(path).examples:
                text = normalize(example.text)
                emergency = example.intent == "emergency"
                crisis = emergency and safety.check_rules(text).crisis_hotline
                out.append(Line(text, emergency, crisis, named.group(2) if named and folder.name == "dev" else ""))
    return out


def data_digest(data: list[Line]) -> str:
    """What the weights were trained on: a test compares it with the data as it is now."""
    digest = hashlib.sha256()
    for line in data:
        digest.update(f"{line.emergency:d}{line.crisis:d}{line.text}\n".encode())
    return digest.hexdigest()


def fit(texts: list[str], labels: list[bool], min_weight: float = MIN_WEIGHT) -> dict[str, object]:
    """A trained model as bot.red_flag_net.Net reads it: intercept and the weight of each gram."""
    vectorizer, model = sklearn_model(texts, labels)
    weights = {gram: round(float(w), 4) for gram, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
               if abs(w) >= min_weight}
    return {"intercept": round(float(model.intercept_[0]), 4), "weights": dict(sorted(weights.items()))}


def sklearn_model(texts: list[str], labels: list[bool]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(analyzer=red_flag_net.grams, binary=True, min_df=MIN_DF)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(vectorizer.fit_transform(texts), labels)
    return vectorizer, model


def train(out: Path) -> None:
    data = lines()
    emergency = fit([x.text for x in data], [x.emergency for x in data])
    red_flags = [x for x in data if x.emergency]
    crisis = fit([x.text for x in red_flags], [x.crisis for x in red_flags])
    document = {"about": "written by scripts/red_flag_net.py train; do not edit", "data_sha256": data_digest(data),
                "emergency": emergency, "crisis": crisis}
    out.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{out}: trained on {len(data)} lines ({len(red_flags)} red flags, {sum(x.crisis for x in red_flags)} crisis); "
          f"{len(emergency['weights'])} + {len(crisis['weights'])} weights")


def cross_validate() -> None:
    """Leave one writer set out: train on the rest, count on it what the net alone and the rules alone flag."""
    data = lines()
    sets = sorted({x.writer_set for x in data if x.writer_set}, key=int)
    totals = {"net": [0, 0, 0, 0], "rules": [0, 0, 0, 0]}
    for held in sets:
        rest = [x for x in data if x.writer_set != held]
        model = red_flag_net.Net(fit([x.text for x in rest], [x.emergency for x in rest]), red_flag_net.THRESHOLD)
        test = [x for x in data if x.writer_set == held]
        row = []
        for name, says in (("net", model.fires), ("rules", lambda t: safety.check_rules(t).emergency)):
            counts = [sum(says(x.text) for x in test if x.emergency), sum(x.emergency for x in test),
                      sum(says(x.text) for x in test if not x.emergency), sum(not x.emergency for x in test)]
            totals[name] = [a + b for a, b in zip(totals[name], counts, strict=True)]
            row.append(f"{name} {_figures(counts)}")
        print(f"set {held:>2}: " + "  ".join(row), flush=True)
    print("all (the rules were tuned on these sets; the net never saw the one it is tested on):")
    for name, counts in totals.items():
        print(f"  {name}: {_figures(counts)}")


def _figures(counts: list[int]) -> str:
    return f"red flags caught {100 * counts[0] / counts[1]:.1f} % of {counts[1]}, false alarms {100 * counts[2] / counts[3]:.1f} % of {counts[3]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("train", "cv"))
    args = parser.parse_args()
    if args.command == "train":
        train(red_flag_net.WEIGHTS)
    else:
        cross_validate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
