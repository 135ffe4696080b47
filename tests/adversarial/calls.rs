//! A call list of any bytes, checked against the fixture campaign's
//! variables in both formats, and the invariants every input must keep:
//! no panic; each diagnostic's spans inside its finding's window, on
//! character boundaries; findings in file order; every renderer works on
//! every diagnostic; at most `max` diagnostics of a code described; the
//! summary's counts add up. Shared by the fuzz target `calls`
//! (`fuzz/fuzz_targets/calls.rs`) and the property test in
//! `tests/check_calls.rs`.

// Each user needs only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;

use callc::calls::{self, ListFormat, Options};
use callc::check::LintLevels;
use callc::ir::Var;
use callc::render;

/// The fixture campaign's variables: seven, one of each kind of check.
pub fn vars() -> Vec<Var> {
    let spec = include_str!("../fixtures/calls/campaign.call");
    let c = callc::compile("campaign.call", spec.as_bytes(), &LintLevels::default());
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    c.spec.expect("the campaign spec checks").vars
}

/// Checks `bytes` as CSV and as JSON Lines; panics when an invariant breaks.
pub fn run(bytes: &[u8], vars: &[Var]) {
    for format in [ListFormat::Csv, ListFormat::Jsonl] {
        let options = Options {
            format,
            name: "list".to_owned(),
            max_per_code: 3,
        };
        let (found, summary) = calls::check_bytes(bytes, vars, &options);
        assert_eq!(summary.bytes, bytes.len() as u64, "{format:?}: bytes read");
        assert!(summary.rows_with_problems <= summary.rows, "{format:?}: {summary:?}");
        let mut described: BTreeMap<&str, u64> = BTreeMap::new();
        let mut last = 0;
        for f in &found {
            let origin = f.file.origin();
            let (from, to) = (origin.byte, origin.byte + f.file.text.len());
            assert!(origin.byte >= last, "{format:?}: findings out of order");
            last = origin.byte;
            assert!(!f.diagnostics.is_empty(), "{format:?}: an empty finding");
            for d in &f.diagnostics {
                *described.entry(d.code.as_str()).or_default() += 1;
                let spans = std::iter::once(d.span)
                    .chain(d.secondary.iter().map(|l| l.span))
                    .chain(d.fix.iter().map(|x| x.span));
                for s in spans {
                    assert!(
                        from <= s.start && s.start <= s.end && s.end <= to,
                        "{format:?} {}: span {s:?} outside the window {from}..{to}",
                        d.code.as_str()
                    );
                    for at in [s.start, s.end] {
                        assert!(
                            f.file.text.is_char_boundary(at - from),
                            "{format:?} {}: span {s:?} inside a character",
                            d.code.as_str()
                        );
                    }
                }
                let human = render::human(&f.file, d, false);
                assert!(human.contains(d.code.as_str()), "{format:?}: {human}");
                let short = render::short(&f.file, d);
                assert!(
                    !short.contains('\n'),
                    "{format:?}: a short line with a line break: {short}"
                );
                let json = serde_json::to_string(&render::json(&f.file, d)).expect("a diagnostic serialises");
                assert!(!json.contains('\n'));
            }
        }
        for (code, n) in &described {
            assert!(*n <= 3, "{format:?}: {n} {code} described, past --max");
            let counted = summary
                .counts
                .iter()
                .find(|(c, _)| c.as_str() == *code)
                .map_or(0, |(_, n)| *n);
            assert!(
                counted >= *n,
                "{format:?}: {code} described {n} times, counted {counted}"
            );
        }
    }
}
