#!/usr/bin/env bash
# Starts the gateway as its own process against the real Kafka, then the terminal fleet.
#   bash loadtests/terminal-fleet.sh [terminal-fleet.ts options]   e.g. --connections 10000 --interval-ms 500
#   bash loadtests/terminal-fleet.sh --idle --connections 19000
#   GATEWAY_WORKERS=6 bash loadtests/terminal-fleet.sh --idle --connections 100000 --workers 8 --warmup-s 0 --duration-s 10
#     # 100,000 idle terminals: 6 gateway workers and 8 generator processes, each under the 20,000-descriptor limit
#   GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/gateway-prof" bash loadtests/terminal-fleet.sh …   # profile the gateway
# Needs `bash deploy/local/infra.sh up` (Kafka on 127.0.0.1:9092).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Each connection is a file descriptor in the gateway and in the generator.
if ! ulimit -n 200000 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)"
  echo "[terminal-fleet] could not raise the open-files limit to 200000; using the hard limit $(ulimit -n) (connections per process are capped by it)" >&2
fi

CONNECTIONS=10000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ ${args[$i]} == --connections ]] && CONNECTIONS=${args[$((i + 1))]}
done

PORT=${GATEWAY_PORT:-17808}
OPS=${OPS_PORT:-19480}
export GATEWAY_PORT=$PORT OPS_PORT=$OPS GATEWAY_HOST=127.0.0.1 OPS_HOST=127.0.0.1
export VEHICLE_REGISTRY_SOURCE="simulated:$CONNECTIONS" LOG_LEVEL=${LOG_LEVEL:-warn}
export GATEWAY_INSTANCE_ID="loadtest-$$" KAFKA_TOPIC_PARTITIONS=${KAFKA_TOPIC_PARTITIONS:-12}
export IDLE_TIMEOUT_MS=${IDLE_TIMEOUT_MS:-600000}

# node directly (not via npx) so that $! is the gateway's own pid for /proc/<pid>/status.
# The project's Node 24 (the `node` devDependency): workers share the port with reusePort, which older Nodes ignore.
NODE_BIN="$PWD/node_modules/.bin/node"
[[ -x $NODE_BIN ]] || NODE_BIN="$(command -v node)"
"$NODE_BIN" ${GATEWAY_NODE_ARGS:-} --import tsx services/gateway-jt808/src/main.ts >/tmp/gateway-jt808-loadtest.log 2>&1 &
GATEWAY_PID=$!
trap 'kill $GATEWAY_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$OPS/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$OPS/ready" >/dev/null || { echo "gateway not ready; see /tmp/gateway-jt808-loadtest.log" >&2; exit 1; }
echo "[terminal-fleet] gateway pid $GATEWAY_PID on 127.0.0.1:$PORT (log /tmp/gateway-jt808-loadtest.log)"

"$NODE_BIN" --import tsx loadtests/terminal-fleet.ts --port "$PORT" --pid "$GATEWAY_PID" "$@"
curl -fsS "http://127.0.0.1:$OPS/metrics" | grep -E '^roadwatch_gateway_(connections|backpressure_pauses_total|kafka_publish_failures_total|positions_in_flight)' || true
