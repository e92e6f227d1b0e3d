#!/usr/bin/env bash
# Create (or update) the trainer tier's virtualenv at .venv-trainers: TRL, verl and OpenRLHF with a
# CPU-usable torch (scripts/requirements-trainers*.txt), for python/tests_trainers. Idempotent:
# reinstalls only when the requirements files changed.
#
#   bash scripts/trainer_venv.sh [PLAUDIT_WHEEL]
#
# With a wheel (scripts/test.sh passes the one it built for .venv) it also installs that `plaudit`
# build into the venv, replacing any earlier one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-trainers"
req="$root/scripts/requirements-trainers.txt"
nodeps="$root/scripts/requirements-trainers-nodeps.txt"
py="${PYTHON:-python3}"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
stamp="$venv/.requirements.sha"
want="$(cat "$req" "$nodeps" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "${pip[@]}" install --quiet --upgrade pip
  "${pip[@]}" install --quiet -r "$req"
  "${pip[@]}" install --quiet --no-deps -r "$nodeps"
  echo "$want" > "$stamp"
fi
if [ $# -gt 0 ]; then
  "${pip[@]}" install --quiet --no-deps --force-reinstall "$1"
fi
