#!/usr/bin/env bash
# The rasa target checked by Rasa itself: builds every spec in specs/ (and the
# fixtures in tests/e2e/rasa/) with `--target rasa`, then
#   - tests/e2e/rasa/validate.py: Rasa's importer and every check of
#     `rasa data validate --fail-on-warnings`, one by one;
#   - tests/e2e/rasa/converse.py: trains each project and holds conversations
#     chosen on a model of the call (every place and reply, end, retry spent,
#     transfer, capture, FAQ answer, silence and voicemail), comparing what Rasa
#     says with the spec's text; --require-all fails the run unless the projects
#     together show each construct of "calls that listen" at least once.
# rasa-pro is installed with pip into a virtualenv OUTSIDE the clone
# (CALLC_RASA_VENV, default ~/.cache/callc/rasa-venv); the first run downloads
# about 1.3 GB, later runs reuse the virtualenv. CALLC_PYTHON picks the
# interpreter (CPython 3.11 to 3.14; default python3). CALLC overrides the
# compiler command (default `cargo run --quiet --`), e.g. an installed callc.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_RASA_VENV:-$HOME/.cache/callc/rasa-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/rasa/requirements.txt

. .ci/lib.sh

started=$(date +%s)
echo "== rasa-pro in $venv"
python_venv "$venv" "$python" "(3, 11) <= v < (3, 15)" "rasa-pro needs CPython 3.11 to 3.14" \
  "$requirements" "The rasa target is NOT checked by Rasa."
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target rasa (and --target json for the conversations)"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
projects=()
pairs=()
for spec in specs/*.call tests/e2e/rasa/*.call; do
  name=$(basename "$spec" .call)
  if ! "${callc[@]}" build "$spec" --target rasa -o "$out/$name" 2> "$out/build.log"; then
    echo "callc could not build $spec:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
  "${callc[@]}" build "$spec" --target json -o "$out/$name.json" 2> "$out/build.log"
  projects+=("$out/$name")
  pairs+=("$out/$name" "$out/$name.json")
  echo "   $spec -> $name/"
done

echo "== Rasa's validator"
t=$(date +%s)
"$venv/bin/python" tests/e2e/rasa/validate.py "${projects[@]}"
echo "   validation took $(( $(date +%s) - t ))s"

echo "== conversations: every place and reply, end, retry, transfer, capture, FAQ answer, silence, voicemail"
t=$(date +%s)
"$venv/bin/python" tests/e2e/rasa/converse.py --require-all "${pairs[@]}" 2> "$out/converse.log" \
  || { cat "$out/converse.log" >&2; exit 1; }
echo "   conversations took $(( $(date +%s) - t ))s"

echo "rasa target checked by rasa-pro in $(( $(date +%s) - started ))s"
