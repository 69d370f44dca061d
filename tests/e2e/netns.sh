#!/bin/sh
# Runs a command in a new network namespace whose only interface is loopback, so that nothing a
# browser test does (WebRTC host candidates included) can reach an address other than 127.0.0.1.
# Needs root or unprivileged user namespaces: falls back to `unshare --user --map-root-user`.
set -e
if [ "$(id -u)" = 0 ]; then
  exec unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$@"
else
  exec unshare --user --map-root-user --net sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
