//! `callc check-calls SPEC LIST` as users meet it: every fixture in
//! `tests/fixtures/calls/` named after a code (`E0404_not_a_date.csv`)
//! raises exactly that code, shown at its row and column; clean lists, CSV
//! and JSON Lines, a BOM, CRLF and quoted cells across lines, standard
//! input, a spec with errors, lists that cannot be read, `--max` and the
//! summary; and the examples of the call list codes' explanations.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use callc::calls::{self, ListFormat};
use callc::check::LintLevels;
use callc::codes::Code;

#[path = "support/markdown.rs"]
mod fenced;

#[path = "adversarial/calls.rs"]
mod adversarial;

const SPEC: &str = "tests/fixtures/calls/campaign.call";
const DIR: &str = "tests/fixtures/calls";

fn callc() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_callc"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    callc().args(args).output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("callc was killed by a signal")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// The JSON records of `--format json`: the diagnostics, then the summary.
fn records(o: &Output) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut all: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = all.pop().expect("a summary record");
    assert!(
        summary.get("code").is_none(),
        "the last record is the summary: {summary}"
    );
    (all, summary)
}

/// The byte offset of a JSON position.
fn byte(position: &serde_json::Value) -> usize {
    usize::try_from(position["byte"].as_u64().unwrap()).unwrap()
}

/// Each diagnostic of a JSON run as `CODE line:column` (the column in UTF-16 units).
fn places(o: &Output) -> Vec<String> {
    records(o)
        .0
        .iter()
        .map(|r| {
            format!(
                "{} {}:{}",
                r["code"].as_str().unwrap(),
                r["range"]["start"]["line"],
                r["range"]["start"]["column"]
            )
        })
        .collect()
}

#[test]
fn the_fixture_spec_is_clean() {
    let o = run(&["check", SPEC]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[test]
fn each_fixture_raises_exactly_its_code() {
    let mut count = 0;
    insta::glob!("fixtures/calls/E0*", |path| {
        count += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let want = name.split('_').next().unwrap().to_owned();
        let shown = format!("{DIR}/{name}");
        let o = run(&["check-calls", SPEC, &shown, "--format", "json"]);
        assert_eq!(code(&o), 1, "{name}: {}", text(&o.stderr));
        let (diagnostics, summary) = records(&o);
        let codes: BTreeSet<&str> = diagnostics.iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(codes, BTreeSet::from([want.as_str()]), "{name}");
        assert_eq!(summary["counts"][&want], diagnostics.len(), "{name}: {summary}");

        let human = run(&["check-calls", SPEC, &shown, "--color", "never"]);
        assert_eq!(code(&human), 1);
        assert!(human.stdout.is_empty());
        let list = String::from_utf8_lossy(&std::fs::read(path).unwrap()).replace('\r', "␍");
        insta::assert_snapshot!(format!("{list}\n=== callc check-calls ===\n{}", text(&human.stderr)));
    });
    assert!(count >= 7, "fixtures missing: found {count}");
}

#[test]
fn one_bad_value_in_each_column_is_reported_at_its_row_and_column() {
    let list = "tests/fixtures/calls/one_bad_value_per_column.csv";
    let o = run(&["check-calls", SPEC, list, "--format", "json"]);
    assert_eq!(code(&o), 1);
    // contract_end, discount, fee, tier, seats, callback, then the empty customer_name;
    // `Lucy 🍀 陈` puts the emoji's two UTF-16 units before `Premium`.
    assert_eq!(
        places(&o),
        [
            "E0404 2:4",
            "E0404 3:15",
            "E0404 4:17",
            "E0405 5:29",
            "E0404 6:30",
            "E0404 7:34",
            "E0403 8:1",
        ]
    );
    let (diagnostics, summary) = records(&o);
    let values: Vec<&str> = diagnostics.iter().map(|r| r["message"].as_str().unwrap()).collect();
    assert!(values[3].starts_with("`Premium`"), "{values:?}");
    assert_eq!(summary["rows"], 7);
    assert_eq!(summary["rows_with_problems"], 7);
    assert_eq!(summary["header_has_problems"], false);
    // The fix for `Premium` replaces exactly the cell.
    let fix = &diagnostics[3]["fix"];
    assert_eq!(fix["replacement"], "premium");
    let bytes = std::fs::read(list).unwrap();
    let (from, to) = (byte(&fix["range"]["start"]), byte(&fix["range"]["end"]));
    assert_eq!(&bytes[from..to], b"Premium");
    insta_cmd::assert_cmd_snapshot!(callc().args(["check-calls", SPEC, list, "--color", "never"]));
    // The short format: one line a problem, the same places (columns in characters).
    let short = run(&["check-calls", SPEC, list, "--format", "short"]);
    let lines: Vec<String> = text(&short.stderr).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 8, "{lines:?}");
    assert!(
        lines[3].starts_with(&format!("{list}:5:28: error[E0405]:")),
        "{}",
        lines[3]
    );
}

#[test]
fn clean_lists_exit_0_with_a_summary() {
    for (list, rows) in [("clean.csv", 4), ("clean.jsonl", 4)] {
        let path = format!("{DIR}/{list}");
        let o = run(&["check-calls", SPEC, &path]);
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        assert!(o.stdout.is_empty());
        assert_eq!(
            text(&o.stderr),
            format!("callc: checked {rows} rows of `{path}`: no problems\n")
        );
        let o = run(&["check-calls", SPEC, &path, "--format", "json"]);
        assert_eq!(code(&o), 0);
        let (diagnostics, summary) = records(&o);
        assert!(diagnostics.is_empty());
        assert_eq!(summary["rows"], rows);
        assert_eq!(summary["counts"], serde_json::json!({}));
    }
}

#[test]
fn a_bom_crlf_and_quoted_cells_across_lines_keep_the_line_numbers() {
    let list = "tests/fixtures/calls/bom_crlf_multiline.csv";
    let o = run(&["check-calls", SPEC, list, "--format", "json"]);
    assert_eq!(code(&o), 1);
    // Row 2 spans lines 2 and 3; row 3 is line 4; row 4 starts on line 5.
    assert_eq!(places(&o), ["E0404 4:14", "E0405 5:15"]);
    let (diagnostics, summary) = records(&o);
    // Byte offsets count the BOM.
    let bytes = std::fs::read(list).unwrap();
    let start = byte(&diagnostics[0]["range"]["start"]);
    assert_eq!(&bytes[start..start + 10], b"2026-11-31");
    assert_eq!(
        diagnostics[1]["message"],
        "`gold\\r\\nplus` is not one of the values of `tier`"
    );
    assert_eq!(summary["rows"], 3);
    insta_cmd::assert_cmd_snapshot!(callc().args(["check-calls", SPEC, list, "--color", "never"]));
}

#[test]
fn standard_input_is_read_with_its_format_given() {
    let list = std::fs::read("tests/fixtures/calls/one_bad_value_per_column.csv").unwrap();
    let mut child = callc()
        .args(["check-calls", SPEC, "-", "--list-format", "csv", "--format", "short"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&list).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(err.starts_with("<stdin>:2:4: error[E0404]:"), "{err}");
    assert!(
        err.ends_with("callc: checked 7 rows of `<stdin>`: 7 problems in 7 rows (1 E0403, 5 E0404, 1 E0405)\n"),
        "{err}"
    );

    // Without `--list-format`, the format of `-` is not known: a usage error.
    let o = run(&["check-calls", SPEC, "-"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("--list-format csv"), "{}", text(&o.stderr));
    let o = run(&["check-calls", "-", "-", "--list-format", "csv"]);
    assert_eq!(code(&o), 2);
    // A name that says nothing either.
    let o = run(&["check-calls", SPEC, "calls.txt"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("cannot tell the format of `calls.txt`"));
}

#[test]
fn a_spec_with_errors_is_reported_and_the_list_not_read() {
    let spec = "tests/fixtures/check/E0102_unknown_next.call";
    // The list does not even exist: it is not opened.
    let o = run(&["check-calls", spec, "no/such/list.csv", "--color", "never"]);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(err.contains("error[E0102]"), "{err}");
    assert!(
        err.ends_with(&format!("callc: the call list was not checked: `{spec}` has errors\n")),
        "{err}"
    );
    assert!(!err.contains("no/such/list.csv"), "{err}");
    // A spec that does not exist is a tool error.
    assert_eq!(code(&run(&["check-calls", "no/such/spec.call", "x.csv"])), 2);
}

#[test]
fn a_list_that_cannot_be_read_is_a_clear_error() {
    // Missing, or a directory: the tool cannot work (exit 2, as `check` does).
    let o = run(&["check-calls", SPEC, "no/such/list.csv"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        text(&o.stderr),
        "callc: error: cannot read `no/such/list.csv`: No such file or directory (os error 2)\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("calls.csv");
    std::fs::create_dir(&folder).unwrap();
    let o = run(&["check-calls", SPEC, folder.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("is a directory"), "{}", text(&o.stderr));

    // Bytes that are not UTF-8 (a GBK export): E0002 at the bad byte, exit
    // 1, and the rows after it are still checked.
    let gbk = dir.path().join("gbk.csv");
    let mut bytes = b"customer_name,contract_end\n".to_vec();
    bytes.extend_from_slice(b"\xD5\xC5\xC7\xBF,2026-12-31\n");
    bytes.extend_from_slice("李娜,2026-12-32\n".as_bytes());
    std::fs::write(&gbk, &bytes).unwrap();
    let o = run(&["check-calls", SPEC, gbk.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 1);
    assert_eq!(places(&o), ["E0002 2:1", "E0404 3:4"]);
    let o = run(&["check-calls", SPEC, gbk.to_str().unwrap(), "--color", "never"]);
    let err = text(&o.stderr);
    assert!(err.contains("error[E0002]: this row is not valid UTF-8"), "{err}");
    assert!(err.contains("help: save the list as UTF-8"), "{err}");
}

#[test]
fn past_max_each_code_is_counted_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.csv");
    let mut list = String::from("customer_name,contract_end,tier\n");
    for i in 0..1000 {
        writeln!(
            list,
            "客户{i},2026-02-30,{}",
            if i % 2 == 0 { "gold" } else { "premium" }
        )
        .unwrap();
    }
    std::fs::write(&path, &list).unwrap();
    let path = path.to_str().unwrap();
    let o = run(&["check-calls", SPEC, path, "--max", "3", "--format", "short"]);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3 + 3 + 3, "{err}");
    assert_eq!(
        lines[6],
        "callc: and 997 more E0404 (a value of the call list that is not of its variable's type) not shown; `--max N` shows more"
    );
    assert_eq!(
        lines[7],
        "callc: and 497 more E0405 (a value of the call list outside its variable's `one_of` set) not shown; `--max N` shows more"
    );
    assert_eq!(
        lines[8],
        format!("callc: checked 1,000 rows of `{path}`: 1,500 problems in 1,000 rows (1,000 E0404, 500 E0405)")
    );
    let o = run(&["check-calls", SPEC, path, "--max", "3", "--format", "json"]);
    let (diagnostics, summary) = records(&o);
    assert_eq!(diagnostics.len(), 6);
    assert_eq!(summary["counts"], serde_json::json!({"E0404": 1000, "E0405": 500}));
    assert_eq!(summary["omitted"], serde_json::json!({"E0404": 997, "E0405": 497}));
    assert_eq!(summary["bytes"], list.len());
    // `--max 0` shows the summary alone.
    let o = run(&["check-calls", SPEC, path, "--max", "0"]);
    assert_eq!(text(&o.stderr).lines().count(), 3);
}

#[test]
fn the_spec_lint_flags_apply_to_the_spec() {
    // The fixture spec is clean; making a lint an error that it does not
    // raise changes nothing, and an unknown lint name is a usage error.
    let o = run(&[
        "check-calls",
        SPEC,
        "tests/fixtures/calls/clean.csv",
        "-D",
        "unused_var",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let o = run(&[
        "check-calls",
        SPEC,
        "tests/fixtures/calls/clean.csv",
        "-D",
        "no_such_lint",
    ]);
    assert_eq!(code(&o), 2);
}

/// The examples of the call list codes' explanations (`callc explain E0404`):
/// the spec (a `call ok` block) is clean, each list (`csv`, `jsonl`) raises
/// exactly the code, each fixed list (`csv ok`, `jsonl ok`) raises nothing.
#[test]
fn the_call_list_explanations_examples_raise_exactly_their_code() {
    let mut pages = 0;
    for code in Code::ALL.iter().filter(|c| c.as_str()[1..].starts_with("04")) {
        pages += 1;
        let blocks = fenced::blocks(code.explanation());
        let specs: Vec<&String> = blocks.iter().filter(|(i, _)| i == "call ok").map(|(_, b)| b).collect();
        assert_eq!(specs.len(), 1, "{code:?}: one ```call ok spec");
        let compiled = callc::compile("spec.call", specs[0].as_bytes(), &LintLevels::default());
        assert!(compiled.diagnostics.is_empty(), "{code:?}: {:#?}", compiled.diagnostics);
        let vars = &compiled.spec.as_ref().unwrap().vars;
        let mut lists = 0;
        for (info, body) in &blocks {
            let (format, ok) = match info.as_str() {
                "csv" => (ListFormat::Csv, false),
                "csv ok" => (ListFormat::Csv, true),
                "jsonl" => (ListFormat::Jsonl, false),
                "jsonl ok" => (ListFormat::Jsonl, true),
                _ => continue,
            };
            lists += usize::from(!ok);
            let options = calls::Options {
                format,
                name: "list".to_owned(),
                max_per_code: 100,
            };
            let (_, summary) = calls::check_bytes(body.as_bytes(), vars, &options);
            let got: BTreeSet<&str> = summary.counts.iter().map(|(c, _)| c.as_str()).collect();
            if ok {
                assert!(got.is_empty(), "{code:?}: the fixed list raises {got:?}:\n{body}");
            } else {
                assert_eq!(got, BTreeSet::from([code.as_str()]), "{code:?}:\n{body}");
            }
        }
        assert!(lists > 0, "{code:?}: no ```csv or ```jsonl example");
    }
    assert_eq!(pages, 7);
}

/// Pieces a hostile call list is made of: the header's names (right and
/// misspelt), every kind of value, good and bad, and what breaks readers —
/// quotes, commas, CR, LF, a BOM, braces, `null`, CJK, emoji, a lone
/// continuation byte, a bidi control.
const PIECES: &[&[u8]] = &[
    b"customer_name",
    b"contract_end",
    b"discount",
    b"fee",
    b"tier",
    b"seats",
    b"callback",
    b"custmer_name",
    b",",
    b"\"",
    b"\"\"",
    b"\r\n",
    b"\n",
    b"\r",
    b" ",
    b"\xEF\xBB\xBF",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"true",
    b"2026-12-31",
    b"2026-02-30",
    b"8.5%",
    b"\xC2\xA51,299",
    b"12.345",
    b"premium",
    b"Premium",
    b"600",
    b"+8613800138000",
    b"138 0013",
    "张强".as_bytes(),
    "🍀".as_bytes(),
    b"\x80",
    b"\xE5",
    "\u{202E}".as_bytes(),
    b"\\",
    b"\\u00e4",
    b"\t",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::with_cases(512)
    })]

    /// Any list, in both formats: no panic, every span inside its record
    /// and on character boundaries, every renderer works, `--max` holds.
    #[test]
    fn any_list_keeps_the_invariants(picks in proptest::collection::vec(0..PIECES.len(), 0..120)) {
        let bytes: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
        adversarial::run(&bytes, vars());
    }
}

/// The campaign's variables, compiled once.
fn vars() -> &'static [callc::ir::Var] {
    static VARS: std::sync::OnceLock<Vec<callc::ir::Var>> = std::sync::OnceLock::new();
    VARS.get_or_init(adversarial::vars)
}

#[test]
fn a_list_in_the_shape_of_the_fixtures_keeps_the_invariants() {
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv" || e == "jsonl") {
            adversarial::run(&std::fs::read(&path).unwrap(), vars());
        }
    }
}
