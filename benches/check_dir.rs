//! `callc check DIR` over 10,000 spec files, on every core, against the
//! ideal: (the time to read and check one file in-process) × files ÷ cores.
//!
//! `cargo bench --bench check_dir`; numbers and machine in docs/performance.md.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the in-process time compares fairly.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use callc::check::LintLevels;
use criterion::{Criterion, criterion_group, criterion_main};

const FILES: usize = 10_000;

/// 10,000 copies of the three example specs, in 100 folders.
fn corpus(root: &Path) {
    let specs: Vec<Vec<u8>> = ["taishan_renewal", "en_dental_reminder", "zh_broadband_retention"]
        .iter()
        .map(|n| std::fs::read(format!("specs/{n}.call")).unwrap())
        .collect();
    for i in 0..FILES {
        let dir = root.join(format!("d{:03}", i % 100));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("s{i:05}.call")), &specs[i % specs.len()]).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let one = dir.path().join("d000/s00000.call");
    let levels = LintLevels::default();
    let mut group = c.benchmark_group("check_dir");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("one_file_in_process", |b| {
        b.iter(|| {
            let bytes = std::fs::read(&one).unwrap();
            let compiled = callc::compile_owned("s.call", bytes, &levels);
            assert!(compiled.diagnostics.is_empty());
        });
    });
    group.bench_function("10000_files", |b| {
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_callc"))
                .arg("check")
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
