#!/bin/sh
# Installs the OpenID provider that the server's API tests start (tests/api/oidc.rs):
# the npm package oidc-provider, exactly as pinned in package-lock.json. Needs Node.js 20+ and npm.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "node is missing: install Node.js 20 or newer" >&2; exit 1; }
npm ci --no-audit --no-fund
