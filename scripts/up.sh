#!/usr/bin/env bash
# Quick start: install what is missing, build, and run Sinergi with its embedded store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
if [ ! -f dist/src/main.js ] || [ -n "$(find src projections package.json -newer dist/src/main.js -print -quit 2>/dev/null)" ]; then
  echo "Building..." >&2
  npm run --silent build >&2
fi
exec node dist/src/main.js
