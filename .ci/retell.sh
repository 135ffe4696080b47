#!/usr/bin/env bash
# The retell target checked with Retell's own SDK (retell-sdk, pinned in
# tests/e2e/retell/requirements.txt): builds every spec in specs/ and the
# fixtures in tests/e2e/rasa/ with `--target retell`, then
# tests/e2e/retell/check.py loads every conversation_flow.json and every test
# case with the SDK's TypedDicts (pydantic TypeAdapter, walked to the end), and
# checks itself what the SDK does not (undeclared keys, the graph, the
# variables texts name); its mutation self-test makes the run fail if a
# broken output (unknown key, edge to a missing node, wrong enum or type, …)
# is no longer rejected.
# retell-sdk is installed with pip into a virtualenv OUTSIDE the clone
# (CALLC_RETELL_VENV, default ~/.cache/callc/retell-venv; about 60 MB).
# CALLC_PYTHON picks the interpreter (CPython 3.9 or later; default python3).
# CALLC overrides the compiler command (default `cargo run --quiet --`).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_RETELL_VENV:-$HOME/.cache/callc/retell-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/retell/requirements.txt

. .ci/lib.sh

started=$(date +%s)
echo "== retell-sdk in $venv"
python_venv "$venv" "$python" "(3, 9) <= v" "retell-sdk needs CPython 3.9 or later" \
  "$requirements" "The retell target is NOT checked by Retell's SDK."
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target retell"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
outputs=()
for spec in specs/*.call tests/e2e/rasa/*.call; do
  name=$(basename "$spec" .call)
  if ! "${callc[@]}" build "$spec" --target retell -o "$out/$name" 2> "$out/build.log"; then
    echo "callc could not build $spec:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
  outputs+=("$out/$name")
  echo "   $spec -> $name/"
done

echo "== Retell's SDK types, callc's own checks, and the mutation self-test"
t=$(date +%s)
"$venv/bin/python" tests/e2e/retell/check.py --mutate "$out/taishan_renewal" "${outputs[@]}"
echo "   checks took $(( $(date +%s) - t ))s"

echo "retell target checked with retell-sdk in $(( $(date +%s) - started ))s"
