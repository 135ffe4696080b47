#!/usr/bin/env bash
# The pipecat-evals target checked by Pipecat's own code: builds every spec in
# specs/ and the fixtures in tests/e2e/rasa/ with `--target pipecat-evals`
# (and `callc scenarios`, the set each output is written from), then
# tests/e2e/pipecat/evals.py loads every file with
# pipecat.evals.scenario.EvalScenarioFile.load, checks the keys Pipecat's
# loader lets through silently, compares every scenario with the scenario set
# (each text of the spec back exactly), and runs a mutation self-test (broken
# outputs must be rejected).
# pipecat-ai is installed with pip into a virtualenv OUTSIDE the clone, shared
# with .ci/pipecat.sh (CALLC_PIPECAT_VENV, default ~/.cache/callc/pipecat-venv).
# CALLC_PYTHON picks the interpreter (CPython 3.11 or later; default python3).
# CALLC overrides the compiler command (default `cargo run --quiet --`).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_PIPECAT_VENV:-$HOME/.cache/callc/pipecat-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/pipecat/requirements.txt
# Pipecat opens scenario files with the locale's encoding: make it UTF-8 whatever the locale.
export PYTHONUTF8=1

. .ci/lib.sh

started=$(date +%s)
echo "== pipecat-ai in $venv"
python_venv "$venv" "$python" "(3, 11) <= v" "pipecat-ai needs CPython 3.11 or later" \
  "$requirements" "The pipecat-evals target is NOT checked by Pipecat."
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target pipecat-evals (and its scenario set)"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
pairs=()
for spec in specs/*.call tests/e2e/rasa/*.call; do
  name=$(basename "$spec" .call)
  if ! "${callc[@]}" build "$spec" --target pipecat-evals -o "$out/$name" 2> "$out/build.log" \
    || ! "${callc[@]}" scenarios "$spec" -o "$out/$name.json" 2> "$out/build.log"; then
    echo "callc could not build $spec:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
  pairs+=("$out/$name" "$out/$name.json")
  echo "   $spec -> $name/ ($(ls "$out/$name" | grep -c '\.yaml$') file(s))"
done

echo "== EvalScenarioFile.load, the keys it ignores, the scenario set, the mutation self-test"
"$venv/bin/python" tests/e2e/pipecat/evals.py "${pairs[@]}"

echo "pipecat-evals target checked by pipecat-ai in $(( $(date +%s) - started ))s"
