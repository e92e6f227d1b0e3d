#!/usr/bin/env bash
# Plaudit's whole test suite, from a fresh clone: Rust unit, integration and property tests, the
# differential tests against the Python anchors (in the .venv this script creates), the checks in
# scripts/check, the Python package's tests, the browser tier (scripts/browser.sh installs chromium),
# then the trainer tier and the Ray tier.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# A cold run writes about 11 GB (target/ 4.3 GB, .venv-trainers 6.2 GB with torch, .venv 0.5 GB): say
# so at the start, not half an hour in, when a link dies of a full disk ("No space left on device").
free_gb=$(df -Pk "$root" | awk 'NR == 2 { print int($4 / 1048576) }')
if [ "$free_gb" -lt 16 ]; then
  echo "warning: $free_gb GB free on the disk holding $root; a cold run of this suite needs about 11 GB" >&2
fi

echo "== Python anchors (.venv)"
bash scripts/venv.sh

echo "== Rust tests"
cargo test --workspace --locked

echo "== Differential tests against the anchors"
PLAUDIT_BIN="$root/target/debug/plaudit" .venv/bin/python -m pytest -q tests/anchors

echo "== Checks (scripts/check)"
# docs/PAPERS.md: mechanism names exist (debug CLI's list), "no" rows give a reason, counts match.
python3 scripts/check/papers_doc.py --list-file <(target/debug/plaudit list)
# The math verifier against math-verify on 2 000 generated pairs: Plaudit must agree with every
# construction label (the debug example cargo test built; math-verify's misses are only reported).
.venv/bin/python scripts/check/diff_math.py --check --n 2000 --show 0 \
  --exe "$root/target/debug/examples/verify_jsonl"

echo "== Speed beside the floor (scripts/bench/guard.py: samples/s per family, printed, never asserted)"
python3 scripts/bench/guard.py --exe "$root/target/debug/plaudit"

echo "== Python package (a wheel built once, installed into .venv, then its tests)"
# maturin (pinned in requirements-dev.txt) builds the extension in release mode, once, in target/;
# the same abi3 wheel is installed into .venv and .venv-trainers.
rm -rf target/plaudit-wheel
PATH="$root/.venv/bin:$PATH" .venv/bin/python -m pip wheel --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps --wheel-dir target/plaudit-wheel "$root"
wheel="$(ls "$root"/target/plaudit-wheel/plaudit-*.whl)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheel"
PLAUDIT_BIN="$root/target/debug/plaudit" .venv/bin/python -m pytest -q python/tests

echo "== Browser tier (Debian's chromium, headless through Playwright; screenshots in target/test-artefacts/browser)"
bash scripts/browser.sh
PLAUDIT_BIN="$root/target/debug/plaudit" .venv/bin/python -m pytest -q python/tests_browser

echo "== Trainer tier (.venv-trainers: TRL, verl and OpenRLHF on CPU, then python/tests_trainers)"
bash scripts/trainer_venv.sh "$wheel"
PLAUDIT_BIN="$root/target/debug/plaudit" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  .venv-trainers/bin/python -m pytest -q python/tests_trainers \
  python/tests/test_openrlhf.py::test_tensors_when_asked  # where torch is installed: runs, not skipped

echo "== Ray tier (.venv-trainers' pinned ray: plaudit.ray on a local cluster of 2 CPUs, verl's RewardLoopManager)"
PLAUDIT_BIN="$root/target/debug/plaudit" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  .venv-trainers/bin/python -m pytest -q python/tests_ray
