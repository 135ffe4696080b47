#!/usr/bin/env bash
# `callc lsp` driven by a real LSP client: tests/e2e/lsp/ is a pytest-lsp suite
# (pygls underneath) that starts the built binary and replays the recorded
# client capabilities of Neovim 0.10, Neovim 0.11 and VS Code, covering every
# feature of the server (docs/lsp.md).
# pytest-lsp is installed with pip into a virtualenv OUTSIDE the clone
# (CALLC_LSP_VENV, default ~/.cache/callc/lsp-venv); the first run downloads a
# few MB, later runs reuse it. CALLC_PYTHON picks the interpreter (CPython 3.9
# or newer; default python3). CALLC_BIN runs the suite against another binary
# (default: target/debug/callc, built here; the suite's panic test needs a
# debug build).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALLC_LSP_VENV:-$HOME/.cache/callc/lsp-venv}"
python="${CALLC_PYTHON:-python3}"
requirements=tests/e2e/lsp/requirements.txt

. .ci/lib.sh

started=$(date +%s)
echo "== pytest-lsp in $venv"
python_venv "$venv" "$python" "v >= (3, 9)" "The LSP end-to-end suite needs CPython 3.9 or newer" \
  "$requirements" "The language server is NOT tested with a real client."
echo "   ready in $(( $(date +%s) - started ))s"

if [ -z "${CALLC_BIN:-}" ]; then
  echo "== cargo build"
  cargo build --quiet
  export CALLC_BIN="$PWD/target/debug/callc"
fi

# Keep the clone clean: no __pycache__ next to the tests.
export PYTHONDONTWRITEBYTECODE=1
echo "== the LSP end-to-end suite against $CALLC_BIN"
t=$(date +%s)
set +e
(cd tests/e2e/lsp && "$venv/bin/python" -m pytest -q -p no:cacheprovider)
status=$?
set -e
case $status in
  0) ;;
  5)
    loud "pytest collected no test in tests/e2e/lsp: the language server was NOT tested."
    exit 1
    ;;
  *)
    echo "the LSP end-to-end suite failed (pytest exit status $status)" >&2
    exit 1
    ;;
esac
echo "language server checked with pytest-lsp in $(( $(date +%s) - t ))s ($(( $(date +%s) - started ))s in all)"
