//! The `callc` binary: everything is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    callc::cli::main()
}
