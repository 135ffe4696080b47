//! CSV call lists: a header row naming the columns, then one call a record,
//! read by the `csv` crate as a stream (quoted cells with commas, quotes and
//! line breaks; CRLF; a UTF-8 BOM). The bytes of the current record are
//! kept beside the reader ([`Tee`]) so that a record with a problem can be
//! shown as written, and its cells' spans found with the same parser
//! (`csv_core`) field by field.

use std::borrow::Cow;
use std::io::{self, Read};

use super::{Cell, Core, Finding, Kind, Place, Problem, Sink, row_span, to_usize};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir::Need;
use crate::source::Span;

/// The error [`Tee`] gives when a record grows past
/// [`super::MAX_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record longer than {} bytes", super::MAX_RECORD_BYTES)
    }
}

impl std::error::Error for RecordTooLong {}

/// A reader that keeps what it has read since the start of the current
/// record: the record's raw text, for showing it. What is before the record
/// is dropped now and then (not at every record, which would move the
/// read-ahead each time).
struct Tee<R> {
    inner: R,
    /// Bytes from stream offset `base` on.
    buf: Vec<u8>,
    base: u64,
    /// Where the current record starts: nothing before it is needed.
    keep: u64,
}

impl<R: Read> Tee<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(256 * 1024),
            base: 0,
            keep: 0,
        }
    }

    /// The bytes `start..end` of the stream, when still held.
    fn bytes(&self, start: u64, end: u64) -> &[u8] {
        let from = to_usize(start.saturating_sub(self.base)).min(self.buf.len());
        let to = to_usize(end.saturating_sub(self.base)).clamp(from, self.buf.len());
        &self.buf[from..to]
    }

    /// Nothing before stream offset `at` is needed any more.
    fn keep_from(&mut self, at: u64) {
        self.keep = at;
        let drop = to_usize(at.saturating_sub(self.base)).min(self.buf.len());
        if drop >= 128 * 1024 {
            self.buf.drain(..drop);
            self.base += drop as u64;
        }
    }

    /// Bytes read so far.
    fn read_so_far(&self) -> u64 {
        self.base + self.buf.len() as u64
    }
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let held = self.read_so_far().saturating_sub(self.keep.max(self.base));
        if to_usize(held) > super::MAX_RECORD_BYTES {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

/// The spans of the fields of the raw record `raw` starting at `start`,
/// found by the csv crate's parser (so they agree with the values read).
fn field_spans(raw: &[u8], start: u64) -> Vec<Span> {
    let mut reader = csv_core::Reader::new();
    let mut scratch = [0u8; 4096];
    let mut spans = Vec::new();
    let (mut at, mut field_start) = (0usize, 0usize);
    let start = to_usize(start);
    loop {
        let (result, nin, _) = reader.read_field(&raw[at..], &mut scratch);
        at += nin;
        match result {
            csv_core::ReadFieldResult::OutputFull | csv_core::ReadFieldResult::InputEmpty if at < raw.len() => {}
            csv_core::ReadFieldResult::OutputFull => {}
            csv_core::ReadFieldResult::InputEmpty => {
                // The record has no line break at the end of the file: an
                // empty input ends it.
                let (result, _, _) = reader.read_field(&[], &mut scratch);
                if matches!(result, csv_core::ReadFieldResult::Field { .. }) {
                    spans.push(Span::new(start + field_start, start + trim_end(raw, field_start, at)));
                }
                return spans;
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                let end = if record_end {
                    trim_end(raw, field_start, at)
                } else {
                    at.saturating_sub(1).max(field_start)
                };
                spans.push(Span::new(start + field_start, start + end));
                field_start = at;
                if record_end {
                    return spans;
                }
            }
            csv_core::ReadFieldResult::End => return spans,
        }
    }
}

/// `end` moved back over the line break that ends a record.
fn trim_end(raw: &[u8], from: usize, mut end: usize) -> usize {
    end = end.min(raw.len());
    while end > from && matches!(raw[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// The header: which variable each column is.
struct Header {
    /// The variable of each column (`None` for an unknown one).
    var_of: Vec<Option<usize>>,
    /// The column of each variable.
    column_of: Vec<Option<usize>>,
}

/// Checks a CSV list.
pub(super) fn check(core: &mut Core<'_>, reader: impl Read, sink: &mut dyn Sink) -> io::Result<()> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(Tee::new(reader));
    let mut record = ::csv::ByteRecord::new();
    let Some(header) = read_header(core, &mut rdr, &mut record, sink)? else {
        return Ok(());
    };
    let columns = header.var_of.len();
    let mut next = rdr.position().clone();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return stop(core, e, &next, rdr.get_ref(), sink),
        }
        // A record's cells are validated as UTF-8 at once (SIMD), then each
        // is a slice of that text: a cell boundary inside a character would
        // make the slice fail, and the record count as not UTF-8.
        let text = simdutf8::basic::from_utf8(record.as_slice()).ok();
        let cell_text = |i: usize| text.and_then(|t| t.get(record.range(i)?));
        let utf8 = text.is_some() && (0..record.len()).all(|i| cell_text(i).is_some());
        let (start, line) = record
            .position()
            .map_or((next.byte(), next.line()), |p| (p.byte(), p.line()));
        next = rdr.position().clone();
        let end = next.byte();
        core.rows += 1;
        core.bytes = end;
        let raw = rdr.get_ref().bytes(start, end);
        let mut shown: Vec<Diagnostic> = Vec::new();
        if !utf8 {
            core.row_has_problems();
            if core.tally(Code::E0002) {
                shown.push(super::not_utf8(raw, start));
            }
        } else if record.len() != columns {
            core.row_has_problems();
            if core.tally(Code::E0407) {
                let read: Vec<&str> = (0..record.len().min(8)).filter_map(cell_text).collect();
                shown.push(wrong_width(raw, start, &read, record.len(), columns));
            }
        } else {
            let cells = |v: usize| {
                let c = header.column_of[v]?;
                Some(Cell {
                    text: Cow::Borrowed(cell_text(c)?),
                    kind: Kind::Text,
                    place: Place::Column(c),
                })
            };
            let problems = core.check_values(cells, line, false);
            if !problems.is_empty() {
                let spans = field_spans(raw, start);
                let row = row_span(raw, start);
                for p in &problems {
                    let span = match place_of(p) {
                        Some(Place::Column(c)) => spans.get(c).copied().unwrap_or(row),
                        Some(Place::At(s)) => s,
                        None => row,
                    };
                    shown.push(core.describe(p, span, row));
                }
            }
        }
        if !shown.is_empty() {
            crate::diagnostic::sort(&mut shown);
            sink.finding(Finding {
                file: core.window(raw, start, line),
                diagnostics: shown,
            });
        }
        rdr.get_mut().keep_from(end);
        core.progress(sink);
    }
    core.bytes = rdr.get_ref().read_so_far();
    Ok(())
}

/// Where a problem is, when it is at a cell.
fn place_of(p: &Problem) -> Option<Place> {
    match p {
        Problem::Missing { place, .. } | Problem::Bad { place, .. } | Problem::Compound { place, .. } => Some(*place),
        Problem::Duplicate { .. } => None,
    }
}

/// Reads and checks the header row; `None` when there is none (reported).
fn read_header<R: Read>(
    core: &mut Core<'_>,
    rdr: &mut ::csv::Reader<Tee<R>>,
    record: &mut ::csv::ByteRecord,
    sink: &mut dyn Sink,
) -> io::Result<Option<Header>> {
    match rdr.read_byte_record(record) {
        Ok(true) => {}
        Ok(false) => {
            core.bytes = rdr.get_ref().read_so_far();
            core.header_has_problems = true;
            if core.tally(Code::E0407) {
                let d = Diagnostic::new(
                    Code::E0407,
                    Span::default(),
                    "the call list is empty: it has no header row",
                )
                .label("the header row belongs here")
                .help(format!(
                    "start the list with a row naming its columns: {}",
                    core.vars.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(",")
                ));
                sink.finding(Finding {
                    file: core.window(b"", 0, 1),
                    diagnostics: vec![d],
                });
            }
            return Ok(None);
        }
        Err(e) => {
            stop(core, e, &::csv::Position::new(), rdr.get_ref(), sink)?;
            return Ok(None);
        }
    }
    let end = rdr.position().byte();
    core.bytes = end;
    let raw = rdr.get_ref().bytes(0, end);
    // The window starts after a BOM, so that columns count as editors show them.
    let bom = if raw.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut spans = field_spans(raw, 0);
    if let Some(first) = spans.first_mut() {
        first.start = first.start.max(bom);
        first.end = first.end.max(first.start);
    }
    let row = row_span(raw, 0);
    let row = Span::new(row.start + bom, row.end.max(row.start + bom));
    let mut header = Header {
        var_of: Vec::with_capacity(record.len()),
        column_of: vec![None; core.vars.len()],
    };
    let mut shown = Vec::new();
    let mut unknown: Vec<(usize, String)> = Vec::new();
    let before = core.problems();
    for (c, field) in record.iter().enumerate() {
        let span = spans.get(c).copied().unwrap_or(row);
        let Ok(name) = simdutf8::basic::from_utf8(field) else {
            header.var_of.push(None);
            if core.tally(Code::E0002) {
                let from = span.start.min(raw.len());
                let mut d = super::not_utf8(&raw[from..], 0);
                d.span = Span::new(d.span.start + from, d.span.end + from);
                shown.push(d);
            }
            continue;
        };
        let name = name.trim();
        match core.vars.iter().position(|v| v.id == name) {
            Some(v) if header.column_of[v].is_some() => {
                header.var_of.push(None);
                if core.tally(Code::E0407) {
                    let first = header.column_of[v].and_then(|f| spans.get(f).copied()).unwrap_or(row);
                    shown.push(
                        Diagnostic::new(Code::E0407, span, format!("the column `{name}` is named twice"))
                            .label("named again here")
                            .with_secondary(first, "first named here")
                            .help("remove one of the two columns (callc would not know which value to use)"),
                    );
                }
            }
            Some(v) => {
                header.var_of.push(Some(v));
                header.column_of[v] = Some(c);
            }
            None => {
                header.var_of.push(None);
                unknown.push((c, name.to_owned()));
            }
        }
    }
    // Unknown columns once every column is known, so that a did-you-mean
    // does not offer a name the header has already.
    let taken: Vec<bool> = header.column_of.iter().map(Option::is_some).collect();
    for (c, name) in &unknown {
        if core.tally(Code::E0402) {
            let span = spans.get(*c).copied().unwrap_or(row);
            shown.push(super::unknown_column(name, span, core.vars, &taken, "column", false));
        }
    }
    for (v, var) in core.vars.iter().enumerate() {
        if var.need != Need::Required || header.column_of[v].is_some() {
            continue;
        }
        if !core.tally(Code::E0401) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::E0401,
            row,
            format!("the list has no column `{}`, which the spec requires", var.id),
        )
        .label(format!("no `{}` among these columns", var.id))
        .note(format!(
            "`{}` is {} and `required`: every call needs a value",
            var.id,
            super::a_type(&var.kind)
        ));
        let near = unknown
            .iter()
            .find(|(_, name)| super::closest_var(name, core.vars) == Some(var.id.as_str()));
        if let Some((c, name)) = near {
            let span = spans.get(*c).copied().unwrap_or(row);
            d = d
                .with_secondary(span, format!("perhaps this column, `{name}`"))
                .help(format!("rename the column `{name}` to `{}`", var.id));
        } else {
            d = d.help(format!(
                "add a column `{}` ({}), or make the variable `optional` in the spec",
                var.id,
                super::what_value(var)
            ));
        }
        shown.push(d);
    }
    core.header_has_problems = core.problems() > before;
    if !shown.is_empty() {
        crate::diagnostic::sort(&mut shown);
        sink.finding(Finding {
            file: core.window(&raw[bom.min(raw.len())..], if bom > 0 { 3 } else { 0 }, 1),
            diagnostics: shown,
        });
    }
    rdr.get_mut().keep_from(end);
    Ok(Some(header))
}

/// E0407 for a record whose number of fields is not the header's `want`.
fn wrong_width(raw: &[u8], start: u64, cells: &[&str], got: usize, want: usize) -> Diagnostic {
    let mut read: Vec<String> = cells
        .iter()
        .take(8)
        .map(|c| format!("`{}`", super::one_line(c)))
        .collect();
    if got > 8 {
        read.push(format!("{} more", got - 8));
    }
    let read = format!("the row was read as {}", read.join(" | "));
    let spans = field_spans(raw, start);
    let row = row_span(raw, start);
    let cells = |n: usize| format!("{n} cell{}", if n == 1 { "" } else { "s" });
    let message = format!("this row has {}; the header has {want} columns", cells(got));
    if got > want {
        let extra = spans
            .get(want)
            .map_or(row, |s| Span::new(s.start, spans.last().map_or(s.end, |l| l.end)));
        Diagnostic::new(Code::E0407, extra, message)
            .label(format!("{} past the last column", cells(got - want)))
            .note(read)
            .note("the row was not checked further")
            .help("a cell that holds a comma must be quoted: `\"Room 5, Building 2\"`; or remove the extra cells")
    } else {
        let last = spans.last().map_or(row, |s| Span::new(s.end, s.end));
        Diagnostic::new(Code::E0407, last, message)
            .label(format!("the row ends after {}", cells(got)))
            .note(read)
            .note("the row was not checked further")
            .help("give every column a cell, an empty one for an absent value (`,,`)")
    }
}

/// Ends a check on a reader error: a record too long to be one is reported
/// (E0407) and checking stops; any other error is the caller's.
fn stop<R: Read>(
    core: &mut Core<'_>,
    e: ::csv::Error,
    at: &::csv::Position,
    tee: &Tee<R>,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let ::csv::ErrorKind::Io(io) = e.into_kind() else {
        // ByteRecords with `flexible` raise only IO errors.
        return Err(io::Error::other("the CSV reader failed"));
    };
    if !io
        .get_ref()
        .is_some_and(<dyn std::error::Error + Send + Sync>::is::<RecordTooLong>)
    {
        return Err(io);
    }
    let (line, at) = (at.line().max(1), at.byte());
    core.stopped = true;
    core.bytes = tee.read_so_far();
    if line > 1 {
        core.rows += 1;
        core.row_has_problems();
    } else {
        core.header_has_problems = true;
    }
    if core.tally(Code::E0407) {
        let d = Diagnostic::new(
            Code::E0407,
            Span::new(to_usize(at), to_usize(at)),
            format!(
                "a record longer than {} MiB starts here; checking stopped",
                super::MAX_RECORD_BYTES / (1024 * 1024)
            ),
        )
        .label("this record does not end")
        .note("a quote that opens a cell and is never closed makes the rest of the file one cell")
        .help("close the quote (a quote inside a quoted cell is written twice: `\"\"`)");
        // The record's first line (its first 200 bytes at most) shows where it starts.
        let head = tee.bytes(at, at + 200);
        let head = &head[..head.iter().position(|&b| b == b'\n').unwrap_or(head.len())];
        let head = &head[..head.utf8_chunks().next().map_or(0, |c| c.valid().len())];
        sink.finding(Finding {
            file: core.window(head, at, line),
            diagnostics: vec![d],
        });
    }
    Ok(())
}
