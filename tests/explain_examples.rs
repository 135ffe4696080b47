//! Every code's explanation (`docs/errors/CODE.md`, printed by `callc
//! explain`) carries an example: its first ```` ```call ```` block must raise
//! exactly that code, and every ```` ```call ok ```` block must raise nothing.
//! The import codes (03xx) show Markdown instead; tests/import.rs checks
//! their ```` ```markdown ```` examples.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use callc::check::LintLevels;
use callc::codes::Code;

#[path = "support/markdown.rs"]
mod fenced;
use fenced::blocks;

/// The codes `callc import` reports (E0301, W0302, W0303).
fn is_import_code(code: Code) -> bool {
    code.as_str()[1..].starts_with("03")
}

/// The codes `callc check-calls` reports about a call list (E0401–E0407):
/// their examples are a spec and a list, run by `tests/check_calls.rs`.
fn is_call_list_code(code: Code) -> bool {
    code.as_str()[1..].starts_with("04")
}

fn codes_of(name: &str, text: &str) -> BTreeSet<&'static str> {
    let compiled = callc::compile(name, text.as_bytes(), &LintLevels::default());
    compiled.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn every_explanation_has_an_example_that_raises_exactly_its_code() {
    for code in Code::ALL {
        let md = code.explanation();
        let blocks = blocks(md);
        let example = blocks.iter().find(|(info, _)| info == "call");
        match (code, example) {
            // Bytes that are not UTF-8, and files over the size limit, cannot
            // be shown in Markdown: their tests build the bytes (bad_input.rs).
            (Code::E0002 | Code::E0003, None) => {}
            // The import codes (03xx) are about Markdown: their examples are
            // ```markdown blocks, tested by tests/import.rs.
            (c, _) if is_import_code(*c) => {}
            // The call list codes (04xx) show a list beside a spec: their
            // ```csv and ```jsonl blocks are run by tests/check_calls.rs.
            (c, _) if is_call_list_code(*c) => {}
            (_, None) => panic!("{code:?}: no ```call example"),
            (_, Some((_, body))) => {
                let got = codes_of(code.as_str(), body);
                assert_eq!(got, BTreeSet::from([code.as_str()]), "{code:?} example raises {got:?}");
            }
        }
        let fixed: Vec<&String> = blocks
            .iter()
            .filter(|(info, _)| info == "call ok")
            .map(|(_, b)| b)
            .collect();
        assert!(
            !fixed.is_empty() || is_import_code(*code) || is_call_list_code(*code),
            "{code:?}: no ```call ok block showing the fix"
        );
        for body in fixed {
            let got = codes_of(code.as_str(), body);
            assert!(
                got.is_empty(),
                "{code:?}: the fixed example still raises {got:?}:\n{body}"
            );
        }
    }
}

#[test]
fn the_language_reference_example_is_clean() {
    let md = std::fs::read_to_string("docs/language.md").unwrap();
    let full: Vec<String> = blocks(&md)
        .into_iter()
        .filter(|(info, _)| info == "call ok")
        .map(|(_, body)| body)
        .collect();
    assert!(
        !full.is_empty(),
        "docs/language.md should hold a complete example marked ```call ok"
    );
    for body in full {
        let got = codes_of("language.md", &body);
        assert!(got.is_empty(), "the example raises {got:?}:\n{body}");
    }
}
