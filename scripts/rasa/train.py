"""Train the Rasa model with a content-addressed cache (run with .venv-rasa/bin/python).

    scripts/rasa/train.sh                 # or: .venv-rasa/bin/python scripts/rasa/train.py
    EPOCHS=5 scripts/rasa/train.sh        # quick model for tests (or --fast / --epochs N)
    scripts/rasa/train.sh --force         # retrain even if the cached model exists
    scripts/rasa/train.sh --print-key     # only print the cache key

Steps:
 0. write nlu_data/train normalised as the app normalises every message to bot/rasa/.build/train/
    (scripts/rasa/normalized_nlu.py): Rasa learns the text it is sent;
 1. regenerate nlu_data/jieba_userdict.txt (scripts/rasa/userdict.py) from those lines and report entities that
    still do not align with jieba tokens;
 2. build bot/rasa/.build/: config.yml (epochs override), domain.yml (bot/rasa/domain.yml plus
    any intent/entity/retrieval response found in the data but missing there, with a warning),
    lookups.yml (nlu_data/lookups/*.txt as Rasa lookup tables);
 3. cache key = sha256 of the built config and domain, every file of nlu_data/ except test/ and dev/,
    bot/rasa/data/, the custom components, bot/rasa/requirements.lock, the normalised lines and the epochs setting;
 4. bot/rasa/models/<key>.tar.gz exists -> reuse it; otherwise `rasa train` into it.
    bot/rasa/models/CURRENT names the model to serve; the newest mtime is the same file, so
    `rasa run -m bot/rasa/models` serves it too. Older models beyond KEEP_MODELS (3) are removed.
 5. bot/rasa/models/<key>.machine.json records the CPU and TensorFlow that trained it: the same key
    trained on another CPU gives a model that scores differently (see machine()).
nlu_data/test/ and nlu_data/dev/ are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import nlu_yaml  # noqa: E402

BOT = ROOT / "bot" / "rasa"
NLU = ROOT / "nlu_data"
BUILD = BOT / ".build"
MODELS = BOT / "models"
KEEP_MODELS = int(os.environ.get("KEEP_MODELS", "3"))
FAST_EPOCHS = 5
ONEDNN_SETTINGS = ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA")
JIEBA_ONLY_LOOKUPS = {"extra_words"}  # word lists used for jieba only, not as Rasa lookups


def log(msg: str) -> None:
    print(f"[rasa-train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def training_data_paths() -> list[Path]:
    paths = [BUILD / "train"]  # nlu_data/train normalised as the app normalises messages (normalized_nlu.py)
    if (NLU / "synonyms.yml").exists():
        paths.append(NLU / "synonyms.yml")
    paths += [BUILD / "lookups.yml", BOT / "data"]
    return paths


def hashed_inputs() -> list[Path]:
    files = [p for p in NLU.rglob("*") if p.is_file()]
    # evaluation sets are never trained on, nor the red-flag net's own data; documentation does not change a model
    files = [p for p in files if p.relative_to(NLU).parts[0] not in ("test", "dev", "red_flag_net") and p.suffix != ".md"]
    files += [p for p in (BOT / "data").rglob("*") if p.is_file()]
    files += sorted((BOT / "kangban_components").glob("*.py"))
    files.append(BOT / "requirements.lock")
    files += [BUILD / "config.yml", BUILD / "domain.yml", BUILD / "lookups.yml", *sorted((BUILD / "train").glob("*.yml"))]
    return sorted(set(files))


def cache_key(epochs: int | None) -> str:
    h = hashlib.sha256()
    h.update(f"epochs={epochs}\n".encode())
    for p in hashed_inputs():
        rel = p.relative_to(ROOT).as_posix()
        if rel.endswith((".pyc",)) or "__pycache__" in rel:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build_config(epochs: int | None) -> None:
    cfg = yaml.safe_load((BOT / "config.yml").read_text(encoding="utf-8"))
    if epochs is not None:
        for comp in cfg.get("pipeline", []) + cfg.get("policies", []):
            if "epochs" in comp:
                comp["epochs"] = epochs
    (BUILD / "config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_lookups() -> None:
    lines = ['version: "3.1"', "nlu:"]
    for p in sorted((NLU / "lookups").glob("*.txt")):
        if p.stem in JIEBA_ONLY_LOOKUPS:
            continue
        words = sorted(set(nlu_yaml.read_word_list(p)))
        if not words:
            continue
        lines += [f"- lookup: {p.stem}", "  examples: |"] + [f"    - {w}" for w in words]
    (BUILD / "lookups.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_domain() -> list[str]:
    """Domain = bot/rasa/domain.yml + whatever the data uses but the domain lacks."""
    dom = yaml.safe_load((BOT / "domain.yml").read_text(encoding="utf-8"))
    warnings: list[str] = []
    examples = nlu_yaml.load_examples([NLU / "train"])
    intents = dom.setdefault("intents", [])
    intent_names = {i if isinstance(i, str) else next(iter(i)) for i in intents}
    entities = dom.setdefault("entities", [])
    entity_names = {e if isinstance(e, str) else next(iter(e)) for e in entities}
    responses: dict = dom.setdefault("responses", {})
    for base in sorted({ex.base_intent for ex in examples}):
        if base not in intent_names:
            intents.append(base)
            intent_names.add(base)
            warnings.append(f"intent '{base}' is in the data but not in bot/rasa/domain.yml (added)")
    for full in sorted({ex.intent for ex in examples if ex.sub_intent}):
        key = f"utter_{full}"
        if key not in responses:
            responses[key] = [{"text": full, "custom": {"intent_response_key": full}}]
            warnings.append(f"no response {key} in bot/rasa/domain.yml (placeholder added)")
    for ent in sorted({e.entity for ex in examples for e in ex.entities}):
        if ent not in entity_names:
            entities.append(ent)
            entity_names.add(ent)
            warnings.append(f"entity '{ent}' is in the data but not in bot/rasa/domain.yml (added)")
    (BUILD / "domain.yml").write_text(yaml.safe_dump(dom, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return warnings


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = str(BOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["RASA_CACHE_DIRECTORY"] = str(BUILD / "rasa-cache")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def machine() -> dict[str, object]:
    """What a model's numbers depend on beyond the cache key.

    Training is reproducible on one machine, not across machines: oneDNN picks its kernels by instruction set
    and guarantees no equal sums across CPUs, nor does Eigen. Five trainings of one key (an unrecorded CPU, an
    AVX2 AMD EPYC, an AVX-512 Intel Xeon with oneDNN as it comes, off, and capped at AVX2) gave five models, up to
    0.7 points apart on intent accuracy and 5 on FAQ topics (dev sets). Figures compare only between models
    trained on the same machine.
    """
    from importlib.metadata import PackageNotFoundError, version

    cpu, flags = platform.processor(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == "model name":
                cpu = value.strip()
            elif name.strip() == "flags":
                flags = set(value.split())
                break
    except OSError:
        pass
    try:
        tensorflow = version("tensorflow")
    except PackageNotFoundError:
        tensorflow = "unknown"
    return {
        "cpu": cpu,
        "instruction_sets": sorted(flags & {"avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile"}),
        "tensorflow": tensorflow,
        # each of these changed the model trained on one Intel CPU with AVX-512
        "oneDNN": {k: os.environ[k] for k in ONEDNN_SETTINGS if k in os.environ} or "default",
    }


def machine_record(model: Path) -> Path:
    """Where the machine that trained `model` is recorded: beside it, <key>.machine.json."""
    return model.with_name(model.name.replace(".tar.gz", ".machine.json"))


def describe(record: dict[str, object]) -> str:
    return f"{record['cpu']} [{' '.join(record['instruction_sets'])}], tensorflow {record['tensorflow']}, " \
        f"oneDNN {record['oneDNN']}"


def prune_models(keep: Path) -> None:
    models = sorted(MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != keep:
            old.unlink()
            machine_record(old).unlink(missing_ok=True)
            log(f"removed old model {old.name}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=None, help="override every epochs setting (env EPOCHS)")
    ap.add_argument("--fast", action="store_true", help=f"same as --epochs {FAST_EPOCHS}")
    ap.add_argument("--force", action="store_true", help="retrain even if a cached model exists")
    ap.add_argument("--print-key", action="store_true", help="print the cache key and exit")
    ap.add_argument("--skip-userdict", action="store_true", help="do not regenerate the jieba dictionary")
    args = ap.parse_args(argv)

    epochs = args.epochs
    if epochs is None and os.environ.get("EPOCHS"):
        epochs = int(os.environ["EPOCHS"])
    if args.fast:
        epochs = FAST_EPOCHS

    os.chdir(ROOT)
    BUILD.mkdir(parents=True, exist_ok=True)
    MODELS.mkdir(parents=True, exist_ok=True)
    if not list((NLU / "train").glob("*.y*ml")):
        log("no training data in nlu_data/train/")
        return 1

    t0 = time.time()
    import normalized_nlu

    built = normalized_nlu.build(NLU / "train", BUILD / "train")
    log(f"normalised the training lines as the app normalises messages: {built.changed} of {built.examples} changed, "
        f"{built.duplicates} duplicates dropped, {len(built.entities_lost)} annotations lost")
    if not args.skip_userdict:
        log("regenerating nlu_data/jieba_userdict.txt")
        import userdict

        userdict.generate([BUILD / "train"], userdict.USERDICT, verbose=False)
    build_config(epochs)
    build_lookups()
    for w in build_domain():
        log("WARNING: " + w)
    key = cache_key(epochs)
    if args.print_key:
        print(key)
        return 0

    model = MODELS / f"{key}.tar.gz"
    record = machine_record(model)
    if model.exists() and not args.force:
        os.utime(model)  # newest mtime = the one `rasa run -m bot/rasa/models` picks
        (MODELS / "CURRENT").write_text(model.name + "\n")
        log(f"cache hit: reusing {model.relative_to(ROOT)} (key {key}); nothing to train")
        if record.exists():
            log("it was trained on " + describe(json.loads(record.read_text())))
        return 0

    n_examples = len(nlu_yaml.load_examples([NLU / "train"]))
    trained_on = machine()
    log(f"training model {key} on {n_examples} examples (epochs={'config' if epochs is None else epochs})")
    log("on " + describe(trained_on))
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(BUILD / "config.yml"),
        "--domain",
        str(BUILD / "domain.yml"),
        "--data",
        *[str(p) for p in training_data_paths()],
        "--out",
        str(MODELS),
        "--fixed-model-name",
        key,
    ]
    if args.force:
        cmd.append("--force")
    t1 = time.time()
    proc = subprocess.run(cmd, env=rasa_env(), cwd=ROOT, check=False)
    if proc.returncode != 0 or not model.exists():
        log(f"rasa train failed (exit {proc.returncode})")
        return proc.returncode or 1
    (MODELS / "CURRENT").write_text(model.name + "\n")
    record.write_text(json.dumps(trained_on, indent=1) + "\n")
    prune_models(model)
    log(
        f"trained {model.relative_to(ROOT)} in {time.time() - t1:.0f}s "
        f"(total {time.time() - t0:.0f}s, {model.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
