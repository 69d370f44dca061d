#!/bin/sh
# Runs a command in a new network namespace whose only interface is loopback, so that nothing a
# browser test does (WebRTC host candidates included) can reach an address other than 127.0.0.1.
# Chromium gathers 127.0.0.1 there only for a page on a real origin that has media permission
# (`--use-fake-ui-for-media-stream` grants it); an about:blank page gathers no candidate at all.
# Needs root, else unprivileged user namespaces (`unshare --user --map-root-user`).
set -e
setup='ip link set lo up && exec "$@"'
if [ "$(id -u)" = 0 ]; then
  exec unshare --net sh -c "$setup" sh "$@"
else
  exec unshare --user --map-root-user --net sh -c "$setup" sh "$@"
fi
