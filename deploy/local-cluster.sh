#!/usr/bin/env bash
# A local multi-process Palaver cluster on 127.0.0.1 with nothing installed:
#   node 1: the standalone jar (all services + the embedded store on 127.0.0.1:$STORE_PORT, TLS with the
#           client certificate in deploy/local/data/store-tls, which node 3 is given), web on :8080
#   node 2: a second gateway jar, web on :8081
#   node 3: a second message-service jar
# All join one Hazelcast cluster over TCP-IP. Logs and pids under deploy/local/.
#
#   deploy/local-cluster.sh start    build if needed, start the three processes, wait until healthy
#   deploy/local-cluster.sh status   health of both gateways
#   deploy/local-cluster.sh stop     SIGTERM all (sockets close with 1001, the cluster is left cleanly)
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/java-opts.sh

RUN=deploy/local
STORE_PORT=${STORE_PORT:-27117}
NAME=${CLUSTER_NAME:-palaver-local}
SEEDS=127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703
COMMON=(--cluster --cluster-name "$NAME" --cluster-host 127.0.0.1 --seeds "$SEEDS")
# The members' shared secret, by env (not on the command line): one per start unless given.
export PALAVER_CLUSTER_SECRET=${PALAVER_CLUSTER_SECRET:-$(head -c 32 /dev/urandom | base64 | tr -d '\n')}

launch() { # name jar args...
  local name=$1 jar=$2; shift 2
  # shellcheck disable=SC2086
  nohup java $PALAVER_JAVA_OPTS -Xmx512m -jar "$jar" "$@" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  echo "started $name (pid $!), log $RUN/$name.log"
}

healthy() { curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1; }

wait_healthy() { # port
  for _ in $(seq 1 120); do healthy "$1" && return 0; sleep 1; done
  echo "gateway on :$1 not healthy; see $RUN/*.log" >&2; return 1
}

case "${1:-start}" in
  start)
    mkdir -p "$RUN"
    [ -f standalone/target/palaver.jar ] || mvn -q package -DskipTests
    launch node1 standalone/target/palaver.jar "${COMMON[@]}" --cluster-port 5701 \
      --store-port "$STORE_PORT" --data-dir "$RUN/data" --http-port 8080
    wait_healthy 8080
    launch node2 gateway/target/palaver-gateway.jar "${COMMON[@]}" --cluster-port 5702 --http-port 8081
    launch node3 message-service/target/palaver-message-service.jar "${COMMON[@]}" --cluster-port 5703 \
      --mongo-uri "mongodb://127.0.0.1:$STORE_PORT" --store-tls-dir "$RUN/data/store-tls"
    wait_healthy 8081
    echo "cluster up: http://localhost:8080 and http://localhost:8081 (same users, same sessions)"
    ;;
  status)
    for p in 8080 8081; do printf ':%s ' "$p"; curl -fsS "http://127.0.0.1:$p/health" || echo down; echo; done
    ;;
  stop)
    for pidfile in "$RUN"/node3.pid "$RUN"/node2.pid "$RUN"/node1.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      fi
      rm -f "$pidfile"
    done
    echo stopped
    ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
