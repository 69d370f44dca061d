#!/usr/bin/env bash
# One command: build release binaries, start servers on loopback with an embedded database, run
# the load generator, print medians and p99s. Everything stays on 127.0.0.1 and stops by itself.
#   bench/run.sh [--pairs N] [--chat N] [--idle N]
#   bench/run.sh --two-nodes [--pairs N] [--chat N]
# Phases: lifecycle (N pairs at once) on one server; idle connections on a fresh plain server and
# on a fresh TLS server, for memory per connection. With --two-nodes: the lifecycle on two nodes
# sharing a fresh PostgreSQL database (127.0.0.1:5432, or ASSIST_BENCH_POSTGRES) and NATS
# (127.0.0.1:4222, or ASSIST_BENCH_NATS), helpers on one node and sharers on the other.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=200; chat=5; idle=2000; two_nodes=
while [ $# -gt 0 ]; do
  case "$1" in
    --two-nodes) two_nodes=1; shift ;;
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

# start TLS [serve flags...] → sets url, pid; prints cold start and idle memory. Every client of the
# load generator comes from 127.0.0.1, so the per-address connection cap is off.
start() {
  local data out t0 t1 tls=$1; shift
  data=$(mktemp -d); out="$data/stdout"; dirs+=("$data")
  t0=$(date +%s.%N)
  "$bin/assist" serve --listen 127.0.0.1:0 --data "$data" --tls "$tls" \
    --admin-email bench@bench.example --admin-password bench-password-1 \
    --max-connections-per-address 0 "$@" >"$out" 2>/dev/null &
  pid=$!; pids+=("$pid")
  until grep -q "listening on" "$out" 2>/dev/null; do sleep 0.005; done
  url=$(grep -o 'https\?://[0-9.:]*' "$out" | head -1)
  until curl -sfk "$url/healthz" >/dev/null; do sleep 0.005; done
  t1=$(date +%s.%N)
  sleep 1
  echo "server ($tls): first start to serving /healthz $(awk "BEGIN {printf \"%.3f\", $t1 - $t0}") s (includes creating the database and the first administrator), idle RSS $(awk '/VmRSS/ {print $2" "$3}' /proc/"$pid"/status)"
  # The first page loads the language bundles it needs (English and the page's language).
  curl -sfk -H 'Accept-Language: de' "$url/signin" >/dev/null
  sleep 1
  echo "server ($tls): idle RSS after serving /signin once (German) $(awk '/VmRSS/ {print $2" "$3}' /proc/"$pid"/status)"
}

loadgen() {
  "$bin/assist-loadgen" --server "$url" --admin-email bench@bench.example --admin-password bench-password-1 --server-pid "$pid" "$@"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [ -n "$two_nodes" ]; then
  pg=${ASSIST_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
  nats=${ASSIST_BENCH_NATS:-nats://127.0.0.1:4222}
  db="assist_bench_$$"
  psql -q "$pg/postgres" -c "CREATE DATABASE $db"
  trap 'kill "${pids[@]}" 2>/dev/null || true; sleep 0.5; psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "${dirs[@]}"' EXIT
  echo "== lifecycle on two nodes (PostgreSQL $(psql -qtA "$pg/postgres" -c 'SHOW server_version'), NATS)"
  start off --database "$pg/$db" --bus "$nats"; url_a=$url
  start off --database "$pg/$db" --bus "$nats"; url_b=$url
  "$bin/assist-loadgen" --server "$url_a,$url_b" --admin-email bench@bench.example \
    --admin-password bench-password-1 --pairs "$pairs" --chat "$chat" --idle 0 --accounts $((pairs / 15 + 20))
  exit 0
fi

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
