//! Nothing unbounded: inputs that once made callc print gigabytes, run for
//! minutes, abort or read forever (docs/reliability.md, "Limits"). Every
//! input is generated here, at a size that showed the problem, and the
//! binary is run with a watchdog; what is asserted is the bound on output
//! and the exit code, never a time.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn run(args: &[&str], stdin: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callc"))
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while waiting, so a big output cannot stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let e = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`callc {}` hung", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

fn spec(flow: &str, extra: &str) -> String {
    format!(
        "call t {{\n  locale \"zh-CN\"\n  caller a {{ name \"李明\" }}\n  callee b {{ name \"张强\" }}\n{extra}  flow {{\n{flow}    on voicemail -> end\n  }}\n  end {{ closing \"再见\" }}\n}}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Every format's output: at most 10× the input and at most
/// `MAX_PER_FILE` + 1 records.
fn assert_bounded(path: &str, input: usize, code: i32) {
    for format in ["human", "short", "json"] {
        let o = run(&["check", "--color", "never", "--format", format, path], Stdio::null());
        assert_eq!(
            o.status.code(),
            Some(code),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let printed = o.stdout.len() + o.stderr.len();
        assert!(
            printed <= 10 * input.max(100_000),
            "{format}: {printed} bytes printed for {input} bytes of input"
        );
        if format == "json" {
            let lines = String::from_utf8(o.stdout).unwrap();
            assert!(lines.lines().count() <= callc::diagnostic::MAX_PER_FILE + 1);
            for l in lines.lines() {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                assert!(v.get("code").is_some() || v.get("omitted").is_some(), "{l}");
            }
        }
    }
}

#[test]
fn a_huge_id_is_quoted_in_part() {
    // An unknown reference next to a 1 MB id printed 6 MB per diagnostic.
    let dir = tempfile::tempdir().unwrap();
    let id = "甲".repeat(350_000);
    let flow = format!("    step {id} {{ say \"您好\" next {id}乙 }}\n");
    let text = spec(&flow, "");
    let path = write(dir.path(), "huge_id.call", &text);
    let o = run(&["check", "--format", "short", &path], Stdio::null());
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stderr.len() < 4096, "{} bytes for one diagnostic", o.stderr.len());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("bytes)…"),
        "the cut says how much was left out"
    );
    assert_bounded(&path, text.len(), 1);
}

#[test]
fn many_diagnostics_over_long_ids_are_capped() {
    // 8 ids of 100 KB and 2,000 unknown references: each note listed the
    // steps, 1.6 GB of JSON in all.
    let dir = tempfile::tempdir().unwrap();
    let mut flow = String::new();
    for c in ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"] {
        let _ = writeln!(flow, "    step {} {{ say \"x\" }}", c.repeat(33_000));
    }
    for k in 0..2000 {
        let _ = writeln!(flow, "    step r{k} {{ say \"x😀\" next 不存在{k} }}");
    }
    let text = spec(&flow, "");
    let path = write(dir.path(), "many.call", &text);
    assert_bounded(&path, text.len(), 1);
    let o = run(&["check", "--format", "json", &path], Stdio::null());
    let last = String::from_utf8(o.stdout).unwrap().lines().last().unwrap().to_owned();
    let v: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert!(
        v["omitted"].as_u64().unwrap() > 0,
        "the last record says how many were left out: {last}"
    );
}

#[test]
fn a_hundred_thousand_diagnostics_on_one_line_are_bounded() {
    // Quadratic in the number of diagnostics on one line: a million took
    // over 90 s; a hundred thousand (here, so that a debug build is quick)
    // took minutes.
    let dir = tempfile::tempdir().unwrap();
    let say = format!("    step s {{ say \"{}\" }}\n", "{没有}".repeat(100_000));
    let text = spec(&say, "");
    let path = write(dir.path(), "placeholders.call", &text);
    assert_bounded(&path, text.len(), 1);
    let bidi = format!("    step s {{ say \"{}\" }}\n", "\u{202E}".repeat(100_000));
    let text = spec(&bidi, "");
    let path = write(dir.path(), "bidi.call", &text);
    assert_bounded(&path, text.len(), 1);
    let o = run(&["check", "--format", "short", &path], Stdio::null());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("99000 more diagnostics"),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
}

#[test]
fn global_branches_are_not_multiplied_by_steps() {
    // 100,000 global branches × 10,000 steps aborted `check` at 6.8 GB, and
    // 10,000 × 1,000 wrote 1.7 GB of JSON. Here 20,000 × 2,000.
    let dir = tempfile::tempdir().unwrap();
    let (globals, steps) = (20_000, 2_000);
    let mut extra = String::new();
    for g in 0..globals {
        let _ = writeln!(extra, "  signal 信号{g} \"说了{g}\"");
    }
    let mut flow = String::new();
    for g in 0..globals {
        let _ = writeln!(flow, "    on 信号{g} -> 步{}", g % steps);
    }
    for s in 0..steps {
        // Every tenth step overrides one global branch.
        let own = if s % 10 == 0 {
            format!(" on 信号{s} -> end")
        } else {
            String::new()
        };
        let _ = writeln!(flow, "    step 步{s} {{ say \"第{s}步\"{own} }}");
    }
    let text = spec(&flow, &extra);
    let path = write(dir.path(), "globals.call", &text);
    let out = dir.path().join("g.json");
    let o = run(
        &["build", &path, "--target", "json", "-o", out.to_str().unwrap()],
        Stdio::null(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json_len = fs::metadata(&out).unwrap().len();
    assert!(
        json_len < 10 * text.len() as u64,
        "{json_len} bytes of JSON for {} of spec",
        text.len()
    );
    // Rasa cannot say "at any step": it refuses with a reason, writing nothing.
    let proj = dir.path().join("rasa");
    let o = run(
        &["build", &path, "--target", "rasa", "-o", proj.to_str().unwrap()],
        Stdio::null(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("branch conditions"));
    assert!(!proj.join("domain.yml").exists());
    for target in ["rust", "markdown"] {
        let out = dir.path().join(format!("g.{target}"));
        let o = run(
            &["build", &path, "--target", target, "-o", out.to_str().unwrap()],
            Stdio::null(),
        );
        assert_eq!(o.status.code(), Some(0), "{target}");
        assert!(fs::metadata(&out).unwrap().len() < 20 * text.len() as u64, "{target}");
    }
}

#[test]
fn many_own_branches_are_merged_in_linear_time() {
    // 5 steps with 100,000 own branches overriding as many global ones
    // took 52 s (own × global); here 30,000 of each.
    let dir = tempfile::tempdir().unwrap();
    let signals = 30_000;
    let mut extra = String::new();
    let mut flow = String::new();
    for g in 0..signals {
        let _ = writeln!(extra, "  signal s{g} \"x\"");
        let _ = writeln!(flow, "    on s{g} -> b0");
    }
    for s in 0..5 {
        let own = (0..signals).fold(String::new(), |mut own, g| {
            let _ = write!(own, " on s{g} -> b{}", (s + 1) % 5);
            own
        });
        let _ = writeln!(flow, "    step b{s} {{ say \"好\"{own} }}");
    }
    let text = spec(&flow, &extra);
    let path = write(dir.path(), "own.call", &text);
    let o = run(&["check", "-A", "warnings", &path], Stdio::null());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn input_is_read_only_up_to_the_limit() {
    // `check - < /dev/zero` read until memory ran out.
    let o = run(&["check", "-"], Stdio::from(fs::File::open("/dev/zero").unwrap()));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("E0003") && err.contains("more than 16.0 MiB"), "{err}");
    // A 2 GB sparse file was read whole before the limit applied.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("大.call");
    let f = fs::File::create(&big).unwrap();
    f.set_len(2 << 30).unwrap();
    let o = run(&["check", big.to_str().unwrap()], Stdio::null());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2048.0 MiB"), "{err}");
    // The same for every command that reads a spec or Markdown.
    for args in [
        vec!["build", big.to_str().unwrap(), "--target", "json"],
        vec!["graph", big.to_str().unwrap()],
        vec!["import", big.to_str().unwrap()],
        vec!["fmt", "--check", big.to_str().unwrap()],
    ] {
        let o = run(&args, Stdio::null());
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn control_sequences_in_a_spec_never_reach_the_terminal() {
    // ESC and OSC in a string were copied into the rendered snippet: a spec
    // could clear the screen or set the clipboard of whoever checks it.
    let dir = tempfile::tempdir().unwrap();
    let flow = "    step s { say \"\u{1b}[2J\u{1b}]52;c;aGk=\u{7}清屏\u{9b}31m\" next 无 }\n";
    let path = write(dir.path(), "esc\u{1b}[31m.call", &spec(flow, ""));
    for format in ["human", "short"] {
        let o = run(&["check", "--color", "never", "--format", format, &path], Stdio::null());
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}') && !err.contains('\u{9b}'),
            "{err:?}"
        );
        assert!(err.contains("E0") || err.contains("error"), "{err}");
    }
    let o = run(&["check", "--color", "never", &path], Stdio::null());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains('\u{241B}'), "ESC is shown as ␛ in the snippet: {err}");
}
