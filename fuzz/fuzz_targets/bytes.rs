//! Fuzz target `bytes`: arbitrary bytes through the whole pipeline (decode →
//! parse → check, every renderer on every diagnostic, every target and both
//! graph formats when there is no error, the formatter, and the Markdown
//! importer on the same bytes). The invariants are in
//! `tests/adversarial/pipeline.rs`, shared with the adversarial corpus.

#![no_main]

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pipeline::run(data);
});
