//! Fuzz target `fmt`: the formatter's round trip on arbitrary bytes (seeded
//! with every spec and fixture, so most inputs parse). For a file that
//! parses: `callc::fmt::format` succeeds (it may refuse only a file with a
//! syntax error), is idempotent, keeps every diagnostic code, keeps the
//! diagnostics' spans valid in the formatted text, keeps a file without
//! errors free of errors, and the formatted file gives the same JSON target
//! output. The formatter is also run on text that does not parse, where it
//! must refuse, not panic.

#![no_main]

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pipeline::fmt_target(data);
});
