#!/usr/bin/env bash
# One command: build release binaries, start servers on loopback with an embedded database, run
# the load generator, print medians and p99s. Everything stays on 127.0.0.1 and stops by itself.
#   bench/run.sh [--pairs N] [--chat N] [--idle N]
# Phases: lifecycle (N pairs at once) on one server; idle connections on a fresh plain server and
# on a fresh TLS server, for memory per connection.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=200; chat=5; idle=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --chat) chat=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
bin=${CARGO_TARGET_DIR:-target}/release
[ -n "${ASSIST_BENCH_NO_BUILD:-}" ] || cargo build --release --locked -p assist -p assist-loadgen >&2
dirs=(); pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "${dirs[@]}"' EXIT

# start TLS → sets url, pid; prints cold start and idle memory
start() {
  local data out t0 t1
  data=$(mktemp -d); out="$data/stdout"; dirs+=("$data")
  t0=$(date +%s.%N)
  "$bin/assist" serve --listen 127.0.0.1:0 --data "$data" --tls "$1" \
    --admin-email bench@bench.example --admin-password bench-password-1 >"$out" 2>/dev/null &
  pid=$!; pids+=("$pid")
  until grep -q "listening on" "$out" 2>/dev/null; do sleep 0.005; done
  url=$(grep -o 'https\?://[0-9.:]*' "$out" | head -1)
  until curl -sfk "$url/healthz" >/dev/null; do sleep 0.005; done
  t1=$(date +%s.%N)
  sleep 1
  echo "server ($1): first start to serving /healthz $(awk "BEGIN {printf \"%.3f\", $t1 - $t0}") s (includes creating the database and the first administrator), idle RSS $(awk '/VmRSS/ {print $2" "$3}' /proc/"$pid"/status)"
}

loadgen() {
  "$bin/assist-loadgen" --server "$url" --admin-email bench@bench.example --admin-password bench-password-1 --server-pid "$pid" "$@"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== lifecycle"
start off
# A helper may have 20 sessions waiting at once: enough helper accounts for every pair.
loadgen --pairs "$pairs" --chat "$chat" --idle 0 --accounts $((pairs / 15 + 20))
echo "== idle connections, plain"
start off
loadgen --pairs 0 --idle "$idle"
echo "== idle connections, TLS"
start self-signed
loadgen --pairs 0 --idle "$idle"
