#!/bin/bash
# The image's entrypoint. A cluster member tells the others the address it is reached at:
# unless PALAVER_PUBLIC_HOST is given, that is this container's own IP address, not a
# service name (a restarted container gets a new address under the same name, and members
# that resolved the name earlier would keep calling the dead one).
# exec: java becomes PID 1 and gets SIGTERM itself.
set -eu
if [ -z "${PALAVER_PUBLIC_HOST:-}" ]; then
  PALAVER_PUBLIC_HOST=$(hostname -i | awk '{print $1}')
  export PALAVER_PUBLIC_HOST
fi
exec java -jar /app/palaver.jar "$@"
