// @ts-check
// The TextMate grammar against the compiler: the same word lists (those of
// src/lang.rs come through syntaxes/words.json), every word scoped, no error
// scope anywhere in the project's specs and documented examples, the exact
// set of valid `\u{…}` escapes, every regex compiling, and no slow line.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");
const oniguruma = require("vscode-oniguruma");

const generate = require("../syntaxes/generate.js");
const words = require("../syntaxes/words.json");
const { grammar, tokenize } = require("./textmate.js");

const repo = path.join(__dirname, "..", "..", "..");
const read = (/** @type {string} */ p) => fs.readFileSync(path.join(repo, p), "utf8");

/** @param {string} text */
async function invalidTokens(text) {
  return (await tokenize(text)).filter((t) => t.scopes.some((s) => s.startsWith("invalid.")));
}

test("the committed grammar is what syntaxes/generate.js writes", () => {
  const committed = fs.readFileSync(path.join(__dirname, "..", "syntaxes", "call.tmLanguage.json"), "utf8");
  assert.equal(committed, generate.render(), "run `node syntaxes/generate.js`");
});

test("keywords are the parser's (grammar/call.pest, rule `keyword`)", () => {
  const rule = /^keyword = _\{([^}]*)\}/m.exec(read("grammar/call.pest"));
  assert.ok(rule, "rule `keyword` not found in grammar/call.pest");
  const keywords = [...rule[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...generate.KEYWORDS].sort(), keywords.sort());
});

test("the word lists are src/lang.rs's, through syntaxes/words.json", () => {
  // `cargo test --test lang` fails while words.json is not what src/lang.rs gives.
  assert.equal(generate.KEYWORDS, words.keywords);
  assert.equal(generate.FIELDS, words.fields);
  assert.equal(generate.PARTY_FIELDS, words.placeholder_fields);
  assert.equal(generate.PRIORITIES, words.priorities);
  assert.equal(generate.GENDERS, words.genders);
  assert.ok(words.fields.length > 10);
});

test("every keyword and field name of the language has its scope", async () => {
  for (const k of generate.KEYWORDS) {
    const [first] = await tokenize(`${k} x`);
    assert.equal(first.text, k);
    const keyword = first.scopes.some((s) => s.startsWith("keyword.") && !s.startsWith("keyword.other.field."));
    assert.ok(keyword, `${k}: ${first.scopes.join(" ")}`);
  }
  for (const f of generate.FIELDS) {
    const [first] = await tokenize(`${f} x`);
    assert.deepEqual([first.text, first.scopes], [f, ["source.call", "keyword.other.field.call"]]);
  }
});

test("lint names and lint codes are the compiler's (src/codes.rs)", () => {
  const src = read("src/codes.rs");
  const lints = [...src.matchAll(/^\s*(W\d{4}), Some\("([a-z_]+)"\)/gm)];
  assert.ok(lints.length >= 9);
  assert.deepEqual([...generate.LINTS].sort(), [...lints.map((m) => m[2]), "warnings"].sort());
  assert.deepEqual([...generate.LINT_CODES].sort(), lints.map((m) => m[1]).sort());
  assert.match(read("src/check/levels.rs"), /ALL_LINTS: &str = "warnings"/);
});

test("the words of a variable's line are the parser's (grammar/call.pest, rules `var_id` and `kw_*`)", () => {
  const pest = read("grammar/call.pest");
  const varId = /^var_id = @\{ !\(\(([^)]*)\)/m.exec(pest);
  assert.ok(varId, "rule `var_id` not found in grammar/call.pest");
  const excluded = [...varId[1].matchAll(/"([a-z]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...generate.VAR_WORDS, ...words.lint_levels].sort(), [...excluded].sort());
  for (const w of generate.VAR_WORDS) {
    if (w !== "optional") assert.match(pest, new RegExp(`^kw_${w} = @\\{ "${w}"`, "m"), w);
  }
  assert.match(pest, /^kw_extends = @\{ "extends"/m);
});

test("priorities and lint levels are the parser's (grammar/call.pest)", () => {
  const priority = /^priority = @\{ \(([^)]*)\)/m.exec(read("grammar/call.pest"));
  assert.ok(priority);
  assert.deepEqual(generate.PRIORITIES, [...priority[1].matchAll(/"([a-z]+)"/g)].map((m) => m[1]));
  const level = /^lint_level = @\{ \(([^)]*)\)/m.exec(read("grammar/call.pest"));
  assert.ok(level);
  assert.deepEqual(words.lint_levels, [...level[1].matchAll(/"([a-z]+)"/g)].map((m) => m[1]));
});

test("every regular expression of the grammar compiles in Oniguruma", async () => {
  await grammar(); // loads the Oniguruma WASM
  const json = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "syntaxes", "call.tmLanguage.json"), "utf8"));
  /** @type {string[]} */
  const regexes = [];
  const walk = (/** @type {unknown} */ node) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (["match", "begin", "end", "while"].includes(k) && typeof v === "string") regexes.push(v);
        else walk(v);
      }
    }
  };
  walk(json);
  assert.ok(regexes.length > 40, `only ${regexes.length} regexes found`);
  for (const r of regexes) {
    assert.doesNotThrow(() => new oniguruma.OnigScanner([r]).dispose(), `does not compile: ${r}`);
  }
});

test("the example specs have no error scope and no unclassified identifier", async () => {
  // specs/, and the spec with every construct of calls that listen wherever it is kept.
  const dirs = ["specs"];
  const specs = dirs.flatMap((d) =>
    fs.readdirSync(path.join(repo, d)).filter((f) => f.endsWith(".call")).map((f) => `${d}/${f}`),
  );
  assert.ok(specs.length >= 4);
  const texts = specs.map((f) => read(f));
  for (const construct of ["continue", "capture ", "retry ", "transfer(", "requires ", "on voicemail", "first_speaker"]) {
    assert.ok(texts.some((t) => t.includes(construct)), `no spec writes \`${construct}\``);
  }
  for (const [i, f] of specs.entries()) {
    const tokens = await tokenize(texts[i]);
    const bad = tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid.") || s === "variable.other.call"));
    assert.deepEqual(bad, [], f);
  }
});

test("the spec with every word of the language has no error scope and no unclassified identifier", async () => {
  // tests/lang.rs keeps it holding every word of src/lang.rs, per-call variables and callees that extend included.
  const text = read("tests/fixtures/every_word.call");
  for (const construct of ["vars {", " extends ", "{var.", "money(CNY)", "one_of(", "example \"", " pii"]) {
    assert.ok(text.includes(construct), `tests/fixtures/every_word.call does not write \`${construct}\``);
  }
  const tokens = await tokenize(text);
  const bad = tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid.") || s === "variable.other.call"));
  assert.deepEqual(bad, []);
  const scoped = (/** @type {string} */ word, /** @type {string} */ scope) =>
    assert.ok(
      tokens.some((t) => t.text === word && t.scopes.includes(scope)),
      `no \`${word}\` with ${scope}`,
    );
  scoped("到期日", "entity.name.variable.var.call");
  scoped("到期日", "variable.other.var.call");
  scoped("percent", "support.type.var.call");
  scoped("pii", "keyword.other.pii.call");
  scoped("extends", "keyword.other.extends.call");
  scoped("张总", "entity.name.type.callee.reference.call");
});

test("events, value types and speakers are the compiler's (src/ir/mod.rs, src/ir/value.rs, src/lang.rs)", () => {
  const ir = read("src/ir/mod.rs");
  const asStr = /pub const fn as_str\(self\) -> &'static str \{\s*match self \{([^}]*Event::[^}]*)\}/.exec(ir);
  assert.ok(asStr, "Event::as_str not found in src/ir/mod.rs");
  assert.deepEqual(generate.EVENTS, [...asStr[1].matchAll(/Event::\w+ => "([a-z_]+)"/g)].map((m) => m[1]));
  const list = (/** @type {string} */ file, /** @type {string} */ name) => {
    const m = new RegExp(`pub const ${name}: [^=]*= &\\[([\\s\\S]*?)\\];`).exec(read(file));
    assert.ok(m, `${name} not found in ${file}`);
    return [...m[1].matchAll(/\("([a-z_]+)",/g)].map((x) => x[1]);
  };
  // One table of value types for captures and per-call variables.
  assert.deepEqual(generate.TYPES, list("src/ir/value.rs", "TYPES"));
  assert.deepEqual(generate.SPEAKERS, list("src/lang.rs", "SPEAKERS"));
});

test("the examples of docs/language.md have no error scope", async () => {
  const blocks = [...read("docs/language.md").matchAll(/```call[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 20, `only ${blocks.length} examples`);
  for (const block of blocks) {
    assert.deepEqual(await invalidTokens(block), [], block);
  }
});

test("\\u{…} is valid exactly for 1 to 6 hex digits naming a Unicode scalar value", async () => {
  const cases = [
    "0", "41", "00041", "000041", "0000041", "e9", "7FF", "D7FF", "d7ff", "D800", "DBFF", "DC00", "DFFF", "dfff",
    "00D800", "0DFFF", "E000", "FFFF", "10000", "1F600", "1f600", "10FFFF", "010FFFF", "110000", "1FFFFF", "FFFFFF",
    "", "G", "12G4", "-1", "+41", " 41", "41 ", "1_0",
  ];
  for (const hex of cases) {
    const n = /^[0-9A-Fa-f]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
    const valid = !Number.isNaN(n) && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
    const tokens = await tokenize(`say "a\\u{${hex}}b"`);
    const escape = tokens.find((t) => t.text.startsWith("\\u"));
    assert.ok(escape, `no token for \\u{${hex}}`);
    assert.equal(escape.text, `\\u{${hex}}`, `token of \\u{${hex}}`);
    const scope = valid ? "constant.character.escape.unicode.call" : "invalid.illegal.escape.unicode.call";
    assert.ok(escape.scopes.includes(scope), `\\u{${hex}}: expected ${scope}, got ${escape.scopes.join(" ")}`);
  }
});

test("a byte-order mark is accepted at the start of a file only", async () => {
  const tokens = await tokenize("\uFEFFcall 续约 {\n  title \"\uFEFF\" \uFEFF\n}");
  assert.deepEqual(tokens[0].scopes, ["source.call", "meta.bom.call"]);
  assert.deepEqual(tokens[1], { line: 1, text: "call", scopes: ["source.call", "keyword.declaration.call.call"] });
  const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid.")));
  assert.deepEqual(
    invalid.map((t) => [t.line, t.text]),
    [[2, "\uFEFF"]],
    "only the mark outside a string after the start is an error",
  );
});

test("no line takes long, however hostile (VS Code tokenizes lines up to 20,000 characters)", async () => {
  const n = 20000;
  const lines = {
    "open braces in a string": `say "${"{".repeat(n)}"`,
    "an unclosed placeholder": `say "{knows.${"合作 ".repeat(n / 3)}`,
    "unicode escapes": `say "${"\\u{".repeat(n / 3)}`,
    "backslashes": `say "${"\\".repeat(n)}`,
    "a long identifier": `step ${"开".repeat(n)} {`,
    "a long covers list": `step a covers ${"c, ".repeat(n / 3)}{`,
    "full-width commas": `step a covers ${"甲，".repeat(n / 2)}{`,
    "stray characters": "；".repeat(n),
    "digits": "9".repeat(n),
    "quotes": '"'.repeat(n),
    "arrows": "-> ".repeat(n / 3),
    "unclosed variable placeholders": `say "${"{var.客户 ".repeat(n / 8)}`,
    "a variable line that never ends": `vars { 客户 money(${"CNY ".repeat(n / 4)}`,
    "variable words": `vars { a text ${"default example ".repeat(n / 16)}`,
    "extends after extends": `callee a ${"extends ".repeat(n / 8)}`,
  };
  for (const [name, line] of Object.entries(lines)) {
    const started = process.hrtime.bigint();
    await tokenize(line);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 1000, `${name}: ${ms.toFixed(0)} ms`);
  }
});
