#!/bin/bash
# The image's HEALTHCHECK, with nothing but bash (no curl in a minimal image).
# Gateway and standalone: GET /health on the HTTP port answers 200 (every service answered).
# Other services (no HTTP port): the Hazelcast member port accepts connections.
set -u
case "${PALAVER_SERVICE:-standalone}" in
  gateway|standalone)
    exec 3<>"/dev/tcp/127.0.0.1/${PALAVER_HTTP_PORT:-8080}" || exit 1
    printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    read -r -t 4 _ status _ <&3 || exit 1
    [ "$status" = 200 ]
    ;;
  *)
    exec 3<>"/dev/tcp/127.0.0.1/${PALAVER_CLUSTER_PORT:-5701}"
    ;;
esac
