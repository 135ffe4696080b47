//! Every fixture in `tests/fixtures/check/` is named after the code it
//! proves (`E0102_unknown_next.call`): it must raise exactly that code and
//! nothing else. Its snapshot shows the source and the rendered diagnostics
//! together, so a reviewer sees what a user sees.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]

use std::collections::BTreeSet;

use callc::check::LintLevels;

#[test]
fn each_fixture_raises_exactly_its_code() {
    let mut count = 0;
    insta::glob!("fixtures/check/*.call", |path| {
        count += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let want = name.split('_').next().unwrap().to_owned();
        let bytes = std::fs::read(path).unwrap();
        let shown = format!("tests/fixtures/check/{name}");
        let compiled = callc::compile(&shown, &bytes, &LintLevels::default());
        let codes: BTreeSet<&str> = compiled.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, BTreeSet::from([want.as_str()]), "{name}");

        let rendered: String = compiled
            .diagnostics
            .iter()
            .map(|d| callc::render::human(&compiled.file, d, false))
            .collect();
        let source = String::from_utf8_lossy(&bytes).replace('\r', "␍");
        insta::assert_snapshot!(format!("{source}\n=== diagnostics ===\n{rendered}"));
    });
    assert!(count >= 19, "fixtures missing: found {count}");
}
