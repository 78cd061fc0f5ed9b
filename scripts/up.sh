#!/usr/bin/env bash
# Quick start: install what is missing, build, and run Sinergi with its embedded store. Reminders need Redis: the
# one of REDIS_URL when it is set, otherwise a private redis-server started here (installed first where it can be,
# by the same script as `npm test`'s) and stopped when Sinergi stops.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.js up
if [ ! -f dist/src/main.js ] || [ -n "$(find src projections package.json -newer dist/src/main.js -print -quit 2>/dev/null)" ]; then
  echo "Building..." >&2
  npm run --silent build >&2
fi

data_dir="${SINERGI_DATA_DIR:-./data}"
redis_pid=""
stop_redis() {
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
}

if [ -n "${REDIS_URL:-}" ]; then
  echo "Reminders: ON, with the Redis of REDIS_URL ($(printf '%s' "$REDIS_URL" | sed -E 's#(//[^:/@]*):[^@]*@#\1:***@#'))" >&2
elif command -v redis-server >/dev/null; then
  redis_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  mkdir -p "$data_dir/redis"
  # Kept on disk (AOF) so delayed reminders survive a restart; never evicted, as BullMQ requires.
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data_dir/redis" --appendonly yes \
    --maxmemory-policy noeviction --save '' --daemonize no >"$data_dir/redis/redis.log" 2>&1 &
  redis_pid=$!
  trap stop_redis EXIT
  trap 'stop_redis; exit 130' INT
  trap 'stop_redis; exit 143' TERM
  for _ in $(seq 1 50); do
    if node -e 'require("net").connect(Number(process.argv[1]),"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))' "$redis_port"; then break; fi
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server did not start: see $data_dir/redis/redis.log" >&2; exit 1; }
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:${redis_port}"
  echo "Reminders: ON, with a private redis-server on 127.0.0.1:${redis_port} (data in $data_dir/redis, stopped with Sinergi)" >&2
else
  echo "Reminders: OFF. No REDIS_URL and no redis-server installed: agreements work, but no reminder is scheduled or sent." >&2
  echo "  To turn them on: install redis-server as said above (then run this again), or set REDIS_URL=redis://host:6379" >&2
fi
if [ -n "${REDIS_URL:-}" ] && [ -z "${SINERGI_SMTP_URL:-}" ]; then
  echo "Reminders: SINERGI_SMTP_URL is not set, so no e-mail is sent (webhooks only); e.g. SINERGI_SMTP_URL=smtp://user:pass@mail.example.go.id:587" >&2
fi

if [ -n "$redis_pid" ]; then
  # Not exec: this shell stays to stop its redis-server once Sinergi exits.
  node --heap-growing-percent=30 --max-semi-space-size=4 dist/src/main.js &
  sinergi_pid=$!
  trap 'kill -TERM "$sinergi_pid" 2>/dev/null; wait "$sinergi_pid"; stop_redis; exit 130' INT
  trap 'kill -TERM "$sinergi_pid" 2>/dev/null; wait "$sinergi_pid"; stop_redis; exit 143' TERM
  wait "$sinergi_pid"
else
  exec node --heap-growing-percent=30 --max-semi-space-size=4 dist/src/main.js
fi
