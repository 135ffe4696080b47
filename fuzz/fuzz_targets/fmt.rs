//! Fuzz target `fmt`: the formatter's round trip on arbitrary bytes (seeded
//! with every spec and fixture, so most inputs parse). For a file that
//! parses: `callc::fmt::format` succeeds (it may refuse only a file with a
//! syntax error), is idempotent, keeps every diagnostic code, keeps the
//! diagnostics' spans valid in the formatted text, keeps a file without
//! errors free of errors, and the formatted file gives the same JSON target
//! output. The formatter is also run on text that does not parse, where it
//! must refuse, not panic.

#![no_main]

use callc::check::LintLevels;
use callc::emit::json;

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let c = callc::compile("input.call", data, &LintLevels::default());
    if c.ast.is_none() {
        // Not a panic, and never a formatted file for text that does not parse
        // (bytes that are not UTF-8 or too many are not text: fmt never sees them).
        let decoded = !c
            .diagnostics
            .iter()
            .any(|d| matches!(d.code.as_str(), "E0002" | "E0003"));
        assert!(
            !decoded || callc::fmt::format(&c.file.text).is_err(),
            "fmt formatted a file that does not parse"
        );
        return;
    }
    // Succeeds unless there is a syntax error; idempotent; same codes; same JSON.
    pipeline::fmt_invariants(&c);
    let Ok(once) = callc::fmt::format(&c.file.text) else {
        return;
    };
    let again = callc::compile("formatted.call", once.as_bytes(), &LintLevels::default());
    pipeline::check_diagnostics(&again.file.text, &again.diagnostics, "formatted");
    assert_eq!(
        c.spec_if_ok().is_some(),
        again.spec_if_ok().is_some(),
        "fmt changed whether the file has errors"
    );
    if let (Some(a), Some(b)) = (c.spec_if_ok(), again.spec_if_ok()) {
        assert!(json::emit(a) == json::emit(b), "fmt changed the JSON target's output");
    }
});
