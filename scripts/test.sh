#!/usr/bin/env bash
# Plaudit's whole test suite, from a fresh clone: Rust unit, integration and property tests, then
# the differential tests against the Python anchors (in the .venv this script creates).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "== Python anchors (.venv)"
bash scripts/venv.sh

echo "== Rust tests"
cargo test --workspace --locked

echo "== Differential tests against the anchors"
PLAUDIT_BIN="$root/target/debug/plaudit" .venv/bin/python -m pytest -q tests/anchors

echo "== Python package (pip install . into .venv, then its tests)"
# maturin (pinned in requirements-dev.txt) builds the extension in release mode, once, in target/.
PATH="$root/.venv/bin:$PATH" .venv/bin/python -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation "$root"
PLAUDIT_BIN="$root/target/debug/plaudit" .venv/bin/python -m pytest -q python/tests
