#!/usr/bin/env bash
# Palaver growth benchmark (issue 14 item 4): the same measurements on a store of 0, 100,000 and 1,000,000
# messages (10,000 users, 10,000 sessions of 10 members), each as a ratio to the empty store's.
#
#   bench/run.sh growth          sizes 0,100000,1000000 (the 1M fill alone is ~17 min of CPU on an idle 2-core machine)
#   bench/run.sh growth-quick    sizes 0,10000,30000, a few minutes
#   GROWTH_SIZES=0,50000 bench/run.sh growth   any ascending list
#
# One temp data dir is filled incrementally (bench-fill, while the server is stopped); at each size the
# standalone server starts on it, the probe (GrowthProbe) and the persisted-send steps run, and it stops.
# Writes bench/results/<date>-growth.md; raw JSON and logs in bench/work/growth-raw/.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/java-opts.sh
MODE=${1:-growth}
STAMP=$(date -u +%Y-%m-%d-%H%M)
RESULTS=bench/results
RAW=bench/work/$MODE-raw
HTTP_PORT=${BENCH_HTTP_PORT:-18080}
case "$MODE" in
  growth) SIZES=${GROWTH_SIZES:-0,100000,1000000} RATES=100,300 STEP_SECONDS=15 FIRST=200 ROUNDS=10 ;;
  growth-quick) SIZES=${GROWTH_SIZES:-0,10000,30000} RATES=100,300 STEP_SECONDS=8 FIRST=100 ROUNDS=6 ;;
  *) echo "usage: $0 growth|growth-quick" >&2; exit 2 ;;
esac
BENCH=(java -Xmx1g -jar bench/target/palaver-bench.jar)
FILL=(java -Xmx1500m -jar bench-fill/target/palaver-bench-fill.jar)
# shellcheck disable=SC2086
SERVER_JAVA=(java $PALAVER_JAVA_OPTS -Xmx1g -XX:+UseG1GC)
DATA=${GROWTH_DATA:-$(mktemp -d /tmp/palaver-growth-data.XXXXXX)}
POPULATION=$DATA/population.json

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  # A data dir given by GROWTH_DATA is kept (to go on filling it later); a temp one is removed.
  [ -n "${GROWTH_DATA:-}" ] || rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run() { "$@" & local pid=$!; PIDS+=("$pid"); wait "$pid"; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
wait_http() {
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 1; done
  log "server on :$1 not healthy, see $RAW/*.log"; return 1
}
stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 120); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done; kill -9 "$1" 2>/dev/null || true; }

T0=$(date +%s)
if [ "${SKIP_BUILD:-0}" != 1 ]; then log "building"; mvn -q package -DskipTests; fi
rm -rf "$RAW"; mkdir -p "$RAW" "$RESULTS"
for N in ${SIZES//,/ }; do
  log "fill to $N messages (data $DATA)"
  T=$(date +%s)
  run "${FILL[@]}" --data-dir "$DATA" --messages "$N" --population "$POPULATION" 2>&1 | grep --line-buffered -v ' WARN \| INFO ' >&2
  echo "{\"messages\":$N,\"fillSeconds\":$(( $(date +%s) - T )),\"storeBytes\":$(stat -c %s "$DATA/palaver.mv.db")}" >"$RAW/fill-$N.json"
  log "server on the $N-message store"
  "${SERVER_JAVA[@]}" -jar standalone/target/palaver.jar --data-dir "$DATA" --http-port "$HTTP_PORT" \
    --max-connections-per-ip 0 >"$RAW/server-$N.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_http "$HTTP_PORT"
  run "${BENCH[@]}" growth-probe --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --first-connects "$FIRST" \
    --rounds "$ROUNDS" --out "$RAW/growth-$N.json"
  # Persisted sends at fixed offered rates (acked rate and ack latency reported), 200 senders each in a
  # session of its own (10 members, the others offline).
  run "${BENCH[@]}" persist --ws "127.0.0.1:$HTTP_PORT" --population "$POPULATION" --senders 200 --rates "$RATES" \
    --seconds "$STEP_SECONDS" --warmup 8 --warmup-max 30 --drain 10 --label "growth-$N" --addr-base 127.0.40 \
    --server-pid "$SERVER_PID" --out "$RAW/persist-$N.json"
  stop_pid "$SERVER_PID"
done
MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(java -version 2>&1 | head -1 | tr -d '"'), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '{"date":"%s","machine":"%s","sizes":"%s","seconds":%s}\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$MACHINE" \
  "10,000 users, 10,000 sessions of 10 members; persisted rates $RATES for ${STEP_SECONDS}s" "$(( $(date +%s) - T0 ))" >"$RAW/meta.json"
OUT="$RESULTS/$STAMP-$MODE.md"
run "${BENCH[@]}" growth-report --dir "$RAW" --sizes "$SIZES" --out "$OUT"
log "done in $(( $(date +%s) - T0 )) s: $OUT"
