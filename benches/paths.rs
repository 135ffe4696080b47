//! Paths on a large flow: enumerating them (bounded), the exact search,
//! the path-sensitive coverage lint W0220 inside a whole `check`, and the
//! scenario set, on the listening spec of 10,000 steps and 100,000 global
//! branches (`generate::listening`) with 20 primary concerns, each covered
//! by one step.
//!
//! `cargo bench --bench paths`; numbers and machine in docs/performance.md.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the numbers are the ones users get.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::fmt::Write as _;
use std::time::Duration;

use callc::check::LintLevels;
use callc::emit::scenarios::{self, Options};
use callc::ir::paths::{self, Events, Limits, Rules};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const CONCERNS: usize = 20;

/// The listening spec with `CONCERNS` primary concerns, concern `k`
/// covered by step `s{500k + 250}` only: every concern has a path that
/// misses it, so W0220 reports each (the search runs to the end each time).
fn with_concerns(steps: usize, globals: usize) -> String {
    let mut text = generate::listening(steps, globals);
    let mut callee = String::from("callee zhang_qiang { name \"张强\"");
    for k in 0..CONCERNS {
        let _ = write!(callee, "  concern c_{k} primary \"第{k}个关切😀\"");
    }
    callee.push_str(" }");
    text = text.replacen("callee zhang_qiang { name \"张强\" }", &callee, 1);
    for k in 0..CONCERNS {
        let i = (500 * k + 250) % steps;
        text = text.replacen(
            &format!("    step s{i} {{"),
            &format!("    step s{i} covers c_{k} {{"),
            1,
        );
    }
    text
}

fn bench(c: &mut Criterion) {
    let levels = LintLevels::default();
    let mut group = c.benchmark_group("paths");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    let text = with_concerns(10_000, 100_000);
    let compiled = callc::compile("bench.call", text.as_bytes(), &levels);
    let w0220 = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == callc::codes::Code::W0220)
        .count();
    assert_eq!(w0220, CONCERNS, "{:?}", &compiled.diagnostics[..1]);
    assert_eq!(compiled.diagnostics.len(), CONCERNS);
    let spec = compiled.spec_if_ok().unwrap();
    let label = "10k_steps_100k_globals";

    group.bench_with_input(BenchmarkId::new("enumerate", label), spec, |b, s| {
        b.iter(|| paths::enumerate(s, &Limits::default()));
    });
    let rules = Rules {
        events: Events::NONE,
        transfers_end: false,
        retries: true,
    };
    group.bench_with_input(BenchmarkId::new("search", label), spec, |b, s| {
        b.iter(|| paths::search(s, &rules, |i| s.steps[i].covers.contains(&0)));
    });
    group.bench_with_input(BenchmarkId::new("check_with_w0220", label), &text, |b, t| {
        b.iter(|| callc::compile("bench.call", t.as_bytes(), &levels));
    });
    // The same flow without concerns: W0220 has nothing to search.
    let plain = generate::listening(10_000, 100_000);
    group.bench_with_input(BenchmarkId::new("check_without_concerns", label), &plain, |b, t| {
        b.iter(|| callc::compile("bench.call", t.as_bytes(), &levels));
    });
    group.bench_with_input(BenchmarkId::new("scenarios", label), spec, |b, s| {
        b.iter(|| scenarios::emit(s, &Options::default()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
