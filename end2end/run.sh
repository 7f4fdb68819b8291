#!/usr/bin/env bash
# End-to-end run against the release build: a fresh SQLite database and a free port per run.
#
#   cargo leptos build --release && end2end/run.sh [extra node --test flags]
#
# e.g. end2end/run.sh --test-name-pattern='elder'
# Needs target/release/server and target/site from the same release build, and
# end2end/node_modules (npm ci). Screenshots land in end2end/screenshots/.
# After the suite, bytes.js --check measures the JS and WASM the pages load on the same
# server and fails on a breach of end2end/bytes-budget.json.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$E2E_DIR/../scripts/lib.sh"   # ROOT, start_release_server, stop_release_server

die() { echo "run.sh: $*" >&2; exit 1; }
require_release_build
[[ -d "$E2E_DIR/node_modules/playwright-core" ]] || die "run 'npm ci' in $E2E_DIR first"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/gridstation-e2e.XXXXXX")"
SERVER_PID=""

cleanup() {
  local status=$?
  stop_release_server
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

echo "run.sh: starting the release server (database $TMP/server.db)"
start_release_server "$TMP"
echo "run.sh: server is up on $BASE_URL"

cd "$E2E_DIR"
BASE_URL="$BASE_URL" DB_PATH="$SERVER_DB" \
  node --test --test-concurrency=1 "$@" tests/

# Bytes on the wire, against the same server: fails when the resident path (/, /board,
# /stars) grew more than 5% over end2end/bytes-budget.json, or passed the 250 KB ceiling
# once the budget enforces it.
echo "run.sh: bytes on the wire (bytes.js --check)"
node bytes.js --check --json "$TMP/bytes.json" "$BASE_URL"
