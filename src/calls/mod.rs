//! Checking a call list — one customer a row, in CSV or JSON Lines —
//! against a spec's per-call variables ([`crate::ir::Var`]) before a
//! campaign starts (`callc check-calls`).
//!
//! Input: a reader of the list's bytes, the variables, [`Options`]. Output:
//! a [`Finding`] for each row with a problem, handed to a [`Sink`] as soon
//! as the row is read, and a [`Summary`] at the end. The list is streamed:
//! what is kept is the current record, and for the duplicate check a 64-bit
//! hash and a line number per distinct row (16 bytes; about 34 MB for a
//! million rows). Each finding carries its record as a window of the file
//! ([`SourceFile::window`]), so that its diagnostics are rendered with the
//! right line numbers and byte offsets without the file being kept.
//!
//! The library opens no file: the command line (`src/cli/check_calls.rs`)
//! does, and renders the findings like every other diagnostic.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, or_list};
use crate::ir::{Need, ValueType, Var};
use crate::source::{Origin, SourceFile, Span};

mod csv;
mod jsonl;

/// The formats a call list can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Comma-separated values with a header row that names the columns.
    Csv,
    /// JSON Lines: one JSON object per line, its keys naming the variables.
    Jsonl,
}

impl ListFormat {
    /// The format a file name's extension says (`.csv`; `.jsonl`,
    /// `.ndjson`), compared without regard to case.
    #[must_use]
    pub fn of_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(ListFormat::Csv),
            "jsonl" | "ndjson" => Some(ListFormat::Jsonl),
            _ => None,
        }
    }
}

/// How to check a list.
#[derive(Clone, Debug)]
pub struct Options {
    /// The list's format.
    pub format: ListFormat,
    /// The list's name as diagnostics show it (the path, or `<stdin>`).
    pub name: String,
    /// How many diagnostics of each code are described in full; past it
    /// they are only counted (see [`Summary::counts`]).
    pub max_per_code: usize,
}

/// The most bytes one record (a CSV record, a JSON line) may take. A
/// longer one is almost always a quote left open, which makes the rest of
/// the file one cell: it is reported (E0407) and checking stops, instead of
/// the whole file being read into memory.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// How often, in rows, [`Sink::progress`] is told.
pub const PROGRESS_ROWS: u64 = 4096;

/// The problems of one record of the list: the record itself, as a window
/// of the file, and its diagnostics (sorted by position), whose spans are
/// byte offsets in the whole file.
#[derive(Debug)]
pub struct Finding {
    /// The record's lines.
    pub file: SourceFile,
    /// What is wrong with it (only those within [`Options::max_per_code`]).
    pub diagnostics: Vec<Diagnostic>,
}

/// How far checking has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Rows read (the header not counted).
    pub rows: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// What was found in the whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows read, the header not counted (a malformed row counts).
    pub rows: u64,
    /// Rows with at least one problem (the header not counted).
    pub rows_with_problems: u64,
    /// Whether the header row of a CSV list has a problem.
    pub header_has_problems: bool,
    /// Bytes read.
    pub bytes: u64,
    /// How many problems of each code, in code order (shown or not).
    pub counts: Vec<(Code, u64)>,
    /// Whether checking stopped before the end of the list (a record too
    /// long to be one, see [`MAX_RECORD_BYTES`]).
    pub stopped: bool,
}

impl Summary {
    /// Problems of every code.
    #[must_use]
    pub fn problems(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// How many problems of `code` were found.
    #[must_use]
    pub fn count(&self, code: Code) -> u64 {
        self.counts.iter().find(|(c, _)| *c == code).map_or(0, |(_, n)| *n)
    }
}

/// Where findings go as they are made.
pub trait Sink {
    /// A record with problems.
    fn finding(&mut self, finding: Finding);
    /// Checking has come this far (every [`PROGRESS_ROWS`] rows).
    fn progress(&mut self, _progress: Progress) {}
}

impl Sink for Vec<Finding> {
    fn finding(&mut self, finding: Finding) {
        self.push(finding);
    }
}

/// Checks a call list read from `reader` against `vars`, handing each
/// record with a problem to `sink` as it is read.
///
/// # Errors
/// When `reader` fails; what was found up to then has been handed to `sink`.
pub fn check(reader: impl Read, vars: &[Var], options: &Options, sink: &mut dyn Sink) -> std::io::Result<Summary> {
    let mut core = Core::new(vars, options);
    match options.format {
        ListFormat::Csv => csv::check(&mut core, reader, sink)?,
        ListFormat::Jsonl => jsonl::check(&mut core, reader, sink)?,
    }
    Ok(core.summary())
}

/// [`check`] of a list held in memory, the findings collected (for tests
/// and small lists).
#[must_use]
pub fn check_bytes(bytes: &[u8], vars: &[Var], options: &Options) -> (Vec<Finding>, Summary) {
    let mut found = Vec::new();
    // Reading a slice cannot fail.
    let summary = check(bytes, vars, options, &mut found).unwrap_or_default();
    (found, summary)
}

/// The codes of the call list, in order (an index into [`Core::counts`]).
const CODES: [Code; 8] = [
    Code::E0002,
    Code::E0401,
    Code::E0402,
    Code::E0403,
    Code::E0404,
    Code::E0405,
    Code::E0406,
    Code::E0407,
];

/// A hash that is already a hash: the duplicate map's keys are 64-bit row
/// hashes, which need no second hashing.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How a value was written, as far as checking it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text: a CSV cell or a JSON string.
    Text,
    /// A JSON number or boolean, checked as its text.
    Scalar,
    /// JSON `null`: absent.
    Null,
    /// A JSON array or object: never a value.
    Compound(&'static str),
}

/// Where a problem is: a cell of a CSV record (its spans are found only
/// when a diagnostic is described), or a span already known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// The 0-based column of a CSV record.
    Column(usize),
    /// A span of the file.
    At(Span),
}

/// A variable's value in one row.
#[derive(Clone, Debug)]
pub(crate) struct Cell<'a> {
    /// The text, unescaped (trimmed when checked).
    pub text: Cow<'a, str>,
    /// How it was written.
    pub kind: Kind,
    /// Where.
    pub place: Place,
}

/// Why a required value is absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Absent {
    /// An empty (or blank) CSV cell or JSON string.
    Empty,
    /// No key in a JSON object.
    NoKey,
    /// JSON `null`.
    Null,
}

/// A problem with a row's values, found cheaply; described (spans looked
/// up, messages written) only when it is shown.
#[derive(Debug)]
pub(crate) enum Problem {
    /// E0403.
    Missing { var: usize, absent: Absent, place: Place },
    /// E0404 (E0405 for a `one_of`): `phrase` says what is wrong.
    Bad {
        var: usize,
        value: String,
        phrase: String,
        place: Place,
        json: bool,
    },
    /// E0404: a JSON array or object.
    Compound {
        var: usize,
        what: &'static str,
        place: Place,
    },
    /// E0406.
    Duplicate { line: u64 },
}

/// The state of a check: the variables, the counts, the rows seen.
pub(crate) struct Core<'v> {
    pub vars: &'v [Var],
    pub name: String,
    max: usize,
    counts: [u64; CODES.len()],
    pub rows: u64,
    rows_with_problems: u64,
    pub header_has_problems: bool,
    pub bytes: u64,
    pub stopped: bool,
    /// Row hash → the line the row starts on.
    seen: HashMap<u64, u64, BuildHasherDefault<Identity>>,
    /// The bytes of the current row's values, for its hash (kept to reuse).
    key: Vec<u8>,
}

impl<'v> Core<'v> {
    fn new(vars: &'v [Var], options: &Options) -> Self {
        Self {
            vars,
            name: options.name.clone(),
            max: options.max_per_code,
            counts: [0; CODES.len()],
            rows: 0,
            rows_with_problems: 0,
            header_has_problems: false,
            bytes: 0,
            stopped: false,
            seen: HashMap::default(),
            key: Vec::with_capacity(256),
        }
    }

    fn summary(&self) -> Summary {
        Summary {
            rows: self.rows,
            rows_with_problems: self.rows_with_problems,
            header_has_problems: self.header_has_problems,
            bytes: self.bytes,
            counts: CODES
                .iter()
                .zip(self.counts)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (*c, n))
                .collect(),
            stopped: self.stopped,
        }
    }

    /// Counts a problem of `code`; whether it is to be described.
    pub fn tally(&mut self, code: Code) -> bool {
        let Some(i) = CODES.iter().position(|c| *c == code) else {
            return false;
        };
        self.counts[i] += 1;
        self.counts[i] <= u64::try_from(self.max).unwrap_or(u64::MAX)
    }

    /// Problems found so far.
    pub fn problems(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Counts a row as having a problem.
    pub fn row_has_problems(&mut self) {
        self.rows_with_problems += 1;
    }

    /// Tells the sink how far checking has come, every [`PROGRESS_ROWS`] rows.
    pub fn progress(&self, sink: &mut dyn Sink) {
        if self.rows.is_multiple_of(PROGRESS_ROWS) {
            sink.progress(Progress {
                rows: self.rows,
                bytes: self.bytes,
            });
        }
    }

    /// A window of the file holding one record, read as `raw` from byte
    /// `start` on 1-based line `line`. A byte that is not UTF-8 becomes
    /// SUB (U+001A, shown as `␚`), one byte for one byte, so that every
    /// span of the record stays where it was (U+FFFD would take three).
    pub fn window(&self, raw: &[u8], start: u64, line: u64) -> SourceFile {
        let mut text = String::with_capacity(raw.len());
        for chunk in raw.utf8_chunks() {
            text.push_str(chunk.valid());
            text.extend(std::iter::repeat_n('\u{1A}', chunk.invalid().len()));
        }
        SourceFile::window(
            self.name.clone(),
            text,
            Origin {
                byte: to_usize(start),
                line: to_usize(line.saturating_sub(1)),
            },
        )
    }

    /// Checks one row's values (`cells(i)` is variable `i`'s, `None` when
    /// the row does not give it) and whether the row repeats an earlier
    /// one. Returns the problems to describe; every problem is counted.
    /// In a JSON line, a value that is not given is a problem of the row;
    /// in CSV, it is the header's (E0401), reported once.
    pub fn check_values<'a>(
        &mut self,
        cells: impl Fn(usize) -> Option<Cell<'a>>,
        line: u64,
        json: bool,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut any = false;
        // The row's values, each ended by a byte UTF-8 never holds, hashed
        // at once (a write per value costs SipHash its buffering each time).
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        for (i, var) in self.vars.iter().enumerate() {
            let cell = cells(i);
            let cell = cell.as_ref();
            let text = cell.map_or("", |c| trimmed(&c.text));
            key.extend_from_slice(text.as_bytes());
            key.push(if cell.is_some_and(|c| c.kind != Kind::Null) {
                0xFF
            } else {
                0xFE
            });
            let Some(cell) = cell else {
                if json && var.need == Need::Required {
                    any = true;
                    if self.tally(Code::E0403) {
                        problems.push(Problem::Missing {
                            var: i,
                            absent: Absent::NoKey,
                            place: Place::At(Span::default()),
                        });
                    }
                }
                continue;
            };
            let absent = match cell.kind {
                Kind::Null => Some(Absent::Null),
                Kind::Text | Kind::Scalar if text.is_empty() => Some(Absent::Empty),
                _ => None,
            };
            if let Some(absent) = absent {
                if var.need == Need::Required {
                    any = true;
                    if self.tally(Code::E0403) {
                        problems.push(Problem::Missing {
                            var: i,
                            absent,
                            place: cell.place,
                        });
                    }
                }
                continue;
            }
            if let Kind::Compound(what) = cell.kind {
                any = true;
                if self.tally(Code::E0404) {
                    problems.push(Problem::Compound {
                        var: i,
                        what,
                        place: cell.place,
                    });
                }
                continue;
            }
            if var.kind == ValueType::Text {
                continue;
            }
            if let Err(phrase) = var.kind.parse(text) {
                any = true;
                let code = if matches!(var.kind, ValueType::OneOf(_)) {
                    Code::E0405
                } else {
                    Code::E0404
                };
                if self.tally(code) {
                    problems.push(Problem::Bad {
                        var: i,
                        value: text.to_owned(),
                        phrase,
                        place: cell.place,
                        json,
                    });
                }
            }
        }
        let mut hash = std::hash::DefaultHasher::new();
        hash.write(&key);
        self.key = key;
        let earlier = match self.seen.entry(hash.finish()) {
            std::collections::hash_map::Entry::Occupied(earlier) => Some(*earlier.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        };
        if let Some(line) = earlier {
            any = true;
            if self.tally(Code::E0406) {
                problems.push(Problem::Duplicate { line });
            }
        }
        if any {
            self.row_has_problems();
        }
        problems
    }

    /// The diagnostic of a problem; `span` is where the problem's place is
    /// (for a CSV cell, looked up by the caller), `row` the whole record.
    pub fn describe(&self, problem: &Problem, span: Span, row: Span) -> Diagnostic {
        match problem {
            Problem::Missing { var, absent, .. } => {
                let var = &self.vars[*var];
                let (message, label, span) = match absent {
                    Absent::Empty => (
                        format!("`{}` is required, and this row leaves it empty", var.id),
                        format!("no `{}`", var.id),
                        span,
                    ),
                    Absent::Null => (
                        format!("`{}` is required, and this row gives it as `null`", var.id),
                        format!("no `{}`", var.id),
                        span,
                    ),
                    Absent::NoKey => (
                        format!("`{}` is required, and this row does not give it", var.id),
                        format!("this row has no `{}` key", var.id),
                        row,
                    ),
                };
                Diagnostic::new(Code::E0403, span, message)
                    .label(label)
                    .note("an empty value is an absent one; only `optional` and `default` variables may be absent")
                    .help(format!("give every call a `{}` ({})", var.id, what_value(var)))
            }
            Problem::Bad {
                var,
                value,
                phrase,
                json,
                ..
            } => {
                let var = &self.vars[*var];
                if let ValueType::OneOf(words) = &var.kind {
                    let listed: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                    let d = Diagnostic::new(
                        Code::E0405,
                        span,
                        format!("`{}` is not one of the values of `{}`", one_line(value), var.id),
                    )
                    .label(format!("expected {}", or_list(&listed)));
                    return match closest_word(value, words) {
                        Some(w) => {
                            let replacement = if *json { format!("\"{w}\"") } else { w.to_owned() };
                            d.help(format!("did you mean `{w}`?")).fix(span, replacement)
                        }
                        None => d.help(format!("write one of {} (spelt as in the spec)", or_list(&listed))),
                    };
                }
                let (head, tail) = phrase.split_once(": ").unwrap_or((phrase.as_str(), ""));
                let message = if head.starts_with("not ") {
                    format!("`{}` is {head}", one_line(value))
                } else {
                    format!("`{}` is out of range for `{}`", one_line(value), var.id)
                };
                let label = if head.starts_with("not ") {
                    format!("`{}` is {}", var.id, a_type(&var.kind))
                } else {
                    head.to_owned()
                };
                let mut d = Diagnostic::new(Code::E0404, span, message).label(label);
                // A date written right but not on the calendar says why;
                // otherwise the type says what it expects.
                match (&var.kind, calendar_note(value)) {
                    (ValueType::Date, Some(why)) => d = d.note(why),
                    _ if !tail.is_empty() => d = d.note(tail),
                    _ => {}
                }
                if let ValueType::Integer { min, max } = var.kind {
                    d = d.help(format!("`{}` takes {}", var.id, whole_numbers(min, max)));
                } else if let Some(sample) = var.sample().filter(|s| !tail.contains(&format!("`{s}`"))) {
                    d = d.help(format!("write it as the spec's example is written: `{sample}`"));
                }
                d
            }
            Problem::Compound { var, what, .. } => {
                let var = &self.vars[*var];
                Diagnostic::new(Code::E0404, span, format!("a JSON {what} is not a value of `{}`", var.id))
                    .label(format!("`{}` is {}", var.id, a_type(&var.kind)))
                    .note("a value is a JSON string, number or boolean")
                    .help(format!("write {}", what_value(var)))
            }
            Problem::Duplicate { line } => {
                Diagnostic::new(Code::E0406, row, format!("this row repeats the row at line {line}"))
                    .label(format!("the same values as line {line}"))
                    .note("the same call would be placed twice; rows are compared on the variables' values (by a 64-bit hash of them)")
                    .help(format!("remove this row, or the one at line {line}"))
            }
        }
    }
}

/// `s` without white space around it, as `str::trim`, without walking a
/// value that has none (most: a CJK name is decoded char by char by `trim`).
fn trimmed(s: &str) -> &str {
    let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if edge(s.chars().next()) || edge(s.chars().next_back()) {
        s.trim()
    } else {
        s
    }
}

/// A value as a message quotes it: on one line (line breaks and tabs
/// written `\n`, `\r`, `\t`), at most 60 characters.
fn one_line(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Why `value`, written `YYYY-MM-DD`, is not a calendar date ("2026-02
/// has 28 days"); `None` when it is not written so.
fn calendar_note(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&month) {
        return Some(format!("a year has 12 months; `{month:02}` is not one"));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (day == 0 || day > days).then(|| format!("{year}-{month:02} has {days} days"))
}

/// Whole numbers within optional bounds, in words: "a whole number from 1
/// to 500".
fn whole_numbers(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("a whole number from {lo} to {hi}"),
        (Some(lo), None) => format!("a whole number of at least {lo}"),
        (None, Some(hi)) => format!("a whole number of at most {hi}"),
        (None, None) => "a whole number".to_owned(),
    }
}

/// What a value of the variable looks like: "text, such as `张强`".
fn what_value(var: &Var) -> String {
    let what = a_type(&var.kind);
    match var.sample() {
        Some(s) => format!("{what}, such as `{s}`"),
        None => what,
    }
}

/// The type with an article: "a `date`", "an `email`", "a `money(CNY)`".
fn a_type(kind: &ValueType) -> String {
    let written = kind.written();
    let article = if matches!(kind, ValueType::Integer { .. } | ValueType::Email) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{written}`")
}

/// The word of a `one_of` that `value` most likely meant: the same but for
/// case or surrounding punctuation, else the closest by edit distance.
fn closest_word<'w>(value: &str, words: &'w [String]) -> Option<&'w str> {
    let folded = value.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    if let Some(w) = words.iter().find(|w| w.to_lowercase() == folded) {
        return Some(w);
    }
    let candidates: Vec<&str> = words.iter().map(String::as_str).collect();
    crate::check::suggest_name(value, &candidates)
}

/// A file offset as `usize` (saturating on 32-bit targets).
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The span of the whole of `raw` at `start` without its line break.
fn row_span(raw: &[u8], start: u64) -> Span {
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    let start = to_usize(start);
    Span::new(start, start + end)
}

/// An E0002 for a record that is not UTF-8: the span of the first bad
/// sequence (the window holds a SUB for each of its bytes).
fn not_utf8(raw: &[u8], start: u64) -> Diagnostic {
    let (at, len) = std::str::from_utf8(raw).err().map_or((0, 1), |e| {
        (e.valid_up_to(), e.error_len().unwrap_or(raw.len() - e.valid_up_to()))
    });
    let from = to_usize(start) + at;
    Diagnostic::new(
        Code::E0002,
        Span::new(from, from + len.max(1)),
        "this row is not valid UTF-8",
    )
    .label("this byte sequence is not UTF-8")
    .note("the row was not checked further")
    .help("save the list as UTF-8 (callc reads no other encoding; spreadsheets offer \"CSV UTF-8\")")
}

/// The closest variable id to an unknown column or key, for a did-you-mean.
fn closest_var<'v>(name: &str, vars: &'v [Var]) -> Option<&'v str> {
    let ids: Vec<&str> = vars.iter().map(|v| v.id.as_str()).collect();
    if let Some(v) = ids.iter().find(|id| id.eq_ignore_ascii_case(name.trim())) {
        return Some(v);
    }
    crate::check::suggest_name(name.trim(), &ids)
}

/// E0402 for an unknown column (or key) `name` at `span`; `quoted` makes the
/// fix a JSON string.
/// `taken[v]` says whether variable `v` already has its column (or key):
/// a did-you-mean that names it does not offer a rename.
fn unknown_column(name: &str, span: Span, vars: &[Var], taken: &[bool], what: &str, quoted: bool) -> Diagnostic {
    if name.trim().is_empty() {
        return Diagnostic::new(Code::E0402, span, format!("a {what} with no name"))
            .label("no variable is called this")
            .help(if quoted {
                "remove the key, or name it after a variable of the spec".to_owned()
            } else {
                "remove the column (a comma at the end of the header row makes one), or name it after a variable of the spec"
                    .to_owned()
            });
    }
    let mut d = Diagnostic::new(Code::E0402, span, format!("unknown {what} `{}`", one_line(name.trim())))
        .label("no variable of the spec is called this");
    if vars.is_empty() {
        return d
            .note("the spec declares no per-call variables (`vars { … }`)")
            .help(format!("remove the {what}, or declare a variable for it in the spec"));
    }
    let near = closest_var(name, vars).and_then(|id| Some((id, vars.iter().position(|v| v.id == id)?)));
    match near {
        Some((id, v)) if taken.get(v).copied().unwrap_or(false) => d
            .note(format!("it is close to `{id}`, which the list has already"))
            .help(format!("remove this {what}, or merge it into `{id}`")),
        Some((id, _)) => {
            let replacement = if quoted { format!("\"{id}\"") } else { id.to_owned() };
            d.help(format!("did you mean `{id}`?")).fix(span, replacement)
        }
        None => {
            let mut ids: Vec<String> = vars.iter().take(12).map(|v| format!("`{}`", v.id)).collect();
            if vars.len() > 12 {
                ids.push(format!("{} more", vars.len() - 12));
            }
            d = d.note(format!(
                "the variables are {}",
                or_list(&ids).replacen(" or ", " and ", 1)
            ));
            d.help(format!("remove the {what}, or declare a variable for it in the spec"))
        }
    }
}

#[cfg(test)]
mod tests;
