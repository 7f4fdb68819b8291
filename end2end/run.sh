#!/usr/bin/env bash
# End-to-end run against the release build: a fresh SQLite database and a free port per run.
#
#   cargo leptos build --release && end2end/run.sh [extra node --test flags]
#
# e.g. end2end/run.sh --test-name-pattern='elder'
# Needs target/release/server and target/site from the same release build, and
# end2end/node_modules (npm ci). Screenshots land in end2end/screenshots/.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$E2E_DIR")"
SERVER="$ROOT/target/release/server"

die() { echo "run.sh: $*" >&2; exit 1; }
[[ -x "$SERVER" ]] || die "$SERVER is missing: run 'cargo leptos build --release' first"
[[ -d "$ROOT/target/site/pkg" ]] || die "$ROOT/target/site/pkg is missing: run 'cargo leptos build --release' first"
[[ -d "$E2E_DIR/node_modules/playwright-core" ]] || die "run 'npm ci' in $E2E_DIR first"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/gridstation-e2e.XXXXXX")"
BASE_URL="http://127.0.0.1:$PORT"
SERVER_PID=""

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "---- end-to-end run failed (exit $status); last lines of $TMP/server.log ----" >&2
    tail -n 80 "$TMP/server.log" >&2 || true
    echo "---- temp dir kept for inspection: $TMP ----" >&2
  else
    rm -rf "$TMP"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run.sh: starting server on $BASE_URL (database $TMP/e2e.db)"
(
  cd "$ROOT"
  exec env \
    DATABASE_URL="sqlite://$TMP/e2e.db" \
    LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    LEPTOS_ENV=PROD \
    GRIDSTATION_LOGIN_PER_IP_PER_MINUTE=1000 \
    GRIDSTATION_API_PER_IP_PER_MINUTE=1000000 \
    "$SERVER" --addr "127.0.0.1:$PORT"
) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + 60))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/healthz" || true)" == 200 ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited before answering /healthz"
  (( SECONDS < deadline )) || die "server did not answer GET /healthz with 200 within 60 s"
  sleep 0.25
done
echo "run.sh: server is up"

cd "$E2E_DIR"
BASE_URL="$BASE_URL" DB_PATH="$TMP/e2e.db" \
  node --test --test-concurrency=1 "$@" tests/
