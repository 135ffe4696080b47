//! Hostile inputs for the built `callc` binary: empty, random, truncated,
//! huge, deeply nested, NUL-laden and mis-encoded files. For every one,
//! callc must finish, must not panic or die of a signal, must report a
//! diagnostic with a real position (exit 1) — or exit 2 only when the path
//! cannot be read at all — and must keep its output small, however large
//! the input or its lines are.
//!
//! Every run goes through a watchdog (120 s, then the child is killed and the
//! test fails): a guard against hangs, not a speed assertion.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsStr;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// How long one run of callc may take before it counts as a hang.
const WATCHDOG: Duration = Duration::from_secs(120);
/// The most output (stdout + stderr) one run may print.
const MAX_OUTPUT: usize = 16 * 1024;
/// The reference spec the hostile variants are made from.
const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/taishan_renewal.call");

const BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------
// Running callc
// ---------------------------------------------------------------------------

/// Reads a child's pipe to the end on its own thread, so that a child that
/// writes a lot never blocks on a full pipe while we wait for it.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    let mut pipe = pipe.expect("piped stream");
    thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).expect("reading callc's output");
        bytes
    })
}

/// Waits for the child, polling; kills it and fails the test after [`WATCHDOG`].
fn wait_with_watchdog(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + WATCHDOG;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait().expect("waiting for callc") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "callc {what} did not finish within {} s: killed (a hang)",
                WATCHDOG.as_secs()
            );
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Runs the built binary with `args` (standard input empty) under the watchdog.
fn run_args<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let what = format!("{:?}", args.iter().map(AsRef::as_ref).collect::<Vec<_>>());
    let mut child = Command::new(env!("CARGO_BIN_EXE_callc"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting callc");
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let status = wait_with_watchdog(&mut child, &what);
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// One hostile input written to its own temporary directory.
struct Input {
    _dir: TempDir,
    path: PathBuf,
}

impl Input {
    fn new(bytes: &[u8]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("input.call");
        std::fs::write(&path, bytes).expect("writing the input");
        Self { _dir: dir, path }
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// `callc check [--format FORMAT] FILE`; `None` is the default (human) format.
    fn check(&self, format: Option<&str>) -> Output {
        let mut args: Vec<&OsStr> = vec![OsStr::new("check")];
        if let Some(f) = format {
            args.extend([OsStr::new("--format"), OsStr::new(f)]);
        }
        args.push(self.path.as_os_str());
        run_args(&args)
    }
}

/// `callc check [--format FORMAT] FILE` on a fresh file holding `input`.
fn run(format: Option<&str>, input: &[u8]) -> Output {
    Input::new(input).check(format)
}

// ---------------------------------------------------------------------------
// What every run must satisfy
// ---------------------------------------------------------------------------

/// The start of a stream, for failure messages (never megabytes of it).
fn show(bytes: &[u8]) -> String {
    const SHOWN: usize = 3000;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN)]).into_owned();
    if bytes.len() > SHOWN {
        format!("{text}… ({} bytes in all)", bytes.len())
    } else {
        text
    }
}

fn describe(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        show(&out.stdout),
        show(&out.stderr)
    )
}

/// No signal, no abort, no panic, a documented exit code, bounded output.
fn assert_sane(out: &Output, what: &str) {
    let code = out.status.code();
    assert!(
        code.is_some(),
        "{what}: callc was killed by a signal (stack overflow or abort?)\n{}",
        describe(out)
    );
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("panicked"),
            "{what}: callc panicked ({stream})\n{}",
            describe(out)
        );
    }
    assert!(
        matches!(code, Some(0..=2)),
        "{what}: exit code {code:?} is not 0, 1 or 2\n{}",
        describe(out)
    );
    let total = out.stdout.len() + out.stderr.len();
    assert!(
        total < MAX_OUTPUT,
        "{what}: {total} bytes of output, the limit is {MAX_OUTPUT}\n{}",
        describe(out)
    );
}

/// One line of `--format short`: `FILE:LINE:COL: SEVERITY[CODE]: MESSAGE`.
#[derive(Debug)]
struct Short {
    line: usize,
    col: usize,
    severity: String,
    code: String,
    message: String,
}

fn parse_short(line: &str, file: &str) -> Short {
    let rest = line
        .strip_prefix(file)
        .unwrap_or_else(|| panic!("short diagnostic does not start with the file name `{file}`: {line}"));
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [empty, l, c, head, message] = parts.as_slice() else {
        panic!("short diagnostic is not `FILE:LINE:COL: severity[CODE]: message`: {line}");
    };
    assert!(empty.is_empty(), "no `:` after the file name: {line}");
    let number = |s: &str, what: &str| -> usize {
        let n: usize = s
            .parse()
            .unwrap_or_else(|_| panic!("the {what} `{s}` is not a number: {line}"));
        assert!(n >= 1, "the {what} must be at least 1: {line}");
        n
    };
    let (line_no, col) = (number(l, "line"), number(c, "column"));
    let head = head
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("no space after `FILE:LINE:COL:`: {line}"));
    let (severity, code) = head
        .strip_suffix(']')
        .and_then(|h| h.split_once('['))
        .unwrap_or_else(|| panic!("no `severity[CODE]` in: {line}"));
    assert!(
        code.len() == 5 && code[1..].bytes().all(|b| b.is_ascii_digit()),
        "`{code}` does not look like a code: {line}"
    );
    Short {
        line: line_no,
        col,
        severity: severity.to_owned(),
        code: code.to_owned(),
        message: message.trim_start().to_owned(),
    }
}

/// What callc said about one input, in all three formats.
struct Report {
    name: String,
    code: i32,
    human: Output,
    short: Vec<Short>,
    json: Vec<Value>,
}

impl Report {
    /// The first diagnostic with `code`, as a short line.
    fn first(&self, code: &str) -> &Short {
        self.short
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{}: no {code} among {:?}", self.name, self.short))
    }
}

/// Checks `input` in human, short and JSON format, checks what every run must
/// satisfy and that the three agree, and parses the diagnostics.
fn examine_input(input: &Input, what: &str) -> Report {
    let name = input.name();
    let human = input.check(None);
    let short = input.check(Some("short"));
    let json = input.check(Some("json"));
    assert_sane(&human, &format!("{what} (human)"));
    assert_sane(&short, &format!("{what} (short)"));
    assert_sane(&json, &format!("{what} (json)"));
    let code = human.status.code().unwrap_or(-1);
    assert_eq!(
        (short.status.code(), json.status.code()),
        (Some(code), Some(code)),
        "{what}: the exit code depends on --format\n{}",
        describe(&human)
    );
    assert!(
        human.stdout.is_empty(),
        "{what}: human format wrote to stdout\n{}",
        describe(&human)
    );
    assert!(
        short.stdout.is_empty(),
        "{what}: short format wrote to stdout\n{}",
        describe(&short)
    );
    assert!(
        json.stderr.is_empty(),
        "{what}: json format wrote to stderr\n{}",
        describe(&json)
    );

    let short_text = String::from_utf8(short.stderr.clone()).expect("short output is UTF-8");
    let shorts: Vec<Short> = short_text.lines().map(|l| parse_short(l, &name)).collect();
    let json_text = String::from_utf8(json.stdout.clone()).expect("json output is UTF-8");
    let records: Vec<Value> = json_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {l}")))
        .collect();
    assert_eq!(
        shorts.len(),
        records.len(),
        "{what}: short and json formats report different numbers of diagnostics\n{short_text}\n{json_text}"
    );
    for (s, j) in shorts.iter().zip(&records) {
        let start = &j["range"]["start"];
        let line = start["line"].as_u64().unwrap_or(0);
        assert!(line >= 1, "{what}: json range.start.line must be >= 1: {j}");
        assert!(
            start["column"].as_u64().unwrap_or(0) >= 1,
            "{what}: json column must be >= 1: {j}"
        );
        assert_eq!(
            j["code"].as_str(),
            Some(s.code.as_str()),
            "{what}: json and short disagree: {j}"
        );
        assert_eq!(
            usize::try_from(line).ok(),
            Some(s.line),
            "{what}: json and short disagree: {j}"
        );
    }
    Report {
        name,
        code,
        human,
        short: shorts,
        json: records,
    }
}

fn examine(bytes: &[u8], what: &str) -> Report {
    examine_input(&Input::new(bytes), what)
}

/// Exit 1 with an error `code` that has a span, in every format.
fn assert_error(report: &Report, code: &str, what: &str) {
    assert_eq!(
        report.code,
        1,
        "{what}: expected exit 1 (a diagnostic about the input)\n{}",
        describe(&report.human)
    );
    let d = report.first(code);
    assert_eq!(d.severity, "error", "{what}: {code} is not an error: {d:?}");
    assert!(
        report.json.iter().any(|j| j["code"] == code),
        "{what}: no {code} in the json output"
    );
    let human = String::from_utf8_lossy(&report.human.stderr);
    assert!(
        human.contains(&format!("error[{code}]")),
        "{what}: no error[{code}] in the human output\n{}",
        describe(&report.human)
    );
}

fn expect_error(bytes: &[u8], code: &str, what: &str) -> Report {
    let report = examine(bytes, what);
    assert_error(&report, code, what);
    report
}

/// Exit 0 and nothing printed, in every format.
fn expect_clean(bytes: &[u8], what: &str) {
    let report = examine(bytes, what);
    assert_eq!(
        report.code,
        0,
        "{what}: expected a clean check\n{}",
        describe(&report.human)
    );
    assert!(
        report.human.stderr.is_empty() && report.short.is_empty() && report.json.is_empty(),
        "{what}: expected no output\n{}",
        describe(&report.human)
    );
}

// ---------------------------------------------------------------------------
// Building inputs
// ---------------------------------------------------------------------------

fn reference() -> Vec<u8> {
    std::fs::read(REFERENCE).expect("reading the reference spec")
}

/// The byte offset of the first `needle` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> usize {
    hay[from..].windows(needle.len()).position(|w| w == needle).map_or_else(
        || panic!("`{}` not found", String::from_utf8_lossy(needle)),
        |i| i + from,
    )
}

/// `bytes` with `insert` put at `at`.
fn splice(bytes: &[u8], at: usize, insert: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + insert.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(insert);
    out.extend_from_slice(&bytes[at..]);
    out
}

/// The 1-based line and character column that follow `prefix` (valid UTF-8).
fn line_col(prefix: &[u8]) -> (usize, usize) {
    let text = std::str::from_utf8(prefix).expect("prefix is UTF-8");
    let line = text.matches('\n').count() + 1;
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..].chars().count() + 1)
}

/// The reference spec on one line: comment lines dropped (a `//` comment
/// would otherwise run to the end of the file), line breaks made spaces.
fn one_line_reference() -> Vec<u8> {
    let text = String::from_utf8(reference()).expect("reference is UTF-8");
    let joined = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!joined.contains("//"), "the reference spec has a trailing comment");
    joined.into_bytes()
}

/// Ten million bytes of string content.
fn ten_mb_of_text() -> Vec<u8> {
    vec![b'x'; 10_000_000]
}

/// Deterministic pseudo-random bytes (xorshift64), with 0xFF bytes planted
/// so that they can never be valid UTF-8.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = Vec::with_capacity(len);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    for i in (1000..len).step_by(4096) {
        bytes[i] = 0xFF;
    }
    bytes
}

// ---------------------------------------------------------------------------
// The inputs
// ---------------------------------------------------------------------------

#[test]
fn reference_spec_is_clean() {
    // The base of most inputs below must itself check cleanly.
    expect_clean(&reference(), "the reference spec");
    expect_clean(&one_line_reference(), "the reference spec on one line");
}

#[test]
fn empty_file() {
    let r = expect_error(b"", "E0001", "an empty file");
    let d = r.first("E0001");
    assert_eq!((d.line, d.col), (1, 1), "{d:?}");
    assert!(
        d.message.contains("`call`") && d.message.contains("end of the file"),
        "expected `call`, found the end of the file: {d:?}"
    );
}

#[test]
fn random_bytes_are_not_utf8() {
    let bytes = random_bytes(64 * 1024);
    assert!(bytes.contains(&0xFF));
    let bad = std::str::from_utf8(&bytes)
        .expect_err("0xFF is never UTF-8")
        .valid_up_to();
    let r = expect_error(&bytes, "E0002", "64 KiB of random bytes");
    let d = r.first("E0002");
    assert_eq!(
        (d.line, d.col),
        line_col(&bytes[..bad]),
        "E0002 must point at the first bad byte: {d:?}"
    );
}

#[test]
fn invalid_utf8_inside_a_string() {
    let spec = reference();
    // Inside the `title` string, after its first two characters.
    let at = find(&spec, "title  \"老客".as_bytes(), 0) + "title  \"老客".len();
    let bytes = splice(&spec, at, b"\xFF\xFE");
    let r = expect_error(&bytes, "E0002", "\\xFF\\xFE inside the title string");
    let d = r.first("E0002");
    assert_eq!((d.line, d.col), line_col(&spec[..at]), "{d:?}");
    assert_eq!(d.line, 4, "the title is on line 4: {d:?}");
}

#[test]
fn nul_between_tokens() {
    let spec = reference();
    let at = find(&spec, b"  title", 0) + 2;
    let bytes = splice(&spec, at, b"\0");
    let r = expect_error(&bytes, "E0001", "a NUL before `title`");
    let d = r.first("E0001");
    assert_eq!((d.line, d.col), line_col(&spec[..at]), "{d:?}");
    assert!(d.message.contains("NUL"), "the message should name the NUL byte: {d:?}");

    // Between `call` and the id, in place of the space.
    let at = find(&spec, b"call taishan_renewal", 0) + 4;
    let mut bytes = spec.clone();
    bytes[at] = 0;
    let r = expect_error(&bytes, "E0001", "a NUL after `call`");
    assert_eq!(r.first("E0001").line, line_col(&spec[..at]).0);
}

#[test]
fn nul_inside_a_string() {
    // A raw NUL inside a string is invisible and truncates text in C-based
    // runtimes: an error whose fix is the `\0` escape.
    let spec = reference();
    let at = find(&spec, "\"李明\"".as_bytes(), 0) + 1;
    let bytes = splice(&spec, at, b"\0");
    let r = examine(&bytes, "a NUL inside a string");
    assert_eq!(
        r.code,
        1,
        "a NUL inside a string: exit {}\n{}",
        r.code,
        describe(&r.human)
    );
    let d = r.first("E0001");
    assert!(d.message.contains("U+0000"), "{}", d.message);
}

#[test]
fn truncated_reference_spec() {
    let spec = reference();
    let text = std::str::from_utf8(&spec).expect("reference is UTF-8");
    let mut cut = 97;
    let mut cuts = 0;
    while cut < spec.len() {
        let mut at = cut;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        cut += 97;
        let what = format!("the reference spec cut after byte {at}");
        let r = examine(&spec[..at], &what);
        cuts += 1;
        if text[..at].trim_end() == text.trim_end() {
            // Only trailing whitespace is gone: still the whole spec.
            assert!(matches!(r.code, 0 | 1), "{what}: exit {}", r.code);
            continue;
        }
        assert_eq!(r.code, 1, "{what}: expected exit 1\n{}", describe(&r.human));
        assert!(
            r.short.iter().any(|d| d.severity == "error"),
            "{what}: exit 1 without an error diagnostic\n{}",
            describe(&r.human)
        );
    }
    assert!(cuts > 100, "only {cuts} cuts");
}

#[test]
fn unterminated_line_string_at_end_of_file() {
    let spec = reference();
    let start = find(&spec, "say \"我们已合作".as_bytes(), 0);
    let at = start + "say \"我们已合作".len();
    let r = expect_error(&spec[..at], "E0001", "a file ending inside a one-line string");
    let d = r.first("E0001");
    assert!(d.message.contains("unterminated"), "{d:?}");
    assert_eq!(
        (d.line, d.col),
        line_col(&spec[..start + 4]),
        "should point at the opening quote: {d:?}"
    );

    let r = expect_error(
        b"call x {\n  title \"abc",
        "E0001",
        "a short file ending inside a string",
    );
    let d = r.first("E0001");
    assert!(d.message.contains("unterminated"), "{d:?}");
    assert_eq!((d.line, d.col), (2, 9), "{d:?}");
}

#[test]
fn unterminated_block_string_at_end_of_file() {
    let spec = reference();
    let start = find(&spec, b"persona \"\"\"", 0) + "persona ".len();
    let at = find(&spec, "长江公司老客户".as_bytes(), start) + "长江公司老客户".len();
    let r = expect_error(&spec[..at], "E0001", "a file ending inside a \"\"\" block");
    let d = r.first("E0001");
    assert!(
        d.message.contains("unterminated"),
        "a file ending inside a \"\"\" block: {d:?}"
    );
    assert_eq!(
        (d.line, d.col),
        line_col(&spec[..start]),
        "should point at the opening \"\"\": {d:?}"
    );

    let r = expect_error(
        b"call x {\n  title \"\"\"\n    abc\n",
        "E0001",
        "a short file ending inside a block",
    );
    let d = r.first("E0001");
    assert!(
        d.message.contains("unterminated"),
        "a short file ending inside a block: {d:?}"
    );
    assert_eq!((d.line, d.col), (2, 9), "{d:?}");
}

#[test]
fn deeply_nested_braces() {
    for depth in [10_000, 200_000] {
        let mut bytes = b"call x ".to_vec();
        bytes.resize(bytes.len() + depth, b'{');
        let what = format!("{depth} nested `{{`");
        let r = expect_error(&bytes, "E0001", &what);
        assert_eq!(r.first("E0001").line, 1, "{what}");
    }
}

#[test]
fn fifty_megabyte_file() {
    let spec = reference();
    let greet = find(&spec, b"step greet", 0);
    let after_say = find(&spec, b"\n", find(&spec, b"say", greet)) + 1;
    let line = "      say \"您好，请问是{callee.org}的{callee.name}吗？\"\n".as_bytes();
    let target = 50 * 1024 * 1024 + 1;
    let mut bytes = Vec::with_capacity(target + spec.len() + line.len());
    bytes.extend_from_slice(&spec[..after_say]);
    while bytes.len() + spec.len() - after_say <= target {
        bytes.extend_from_slice(line);
    }
    bytes.extend_from_slice(&spec[after_say..]);
    assert!(bytes.len() > 50 * 1024 * 1024);
    let r = expect_error(&bytes, "E0003", "a 50 MB file");
    let d = r.first("E0003");
    assert_eq!((d.line, d.col), (1, 1), "{d:?}");
    assert_eq!(r.short.len(), 1, "nothing else is checked: {:?}", r.short);
}

#[test]
fn ten_megabyte_line_with_a_syntax_error() {
    let spec = one_line_reference();
    let open = find(&spec, b"say \"", 0) + "say \"".len();
    let close = find(&spec, b"\"", open) + 1;
    let mut bytes = Vec::with_capacity(spec.len() + 10_000_010);
    bytes.extend_from_slice(&spec[..open]);
    bytes.extend_from_slice(&ten_mb_of_text());
    bytes.extend_from_slice(&spec[open..close]);
    bytes.push(b' ');
    let error_at = bytes.len();
    bytes.extend_from_slice(b"]");
    bytes.extend_from_slice(&spec[close..]);
    assert!(!bytes.contains(&b'\n'));
    let r = expect_error(&bytes, "E0001", "a 10 MB line with `]` after its long string");
    let d = r.first("E0001");
    assert_eq!(
        (d.line, d.col),
        line_col(&bytes[..error_at]),
        "should point at the `]`: {d:?}"
    );
    assert!(d.message.contains("`]`"), "{d:?}");
}

#[test]
fn ten_megabyte_line_that_is_valid() {
    let spec = one_line_reference();
    let open = find(&spec, b"say \"", 0) + "say \"".len();
    let bytes = splice(&spec, open, &ten_mb_of_text());
    assert!(bytes.len() > 10_000_000 && !bytes.contains(&b'\n'));
    expect_clean(&bytes, "a valid spec on one 10 MB line");
}

#[test]
fn crlf_and_bom() {
    let spec = reference();
    let mut bytes = BOM.to_vec();
    for &b in &spec {
        if b == b'\n' {
            bytes.push(b'\r');
        }
        bytes.push(b);
    }
    expect_clean(&bytes, "the reference spec with a BOM and CRLF line breaks");
}

#[test]
fn only_a_bom() {
    let r = expect_error(BOM, "E0001", "a file that is only a BOM");
    assert_eq!(r.first("E0001").line, 1);
}

#[test]
fn path_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no_such_spec.call");
    for format in [None, Some("short"), Some("json")] {
        let mut args: Vec<&OsStr> = vec![OsStr::new("check")];
        if let Some(f) = format {
            args.extend([OsStr::new("--format"), OsStr::new(f)]);
        }
        args.push(path.as_os_str());
        let out = run_args(&args);
        let what = format!("a missing file ({format:?})");
        assert_sane(&out, &what);
        assert_eq!(out.status.code(), Some(2), "{what}\n{}", describe(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&path.display().to_string()),
            "{what}: the message should name the path\n{}",
            describe(&out)
        );
    }
}

#[test]
fn directory_without_call_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), b"not a spec").expect("writing");
    let out = run_args(&[OsStr::new("check"), dir.path().as_os_str()]);
    assert_sane(&out, "a directory without .call files");
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&dir.path().display().to_string()),
        "the message should name the directory\n{}",
        describe(&out)
    );
}

#[test]
fn run_helper_reports_the_file() {
    // The one-call helper, on a bad input: the human format names the file
    // and the position.
    let out = run(None, b"call x {\n  ]\n}\n");
    assert_sane(&out, "a stray `]`");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let human = String::from_utf8_lossy(&out.stderr);
    assert!(human.contains("input.call:2:3"), "{human}");
}
