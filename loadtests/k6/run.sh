#!/usr/bin/env bash
# Runs the k6 scripts against the platform, started here in a known state, and stops it again.
#
#   bash loadtests/k6/run.sh                  # both scripts, on the real Kafka and PostgreSQL
#   bash loadtests/k6/run.sh rest-api.js      # one of them
#   MODE=embedded bash loadtests/k6/run.sh    # on the embedded default (npm start) instead
#
# MODE=infra (default): every service in one process (the standalone composition: demo users,
#   the simulated fleet's registry) over the real Kafka and PostgreSQL of `npm run infra:up`,
#   in a fresh schema and topic prefix that are dropped again (loadtests/k6/platform-on-infra.ts).
# MODE=embedded: `npm start`'s embedded default (in-process bus, PGlite) in a fresh data folder.
# Either way a simulated fleet reports every REPORT_INTERVAL_MS so the live feed has data, and a
# warm-up gives track playback and reports some history before the scripts run.
#
# Env: SIM_VEHICLES (500), REPORT_INTERVAL_MS (1000), WARMUP_S (20), DURATION (30s, REST),
#      RATE (page views/s per browsing scenario, 10), SIGN_IN_RATE (sign-ins/s, 2), CLIENTS (40 map clients), HOLD (30 s),
#      API_PORT, GATEWAY_PORT, WIM_HTTP_PORT, OPS_PORT (the first free ones from 18080, 18808, 18180, 18400),
#      KEEP_DATA=1 keeps the temporary folder (platform log, k6 summaries).
# Builds k6 first (install.sh) when it is missing.
# Exit status: non-zero when a script's thresholds failed or the platform did not start.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
k6="$here/.bin/k6"

MODE="${MODE:-infra}"
SIM_VEHICLES="${SIM_VEHICLES:-500}"
REPORT_INTERVAL_MS="${REPORT_INTERVAL_MS:-1000}"
WARMUP_S="${WARMUP_S:-20}"
scripts=("$@")
[[ ${#scripts[@]} -gt 0 ]] || scripts=(rest-api.js live-feed.js)

[[ -x "$k6" ]] || bash "$here/install.sh"
case "$MODE" in
  infra) entry=loadtests/k6/platform-on-infra.ts ;;
  embedded) entry=services/standalone/src/main.ts ;;
  *)
    echo "run.sh: MODE is infra or embedded, not $MODE" >&2
    exit 2
    ;;
esac

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The first free port from $1 up (others on the machine may hold the usual ones).
free_port() {
  local port=$1
  while port_in_use "$port" || [[ " ${taken_ports:-} " == *" $port "* ]]; do port=$((port + 1)); done
  echo "$port"
}
API_PORT="${API_PORT:-$(free_port 18080)}"
taken_ports="${taken_ports:-} $API_PORT"
GATEWAY_PORT="${GATEWAY_PORT:-$(free_port 18808)}"
taken_ports="$taken_ports $GATEWAY_PORT"
WIM_HTTP_PORT="${WIM_HTTP_PORT:-$(free_port 18180)}"
taken_ports="$taken_ports $WIM_HTTP_PORT"
OPS_PORT="${OPS_PORT:-$(free_port 18400)}"
if [[ "$MODE" == infra ]]; then
  kafka="${KAFKA_BROKERS:-127.0.0.1:9092}"
  database="${DATABASE_URL:-postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch}"
  database_host_port="$(sed -E 's#^[a-z]+://([^@/]*@)?([^/:]+)(:([0-9]+))?.*$#\2 \4#' <<<"$database")"
  read -r database_host database_port <<<"$database_host_port"
  if ! port_in_use "${kafka##*:}" || ! (exec 3<>"/dev/tcp/$database_host/${database_port:-5432}") 2>/dev/null; then
    echo "run.sh: Kafka ($kafka) or PostgreSQL ($database_host:${database_port:-5432}) does not answer; start them with npm run infra:up, or use MODE=embedded" >&2
    exit 2
  fi
fi
for port in "$API_PORT" "$GATEWAY_PORT" "$WIM_HTTP_PORT" "$OPS_PORT"; do
  if port_in_use "$port"; then
    echo "run.sh: port $port is taken; set API_PORT, GATEWAY_PORT, WIM_HTTP_PORT or OPS_PORT" >&2
    exit 2
  fi
done

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/roadwatch-k6.XXXXXX")"
log="$data_dir/platform.log"
platform_pid=""

stop_platform() {
  if [[ -n "$platform_pid" ]] && kill -0 "$platform_pid" 2>/dev/null; then
    # One SIGTERM to the platform (a second one would skip its clean-up), up to 30 s to close
    # and drop its schema and topics, then whatever is left of its process group goes.
    kill -TERM "$platform_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$platform_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$platform_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_DATA:-0}" == "1" ]]; then echo "data and log kept in $data_dir"; else rm -rf "$data_dir"; fi
}
trap stop_platform EXIT
trap 'exit 130' INT TERM

echo "starting the platform ($MODE): $SIM_VEHICLES simulated vehicles every ${REPORT_INTERVAL_MS} ms, API on :$API_PORT, log in $log"
# The map is not needed (WEB_DIST_DIR points nowhere): the scripts speak REST and socket.io.
# node itself (not the tsx launcher) in a session of its own, so $! is the platform's pid; the
# project's Node 24 (the `node` devDependency) rather than whatever node is on the PATH.
node_bin="$root/node_modules/.bin/node"
[[ -x "$node_bin" ]] || node_bin="$(command -v node)"
(
  cd "$root"
  ROADWATCH_DATA_DIR="$data_dir/data" API_PORT="$API_PORT" GATEWAY_PORT="$GATEWAY_PORT" WIM_HTTP_PORT="$WIM_HTTP_PORT" OPS_PORT="$OPS_PORT" \
    SIM_VEHICLES="$SIM_VEHICLES" SIM_REPORT_INTERVAL_MS="$REPORT_INTERVAL_MS" WEB_DIST_DIR="$data_dir/no-web" LOG_LEVEL="${LOG_LEVEL:-warn}" \
    exec setsid "$node_bin" --import tsx "$entry"
) >"$log" 2>&1 &
platform_pid=$!

echo -n "waiting for http://127.0.0.1:$OPS_PORT/ready "
for i in $(seq 1 180); do
  if ! kill -0 "$platform_pid" 2>/dev/null; then
    echo
    echo "run.sh: the platform exited during start-up; its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$OPS_PORT/ready" 2>/dev/null; then break; fi
  [[ $i -eq 180 ]] && {
    echo
    echo "run.sh: not ready after 180 s; its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  }
  echo -n "."
  sleep 1
done
# CPU seconds of the platform's process group (clock ticks from /proc/<pid>/stat: utime + stime).
platform_cpu_ticks() {
  local total=0 pid
  for pid in $(pgrep -g "$platform_pid" 2>/dev/null || true); do
    [[ -r "/proc/$pid/stat" ]] || continue
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
platform_rss_mb() {
  local total=0 pid
  for pid in $(pgrep -g "$platform_pid" 2>/dev/null || true); do
    [[ -r "/proc/$pid/status" ]] || continue
    total=$((total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")))
  done
  echo $((total / 1024))
}
hz="$(getconf CLK_TCK)"
# MODE=infra: the PostgreSQL backends serving the platform's pool (application_name k6-platform)
# do its queries' work in processes of their own; read them too when psql is at hand.
pg_backend_ticks() {
  [[ "$MODE" == infra ]] && command -v psql >/dev/null || {
    echo 0
    return
  }
  local total=0 pid
  for pid in $(psql "$database" -Atc "select pid from pg_stat_activity where application_name = 'k6-platform'" 2>/dev/null); do
    [[ -r "/proc/$pid/stat" ]] || continue
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}

echo " ready; warming up ${WARMUP_S} s so tracks and reports have data"
sleep $((WARMUP_S / 2))
# The fleet alone costs CPU too: its rate over the second half of the warm-up is subtracted
# from what each script's run cost, leaving the cost of serving the script's traffic.
baseline_start_ticks="$(platform_cpu_ticks)"
baseline_start_ms="$(date +%s%3N)"
sleep $((WARMUP_S - WARMUP_S / 2))
baseline_ticks_per_s="$(awk -v t=$(($(platform_cpu_ticks) - baseline_start_ticks)) -v ms=$(($(date +%s%3N) - baseline_start_ms)) 'BEGIN { printf "%.3f", t / (ms / 1000) }')"
echo "platform with the fleet alone: $(awk -v r="$baseline_ticks_per_s" -v hz="$hz" 'BEGIN { printf "%.3f", r / hz }') CPU-s per second, RSS $(platform_rss_mb) MB"


failed=0
for script in "${scripts[@]}"; do
  echo
  echo "════ k6 run $script ════"
  summary="$data_dir/${script%.js}.summary.json"
  before_ticks="$(platform_cpu_ticks)"
  before_pg_ticks="$(pg_backend_ticks)"
  started_ms="$(date +%s%3N)"
  set +e
  # k6's own CPU (it shares the machine with the platform): bash's `time` of the child.
  TIMEFORMAT="k6 itself: %U s user + %S s system CPU"
  time "$k6" run --quiet --summary-export "$summary" \
    -e BASE_URL="http://127.0.0.1:$API_PORT" -e REPORT_INTERVAL_MS="$REPORT_INTERVAL_MS" \
    ${DURATION:+-e DURATION="$DURATION"} ${RATE:+-e RATE="$RATE"} ${SIGN_IN_RATE:+-e SIGN_IN_RATE="$SIGN_IN_RATE"} ${CLIENTS:+-e CLIENTS="$CLIENTS"} ${HOLD:+-e HOLD="$HOLD"} \
    "$here/$script"
  status=$?
  set -e
  after_ticks="$(platform_cpu_ticks)"
  after_pg_ticks="$(pg_backend_ticks)"
  wall_s="$(awk -v ms=$(($(date +%s%3N) - started_ms)) 'BEGIN { printf "%.1f", ms / 1000 }')"
  cpu_s="$(awk -v t=$((after_ticks - before_ticks)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
  extra_s="$(awk -v c="$cpu_s" -v r="$baseline_ticks_per_s" -v hz="$hz" -v w="$wall_s" 'BEGIN { printf "%.2f", c - r / hz * w }')"
  # The unit of work: positions delivered for the live feed, else HTTP requests (sign-ins included).
  positions="$(jq -r '.metrics.live_positions.count // 0' "$summary" 2>/dev/null || echo 0)"
  requests="$(jq -r '.metrics.http_reqs.count // 0' "$summary" 2>/dev/null || echo 0)"
  if [[ "$positions" -gt 0 ]]; then units="$positions" unit="position delivered"; else units="$requests" unit="HTTP request"; fi
  per_unit="$(awk -v c="$extra_s" -v n="$units" -v u="$unit" 'BEGIN { if (c <= 0 || n <= 0) print "; not measurable above the fleet alone"; else printf "; %.1f CPU-µs per %s", c * 1e6 / n, u }')"
  echo "platform during $script: ${cpu_s} CPU-s in ${wall_s} s, ${extra_s} CPU-s above the fleet alone${per_unit}; RSS $(platform_rss_mb) MB"
  if [[ "$MODE" == infra ]]; then
    # Backends that closed during the run are not counted, so this is a lower bound.
    pg_s="$(awk -v t=$((after_pg_ticks - before_pg_ticks)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
    echo "PostgreSQL backends of the platform during $script: ≥ ${pg_s} CPU-s (the fleet's writes included)"
  fi
  # On a shared machine the latencies depend on what else runs: the load average says how much.
  echo "machine load average (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  if [[ $status -ne 0 ]]; then
    echo "$script: thresholds NOT met (k6 exit $status)"
    failed=1
  else
    echo "$script: thresholds met"
  fi
done
exit $failed
