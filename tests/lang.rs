//! The table of the language's words (`src/lang.rs`) against the two
//! other places that must say the same: the parser's grammar
//! (`grammar/call.pest`: the `keyword`, `kw_*`, `priority` and
//! `lint_level` rules) and the word lists of the VS Code grammar
//! (`editors/vscode/syntaxes/words.json`, written from the table).
//!
//! `CALLC_BLESS=1 cargo test --test lang` rewrites `words.json`; then run
//! `npm run grammar` in `editors/vscode` to regenerate the VS Code grammar.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use callc::lang::{self, WordKind};

const GRAMMAR: &str = include_str!("../grammar/call.pest");

/// The body of the grammar rule `name`: from its `{` to the `}` that ends it.
fn rule(name: &str) -> &'static str {
    let start = GRAMMAR
        .lines()
        .scan(0, |at, line| {
            let here = *at;
            *at += line.len() + 1;
            Some((here, line))
        })
        .find(|(_, line)| line.split_whitespace().next() == Some(name) && line.contains('='))
        .map_or_else(|| panic!("grammar/call.pest has no rule `{name}`"), |(at, _)| at);
    let body = &GRAMMAR[start..];
    let open = body.find('{').unwrap() + 1;
    let close = open + body[open..].find('}').unwrap();
    &body[open..close]
}

/// The quoted words of a rule body, in order.
fn quoted(body: &str) -> Vec<&str> {
    body.split('"').skip(1).step_by(2).collect()
}

/// The differences between what the grammar says and what the table says.
fn disagreement(what: &str, grammar: &[&str], table: &[&str]) -> Option<String> {
    let (g, t): (BTreeSet<_>, BTreeSet<_>) = (grammar.iter().collect(), table.iter().collect());
    let only_grammar: Vec<_> = g.difference(&t).collect();
    let only_table: Vec<_> = t.difference(&g).collect();
    (!only_grammar.is_empty() || !only_table.is_empty()).then(|| {
        format!(
            "{what}: only in grammar/call.pest: {only_grammar:?}; only in src/lang.rs: {only_table:?} \
             (a word is added or removed in both, or in neither)"
        )
    })
}

#[test]
fn the_keywords_are_the_grammars() {
    let mut problems = Vec::new();
    let keyword_rule = quoted(rule("keyword"));
    problems.extend(disagreement("rule `keyword`", &keyword_rule, lang::KEYWORDS));

    // Every keyword but the lint levels has its own atomic rule `kw_WORD`,
    // which matches exactly `WORD`.
    let mut kw_rules = Vec::new();
    for line in GRAMMAR.lines().filter(|l| l.starts_with("kw_")) {
        let name = line.split_whitespace().next().unwrap().trim_start_matches("kw_");
        let body = quoted(line);
        if body != [name] {
            problems.push(format!("`kw_{name}` matches {body:?}, not `{name}`"));
        }
        kw_rules.push(name);
    }
    let lint_levels = quoted(rule("lint_level"));
    let spelt: Vec<&str> = kw_rules.iter().chain(&lint_levels).copied().collect();
    let reserved_or_contextual: Vec<&str> = lang::KEYWORDS
        .iter()
        .chain(lang::CONTEXTUAL_KEYWORDS)
        .copied()
        .collect();
    problems.extend(disagreement(
        "`kw_*` rules and rule `lint_level`",
        &spelt,
        &reserved_or_contextual,
    ));
    // A contextual keyword is never reserved.
    for w in lang::CONTEXTUAL_KEYWORDS {
        if keyword_rule.contains(w) {
            problems.push(format!(
                "`{w}` is contextual (lang::CONTEXTUAL_KEYWORDS) but in rule `keyword`"
            ));
        }
    }

    // pest tries the choices of `keyword` in order and never comes back: a
    // word after one of its prefixes (`caller` after `call`) would be a
    // field name.
    for (i, later) in keyword_rule.iter().enumerate() {
        if let Some(earlier) = keyword_rule[..i].iter().find(|w| later.starts_with(**w)) {
            problems.push(format!(
                "rule `keyword`: `{later}` comes after its prefix `{earlier}`, so it is never a keyword"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn priorities_and_lint_levels_are_the_grammars() {
    let priorities: Vec<&str> = lang::PRIORITIES.iter().map(|(w, _)| *w).collect();
    assert_eq!(
        quoted(rule("priority")),
        priorities,
        "rule `priority` and lang::PRIORITIES"
    );
    let levels: Vec<&str> = lang::LINT_LEVELS.iter().map(|(w, _)| *w).collect();
    assert_eq!(
        quoted(rule("lint_level")),
        levels,
        "rule `lint_level` and lang::LINT_LEVELS"
    );
}

/// The word lists of the VS Code grammar, as `words.json` holds them.
#[derive(serde::Serialize)]
struct WordsJson {
    comment: &'static str,
    keywords: Vec<&'static str>,
    fields: Vec<&'static str>,
    placeholder_fields: Vec<&'static str>,
    priorities: Vec<&'static str>,
    genders: Vec<&'static str>,
    lint_levels: Vec<&'static str>,
}

fn words_json() -> String {
    let words = WordsJson {
        comment: "The words of the language, written from src/lang.rs by `CALLC_BLESS=1 cargo test --test lang`; \
                  do not edit. syntaxes/generate.js reads it.",
        keywords: lang::KEYWORDS.to_vec(),
        fields: lang::WORDS
            .iter()
            .filter(|w| w.kind == WordKind::Field)
            .map(|w| w.word)
            .collect(),
        placeholder_fields: lang::PLACEHOLDER_FIELDS.to_vec(),
        priorities: lang::PRIORITIES.iter().map(|(w, _)| *w).collect(),
        genders: lang::GENDERS.to_vec(),
        lint_levels: lang::LINT_LEVELS.iter().map(|(w, _)| *w).collect(),
    };
    serde_json::to_string_pretty(&words).unwrap() + "\n"
}

#[test]
fn the_vscode_word_lists_are_the_tables() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/syntaxes/words.json");
    let want = words_json();
    if std::env::var_os("CALLC_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what src/lang.rs gives: run `CALLC_BLESS=1 cargo test --test lang`, then \
         `npm run grammar` in editors/vscode, and commit both files",
        path.display()
    );
}

/// The words of a text: runs of identifier characters.
fn words_of(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every word of the table is used in `tests/fixtures/every_word.call`,
/// which checks clean and which `fmt` leaves as it is. A statement added to
/// the table therefore needs an example there, and that example fails this
/// test until the parser lowers it (an unlowered rule is an E0001), the
/// checker accepts it and the printer writes it back.
#[test]
fn every_word_is_parsed_checked_and_printed() {
    const PATH: &str = "tests/fixtures/every_word.call";
    let src = std::fs::read_to_string(PATH).unwrap();
    let used = words_of(&src);
    let table = lang::WORDS
        .iter()
        .map(|w| w.word)
        .chain(lang::PRIORITIES.iter().map(|(w, _)| *w))
        .chain(lang::LINT_LEVELS.iter().map(|(w, _)| *w));
    let missing: Vec<&str> = table.filter(|w| !used.contains(w)).collect();
    assert!(
        missing.is_empty(),
        "{PATH} does not use {missing:?}: add an example of each, so that the parser, the checker and the printer are tried on it"
    );
    let compiled = callc::compile(PATH, src.as_bytes(), &callc::check::LintLevels::default());
    let problems: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.code, d.message))
        .collect();
    assert!(problems.is_empty(), "{PATH} must check clean: {problems:#?}");
    let formatted = callc::fmt::format(&src).unwrap_or_else(|e| panic!("{PATH} does not format: {e:?}"));
    assert_eq!(
        formatted, src,
        "fmt changes {PATH}: the printer does not write back what was parsed"
    );
}
