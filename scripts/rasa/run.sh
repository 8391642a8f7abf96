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

cd "$ROOT"
if [ "$WORKERS" -le 1 ]; then
  log "serving $(basename "$MODEL") on $IFACE:$PORT"
  exec "$VENV/bin/python" -m rasa "${args[@]}" -p "$PORT" "$@"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT
trap 'exit 143' TERM INT
for ((i = 0; i < WORKERS; i++)); do
  p=$((PORT + i))
  log "serving $(basename "$MODEL") on $IFACE:$p (server $((i + 1))/$WORKERS)"
  "$VENV/bin/python" -m rasa "${args[@]}" -p "$p" "$@" &
  pids+=($!)
done
# If any server dies, stop the others so the process manager sees the failure.
wait -n
rc=$?
log "a server exited (code $rc); stopping the others"
exit "$rc"
