//! The language server's republish: a one-character edit to an open 100 KB
//! or 1 MB spec, applied incrementally, then the new version checked and
//! indexed and its diagnostics converted to LSP (what the server sends in
//! `publishDiagnostics`), in-process and without the debounce wait.
//!
//! `cargo bench --bench lsp`; numbers and machine in docs/performance.md.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the numbers are the ones users get.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/generate.rs"]
mod generate;

use std::str::FromStr;
use std::time::Duration;

use callc::lsp::diagnostics::{Support, to_lsp};
use callc::lsp::document::Document;
use callc::lsp::position::Encoding;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lsp_republish");
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    for (size, label) in [(100_000, "100KB"), (1_000_000, "1MB")] {
        let text = generate::spec(generate::Shape::Text, size);
        let uri = Uri::from_str("file:///bench.call").unwrap();
        let mut doc = Document::new(uri.clone(), 1, text);
        let support = Support {
            related: true,
            unnecessary_tag: true,
        };
        let mut version = 1;
        group.bench_function(BenchmarkId::new("edit_and_republish", label), |b| {
            b.iter(|| {
                version += 1;
                // Type and delete a character in the first step's title, in turn:
                // the spec stays clean half the time and gets an error the other half.
                let at = Position {
                    line: 33,
                    character: 14,
                };
                let (range, new) = if version % 2 == 0 {
                    (Range { start: at, end: at }, String::from("}"))
                } else {
                    (
                        Range {
                            start: at,
                            end: Position {
                                line: 33,
                                character: 15,
                            },
                        },
                        String::new(),
                    )
                };
                let change = TextDocumentContentChangeEvent {
                    range: Some(range),
                    range_length: None,
                    text: new,
                };
                doc.apply(version, vec![change], Encoding::Utf16);
                let snapshot = doc.snapshot();
                let map = snapshot.map(Encoding::Utf16);
                let published: Vec<_> = snapshot
                    .analysis
                    .compiled
                    .diagnostics
                    .iter()
                    .filter_map(|d| to_lsp(d, &uri, &map, support))
                    .collect();
                std::hint::black_box(published);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
