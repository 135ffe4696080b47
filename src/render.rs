//! Diagnostic surfaces: the terminal (codespan-reporting), one line per
//! diagnostic (`--format short`) and JSON Lines (`--format json`, documented
//! in docs/diagnostics.md). The language server converts the same
//! [`Diagnostic`] itself.
//!
//! Snippets are cut: a label on a very long line (a 10 MB one-line file)
//! shows a window of that line, never the whole line.

use std::fmt::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// Lines longer than this (in bytes) are shown as a window around the labels.
const MAX_LINE: usize = 240;
/// Bytes of context kept on each side of the labels in a window.
const CONTEXT: usize = 60;
/// Labels are cut to this many bytes for display.
const MAX_LABEL: usize = 120;

/// One line of an excerpt: which real line, and where its window sits.
struct ExLine {
    real_line: usize,
    /// Where the line starts in the excerpt text.
    ex_start: usize,
    /// Its length in the excerpt (without the joining line break).
    ex_len: usize,
    /// The source byte the window starts at.
    real_start: usize,
    /// Bytes of the `…` put before the window.
    prefix: usize,
    /// Characters shown in another form that takes more bytes (a control
    /// character as its picture): each one's source byte and the bytes
    /// added up to and including it, in source order.
    shifts: Vec<(usize, usize)>,
}

/// The lines a diagnostic's labels touch, each cut to a window if long.
struct Excerpt<'a> {
    file: &'a SourceFile,
    /// The file's name, safe to print.
    name: String,
    text: String,
    lines: Vec<ExLine>,
}

impl<'a> Excerpt<'a> {
    fn new(file: &'a SourceFile, spans: &[Span]) -> Self {
        let mut by_line: Vec<(usize, Range<usize>, Vec<Span>)> = Vec::new();
        for &s in spans {
            let line = file.position(s.start).line - 1;
            let range = file.line_range(line).unwrap_or(s.start..s.start);
            match by_line.iter_mut().find(|(l, _, _)| *l == line) {
                Some(entry) => entry.2.push(s),
                None => by_line.push((line, range, vec![s])),
            }
        }
        by_line.sort_by_key(|(l, _, _)| *l);
        let mut text = String::new();
        let mut lines = Vec::new();
        for (line, range, labels) in by_line {
            let (mut from, mut to) = (range.start, range.end);
            if to - from > MAX_LINE {
                let lo = labels.iter().map(|s| s.start).min().unwrap_or(from);
                let hi = labels
                    .iter()
                    .map(|s| s.end.min(s.start + MAX_LABEL))
                    .max()
                    .unwrap_or(lo);
                from = file.floor_char_boundary(lo.saturating_sub(CONTEXT).max(range.start));
                to = file.ceil_char_boundary((hi + CONTEXT).min(range.end));
            }
            if !text.is_empty() {
                text.push('\n');
            }
            let ex_start = text.len();
            let prefix = if from > range.start { "…" } else { "" };
            text.push_str(prefix);
            let shifts = push_visible(&mut text, file.slice(from..to), from);
            if to < range.end {
                text.push('…');
            }
            lines.push(ExLine {
                real_line: line,
                ex_start,
                ex_len: text.len() - ex_start,
                real_start: from,
                prefix: prefix.len(),
                shifts,
            });
        }
        Self {
            file,
            name: visible(&file.name),
            text,
            lines,
        }
    }

    /// A source span as a range of the excerpt (cut to its first line and to
    /// the window).
    fn map(&self, s: Span) -> Range<usize> {
        let line = self.file.position(s.start).line - 1;
        let Some(l) = self.lines.iter().find(|l| l.real_line == line) else {
            return 0..0;
        };
        let window_len = l.ex_len - l.prefix;
        // Bytes added by characters shown in a longer form before `real`.
        let added = |real: usize| {
            let k = l.shifts.partition_point(|&(at, _)| at < real);
            k.checked_sub(1).map_or(0, |k| l.shifts[k].1)
        };
        let shifted = |real: usize| real.saturating_sub(l.real_start) + added(real);
        let start = shifted(s.start).min(window_len);
        let end = shifted(s.end.min(s.start + MAX_LABEL)).clamp(start, window_len);
        let base = l.ex_start + l.prefix;
        let (start, end) = (base + start, base + end);
        // Stay on character boundaries of the excerpt.
        let start = floor_str(&self.text, start);
        let end = ceil_str(&self.text, end).max(start);
        start..end
    }

    fn line_of(&self, byte: usize) -> usize {
        self.lines.iter().rposition(|l| l.ex_start <= byte).unwrap_or(0)
    }
}

/// How a character is shown in a snippet or a message, when not as itself:
/// a control character as its Unicode picture (`␛` for ESC), so that a spec
/// cannot clear the screen, move the cursor or set the clipboard of whoever
/// runs `callc check`; a C1 control, a bidi control or an invisible
/// character as `�` (as rustc does), so that it cannot reorder the line or
/// hide where the caret points.
fn shown_as(c: char) -> Option<char> {
    match c {
        '\t' => None,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some('\u{FFFD}'),
        c if crate::syntax::is_bidi_control(c) || crate::syntax::is_invisible(c) => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Appends a line's window `line` (starting at source byte `from`), with
/// every character [`shown_as`] another replaced. Returns where the
/// replacements made the excerpt longer than the source (see `ExLine::shifts`).
fn push_visible(text: &mut String, line: &str, from: usize) -> Vec<(usize, usize)> {
    let mut shifts = Vec::new();
    let mut added = 0;
    for (i, c) in line.char_indices() {
        match shown_as(c) {
            Some(shown) => {
                text.push(shown);
                added += shown.len_utf8() - c.len_utf8();
                shifts.push((from + i, added));
            }
            None => text.push(c),
        }
    }
    shifts
}

/// `text` safe to print on a terminal: every character that [`shown_as`]
/// replaces, written as a `\u{…}` escape (newlines and tabs stay).
#[must_use]
pub fn visible(text: &str) -> String {
    if !text.chars().any(|c| c != '\n' && shown_as(c).is_some()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c != '\n' && shown_as(c).is_some() {
            let _ = write!(out, "\\u{{{:X}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn floor_str(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_str(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.line_of(byte_index))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        self.lines
            .get(line_index)
            .map(|l| l.real_line + 1)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.lines.len(),
            })
    }

    fn column_number(&'a self, (): (), line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let l = self.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: self.lines.len(),
        })?;
        // Each character of the excerpt stands for one of the source, so the
        // column is counted in the excerpt (a control shown as its picture
        // is longer in bytes, not in characters).
        let from = (l.ex_start + l.prefix).min(self.text.len());
        let to = floor_str(&self.text, byte_index.max(from));
        Ok(self.file.position(l.real_start).column + self.text[from..to].chars().count())
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let l = self.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: self.lines.len(),
        })?;
        Ok(l.ex_start..l.ex_start + l.ex_len)
    }
}

/// Renders one diagnostic for a terminal, with colour or without.
#[must_use]
pub fn human(file: &SourceFile, d: &Diagnostic, color: bool) -> String {
    let Some(severity) = d.severity() else {
        return String::new();
    };
    let mut spans = vec![d.span];
    spans.extend(d.secondary.iter().map(|l| l.span));
    let excerpt = Excerpt::new(file, &spans);
    let mut labels = vec![cs::Label::primary((), excerpt.map(d.span)).with_message(visible(&d.label))];
    for l in &d.secondary {
        labels.push(cs::Label::secondary((), excerpt.map(l.span)).with_message(visible(&l.message)));
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {}", visible(n))).collect();
    if let Some(h) = &d.help {
        notes.push(format!("help: {}", visible(h)));
    }
    if let Some(lint) = d.code.lint() {
        let level = d.default_level;
        if d.level == level {
            notes.push(format!("note: `{lint}` is {} by default", level_word(level)));
        } else {
            notes.push(format!("note: `{lint}` is set to {} here", level_word(d.level)));
        }
    }
    let diag = match severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
    }
    .with_code(d.code.as_str())
    .with_message(visible(&d.message))
    .with_labels(labels)
    .with_notes(notes);
    let mut buf = if color { Buffer::ansi() } else { Buffer::no_color() };
    let config = term::Config::default();
    if term::emit_to_write_style(&mut buf, &config, &excerpt, &diag).is_err() {
        // Rendering only fails on inconsistent line tables; fall back to one line.
        return format!("{}\n", short(file, d));
    }
    let _ = buf.reset();
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

fn level_word(level: crate::codes::Level) -> &'static str {
    match level {
        crate::codes::Level::Allow => "allowed",
        crate::codes::Level::Warn => "a warning",
        crate::codes::Level::Deny => "an error",
    }
}

/// `file:line:col: severity[CODE]: message` (column in characters).
#[must_use]
pub fn short(file: &SourceFile, d: &Diagnostic) -> String {
    let p = file.position(d.span.start);
    let severity = d.severity().map_or("allowed", Severity::as_str);
    format!(
        "{}:{}:{}: {severity}[{}]: {}",
        visible(&file.name),
        p.line,
        p.column,
        d.code.as_str(),
        visible(&d.message)
    )
}

/// A position in a JSON record.
#[derive(Serialize)]
pub struct JsonPosition {
    /// Byte offset from the start of the file.
    pub byte: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in UTF-16 code units (LSP's `character` plus one).
    pub column: usize,
}

/// A range in a JSON record.
#[derive(Serialize)]
pub struct JsonRange {
    /// Where it starts.
    pub start: JsonPosition,
    /// Where it ends (exclusive).
    pub end: JsonPosition,
}

/// A secondary label in a JSON record.
#[derive(Serialize)]
pub struct JsonLabel {
    /// What the label says.
    pub message: String,
    /// Where.
    pub range: JsonRange,
}

/// A fix in a JSON record.
#[derive(Serialize)]
pub struct JsonFix {
    /// What to replace.
    pub range: JsonRange,
    /// The new text.
    pub replacement: String,
}

/// One diagnostic as one JSON object (one line of `--format json`).
#[derive(Serialize)]
pub struct JsonDiagnostic {
    /// `E0102`.
    pub code: &'static str,
    /// The lint name, or null for errors that cannot be allowed.
    pub lint: Option<&'static str>,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The headline.
    pub message: String,
    /// The file as named on the command line (bytes that are not UTF-8
    /// written `\xNN`).
    pub file: String,
    /// The file's name in hex, only when it is not UTF-8 (set by the CLI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_hex: Option<String>,
    /// The primary range.
    pub range: JsonRange,
    /// What the primary range shows.
    pub label: String,
    /// Related places.
    pub secondary: Vec<JsonLabel>,
    /// Extra facts.
    pub notes: Vec<String>,
    /// What to do.
    pub help: Option<String>,
    /// A machine-applicable fix.
    pub fix: Option<JsonFix>,
}

fn range(file: &SourceFile, s: Span) -> JsonRange {
    let pos = |b| {
        let p = file.position(b);
        JsonPosition {
            byte: p.byte,
            line: p.line,
            column: p.column_utf16,
        }
    };
    JsonRange {
        start: pos(s.start),
        end: pos(s.end),
    }
}

/// The JSON record of a diagnostic.
#[must_use]
pub fn json(file: &SourceFile, d: &Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        code: d.code.as_str(),
        lint: d.code.lint(),
        severity: d.severity().map_or("allowed", Severity::as_str),
        message: d.message.clone(),
        file: file.name.clone(),
        file_hex: None,
        range: range(file, d.span),
        label: d.label.clone(),
        secondary: d
            .secondary
            .iter()
            .map(|l| JsonLabel {
                message: l.message.clone(),
                range: range(file, l.span),
            })
            .collect(),
        notes: d.notes.clone(),
        help: d.help.clone(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            range: range(file, f.span),
            replacement: f.replacement.clone(),
        }),
    }
}
