//! The adversarial corpus: hostile specs in `tests/adversarial/` (`NAME.call`,
//! or built by [`generated`] for the big ones, to keep the repository small),
//! each with the diagnostics it must give in `NAME.expected`.
//!
//! Every case runs through the whole pipeline (`tests/adversarial/pipeline.rs`,
//! the same checks the fuzz targets make: spans inside the text on character
//! boundaries, sorted diagnostics, every renderer, every target, the JSON
//! output re-parsing, the formatter, the importer on the same bytes) in a
//! thread under a watchdog, so a hang fails the test instead of stalling CI.
//!
//! `NAME.expected` lists one `CODE line:col` per diagnostic (column in
//! characters, as `--format short`), in the order callc reports them; a code
//! that occurs more than [`LIST_AT_MOST`] times is one `CODE ×N` line. Lines
//! starting with `#` are comments. `ADVERSARIAL_BLESS=1 cargo test --test
//! adversarial` rewrites the files: read every change before keeping it.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "adversarial/pipeline.rs"]
mod pipeline;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one case may take (debug build) before it counts as a hang: a
/// guard, not a speed assertion (release builds take a tenth of it).
const WATCHDOG: Duration = Duration::from_secs(120);

/// Of a case's diagnostics, this many (the first and the last) go through
/// every renderer: rendering 100,000 of them in a debug build takes minutes
/// and shows nothing the first and last thousand do not.
const RENDER_AT_MOST: usize = 2000;

/// Codes that occur more often than this in one case are counted, not listed.
const LIST_AT_MOST: usize = 20;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adversarial")
}

// ---------------------------------------------------------------------------
// The generated cases
// ---------------------------------------------------------------------------

/// The names of the cases built here rather than kept as files.
const GENERATED: &[&str] = &[
    "steps_100k",
    "unknown_references_50k",
    "unused_signals_10k",
    "unknown_placeholders_50k",
    "placeholder_fan_out",
    "id_of_100kb",
    "lint_name_of_100kb",
    "one_line_of_1mb",
    "one_line_of_1mb_with_error",
    "deep_braces_100k",
    "pinyin_collisions_20k",
    "allow_on_every_step_50k",
    "markdown_nesting_2k",
];

/// A spec around `flow` (the flow's body), with `caller` inside the caller
/// block and `top` between the parties and the flow.
fn spec(caller: &str, top: &str, flow: &str) -> String {
    format!(
        "call big {{\n  locale \"zh-CN\"\n  caller li_ming {{ name \"李明\"{caller} }}\n  callee zhang_qiang {{ name \"张强\" }}\n{top}  flow {{\n{flow}    on voicemail -> end\n  }}\n  end {{ closing \"再见\" }}\n}}\n"
    )
}

/// The bytes of a generated case.
fn generated(name: &str) -> Vec<u8> {
    let lines = |n: usize, f: &dyn Fn(usize) -> String| -> String { (0..n).map(f).collect() };
    let text = match name {
        // A long script: the graph passes are iterative and linear.
        "steps_100k" => spec(
            "",
            "",
            &lines(100_000, &|i| format!("    step s{i} {{ say \"第{i}步😀\" }}\n")),
        ),
        // 50,000 broken `next`: did-you-mean is bounded, the output linear.
        "unknown_references_50k" => spec(
            "",
            "",
            &format!(
                "    step a {{ say \"x\" }}\n{}",
                lines(50_000, &|i| format!("    step b{i} {{ say \"x\" next nope{i} }}\n"))
            ),
        ),
        "unused_signals_10k" => spec(
            "",
            &lines(10_000, &|i| format!("  signal sig{i} \"信号{i}\"\n")),
            "    step a { say \"x\" }\n",
        ),
        // 50,000 labels and 50,000 unknown placeholders: suggestions bounded.
        "unknown_placeholders_50k" => spec(
            &format!(
                "\n    knows {{\n{}    }}\n  ",
                lines(50_000, &|i| format!("      label{i} \"值{i}\"\n"))
            ),
            "",
            &format!(
                "    step a {{\n{}    }}\n",
                lines(50_000, &|i| format!("      say \"{{knows.lbl{i}}}\"\n"))
            ),
        ),
        // One 1 KB value used 100,000 times: 100 MB of expansion, stopped at 16 MiB.
        "placeholder_fan_out" => spec(
            &format!("\n    knows {{ 长文 \"{}\" }}\n  ", "字".repeat(340)),
            "",
            &format!(
                "    step a {{\n{}    }}\n",
                lines(100_000, &|_| "      say \"{knows.长文}\"\n".to_owned())
            ),
        ),
        // An id of 100 KB and a reference that differs in its last character.
        "id_of_100kb" => {
            let id = "长".repeat(34_000);
            spec("", "", &format!("    step {id}甲 {{ say \"x\" next {id}乙 }}\n"))
        }
        "lint_name_of_100kb" => spec(
            "",
            &format!("  allow {}\n", "a".repeat(100_000)),
            "    step a { say \"x\" }\n",
        ),
        // The whole spec on one line, with a 1 MB line of text.
        "one_line_of_1mb" => {
            spec("", "", &format!("    step a {{ say \"{}\" }}\n", "话".repeat(350_000))).replace('\n', " ")
        }
        "one_line_of_1mb_with_error" => {
            let mut s =
                spec("", "", &format!("    step a {{ say \"{}\" }}\n", "话".repeat(350_000))).replace('\n', " ");
            s.insert_str(s.len() - 30, " stray ");
            s
        }
        "deep_braces_100k" => format!("call x {{ {}", "{ ".repeat(100_000)),
        // 20,000 ids that all transliterate to `yi_yi_yi_yi`: their Rasa and
        // Rust names need suffixes, found in linear time (it was quadratic).
        "pinyin_collisions_20k" => {
            let yi: Vec<char> = "一乙已以义亿艺忆议亦异役译易疫益谊意毅翼".chars().collect();
            let ids =
                (0..20_000).map(|i| format!("{}{}{}{}", yi[i / 8000], yi[i / 400 % 20], yi[i / 20 % 20], yi[i % 20]));
            let flow = ids.fold(String::new(), |mut out, id| {
                let _ = writeln!(out, "    step {id} {{ say \"x\" }}");
                out
            });
            spec("", "", &flow)
        }
        // Lint levels are found by walking up blocks, not by comparing every pair.
        "allow_on_every_step_50k" => spec(
            "",
            "",
            &lines(50_000, &|i| format!("    step s{i} {{ allow silent_step }}\n")),
        ),
        // Markdown for the importer: a list nested 2,000 deep (4 MB of
        // indentation) and 10,000 headings of every level.
        "markdown_nesting_2k" => {
            let mut md = String::from("# 深层嵌套\n\n## 电话拨打方\n\n### 角色\n\n");
            for i in 0..2_000 {
                let _ = writeln!(md, "{}- 第{i}层", "  ".repeat(i));
            }
            md.push_str("\n## 电话接听方\n\n");
            for i in 0..10_000 {
                let _ = writeln!(md, "{} 标题{i}", "#".repeat(1 + i % 6));
            }
            md
        }
        _ => panic!("no builder for generated case `{name}`"),
    };
    text.into_bytes()
}

// ---------------------------------------------------------------------------
// Running a case
// ---------------------------------------------------------------------------

/// What a case gave: the summary lines and how long it took.
struct Outcome {
    summary: Vec<String>,
    elapsed: Duration,
    rendered: usize,
}

/// A case running in its own thread.
struct Running {
    name: String,
    size: usize,
    rx: mpsc::Receiver<(Vec<String>, Duration, usize)>,
}

/// Starts the pipeline on `bytes` in a thread.
fn start(name: &str, bytes: Vec<u8>) -> Running {
    let (tx, rx) = mpsc::channel();
    let size = bytes.len();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let start = Instant::now();
            let c = pipeline::run_sampled(&bytes, RENDER_AT_MOST);
            let elapsed = start.elapsed();
            let rendered: usize = pipeline::sample(&c.diagnostics, RENDER_AT_MOST)
                .map(|d| callc::render::human(&c.file, d, false).len())
                .sum();
            let _ = tx.send((summarise(&c), elapsed, rendered));
        })
        .unwrap();
    Running {
        name: name.to_owned(),
        size,
        rx,
    }
}

/// Waits for a case; fails the test after [`WATCHDOG`].
fn finish(running: &Running) -> Outcome {
    let (name, size) = (&running.name, running.size);
    let (summary, elapsed, rendered) = match running.rx.recv_timeout(WATCHDOG) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: no result after {WATCHDOG:?} (a hang?)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: the pipeline panicked (see above)"),
    };
    // Output grows with the input, never faster: no message multiplies it.
    let diagnostics: usize = summary.iter().map(|l| count_of(l)).sum::<usize>().min(RENDER_AT_MOST);
    assert!(
        rendered <= 4 * size + 4096 * diagnostics,
        "{name}: {rendered} bytes of output for {size} bytes of input"
    );
    Outcome {
        summary,
        elapsed,
        rendered,
    }
}

fn count_of(line: &str) -> usize {
    line.split_once('×').map_or(1, |(_, n)| n.parse().unwrap_or(1))
}

/// `CODE line:col` per diagnostic, or `CODE ×N` for a code that occurs
/// more than [`LIST_AT_MOST`] times (at the place of its first occurrence).
fn summarise(c: &callc::Compiled) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &c.diagnostics {
        *counts.entry(d.code.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut counted = Vec::new();
    for d in &c.diagnostics {
        let code = d.code.as_str();
        if counts[code] > LIST_AT_MOST {
            if !counted.contains(&code) {
                counted.push(code);
                out.push(format!("{code} ×{}", counts[code]));
            }
        } else {
            let p = c.file.position(d.span.start);
            out.push(format!("{code} {}:{}", p.line, p.column));
        }
    }
    // Past the cap of diagnostics kept per file, the rest are counted.
    if !c.omitted.is_empty() {
        out.push(format!(
            "omitted: {} errors, {} warnings",
            c.omitted.errors, c.omitted.warnings
        ));
    }
    out
}

fn read_expected(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
    )
}

/// Every case: the `.call` files and the generated ones.
fn cases() -> Vec<(String, Option<PathBuf>)> {
    let mut cases: Vec<(String, Option<PathBuf>)> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "call"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), Some(p)))
        .collect();
    cases.extend(GENERATED.iter().map(|n| ((*n).to_owned(), None)));
    cases.sort();
    cases
}

#[test]
fn every_hostile_spec_gives_its_expected_diagnostics() {
    let bless = std::env::var_os("ADVERSARIAL_BLESS").is_some();
    let mut failures = Vec::new();
    let mut report = String::new();
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus shrank: {} cases", cases.len());
    // As many cases at a time as there are cores (each under its own watchdog).
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut outcomes = Vec::new();
    for chunk in cases.chunks(cores) {
        let running: Vec<Running> = chunk
            .iter()
            .map(|(name, path)| {
                let bytes = path
                    .as_ref()
                    .map_or_else(|| generated(name), |p| std::fs::read(p).unwrap());
                start(name, bytes)
            })
            .collect();
        outcomes.extend(running.iter().map(|r| (r.name.clone(), r.size, finish(r))));
    }
    for (name, size, outcome) in &outcomes {
        let _ = writeln!(
            report,
            "{name:34} {size:>9} B  {:>8.3} s  {:>9} B shown  {}",
            outcome.elapsed.as_secs_f64(),
            outcome.rendered,
            outcome.summary.join(", ").chars().take(60).collect::<String>()
        );
        let expected_path = dir().join(format!("{name}.expected"));
        if bless {
            let mut text = String::new();
            if let Ok(old) = std::fs::read_to_string(&expected_path) {
                text.extend(old.lines().filter(|l| l.starts_with('#')).map(|l| format!("{l}\n")));
            }
            for line in &outcome.summary {
                text.push_str(line);
                text.push('\n');
            }
            std::fs::write(&expected_path, text).unwrap();
            continue;
        }
        match read_expected(&expected_path) {
            None => failures.push(format!("{name}: no {name}.expected")),
            Some(want) if want != outcome.summary => failures.push(format!(
                "{name}: expected\n  {}\ngot\n  {}",
                want.join("\n  "),
                outcome.summary.join("\n  ")
            )),
            Some(_) => {}
        }
    }
    println!("{report}");
    // Every expected file belongs to a case.
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !cases.iter().any(|(n, _)| *n == stem) {
                failures.push(format!("{stem}.expected has no case"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The limits documented in docs/reliability.md, at their edges.
#[test]
fn placeholder_chains_stop_at_sixteen() {
    let chain = |n: usize| {
        let mut knows = String::from("\n    knows {\n");
        for i in 0..n {
            let _ = writeln!(knows, "      k{i} \"{{knows.k{}}}\"", i + 1);
        }
        let _ = writeln!(knows, "      k{n} \"底\"\n    }}\n  ");
        spec(&knows, "", "    step a { say \"{knows.k0}\" }\n")
    };
    // `say` → k0 → … → k16: sixteen values followed, then the plain one.
    let ok = callc::compile("ok.call", chain(16).as_bytes(), &callc::check::LintLevels::default());
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    assert_eq!(ok.spec.unwrap().steps[0].lines, ["底"]);
    let deep = callc::compile("deep.call", chain(17).as_bytes(), &callc::check::LintLevels::default());
    assert!(deep.diagnostics.iter().any(|d| d.message.contains("nests too deeply")));
}

#[test]
fn expansion_is_bounded_by_sixteen_mebibytes() {
    // 16 × 1 MiB values fit; one byte more does not.
    let value = "x".repeat(1024 * 1024);
    let says = |n: usize| "      say \"{knows.v}\"\n".repeat(n);
    let build = |n: usize| {
        spec(
            &format!("\n    knows {{ v \"{value}\" }}\n  "),
            "",
            &format!("    step a {{\n{}    }}\n", says(n)),
        )
    };
    let levels = callc::check::LintLevels::default();
    let fits = callc::compile("fits.call", build(16).as_bytes(), &levels);
    assert!(fits.diagnostics.is_empty(), "{:?}", fits.diagnostics);
    let over = callc::compile("over.call", build(17).as_bytes(), &levels);
    let codes: Vec<&str> = over.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["E0103"],
        "one diagnostic, at the placeholder that crosses the limit"
    );
    assert!(over.diagnostics[0].message.contains("expands to too much text"));
}

/// The human format shows the first 500 diagnostics of a file and says how
/// many more there are; `--format short` lists every one.
#[test]
fn the_terminal_shows_at_most_five_hundred_diagnostics() {
    let flow = (0..1000).fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "    step b{i} covers nope{i} {{ say \"x\" }}");
        out
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.call");
    std::fs::write(&path, spec("", "", &flow)).unwrap();
    let run = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_callc"))
            .args(["check", "--color", "never", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };
    let human = run("human");
    assert_eq!(
        human.matches("error[E0102]").count(),
        500,
        "{}",
        &human[human.len() - 300..]
    );
    assert!(
        human.contains("callc: 500 more diagnostics in"),
        "{}",
        &human[human.len() - 300..]
    );
    assert!(human.ends_with("callc: 1000 errors found\n"));
    assert_eq!(run("short").lines().count(), 1000);
}

#[test]
fn the_pipeline_builds_every_target() {
    use clap::ValueEnum as _;
    assert_eq!(pipeline::TARGETS.as_slice(), callc::emit::Target::value_variants());
}
