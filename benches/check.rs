//! `check` speed (parse + every check) on generated specs of 100 KB, 1 MB and
//! 10 MB, text-heavy Chinese and structure-dense, single-threaded; with the
//! baseline the issue measures against — `serde_json` reading the same spec's
//! JSON output into typed structs — and pest's recognition alone.
//!
//! The `listen` group checks a spec that listens, of 10,000 steps and 100,000
//! global branches, for the lints that walk its paths.
//!
//! `cargo bench --bench check`; numbers and machine in docs/performance.md.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the numbers are the ones users get.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/generate.rs"]
mod generate;

use std::time::Duration;

use callc::check::LintLevels;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generate::{Shape, spec};

const SIZES: &[(usize, &str)] = &[(100_000, "100KB"), (1_000_000, "1MB"), (10_000_000, "10MB")];

fn bench(c: &mut Criterion) {
    let levels = LintLevels::default();
    for shape in [Shape::Text, Shape::Dense] {
        let mut group = c.benchmark_group(format!("{shape:?}").to_lowercase());
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for &(size, label) in SIZES {
            let text = spec(shape, size);
            let json = {
                let compiled = callc::compile("bench.call", text.as_bytes(), &levels);
                assert!(compiled.diagnostics.is_empty());
                callc::emit::json::emit(compiled.spec_if_ok().unwrap())
            };
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new("check", label), &text, |b, t| {
                b.iter(|| callc::compile("bench.call", t.as_bytes(), &levels));
            });
            group.bench_with_input(BenchmarkId::new("pest_only", label), &text, |b, t| {
                b.iter(|| callc::syntax::recognise(t));
            });
            group.bench_with_input(BenchmarkId::new("parse_and_lower", label), &text, |b, t| {
                b.iter(|| callc::syntax::parse(t));
            });
            group.throughput(Throughput::Bytes(json.len() as u64));
            group.bench_with_input(BenchmarkId::new("serde_json_typed", label), &json, |b, j| {
                b.iter(|| serde_json::from_str::<callc::emit::json::CallSpec>(j).unwrap());
            });
        }
        group.finish();
    }
}

/// The lints of calls that listen on 10,000 steps and 100,000 global
/// branches (`generate::listening`): a linear walk would take milliseconds,
/// one search per step over every global branch a billion steps.
fn listen(c: &mut Criterion) {
    let levels = LintLevels::default();
    let mut group = c.benchmark_group("listen");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    let text = generate::listening(10_000, 100_000);
    let compiled = callc::compile("bench.call", text.as_bytes(), &levels);
    assert!(compiled.diagnostics.is_empty(), "{:?}", &compiled.diagnostics[..1]);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_with_input(BenchmarkId::new("check", "10k_steps_100k_globals"), &text, |b, t| {
        b.iter(|| callc::compile("bench.call", t.as_bytes(), &levels));
    });
    group.finish();
}

criterion_group!(benches, bench, listen);
criterion_main!(benches);
