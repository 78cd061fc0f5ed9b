#!/usr/bin/env bash
# Installs the dependencies when they are missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
echo "Installing dependencies (better-sqlite3 builds from source: about a minute)..." >&2
# A lockfile made on Linux lacks other platforms' optional packages, which can make `npm ci` refuse it.
npm ci --no-audit --no-fund >&2 || npm install --no-audit --no-fund >&2
