#!/usr/bin/env bash
# The pipecat target checked by Pipecat itself: builds every spec in specs/ (and the
# fixtures in tests/e2e/rasa/ and tests/e2e/pipecat/) with `--target pipecat` (and
# `--target json`, for the texts of the role message), writes their scenario sets
# (`callc scenarios`, with and without --all-events), then tests/e2e/pipecat/check.py
#   - loads every config with pipecat.flows.FlowConfig, validates it against the JSON
#     Schema in the pipecat-ai wheel, and joins it to its handlers with pipecat.flows.Flow
#     (through callc's runtime module, src/emit/pipecat/callc_flows.py);
#   - drives every scenario through Pipecat's own FlowManager with a stand-in pipeline
#     and a scripted stand-in for the LLM (no network, no API key), comparing the nodes
#     visited, the lines said and the outcome with the scenario; the reference spec must
#     reach every end condition, and --require-all needs every construct of "calls that
#     listen" shown at least once;
#   - runs a mutation self-test: broken configs must be rejected by the loaders that
#     check what was broken.
# pipecat-ai is installed with pip into a virtualenv OUTSIDE the clone (CALLC_PIPECAT_VENV,
# default ~/.cache/callc/pipecat-venv, shared with .ci/pipecat-evals.sh); later runs reuse
# it. CALLC_PYTHON picks the interpreter (CPython 3.11 or later; default python3). CALLC
# overrides the compiler command (default `cargo run --quiet --`), e.g. an installed callc.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_PIPECAT_VENV:-$HOME/.cache/callc/pipecat-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/pipecat/requirements.txt
# The specs' Chinese texts are printed in failures: UTF-8 whatever the locale.
export PYTHONUTF8=1

. .ci/lib.sh

started=$(date +%s)
echo "== pipecat-ai in $venv"
python_venv "$venv" "$python" "(3, 11) <= v" "pipecat-ai needs CPython 3.11 or later" \
  "$requirements" "The pipecat target is NOT checked by Pipecat."
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target pipecat, and its scenarios"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
# run_callc ARGS...: the compiler, its messages shown only when it fails.
run_callc() {
  if ! "${callc[@]}" "$@" 2> "$out/build.log"; then
    echo "callc could not $*:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
}
for spec in specs/*.call tests/e2e/rasa/*.call tests/e2e/pipecat/*.call; do
  name=$(basename "$spec" .call)
  run_callc build "$spec" --target pipecat -o "$out/build/$name"
  # The directory holds the config and the runtime module, the repository's own.
  cp "$out/build/$name/"*.flow.json "$out/$name.flow.json"
  cmp "$out/build/$name/callc_flows.py" src/emit/pipecat/callc_flows.py
  run_callc build "$spec" --target json -o "$out/$name.json"
  run_callc scenarios "$spec" -o "$out/$name.scenarios.json"
  run_callc scenarios "$spec" --all-events -o "$out/$name.all-events.json"
  echo "   $spec -> $name.flow.json ($(wc -c < "$out/$name.flow.json") bytes)"
done

echo "== FlowConfig, its JSON Schema and Flow; every scenario driven through FlowManager; mutation self-test"
t=$(date +%s)
"$venv/bin/python" tests/e2e/pipecat/check.py --require-all --reference taishan_renewal \
  "$out/build/taishan_renewal/callc_flows.py" "$out"
echo "   checks took $(( $(date +%s) - t ))s"

echo "pipecat target checked by pipecat-ai in $(( $(date +%s) - started ))s"
