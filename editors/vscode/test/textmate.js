// @ts-check
// Loads syntaxes/call.tmLanguage.json into vscode-textmate (the engine VS Code
// uses, with the same Oniguruma build) and tokenizes text line by line.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "call.tmLanguage.json");

/** @type {Promise<vsctm.IGrammar> | undefined} */
let loaded;

/** The `.call` grammar, loaded once. */
function grammar() {
  loaded ??= (async () => {
    const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === "source.call"
          ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR)
          : null,
    });
    const g = await registry.loadGrammar("source.call");
    if (g === null) {
      throw new Error(`cannot load ${GRAMMAR}`);
    }
    return g;
  })();
  return loaded;
}

/**
 * The tokens of every line of `text` (split as VS Code does: LF, CRLF or CR).
 * @param {string} text
 * @returns {Promise<{ line: number, text: string, scopes: string[] }[]>}
 */
async function tokenize(text) {
  const g = await grammar();
  /** @type {{ line: number, text: string, scopes: string[] }[]} */
  const out = [];
  let stack = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return out;
}

module.exports = { grammar, tokenize };

if (require.main === module) {
  // `node test/textmate.js FILE`: print each token with its scopes (for writing tests).
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: node test/textmate.js FILE.call");
    process.exit(2);
  }
  tokenize(fs.readFileSync(file, "utf8")).then((tokens) => {
    for (const t of tokens) {
      console.log(`${t.line}\t${JSON.stringify(t.text)}\t${t.scopes.slice(1).join(" ")}`);
    }
  });
}
