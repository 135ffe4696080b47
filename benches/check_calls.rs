//! `callc check-calls`: a generated list of 1,000,000 calls (about 75 MB of
//! CSV: Chinese names, dates, percents, fees in CNY, tiers, phones,
//! e-mails) checked against the spec's per-call variables, in-process and
//! streamed from memory; once clean and once with a bad date in every
//! hundredth row (10,000 problems, 20 of them described).
//!
//! `cargo bench --bench check_calls`; numbers in docs/performance.md.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the numbers are the ones users get.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Duration;

use callc::calls::{self, ListFormat, Options};
use callc::check::LintLevels;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/call_list.rs"]
mod call_list;

const ROWS: usize = 1_000_000;

/// The variables of `call_list::SPEC`.
fn vars() -> Vec<callc::ir::Var> {
    let compiled = callc::compile("campaign.call", call_list::SPEC.as_bytes(), &LintLevels::default());
    assert!(compiled.diagnostics.is_empty(), "{:#?}", compiled.diagnostics);
    compiled.spec.unwrap().vars
}

fn bench(c: &mut Criterion) {
    let vars = vars();
    let options = Options {
        format: ListFormat::Csv,
        name: "calls.csv".to_owned(),
        max_per_code: 20,
    };
    let clean = call_list::csv(ROWS, None);
    let bad = call_list::csv(ROWS, Some(100));
    let mut group = c.benchmark_group("check_calls");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("1000000_rows_clean", |b| {
        b.iter(|| {
            let mut found = Vec::new();
            let summary = calls::check(clean.as_bytes(), &vars, &options, &mut found).unwrap();
            assert_eq!(
                (summary.rows, summary.problems()),
                (ROWS as u64, 0),
                "{:?}",
                found.first()
            );
        });
    });
    group.bench_function("1000000_rows_10000_bad_dates", |b| {
        b.iter(|| {
            let mut found = Vec::new();
            let summary = calls::check(bad.as_bytes(), &vars, &options, &mut found).unwrap();
            assert_eq!(summary.problems(), (ROWS / 100) as u64);
            assert_eq!(found.len(), 20);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
