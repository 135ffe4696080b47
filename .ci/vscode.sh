#!/usr/bin/env bash
# The VS Code extension in editors/vscode, checked without VS Code:
#   - npm ci: exactly the packages of its package-lock.json, from the npm registry;
#   - package.json, the grammar, the language configuration are valid JSON;
#     extension.js parses (node --check) and type-checks against the VS Code API
#     (tsc, checkJs, @types/vscode of the oldest VS Code it supports);
#   - the TextMate grammar: scope assertions in test/grammar/*.call
#     (vscode-tmgrammar-test, on vscode-textmate and Oniguruma as VS Code runs them),
#     snapshots of every spec in specs/ (test/snap/), and node tests that hold the
#     grammar to the compiler's word lists, the docs' examples and hostile lines;
#   - extension.js against a fake VS Code API (node --test).
# Needs Node.js 18 or newer and npm. Runs from any directory.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
. ../../.ci/lib.sh

started=$(date +%s)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  loud "Node.js and npm are needed to check the VS Code extension (editors/vscode)." \
    "Install Node.js 18 or newer (with npm). The extension is NOT checked."
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  loud "Node.js $(node --version) is too old: the extension's tests need Node.js 18 or newer."
  exit 1
fi

echo "== npm ci (editors/vscode, node $(node --version), npm $(npm --version 2>/dev/null))"
if ! npm ci --no-audit --no-fund --loglevel=error; then
  loud "npm ci failed in editors/vscode: see npm's messages above." \
    "Is the npm registry (or NPM_CONFIG_REGISTRY) reachable from here?" \
    "The VS Code extension and its grammar are NOT checked."
  exit 1
fi
echo "   installed in $(( $(date +%s) - started ))s"

echo "== JSON files parse"
node -e '
for (const f of ["package.json", "package-lock.json", "language-configuration.json", "syntaxes/call.tmLanguage.json", "jsconfig.json"]) {
  try { JSON.parse(require("fs").readFileSync(f, "utf8")); } catch (e) { console.error(`${f}: ${e.message}`); process.exit(1); }
}'

echo "== node --check extension.js"
node --check extension.js

echo "== type check (tsc -p jsconfig.json)"
npx --no-install tsc -p jsconfig.json

echo "== grammar scope assertions (test/grammar/*.call)"
npx --no-install vscode-tmgrammar-test "test/grammar/*.call"

echo "== grammar snapshots of specs/*.call (test/snap/)"
node test/snapshots.js

echo "== node tests (grammar against the compiler, manifest, extension.js)"
node --test test/*.test.js

echo "VS Code extension checked in $(( $(date +%s) - started ))s"
