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

loud() {
  echo >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  for line in "$@"; do echo "!!! $line" >&2; done
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo >&2
}

started=$(date +%s)
echo "== pytest-lsp in $venv"
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -c 'import sys; sys.exit(not sys.version_info[:2] >= (3, 9))'; then
    loud "The LSP end-to-end suite needs CPython 3.9 or newer; \`$python\` is $("$python" --version 2>&1)." \
      "Set CALLC_PYTHON to a suitable interpreter."
    exit 1
  fi
  "$python" -m venv "$venv"
fi
# A no-op when the pinned versions are installed; otherwise pip fetches them.
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"; then
  loud "Could not install the pinned packages of $requirements from the package index." \
    "Is PyPI (or PIP_INDEX_URL) reachable from here? See pip's messages above." \
    "The language server is NOT tested with a real client."
  exit 1
fi
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
