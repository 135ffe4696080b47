//! What every target promises, through the command line: it builds every
//! spec, byte-for-byte the same twice, with files readable by everyone
//! (0644); and a spec with an error writes nothing, leaving an earlier
//! output exactly as it was.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every target, by its command-line name (`every_target_is_listed` keeps
/// this in step with `callc::emit::Target`).
const TARGETS: &[&str] = &[
    "json",
    "rasa",
    "rust",
    "markdown",
    "retell",
    "pipecat-evals",
    "livekit",
    "vapi",
    "pipecat",
];

#[test]
fn every_target_is_listed() {
    use clap::ValueEnum as _;
    let mut all: Vec<String> = callc::emit::Target::value_variants()
        .iter()
        .filter_map(|t| t.to_possible_value().map(|v| v.get_name().to_owned()))
        .collect();
    let mut listed: Vec<String> = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    all.sort();
    listed.sort();
    assert_eq!(all, listed);
}

/// What `callc build` says on standard error for a spec that checks clean:
/// the approximations of the target, each as a warning.
fn expected_stderr(spec: &str, target: &str) -> String {
    use clap::ValueEnum as _;
    let t = callc::emit::Target::from_str(target, false).unwrap();
    let bytes = std::fs::read(spec).unwrap();
    let c = callc::compile(spec, &bytes, &callc::check::LintLevels::default());
    let mut out = String::new();
    for a in callc::emit::approximations(t, c.spec_if_ok().unwrap()) {
        writeln!(out, "callc: warning: {}\n  = help: {}", a.message, a.help).unwrap();
    }
    out
}

fn callc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_callc")).args(args).output().unwrap()
}

#[path = "support/files.rs"]
mod files;

fn specs() -> Vec<String> {
    files::call_files("specs")
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

/// Every file below `root` (or `root` itself), with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if root.is_file() {
        out.insert(PathBuf::new(), std::fs::read(root).unwrap());
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn build(spec: &str, target: &str, out: &Path) -> std::process::Output {
    callc(&["build", spec, "--target", target, "-o", out.to_str().unwrap()])
}

#[test]
fn every_spec_builds_to_every_target_deterministically_and_readably() {
    let dir = tempfile::tempdir().unwrap();
    for spec in specs() {
        for target in TARGETS {
            let a = dir.path().join(format!("a-{target}-{}", spec.replace('/', "_")));
            let b = dir.path().join(format!("b-{target}-{}", spec.replace('/', "_")));
            for out in [&a, &b] {
                let o = build(&spec, target, out);
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{spec} → {target}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                // Nothing but the warnings of what the runtime cannot express.
                assert_eq!(
                    String::from_utf8_lossy(&o.stderr),
                    expected_stderr(&spec, target),
                    "{spec} → {target}"
                );
            }
            let (sa, sb) = (snapshot(&a), snapshot(&b));
            assert!(
                !sa.is_empty() && sa.values().all(|c| !c.is_empty()),
                "{spec} → {target}: empty output"
            );
            assert_eq!(sa, sb, "{spec} → {target} differs between two builds");
            #[cfg(unix)]
            for rel in sa.keys() {
                use std::os::unix::fs::PermissionsExt;
                let path = if rel.as_os_str().is_empty() {
                    a.clone()
                } else {
                    a.join(rel)
                };
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o644, "{}", path.display());
            }
            // No temporary file is left behind.
            let parent = if a.is_dir() {
                a.clone()
            } else {
                a.parent().unwrap().to_path_buf()
            };
            for e in std::fs::read_dir(parent).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!name.starts_with(".callc-"), "temporary file {name} left behind");
            }
        }
    }
}

#[test]
fn standard_output_equals_the_file_for_single_file_targets() {
    let dir = tempfile::tempdir().unwrap();
    for target in ["json", "rust", "markdown", "livekit"] {
        let out = dir.path().join(target);
        assert_eq!(build("specs/taishan_renewal.call", target, &out).status.code(), Some(0));
        let o = callc(&["build", "specs/taishan_renewal.call", "--target", target]);
        assert_eq!(o.stdout, std::fs::read(&out).unwrap(), "{target}");
    }
    // A directory target needs `-o`, and the error names it.
    for target in ["rasa", "retell", "pipecat-evals", "vapi", "pipecat"] {
        let o = callc(&["build", "specs/taishan_renewal.call", "--target", target]);
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("`--target {target}` writes a directory")),
            "{err}"
        );
    }
}

#[test]
fn a_failed_build_leaves_the_earlier_output_byte_identical() {
    let broken = "tests/fixtures/check/E0102_unknown_next.call";
    let dir = tempfile::tempdir().unwrap();
    for target in TARGETS {
        let out = dir.path().join(target);
        assert_eq!(build("specs/taishan_renewal.call", target, &out).status.code(), Some(0));
        let before = snapshot(&out);
        let o = build(broken, target, &out);
        assert_eq!(o.status.code(), Some(1), "{target}");
        assert!(o.stdout.is_empty());
        assert_eq!(snapshot(&out), before, "{target}: the failed build changed the output");
        // Nothing at all appears where there was no output.
        let fresh = dir.path().join(format!("fresh-{target}"));
        assert_eq!(build(broken, target, &fresh).status.code(), Some(1));
        assert!(!fresh.exists(), "{target}: a failed build created {}", fresh.display());
    }
}
