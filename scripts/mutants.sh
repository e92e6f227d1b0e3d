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
#   bash scripts/mutants.sh plaudit-sql -- --in-place   # in a private clone only: mutates the tree
#   REWARD_FAMILY=length bash scripts/mutants.sh plaudit-rewards -- --in-place   # one family
#   REWARD_FAMILY=verifiers REWARD_NAMES='gui_point_in_box|gui_iou|gui_gaussian_point|gui_gaussian_coverage|tool_call_match|toolrl_reward|tool_checklist' \
#     bash scripts/mutants.sh plaudit-rewards -- --in-place   # a folder of checks the rewards call
#   REWARD_FAMILY=shared REWARD_FILES='util.rs' bash scripts/mutants.sh plaudit-rewards -- --in-place   # top-level files
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
summary() {
  local out="target/mutants/$c/mutants.out"
  count() { if [ -f "$out/$1.txt" ]; then wc -l < "$out/$1.txt"; else echo 0; fi; }
  caught=$(count caught)
  missed=$(count missed)
  timeout=$(count timeout)
  unviable=$(count unviable)
  viable=$((caught + missed + timeout))
  echo "$1: $caught caught, $missed missed, $timeout timed out (counted as caught), $unviable unviable," \
       "score $(( viable > 0 ? 100 * (caught + timeout) / viable : 0 ))% of $viable viable, $(( $(date +%s) - start )) s"
}
for c in "${crates[@]}"; do
  echo "== $c"
  start=$(date +%s)
  mkdir -p "target/mutants/$c"
  # Exit code 2 means mutants were missed: report, do not stop the other crates.
  # A test package built on the mutated crate is rebuilt for every mutant: plaudit-rewards plus
  # plaudit-cli cost minutes per mutant (the CLI's tests alone run over a minute), days for a
  # crate. So plaudit-sql and plaudit-core run against their own tests (plaudit-sql's file
  # confinement, which the server's tests also check, is tested in the crate:
  # tests/confined_files.rs, tests/no_database_files.rs); plaudit-math too: with the rewards'
  # tests a mutant costs 36 s (their rebuild and run), against 5.5 s with its own (2150 mutants:
  # 21 h against 3.3 h). See docs/MUTANTS.md.
  tests=("$c")
  test_args=()
  for t in "${tests[@]}"; do test_args+=(--test-package "$t"); done
  # One mutant at a time (`--in-place` runs one anyway and refuses `--jobs`).
  jobs=(--jobs 1)
  for a in ${extra[@]+"${extra[@]}"}; do
    if [ "$a" = --in-place ]; then jobs=(); fi
  done
  # plaudit-rewards has 4043 mutants; run it by family (REWARD_FAMILY=<folder of src/>). A first
  # pass runs the family's mutants against the tests that can see them: the unit tests,
  # tests/catalogue.rs (every documented example), tests/properties.rs without its 10 MB deadline
  # test, and the test files naming one of the family's rewards, which cuts both the rebuild
  # (fewer test binaries) and the run (1-7 s a mutant instead of ~25 s). Then `--iterate` runs
  # the survivors again against every test of the crate, so missed.txt is what the whole suite
  # misses. See docs/MUTANTS.md for each family's time.
  family=()
  first=()
  if [ "$c" = plaudit-rewards ] && [ -n "${REWARD_FAMILY:-}" ]; then
    dir=crates/plaudit-rewards
    # The family's rewards: the names in the `rewards!` lists of its folder (subfolders too). A
    # folder with none (`verifiers`: checks the tool and gui rewards call) names the rewards
    # whose tests see it in REWARD_NAMES (`REWARD_NAMES='tool_call_match|toolrl_reward'`).
    if [ "$REWARD_FAMILY" = shared ]; then
      # The crate's top-level files (util.rs, judges.rs, embeddings.rs, …), which every family
      # uses: a first pass against the unit tests, catalogue, properties and mutants_shared.rs
      # (plus the test files naming a reward in REWARD_NAMES, if set), then the survivors
      # against every test. One at a time: REWARD_FILES='util.rs judges.rs'.
      names=${REWARD_NAMES:-}
      family=()
      for f in ${REWARD_FILES:-$(cd "$dir/src" && ls ./*.rs | sed 's|^\./||')}; do
        family+=(--file "$dir/src/$f")
      done
    else
      names=${REWARD_NAMES:-$(find "$dir/src/$REWARD_FAMILY" -name mod.rs -exec sed -n '/rewards!/,/^[)}]/p' {} + \
        | { grep -o '[a-z0-9_]\+' || true; } | { grep -vx 'crate\|rewards' || true; } | paste -sd'|')}
      family=(--file "$dir/src/$REWARD_FAMILY/**/*.rs")
    fi
    first=(--cargo-arg=--lib --cargo-arg=--test=catalogue --cargo-arg=--test=properties)
    for f in "$dir"/tests/*.rs; do
      t=$(basename "$f" .rs)
      if [ "$t" = catalogue ] || [ "$t" = properties ]; then continue; fi
      # The family's own mutants_<family>.rs, and every test file naming one of its rewards.
      if [ "$t" = "mutants_$REWARD_FAMILY" ] || { [ -n "$names" ] && grep -qwE "$names" "$f"; }; then
        first+=(--cargo-arg=--test="$t")
      fi
    done
    first+=(--cargo-test-arg=-- --cargo-test-arg=--skip --cargo-test-arg=huge_inputs_stop_at_the_deadline)
  fi
  # --profile mutants: the dev profile without debug info (Cargo.toml), half the rebuild time.
  cargo mutants --package "$c" "${test_args[@]}" --output "target/mutants/$c" \
    --profile mutants --timeout-multiplier 3 ${family[@]+"${family[@]}"} ${first[@]+"${first[@]}"} \
    ${jobs[@]+"${jobs[@]}"} ${extra[@]+"${extra[@]}"} || true
  summary "$c"
  if [ ${#first[@]} -gt 0 ]; then
    cargo mutants --package "$c" "${test_args[@]}" --output "target/mutants/$c" --iterate \
      --profile mutants --timeout-multiplier 3 "${family[@]}" \
      ${jobs[@]+"${jobs[@]}"} ${extra[@]+"${extra[@]}"} || true
    # --iterate runs only the first pass's survivors, so these counts are of those alone
    # (caught: killed by the other tests; missed: what the whole suite misses).
    summary "$c, second pass (only the first pass's survivors, against all its tests)"
  fi
done
