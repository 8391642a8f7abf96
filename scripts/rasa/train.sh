#!/usr/bin/env bash
# Train (or reuse) the Rasa model. See scripts/rasa/train.py for the cache key and options.
#   scripts/rasa/train.sh [--fast|--epochs N|--force|--print-key]     EPOCHS=N also works
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
export RASA_TELEMETRY_ENABLED=false
"$ROOT/scripts/rasa/setup.sh"
exec "$VENV/bin/python" "$ROOT/scripts/rasa/train.py" "$@"
