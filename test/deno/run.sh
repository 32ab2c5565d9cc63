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
  # node_modules/.bin/{tsx,deno} are launchers: stop their children (the servers) too.
  for pid in "${pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# A server left over from an earlier run would answer in place of this one.
for port in "$DENO_GATEWAY_PORT" "$NODE_GATEWAY_PORT" 8001 8002 8003 8004; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "[deno-smoke] port $port is already in use: stop whatever listens there and run again" >&2
    exit 1
  fi
done

wait_for() { # url name logfile
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "[deno-smoke] $2 did not come up at $1; its log:" >&2
  tail -n 50 "$3" >&2
  return 1
}

# One internal signing key for both: the Node auth service publishes its public half, the Deno gateway signs with it.
INTERNAL_SIGNING_KEY=$(node_modules/.bin/tsx scripts/keys.ts 2>/dev/null)
export INTERNAL_SIGNING_KEY

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
