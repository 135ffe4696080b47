//! The `callc` binary: everything is in the library's `cli` module.

/// mimalloc, not the system allocator: see the `mimalloc` feature in Cargo.toml
/// and docs/performance.md.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    callc::cli::main()
}
