"""Evaluates the bot as the API answers (safety layer + Rasa + fallback) on the held-out nlu_data/test/.

    .venv/bin/python scripts/eval_bot.py [--rasa http://127.0.0.1:5005] [--fallback-only] [--set dev]
                                         [--files '*_3.yml'] [--misses] [--parses FILE]

`--set dev` evaluates on nlu_data/dev/ instead: a second independent set for choosing training data, so
that the held-out figures are not tuned to. There, lines labelled `non_emergency` only count for the
false-emergency rate. `--files` takes only the set's files matching a pattern (one dev set of several);
`--misses` lists every wrong answer, and only on the dev set: reading the held-out set's misses would
tune to it.

`--parses FILE` keeps Rasa's parses in FILE (JSON, per model and text) and replays them: a change to what the
app does with a parse (the blends, the rewrites) is then measured in seconds, without a server, on the model the
parses came from. Parses missing from the file are asked of Rasa and added.

Prints intent accuracy and macro-F1, department top-1/top-3, red-flag recall, false-emergency rate
and the worst confusions. Training never reads nlu_data/test/.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts" / "rasa")]

from eval import macro_f1  # noqa: E402  (scripts/rasa/eval.py)
from nlu_yaml import Example, load_examples  # noqa: E402
from train import MODELS, describe, machine_record  # noqa: E402  (scripts/rasa/train.py)

from bot import service  # noqa: E402
from bot.departments import DEPARTMENTS  # noqa: E402
from bot.nlu_client import RasaClient  # noqa: E402
from bot.schemas import Understanding  # noqa: E402

UNLABELLED = "non_emergency"  # dev lines that only say "not an emergency"


def evaluate(nlu: RasaClient | None, data_dir: Path, files: str = "*.yml", *, misses: bool = False) -> dict[str, object]:
    """The figures of one set; with `misses`, also every wrong answer (for the dev set: see --misses)."""
    rows = []
    for file in sorted(data_dir.glob(files)):
        for example in load_examples([file]):
            rows.append((file.stem, example, service.understand(example.text, nlu=nlu)))
    labelled = [(e, u) for _, e, u in rows if e.base_intent != UNLABELLED]
    gold = [e.base_intent for e, _ in labelled]
    pred = [u.intent.split("/", 1)[0] for _, u in labelled]
    triage = [(e, u) for _, e, u in rows if e.base_intent == "triage"]
    names = [[d.name for d in u.departments] for _, u in triage]
    gold_dept = [DEPARTMENTS[e.sub_intent or ""] for e, _ in triage]
    emergencies = [u for f, _, u in rows if _emergency_file(f)]
    calm = [u for f, e, u in rows if not _emergency_file(f) and e.base_intent != "emergency"]
    faq = [(e, u) for _, e, u in rows if e.base_intent == "faq"]
    confusions = Counter(
        f"{g} → {p}" for g, p in zip(gold, pred, strict=True) if g != p
    ) + Counter(f"{g} → {n[0] if n else '—'}" for g, n in zip(gold_dept, names, strict=True) if not n or n[0] != g)
    return {
        "examples": len(rows),
        "sources": Counter(u.source for _, _, u in rows),
        "intent_accuracy": _share(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold)),
        "intent_macro_f1": (f1 := macro_f1(gold, pred))["macro_f1"],
        "weakest_intents": sorted(f1["per_label"].items(), key=lambda kv: kv[1]["f1"])[:6],
        "faq_topic_accuracy": _share(sum(e.intent == u.intent for e, u in faq), len(faq)),
        "department_top1": _share(sum(bool(n) and n[0] == g for g, n in zip(gold_dept, names, strict=True)), len(triage)),
        "department_top3": _share(sum(g in n[:3] for g, n in zip(gold_dept, names, strict=True)), len(triage)),
        "red_flag_recall": _share(sum(u.urgency == "emergency" for u in emergencies), len(emergencies)),
        "emergency_cases": len(emergencies),
        "false_emergency_rate": _share(sum(u.urgency == "emergency" for u in calm), len(calm)),
        "non_emergency_cases": len(calm),
        "missed_emergencies": [e.text for f, e, u in rows if _emergency_file(f) and u.urgency != "emergency"][:15],
        "false_emergencies": [e.text for f, e, u in rows if not _emergency_file(f) and e.base_intent != "emergency"
                              and u.urgency == "emergency"][:15],
        "worst_confusions": confusions.most_common(20),
        "weakest_departments": _weakest(gold_dept, names),
        "misses": [f"{e.intent:28} → {u.intent:20} {','.join(d.name for d in u.departments) or '—':24} {e.text}"
                   for _, e, u in rows if _missed(e, u)] if misses else [],
    }


def _emergency_file(stem: str) -> bool:
    """emergency.yml, emergency_5.yml: red flags happening now (non_emergency*.yml are the calm ones)."""
    return stem.split("_", 1)[0] == "emergency"


def _share(count: int, total: int) -> float | None:
    """None for a subset without such lines (--files), printed as n/a."""
    return count / total if total else None


def _missed(example: Example, answer: Understanding) -> bool:
    """A wrong intent, or a complaint whose department is not in the top three."""
    if example.base_intent == UNLABELLED:
        return answer.urgency == "emergency"
    if example.base_intent != answer.intent.split("/", 1)[0]:
        return True
    return example.base_intent == "triage" and DEPARTMENTS[example.sub_intent or ""] not in [d.name for d in answer.departments]


def _weakest(gold: list[str], names: list[list[str]], n: int = 8) -> list[tuple[str, float, int]]:
    """Departments with the lowest top-1 accuracy: (name, accuracy, cases)."""
    cases: Counter[str] = Counter(gold)
    right = Counter(g for g, found in zip(gold, names, strict=True) if found and found[0] == g)
    return sorted(((d, right[d] / c, c) for d, c in cases.items()), key=lambda x: x[1])[:n]


class RecordedParses:
    """Rasa's parses kept in a file per model and text; asks `live` (when there is one) for the missing ones."""

    def __init__(self, path: Path, live: RasaClient | None, model: str) -> None:
        self.path, self.live, self.model = path, live, model
        self.all: dict[str, dict[str, dict]] = json.loads(path.read_text()) if path.exists() else {}
        self.parses = self.all.setdefault(model, {})
        self.asked = 0

    @property
    def model_version(self) -> str:
        return self.live.model_version if self.live else self.model

    def parse(self, text: str) -> dict:
        if text not in self.parses:
            if self.live is None:
                raise SystemExit(f"no parse of {text!r} for model {self.model} in {self.path}: run once with Rasa")
            self.parses[text] = self.live.parse(text)
            self.asked += 1
        return self.parses[text]

    def save(self) -> None:
        if self.asked:
            self.path.write_text(json.dumps(self.all, ensure_ascii=False))


def served_model(rasa_url: str) -> str | None:
    """The file name of the model Rasa serves."""
    import requests

    try:
        return Path(requests.get(f"{rasa_url}/status", timeout=5).json()["model_file"]).name
    except (requests.RequestException, ValueError, KeyError):
        return None


def trained_on(model: str | None) -> str:
    """The model and the machine that trained it: figures differ between CPUs."""
    if model is None:
        return "unknown model"
    record = machine_record(MODELS / model)
    if not record.exists():
        return f"{model}, trained on an unrecorded machine"
    return f"{model}, trained on {describe(json.loads(record.read_text()))}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--fallback-only", action="store_true", help="evaluate the degraded mode (no Rasa)")
    parser.add_argument("--set", choices=("test", "dev"), default="test", help="held-out test set, or the dev set")
    parser.add_argument("--files", default="*.yml", help="only the set's files matching this pattern")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer (dev set only)")
    parser.add_argument("--parses", type=Path, help="keep and replay Rasa's parses in this JSON file")
    parser.add_argument("--model", help="with --parses and Rasa stopped: the model whose parses to replay")
    args = parser.parse_args()
    if args.misses and args.set != "dev":
        parser.error("--misses is for the dev set only: the held-out set's misses are not to be read")
    nlu: RasaClient | RecordedParses | None = None
    model = "none (fallback only)"
    if not args.fallback_only:
        nlu = RasaClient([args.rasa], timeout=5.0)
        if nlu.available():
            served = served_model(args.rasa)
            model = trained_on(served)
        elif args.parses and args.model:
            nlu, served, model = None, args.model, f"{args.model} (replayed from {args.parses})"
        else:
            print(f"Rasa is not answering at {args.rasa}: start it (scripts/rasa/run.sh) or pass --fallback-only", file=sys.stderr)
            return 2
        if args.parses:
            nlu = RecordedParses(args.parses, nlu, served or "unknown model")
    service.warm_up()
    m = evaluate(nlu, ROOT / "nlu_data" / args.set, args.files, misses=args.misses)  # type: ignore[arg-type]
    if isinstance(nlu, RecordedParses):
        nlu.save()
    pct = lambda x: "n/a" if x is None else f"{100 * x:.1f} %"  # noqa: E731
    print("model                  ", model)
    print(f"examples                {m['examples']}  (answered by {dict(m['sources'])})")
    print(f"intent accuracy         {pct(m['intent_accuracy'])}")
    print(f"intent macro-F1         {pct(m['intent_macro_f1'])}")
    print(f"FAQ topic accuracy      {pct(m['faq_topic_accuracy'])}")
    print(f"department top-1        {pct(m['department_top1'])}")
    print(f"department top-3        {pct(m['department_top3'])}")
    print(f"red-flag recall         {pct(m['red_flag_recall'])}  on {m['emergency_cases']} emergencies")
    print(f"false-emergency rate    {pct(m['false_emergency_rate'])}  on {m['non_emergency_cases']} non-emergencies")
    print("missed emergencies:", *m["missed_emergencies"], sep="\n  ")
    print("false emergencies:", *m["false_emergencies"], sep="\n  ")
    print("worst confusions:", *(f"{n:3d}  {c}" for c, n in m["worst_confusions"]), sep="\n  ")
    print("weakest intents (F1):", *(f"{pct(v['f1']):>8}  precision {pct(v['precision']):>7}  recall {pct(v['recall']):>7}"
                                      f"  of {v['support']:3d}  {k}" for k, v in m["weakest_intents"]), sep="\n  ")
    print("weakest departments (top-1):", *(f"{pct(a):>8}  of {c:3d}  {d}" for d, a, c in m["weakest_departments"]),
          sep="\n  ")
    if args.misses:
        print("misses (gold → answer, departments, text):", *m["misses"], sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
