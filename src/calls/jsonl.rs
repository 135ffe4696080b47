//! JSON Lines call lists: one JSON object per line, its keys naming the
//! variables. Values may be strings, numbers or booleans (a number or a
//! boolean is checked as it is written: `12.5`, `true`); `null` is absent.
//! Each line is read whole (at most [`super::MAX_RECORD_BYTES`]) and parsed
//! by `serde_json`, each value kept as its raw text so that a diagnostic
//! points at it; blank lines are skipped.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Cell, Core, Finding, Kind, Place, Sink, row_span, to_usize};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// A key, borrowed from the line when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON object's entries, in order, each value as its raw text.
struct Object<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Object(entries))
            }
        }
        d.deserialize_map(V)
    }
}

/// Where `part` (a slice of `whole`) starts in `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(whole.as_ptr() as usize)
        .min(whole.len())
}

/// The span in `line` of the key (with its quotes) whose value starts at
/// `value`: back over blanks and `:` to the closing quote, then to the
/// opening quote that no backslash escapes.
fn key_before(line: &str, value: usize) -> std::ops::Range<usize> {
    let b = line.as_bytes();
    let mut end = value.min(b.len());
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b':' | b'\r' | b'\n') {
        end -= 1;
    }
    let mut start = end.saturating_sub(1);
    while start > 0 {
        start -= 1;
        if b[start] == b'"' {
            let slashes = b[..start].iter().rev().take_while(|&&c| c == b'\\').count();
            if slashes % 2 == 0 {
                break;
            }
        }
    }
    start..end
}

/// Reads one line (its `\n` included) into `buf`, keeping at most
/// [`super::MAX_RECORD_BYTES`] of it; the bytes consumed (0 at the end) and
/// whether the line was longer (then `buf` holds its first bytes only).
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(u64, bool)> {
    buf.clear();
    let (mut consumed, mut too_long) = (0u64, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = (super::MAX_RECORD_BYTES + 1).saturating_sub(buf.len());
        if take > room {
            too_long = true;
        }
        buf.extend_from_slice(&available[..take.min(room)]);
        reader.consume(take);
        consumed += take as u64;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// How many unknown keys are remembered, so that each is reported once.
const MAX_UNKNOWN_KEYS: usize = 10_000;

/// Checks a JSON Lines list.
pub(super) fn check(core: &mut Core<'_>, reader: impl Read, sink: &mut dyn Sink) -> io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut buf = Vec::with_capacity(4096);
    let (mut offset, mut line) = (0u64, 0u64);
    let mut unknown_keys: HashSet<String> = HashSet::new();
    loop {
        let (n, too_long) = read_line(&mut reader, &mut buf)?;
        if n == 0 {
            break;
        }
        line += 1;
        let mut start = offset;
        offset += n;
        core.bytes = offset;
        let mut content: &[u8] = &buf;
        if line == 1 && content.starts_with(b"\xEF\xBB\xBF") {
            content = &content[3..];
            start += 3;
        }
        let row = row_span(content, start);
        let raw = &content[..row.end - row.start];
        if too_long {
            core.rows += 1;
            core.row_has_problems();
            if core.tally(Code::E0407) {
                let head = &raw[..raw.len().min(200)];
                let head = &head[..head.utf8_chunks().next().map_or(0, |c| c.valid().len())];
                let d = Diagnostic::new(
                    Code::E0407,
                    Span::new(to_usize(start), to_usize(start)),
                    format!(
                        "a line longer than {} MiB; it was not checked",
                        super::MAX_RECORD_BYTES / (1024 * 1024)
                    ),
                )
                .label("this line")
                .help("each line of a JSON Lines list is one call: one JSON object");
                sink.finding(Finding {
                    file: core.window(head, start, line),
                    diagnostics: vec![d],
                });
            }
            core.progress(sink);
            continue;
        }
        if raw.trim_ascii().is_empty() {
            continue;
        }
        core.rows += 1;
        let mut shown = Vec::new();
        match simdutf8::basic::from_utf8(raw) {
            Err(_) => {
                core.row_has_problems();
                if core.tally(Code::E0002) {
                    shown.push(super::not_utf8(raw, start));
                }
            }
            Ok(text) => check_object(core, text, start, line, row, &mut unknown_keys, &mut shown),
        }
        if !shown.is_empty() {
            crate::diagnostic::sort(&mut shown);
            sink.finding(Finding {
                file: core.window(raw, start, line),
                diagnostics: shown,
            });
        }
        core.progress(sink);
    }
    Ok(())
}

/// Checks one line that is UTF-8.
fn check_object(
    core: &mut Core<'_>,
    text: &str,
    start: u64,
    line: u64,
    row: Span,
    unknown_keys: &mut HashSet<String>,
    shown: &mut Vec<Diagnostic>,
) {
    let at = |r: std::ops::Range<usize>| Span::new(to_usize(start) + r.start, to_usize(start) + r.end);
    let object: Object<'_> = match serde_json::from_str(text) {
        Ok(o) => o,
        Err(e) => {
            core.row_has_problems();
            if core.tally(Code::E0407) {
                shown.push(not_an_object(text, &e, at(0..text.len())));
            }
            return;
        }
    };
    let mut cells: Vec<Option<Cell<'_>>> = vec![None; core.vars.len()];
    let mut unknown: Vec<(&Cow<'_, str>, Span)> = Vec::new();
    let mut key_spans: Vec<Span> = vec![Span::default(); core.vars.len()];
    let mut problem = false;
    for (key, raw) in &object.0 {
        let value = raw.get();
        let v_start = offset_in(text, value);
        let key_span = match &key.0 {
            Cow::Borrowed(k) => {
                let k_start = offset_in(text, k);
                at(k_start.saturating_sub(1)..(k_start + k.len() + 1).min(text.len()))
            }
            Cow::Owned(_) => at(key_before(text, v_start)),
        };
        let Some(v) = core.vars.iter().position(|var| var.id == key.0) else {
            let fresh = unknown_keys.len() < MAX_UNKNOWN_KEYS && unknown_keys.insert(key.0.clone().into_owned());
            if fresh {
                problem = true;
                unknown.push((&key.0, key_span));
            }
            continue;
        };
        if cells[v].is_some() {
            problem = true;
            if core.tally(Code::E0407) {
                shown.push(
                    Diagnostic::new(
                        Code::E0407,
                        key_span,
                        format!("the key `{}` is given twice", super::one_line(&key.0)),
                    )
                    .label("given again here")
                    .with_secondary(key_spans[v], "first given here")
                    .note("callc would not know which value to use; JSON parsers differ (most keep the last)")
                    .help("remove one of the two"),
                );
            }
            continue;
        }
        let place = Place::At(at(v_start..v_start + value.len()));
        let (text, kind) = match value.as_bytes().first() {
            Some(b'"') if !value.contains('\\') => (Cow::Borrowed(&value[1..value.len() - 1]), Kind::Text),
            Some(b'"') => (
                Cow::Owned(serde_json::from_str::<String>(value).unwrap_or_default()),
                Kind::Text,
            ),
            Some(b'n') => (Cow::Borrowed(""), Kind::Null),
            Some(b'[') => (Cow::Borrowed(value), Kind::Compound("array")),
            Some(b'{') => (Cow::Borrowed(value), Kind::Compound("object")),
            _ => (Cow::Borrowed(value), Kind::Scalar),
        };
        cells[v] = Some(Cell { text, kind, place });
        key_spans[v] = key_span;
    }
    // Unknown keys once the line's keys are known, so that a did-you-mean
    // does not offer a key the line has already.
    let taken: Vec<bool> = cells.iter().map(Option::is_some).collect();
    for (key, span) in unknown {
        if core.tally(Code::E0402) {
            shown.push(
                super::unknown_column(key, span, core.vars, &taken, "key", true)
                    .note("each unknown key is reported once, at the first line that has it"),
            );
        }
    }
    let problems = core.check_values(|i| cells.get(i).cloned().flatten(), line, true);
    if problem && problems.is_empty() {
        core.row_has_problems();
    }
    for p in &problems {
        let span = match p {
            super::Problem::Missing {
                place: Place::At(s), ..
            }
            | super::Problem::Bad {
                place: Place::At(s), ..
            }
            | super::Problem::Compound {
                place: Place::At(s), ..
            } => *s,
            _ => row,
        };
        shown.push(core.describe(p, span, row));
    }
}

/// E0407 for a line that is not a JSON object (or not JSON).
fn not_an_object(text: &str, e: &serde_json::Error, line: Span) -> Diagnostic {
    let what = match text.trim_start().as_bytes().first() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'0'..=b'9' | b'-') => "a number",
        _ => "",
    };
    if e.is_data() && !what.is_empty() {
        return Diagnostic::new(Code::E0407, line, format!("this line is {what}, not a JSON object"))
            .label("expected `{ \"variable\": value, … }`")
            .note("the row was not checked")
            .help("write each call as one JSON object on one line");
    }
    // serde_json counts columns in bytes, from 1; at the end of the line it
    // points at the last byte, not past it.
    let at = if e.is_eof() {
        line.end
    } else {
        line.start + e.column().saturating_sub(1).min(text.len())
    };
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    Diagnostic::new(
        Code::E0407,
        Span::new(at, at),
        format!("this line is not valid JSON: {message}"),
    )
    .label("here")
    .note("the row was not checked")
    .help("write each call as one JSON object on one line: `{\"customer_name\": \"张强\"}`")
}
