//! Writes the generated call list of `benches/check_calls.rs` and its spec,
//! to measure `callc check-calls` as users run it (peak memory with
//! `/usr/bin/time -v`, the progress line on a terminal):
//!
//! ```sh
//! cargo run --release --example call_list -- 1000000 /tmp/calls
//! /usr/bin/time -v target/release/callc check-calls /tmp/calls/campaign.call /tmp/calls/calls.csv
//! ```
//!
//! A third argument `N` puts a bad date in every N-th row.

// An example reads its arguments and writes files (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../benches/support/call_list.rs"]
mod call_list;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let dir = std::path::PathBuf::from(args.get(2).map_or("/tmp/calls", String::as_str));
    let bad_every = args.get(3).and_then(|s| s.parse().ok());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("campaign.call"), call_list::SPEC).unwrap();
    let list = call_list::csv(rows, bad_every);
    std::fs::write(dir.join("calls.csv"), &list).unwrap();
    println!(
        "{} rows, {} bytes in {}",
        rows,
        list.len(),
        dir.join("calls.csv").display()
    );
}
