#!/usr/bin/env bash
# Palaver benchmark: builds, starts the standalone server and the raw baseline as separate processes,
# runs the scenarios, writes bench/results/<date>-<mode>.md (+ .svg), and stops everything it started.
#
#   bench/run.sh quick    small populations, < 3 minutes (fresh temp data dir)
#   bench/run.sh full     toward the targets, < 20 minutes (1,000 users: ~1.5 min of Argon2id hashing in setup)
#
# Both modes start on a fresh temp data dir: a store that kept earlier runs' messages measures a different
# (slower, see docs/performance.md) server.
#
#   bench/run.sh growth         the same measurements on a store of 0, 100,000 and 1,000,000 messages (bench/growth.sh)
#   bench/run.sh growth-quick   the same on 0, 10,000 and 30,000 messages, a few minutes
#
# SKIP_BUILD=1 reuses the jars already built. ONLY=push runs the push-platform scenario (7) alone.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in growth|growth-quick) exec bench/growth.sh "$1" ;; esac
. deploy/java-opts.sh
MODE=${1:-quick}
ROOT=$PWD
STAMP=$(date -u +%Y-%m-%d-%H%M)
RESULTS=bench/results
RAW=bench/work/$MODE-raw
HTTP_PORT=${BENCH_HTTP_PORT:-18080}
HTTP_PORT2=$((HTTP_PORT + 1))
BASE_PORT=${BENCH_BASELINE_PORT:-18090}
STORE_PORT=${BENCH_STORE_PORT:-18117}
CLUSTER_PORT=${BENCH_CLUSTER_PORT:-5801}
CLUSTER_NAME=palaver-bench-$$
BENCH=(java -Xmx1g -jar bench/target/palaver-bench.jar)
BASELINE_JAVA=(java -Xmx1g -XX:+UseG1GC -jar bench/target/palaver-bench.jar)
SERVER_HEAP=1g

case "$MODE" in
  quick)
    NGROUPS=10 GROUP_USERS=10 CONNS_PER_USER=10
    IDLE=1000 FANOUT_RATES=20,100 BASELINE_RATES=20,100,1000 STEP_SECONDS=4 WARMUP=4 WARMUP_MAX=10 DRAIN=6 CLUSTER_RATES=20
    PERSIST_RATES=100,400 STORM_CONNS_PER_USER=5 STORM_RATE=20 STORM_SECONDS=10
    PUSH_APPS=2 PUSH_CHANNELS=5 PUSH_SUBSCRIBERS=20 PUSH_RATES=50,200
    ;;
  full)
    NGROUPS=100 GROUP_USERS=10 CONNS_PER_USER=10
    IDLE=19000 FANOUT_RATES=100,1000 BASELINE_RATES=100,1000,3000 STEP_SECONDS=20 WARMUP=10 WARMUP_MAX=60 DRAIN=15 CLUSTER_RATES=100
    PERSIST_RATES=300,1000 STORM_CONNS_PER_USER=5 STORM_RATE=100 STORM_SECONDS=15
    PUSH_APPS=4 PUSH_CHANNELS=25 PUSH_SUBSCRIBERS=40 PUSH_RATES=200,500,1000
    ;;
  *) echo "usage: $0 quick|full|growth|growth-quick" >&2; exit 2 ;;
esac
DATA=$(mktemp -d /tmp/palaver-bench-data.XXXXXX)
POPULATION=$DATA/population.json
# The cluster scenario starts on its own fresh store too (same population shape, registered again).
DATA2=$(mktemp -d /tmp/palaver-bench-data.XXXXXX)
POPULATION2=$DATA2/population.json
SIZES="$NGROUPS groups x $GROUP_USERS users x $CONNS_PER_USER sockets per user for fan-out; idle $IDLE; \
fan-out rates $FANOUT_RATES sends/s (baseline $BASELINE_RATES) for ${STEP_SECONDS}s each; persisted rates $PERSIST_RATES over $((NGROUPS * GROUP_USERS)) solo sessions; \
storm $((NGROUPS * GROUP_USERS * STORM_CONNS_PER_USER)) clients at $STORM_RATE sends/s; cluster rates $CLUSTER_RATES; \
push $PUSH_APPS apps x $PUSH_CHANNELS channels x $PUSH_SUBSCRIBERS subscribers at $PUSH_RATES events/s"
# The push scenario's apps, with secrets made for this run only (never stored in the repository).
APPS_FILE=$DATA/apps.json
make_apps() {
  local i sep=""
  printf '['
  for i in $(seq 1 "$PUSH_APPS"); do
    printf '%s{"id":"bench-%s","key":"bench-key-%s","secret":"%s"}' "$sep" "$i" "$i" "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
    sep=","
  done
  printf ']'
}

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "${DATA:-/nonexistent}" "${DATA2:-/nonexistent}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Foreground steps run in the background and are waited for, so a TERM/INT reaches the trap at once.
run() { "$@" & local pid=$!; PIDS+=("$pid"); wait "$pid"; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
start() { # name log-file command...
  local name=$1 logf=$2; shift 2
  "$@" >"$logf" 2>&1 &
  PIDS+=($!)
  eval "${name}_PID=$!"
}
wait_http() { # port
  for _ in $(seq 1 180); do curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 1; done
  log "server on :$1 not healthy, see $RAW/*.log"; return 1
}
wait_tcp() { for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done; return 1; }
# An overloaded step leaves the server working off abandoned requests for a while; the next scenario
# starts only once the server's CPU use has settled (< 25 % of a core for 2 s), at most 180 s.
wait_idle() { # pid
  local ticks=$(getconf CLK_TCK) prev now calm=0
  prev=$(awk '{print $14 + $15}' "/proc/$1/stat")
  for _ in $(seq 1 90); do
    sleep 2
    now=$(awk '{print $14 + $15}' "/proc/$1/stat")
    if [ $(( (now - prev) * 100 / (2 * ticks) )) -lt 25 ]; then calm=$((calm + 1)); else calm=0; fi
    prev=$now
    [ "$calm" -ge 1 ] && return 0
  done
  log "server $1 still busy after 180 s; going on"
}
stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done; kill -9 "$1" 2>/dev/null || true; }

T0=$(date +%s)
if [ "${SKIP_BUILD:-0}" != 1 ]; then log "building"; mvn -q package -DskipTests; fi
rm -rf "$RAW"; mkdir -p "$RAW" "$RESULTS" "$DATA"
make_apps >"$APPS_FILE"

# shellcheck disable=SC2086
SERVER_JAVA=(java $PALAVER_JAVA_OPTS -Xmx$SERVER_HEAP -XX:+UseG1GC)
log "starting the baseline on :$BASE_PORT and Palaver (standalone, data $DATA) on :$HTTP_PORT"
start BASE "$RAW/baseline.log" "${BASELINE_JAVA[@]}" baseline --port "$BASE_PORT"
start SERVER "$RAW/server.log" env PALAVER_APPS="$(cat "$APPS_FILE")" "${SERVER_JAVA[@]}" -jar standalone/target/palaver.jar \
  --data-dir "$DATA" --http-port "$HTTP_PORT" --max-connections-per-ip 0 --sign-ups-per-ip-per-minute 1000000
wait_http "$HTTP_PORT"; wait_tcp "$BASE_PORT"

if [ "${ONLY:-}" != push ]; then
log "setup: $((NGROUPS * GROUP_USERS)) users (Argon2id each, reused when $POPULATION still works)"
run "${BENCH[@]}" setup --http "http://127.0.0.1:$HTTP_PORT" --groups "$NGROUPS" --group-users "$GROUP_USERS" --population "$POPULATION"

log "1. idle: $IDLE sockets"
run "${BENCH[@]}" idle --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --connections "$IDLE" \
  --server-pid "$SERVER_PID" --addr-base 127.0.10 --out "$RAW/idle.json"

log "1b. the same idle sockets on the raw baseline (the floor Vert.x itself sets)"
run "${BENCH[@]}" idle --ws "127.0.0.1:$BASE_PORT" --population "$POPULATION" --connections "$IDLE" \
  --server-pid "$BASE_PID" --addr-base 127.0.70 --label baseline --out "$RAW/idle-baseline.json"

log "2. fan-out on Palaver (JFR recording of the server)"
jcmd "$SERVER_PID" JFR.start name=bench settings=profile filename="$ROOT/$RAW/fanout.jfr" >/dev/null
run "${BENCH[@]}" fanout --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --conns-per-user "$CONNS_PER_USER" \
  --rates "$FANOUT_RATES" --seconds "$STEP_SECONDS" --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" --drain "$DRAIN" --label palaver --addr-base 127.0.20 \
  --server-pid "$SERVER_PID" --out "$RAW/fanout-palaver.json"
jcmd "$SERVER_PID" JFR.stop name=bench >/dev/null
run "${BENCH[@]}" profile --recording "$RAW/fanout.jfr" --out "$RAW/profile.txt" || log "profile summary failed"

wait_idle "$SERVER_PID"
log "4. the same fan-out on the raw baseline"
run "${BENCH[@]}" fanout --ws "127.0.0.1:$BASE_PORT" --baseline --groups "$NGROUPS" --group-users "$GROUP_USERS" \
  --conns-per-user "$CONNS_PER_USER" --rates "$BASELINE_RATES" --seconds "$STEP_SECONDS" --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" --drain "$DRAIN" --label baseline \
  --addr-base 127.0.30 --server-pid "$BASE_PID" --out "$RAW/fanout-baseline.json"
stop_pid "$BASE_PID"

wait_idle "$SERVER_PID"
log "3. persisted throughput over distinct sessions"
run "${BENCH[@]}" persist --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --rates "$PERSIST_RATES" \
  --seconds "$STEP_SECONDS" --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" --drain "$DRAIN" --label palaver --addr-base 127.0.40 \
  --server-pid "$SERVER_PID" --out "$RAW/persist.json"

wait_idle "$SERVER_PID"
log "6. reconnect storm"
run "${BENCH[@]}" storm --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --conns-per-user "$STORM_CONNS_PER_USER" \
  --rate "$STORM_RATE" --seconds "$STORM_SECONDS" --drain "$DRAIN" --addr-base 127.0.50 --out "$RAW/storm.json"

fi
wait_idle "$SERVER_PID"
log "7. push platform: $PUSH_APPS apps x $PUSH_CHANNELS channels x $PUSH_SUBSCRIBERS Pusher subscribers, HTTP API triggers"
run "${BENCH[@]}" push --ws "127.0.0.1:$HTTP_PORT" --apps-file "$APPS_FILE" --channels "$PUSH_CHANNELS" \
  --subscribers "$PUSH_SUBSCRIBERS" --rates "$PUSH_RATES" --seconds "$STEP_SECONDS" --warmup "$WARMUP" --drain "$DRAIN" \
  --out "$RAW/push.json"
stop_pid "$SERVER_PID"

if [ "${ONLY:-}" != push ]; then
log "5. cluster on a fresh store: standalone (services + gateway A + store on :$STORE_PORT), gateway B, a second message-service"
# The members' shared secret, by env (not on the command line), one per run.
export PALAVER_CLUSTER_SECRET=${PALAVER_CLUSTER_SECRET:-$(head -c 32 /dev/urandom | base64 | tr -d '\n')}
COMMON=(--cluster --cluster-name "$CLUSTER_NAME" --cluster-host 127.0.0.1
        --seeds "127.0.0.1:$CLUSTER_PORT,127.0.0.1:$((CLUSTER_PORT + 1)),127.0.0.1:$((CLUSTER_PORT + 2))")
start NODE1 "$RAW/node1.log" "${SERVER_JAVA[@]}" -jar standalone/target/palaver.jar "${COMMON[@]}" \
  --cluster-port "$CLUSTER_PORT" --store-port "$STORE_PORT" --data-dir "$DATA2" --http-port "$HTTP_PORT" \
  --max-connections-per-ip 0 --sign-ups-per-ip-per-minute 1000000
wait_http "$HTTP_PORT"
start NODE2 "$RAW/node2.log" "${SERVER_JAVA[@]}" -jar gateway/target/palaver-gateway.jar "${COMMON[@]}" \
  --cluster-port "$((CLUSTER_PORT + 1))" --http-port "$HTTP_PORT2" --max-connections-per-ip 0
start NODE3 "$RAW/node3.log" "${SERVER_JAVA[@]}" -Xmx512m -jar message-service/target/palaver-message-service.jar \
  "${COMMON[@]}" --cluster-port "$((CLUSTER_PORT + 2))" --mongo-uri "mongodb://127.0.0.1:$STORE_PORT" \
  --store-tls-dir "$DATA2/store-tls"
wait_http "$HTTP_PORT2"
run "${BENCH[@]}" setup --http "http://127.0.0.1:$HTTP_PORT" --groups "$NGROUPS" --group-users "$GROUP_USERS" --population "$POPULATION2"
run "${BENCH[@]}" fanout --ws "127.0.0.1:$HTTP_PORT,127.0.0.1:$HTTP_PORT2" --population "$POPULATION2" \
  --conns-per-user "$CONNS_PER_USER" --rates "$CLUSTER_RATES" --seconds "$STEP_SECONDS" --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" --drain "$DRAIN" --label cluster \
  --addr-base 127.0.60 --server-pid "$NODE1_PID,$NODE2_PID,$NODE3_PID" --out "$RAW/fanout-cluster.json"
stop_pid "$NODE3_PID"; stop_pid "$NODE2_PID"; stop_pid "$NODE1_PID"
fi

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(java -version 2>&1 | head -1 | tr -d '"'), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '{"date":"%s","machine":"%s","sizes":"%s","seconds":%s}\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "$MACHINE" "$SIZES" "$(( $(date +%s) - T0 ))" >"$RAW/meta.json"
OUT="$RESULTS/$STAMP-$MODE"
run "${BENCH[@]}" report --dir "$RAW" --mode "$MODE" --out "$OUT.md" --svg "$OUT.svg"
log "done in $(( $(date +%s) - T0 )) s: $OUT.md"
