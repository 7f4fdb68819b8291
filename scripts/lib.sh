# shellcheck shell=bash
# Sourced by the scripts in scripts/: defines ROOT, puts the pinned tools first on PATH,
# and provides log/die. Sourcing it changes no directory and installs nothing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# With HOME unset, ~ falls back to the passwd entry.
if [ -z "${HOME:-}" ]; then HOME=~; fi

# npm's binaryen (wasm-opt 132) must come before any other wasm-opt: Debian's wasm-opt 108
# silently breaks hydration. cargo-leptos and wasm-bindgen live in ~/.cargo/bin.
PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PATH

# "==> [  12s] message" on stderr; SECONDS counts from the start of the calling script.
log() {
  printf '==> [%4ss] %s\n' "$SECONDS" "$*" >&2
}

die() {
  printf '==> [%4ss] ERROR: %s\n' "$SECONDS" "$*" >&2
  exit 1
}

# --- a release server for tests and measurements ---------------------------------------

# require_release_build: dies unless target/release/server and target/site/pkg exist.
require_release_build() {
  [ -x "$ROOT/target/release/server" ] ||
    die "$ROOT/target/release/server is missing: run 'cargo leptos build --release --precompress --split' first"
  [ -d "$ROOT/target/site/pkg" ] ||
    die "$ROOT/target/site/pkg is missing: run 'cargo leptos build --release --precompress --split' first"
}

# start_release_server DIR: starts target/release/server with the site in target/site
# (LEPTOS_ENV=PROD) on a free port of 127.0.0.1 with a fresh SQLite database DIR/server.db,
# which the server fills with the demo city on its first start (GRIDSTATION_DEMO=1); its output goes to
# DIR/server.log. Returns once GET /healthz answers 200 (dies after 60 s or when the server
# exits). Sets SERVER_PID, BASE_URL and SERVER_DB. The per-IP login and API budgets are
# raised, since every request of a test or a measurement comes from 127.0.0.1. Callers stop
# it with stop_release_server (typically from an EXIT trap).
start_release_server() {
  local dir="$1" port
  require_release_build
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  BASE_URL="http://127.0.0.1:$port"
  SERVER_DB="$dir/server.db"
  (
    cd "$ROOT"
    exec env \
      DATABASE_URL="sqlite://$SERVER_DB" \
      LEPTOS_SITE_ROOT=target/site \
      LEPTOS_SITE_ADDR="127.0.0.1:$port" \
      LEPTOS_ENV=PROD \
      GRIDSTATION_DEMO=1 \
      GRIDSTATION_LOGIN_PER_IP_PER_MINUTE=1000 \
      GRIDSTATION_API_PER_IP_PER_MINUTE=1000000 \
      GRIDSTATION_REFUSALS_PER_IP_PER_MINUTE=1000000 \
      "$ROOT/target/release/server" --addr "127.0.0.1:$port"
  ) >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/healthz" || true)" = 200 ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "server exited before answering /healthz (log: $dir/server.log)"
    [ "$SECONDS" -lt "$deadline" ] || die "server did not answer GET /healthz with 200 within 60 s (log: $dir/server.log)"
    sleep 0.25
  done
}

# stop_release_server: stops the server start_release_server started, if it still runs.
stop_release_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
