#!/usr/bin/env bash
# Migrate, load the demo data on first run, then serve the UI and run the Huey consumer.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PORT="${PORT:-8000}"  # settings derive ONEX_PUBLIC_URL from it
export DEBUG="${DEBUG:-1}"
mkdir -p var
$PY manage.py migrate --no-input -v0
if [ ! -f var/.demo-loaded ]; then
  echo "Loading demo data (first run only)…"
  $PY manage.py demo_data && touch var/.demo-loaded
fi
$PY manage.py run_huey --quiet &
HUEY_PID=$!
trap 'kill $HUEY_PID 2>/dev/null || true; wait $HUEY_PID 2>/dev/null || true' EXIT INT TERM
echo "onex: http://127.0.0.1:${PORT}"
# The accounts come from the demo registry (every app declares the ones its steps create).
$PY manage.py demo_accounts
$PY manage.py runserver "127.0.0.1:${PORT}"
