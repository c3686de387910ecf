#!/usr/bin/env bash
# Real Kafka, PostgreSQL and Redis for development, integration tests and CI — without Docker
# and without systemd. See deploy/local/README.md.
#
#   bash deploy/local/infra.sh up|down|status
#   bash deploy/local/infra.sh kafka-start|kafka-stop|kafka-kill     (failure tests)
#
# Everything is idempotent: `up` reuses whatever already answers on the ports (a broker
# started by another checkout, a cluster started by hand) and never starts a second copy.
# `down` stops only what this project's `up` started (marker files in the state dir);
# `down --all` also stops servers it merely found running.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${ROADWATCH_STATE_DIR:-$SCRIPT_DIR/.kafka}"
mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"

KAFKA_VERSION=3.9.1
KAFKA_HOST=127.0.0.1
# Another port pair + state dir gives a second, private broker (e.g. for tests that kill it
# without disturbing everything else that shares 9092); see dedicatedKafka() in libs/testing.
KAFKA_PORT="${ROADWATCH_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${ROADWATCH_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_LIBS="${ROADWATCH_KAFKA_LIBS:-$STATE_DIR/libs}"
KAFKA_DATA="$STATE_DIR/data"
KAFKA_PROPS="$STATE_DIR/server.properties"
KAFKA_LOG4J="$STATE_DIR/log4j.properties"
KAFKA_LOG="$STATE_DIR/kafka.log"
KAFKA_PID="$STATE_DIR/kafka.pid"
KAFKA_HEAP="${ROADWATCH_KAFKA_HEAP:--Xms256m -Xmx512m}"
# GC and other JVM flags (loadtests/kafka-broker.bench.ts compares them on a private broker).
KAFKA_JVM_OPTS="${ROADWATCH_KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20}"
# Extra server.properties lines ("key=value;key=value"), appended last so they win (benchmarks of broker settings).
KAFKA_EXTRA_PROPERTIES="${ROADWATCH_KAFKA_EXTRA_PROPERTIES:-}"
KAFKA_START_TIMEOUT_S="${ROADWATCH_KAFKA_START_TIMEOUT_S:-90}"

PG_VERSION=15
PG_CLUSTER=main
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=roadwatch
PG_PASSWORD=roadwatch
PG_DB=roadwatch

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
REDIS_DIR="$STATE_DIR/redis"
REDIS_PID="$STATE_DIR/redis.pid"
REDIS_LOG="$STATE_DIR/redis.log"

# One lock for the whole machine, not per checkout: ports are shared, so two checkouts
# (or two vitest runs) racing through `up` must take turns.
# Servers started under the lock must not inherit its descriptor (9>&- below), or they
# would hold it for as long as they run.
LOCK_FILE="${ROADWATCH_INFRA_LOCK:-/tmp/roadwatch-infra-ports.lock}"
LOCK_TIMEOUT_S="${ROADWATCH_INFRA_LOCK_TIMEOUT_S:-300}"

APT_PACKAGES_PG=(postgresql "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3" "postgresql-$PG_VERSION-partman")
APT_PACKAGES_REDIS=(redis-server)
INSTALLED_NOW=0

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { # host port -> 0 when something accepts TCP connections
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}
port_closed() { ! port_open "$@"; }

wait_for() { # description timeout_s command... -> polls every 0.5 s
  local what=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what (${SECONDS}s since start of script)"
}

with_lock() {
  exec 9>>"$LOCK_FILE"
  if ! flock -w "$LOCK_TIMEOUT_S" 9; then
    die "could not take $LOCK_FILE within ${LOCK_TIMEOUT_S}s (another infra.sh is running?)"
  fi
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
is_kafka_pid() { [[ -n ${1:-} && $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true) == *kafka.Kafka* ]]; }

# pid of the process listening on a TCP port on this host (empty when none / not visible).
listener_pid() {
  { ss -Hltnp "sport = :$1" 2>/dev/null || true; } | sed -n 's/.*pid=\([0-9]\+\).*/\1/p' | sed -n 1p
}

is_installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == 'install ok installed' ]]; }

apt_install() { # packages... (only the missing ones)
  local missing=() p
  for p in "$@"; do is_installed "$p" || missing+=("$p"); done
  INSTALLED_NOW=0
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold)
  "${apt[@]}" update -qq
  # 9>&-: a package's postinst may start its service, which must not keep our lock.
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 9>&-
  INSTALLED_NOW=1
}

# ---------------------------------------------------------------------------------------
# Kafka (KRaft, one node that is both broker and controller)

kafka_fetch_jars() {
  local pom="$SCRIPT_DIR/kafka/pom.xml" stamp="$KAFKA_LIBS/.complete"
  local want
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; it is needed to fetch the Kafka jars from Maven Central"
  command -v java >/dev/null || die "java not found; Kafka $KAFKA_VERSION needs Java 11+"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  local t0=$SECONDS
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  if ! mvn -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_LIBS" >"$STATE_DIR/mvn.log" 2>&1 9>&-; then
    tail -n 30 "$STATE_DIR/mvn.log" >&2 || true
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?); see $STATE_DIR/mvn.log"
  fi
  ls "$KAFKA_LIBS"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
  echo "$want" >"$stamp"
  log "Kafka jars ready in $((SECONDS - t0))s"
}

kafka_write_config() {
  # Rewritten on each start so that edits here take effect; data stays in $KAFKA_DATA.
  cat >"$KAFKA_PROPS" <<EOF
# Generated by deploy/local/infra.sh — edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# Suited to tests: topics appear on first use, several partitions so that per-key order
# and consumer-group rebalancing are really exercised, single-node replication.
auto.create.topics.enable=true
delete.topic.enable=true
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
# After kill -9 the restarted broker cannot register until the controller has expired the
# dead incarnation's session (default 9 s); failure tests restart it often.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
log.retention.hours=24
log.segment.bytes=67108864
num.recovery.threads.per.data.dir=2
EOF
  if [[ -n $KAFKA_EXTRA_PROPERTIES ]]; then
    printf '# ROADWATCH_KAFKA_EXTRA_PROPERTIES\n' >>"$KAFKA_PROPS"
    tr ';' '\n' <<<"$KAFKA_EXTRA_PROPERTIES" >>"$KAFKA_PROPS"
  fi
  cat >"$KAFKA_LOG4J" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.metadata.migration=WARN
EOF
}

kafka_java() {
  java $KAFKA_HEAP $KAFKA_JVM_OPTS -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_LOG4J" -cp "$KAFKA_LIBS/*" "$@"
}

kafka_format() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local cluster_id
  # 16 random bytes, base64url without padding: the same shape as `kafka-storage random-uuid`.
  cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  log "formatting KRaft storage in $KAFKA_DATA (cluster id $cluster_id)"
  mkdir -p "$KAFKA_DATA"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" >>"$KAFKA_LOG" 2>&1 ||
    die "kafka storage format failed; see $KAFKA_LOG"
}

kafka_own_pid() { # pid from our pid file when that process is still a broker
  [[ -f $KAFKA_PID ]] || return 0
  local pid
  pid="$(cat "$KAFKA_PID")"
  if pid_alive "$pid" && is_kafka_pid "$pid"; then
    echo "$pid"
  fi
}

# The broker actually serving the port: ours, or one started by another checkout.
kafka_running_pid() {
  local pid
  pid="$(kafka_own_pid)"
  if [[ -z $pid ]]; then
    pid="$(listener_pid "$KAFKA_PORT")"
    if [[ -n $pid ]] && ! is_kafka_pid "$pid"; then
      pid=""
    fi
  fi
  echo "$pid"
}

kafka_ready() {
  # The port opens before the broker has caught up with the metadata log; the
  # "Kafka Server started" line is written once it can serve metadata requests.
  port_open "$KAFKA_HOST" "$KAFKA_PORT" || return 1
  [[ -z ${1:-} ]] && return 0
  # grep -c reads to the end (grep -q could stop early and fail the pipe under pipefail).
  tail -c +"$1" "$KAFKA_LOG" 2>/dev/null | grep -c 'Kafka Server started' >/dev/null
}

kafka_start() {
  local pid
  pid="$(kafka_running_pid)"
  if [[ -n $pid ]] || port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    log "Kafka already answers on $KAFKA_HOST:$KAFKA_PORT${pid:+ (pid $pid)}; reusing it"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_CONTROLLER_PORT (controller) is taken by something else; free it first"
  fi
  # If the broker we stopped last belongs to another checkout, bring that one back, so
  # stop/start in failure tests keeps the same cluster id and topics.
  if [[ -f $STATE_DIR/kafka.foreign-home && ${ROADWATCH_KAFKA_NO_FOREIGN:-} != 1 ]]; then
    local other
    other="$(cat "$STATE_DIR/kafka.foreign-home")"
    rm -f "$STATE_DIR/kafka.foreign-home"
    if [[ -d $other && $other != "$STATE_DIR" && -f $other/server.properties ]]; then
      log "restarting the broker of $other (it was the one stopped)"
      ROADWATCH_STATE_DIR="$other" ROADWATCH_KAFKA_NO_FOREIGN=1 bash "${BASH_SOURCE[0]}" kafka-start-nolock
      return
    fi
  fi
  kafka_fetch_jars
  kafka_write_config
  kafka_format
  local offset
  touch "$KAFKA_LOG"
  offset=$(($(stat -c %s "$KAFKA_LOG") + 1))
  log "starting Kafka $KAFKA_VERSION (KRaft) on $KAFKA_HOST:$KAFKA_PORT, log $KAFKA_LOG"
  # setsid: the broker must outlive this script and the shell/test runner that called it.
  setsid nohup bash -c 'echo $$ >"$0"; exec "${@}"' "$KAFKA_PID" \
    java $KAFKA_HEAP $KAFKA_JVM_OPTS -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_LOG4J" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" \
    >>"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT_S))
  while ! kafka_ready "$offset"; do
    pid="$(cat "$KAFKA_PID" 2>/dev/null || true)"
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
        log "another broker took $KAFKA_HOST:$KAFKA_PORT meanwhile; reusing it"
        rm -f "$KAFKA_PID"
        return 0
      fi
      tail -n 30 "$KAFKA_LOG" >&2 || true
      die "Kafka exited during start-up; see $KAFKA_LOG"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$KAFKA_LOG" >&2 || true
      die "Kafka not ready on $KAFKA_HOST:$KAFKA_PORT after ${KAFKA_START_TIMEOUT_S}s; see $KAFKA_LOG"
    fi
    sleep 0.5
  done
  touch "$STATE_DIR/started.kafka"
  log "Kafka ready on $KAFKA_HOST:$KAFKA_PORT (pid $(cat "$KAFKA_PID"))"
}

kafka_stop() { # signal: TERM (clean shutdown) or KILL (crash)
  local sig=$1 pid
  pid="$(kafka_running_pid)"
  if [[ -z $pid ]]; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      die "something answers on $KAFKA_HOST:$KAFKA_PORT but it is not a Kafka broker visible to this user"
    fi
    log "Kafka is not running"
    rm -f "$KAFKA_PID"
    return 0
  fi
  if [[ $pid != "$(kafka_own_pid)" ]]; then
    # Started by another checkout: remember its home so kafka-start brings *it* back.
    local props other
    props="$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep 'server.properties$' | tail -n1 || true)"
    other="$(dirname "$props")"
    [[ -n $props && -d $other ]] && echo "$other" >"$STATE_DIR/kafka.foreign-home"
    log "Kafka pid $pid was started from ${other:-another checkout}"
  fi
  log "stopping Kafka pid $pid with SIG$sig"
  kill -"$sig" "$pid" 2>/dev/null || true
  local limit=60
  [[ $sig == KILL ]] && limit=10
  local deadline=$((SECONDS + limit))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "Kafka pid $pid still alive after ${limit}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
  # The OS may keep the port for a moment; wait until it is free so a restart can bind.
  wait_for "Kafka stopped" 15 port_closed "$KAFKA_HOST" "$KAFKA_PORT" ||
    log "warning: $KAFKA_HOST:$KAFKA_PORT still answers"
  [[ $pid == "$(cat "$KAFKA_PID" 2>/dev/null || true)" ]] && rm -f "$KAFKA_PID"
  return 0
}

# ---------------------------------------------------------------------------------------
# PostgreSQL (Debian cluster 15/main, managed by pg_ctlcluster)

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pg_cluster_status() { # prints online/down/missing
  if ! command -v pg_lsclusters >/dev/null; then echo missing; return; fi
  local line
  line="$(pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c')"
  if [[ -z $line ]]; then echo missing; return; fi
  awk '{print $4}' <<<"$line"
}

pg_start() {
  apt_install "${APT_PACKAGES_PG[@]}"
  local pg_installed_now=$INSTALLED_NOW
  local st
  st="$(pg_cluster_status)"
  if [[ $st == missing ]]; then
    if port_open "$PG_HOST" "$PG_PORT"; then
      log "no cluster $PG_VERSION/$PG_CLUSTER but something answers on $PG_HOST:$PG_PORT; trying it"
    else
      log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
      pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port="$PG_PORT" >/dev/null
      st=down
    fi
  fi
  if [[ $st == down ]]; then
    local port
    port="$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show port 2>/dev/null || echo "$PG_PORT")"
    [[ $port == "$PG_PORT" ]] || die "cluster $PG_VERSION/$PG_CLUSTER is configured for port $port, expected $PG_PORT"
    # Settings applied only while it is down, so a running server is never restarted.
    pg_conftool "$PG_VERSION" "$PG_CLUSTER" set listen_addresses 'localhost'
    pg_conftool "$PG_VERSION" "$PG_CLUSTER" set max_connections 200
    # Tests run in parallel, each in its own schema of partitioned tables, and drop it with
    # CASCADE: one drop locks every partition, and the default 64 locks per transaction ran out
    # ("out of shared memory") once alert revisions brought their own partitions.
    pg_conftool "$PG_VERSION" "$PG_CLUSTER" set max_locks_per_transaction 256
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 9>&-
    touch "$STATE_DIR/started.postgres"
  elif [[ $st == online ]]; then
    log "PostgreSQL $PG_VERSION/$PG_CLUSTER already running; reusing it"
    # Started by the package's postinst just now: still ours to stop on `down`.
    ((pg_installed_now)) && touch "$STATE_DIR/started.postgres"
  fi
  wait_for "PostgreSQL answers on $PG_HOST:$PG_PORT" 60 port_open "$PG_HOST" "$PG_PORT" ||
    die "PostgreSQL not answering on $PG_HOST:$PG_PORT after 60s; see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
  pg_ensure_role_and_db
}

pg_ensure_role_and_db() {
  if PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atqc 'select 1' >/dev/null 2>&1; then
    return 0
  fi
  [[ $(pg_cluster_status) == online ]] || die "cannot log in as $PG_USER on $PG_HOST:$PG_PORT and cluster $PG_VERSION/$PG_CLUSTER is not ours to fix"
  log "creating role $PG_USER and database $PG_DB"
  # SUPERUSER: integration tests create schemas and extensions (postgis, pg_partman).
  as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qX <<SQL >/dev/null
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atqc 'select 1' >/dev/null ||
    die "password login as $PG_USER over TCP still fails; check pg_hba.conf of $PG_VERSION/$PG_CLUSTER"
}

pg_stop() {
  if [[ $(pg_cluster_status) == online ]]; then
    log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast
  else
    log "PostgreSQL $PG_VERSION/$PG_CLUSTER is not running"
  fi
  rm -f "$STATE_DIR/started.postgres"
}

# ---------------------------------------------------------------------------------------
# Redis

redis_start() {
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "Redis already answers on $REDIS_HOST:$REDIS_PORT; reusing it"
    return 0
  fi
  apt_install "${APT_PACKAGES_REDIS[@]}"
  # Installing the package may have started the distribution's service already.
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "Redis (started by its package) answers on $REDIS_HOST:$REDIS_PORT; reusing it"
    ((INSTALLED_NOW)) && touch "$STATE_DIR/started.redis"
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  log "starting Redis on $REDIS_HOST:$REDIS_PORT, log $REDIS_LOG"
  # Cache and socket.io adapter only: no persistence needed.
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
    --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" \
    --save '' --appendonly no >/dev/null 9>&-
  wait_for "Redis answers on $REDIS_HOST:$REDIS_PORT" 30 port_open "$REDIS_HOST" "$REDIS_PORT" ||
    die "Redis not answering on $REDIS_HOST:$REDIS_PORT after 30s; see $REDIS_LOG"
  touch "$STATE_DIR/started.redis"
}

redis_stop() {
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "stopping Redis on $REDIS_HOST:$REDIS_PORT"
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    wait_for "Redis stopped" 15 port_closed "$REDIS_HOST" "$REDIS_PORT" ||
      log "warning: Redis still answers on $REDIS_HOST:$REDIS_PORT"
  else
    log "Redis is not running"
  fi
  rm -f "$STATE_DIR/started.redis"
}

# ---------------------------------------------------------------------------------------

print_env() {
  echo "KAFKA_BROKERS=$KAFKA_HOST:$KAFKA_PORT"
  echo "DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"
  echo "REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT"
}

cmd_up() {
  with_lock
  local t0=$SECONDS
  pg_start
  redis_start
  kafka_start
  log "all up in $((SECONDS - t0))s"
  print_env
}

cmd_down() {
  with_lock
  local all=${1:-}
  if [[ $all == --all || -f $STATE_DIR/started.kafka || -n $(kafka_own_pid) ]]; then
    if [[ $all == --all || -n $(kafka_own_pid) ]]; then kafka_stop TERM; else log "Kafka was not started from $STATE_DIR; leaving it"; fi
  else
    log "Kafka was not started from $STATE_DIR; leaving it"
  fi
  rm -f "$STATE_DIR/started.kafka" "$STATE_DIR/kafka.foreign-home"
  if [[ $all == --all || -f $STATE_DIR/started.redis ]]; then redis_stop; else log "Redis was not started from $STATE_DIR; leaving it (down --all stops it)"; fi
  if [[ $all == --all || -f $STATE_DIR/started.postgres ]]; then pg_stop; else log "PostgreSQL was not started from $STATE_DIR; leaving it (down --all stops it)"; fi
}

cmd_status() {
  local rc=0 pid
  pid="$(kafka_running_pid)"
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    local whose="(another checkout)"
    [[ -n $pid && $pid == "$(kafka_own_pid)" ]] && whose="(this checkout, log $KAFKA_LOG)"
    echo "kafka      up    $KAFKA_HOST:$KAFKA_PORT pid=${pid:-?} $whose"
  else
    echo "kafka      down  $KAFKA_HOST:$KAFKA_PORT"
    rc=3
  fi
  if port_open "$PG_HOST" "$PG_PORT"; then
    echo "postgres   up    $PG_HOST:$PG_PORT cluster $PG_VERSION/$PG_CLUSTER: $(pg_cluster_status)"
  else
    echo "postgres   down  $PG_HOST:$PG_PORT cluster $PG_VERSION/$PG_CLUSTER: $(pg_cluster_status)"
    rc=3
  fi
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    echo "redis      up    $REDIS_HOST:$REDIS_PORT pid=$(listener_pid "$REDIS_PORT")"
  else
    echo "redis      down  $REDIS_HOST:$REDIS_PORT"
    rc=3
  fi
  print_env
  return $rc
}

usage() {
  cat >&2 <<EOF
usage: bash deploy/local/infra.sh <command>
  up            install (apt) / fetch (Maven) / start PostgreSQL $PG_VERSION, Redis and Kafka $KAFKA_VERSION; idempotent
  down [--all]  stop what 'up' started from this checkout (--all: whatever answers on the ports)
  status        show what answers where; exit 3 when something is down
  kafka-start   start the broker (after kafka-stop / kafka-kill)
  kafka-stop    stop the broker cleanly (SIGTERM, waits for exit)
  kafka-kill    kill the broker with SIGKILL (crash simulation)
state dir: $STATE_DIR (ROADWATCH_STATE_DIR)
EOF
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  kafka-start) with_lock && kafka_start ;;
  kafka-start-nolock) kafka_start ;; # internal: re-entry for another checkout's broker
  kafka-stop) with_lock && kafka_stop TERM ;;
  kafka-kill) with_lock && kafka_stop KILL ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
