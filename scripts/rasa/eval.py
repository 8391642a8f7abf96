"""Evaluate a running Rasa server on the held-out set (nlu_data/test/*.yml).

No Rasa imports: runs with the app venv or any Python that has `requests` (falls back to
urllib) and optionally PyYAML.

    python scripts/rasa/eval.py                            # server at http://127.0.0.1:5005
    python scripts/rasa/eval.py --url http://127.0.0.1:5006
    python scripts/rasa/eval.py --start                    # start scripts/rasa/run.sh on a free port
    python scripts/rasa/eval.py --json out.json            # also write all numbers as JSON

Prints intent accuracy and macro-F1 (retrieval intents counted as their base intent
triage/faq), FAQ sub-intent accuracy, department top-1/top-3 accuracy from the triage response
selector's ranking (gold = the triage/<dept_key> label), entity micro P/R/F1 (exact span and
type), /model/parse latency, the most frequent confusions and the 20 most confident errors.

Importable:
    from scripts.rasa.eval import load_test_examples, evaluate, rasa_parser
    metrics = evaluate(load_test_examples(["nlu_data/test"]), rasa_parser("http://127.0.0.1:5005"))
    metrics["intent_accuracy"], metrics["dept_top3"], ...
`evaluate` takes any function text -> Rasa-style parse dict, so the app can evaluate its own
pipeline (rules + Rasa + fallback) with the same numbers by passing its own function.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
try:  # imported as scripts.rasa.eval
    from . import nlu_yaml  # type: ignore
except ImportError:  # run as a script
    sys.path.insert(0, str(HERE))
    import nlu_yaml  # type: ignore

Example = nlu_yaml.Example
ParseFn = Callable[[str], dict[str, Any]]

FALLBACK_INTENT = "nlu_fallback"


# --------------------------------------------------------------------------- data
def load_test_examples(paths: Sequence[os.PathLike | str] = (ROOT / "nlu_data" / "test",)) -> list[Example]:
    """Every intent example under the given files/directories (see nlu_yaml.Example)."""
    return nlu_yaml.load_examples(list(paths))


# --------------------------------------------------------------------------- HTTP
def _post_json(url: str, payload: dict, timeout: float) -> dict:
    try:
        import requests  # type: ignore

        r = requests.post(url, json=payload, timeout=timeout)
        r.raise_for_status()
        return r.json()
    except ImportError:
        import urllib.request

        _check_http(url)
        req = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read().decode())


def _check_http(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")


def rasa_parser(url: str = "http://127.0.0.1:5005", timeout: float = 10.0, token: str | None = None) -> ParseFn:
    endpoint = url.rstrip("/") + "/model/parse" + (f"?token={token}" if token else "")

    def parse(text: str) -> dict[str, Any]:
        return _post_json(endpoint, {"text": text}, timeout)

    return parse


def server_up(url: str, timeout: float = 2.0) -> bool:
    import urllib.request

    _check_http(url)
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as r:
            return r.status == 200
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- reading a parse
def predicted_intent(parse: dict[str, Any]) -> str:
    return ((parse.get("intent") or {}).get("name")) or FALLBACK_INTENT


def intent_confidence(parse: dict[str, Any]) -> float:
    return float((parse.get("intent") or {}).get("confidence") or 0.0)


def selector_ranking(parse: dict[str, Any], retrieval_intent: str) -> list[dict[str, Any]]:
    """Ranking of one response selector: [{'intent_response_key': 'triage/x', 'confidence': ..}]."""
    sel = (parse.get("response_selector") or {}).get(retrieval_intent) or {}
    return list(sel.get("ranking") or [])


def selector_top(parse: dict[str, Any], retrieval_intent: str) -> str | None:
    sel = (parse.get("response_selector") or {}).get(retrieval_intent) or {}
    key = (sel.get("response") or {}).get("intent_response_key")
    if key:
        return key
    ranking = selector_ranking(parse, retrieval_intent)
    return ranking[0].get("intent_response_key") if ranking else None


def sub_key(intent_response_key: str | None) -> str | None:
    if not intent_response_key:
        return None
    return intent_response_key.split("/", 1)[1] if "/" in intent_response_key else intent_response_key


def department_ranking(parse: dict[str, Any]) -> list[str]:
    """dept_keys best first, from the triage response selector."""
    return [sub_key(r.get("intent_response_key")) for r in selector_ranking(parse, "triage")]


# --------------------------------------------------------------------------- metrics
def macro_f1(gold: list[str], pred: list[str], labels: Iterable[str] | None = None) -> dict[str, Any]:
    labels = sorted(set(labels) if labels is not None else set(gold))
    per = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    macro = statistics.mean(v["f1"] for v in per.values()) if per else 0.0
    return {"macro_f1": macro, "per_label": per}


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[k]


def evaluate(examples: Sequence[Example], parse: ParseFn, progress: bool = False) -> dict[str, Any]:
    """Run every example through `parse` and compute the metrics (a JSON-able dict)."""
    rows = []
    latencies = []
    for i, ex in enumerate(examples):
        t0 = time.perf_counter()
        p = parse(ex.text)
        latencies.append((time.perf_counter() - t0) * 1000)
        rows.append((ex, p))
        if progress and (i + 1) % 100 == 0:
            print(f"  parsed {i + 1}/{len(examples)}", file=sys.stderr, flush=True)

    gold_base = [ex.base_intent for ex, _ in rows]
    pred_base = [predicted_intent(p) for _, p in rows]
    n = len(rows)
    intent_acc = sum(g == q for g, q in zip(gold_base, pred_base, strict=True)) / n if n else 0.0
    f1 = macro_f1(gold_base, pred_base)

    # FAQ sub-intents: end-to-end (intent faq + right key) and selector-only.
    faq_rows = [(ex, p) for ex, p in rows if ex.base_intent == "faq" and ex.sub_intent]
    faq_e2e = sum(predicted_intent(p) == "faq" and sub_key(selector_top(p, "faq")) == ex.sub_intent for ex, p in faq_rows)
    faq_sel = sum(sub_key(selector_top(p, "faq")) == ex.sub_intent for ex, p in faq_rows)

    # Departments from the triage selector ranking.
    tri_rows = [(ex, p) for ex, p in rows if ex.base_intent == "triage" and ex.sub_intent]
    top1 = sum(department_ranking(p)[:1] == [ex.sub_intent] for ex, p in tri_rows)
    top3 = sum(ex.sub_intent in department_ranking(p)[:3] for ex, p in tri_rows)
    top1_e2e = sum(predicted_intent(p) == "triage" and department_ranking(p)[:1] == [ex.sub_intent] for ex, p in tri_rows)
    dept_gold = [ex.sub_intent for ex, _ in tri_rows]
    dept_pred = [(department_ranking(p)[:1] or ["-"])[0] for _, p in tri_rows]
    dept_f1 = macro_f1(dept_gold, dept_pred)

    # Entities: exact (type, start, end) match, micro averaged.
    tp = fp = fn = 0
    for ex, p in rows:
        gold_e = {(e.entity, e.start, e.end) for e in ex.entities}
        pred_e = {
            (e.get("entity"), e.get("start"), e.get("end"))
            for e in (p.get("entities") or [])
            if e.get("extractor") in (None, "DIETClassifier", "RegexEntityExtractor", "CRFEntityExtractor")
        }
        tp += len(gold_e & pred_e)
        fp += len(pred_e - gold_e)
        fn += len(gold_e - pred_e)
    if tp + fn:  # only when the test set annotates entities
        ent_p = tp / (tp + fp) if tp + fp else 0.0
        ent_r = tp / (tp + fn)
        ent_f1 = 2 * ent_p * ent_r / (ent_p + ent_r) if ent_p + ent_r else 0.0
    else:
        ent_p = ent_r = ent_f1 = None

    # Errors: label errors at intent level, department errors for triage.
    errors = []
    for ex, p in rows:
        pred = predicted_intent(p)
        if pred != ex.base_intent:
            errors.append(
                {
                    "text": ex.text,
                    "gold": ex.intent,
                    "pred": pred,
                    "confidence": intent_confidence(p),
                    "source": ex.source,
                    "kind": "intent",
                }
            )
        elif ex.base_intent in ("triage", "faq") and ex.sub_intent:
            top = sub_key(selector_top(p, ex.base_intent))
            if top != ex.sub_intent:
                ranking = selector_ranking(p, ex.base_intent)
                conf = float(ranking[0].get("confidence", 0.0)) if ranking else 0.0
                errors.append(
                    {
                        "text": ex.text,
                        "gold": ex.intent,
                        "pred": f"{ex.base_intent}/{top}",
                        "confidence": conf,
                        "source": ex.source,
                        "kind": "sub_intent",
                    }
                )
    errors.sort(key=lambda e: -e["confidence"])
    pairs = Counter((e["gold"], e["pred"]) for e in errors)

    by_file = defaultdict(lambda: [0, 0])
    for ex, p in rows:
        f = ex.source.split("#")[0]
        by_file[f][1] += 1
        ok = predicted_intent(p) == ex.base_intent
        if ok and ex.base_intent in ("triage", "faq") and ex.sub_intent:
            ok = sub_key(selector_top(p, ex.base_intent)) == ex.sub_intent
        by_file[f][0] += int(ok)

    return {
        "n_examples": n,
        "intent_accuracy": intent_acc,
        "intent_macro_f1": f1["macro_f1"],
        "intent_per_label": f1["per_label"],
        "fallback_rate": sum(q == FALLBACK_INTENT for q in pred_base) / n if n else 0.0,
        "faq_n": len(faq_rows),
        "faq_sub_accuracy": faq_e2e / len(faq_rows) if faq_rows else None,
        "faq_selector_accuracy": faq_sel / len(faq_rows) if faq_rows else None,
        "triage_n": len(tri_rows),
        "dept_top1": top1 / len(tri_rows) if tri_rows else None,
        "dept_top3": top3 / len(tri_rows) if tri_rows else None,
        "dept_top1_end_to_end": top1_e2e / len(tri_rows) if tri_rows else None,
        "dept_macro_f1": dept_f1["macro_f1"] if tri_rows else None,
        "dept_per_label": dept_f1["per_label"] if tri_rows else {},
        "entity_precision": ent_p,
        "entity_recall": ent_r,
        "entity_f1": ent_f1,
        "latency_ms_p50": _pct(latencies, 50),
        "latency_ms_p90": _pct(latencies, 90),
        "latency_ms_p99": _pct(latencies, 99),
        "exact_accuracy_by_file": {k: v[0] / v[1] for k, v in sorted(by_file.items())},
        "top_confusions": [{"gold": g, "pred": q, "count": c} for (g, q), c in pairs.most_common(20)],
        "worst_errors": errors[:20],
        "n_errors": len(errors),
    }


def format_report(m: dict[str, Any]) -> str:
    def pct(x):
        return "  n/a" if x is None else f"{100 * x:5.1f}%"

    lines = [
        f"examples:                 {m['n_examples']}",
        f"intent accuracy:          {pct(m['intent_accuracy'])}   (retrieval intents as triage/faq)",
        f"intent macro-F1:          {pct(m['intent_macro_f1'])}",
        f"fallback (nlu_fallback):  {pct(m['fallback_rate'])}",
        f"FAQ sub-intent accuracy:  {pct(m['faq_sub_accuracy'])}   "
        f"(n={m['faq_n']}; selector alone {pct(m['faq_selector_accuracy'])})",
        f"department top-1:         {pct(m['dept_top1'])}   "
        f"(n={m['triage_n']}; end-to-end with intent triage {pct(m['dept_top1_end_to_end'])})",
        f"department top-3:         {pct(m['dept_top3'])}",
        f"department macro-F1:      {pct(m['dept_macro_f1'])}",
        f"entities P/R/F1:          {pct(m['entity_precision'])} {pct(m['entity_recall'])} {pct(m['entity_f1'])}",
        f"parse latency ms:         p50 {m['latency_ms_p50']:.1f}  p90 {m['latency_ms_p90']:.1f}  p99 {m['latency_ms_p99']:.1f}",
        "",
        "per intent (F1 / support):",
    ]
    for lab, v in sorted(m["intent_per_label"].items(), key=lambda kv: kv[1]["f1"]):
        lines.append(f"  {lab:22s} {100 * v['f1']:5.1f}  {v['support']}")
    if m["dept_per_label"]:
        lines.append("per department (top-1 F1 / support):")
        for lab, v in sorted(m["dept_per_label"].items(), key=lambda kv: kv[1]["f1"]):
            lines.append(f"  {lab:22s} {100 * v['f1']:5.1f}  {v['support']}")
    lines.append("by file (exact label accuracy):")
    for f, acc in m["exact_accuracy_by_file"].items():
        lines.append(f"  {f:28s} {pct(acc)}")
    lines.append(f"most frequent confusions ({m['n_errors']} errors):")
    for c in m["top_confusions"]:
        lines.append(f"  {c['count']:3d}  {c['gold']} -> {c['pred']}")
    lines.append("20 most confident errors:")
    for e in m["worst_errors"]:
        lines.append(f"  {e['confidence']:.2f}  {e['gold']} -> {e['pred']}  {e['text']}  [{e['source']}]")
    return "\n".join(lines)


# --------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, wait_s: float = 300) -> subprocess.Popen:
    env = dict(os.environ, RASA_PORT=str(port), RASA_WORKERS="1")
    proc = subprocess.Popen(
        [str(HERE / "run.sh")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rasa server exited with {proc.returncode}")
        if server_up(url):
            # /  answers before the model is loaded: wait until a parse works
            try:
                rasa_parser(url)("你好")
                return proc
            except (OSError, ValueError):  # requests' errors are OSErrors too
                time.sleep(1)
                continue
        time.sleep(1)
    stop_server(proc)
    raise TimeoutError("rasa server did not come up")


def stop_server(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        return


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    ap.add_argument("--test", nargs="+", default=[str(ROOT / "nlu_data" / "test")])
    ap.add_argument("--start", action="store_true", help="start scripts/rasa/run.sh on a free port")
    ap.add_argument("--json", type=Path, help="write all metrics to this file")
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args(argv)

    examples = load_test_examples(args.test)
    if not examples:
        print(f"no test examples in {args.test}", file=sys.stderr)
        return 1
    proc = None
    url = args.url
    if args.start:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        print(f"starting rasa on {url} ...", file=sys.stderr, flush=True)
        proc = start_server(port)
    elif not server_up(url):
        print(f"no Rasa server at {url} (use --start)", file=sys.stderr)
        return 1
    try:
        print(f"evaluating {len(examples)} examples against {url}", file=sys.stderr, flush=True)
        metrics = evaluate(examples, rasa_parser(url, args.timeout), progress=True)
    finally:
        if proc is not None:
            stop_server(proc)
    print(format_report(metrics))
    if args.json:
        args.json.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
