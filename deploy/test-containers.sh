#!/usr/bin/env bash
# The container test (CI runs it after mvn verify; see docs/operations.md, "Deploy in containers"):
#   1. podman: installs it (Debian packages) and the containers.conf this kind of host needs
#   2. the base image palaver-base:bookworm (debootstrap from this machine's own apt mirror), once
#   3. the service images from deploy/docker/Dockerfile, with the jars built on the host
#   4. the cluster of deploy/docker/compose.embedded.yml on a bridge network: the store, user-,
#      session-, push-service, two message-services, two gateways, each in its own container
#   5. checks through both gateways (deploy/docker/ContainerCheck.java): end to end, then
#      podman kill of a message-service while messages flow, a network cut of a gateway,
#      SIGTERM stops with clean exits
# It prints what it checked, exits non-zero on any failure, and removes every container,
# network and volume it made, also on failure. Podman that does not work is a failure, never a skip.
#
#   deploy/test-containers.sh            everything
#   STEPS="e2e" deploy/test-containers.sh    only some of: e2e kill partition sigterm
#   KEEP=1 deploy/test-containers.sh     leave the cluster running (remove it with: $0 down)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROJECT=${PALAVER_CT_PROJECT:-palaver-ct}
COMPOSE=(podman-compose -p "$PROJECT" -f deploy/docker/compose.embedded.yml)
NET=${PROJECT}_default
export PALAVER_GATEWAY_1_PORT=${PALAVER_GATEWAY_1_PORT:-18080} PALAVER_GATEWAY_2_PORT=${PALAVER_GATEWAY_2_PORT:-18081}
export PALAVER_IMAGE_PREFIX=localhost/palaver/ PALAVER_TAG=${PALAVER_TAG:-ct}
# The cluster's shared secret (compose.embedded.yml requires one): a new one per run unless given.
export PALAVER_CLUSTER_SECRET=${PALAVER_CLUSTER_SECRET:-$(head -c 32 /dev/urandom | base64 | tr -d '\n')}
GW1=http://127.0.0.1:$PALAVER_GATEWAY_1_PORT
GW2=http://127.0.0.1:$PALAVER_GATEWAY_2_PORT
STEPS=${STEPS:-e2e kill partition sigterm}
SERVICES=(standalone user-service session-service message-service push-service gateway)
T0=$(date +%s)

say() { printf '[%4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }
ctr() { echo "${PROJECT}_$1_1"; }

down() {
  # Containers (with their anonymous volumes), then the project's network and volumes.
  local ids
  ids=$(podman ps -aq --filter "label=io.podman.compose.project=$PROJECT" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    podman rm -f -v -t 5 $ids >/dev/null 2>&1 || true
  fi
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  for v in $(podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT" 2>/dev/null || true); do
    podman volume rm -f "$v" >/dev/null 2>&1 || true
  done
  podman volume rm -f "${PROJECT}_store-data" >/dev/null 2>&1 || true
}

if [ "${1:-}" = down ]; then down; exit 0; fi

# ---- 1. podman ----
need=()
command -v podman >/dev/null || need+=(podman)
# runc also when podman came without it (Debian's podman brings crun, which these hosts refuse: below).
command -v runc >/dev/null || need+=(runc)
command -v podman-compose >/dev/null || need+=(podman-compose)
[ -e /usr/lib/cni/dnsname ] || need+=(golang-github-containernetworking-plugin-dnsname)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  [ "$(id -u)" = 0 ] || fail "podman is missing and installing it needs root"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
# crun refuses hybrid cgroups on such hosts and the default ulimits can't be set: runc, cgroupfs, none.
CONF=/etc/containers/containers.conf
if [ ! -f "$CONF" ] || ! grep -q '^runtime *= *"runc"' "$CONF"; then
  [ -f "$CONF" ] && fail "$CONF exists without runtime = \"runc\"; add the settings of docs/operations.md by hand"
  say "writing $CONF (runc, cgroupfs, no default ulimits)"
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$CONF"
fi
podman info >/dev/null 2>&1 || fail "podman does not work here: $(podman info 2>&1 | tail -3)"
say "podman $(podman version -f '{{.Client.Version}}'), podman-compose $(podman-compose version 2>/dev/null | sed -n 's/^podman-compose[a-z]* version *//p')"

down
trap 'rc=$?; if [ -z "${KEEP:-}" ]; then say "removing containers, network and volumes of $PROJECT"; down; fi; say "done, exit $rc"; exit $rc' EXIT

# ---- lint: the compose files and the Kubernetes manifests ----
# podman-compose 1.0.3 has no "config": a dry run parses a file and prints its podman commands
# (it still creates the network and the named volumes, removed here).
for f in deploy/docker/compose.embedded.yml deploy/docker/docker-compose.yml; do
  podman-compose -p "$PROJECT-lint" -f "$f" --dry-run up -d >/tmp/palaver-ct-lint.log 2>&1 \
    || { tail -5 /tmp/palaver-ct-lint.log; fail "podman-compose could not read $f"; }
  n=$(grep -c '^podman run' /tmp/palaver-ct-lint.log || true)
  podman network rm -f "$PROJECT-lint_default" >/dev/null 2>&1 || true
  for v in $(podman volume ls -q | grep "^$PROJECT-lint_" || true); do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
  [ "$n" -ge 7 ] || fail "$f: $n services, expected at least 7"
  say "ok   $f parses ($n containers)"
done
command -v npm >/dev/null || fail "npm missing (the Kubernetes validation needs Node.js and npm)"
(cd deploy/kubernetes/validate && { [ -d node_modules ] || npm ci --no-audit --no-fund -q >/dev/null 2>&1; } \
  && node validate.mjs >/tmp/palaver-ct-k8s.log 2>&1) || { cat /tmp/palaver-ct-k8s.log; fail "Kubernetes manifests"; }
say "ok   Kubernetes manifests valid against the schemas (kubernetes-models): $(tail -1 /tmp/palaver-ct-k8s.log)"

# ---- 2. base image ----
if ! podman image exists palaver-base:bookworm; then
  # The Debian mirror of this machine's own apt sources (never written into the repository).
  mirror=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /[ \t]bookworm([ \t]|$)/ && u !~ /security/) {print u; exit} }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(sed -E 's/\[[^]]*\]//' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1=="deb" && $3=="bookworm" {print $2; exit}')
  [ -n "$mirror" ] || fail "no bookworm mirror found in /etc/apt/sources.list*"
  say "making palaver-base:bookworm with debootstrap (openjdk-17-jre-headless)"
  rootfs=$(mktemp -d /var/tmp/palaver-base.XXXXXX)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" \
    >/var/tmp/palaver-base-debootstrap.log 2>&1 || { rm -rf "$rootfs"; fail "debootstrap, see /var/tmp/palaver-base-debootstrap.log"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import -q - palaver-base:bookworm >/dev/null
  rm -rf "$rootfs"
fi
say "base image palaver-base:bookworm ready"

# ---- 3. images ----
for s in "${SERVICES[@]}"; do
  jar=$s/target/palaver-$s.jar
  [ "$s" = standalone ] && jar=standalone/target/palaver.jar
  [ -f "$jar" ] || fail "$jar missing: build the jars first (mvn package -DskipTests)"
done
for s in "${SERVICES[@]}"; do
  podman build -q --format docker -f deploy/docker/Dockerfile --build-arg BASE=palaver-base:bookworm \
    --build-arg JARS=host --build-arg SERVICE="$s" -t "localhost/palaver/$s:$PALAVER_TAG" . >/dev/null \
    || fail "podman build of $s"
done
podman image prune -f >/dev/null 2>&1 || true
say "built images: $(for s in "${SERVICES[@]}"; do printf '%s ' "palaver/$s:$PALAVER_TAG"; done)"
for s in gateway message-service; do
  user=$(podman image inspect -f '{{.Config.User}}' "localhost/palaver/$s:$PALAVER_TAG")
  hc=$(podman image inspect -f '{{.HealthCheck.Test}}' "localhost/palaver/$s:$PALAVER_TAG")
  [ "$user" = palaver ] || fail "$s image runs as '$user', not palaver"
  [[ "$hc" == *healthcheck.sh* ]] || fail "$s image has no HEALTHCHECK"
done
say "ok   images run as user palaver and carry a HEALTHCHECK"

# ---- 4. cluster ----
"${COMPOSE[@]}" up -d >/tmp/palaver-ct-up.log 2>&1 || { cat /tmp/palaver-ct-up.log; fail "podman-compose up"; }
say "started $(podman ps -q --filter "label=io.podman.compose.project=$PROJECT" | wc -l) containers on network $NET"
healthy_all() {
  local c
  for c in $(podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
    podman healthcheck run "$c" >/dev/null 2>&1 || return 1
  done
}
wait_up() { # seconds
  local end=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$end" ]; do
    if curl -fsS "$GW1/health" >/dev/null 2>&1 && curl -fsS "$GW2/health" >/dev/null 2>&1 && healthy_all; then
      return 0
    fi
    sleep 2
  done
  return 1
}
if ! wait_up 240; then
  for c in $(podman ps -a --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
    echo "--- $c: $(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c")"; podman logs --tail 15 "$c" 2>&1
  done
  fail "cluster not healthy within 240 s"
fi
ips=$(for c in $(podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
  podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c"; done | sort -u | wc -l)
[ "$ips" -eq 8 ] || fail "expected 8 containers with 8 addresses, got $ips addresses"
say "ok   cluster healthy: /health 200 on both gateways, every container's HEALTHCHECK passes, 8 addresses"
# Every container's management port, on its own address: /live, /ready, and /metrics in Prometheus text.
# The page is read whole before grep: a `curl | grep -q` pipe fails (curl 23) once the page outgrows a pipe buffer.
for c in $(podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
  ip=$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
  curl -fsS "http://$ip:9090/live" >/dev/null && curl -fsS "http://$ip:9090/ready" >/dev/null \
    && grep -q '^jvm_memory_used_bytes' <<<"$(curl -fsS "http://$ip:9090/metrics")" \
    || fail "$c: management port $ip:9090 (/live, /ready, /metrics)"
done
say "ok   every container answers /live, /ready and /metrics on its management port 9090"

# ---- 5. checks ----
classes=$(mktemp -d /tmp/palaver-ct-check.XXXXXX)
javac -d "$classes" deploy/docker/ContainerCheck.java
check() { java -cp "$classes" ContainerCheck "$@"; }
for step in $STEPS; do
  say "step $step"
  case $step in
    e2e) check e2e "$GW1" "$GW2" ;;
    kill)
      check kill "$GW1" "$GW2" "$(ctr message-1)"
      podman start "$(ctr message-1)" >/dev/null
      wait_up 120 || fail "message-1 did not come back healthy after podman start"
      say "ok   killed message-1 restarted and healthy"
      check e2e "$GW1" "$GW2" | tail -1
      ;;
    partition) check partition "$GW1" "$GW2" "$(ctr gateway-2)" "$NET" ;;
    sigterm)
      check sigterm "$GW1" "$GW2" "$(ctr message-1)" "$(ctr gateway-1)"
      # The rest: SIGTERM with time to finish; each must exit 143 (JVM stopped by SIGTERM, hooks run).
      t=$(date +%s)
      for c in $(podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
        podman stop -t 40 "$c" >/dev/null
        code=$(podman inspect -f '{{.State.ExitCode}}' "$c")
        [ "$code" = 143 ] || fail "$c exited $code after SIGTERM (expected 143)"
        if podman logs "$c" 2>&1 | grep -q "unclean stop"; then fail "$c: unclean stop"; fi
      done
      say "ok   every other container stopped by SIGTERM: exit 143, no unclean stop, $(($(date +%s) - t)) s in all"
      ;;
    *) fail "unknown step $step" ;;
  esac
done
rm -rf "$classes"
say "container test passed ($STEPS) in $(($(date +%s) - T0)) s"
