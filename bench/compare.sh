#!/usr/bin/env bash
# Compares two builds of Palaver on this machine, alternating A B A B so that
# the machine's drift hits both alike: each round starts a build's standalone
# jar on a fresh store, registers 200 users, and runs fan-out (20 groups x 100
# sockets) at 100 and 1,000 sends/s and persisted sends over 200 sessions at
# 300 and 1,000 sends/s (FANOUT_RATES, PERSIST_RATES), 20 s per step. The same generator (this checkout's
# bench jar) drives both. Prints one line per step.
#
#   bench/compare.sh /path/to/build-A /path/to/build-B [rounds]
#
# Each path is a checkout with `mvn -q package -DskipTests` already run.
set -euo pipefail
A=$1 B=$2 ROUNDS=${3:-2}
# Offered rates per step (sends/s); override to aim at a target, e.g. PERSIST_RATES=400,1000,2000.
FANOUT_RATES=${FANOUT_RATES:-100,1000}
PERSIST_RATES=${PERSIST_RATES:-300,1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=(java -Xmx1g -jar "$ROOT/bench/target/palaver-bench.jar")
PORT=${BENCH_HTTP_PORT:-18180}
OUT=$(mktemp -d /tmp/palaver-compare.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$OUT"; }
trap cleanup EXIT

one() { # label checkout
  local label=$1 dir=$2 data
  data=$(mktemp -d "$OUT/data.XXXXXX")
  PALAVER_MAX_CONNECTIONS_PER_IP=0 PALAVER_SIGN_UPS_PER_IP_PER_MINUTE=1000000 java -Xmx1g -XX:+UseG1GC -jar "$dir/standalone/target/palaver.jar" --data-dir "$data" --http-port "$PORT" \
    >"$OUT/$label.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 1; done
  "${BENCH[@]}" setup --http "http://127.0.0.1:$PORT" --groups 20 --group-users 10 --population "$data/pop.json" >/dev/null 2>&1
  "${BENCH[@]}" fanout --ws "127.0.0.1:$PORT" --population "$data/pop.json" --conns-per-user 10 --rates "$FANOUT_RATES" \
    --seconds 20 --warmup 10 --warmup-max 60 --drain 15 --server-pid "$SERVER_PID" --label "$label" --addr-base 127.0.50 --out "$data/fanout.json" 2>&1 \
    | { grep "acked" || true; } | sed "s/^/$label /"
  sleep 10
  "${BENCH[@]}" persist --ws "127.0.0.1:$PORT" --population "$data/pop.json" --rates "$PERSIST_RATES" \
    --seconds 20 --warmup 10 --warmup-max 60 --drain 15 --server-pid "$SERVER_PID" --label "$label" --addr-base 127.0.60 --out "$data/persist.json" 2>&1 \
    | { grep "acked" || true; } | sed "s/^/$label /"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  rm -rf "$data"
}

for r in $(seq 1 "$ROUNDS"); do
  one "A$r" "$A"
  one "B$r" "$B"
done
