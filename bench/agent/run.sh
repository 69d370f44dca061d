#!/usr/bin/env bash
# The agent's benchmark, one command: capture + encode at 1920x1080 on a private Xvfb screen,
# side by side with ffmpeg x11grab + libvpx realtime on the same screen and the same moving
# content, then input latency (data-channel message -> XTEST injection -> seen by an X client).
# Prints the figures and the machine; copy them into docs/benchmarks.md ("Agent").
#
# Usage: bench/agent/run.sh [SECONDS]   (default 15 per measurement)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-15}"

if ! command -v ffmpeg >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
fi
command -v Xvfb >/dev/null || { echo "Xvfb is missing (apt-get install xvfb)" >&2; exit 1; }

cargo build --release -q -p assist-agent --example agent_bench
BENCH="${CARGO_TARGET_DIR:-target}/release/examples/agent_bench"

fdfile="$(mktemp)"
Xvfb -displayfd 4 -screen 0 1920x1080x24 -nolisten tcp 4>"$fdfile" 2>/dev/null &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true; rm -f "$fdfile"' EXIT
for _ in $(seq 50); do [ -s "$fdfile" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$fdfile")"

echo "== machine"
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(uname -sr); $(. /etc/os-release; echo "$PRETTY_NAME")"
echo "ffmpeg $(ffmpeg -version | head -n1 | awk '{print $3}'); screen $DISPLAY 1920x1080x24 (Xvfb)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run_with_animation() {
  "$BENCH" animate $((SECONDS_EACH + 2)) &
  local anim=$!
  sleep 0.5
  "$@"
  wait "$anim"
}

echo "== agent: capture (MIT-SHM + damage) + OpenH264, one thread, unpaced"
run_with_animation "$BENCH" capture-encode "$SECONDS_EACH"
echo "== agent: the same paced at 30 fps"
run_with_animation "$BENCH" capture-encode "$SECONDS_EACH" 30

echo "== ffmpeg -f x11grab -video_size 1920x1080 -c:v libvpx -deadline realtime -cpu-used 8 -b:v 2M"
log="$(mktemp)"
run_with_animation /usr/bin/time -f "TIME %U %S %e" ffmpeg -hide_banner -nostats -loglevel info \
  -f x11grab -video_size 1920x1080 -i "$DISPLAY" -t "$SECONDS_EACH" \
  -c:v libvpx -deadline realtime -cpu-used 8 -b:v 2M -f null - >"$log" 2>&1 || true
frames="$(grep -o 'frame= *[0-9]*' "$log" | tail -n1 | tr -dc '0-9')"
read -r _ user sys wall < <(grep '^TIME' "$log")
awk -v f="${frames:-0}" -v u="$user" -v s="$sys" -v w="$wall" \
  'BEGIN { printf "ffmpeg 1920x1080: %.1f fps encoded, CPU %.0f %% of one core (%.1f s wall)\n", f / w, 100 * (u + s) / w, w }'
rm -f "$log"

echo "== input latency"
"$BENCH" input-latency 2000
