#!/usr/bin/env bash
# Property-based API fuzzing (issue #11 item 7): schemathesis, from PyPI, generates requests
# from the served OpenAPI documents and checks every answer — no 5xx, the status code, content
# type, headers and body as documented. It runs against the embedded default (every service in
# one process, a temporary data folder, random ports, a handful of simulated vehicles), once per
# signed-in role for the REST API and once with a station key for ingest-wim.
#
# Usage: bash test/fuzz/run-schemathesis.sh [--max-examples N] [--budget-s SECONDS] [--roles a,b]
# (`npm test` runs a 25 s smoke through schemathesis.int.spec.ts; `npm run test:fuzz` the full 120 s.)
# Exits non-zero when any run finds a failure. Prints `fuzz: <target> operations=… failures=…`
# per run and a closing `fuzz summary:` line, which test/fuzz/schemathesis.int.spec.ts reads.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$(pwd)"

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
BUDGET_S=${FUZZ_BUDGET_S:-60}
ROLES=${FUZZ_ROLES:-admin,operator,company1,enforcement}
while (($#)); do
  case $1 in
    --max-examples) MAX_EXAMPLES=$2; shift 2 ;;
    --budget-s) BUDGET_S=$2; shift 2 ;;
    --roles) ROLES=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

# A git-ignored venv, kept between runs; the pinned version is installed when missing.
VENV="$ROOT/.fuzz-venv"
if [[ ! -x $VENV/bin/st ]] || [[ $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null) != "$SCHEMATHESIS_VERSION" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# Node 24 of the devDependency, as npm scripts run it; the platform is its direct child so it can be stopped.
NODE=$(npx --no -- node -p process.execPath)
WORK=$(mktemp -d -t roadwatch-fuzz-XXXXXX)
PLATFORM_PID=
cleanup() {
  if [[ -n $PLATFORM_PID ]] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
    kill -TERM "$PLATFORM_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$PLATFORM_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$PLATFORM_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ROADWATCH_DATA_DIR="$WORK/data" API_PORT=0 GATEWAY_PORT=0 WIM_HTTP_PORT=0 OPS_PORT=0 \
  SIM_VEHICLES=${FUZZ_SIM_VEHICLES:-5} WEB_DIST_DIR="$WORK/no-web" WIM_STATION_KEYS=ST-DEMO-01=fuzz-station-key \
  "$NODE" --import tsx services/standalone/src/main.ts >"$WORK/platform.log" 2>&1 &
PLATFORM_PID=$!

# The start-up line names the URLs it listens on (pino JSON: "map" and "wim").
API_URL= WIM_URL=
for _ in $(seq 1 240); do
  if ! kill -0 "$PLATFORM_PID" 2>/dev/null; then cat "$WORK/platform.log" >&2; echo "fuzz: the platform stopped during start-up" >&2; exit 1; fi
  line=$(grep -m1 'roadwatch standalone is running' "$WORK/platform.log" || true)
  if [[ -n $line ]]; then
    API_URL=$(sed -E 's/.*"map":"([^"]+)".*/\1/' <<<"$line")
    WIM_URL=$(sed -E 's/.*"wim":"([^"]+)".*/\1/' <<<"$line")
    break
  fi
  sleep 0.5
done
[[ -n $API_URL && -n $WIM_URL ]] || { cat "$WORK/platform.log" >&2; echo "fuzz: the platform did not start in 120 s" >&2; exit 1; }
echo "fuzz: platform at $API_URL (ingest-wim $WIM_URL), schemathesis $SCHEMATHESIS_VERSION, max examples $MAX_EXAMPLES, budget ${BUDGET_S}s"

IFS=, read -r -a ROLE_LIST <<<"$ROLES"
RUNS=$((${#ROLE_LIST[@]} + 1))
PER_RUN_S=$((BUDGET_S / RUNS))
# The examples and coverage phases visit every operation whatever the budget (measured: all 150
# operations of each role's document at 5 s a run); the budget bounds the fuzzing phase after them.
((PER_RUN_S >= 5)) || PER_RUN_S=5

# One worker: CPython 3.11 can crash parsing source in two threads at once (AST recursion depth
# mismatch inside hypothesis), a runtime error that says nothing of the API.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
TOTAL_FAILURES=0 TOTAL_OPERATIONS=0 TOTAL_CASES=0 TOTAL_UNTESTED=0 FAILED_RUNS=()

# "<documented> <tested>": the operations of the run's document, and how many of them got a scenario.
operations_tested() { # report-dir
  "$VENV/bin/python" - "$1" <<'PY'
import glob, json, sys
documented, tested = 0, set()
for path in glob.glob(f"{sys.argv[1]}/*.ndjson"):
    for line in open(path, encoding="utf-8"):
        event = json.loads(line)
        if "LoadingFinished" in event:
            documented = event["LoadingFinished"]["statistic"]["operations"]["total"]
        elif "ScenarioFinished" in event:
            tested.add(event["ScenarioFinished"]["recorder"]["label"])
print(documented, len(tested))
PY
}

# One schemathesis run; its JSON-lines report gives the counts.
fuzz() { # name schema-url base-url header
  local name=$1 schema=$2 base=$3 header=$4 rc=0 out="$WORK/$1"
  mkdir -p "$out"
  "$VENV/bin/st" run "$schema" --url "$base" -H "$header" \
    --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --max-time "$PER_RUN_S" --phases examples,coverage,fuzzing \
    --workers 1 --seed 808 --suppress-health-check all --request-timeout 20 --no-color \
    --report ndjson --report-dir "$out" --output-truncate true >"$out/output.txt" 2>&1 || rc=$?
  local operations cases failures
  operations=$(grep -c '"ScenarioFinished"' "$out"/*.ndjson 2>/dev/null || true)
  # schemathesis's summary: "2427 generated, 2 found 3 unique failures, 22 errored".
  cases=$(grep -oE '[0-9]+ generated' "$out/output.txt" | tail -1 | grep -oE '[0-9]+' || true)
  failures=$(grep -oE '[0-9]+ unique failures?' "$out/output.txt" | tail -1 | grep -oE '[0-9]+' || true)
  errored=$(grep -oE '[0-9]+ errored' "$out/output.txt" | tail -1 | grep -oE '[0-9]+' || true)
  failures=$(( ${failures:-0} + ${errored:-0} ))
  if ((rc != 0)) && ((failures == 0)); then failures=1; fi
  local documented=0 tested=0
  read -r documented tested < <(operations_tested "$out" || echo 0 0)
  echo "fuzz: $name operations=${operations:-0} documented=$documented tested=$tested cases=${cases:-0} failures=$failures exit=$rc"
  if ((rc != 0)); then
    FAILED_RUNS+=("$name")
    sed -n '/= \(ERRORS\|FAILURES\) =/,$p' "$out/output.txt" | head -600 || true
  else
    tail -15 "$out/output.txt" || true
  fi
  TOTAL_FAILURES=$((TOTAL_FAILURES + failures))
  TOTAL_OPERATIONS=$((TOTAL_OPERATIONS + ${operations:-0}))
  TOTAL_CASES=$((TOTAL_CASES + ${cases:-0}))
  TOTAL_UNTESTED=$((TOTAL_UNTESTED + documented - tested))
}

# Every role signs in before any fuzzing: the fuzzer's own wrong sign-ins spend the client address's
# budget of failed attempts (429 afterwards, as documented), which would refuse a later sign-in.
declare -A TOKENS=()
for role in "${ROLE_LIST[@]}"; do
  TOKENS[$role]=$(curl -fsS -X POST "$API_URL/v1/auth/login" -H 'content-type: application/json' -d "{\"username\":\"$role\",\"password\":\"$role\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
done
for role in "${ROLE_LIST[@]}"; do
  fuzz "api-$role" "$API_URL/openapi.json" "$API_URL" "Authorization: Bearer ${TOKENS[$role]}"
done
fuzz ingest-wim "$WIM_URL/openapi.json" "$WIM_URL" "x-api-key: fuzz-station-key"

if grep -q '"level":50' "$WORK/platform.log"; then
  echo "fuzz: the platform logged errors:"
  grep '"level":50' "$WORK/platform.log" | cut -c1-600 | head -20 || true
fi
echo "fuzz summary: runs=$RUNS operations=$TOTAL_OPERATIONS cases=$TOTAL_CASES failures=$TOTAL_FAILURES untested_operations=$TOTAL_UNTESTED failed_runs=${FAILED_RUNS[*]:-none}"
((TOTAL_FAILURES == 0 && ${#FAILED_RUNS[@]} == 0))
