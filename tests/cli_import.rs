//! `callc import` and `callc build --target markdown` on the command line:
//! `callc import FILE.md [-o FILE.call]` prints the `.call` text (the call
//! named after the file's stem) or writes it atomically with `-o`;
//! diagnostics go to standard error against the Markdown file; exit 0 when
//! imported (warnings allowed), 1 for E0301 (nothing written), 2 for usage
//! and IO problems; the file written passes `callc fmt --check`.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

const SEED: &str = "tests/fixtures/seeds/taishan_renewal.md";
const NOT_A_SPEC: &str = "tests/fixtures/import/E0301_not_a_spec.md";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("callc was killed by a signal")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[test]
fn import_prints_the_call_and_reports_warnings() {
    let o = run(&["import", SEED]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let md = std::fs::read_to_string(SEED).unwrap();
    let want = callc::import::import_named(&md, Some("taishan_renewal")).call.unwrap();
    assert_eq!(text(&o.stdout), want);
    let err = text(&o.stderr);
    assert!(
        err.contains("warning[W0303]") && err.contains("taishan_renewal.md:100:1"),
        "{err}"
    );
}

#[test]
fn import_writes_a_file_that_checks_and_is_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("taishan.call");
    let o = run(&["import", SEED, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let c = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code(&c), 0, "{}", text(&c.stderr));
    let f = run(&["fmt", "--check", out.to_str().unwrap()]);
    assert_eq!(code(&f), 0, "{}", text(&f.stderr));
}

#[test]
fn import_of_what_is_not_a_spec_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.call");
    let o = run(&["import", NOT_A_SPEC, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("error[E0301]"));
    assert!(!out.exists());
    assert_eq!(code(&run(&["import", "no/such/file.md"])), 2);
    assert_eq!(code(&run(&["import"])), 2);
}

#[test]
fn build_markdown_prints_the_role_prompts() {
    let o = run(&["build", "specs/taishan_renewal.call", "--target", "markdown"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let src = std::fs::read("specs/taishan_renewal.call").unwrap();
    let c = callc::compile("t", &src, &callc::check::LintLevels::default());
    assert_eq!(text(&o.stdout), callc::emit::markdown::render(c.spec_if_ok().unwrap()));
}
