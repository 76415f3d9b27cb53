#!/usr/bin/env bash
# Prepares everything the real-workbench e2e suite needs, offline-safe and idempotent:
#   - Debian packages: chromium (the browser playwright-core drives), ripgrep (Quick Open),
#     libkrb5-dev + pkg-config (code-server's `kerberos` native module builds against gssapi).
#   - code-server 4.100.3 (= VS Code 1.100.3, the last release that runs on Node 20) in a cache folder.
# Usage: test/e2e/setup.sh [CACHE_DIR]
#   CACHE_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/migrate-lens/code-server
#   Afterwards CACHE_DIR/node_modules/.bin/code-server exists. A second run does nothing (seconds).
set -euo pipefail

CACHE_DIR=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/migrate-lens/code-server}
CS_VERSION=4.100.3
# @vscode/ripgrep 1.15.11 (a code-server dependency) fetches this archive from GitHub in postinstall.
RG_VERSION=v13.0.0-10
RG_ARCHIVE="ripgrep-$RG_VERSION-x86_64-unknown-linux-musl.tar.gz"

log() { printf '[e2e-setup] %s\n' "$*"; }

# 1. apt packages; `apt-get update` only when something is actually missing.
need=()
for p in chromium ripgrep libkrb5-dev pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  log "installing apt packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  log "apt packages present"
fi

# 2. code-server, unless this exact version is already installed in the cache folder.
CS_BIN="$CACHE_DIR/node_modules/.bin/code-server"
installed=""
if [ -x "$CS_BIN" ]; then
  installed=$(node -p "require('$CACHE_DIR/node_modules/code-server/package.json').version" 2>/dev/null || true)
fi
if [ "$installed" != "$CS_VERSION" ]; then
  # Seed @vscode/ripgrep's download cache with Debian's rg so its postinstall never goes to GitHub.
  RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  if [ ! -s "$RG_CACHE/$RG_ARCHIVE" ]; then
    t=$(mktemp -d)
    cp "$(command -v rg)" "$t/rg"
    tar czf "$RG_CACHE/$RG_ARCHIVE" -C "$t" rg
    rm -rf "$t"
  fi
  mkdir -p "$CACHE_DIR"
  [ -f "$CACHE_DIR/package.json" ] || echo '{"name":"migrate-lens-code-server","private":true}' > "$CACHE_DIR/package.json"
  log "installing code-server $CS_VERSION into $CACHE_DIR (a few minutes cold)"
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise.
  # yes: node-pty's postinstall runs `npx node-gyp`, which an npm config with yes=false would cancel.
  (cd "$CACHE_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-save "code-server@$CS_VERSION")
else
  log "code-server $CS_VERSION present"
fi

log "code-server $("$CS_BIN" --version | head -n1)"
log "chromium: $(command -v chromium)"
