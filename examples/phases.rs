//! Runs one phase of the pipeline five times on a generated spec, for
//! instruction counts under `valgrind --tool=callgrind` (stable on a busy
//! machine, unlike wall time):
//!
//! ```sh
//! cargo build --release --example phases
//! valgrind --tool=callgrind ./target/release/examples/phases 1000000 check
//! ```
//!
//! Phases: `setup` (generation and one build of the JSON, subtract it),
//! `serde` (`serde_json` reading the JSON into typed structs), `pest`, `parse`
//! (pest and lowering), `check` (everything `callc check` does).
//! `phases SIZE write FILE` writes the generated spec instead.

// An example reads its arguments and prints (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The `callc` binary's allocator, so the numbers are the ones users get.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let size: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let phase = args.get(2).map_or("check", String::as_str);
    let text = generate::spec(generate::Shape::Text, size);
    if phase == "write" {
        std::fs::write(args.get(3).expect("phases SIZE write FILE"), &text).unwrap();
        return;
    }
    let json = {
        let c = callc::compile("x", text.as_bytes(), &callc::check::LintLevels::default());
        callc::emit::json::emit(c.spec_if_ok().unwrap())
    };
    for _ in 0..5 {
        match phase {
            "setup" => {}
            "serde" => {
                std::hint::black_box(serde_json::from_str::<callc::emit::json::CallSpec>(&json).unwrap());
            }
            "pest" => {
                std::hint::black_box(callc::syntax::recognise(&text));
            }
            "parse" => {
                std::hint::black_box(callc::syntax::parse(&text));
            }
            _ => {
                std::hint::black_box(callc::compile(
                    "x",
                    text.as_bytes(),
                    &callc::check::LintLevels::default(),
                ));
            }
        }
    }
}
