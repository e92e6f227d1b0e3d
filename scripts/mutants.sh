#!/usr/bin/env bash
# Mutation testing: cargo-mutants (pinned) over the engine, the SQL, math and reward crates.
# Too slow for CI (every mutant is a rebuild plus the crate's tests): run by hand, e.g. before a
# release or after changing a verifier. Output in target/mutants/<crate>/ (mutants.out/caught.txt,
# missed.txt, timeout.txt, unviable.txt). Survivors that are equivalent mutants are listed with
# the reason in docs/MUTANTS.md; every other survivor needs a test.
#
#   bash scripts/mutants.sh                    # all four crates
#   bash scripts/mutants.sh plaudit-sql        # one crate
#   bash scripts/mutants.sh plaudit-math -- --file crates/plaudit-math/src/eval.rs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$version"; then
  cargo install cargo-mutants --version "$version" --locked
fi
crates=()
extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; extra=("$@"); break; fi
  crates+=("$1"); shift
done
[ ${#crates[@]} -gt 0 ] || crates=(plaudit-core plaudit-sql plaudit-math plaudit-rewards)
for c in "${crates[@]}"; do
  echo "== $c"
  start=$(date +%s)
  mkdir -p "target/mutants/$c"
  # Exit code 2 means mutants were missed: report, do not stop the other crates.
  # A crate's behaviour is also tested by the crates built on it (SQL confinement by the
  # server's tests, rewards by the CLI's): run those too.
  case "$c" in
    plaudit-sql) tests=(plaudit-sql plaudit-rewards plaudit-cli) ;;
    plaudit-math) tests=(plaudit-math plaudit-rewards) ;;
    plaudit-core) tests=(plaudit-core plaudit-rewards plaudit-cli) ;;
    *) tests=("$c") ;;
  esac
  test_args=()
  for t in "${tests[@]}"; do test_args+=(--test-package "$t"); done
  cargo mutants --package "$c" "${test_args[@]}" --output "target/mutants/$c" \
    --timeout-multiplier 3 --jobs 1 ${extra[@]+"${extra[@]}"} || true
  out="target/mutants/$c/mutants.out"
  count() { if [ -f "$out/$1.txt" ]; then wc -l < "$out/$1.txt"; else echo 0; fi; }
  caught=$(count caught)
  missed=$(count missed)
  timeout=$(count timeout)
  unviable=$(count unviable)
  viable=$((caught + missed + timeout))
  echo "$c: $caught caught, $missed missed, $timeout timed out (counted as caught), $unviable unviable," \
       "score $(( viable > 0 ? 100 * (caught + timeout) / viable : 0 ))% of $viable viable, $(( $(date +%s) - start )) s"
done
