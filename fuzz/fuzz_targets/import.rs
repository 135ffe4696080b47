//! Fuzz target `import`: arbitrary bytes, as `callc import` reads them
//! (`source::decode`; invalid UTF-8 is decoded lossily here, where the CLI
//! would stop at E0002, so every input reaches the importer), through
//! `callc::import::import_named`. Invariants: no panic; every diagnostic span
//! inside the Markdown on character boundaries, sorted, and rendering in
//! every format; an error means no `.call` text; the `.call` text written has
//! no syntax error; its own diagnostics keep the same invariants; the
//! formatter keeps it and its meaning; when it has no error, its JSON
//! target reads back as written. (The whole pipeline on the imported text,
//! every target and the pieces parse, made this target ten times slower.)

#![no_main]

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pipeline::import_target(data);
});
