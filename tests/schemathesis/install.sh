#!/bin/sh
# Installs schemathesis for the contract tests (./run): a virtual environment in .venv with
# exactly the versions of requirements.txt, from PyPI. Needs Python 3.9+ with venv and pip.
# Does nothing when .venv already holds these versions.
set -eu
cd "$(dirname "$0")"
if [ -x .venv/bin/st ] && cmp -s requirements.txt .venv/requirements.txt; then
  exit 0
fi
rm -rf .venv
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
.venv/bin/pip check >/dev/null
cp requirements.txt .venv/requirements.txt
