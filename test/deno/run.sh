#!/usr/bin/env bash
# Deno smoke suite: the platform's services on Node (all-in-one, internal services exposed on 8001-8004), the
# gateway under Deno from the same code (apps/gateway/main.deno.ts), and smoke.test.ts against the Deno gateway.
set -euo pipefail
cd "$(dirname "$0")/../.."
DENO_GATEWAY_PORT=${DENO_GATEWAY_PORT:-18667}
NODE_GATEWAY_PORT=${NODE_GATEWAY_PORT:-18666}
logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # url name logfile
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "[deno-smoke] $2 did not come up at $1; its log:" >&2
  tail -n 50 "$3" >&2
  return 1
}

echo "[deno-smoke] starting the services on Node (all-in-one, EXPOSE_SERVICES=true)"
env -u DATABASE_URL -u REDIS_URL DATA_DIR="$logs/data" GATEWAY_PORT="$NODE_GATEWAY_PORT" WEB_PORT=0 EXPOSE_SERVICES=true LOG_LEVEL=warn \
  node_modules/.bin/tsx main.ts >"$logs/node.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:8001/ready" "auth service" "$logs/node.log"

echo "[deno-smoke] starting the gateway under Deno ($(node_modules/.bin/deno --version | head -n 1))"
PORT="$DENO_GATEWAY_PORT" HOST=127.0.0.1 SERVICE_DISCOVERY=local LOG_LEVEL=warn \
  node_modules/.bin/deno run --allow-net --allow-env --allow-read apps/gateway/main.deno.ts >"$logs/deno.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$DENO_GATEWAY_PORT/" "Deno gateway" "$logs/deno.log"

echo "[deno-smoke] running the smoke suite against the Deno gateway"
SMOKE_GATEWAY_URL="http://127.0.0.1:$DENO_GATEWAY_PORT" node_modules/.bin/vitest run --config test/deno/vitest.config.ts "$@"
