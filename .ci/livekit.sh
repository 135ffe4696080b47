#!/usr/bin/env bash
# The livekit target checked by LiveKit's own types: builds every spec in
# specs/ and the fixtures in tests/e2e/rasa/ with `--target livekit` (and
# `callc scenarios`, the set each output is written from), then
# tests/e2e/livekit/check.py reads every scenarios.yaml as `lk agent simulate`
# does, loads it into livekit.agents.simulation.ScenarioGroup with protobuf's
# ParseDict, checks the keys lk would drop silently, compares every scenario
# with the scenario set (each text of the spec back exactly), and runs a
# mutation self-test (broken outputs must be rejected).
# livekit-agents is installed with pip into a virtualenv OUTSIDE the clone
# (CALLC_LIVEKIT_VENV, default ~/.cache/callc/livekit-venv). CALLC_PYTHON picks
# the interpreter (CPython 3.10 to 3.14; default python3). CALLC overrides the
# compiler command (default `cargo run --quiet --`).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_LIVEKIT_VENV:-$HOME/.cache/callc/livekit-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/livekit/requirements.txt
export PYTHONUTF8=1

. .ci/lib.sh

started=$(date +%s)
echo "== livekit-agents in $venv"
python_venv "$venv" "$python" "(3, 10) <= v < (3, 15)" "livekit-agents needs CPython 3.10 to 3.14" \
  "$requirements" "The livekit target is NOT checked by LiveKit."
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target livekit (and its scenario set)"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
pairs=()
for spec in specs/*.call tests/e2e/rasa/*.call; do
  name=$(basename "$spec" .call)
  if ! "${callc[@]}" build "$spec" --target livekit -o "$out/$name.yaml" 2> "$out/build.log" \
    || ! "${callc[@]}" scenarios "$spec" -o "$out/$name.json" 2> "$out/build.log"; then
    echo "callc could not build $spec:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
  pairs+=("$out/$name.yaml" "$out/$name.json")
  echo "   $spec -> $name.yaml"
done

echo "== ScenarioGroup via ParseDict, the keys lk drops, the scenario set, the mutation self-test"
"$venv/bin/python" tests/e2e/livekit/check.py "${pairs[@]}"

echo "livekit target checked by livekit-agents in $(( $(date +%s) - started ))s"
