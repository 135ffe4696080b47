//! Every quick fix of every check fixture, applied on its own, leaves a
//! file that parses and raises that diagnostic once less: a fix an editor
//! applies must never break the spec it repairs.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;

#[path = "support/files.rs"]
mod files;

#[test]
fn every_fix_parses_and_removes_its_diagnostic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut applied = 0;
    for path in files::call_files(&dir) {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(&path).unwrap();
        let before = callc::compile(&name, source.as_bytes(), &LintLevels::default());
        for d in &before.diagnostics {
            let Some(fix) = &d.fix else { continue };
            let mut fixed = source.clone();
            fixed.replace_range(fix.span.range(), &fix.replacement);
            let after = callc::compile(&name, fixed.as_bytes(), &LintLevels::default());
            // No syntax error that was not there before (a fixed E0001 is one fewer).
            let syntax = |c: &callc::Compiled| {
                c.diagnostics
                    .iter()
                    .filter(|e| e.code == callc::codes::Code::E0001)
                    .count()
            };
            let fixed_one = usize::from(d.code == callc::codes::Code::E0001);
            assert!(
                syntax(&after) + fixed_one <= syntax(&before),
                "{name}: the fix of {} (`{}`) leaves a syntax error:\n{fixed}",
                d.code.as_str(),
                d.message
            );
            let count = |c: &callc::Compiled| c.diagnostics.iter().filter(|e| e.code == d.code).count();
            assert!(
                count(&after) < count(&before),
                "{name}: the fix of {} (`{}`) does not remove it:\n{fixed}",
                d.code.as_str(),
                d.message
            );
            applied += 1;
        }
    }
    assert!(applied >= 8, "only {applied} fixes among the fixtures");
}
