//! Fuzz target `calls`: arbitrary bytes as a call list, CSV and JSON Lines,
//! checked against the fixture campaign's variables (`callc check-calls`).
//! The invariants are in `tests/adversarial/calls.rs`, shared with the
//! property test of `tests/check_calls.rs`.

#![no_main]

#[path = "../../tests/adversarial/calls.rs"]
mod calls;

use std::sync::OnceLock;

static VARS: OnceLock<Vec<callc::ir::Var>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    calls::run(data, VARS.get_or_init(calls::vars));
});
