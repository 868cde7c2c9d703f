#!/usr/bin/env bash
# The Node.js release flexgrid is built and tested with, whatever node the machine has. The official binary
# comes from the npm registry (package node-<os>-<arch>, which carries it unchanged), so no other download
# site is needed; it is unpacked once into tmp/ (git-ignored) and reused.
#
#   node.sh fetch            fetch and unpack the pinned release (no-op when present); print its bin folder
#   node.sh exec CMD [ARG]   run CMD with that node first on PATH, e.g. `node.sh exec npm test`
#   node.sh version          print the pinned version
#
# Environment: FLEXGRID_NODE_DIR, where releases are unpacked (<repo>/tmp/node).
set -euo pipefail

VERSION=24.22.3

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE=${FLEXGRID_NODE_DIR:-$(cd "$HERE/../.." && pwd)/tmp/node}

log() { printf 'tools/node: %s\n' "$*" >&2; }

package_name() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) log "no Node.js package for $(uname -s)"; exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) log "no Node.js package for $(uname -m)"; exit 1 ;;
  esac
  echo "node-$os-$arch"
}

# The folder whose bin/node is the pinned release; fetched when missing or not that release.
fetch() {
  local dir="$BASE/$VERSION"
  if [ "$("$dir/bin/node" -v 2>/dev/null)" = "v$VERSION" ]; then
    echo "$dir/bin"
    return 0
  fi
  local package; package=$(package_name)
  log "fetching Node.js $VERSION ($package@$VERSION) from the npm registry"
  mkdir -p "$BASE"
  local staging; staging=$(mktemp -d "$BASE/.fetch.XXXXXX")
  # npm pack checks the tarball against the registry's integrity hash; the machine's npm may be any version.
  local tarball
  tarball=$(cd "$staging" && npm pack --silent "$package@$VERSION" | tail -1)
  tar -xzf "$staging/$tarball" -C "$staging"
  local got; got=$("$staging/package/bin/node" -v) || { log "the fetched binary does not run here"; rm -rf "$staging"; exit 1; }
  [ "$got" = "v$VERSION" ] || { log "the fetched binary is $got, not v$VERSION"; rm -rf "$staging"; exit 1; }
  # Unpacked aside and moved in one step, so an interrupted fetch never leaves a half-written release.
  rm -rf "$dir"
  mv "$staging/package" "$dir"
  rm -rf "$staging"
  log "Node.js $got in $dir"
  echo "$dir/bin"
}

case "${1:-}" in
  fetch) fetch ;;
  exec)
    shift
    [ $# -gt 0 ] || { log "exec needs a command, e.g. exec npm test"; exit 2; }
    bin=$(fetch)
    PATH="$bin:$PATH" exec "$@"
    ;;
  version) echo "$VERSION" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
