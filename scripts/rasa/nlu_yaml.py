"""Read Rasa 3.x NLU YAML files without importing Rasa.

Used by the Rasa helper scripts (userdict generation, alignment check, evaluation) and
importable by the app's own evaluation:

    from scripts.rasa.nlu_yaml import load_examples
    for ex in load_examples(["nlu_data/test"]):
        ex.text, ex.intent, ex.base_intent, ex.sub_intent, ex.entities

Only the standard library is required; PyYAML is used when available, otherwise a small
parser for the subset our data uses (``nlu:`` lists of ``intent``/``synonym``/``lookup``/
``regex`` items with ``examples: |`` blocks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Same grammar as rasa/shared/nlu/training_data/entities_parser.py (ENTITY_REGEX).
ENTITY_REGEX = re.compile(
    r"\[(?P<entity_text>[^\]]+?)\]"
    r"(\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)"
    r"|\{(?P<entity_dict>[^}]+?)\}"
    r"|\[(?P<list_entity_dicts>.*?)\])"
)

PathLike = str | Path


@dataclass
class Entity:
    entity: str
    value: str  # canonical value (synonym target) if given, else the surface text
    text: str  # surface text as written in the example
    start: int
    end: int
    role: str | None = None
    group: str | None = None


@dataclass
class Example:
    text: str  # plain text, annotations removed
    intent: str  # full intent, e.g. "triage/gastroenterology"
    entities: list[Entity] = field(default_factory=list)
    source: str = ""  # "file:line"-ish locator for messages
    raw: str = ""  # the annotated example as written

    @property
    def base_intent(self) -> str:
        return self.intent.split("/", 1)[0]

    @property
    def sub_intent(self) -> str | None:
        return self.intent.split("/", 1)[1] if "/" in self.intent else None


@dataclass
class NluFile:
    path: Path
    examples: list[Example] = field(default_factory=list)
    synonyms: dict = field(default_factory=dict)  # canonical -> [surface forms]
    lookups: dict = field(default_factory=dict)  # name -> [values]
    regexes: dict = field(default_factory=dict)  # name -> [patterns]


def parse_annotated(raw: str) -> tuple[str, list[Entity]]:
    """Strip Rasa inline entity annotations; return (plain text, entities)."""
    out: list[str] = []
    entities: list[Entity] = []
    pos = 0
    plain_len = 0
    for m in ENTITY_REGEX.finditer(raw):
        chunk = raw[pos : m.start()]
        out.append(chunk)
        plain_len += len(chunk)
        surface = m.group("entity_text")
        start, end = plain_len, plain_len + len(surface)
        dicts = []
        if m.group("entity"):
            dicts = [{"entity": m.group("entity"), "value": m.group("value")}]
        elif m.group("entity_dict"):
            try:
                dicts = [json.loads("{" + m.group("entity_dict") + "}")]
            except ValueError:
                dicts = []
        elif m.group("list_entity_dicts"):
            try:
                dicts = json.loads("[" + m.group("list_entity_dicts") + "]")
            except ValueError:
                dicts = []
        for d in dicts:
            if not isinstance(d, dict) or "entity" not in d:
                continue
            entities.append(
                Entity(
                    entity=str(d["entity"]).strip(),
                    value=str(d.get("value") or surface),
                    text=surface,
                    start=start,
                    end=end,
                    role=d.get("role"),
                    group=d.get("group"),
                )
            )
        out.append(surface)
        plain_len += len(surface)
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out), entities


def _block_items(block: str) -> list[str]:
    items = []
    for line in block.splitlines():
        s = line.strip()
        if s.startswith("- "):
            items.append(s[2:].strip())
        elif s == "-":
            items.append("")
    return items


def _mini_yaml_nlu(text: str) -> list:
    """Tiny fallback parser for `nlu:` items with `examples: |` blocks (no PyYAML)."""
    items: list = []
    cur: dict | None = None
    in_block = False
    block_indent = None
    in_nlu = False
    for line in text.splitlines():
        if not line.strip() or (line.lstrip().startswith("#") and not in_block):
            if in_block and cur is not None:
                cur["examples"] += "\n"
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0 and not line.startswith("- "):
            in_block = False
            in_nlu = line.startswith("nlu:")
            continue
        if not in_nlu:
            continue
        if in_block:
            if block_indent is None:
                block_indent = indent
            if indent >= block_indent:
                cur["examples"] += line[block_indent:] + "\n"
                continue
            in_block = False
        s = line.strip()
        if s.startswith("- ") and ":" in s:
            cur = {}
            items.append(cur)
            s = s[2:]
        if cur is None:
            continue
        key, _, val = s.partition(":")
        val = val.strip()
        if key.strip() == "examples" and val in ("|", "|-", "|+", ">"):
            cur["examples"] = ""
            in_block = True
            block_indent = None
        else:
            cur[key.strip()] = val.strip("\"'")
    return items


def load_file(path: PathLike) -> NluFile:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        import yaml  # type: ignore

        doc = yaml.safe_load(text) or {}
        items = (doc.get("nlu") or []) if isinstance(doc, dict) else []
    except ImportError:
        items = _mini_yaml_nlu(text)
    result = NluFile(path=path)
    for idx, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        examples = item.get("examples") or []
        if isinstance(examples, str):
            raws = _block_items(examples)
        else:  # list of {"text": ...} with metadata
            raws = [e.get("text", "") if isinstance(e, dict) else str(e) for e in examples]
        raws = [r for r in raws if r]
        if "intent" in item:
            intent = str(item["intent"]).strip()
            for n, raw in enumerate(raws):
                plain, ents = parse_annotated(raw)
                result.examples.append(Example(plain, intent, ents, source=f"{path.name}#{idx}.{n}", raw=raw))
        elif "synonym" in item:
            result.synonyms.setdefault(str(item["synonym"]), []).extend(raws)
        elif "lookup" in item:
            result.lookups.setdefault(str(item["lookup"]), []).extend(raws)
        elif "regex" in item:
            result.regexes.setdefault(str(item["regex"]), []).extend(raws)
    return result


def iter_yaml_files(paths: Iterable[PathLike]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix in (".yml", ".yaml"))
        elif p.suffix in (".yml", ".yaml") and p.exists():
            yield p


def load_files(paths: Sequence[PathLike]) -> list[NluFile]:
    return [load_file(p) for p in iter_yaml_files(paths)]


def load_examples(paths: Sequence[PathLike]) -> list[Example]:
    """All intent examples from the given files/directories (recursively)."""
    out: list[Example] = []
    for f in load_files(paths):
        out.extend(f.examples)
    return out


def read_word_list(path: PathLike) -> list[str]:
    """One word per line; '#' comments and blank lines ignored."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words
