#!/usr/bin/env bash
# Installs what the offline integration tests need: Debian's chromium/ripgrep (+ build deps for
# code-server's native modules) and code-server 4.99.4 (= VS Code 1.99.3) into a cache folder.
# Idempotent and cached: a second run only checks a marker file. Works non-interactively (CI=true,
# no stdin). The steps follow the verified recipe for code-server offline (see README, "Integration tests").
#
# Where: $RESEARCH_VSCODE_TEST_CACHE, by default ${XDG_CACHE_HOME:-~/.cache}/research-dispatcher-vscode-test,
# in code-server-4.99.4/. Deliberately OUTSIDE the repo: the repo root is the extension under development,
# and VS Code applies any color/icon theme found under that folder, so built-in extensions installed
# inside it (e.g. in .vscode-test/) would replace the configured theme. test/vscode/run.mjs uses the same path.
set -euo pipefail

CODE_SERVER_VERSION=4.99.4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
CACHE_ROOT="${RESEARCH_VSCODE_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/research-dispatcher-vscode-test}"
CACHE="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
case "$(realpath -m "$CACHE")/" in
  "$ROOT"/*) echo "[setup] error: the cache ($CACHE) must not be inside the repo (see the comment at the top)" >&2; exit 1 ;;
esac
MARKER="$CACHE/.installed-$CODE_SERVER_VERSION"
VSCODE_DIR="$CACHE/node_modules/code-server/lib/vscode"

log() { echo "[setup] $*"; }

# 1. Debian packages (only when missing).
APT_PACKAGES=(libkrb5-dev pkg-config ripgrep chromium redis-server)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=(sudo -n); else
      echo "[setup] error: need root (or sudo) to apt-get install: ${missing[*]}" >&2; exit 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq </dev/null
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
else
  log "debian packages present"
fi

# 2-5. code-server, with its own postinstall done by hand (it refuses root and downloads ripgrep).
if [ -f "$MARKER" ] && [ -x "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server $CODE_SERVER_VERSION cached in $CACHE"
  exit 0
fi

start=$SECONDS
NPM_FLAGS=(--no-audit --no-fund --loglevel=error)
mkdir -p "$CACHE"
cd "$CACHE"
# A package.json of its own, so npm does not walk up and install into the project.
[ -f package.json ] || echo '{ "name": "vscode-test-code-server", "private": true }' > package.json

log "npm install code-server@$CODE_SERVER_VERSION (scripts off; ~170 MB)"
npm install --ignore-scripts "${NPM_FLAGS[@]}" "code-server@$CODE_SERVER_VERSION" </dev/null

log "installing VS Code's own dependencies"
cd "$VSCODE_DIR"
npm install --omit=dev --ignore-scripts "${NPM_FLAGS[@]}" </dev/null

log "building native modules (kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)"
# node-pty's post-install step reports an error while writing compile_commands.json; pty.node is
# built all the same, so the exit status is ignored here and the result is checked below.
npm rebuild "${NPM_FLAGS[@]}" kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid \
  </dev/null >"$CACHE/rebuild.log" 2>&1 || log "npm rebuild reported an error (expected from node-pty); checking the builds"
for f in node_modules/node-pty/build/Release/pty.node node_modules/kerberos/build/Release/kerberos.node \
         node_modules/@vscode/spdlog/build/Release/spdlog.node; do
  if [ ! -f "$f" ]; then
    echo "[setup] error: $f was not built; see ${CACHE}/rebuild.log" >&2
    tail -n 40 "$CACHE/rebuild.log" >&2
    exit 1
  fi
done

mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar

log "installing built-in extensions' dependencies"
cd "$VSCODE_DIR/extensions"
npm install --omit=dev --ignore-scripts "${NPM_FLAGS[@]}" </dev/null

log "building argon2"
cd "$CACHE"
npm rebuild "${NPM_FLAGS[@]}" argon2 </dev/null >/dev/null

touch "$MARKER"
log "code-server $CODE_SERVER_VERSION installed in $CACHE ($((SECONDS - start)) s)"
