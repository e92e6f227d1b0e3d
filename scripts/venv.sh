#!/usr/bin/env bash
# Create (or update) the project's Python virtualenv at .venv with the anchors used as oracles in
# differential tests and as baselines in benchmarks. Idempotent: reinstalls only when
# requirements-dev.txt changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/scripts/requirements-dev.txt"
nodeps="$root/scripts/requirements-nodeps.txt"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
stamp="$venv/.requirements.sha"
want="$(cat "$req" "$nodeps" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$nodeps"
  echo "$want" > "$stamp"
fi
