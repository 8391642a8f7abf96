"""Generate nlu_data/jieba_userdict.txt and check entity/token alignment.

Run with the Rasa venv (needs jieba):

    .venv-rasa/bin/python scripts/rasa/userdict.py generate   # rewrite the user dictionary
    .venv-rasa/bin/python scripts/rasa/userdict.py check      # only report misaligned entities
    .venv-rasa/bin/python scripts/rasa/userdict.py check --all  # list every misalignment

Words come from (highest priority first):
  1. every annotated entity value in nlu_data/train/ (surface text and synonym target),
  2. synonyms in nlu_data/synonyms.yml (and synonym items inside train/),
  3. the curated word lists nlu_data/lookups/*.txt (symptoms, body parts, exams, drugs,
     diseases, departments, vitals, extra_words).
Each word gets an explicit jieba frequency (jieba's own "suggest_freq", i.e. just enough
to keep it whole). Then every annotated training example is tokenised exactly like the
Rasa tokenizer does (half-width normalisation + jieba.tokenize with HMM) and, for each
entity whose start or end falls inside a token, the generator
  * raises the frequency of the entity's own text (x10 per round, a few rounds),
  * drops one of *our* lower-priority words (lookup/synonym) when that word is the token
    that crosses the entity boundary,
  * as a last resort disables a jieba built-in word that crosses the boundary
    (written as "word 0", jieba's way of deleting a word),
and reports what is still misaligned (Rasa ignores such entities during training).
nlu_data/test/ is never read.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "bot" / "rasa"))

import nlu_yaml  # noqa: E402
from kangban_components.text import to_halfwidth  # noqa: E402  (same as the tokenizer)

NLU = ROOT / "nlu_data"
TRAIN = NLU / "train"
LOOKUPS = NLU / "lookups"
SYNONYMS = NLU / "synonyms.yml"
USERDICT = NLU / "jieba_userdict.txt"

# jieba's re_han_default: only such characters can ever be inside one jieba token.
JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")
NUMERIC = re.compile(r"^[0-9.%+\-]+$")  # readings like 12.4 or 120: jieba keeps them whole anyway
PRIO_ANNOTATED, PRIO_SYNONYM, PRIO_LOOKUP = 3, 2, 1
MAX_ROUNDS = 6
MAX_FREQ = 10_000_000


def new_tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def tokens_of(tok, text: str) -> list[tuple[str, int, int]]:
    return [(w, s, e) for (w, s, e) in tok.tokenize(to_halfwidth(text)) if w.strip()]


def misaligned(tok, example) -> list[tuple[object, list[tuple[str, int, int]]]]:
    """Entities of the example whose boundaries fall inside a token."""
    toks = tokens_of(tok, example.text)
    starts = {s for _, s, _ in toks}
    ends = {e for _, _, e in toks}
    bad = []
    for ent in example.entities:
        if ent.start not in starts or ent.end not in ends:
            crossing = [t for t in toks if t[1] < ent.start < t[2] or t[1] < ent.end < t[2]]
            bad.append((ent, crossing))
    return bad


def load_sources(train_dirs: list[Path]):
    files = nlu_yaml.load_files([*train_dirs, SYNONYMS])
    examples = [ex for f in files for ex in f.examples]
    synonyms: dict[str, list[str]] = defaultdict(list)
    for f in files:
        for canon, forms in f.synonyms.items():
            synonyms[canon].extend(forms)
    lookup_words: dict[str, list[str]] = {}
    if LOOKUPS.is_dir():
        for p in sorted(LOOKUPS.glob("*.txt")):
            lookup_words[p.stem] = nlu_yaml.read_word_list(p)
    return examples, synonyms, lookup_words


def candidate_words(examples, synonyms, lookup_words) -> dict[str, int]:
    prio: dict[str, int] = {}

    def add(word: str, p: int) -> None:
        word = to_halfwidth(word.strip())
        if len(word) < 2 or not JIEBA_WORD.match(word) or NUMERIC.match(word):
            return
        prio[word] = max(prio.get(word, 0), p)

    for ex in examples:
        for ent in ex.entities:
            add(ent.text, PRIO_ANNOTATED)
            if ent.value != ent.text:
                add(ent.value, PRIO_SYNONYM)
    for canon, forms in synonyms.items():
        add(canon, PRIO_SYNONYM)
        for f in forms:
            add(f, PRIO_SYNONYM)
    for words in lookup_words.values():
        for w in words:
            add(w, PRIO_LOOKUP)
    return prio


def generate(train_dirs: list[Path], out: Path, verbose: bool) -> int:
    t0 = time.time()
    examples, synonyms, lookups = load_sources(train_dirs)
    prio = candidate_words(examples, synonyms, lookups)
    annotated = [ex for ex in examples if ex.entities]
    print(f"[userdict] {len(examples)} training examples, {len(annotated)} with entities, {len(prio)} candidate words")

    tok = new_tokenizer()
    base_freq = dict(tok.FREQ)  # jieba's built-in dictionary
    freq: dict[str, int] = {}
    for w in sorted(prio):
        f = tok.suggest_freq(w, tune=False)
        freq[w] = f
    for w, f in freq.items():
        tok.add_word(w, f)

    disabled: dict[str, str] = {}  # word -> reason
    dropped: dict[str, str] = {}
    for rnd in range(1, MAX_ROUNDS + 1):
        bad = [(ex, b) for ex in annotated for b in misaligned(tok, ex)]
        print(f"[userdict] round {rnd}: {len(bad)} misaligned entities")
        if not bad:
            break
        bumped = set()
        for ex, (ent, crossing) in bad:
            surface = to_halfwidth(ent.text)
            for t, _s, _e in crossing:
                p = prio.get(t, 0)
                if t in freq and p < PRIO_ANNOTATED and t != surface:
                    # One of our own lower-priority words swallows an annotated boundary.
                    if t not in dropped:
                        dropped[t] = f"crosses [{ent.text}]({ent.entity}) in {ex.raw!r}"
                        tok.del_word(t) if t not in base_freq else tok.add_word(t, base_freq[t])
                        freq.pop(t, None)
                elif (
                    rnd >= 3
                    and t not in freq
                    and t in base_freq
                    and p == 0
                    and not any(t == to_halfwidth(e2.text) for e2 in ex.entities)
                ):
                    # A jieba built-in word swallowing the boundary: disable it.
                    if t not in disabled:
                        disabled[t] = f"crosses [{ent.text}]({ent.entity}) in {ex.raw!r}"
                        tok.del_word(t)
            if JIEBA_WORD.match(surface) and not NUMERIC.match(surface) and len(surface) >= 2 and surface not in bumped:
                bumped.add(surface)
                new = min(MAX_FREQ, max(freq.get(surface, 1) * 10, tok.suggest_freq(surface)))
                freq[surface] = new
                prio.setdefault(surface, PRIO_ANNOTATED)
                tok.add_word(surface, new)

    lines = [f"{w} {f}" for w, f in sorted(freq.items())]
    lines += [f"{w} 0" for w in sorted(disabled)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"[userdict] wrote {out.relative_to(ROOT)}: {len(freq)} words, "
        f"{len(disabled)} jieba words disabled, {len(dropped)} curated words dropped "
        f"({time.time() - t0:.1f}s)"
    )
    if verbose:
        for w, why in sorted(dropped.items()):
            print(f"  dropped {w}: {why}")
        for w, why in sorted(disabled.items()):
            print(f"  disabled {w}: {why}")
    return check(train_dirs, out, show_all=verbose, examples=examples)


def check(train_dirs: list[Path], userdict: Path, show_all: bool = False, examples=None) -> int:
    if examples is None:
        examples, _, _ = load_sources(train_dirs)
    tok = new_tokenizer()
    if userdict.exists():
        tok.load_userdict(str(userdict))
    n_ent = sum(len(ex.entities) for ex in examples)
    bad = [(ex, b) for ex in examples if ex.entities for b in misaligned(tok, ex)]
    by_file = Counter(ex.source.split("#")[0] for ex, _ in bad)
    print(
        f"[align] {len(bad)} of {n_ent} annotated entities do not align with jieba tokens"
        + (f" (by file: {dict(by_file.most_common())})" if bad else "")
    )
    for i, (ex, (ent, crossing)) in enumerate(bad):
        if i >= 30 and not show_all:
            print(f"  ... {len(bad) - 30} more (use --all)")
            break
        toks = "/".join(w for w, _, _ in tokens_of(tok, ex.text))
        cross = ",".join(t for t, _, _ in crossing) or "-"
        print(f"  {ex.source}: [{ent.text}]({ent.entity}) in {ex.raw!r} -> {toks}  (crossing: {cross})")
    return len(bad)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["generate", "check"])
    ap.add_argument("--train", action="append", type=Path, help="training data dir/file (default nlu_data/train)")
    ap.add_argument("--out", type=Path, default=USERDICT)
    ap.add_argument("--all", action="store_true", help="list every problem")
    ap.add_argument("--strict", action="store_true", help="exit 1 if anything is misaligned")
    args = ap.parse_args(argv)
    train = args.train or [TRAIN]
    if args.command == "generate":
        n = generate(train, args.out, args.all)
    else:
        n = check(train, args.out, args.all)
    return 1 if (args.strict and n) else 0


if __name__ == "__main__":
    sys.exit(main())
