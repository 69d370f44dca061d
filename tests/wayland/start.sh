#!/bin/bash
# Start a headless GNOME Shell (Wayland, one 1280x720 virtual monitor) with PipeWire and the desktop portal.
# usage: RIG_DIR=$(mktemp -d) tests/wayland/start.sh   (then: . tests/wayland/env.sh in the shell that uses it)
set -eu
here=$(cd "$(dirname "$0")" && pwd); . "$here/env.sh"
mkdir -p "$HOME" "$RIG_DIR/logs"; mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
export RIG_MARK=$RIG_TAG
L=$RIG_DIR/logs
dbus-daemon --session --address="$DBUS_SYSTEM_BUS_ADDRESS" --nofork --nopidfile >"$L/sysbus.log" 2>&1 &
dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile >"$L/dbus.log" 2>&1 &
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/bus" ] && [ -S "$XDG_RUNTIME_DIR/system_bus" ] && break; sleep 0.1; done
pipewire >"$L/pipewire.log" 2>&1 &
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] && break; sleep 0.1; done
wireplumber >"$L/wireplumber.log" 2>&1 &
gnome-shell --wayland --headless --no-x11 --wayland-display=wayland-0 --virtual-monitor 1280x720 --sm-disable >"$L/gnome-shell.log" 2>&1 &
gs=$!
has() { gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true; }
for _ in $(seq 600); do
  kill -0 $gs 2>/dev/null || { echo "gnome-shell exited: see $L/gnome-shell.log"; exit 1; }
  has org.gnome.Shell && has org.gnome.Mutter.ScreenCast && has org.gnome.Mutter.RemoteDesktop && { echo "GNOME rig up (WAYLAND_DISPLAY=wayland-0)"; exit 0; }
  sleep 0.05
done
echo "GNOME rig did not come up in 30 s"; exit 1
