#!/usr/bin/env bash
# Run the suite against PostgreSQL (a throw-away database; pytest-django creates test_<name>).
set -euo pipefail
cd "$(dirname "$0")/.."
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
if ! .venv/bin/python - "$PGHOST" "$PGPORT" <<'PY'
import sys, psycopg
try:
    psycopg.connect(host=sys.argv[1], port=int(sys.argv[2]), user="postgres", dbname="postgres", connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  if [ "${CI:-}" = "true" ]; then echo "FAIL: PostgreSQL is required under CI=true"; exit 1; fi
  echo "SKIPPED: PostgreSQL run (server unreachable at $PGHOST:$PGPORT)"; exit 0
fi
export DATABASE_URL="postgres://postgres@${PGHOST}:${PGPORT}/onex_ci_$$"
export ONEX_DEV_SECRETS=1
exec .venv/bin/python -m pytest -m "not slow" -n 2 "$@"
