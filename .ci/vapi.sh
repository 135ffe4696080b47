#!/usr/bin/env bash
# The vapi target checked with Vapi's own SDK: builds every spec in specs/ (and
# the fixtures in tests/e2e/rasa/) with `--target vapi`, and `callc scenarios`
# of each, then tests/e2e/vapi/check.py
#   - runs a mutation self-test first: a real output broken in each way the
#     checks must catch (unknown keys, wrong types, enum values, undeclared
#     Liquid variables, broken `{% raw %}`, references to missing resources,
#     a broken frontmatter…) must be rejected, so the step fails if a check
#     stopped checking;
#   - reads every output as Vapi GitOps does (tests/e2e/vapi/gitops.cjs: the
#     `yaml` package GitOps reads with, its Markdown-frontmatter format),
#     loads every resource into vapi-server-sdk's request models (or sends it
#     through the SDK's client over a fake transport), checks what the SDK
#     lets through (unknown keys, enum values, references), renders every
#     text with LiquidJS (the engine Vapi fills variables with) and compares
#     what the assistant says with the spec's texts.
# vapi-server-sdk is installed with pip into a virtualenv OUTSIDE the clone
# (CALLC_VAPI_VENV, default ~/.cache/callc/vapi-venv), liquidjs and yaml with
# `npm ci` into CALLC_VAPI_NODE (default ~/.cache/callc/vapi-node), both at the
# versions tests/e2e/vapi/ pins; later runs reuse them. CALLC_PYTHON picks the
# interpreter (CPython 3.9 or newer; default python3); Node.js 18 or newer is
# needed. CALLC overrides the compiler command (default `cargo run --quiet --`).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_VAPI_VENV:-$HOME/.cache/callc/vapi-venv}"
nodedir="${CALLC_VAPI_NODE:-$HOME/.cache/callc/vapi-node}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/vapi/requirements.txt

. .ci/lib.sh

started=$(date +%s)
echo "== vapi-server-sdk in $venv"
python_venv "$venv" "$python" "v >= (3, 9)" "vapi-server-sdk needs CPython 3.9 or newer" \
  "$requirements" "The vapi target is NOT checked by Vapi's SDK."

echo "== liquidjs and yaml (npm ci) in $nodedir"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
  || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  loud "Node.js 18 or newer (with npm) is needed to read the vapi target as Vapi GitOps does" \
    "and to render its texts with LiquidJS. The vapi target is NOT checked."
  exit 1
fi
mkdir -p "$nodedir"
if ! cmp -s tests/e2e/vapi/package-lock.json "$nodedir/package-lock.json" || [ ! -d "$nodedir/node_modules" ]; then
  cp tests/e2e/vapi/package.json tests/e2e/vapi/package-lock.json "$nodedir/"
  if ! (cd "$nodedir" && npm ci --no-audit --no-fund --loglevel=error); then
    loud "npm ci failed in $nodedir: see npm's messages above." \
      "Is the npm registry (or NPM_CONFIG_REGISTRY) reachable from here?" \
      "The vapi target is NOT checked."
    exit 1
  fi
fi
export CALLC_VAPI_NODE_MODULES="$nodedir/node_modules"
echo "   ready in $(( $(date +%s) - started ))s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== building every spec with --target vapi (and callc scenarios)"
read -r -a callc <<< "${CALLC:-cargo run --quiet --}"
[ -n "${CALLC:-}" ] || cargo build --quiet
pairs=()
for spec in specs/*.call tests/e2e/rasa/*.call; do
  name=$(basename "$spec" .call)
  if ! "${callc[@]}" build "$spec" --target vapi -o "$out/$name" 2> "$out/build.log" \
    || ! "${callc[@]}" scenarios "$spec" -o "$out/$name.scenarios.json" 2> "$out/build.log"; then
    echo "callc could not build $spec:" >&2
    cat "$out/build.log" >&2
    exit 1
  fi
  pairs+=("$out/$name:$out/$name.scenarios.json")
  echo "   $spec -> $name/ ($(find "$out/$name" -type f ! -name '.*' | wc -l) files, $(du -sk "$out/$name" | cut -f1) KB)"
done

echo "== Vapi's SDK, GitOps' reader, LiquidJS (mutation self-test first)"
t=$(date +%s)
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" tests/e2e/vapi/check.py "${pairs[@]}"
echo "   checks took $(( $(date +%s) - t ))s"

echo "vapi target checked by vapi-server-sdk in $(( $(date +%s) - started ))s"
