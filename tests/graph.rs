//! `callc graph`: the flow as Mermaid and DOT. Every edge of the checked
//! flow appears in the picture, the DOT is accepted by Graphviz, and the
//! Mermaid of every spec is snapshotted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::emit::graph::{Format, emit};
use callc::ir::Target;
use std::io::Write;

fn spec(path: &str) -> callc::ir::Spec {
    let bytes = std::fs::read(path).unwrap();
    let c = callc::compile(path, &bytes, &LintLevels::default());
    c.spec_if_ok().unwrap().clone()
}

#[path = "support/files.rs"]
mod files;

fn specs() -> Vec<String> {
    files::call_files("specs")
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

#[test]
fn mermaid_snapshots() {
    for path in specs() {
        let name = path.trim_start_matches("specs/").trim_end_matches(".call").to_owned();
        insta::assert_snapshot!(format!("mermaid_{name}"), emit(&spec(&path), Format::Mermaid));
    }
}

#[test]
fn every_edge_is_drawn() {
    let s = spec("specs/zh_broadband_retention.call");
    let out = emit(&s, Format::Mermaid);
    let names = callc::emit::names::AsciiNames::new(s.steps.iter().map(|x| x.id.as_str()), &[]);
    let node = |t: Target| match t {
        Target::Step(i) => format!("s_{}", names.get(&s.steps[i].id)),
        Target::End(None) => String::from("stop"),
        Target::End(Some(i)) => format!("stop_{i}"),
    };
    for (i, step) in s.steps.iter().enumerate() {
        let from = node(Target::Step(i));
        assert!(
            out.contains(&format!("    {from} --> {}\n", node(step.next))),
            "{from} default edge"
        );
        for b in step.branches.iter().filter(|b| !b.global) {
            let line = format!("    {from} -.->|\"{}\"| {}\n", s.signals[b.signal].id, node(b.target));
            assert!(out.contains(&line), "missing {line}");
        }
    }
    for b in &s.global_branches {
        let line = format!("    any -.->|\"{}\"| {}\n", s.signals[b.signal].id, node(b.target));
        assert!(out.contains(&line), "missing {line}");
    }
    // Concerns appear on the steps that cover them.
    assert!(out.contains("覆盖: 月费顾虑"));
}

#[test]
fn hostile_text_stays_inside_labels() {
    let src = r#"call t {
  locale "en"
  caller a { name "A" }
  callee b { name "B" }
  signal s "x"
  flow {
    step x "a\"] --> evil[\"<script>#1|" { say "hi" on s -> end }
  }
  end { closing "bye" }
}
"#;
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    let out = emit(c.spec_if_ok().unwrap(), Format::Mermaid);
    let label_line = out.lines().find(|l| l.contains("s_x[")).unwrap();
    assert_eq!(label_line.matches('"').count(), 2, "{label_line}");
    assert!(!out.contains("evil[\"") && !out.contains("<script>"), "{out}");
    let dot = emit(c.spec_if_ok().unwrap(), Format::Dot);
    assert!(dot.contains(r#"label="a\"] --> evil[\"<script>#1| (x)""#), "{dot}");
}

#[test]
fn graphviz_accepts_the_dot() {
    let Ok(out) = std::process::Command::new("dot").arg("-V").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Graphviz's `dot` (see .ci/run)"
        );
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    };
    assert!(out.status.success());
    for path in specs() {
        let text = emit(&spec(&path), Format::Dot);
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{path}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
    }
}

#[test]
fn the_cli_draws_and_refuses_broken_specs() {
    let bin = env!("CARGO_BIN_EXE_callc");
    let o = std::process::Command::new(bin)
        .args(["graph", "specs/taishan_renewal.call"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("flowchart TD\n"));
    let o = std::process::Command::new(bin)
        .args(["graph", "--to", "dot", "specs/taishan_renewal.call"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("digraph "));
    let o = std::process::Command::new(bin)
        .args(["graph", "tests/fixtures/check/E0102_unknown_next.call"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
}
