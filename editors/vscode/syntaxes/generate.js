#!/usr/bin/env node
// @ts-check
// Writes syntaxes/call.tmLanguage.json, the TextMate grammar of `.call` files.
//
// The grammar is generated so that its regular expressions are built from one
// definition of an identifier and of each word list; hand-escaped JSON would
// repeat `\\p{XID_Continue}` a hundred times. `node syntaxes/generate.js`
// rewrites the JSON; `--check` fails if the committed JSON is stale (so does
// test/grammar.test.js). The words of the language come from words.json,
// which the compiler's tests write from src/lang.rs.
//
// Reference: docs/language.md and grammar/call.pest. The grammar is line based
// like every TextMate grammar, but a keyword and the id it declares or names
// may be on different lines (the language allows a line break between any two
// tokens): those rules are begin/end pairs that end at the next token.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

/** Identifier characters, exactly as grammar/call.pest (Unicode XID). */
const START = "(?:\\p{XID_Start}|_)";
const CONT = "\\p{XID_Continue}";
const ID = `${START}${CONT}*`;
/** Alternatives as a whole word: not preceded or followed by an identifier character. */
const word = (/** @type {string[]} */ alternatives) => `(?<!${CONT})(?:${alternatives.join("|")})(?!${CONT})`;
/** The same, as a capture group. */
const wordGroup = (/** @type {string[]} */ alternatives) => `(?<!${CONT})(${alternatives.join("|")})(?!${CONT})`;

/**
 * The words of the language, as src/lang.rs (the compiler's one table of them) lists them:
 * `CALLC_BLESS=1 cargo test --test lang` writes words.json, and fails while it is stale.
 */
const WORDS = require("./words.json");
/** The words that open a block or statement (grammar/call.pest, rule `keyword`). */
const KEYWORDS = WORDS.keywords;
/** Field names every block accepts somewhere. */
const FIELDS = WORDS.fields;
/** Lint names (src/codes.rs), `warnings` and the codes of lints, which `allow`/`warn`/`deny` accept. */
const LINTS = [
  "unreachable_step", "dead_end", "uncovered_concern", "unused_signal", "end_mismatch",
  "duplicate_question", "empty_text", "silent_step", "unknown_lint", "unplaced_markdown",
  "covers_not_imported", "invisible_character", "confusable_id", "unhandled_voicemail",
  "unreached_outcome", "unnamed_end", "missing_capture", "unbounded_retry", "voicemail_waits", "unused_var",
  "missing_example", "uncovered_on_path", "warnings",
];
const LINT_CODES = [
  "W0201", "W0202", "W0203", "W0204", "W0205", "W0206", "W0207", "W0208", "W0209", "W0210", "W0211",
  "W0212", "W0213", "W0214", "W0215", "W0216", "W0217", "W0218", "W0219", "W0220", "W0302", "W0303",
];
const PRIORITIES = WORDS.priorities;
const GENDERS = WORDS.genders;
/** Fields of a party that `{caller.FIELD}` and `{callee.FIELD}` may name. */
const PARTY_FIELDS = WORDS.placeholder_fields;
/** The built-in telephony events (src/ir/mod.rs, `Event::as_str`), named in `on EVENT -> …`. */
const EVENTS = ["voicemail", "no_answer", "silence", "hangup"];
/**
 * The value types (src/ir/value.rs, `TYPES`), shared by captures and per-call variables:
 * `capture ID TYPE`, and `ID TYPE` in `vars`.
 */
const TYPES = ["text", "number", "integer", "percent", "money", "date", "time", "phone", "email", "yes_no", "one_of"];
/**
 * The words of a variable's line after its type (grammar/call.pest: `var_need`, `var_example`, `var_pii`);
 * a variable id is none of them, nor a lint level (rule `var_id`).
 */
const VAR_WORDS = ["required", "optional", "default", "example", "pii"];
/** A value type after an id, with its arguments: the type, or an unknown word; `(`, what it holds, `)`. */
const TYPE_AFTER_ID = `(?:\\s+(?:${wordGroup(TYPES)}|(${ID}))(?:\\s*(\\()([^()"\\n]*)(\\)))?)?`;
/** Who may speak first (src/lang.rs, `SPEAKERS`): `first_speaker callee`. */
const SPEAKERS = ["callee", "caller"];

/** `(end)` where an id is expected: `end` is never an id (E0001). */
const END_AS_ID = `(?<!${CONT})(end)(?!${CONT})`;
/** A case-insensitive lint code, as `Code::lookup` accepts. */
const lintCode = (/** @type {string} */ code) => code.replace(/[A-Za-z]/g, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);

/**
 * A keyword followed by the id it declares, possibly on a later line. Ends at
 * the id, or at the first other token (so a missing id never swallows the file).
 * @param {string} keyword
 * @param {string} idScope
 * @param {string} [after] a regex (one capture group per extra scope) that may follow the id on its line
 * @param {Record<string, {name?: string, patterns?: object[]}>} [afterCaptures] scopes (or patterns) of those groups, numbered from 1
 */
function declaration(keyword, idScope, after = "", afterCaptures = {}) {
  /** @type {Record<string, {name?: string, patterns?: object[]}>} */
  const endCaptures = {
    1: { name: "invalid.illegal.reserved-id.call" },
    2: { name: idScope },
  };
  for (const [n, c] of Object.entries(afterCaptures)) endCaptures[2 + Number(n)] = c;
  return {
    begin: word([keyword]),
    beginCaptures: { 0: { name: `keyword.declaration.${keyword}.call` } },
    end: `${END_AS_ID}|(${ID})${after}|(?=\\S)`,
    endCaptures,
    applyEndPatternLast: true,
    patterns: [{ include: "#comment" }],
  };
}

const grammar = {
  $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
  name: "call",
  scopeName: "source.call",
  fileTypes: ["call"],
  comment: "Generated by syntaxes/generate.js from the language of docs/language.md; do not edit by hand.",
  patterns: [{ include: "#bom" }, { include: "#items" }],
  repository: {
    bom: { match: "\\A\\x{FEFF}", name: "meta.bom.call" },
    items: {
      patterns: [
        { include: "#comment" },
        { include: "#string" },
        { include: "#lint" },
        { include: "#declarations" },
        { include: "#extends" },
        { include: "#vars" },
        { include: "#entries" },
        { include: "#covers" },
        { include: "#requires" },
        { include: "#branch" },
        { include: "#transition" },
        { include: "#keywords" },
        { include: "#fields" },
        { include: "#number" },
        { include: "#punctuation" },
        { include: "#identifier" },
        { include: "#illegal" },
      ],
    },
    comment: {
      match: "(//).*",
      name: "comment.line.double-slash.call",
      captures: { 1: { name: "punctuation.definition.comment.call" } },
    },

    // ── strings ──────────────────────────────────────────────────────────
    string: { patterns: [{ include: "#block-string" }, { include: "#line-string" }] },
    "block-string": {
      begin: '"""',
      beginCaptures: { 0: { name: "punctuation.definition.string.begin.call" } },
      end: '"""',
      endCaptures: { 0: { name: "punctuation.definition.string.end.call" } },
      name: "string.quoted.triple.block.call",
      patterns: [{ include: "#string-content" }],
    },
    "line-string": {
      begin: '"',
      beginCaptures: { 0: { name: "punctuation.definition.string.begin.call" } },
      // A one-line string ends on its line; an unterminated one stops at the line break.
      end: '(")|$',
      endCaptures: { 1: { name: "punctuation.definition.string.end.call" } },
      name: "string.quoted.double.call",
      patterns: [{ include: "#string-content" }],
    },
    "string-content": {
      patterns: [
        { include: "#escape" },
        { include: "#placeholder" },
        {
          comment: "A raw control character other than a tab is an error (docs/language.md, one-line strings).",
          match: "[\\x{0}-\\x{8}\\x{B}\\x{C}\\x{E}-\\x{1F}\\x{7F}]",
          name: "invalid.illegal.character.control.call",
        },
      ],
    },
    escape: {
      patterns: [
        { match: '\\\\["\\\\ntr0]', name: "constant.character.escape.call" },
        {
          comment: "\\u{…}: 1 to 6 hex digits naming a Unicode scalar value (no surrogate, at most 10FFFF).",
          match:
            "\\\\u\\{(?=[0-9A-Fa-f]{1,6}\\})(?!0*[Dd][89A-Fa-f][0-9A-Fa-f]{2}\\})" +
            "(?!(?:1[1-9A-Fa-f]|[2-9A-Fa-f][0-9A-Fa-f])[0-9A-Fa-f]{4}\\})[0-9A-Fa-f]+\\}",
          name: "constant.character.escape.unicode.call",
        },
        { match: '\\\\u(?:\\{[^}"]*\\}?)?', name: "invalid.illegal.escape.unicode.call" },
        { match: "\\\\$", name: "invalid.illegal.escape.call" },
        { match: "\\\\.", name: "invalid.illegal.escape.call" },
      ],
    },
    placeholder: {
      patterns: [
        { match: "\\{\\{|\\}\\}", name: "constant.character.escape.brace.call" },
        {
          match: `(\\{)\\s*(caller|callee)(\\.)(${PARTY_FIELDS.join("|")})\\s*(\\})`,
          name: "constant.other.placeholder.call",
          captures: {
            1: { name: "punctuation.definition.placeholder.begin.call" },
            2: { name: "variable.language.party.call" },
            3: { name: "punctuation.accessor.dot.call" },
            4: { name: "variable.other.property.field.call" },
            5: { name: "punctuation.definition.placeholder.end.call" },
          },
        },
        {
          comment: "`{var.NAME}`: a per-call variable, kept as a variable by every target.",
          match: `(\\{)\\s*(var)(\\.)(${ID})\\s*(\\})`,
          name: "constant.other.placeholder.call",
          captures: {
            1: { name: "punctuation.definition.placeholder.begin.call" },
            2: { name: "variable.language.var.call" },
            3: { name: "punctuation.accessor.dot.call" },
            4: { name: "variable.other.var.call" },
            5: { name: "punctuation.definition.placeholder.end.call" },
          },
        },
        {
          match: '(\\{)\\s*(knows|background)(\\.)([^{}"\\s][^{}"]*?)\\s*(\\})',
          name: "constant.other.placeholder.call",
          captures: {
            1: { name: "punctuation.definition.placeholder.begin.call" },
            2: { name: "variable.language.entries.call" },
            3: { name: "punctuation.accessor.dot.call" },
            4: { name: "variable.other.property.label.call" },
            5: { name: "punctuation.definition.placeholder.end.call" },
          },
        },
        {
          comment: "A closed placeholder with a path no party field or entry can have (E0103).",
          match: '\\{[^{}"]*\\}',
          name: "invalid.illegal.placeholder.call",
        },
        {
          comment: "A `{` never closed on its line, and a lone `}` (E0103): `{{` and `}}` are the literal braces.",
          match: "[{}]",
          name: "invalid.illegal.brace.call",
        },
      ],
    },

    // ── lint attributes ──────────────────────────────────────────────────
    lint: {
      begin: word(WORDS.lint_levels),
      beginCaptures: { 0: { name: "keyword.other.lint-level.call" } },
      end: `(?<!${CONT})(${[...LINTS, ...LINT_CODES.map(lintCode)].join("|")})(?!${CONT})|(${ID})|(?=\\S)`,
      endCaptures: {
        1: { name: "support.constant.lint.call" },
        2: { name: "variable.other.lint.unknown.call" },
      },
      applyEndPatternLast: true,
      patterns: [{ include: "#comment" }],
    },

    // ── declarations: a keyword and the id it declares ──────────────────
    declarations: {
      patterns: [
        declaration("call", "entity.name.namespace.call"),
        declaration("caller", "entity.name.type.caller.call"),
        // Also `callee "…"` inside `when`: the string ends the rule, nothing is declared.
        declaration("callee", "entity.name.type.callee.call"),
        declaration(
          "concern",
          "entity.name.type.concern.call",
          `(?:\\s+(?:${wordGroup(PRIORITIES)}|(${ID})))?`,
          { 1: { name: "constant.language.priority.call" }, 2: { name: "invalid.illegal.priority.call" } },
        ),
        declaration("signal", "entity.name.variable.signal.call"),
        declaration("step", "entity.name.function.step.call"),
        declaration("qa", "entity.name.function.qa.call"),
        declaration("when", "entity.name.label.when.call"),
        declaration("transfer", "entity.name.label.transfer.call"),
        // `capture ID TYPE(…) optional`: the type, its arguments and `optional` when on the id's line.
        declaration(
          "capture",
          "entity.name.variable.capture.call",
          `${TYPE_AFTER_ID}(?:\\s+${wordGroup(["optional"])})?`,
          {
            1: { name: "support.type.capture.call" },
            2: { name: "invalid.illegal.capture-type.call" },
            3: { name: "punctuation.section.parens.begin.call" },
            4: { patterns: [{ include: "#type-arguments" }] },
            5: { name: "punctuation.section.parens.end.call" },
            6: { name: "keyword.other.optional.call" },
          },
        ),
      ],
    },
    "type-arguments": {
      comment: "What `integer(A..B)` and `one_of(a, b)` hold.",
      patterns: [
        { match: "\\.\\.", name: "keyword.operator.range.call" },
        { match: `(?<!${CONT})[0-9]+(?!${CONT})`, name: "constant.numeric.integer.decimal.call" },
        { match: ",", name: "punctuation.separator.comma.call" },
        { match: ID, name: "constant.other.capture-value.call" },
        { match: "[^\\s]", name: "invalid.illegal.character.call" },
      ],
    },

    // `callee ID extends BASE`: the callee it is a variant of (possibly on a later line).
    extends: {
      begin: word(["extends"]),
      beginCaptures: { 0: { name: "keyword.other.extends.call" } },
      end: `${END_AS_ID}|(${ID})|(?=\\S)`,
      endCaptures: {
        1: { name: "invalid.illegal.reserved-id.call" },
        2: { name: "entity.name.type.callee.reference.call" },
      },
      applyEndPatternLast: true,
      patterns: [{ include: "#comment" }],
    },

    // `vars { ID TYPE required|optional|default V example V pii "…" }`: one variable a line.
    vars: {
      begin: word(["vars"]),
      beginCaptures: { 0: { name: "keyword.declaration.vars.call" } },
      end: "\\}",
      endCaptures: { 0: { name: "punctuation.section.block.end.call" } },
      patterns: [
        { include: "#comment" },
        { include: "#string" },
        { include: "#lint" },
        { match: "\\{", name: "punctuation.section.block.begin.call" },
        {
          comment: "A variable's id (first on its line, or after `vars {`) and its type with its arguments.",
          match: `(?:^|(?<=\\{))\\s*(?!${word([...VAR_WORDS, ...WORDS.lint_levels])})(${ID})${TYPE_AFTER_ID}`,
          captures: {
            1: { name: "entity.name.variable.var.call" },
            2: { name: "support.type.var.call" },
            3: { name: "invalid.illegal.var-type.call" },
            4: { name: "punctuation.section.parens.begin.call" },
            5: { patterns: [{ include: "#type-arguments" }] },
            6: { name: "punctuation.section.parens.end.call" },
          },
        },
        {
          comment: "`default V` and `example V`: a word value (a string or a number is scoped as such).",
          match: `${wordGroup(["default", "example"])}(?:\\s+(?!${word(VAR_WORDS)})(${ID}))?`,
          captures: {
            1: { name: "keyword.other.$1.call" },
            2: { name: "constant.other.value.call" },
          },
        },
        { match: wordGroup(["required", "optional", "pii"]), captures: { 1: { name: "keyword.other.$1.call" } } },
        { include: "#number" },
        { include: "#identifier" },
        { include: "#illegal" },
      ],
    },

    // `knows { LABEL "…" }` and `background { LABEL "…" }`: labels, not fields.
    entries: {
      begin: wordGroup(["knows", "background"]),
      beginCaptures: { 1: { name: "keyword.declaration.$1.call" } },
      end: "\\}",
      endCaptures: { 0: { name: "punctuation.section.block.end.call" } },
      patterns: [
        { include: "#comment" },
        { include: "#string" },
        { include: "#lint" },
        { match: "\\{", name: "punctuation.section.block.begin.call" },
        { match: ID, name: "variable.other.property.label.call" },
        { include: "#illegal" },
      ],
    },

    // ── references ───────────────────────────────────────────────────────
    covers: {
      begin: word(["covers"]),
      beginCaptures: { 0: { name: "keyword.other.covers.call" } },
      // The list ends at `{` (or at anything that is not an id, a comma or a comment).
      end: `(?=[^\\s,，、/\\p{XID_Start}_]|/(?!/)|${word(KEYWORDS)})`,
      patterns: [
        { include: "#comment" },
        { match: ",", name: "punctuation.separator.comma.call" },
        // A full-width comma is an error, but the list goes on: the next id is still a concern.
        { match: "[，、]", name: "invalid.illegal.character.call" },
        { match: ID, name: "entity.name.type.concern.reference.call" },
      ],
    },
    requires: {
      begin: word(["requires"]),
      beginCaptures: { 0: { name: "keyword.other.requires.call" } },
      // The list ends at anything that is not an id, a comma or a comment, and at the next statement.
      end: `(?=[^\\s,，、/\\p{XID_Start}_]|/(?!/)|${word([...KEYWORDS, ...FIELDS])})`,
      patterns: [
        { include: "#comment" },
        { match: ",", name: "punctuation.separator.comma.call" },
        { match: "[，、]", name: "invalid.illegal.character.call" },
        { match: ID, name: "entity.name.variable.capture.reference.call" },
      ],
    },
    branch: {
      begin: word(["on"]),
      beginCaptures: { 0: { name: "keyword.control.on.call" } },
      end: `${END_AS_ID}|${wordGroup(EVENTS)}|(${ID})|(?=\\S)`,
      endCaptures: {
        1: { name: "invalid.illegal.reserved-id.call" },
        2: { name: "support.constant.event.call" },
        3: { name: "entity.name.variable.signal.reference.call" },
      },
      applyEndPatternLast: true,
      patterns: [{ include: "#comment" }],
    },
    transition: {
      comment: "`-> TARGET`, `next TARGET` and `fallback TARGET`: a step, `end`, `end(ID)` or `transfer(ID)`.",
      begin: `(->)|${wordGroup(["next", "fallback"])}`,
      beginCaptures: {
        1: { name: "keyword.operator.arrow.call" },
        2: { name: "keyword.control.$2.call" },
      },
      end:
        `(?<!${CONT})(end)(?!${CONT})(?:\\s*(\\()\\s*(?:${END_AS_ID}|(${ID}))?\\s*(\\))?)?` +
        `|(?<!${CONT})(transfer)(?!${CONT})(?:\\s*(\\()\\s*(${ID})?\\s*(\\))?)?` +
        `|(${ID})|(?=\\S)`,
      endCaptures: {
        1: { name: "keyword.control.end.call" },
        2: { name: "punctuation.section.parens.begin.call" },
        3: { name: "invalid.illegal.reserved-id.call" },
        4: { name: "entity.name.label.when.reference.call" },
        5: { name: "punctuation.section.parens.end.call" },
        6: { name: "keyword.control.transfer.call" },
        7: { name: "punctuation.section.parens.begin.call" },
        8: { name: "entity.name.label.transfer.reference.call" },
        9: { name: "punctuation.section.parens.end.call" },
        10: { name: "entity.name.function.step.reference.call" },
      },
      applyEndPatternLast: true,
      patterns: [{ include: "#comment" }],
    },

    // ── other words ──────────────────────────────────────────────────────
    keywords: {
      patterns: [
        { match: word(["say"]), name: "keyword.other.say.call" },
        { match: word(["style"]), name: "keyword.declaration.style.call" },
        { match: word(["flow"]), name: "keyword.declaration.flow.call" },
        { match: word(["faq"]), name: "keyword.declaration.faq.call" },
        { match: word(["end"]), name: "keyword.declaration.end.call" },
        { match: word(["continue"]), name: "keyword.control.continue.call" },
        { match: word(["retry"]), name: "keyword.control.retry.call" },
        // `optional` on a later line than its capture's type.
        { match: word(["optional"]), name: "keyword.other.optional.call" },
      ],
    },
    fields: {
      patterns: [
        {
          match: `${wordGroup(["gender"])}(?:\\s+(?:${wordGroup(GENDERS)}|(${ID})))?`,
          captures: {
            1: { name: "keyword.other.field.call" },
            2: { name: "constant.language.gender.call" },
            3: { name: "invalid.illegal.gender.call" },
          },
        },
        {
          match: `${wordGroup(["first_speaker"])}(?:\\s+(?:${wordGroup(SPEAKERS)}|(${ID})))?`,
          captures: {
            1: { name: "keyword.other.field.call" },
            2: { name: "constant.language.speaker.call" },
            3: { name: "invalid.illegal.speaker.call" },
          },
        },
        { match: word(FIELDS), name: "keyword.other.field.call" },
        // A priority on a later line than its concern's id.
        { match: word(PRIORITIES), name: "constant.language.priority.call" },
      ],
    },
    number: {
      patterns: [
        { match: `(?<!${CONT})[0-9]+(?!${CONT})`, name: "constant.numeric.integer.decimal.call" },
        {
          comment: "An identifier cannot start with a digit (`2nd_step`).",
          match: `(?<!${CONT})[0-9]+${CONT}+`,
          name: "invalid.illegal.identifier.call",
        },
      ],
    },
    punctuation: {
      patterns: [
        { match: "\\{", name: "punctuation.section.block.begin.call" },
        { match: "\\}", name: "punctuation.section.block.end.call" },
        { match: ",", name: "punctuation.separator.comma.call" },
      ],
    },
    identifier: { match: ID, name: "variable.other.call" },
    illegal: {
      patterns: [
        {
          comment: "A full-width space (U+3000) is not whitespace between tokens.",
          match: "\\x{3000}+",
          name: "invalid.illegal.whitespace.call",
        },
        {
          comment: "Any other character outside a string: Chinese quotes, full-width punctuation, emoji, `;`…",
          match: "[^\\s]",
          name: "invalid.illegal.character.call",
        },
      ],
    },
  },
};

/** The JSON text of the grammar, as committed. */
function render() {
  return `${JSON.stringify(grammar, null, 2)}\n`;
}

module.exports = {
  grammar,
  render,
  KEYWORDS,
  FIELDS,
  LINTS,
  LINT_CODES,
  PRIORITIES,
  GENDERS,
  PARTY_FIELDS,
  EVENTS,
  TYPES,
  VAR_WORDS,
  SPEAKERS,
};

if (require.main === module) {
  const out = path.join(__dirname, "call.tmLanguage.json");
  const text = render();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    if (current !== text) {
      console.error(`${out} is stale: run \`node syntaxes/generate.js\` and commit the result`);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), out)} is up to date`);
  } else {
    fs.writeFileSync(out, text);
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
}
