// @ts-check
// package.json and language-configuration.json as VS Code reads them: every
// file they name exists, every regex compiles as VS Code compiles it, and the
// editing rules do what they promise on `.call` lines.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const config = JSON.parse(fs.readFileSync(path.join(root, "language-configuration.json"), "utf8"));

/**
 * A regex of language-configuration.json, compiled as VS Code does: a string
 * without flags, or `{ pattern, flags }`.
 * @param {string | { pattern: string, flags?: string }} value
 */
function regex(value) {
  return typeof value === "string" ? new RegExp(value) : new RegExp(value.pattern, value.flags);
}

test("package.json names files that exist, and the language and grammar agree", () => {
  assert.equal(manifest.name, "callc-vscode");
  assert.ok(fs.existsSync(path.join(root, manifest.main)), manifest.main);
  assert.deepEqual(manifest.activationEvents, ["onLanguage:call"]);
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, "call");
  assert.deepEqual(language.extensions, [".call"]);
  assert.ok(fs.existsSync(path.join(root, language.configuration)));
  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, "call");
  const tm = JSON.parse(fs.readFileSync(path.join(root, grammar.path), "utf8"));
  assert.equal(grammar.scopeName, "source.call");
  assert.equal(tm.scopeName, grammar.scopeName);
});

test("settings: callc.path defaults to `callc`, is restricted in untrusted workspaces; trace levels", () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props["callc.path"].type, "string");
  assert.equal(props["callc.path"].default, "callc");
  assert.deepEqual(props["callc.trace.server"].enum, ["off", "messages", "verbose"]);
  assert.equal(props["callc.trace.server"].default, "off");
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ["callc.path"]);
});

test("engines.vscode is not older than the @types/vscode the code is checked against", () => {
  const engine = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(manifest.engines.vscode);
  assert.ok(engine, manifest.engines.vscode);
  const types = /^(\d+)\.(\d+)\.(\d+)$/.exec(manifest.devDependencies["@types/vscode"]);
  assert.ok(types, "pin @types/vscode to the exact engine version");
  assert.deepEqual(engine.slice(1), types.slice(1));
});

test("comments, brackets and pairs", () => {
  assert.deepEqual(config.comments, { lineComment: "//" });
  assert.deepEqual(config.brackets, [["{", "}"], ["(", ")"]]);
  const pairs = Object.fromEntries(config.autoClosingPairs.map((/** @type {any} */ p) => [p.open, p]));
  assert.equal(pairs["{"].close, "}");
  assert.ok(!pairs["{"].notIn.includes("string"), "`{` closes inside strings too: placeholders");
  assert.equal(pairs["("].close, ")");
  assert.deepEqual(pairs['"'].notIn, ["string", "comment"]);
  assert.equal(pairs['"""'].close, '"""');
  assert.deepEqual(config.surroundingPairs, [["{", "}"], ["(", ")"], ['"', '"']]);
});

test("the word pattern selects Unicode identifiers whole and stops at punctuation", () => {
  const word = regex(config.wordPattern);
  const words = (/** @type {string} */ s) => s.match(new RegExp(word.source, `g${word.flags}`));
  assert.deepEqual(words("step 开场 \"开场问候\" covers 书面条款, upgrade_details_2 {"), [
    "step", "开场", "开场问候", "covers", "书面条款", "upgrade_details_2",
  ]);
  assert.deepEqual(words("{knows.合作周期}"), ["knows", "合作周期"]);
  assert.deepEqual(words("您好，请问是张强吗？"), ["您好", "请问是张强吗"]);
  assert.deepEqual(words("x̃ café _内部 age 35 😀"), ["x̃", "café", "_内部", "age", "35"]);
});

test("indentation: in after `{` and after an opening `\"\"\"`, out at `}` and after a closing `\"\"\"`", () => {
  const increase = regex(config.indentationRules.increaseIndentPattern);
  const decrease = regex(config.indentationRules.decreaseIndentPattern);
  for (const line of [
    "call taishan_renewal {",
    "  step offer \"活动优势快报\" covers written_terms, 升级细节 {",
    "  knows {   // 客户画像",
    "    persona \"\"\"",
  ]) {
    assert.ok(increase.test(line), `indent after: ${line}`);
  }
  for (const line of [
    "    say \"您好，{callee.name}\"",
    "  step greet { say \"您好！\" }",
    "  // 注释里的 {",
    "    persona \"\"\"一行\"\"\"",
    "      \"\"\"",
    "  }",
  ]) {
    assert.ok(!increase.test(line), `no indent after: ${line}`);
  }
  assert.ok(decrease.test("  }"));
  assert.ok(decrease.test("} // 结束"));
  assert.ok(!decrease.test("  say \"}\""));
  const [outdent] = config.onEnterRules;
  assert.equal(outdent.action.indent, "outdent");
  assert.ok(regex(outdent.beforeText).test("      \"\"\""));
  assert.ok(!regex(outdent.beforeText).test("    persona \"\"\"一行\"\"\""));
});
