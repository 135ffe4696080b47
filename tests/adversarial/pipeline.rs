//! The whole pipeline on one input, and the invariants every input must
//! keep, whatever its bytes. Shared, as the same file, by the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the adversarial corpus
//! (`tests/adversarial.rs`), so a crash the fuzzer finds and its regression
//! test check exactly the same things.
//!
//! Input: raw bytes. Output: the [`callc::Compiled`] result; every broken
//! invariant is a panic naming it.

// Each user (a fuzz target, the corpus runner) needs only part of it.
#![allow(dead_code)]

use callc::check::LintLevels;
use callc::diagnostic::Diagnostic;
use callc::emit::{self, Target, graph, json};
use callc::render;
use callc::source::SourceFile;

/// Every target `callc build` has.
pub const TARGETS: [Target; 9] = [
    Target::Json,
    Target::Rasa,
    Target::Rust,
    Target::Markdown,
    Target::Pipecat,
    Target::PipecatEvals,
    Target::Retell,
    Target::Livekit,
    Target::Vapi,
];

/// Runs decode → parse → check on `bytes`; every renderer on every
/// diagnostic; every target and both graph formats when there is no error;
/// the formatter when the file parses; and the Markdown importer on the same
/// bytes (when they are UTF-8), compiling what it writes. Panics when an
/// invariant breaks.
pub fn run(bytes: &[u8]) -> callc::Compiled {
    run_sampled(bytes, usize::MAX)
}

/// [`run`], rendering only the first and last `render_at_most / 2`
/// diagnostics (for inputs with tens of thousands of them).
pub fn run_sampled(bytes: &[u8], render_at_most: usize) -> callc::Compiled {
    let c = callc::compile("input.call", bytes, &LintLevels::default());
    check_diagnostics(&c.file.text, &c.diagnostics, "check");
    for d in sample(&c.diagnostics, render_at_most) {
        render_all(&c.file, d);
    }
    if let Some(spec) = c.spec_if_ok() {
        for target in TARGETS {
            // As `callc build` does: what the runtime cannot express first.
            if let Ok(files) = emit::try_emit(target, spec) {
                assert!(!files.is_empty(), "target {target:?} wrote no file");
                let _ = emit::approximations(target, spec);
            }
        }
        let text = json::emit(spec);
        let back: json::CallSpec = serde_json::from_str(&text).expect("the JSON target re-parses into its own model");
        assert!(
            back == json::model(spec),
            "the JSON target reads back as something else"
        );
        for format in [graph::Format::Mermaid, graph::Format::Dot] {
            let picture = graph::emit(spec, format);
            assert!(!picture.is_empty(), "empty graph");
            // Graphviz rejects a NUL; a bidi control would reorder a label.
            let raw = picture
                .chars()
                .find(|&c| (c.is_control() && c != '\n') || callc::syntax::is_bidi_control(c));
            assert!(raw.is_none(), "a raw {raw:?} in the {format:?} graph");
        }
    }
    if c.ast.is_some() {
        fmt_invariants(&c);
    }
    if let Ok(markdown) = std::str::from_utf8(bytes) {
        import(markdown);
    }
    if bytes.len() <= 64 * 1024 {
        pieces_invariant(&c.file.text);
    }
    c
}

/// A flow parsed in pieces (as large flows are) gives exactly the tree and
/// diagnostics of the whole-file parse; with pieces of one byte, every step
/// of a small input is its own piece.
fn pieces_invariant(text: &str) {
    let whole = callc::syntax::parse_in_pieces(text, usize::MAX);
    let pieces = callc::syntax::parse_in_pieces(text, 1);
    assert!(
        format!("{whole:?}") == format!("{pieces:?}"),
        "parsing in pieces differs from parsing whole"
    );
}

/// All of `diagnostics` when there are at most `at_most`, else the first
/// and the last `at_most / 2`.
pub fn sample(diagnostics: &[Diagnostic], at_most: usize) -> impl Iterator<Item = &Diagnostic> {
    let n = diagnostics.len();
    let half = at_most / 2;
    diagnostics
        .iter()
        .enumerate()
        .filter(move |(i, _)| n <= at_most || *i < half || *i >= n - half)
        .map(|(_, d)| d)
}

/// The formatter on a file that parses: it succeeds, is idempotent, and the
/// formatted file means the same (the same diagnostics codes, the same JSON).
pub fn fmt_invariants(c: &callc::Compiled) {
    let Ok(once) = callc::fmt::format(&c.file.text) else {
        // fmt refuses any syntax error, including those found after pest
        // (an unknown escape, `end` as an id, a raw control character).
        assert!(
            c.diagnostics.iter().any(|d| d.code == callc::codes::Code::E0001),
            "fmt refused a file without a syntax error"
        );
        return;
    };
    let twice = callc::fmt::format(&once).unwrap_or_else(|e| panic!("fmt refused its own output: {e:?}"));
    assert!(twice == once, "fmt is not idempotent");
    let again = callc::compile("formatted.call", once.as_bytes(), &LintLevels::default());
    let codes = |d: &[Diagnostic]| d.iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(
        codes(&again.diagnostics),
        codes(&c.diagnostics),
        "fmt changed the diagnostics"
    );
    if let (Some(a), Some(b)) = (c.spec_if_ok(), again.spec_if_ok()) {
        assert!(json::emit(a) == json::emit(b), "fmt changed the meaning (JSON differs)");
    }
}

/// The importer on `markdown`: its diagnostics keep the invariants, and the
/// `.call` text it writes has no syntax error.
pub fn import(markdown: &str) {
    let imported = callc::import::import(markdown);
    imported_checks(markdown, &imported);
}

/// The invariants of one import of `markdown` (shared with the `import`
/// fuzz target): its diagnostics are sound and render, and the `.call`
/// text it writes compiles with no syntax error; that compilation is
/// returned for further checks.
pub fn imported_checks(markdown: &str, imported: &callc::import::Imported) -> Option<callc::Compiled> {
    check_diagnostics(markdown, &imported.diagnostics, "import");
    let file = SourceFile::new("input.md", markdown);
    for d in sample(&imported.diagnostics, 2000) {
        render_all(&file, d);
    }
    let call = imported.call.as_ref()?;
    let c = callc::compile("imported.call", call.as_bytes(), &LintLevels::default());
    check_diagnostics(&c.file.text, &c.diagnostics, "imported");
    let syntax: Vec<&Diagnostic> = c
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code.as_str(), "E0001" | "E0002" | "E0003"))
        .collect();
    assert!(
        syntax.is_empty(),
        "import wrote a file with a syntax error: {syntax:?}\n{call}"
    );
    Some(c)
}

/// Every span lies inside `text` on character boundaries, and the
/// diagnostics are sorted by position (then code and message).
pub fn check_diagnostics(text: &str, diagnostics: &[Diagnostic], stage: &str) {
    for d in diagnostics {
        let spans = std::iter::once(d.span)
            .chain(d.secondary.iter().map(|l| l.span))
            .chain(d.fix.iter().map(|f| f.span));
        for s in spans {
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{stage}: span {s:?} of {} is outside the text ({} bytes)",
                d.code.as_str(),
                text.len()
            );
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{stage}: span {s:?} of {} splits a character",
                d.code.as_str()
            );
        }
    }
    let key = |d: &Diagnostic| (d.span.start, d.span.end, d.code, d.message.clone());
    for w in diagnostics.windows(2) {
        assert!(key(&w[0]) <= key(&w[1]), "{stage}: diagnostics are not sorted");
    }
}

/// The three surfaces: they do not panic, the terminal one is not empty, the
/// short one is one line, and the JSON record re-parses with real positions.
pub fn render_all(file: &SourceFile, d: &Diagnostic) {
    // Nothing from the spec can drive the terminal: no control character
    // but line feed and tab (and, with colour, callc's own ESC sequences).
    let drives_terminal = |s: &str, esc_ok: bool| {
        s.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && !(esc_ok && c == '\u{1b}'))
    };
    for color in [false, true] {
        let human = render::human(file, d, color);
        assert!(d.severity().is_none() || !human.is_empty(), "empty terminal rendering");
        assert!(
            !drives_terminal(&human, color),
            "a control character reached the terminal: {human:?}"
        );
    }
    let short = render::short(file, d);
    assert!(
        !drives_terminal(&short, false),
        "a control character reached the terminal: {short:?}"
    );
    assert!(
        !short.contains('\n') || d.message.contains('\n'),
        "short format broke the line: {short}"
    );
    let line = serde_json::to_string(&render::json(file, d)).expect("JSON diagnostic serialises");
    let value: serde_json::Value = serde_json::from_str(&line).expect("JSON diagnostic re-parses");
    for end in ["start", "end"] {
        let p = &value["range"][end];
        assert!(p["line"].as_u64() >= Some(1), "line below 1: {line}");
        assert!(p["column"].as_u64() >= Some(1), "column below 1: {line}");
        assert!(
            p["byte"].as_u64() <= Some(file.text.len() as u64),
            "byte past the end: {line}"
        );
    }
}

/// The fuzz target `fmt` (`fuzz/fuzz_targets/fmt.rs`), also replayed over its
/// corpus by `tests/fuzz_corpus.rs`: the formatter's round trip on arbitrary
/// bytes. For a file that parses, `fmt::format` succeeds (it may refuse only a
/// file with a syntax error), is idempotent, keeps every diagnostic code and
/// valid spans, keeps a clean file clean and gives the same JSON target; on
/// text that does not parse it refuses, never panics.
pub fn fmt_target(data: &[u8]) {
    let c = callc::compile("input.call", data, &callc::check::LintLevels::default());
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
    fmt_invariants(&c);
    let Ok(once) = callc::fmt::format(&c.file.text) else {
        return;
    };
    let again = callc::compile("formatted.call", once.as_bytes(), &callc::check::LintLevels::default());
    check_diagnostics(&again.file.text, &again.diagnostics, "formatted");
    assert_eq!(
        c.spec_if_ok().is_some(),
        again.spec_if_ok().is_some(),
        "fmt changed whether the file has errors"
    );
    if let (Some(a), Some(b)) = (c.spec_if_ok(), again.spec_if_ok()) {
        assert!(
            callc::emit::json::emit(a) == callc::emit::json::emit(b),
            "fmt changed the JSON target's output"
        );
    }
}

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

/// The fuzz target `import` (`fuzz/fuzz_targets/import.rs`), also replayed over
/// its corpus by `tests/fuzz_corpus.rs`: `callc import` on arbitrary bytes
/// never writes a file with an error, and what it writes checks, formats to
/// itself and gives a JSON target that reads back.
pub fn import_target(data: &[u8]) {
    let (markdown, _problem) = callc::source::decode(data);
    // The name follows the length, so the input's bytes stay pure Markdown.
    let name = NAMES.get(data.len() % (2 * NAMES.len())).copied();
    let imported = callc::import::import_named(&markdown, name);
    assert!(
        !(imported.has_errors() && imported.call.is_some()),
        "import reported an error and still wrote a .call file"
    );
    if let Some(c) = imported_checks(&markdown, &imported) {
        for d in sample(&c.diagnostics, 20) {
            render_all(&c.file, d);
        }
        // What `callc import` writes is formatted: fmt keeps it and its meaning.
        fmt_invariants(&c);
        if let Some(spec) = c.spec_if_ok() {
            let text = callc::emit::json::emit(spec);
            let back: callc::emit::json::CallSpec = serde_json::from_str(&text).expect("the JSON target re-parses");
            assert!(
                back == callc::emit::json::model(spec),
                "the JSON target of an imported spec reads back otherwise"
            );
        }
    }
}
