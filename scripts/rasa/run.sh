#!/usr/bin/env bash
# Serve the trained Rasa model over HTTP (POST /model/parse ...). Usable as a Procfile line:
#   rasa: scripts/rasa/run.sh
#
# Environment:
#   RASA_PORT        first port (default 5005)
#   RASA_WORKERS     number of servers on consecutive ports PORT..PORT+N-1 (default 1)
#   RASA_INTERFACE   bind address (default 127.0.0.1; the API has no auth token)
#   RASA_MODEL       model file or directory (default: bot/rasa/models/CURRENT, else the dir)
#   RASA_AUTO_TRAIN  1 = run scripts/rasa/train.sh first (a cache hit costs seconds);
#                    0 = never; default: only when there is no model at all
#   RASA_ACTIONS_URL custom action server URL (default http://127.0.0.1:5055/webhook)
#   RASA_ENABLE_API_TOKEN  if set, passed as --auth-token
# Telemetry is always off. Extra arguments are passed to `rasa run`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
MODELS="$ROOT/bot/rasa/models"
PORT="${RASA_PORT:-5005}"
WORKERS="${RASA_WORKERS:-1}"
IFACE="${RASA_INTERFACE:-127.0.0.1}"

export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$ROOT/bot/rasa${PYTHONPATH:+:$PYTHONPATH}"
export RASA_CACHE_DIRECTORY="$ROOT/bot/rasa/.build/rasa-cache"
# Several servers on a 2-core machine: small TF thread pools keep them from fighting over cores.
if [ "$WORKERS" -gt 1 ]; then
  export TF_NUM_INTRAOP_THREADS="${TF_NUM_INTRAOP_THREADS:-1}"
  export TF_NUM_INTEROP_THREADS="${TF_NUM_INTEROP_THREADS:-1}"
fi

log() { printf '[rasa-run %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

"$ROOT/scripts/rasa/setup.sh"

current_model() {
  if [ -n "${RASA_MODEL:-}" ]; then echo "$RASA_MODEL"; return; fi
  if [ -f "$MODELS/CURRENT" ] && [ -f "$MODELS/$(cat "$MODELS/CURRENT")" ]; then
    echo "$MODELS/$(cat "$MODELS/CURRENT")"; return
  fi
  if compgen -G "$MODELS/*.tar.gz" >/dev/null; then echo "$MODELS"; return; fi
  echo ""
}

case "${RASA_AUTO_TRAIN:-}" in
  1|true|yes) "$ROOT/scripts/rasa/train.sh" ;;
  0|false|no) ;;
  *) [ -n "$(current_model)" ] || { log "no model yet: training"; "$ROOT/scripts/rasa/train.sh"; } ;;
esac
MODEL="$(current_model)"
[ -n "$MODEL" ] || { log "no model in $MODELS"; exit 1; }

ENDPOINTS="$ROOT/bot/rasa/endpoints.yml"
if [ -n "${RASA_ACTIONS_URL:-}" ]; then
  mkdir -p "$ROOT/bot/rasa/.build"
  ENDPOINTS="$ROOT/bot/rasa/.build/endpoints.yml"
  printf 'action_endpoint:\n  url: "%s"\n' "$RASA_ACTIONS_URL" >"$ENDPOINTS"
fi

args=(run --enable-api -i "$IFACE" -m "$MODEL"
      --endpoints "$ENDPOINTS" --credentials "$ROOT/bot/rasa/credentials.yml")
[ -n "${RASA_ENABLE_API_TOKEN:-}" ] && args+=(--auth-token "$RASA_ENABLE_API_TOKEN")

# A fresh server's first parses take 0.3-0.6 s while TensorFlow builds its graphs: longer than the app's 300 ms budget,
# so the first patients after a start got the fallback's answer. Each server parses twice as soon as it answers.
warm_up() {
  local host="$IFACE"
  case "$host" in 0.0.0.0|::|"") host=127.0.0.1 ;; esac
  "$VENV/bin/python" - "$host" "$1" "${RASA_ENABLE_API_TOKEN:-}" <<'PY' && log "server on port $1 warmed up"
import json, sys, time, urllib.request
host, port, token = sys.argv[1:4]
url = f"http://{host}:{port}/model/parse" + (f"?token={token}" if token else "")
deadline = time.monotonic() + 900  # loading a model takes a minute or two; training is done before we get here
while time.monotonic() < deadline:
    try:
        for text in ("头疼三天了 挂什么科", "你好"):
            request = urllib.request.Request(url, json.dumps({"text": text}).encode(), {"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=30).read()
        sys.exit(0)
    except OSError:
        time.sleep(1)
sys.exit(1)
PY
}

cd "$ROOT"
pids=()
warmers=()
cleanup() { for p in "${pids[@]}" "${warmers[@]}"; do kill "$p" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT
trap 'exit 143' TERM INT
for ((i = 0; i < WORKERS; i++)); do
  p=$((PORT + i))
  log "serving $(basename "$MODEL") on $IFACE:$p (server $((i + 1))/$WORKERS)"
  "$VENV/bin/python" -m rasa "${args[@]}" -p "$p" "$@" &
  pids+=($!)
  warm_up "$p" &
  warmers+=($!)
done
# If any server dies, stop the others so the process manager sees the failure.
rc=0
wait -n "${pids[@]}" || rc=$?  # not a bare `wait -n`: under `set -e` its failure ended the script before this log line
log "a server exited (code $rc); stopping the others"
exit "$rc"
