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
