#!/bin/bash
# The image's HEALTHCHECK, with nothing but bash (no curl in a minimal image): GET /ready on the
# node's management port answers 200 (services deployed, an active cluster member, not stopping).
# It needs nothing from other services, so one service down does not make the others unhealthy.
set -u
exec 3<>"/dev/tcp/127.0.0.1/${PALAVER_MANAGEMENT_PORT:-9090}" || exit 1
printf 'GET /ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 || exit 1
[ "$status" = 200 ]
