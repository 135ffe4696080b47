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

use callc::emit::json;

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

/// File stems `callc import FILE.md` may name the call after (some are not ids).
const NAMES: &[&str] = &[
    "泰山续约",
    "renewal-2024",
    "123",
    "end",
    "a b",
    "step",
    "Ｓ0",
    "😀",
    "_",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (markdown, _problem) = callc::source::decode(data);
    // The name follows the length, so the input's bytes stay pure Markdown.
    let name = NAMES.get(data.len() % (2 * NAMES.len())).copied();
    let imported = callc::import::import_named(&markdown, name);
    assert!(
        !(imported.has_errors() && imported.call.is_some()),
        "import reported an error and still wrote a .call file"
    );
    if let Some(c) = pipeline::imported_checks(&markdown, &imported) {
        for d in pipeline::sample(&c.diagnostics, 20) {
            pipeline::render_all(&c.file, d);
        }
        // What `callc import` writes is formatted: fmt keeps it and its meaning.
        pipeline::fmt_invariants(&c);
        if let Some(spec) = c.spec_if_ok() {
            let text = json::emit(spec);
            let back: json::CallSpec = serde_json::from_str(&text).expect("the JSON target re-parses");
            assert!(
                back == json::model(spec),
                "the JSON target of an imported spec reads back otherwise"
            );
        }
    }
});
