//! The specs the benchmarks generate are valid and clean, so the benchmarks
//! measure the normal path, not error reporting.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/generate.rs"]
mod generate;

#[path = "../benches/support/call_list.rs"]
mod call_list;

use generate::{Shape, listening, spec};

#[test]
fn generated_specs_check_clean_and_have_the_asked_size() {
    for shape in [Shape::Text, Shape::Dense] {
        for size in [10_000, 100_000] {
            let text = spec(shape, size);
            assert!(
                text.len() >= size && text.len() < size + 2_000,
                "{shape:?} {size}: {}",
                text.len()
            );
            let c = callc::compile("bench.call", text.as_bytes(), &callc::check::LintLevels::default());
            assert!(
                c.diagnostics.is_empty(),
                "{shape:?}: {:#?}",
                &c.diagnostics[..c.diagnostics.len().min(3)]
            );
        }
    }
}

#[test]
fn the_listening_spec_checks_clean() {
    for (steps, globals) in [(1, 1), (50, 7), (2_000, 3_000)] {
        let text = listening(steps, globals);
        let c = callc::compile("bench.call", text.as_bytes(), &callc::check::LintLevels::default());
        assert!(
            c.diagnostics.is_empty(),
            "{steps} steps: {:#?}",
            &c.diagnostics[..c.diagnostics.len().min(3)]
        );
    }
}

#[test]
fn the_generated_call_list_checks_clean_against_its_spec() {
    let c = callc::compile(
        "campaign.call",
        call_list::SPEC.as_bytes(),
        &callc::check::LintLevels::default(),
    );
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let vars = &c.spec.unwrap().vars;
    let options = callc::calls::Options {
        format: callc::calls::ListFormat::Csv,
        name: "calls.csv".to_owned(),
        max_per_code: 5,
    };
    let list = call_list::csv(20_000, None);
    let (found, summary) = callc::calls::check_bytes(list.as_bytes(), vars, &options);
    assert_eq!((summary.rows, summary.problems()), (20_000, 0), "{found:#?}");
    // Every hundredth row has a bad date, and nothing else is wrong.
    let list = call_list::csv(20_000, Some(100));
    let (_, summary) = callc::calls::check_bytes(list.as_bytes(), vars, &options);
    assert_eq!(summary.counts, [(callc::codes::Code::E0404, 200)]);
}
