"""Training files as Rasa will read them when serving: every example through the app's `bot.text.normalize`.

The app normalises each message before Rasa sees it (simplified characters, Cantonese words in Mandarin, fixed
voice-input typos, readings as digits, no spaces between Chinese words). A model trained on the raw lines learned
traditional characters and spaced phrases it is never sent, and missed the forms it is. Entity annotations are kept:
each entity's text is normalised on its own and found again in the normalised line; where a reading becomes digits
only in context (血压一百四 → 血压140) the digits are looked for; an entity found nowhere loses its annotation.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
import nlu_yaml  # noqa: E402

from bot.text import CN_NUMBER, chinese_number, normalize  # noqa: E402


@dataclass
class Report:
    examples: int = 0
    changed: int = 0
    duplicates: int = 0
    entities_lost: list[str] = field(default_factory=list)


def require_zhconv() -> None:
    """Without zhconv, normalize folds only a small table of traditional characters: the model would learn other
    text than the app (which has zhconv) sends it."""
    try:
        import zhconv  # noqa: F401
    except ImportError as exc:
        raise SystemExit("zhconv is missing from the Rasa venv: run scripts/rasa/setup.sh") from exc


def _forms(surface: str, before: str) -> list[str]:
    """How the entity's text may read once normalised: on its own, as the change it makes to the text before it (发烧三天
    → 发烧3天: a number after a reading word), or as a reading's digits."""
    forms = [normalize(surface)]
    head, upto = normalize(before), normalize(before + surface)
    if upto.startswith(head):
        forms.append(upto[len(head) :].strip())
    number = chinese_number(surface) if CN_NUMBER.fullmatch(surface) else None
    if number:
        forms.append(number)
    return [f for f in forms if f]


def normalize_example(raw: str, report: Report) -> str:
    """One annotated example, normalised, with its annotations placed on the normalised text."""
    plain, _ = nlu_yaml.parse_annotated(raw)
    clean = normalize(plain)
    out, cursor, markup = [], 0, 0
    for match in nlu_yaml.ENTITY_REGEX.finditer(raw):
        surface = match.group("entity_text")
        annotation = match.group(0)[len(surface) + 2 :]  # "(symptom)" after "[surface]"
        plain_at = match.start() - markup  # where the entity's text stands in the plain line
        markup += len(match.group(0)) - len(surface)
        for form in _forms(surface, plain[:plain_at]):
            at = clean.find(form, cursor)
            if at >= 0:
                out.append(clean[cursor:at] + f"[{form}]{annotation}")
                cursor = at + len(form)
                break
        else:
            report.entities_lost.append(f"{surface}{annotation} in {raw}")
    out.append(clean[cursor:])
    return "".join(out)


def build(source: Path, target: Path) -> Report:
    """Writes a normalised copy of every training file under source into target (replacing what was there)."""
    require_zhconv()
    report = Report()
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.yml"):
        old.unlink()
    for path in sorted(source.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lines = ['version: "3.1"', "nlu:"]
        for item in doc.get("nlu") or []:
            if "intent" not in item:  # synonyms, lookups and regexes have files of their own, which Rasa reads as they are
                raise SystemExit(f"{path}: only intents belong in nlu_data/train ({sorted(item)})")
            seen: set[str] = set()
            examples = []
            for raw in nlu_yaml._block_items(item.get("examples") or ""):
                report.examples += 1
                clean = normalize_example(raw, report)
                report.changed += clean != raw
                if clean in seen or not clean:
                    report.duplicates += 1
                    continue
                seen.add(clean)
                examples.append(clean)
            lines += [f"- intent: {item['intent']}", "  examples: |", *(f"    - {e}" for e in examples)]
        (target / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":  # a report only: bot/rasa/.build/train is train.py's, and a training may be reading it
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        built = build(ROOT / "nlu_data" / "train", Path(scratch))
    print(f"{built.examples} examples, {built.changed} changed, {built.duplicates} duplicates dropped, "
          f"{len(built.entities_lost)} entities lost")
    for lost in built.entities_lost:
        print("  lost:", lost)
