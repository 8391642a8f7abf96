#!/usr/bin/env bash
# Create / update the Rasa virtualenv (.venv-rasa, separate from the app venv .venv).
#
#   scripts/rasa/setup.sh            install exactly bot/rasa/requirements.lock (default, no compiler
#                                    or Debian packages needed; cached: does nothing when the venv
#                                    already matches the lock)
#   scripts/rasa/setup.sh --force    rebuild the venv even if it looks up to date
#   scripts/rasa/setup.sh --relock   resolve bot/rasa/requirements.txt + constraints.txt the way the
#                                    recipe in shared/notes/rasa-on-py311.md does (builds matplotlib
#                                    3.5.3 from source, installs the Debian headers it needs), swap in
#                                    the matplotlib wheel and rewrite bot/rasa/requirements.lock
#
# Environment: RASA_VENV (default <repo>/.venv-rasa), RASA_PYTHON (default python3.11).
# Non-interactive; safe to run concurrently (flock) and repeatedly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
PY="${RASA_PYTHON:-python3.11}"
REQ="$ROOT/bot/rasa/requirements.txt"
CON="$ROOT/bot/rasa/constraints.txt"
LOCK="$ROOT/bot/rasa/requirements.lock"
STAMP="$VENV/.kangban-setup-hash"
# Bump when this script's install procedure changes in a way that needs a rebuild.
SETUP_VERSION=1
# matplotlib wheel used instead of Rasa's pinned 3.5.3 (no cp311 wheel); must support numpy 1.23.
MPL_WHEEL_PINS=(matplotlib==3.7.5 contourpy==1.2.1)

export RASA_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1

mode=install
case "${1:-}" in
  "") ;;
  --force) mode=force ;;
  --relock) mode=relock ;;
  -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "unknown option: $1" >&2; exit 2 ;;
esac

log() { printf '[rasa-setup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

command -v "$PY" >/dev/null || { echo "$PY not found (set RASA_PYTHON)" >&2; exit 1; }
pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[ "$pyver" = "3.11" ] || log "WARNING: $PY is Python $pyver; this setup is verified on 3.11 only"

# One setup at a time (CI jobs, honcho and a developer may all call this).
mkdir -p "$(dirname "$VENV")" "$ROOT/bot/rasa/.build"
exec 9>"$ROOT/bot/rasa/.build/setup.lock"
flock 9

want_hash() {
  { echo "setup=$SETUP_VERSION"; "$PY" -VV; uname -m; cat "$LOCK"; } | sha256sum | cut -d' ' -f1
}

venv_ok() {
  [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want_hash)" ] \
    && "$VENV/bin/python" -c 'import rasa, jieba' >/dev/null 2>&1
}

verify() {
  log "verifying imports"
  "$VENV/bin/python" - <<'EOF'
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import jieba, rasa, tensorflow, dask  # noqa: F401  (dask: Rasa imports it, the 3.11 marker skips it)
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer  # noqa: F401
print("rasa", rasa.__version__, "tensorflow", tensorflow.__version__, "jieba", jieba.__version__)
EOF
  # Only the deliberate matplotlib deviation may show up here.
  "$VENV/bin/pip" check 2>/dev/null | grep -v -E '^rasa .* requirement matplotlib' || true
}

install_debian_build_deps() {
  local need=()
  for p in libfreetype-dev libqhull-dev pkg-config; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${need[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
}

new_venv() {
  log "creating $VENV with $("$PY" -V)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
}

start=$(date +%s)
case "$mode" in
  install|force)
    if [ "$mode" = install ] && venv_ok; then
      log "up to date ($VENV matches bot/rasa/requirements.lock)"
      exit 0
    fi
    new_venv
    log "installing bot/rasa/requirements.lock (no dependency resolution, exact versions)"
    "$VENV/bin/pip" install --no-deps --ignore-requires-python --prefer-binary -r "$LOCK"
    ;;
  relock)
    install_debian_build_deps
    new_venv
    cfg="$VENV/mplsetup.cfg"
    printf '[libs]\nsystem_freetype = True\nsystem_qhull = True\n' >"$cfg"
    log "resolving bot/rasa/requirements.txt with constraints (matplotlib 3.5.3 compiles: a few minutes)"
    MPLSETUPCFG="$cfg" "$VENV/bin/pip" install --ignore-requires-python -c "$CON" -r "$REQ"
    "$VENV/bin/pip" install --ignore-requires-python -c "$CON" dask==2022.10.2
    "$VENV/bin/pip" install --no-deps "${MPL_WHEEL_PINS[@]}"
    verify
    {
      sed -n '/^#/p' "$LOCK" 2>/dev/null | head -20
      "$VENV/bin/pip" freeze --all | grep -v -E '^pip=='
    } >"$LOCK.new"
    mv "$LOCK.new" "$LOCK"
    log "wrote $LOCK"
    ;;
esac

verify
want_hash >"$STAMP"
log "done in $(( $(date +%s) - start )) s; venv size $(du -sh "$VENV" | cut -f1)"
