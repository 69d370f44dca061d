#!/usr/bin/env bash
# Glass to glass and control input, end to end (docs/architecture.md, "Measures"), with one command:
#   bench/glass/run.sh [SAMPLES] [--fps N] [--size WxH] [--json FILE]
# Builds the release binaries (respects CARGO_TARGET_DIR; ASSIST_BENCH_NO_BUILD=1 skips it),
# then runs bench/glass/glass.mjs in a network namespace with only loopback: a real server, a real
# agent on a private Xvfb screen, the helper's page in real Chromium on another. Needs Xvfb,
# /usr/bin/chromium, unshare, and `npm ci` in tests/e2e (done here when missing). On a machine
# shared with other work, run it as `nice -n -15 bench/glass/run.sh ...` (as root) so that the
# figures measure the product rather than the neighbours; docs/benchmarks.md gives the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${ASSIST_BENCH_NO_BUILD:-}" ]; then
  cargo build --release --locked -p assist --bin assist -p assist-input --example latency_probe >&2
fi
[ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund --silent)
exec tests/e2e/netns.sh node bench/glass/glass.mjs "$@"
