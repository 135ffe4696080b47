//! Promises the repository makes about itself: every grammar rule is
//! documented, every construct has an example in the language reference,
//! every code has an explanation and a fixture, and every spec is clean.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::codes::Code;

#[test]
fn every_grammar_rule_has_a_doc_line() {
    let grammar = std::fs::read_to_string("grammar/call.pest").unwrap();
    let lines: Vec<&str> = grammar.lines().collect();
    let mut rules = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some((name, _)) = line.split_once(" = ") else {
            continue;
        };
        if name.starts_with(' ') || name.starts_with("//") {
            continue;
        }
        rules += 1;
        let doc = lines[..i].iter().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(doc.starts_with("///"), "rule `{name}` has no `///` line above it");
    }
    assert!(rules > 40, "found only {rules} rules");
}

#[test]
fn the_language_reference_shows_every_construct() {
    let md = std::fs::read_to_string("docs/language.md").unwrap();
    let mut examples = String::new();
    let mut inside = false;
    for line in md.lines() {
        if line.starts_with("```") {
            inside = !inside && line.starts_with("```call");
            continue;
        }
        if inside {
            examples.push_str(line);
            examples.push('\n');
        }
    }
    // Every word of the table (src/lang.rs), then what is not a word.
    let words = callc::lang::WORDS
        .iter()
        .map(|w| format!("{} ", w.word))
        .chain(callc::lang::PRIORITIES.iter().map(|(w, _)| format!("{w} ")))
        .chain(callc::lang::LINT_LEVELS.iter().map(|(w, _)| format!("{w} ")));
    let punctuation = [
        "knows {",
        "background {",
        "style {",
        "flow {",
        "-> ",
        "end(",
        "-> end",
        "faq {",
        "end {",
        "callee \"",
        "\"\"\"",
        "{callee.",
        "{caller.",
        "{knows.",
        "{background.",
        "{{",
        "//",
    ];
    let constructs: Vec<String> = words.chain(punctuation.map(String::from)).collect();
    assert!(constructs.len() > 50, "the table is read");
    for c in &constructs {
        assert!(
            examples.contains(c.as_str()),
            "docs/language.md has no ```call example using `{c}`"
        );
    }
}

#[test]
fn every_code_has_an_explanation_file_and_a_fixture() {
    let names = |dir: &str| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let fixtures = names("tests/fixtures/check");
    let import_fixtures = names("tests/fixtures/import");
    let list_fixtures = names("tests/fixtures/calls");
    for code in Code::ALL {
        let path = format!("docs/errors/{}.md", code.as_str());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), code.explanation(), "{path}");
        // Invalid UTF-8 and over-large files are built by tests/bad_input.rs;
        // the import codes (03xx) have Markdown fixtures, tests/fixtures/import/CODE_*.md.
        if code.as_str()[1..].starts_with("03") {
            assert!(
                import_fixtures
                    .iter()
                    .any(|f| f.starts_with(&format!("{}_", code.as_str()))),
                "no fixture in tests/fixtures/import/ for {code:?}"
            );
        } else if code.as_str()[1..].starts_with("04") {
            // The call list codes (04xx) have lists, tests/fixtures/calls/CODE_*.csv or .jsonl.
            assert!(
                list_fixtures
                    .iter()
                    .any(|f| f.starts_with(&format!("{}_", code.as_str()))),
                "no fixture in tests/fixtures/calls/ for {code:?}"
            );
        } else if !matches!(code, Code::E0002 | Code::E0003) {
            assert!(
                fixtures.iter().any(|f| f.starts_with(&format!("{}_", code.as_str()))),
                "no fixture for {code:?}"
            );
        }
    }
}

#[test]
fn every_spec_is_clean_and_the_reference_comes_first() {
    let mut specs: Vec<String> = std::fs::read_dir("specs")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    specs.sort();
    assert!(specs.contains(&"taishan_renewal.call".to_owned()));
    for s in &specs {
        let bytes = std::fs::read(format!("specs/{s}")).unwrap();
        let c = callc::compile(s, &bytes, &callc::check::LintLevels::default());
        assert!(c.diagnostics.is_empty(), "{s}: {:#?}", c.diagnostics);
    }
}
