//! `callc fmt`: the formatter.
//!
//! Stage: source text → [`syntax::parse`] → the same spec in the one
//! canonical layout described in `docs/fmt.md`. Input: a spec's text.
//! Output: the formatted text, or the syntax errors of a file that does not
//! parse. Pure: no IO (the CLI and the language server do that).
//!
//! How it works. The printer walks the syntax tree in source order (parts are
//! never reordered) and finds each token it prints in the source, skipping
//! whitespace and comments; every comment met on the way is printed where it
//! sits between two tokens: at the end of the line of the token before it
//! (a trailing comment) or on a line of its own (a comment that had a line of
//! its own). Lines are collected first and aligned afterwards: consecutive
//! one-line items of one kind get their columns aligned by display width
//! (CJK and emoji count two). Finally the output is parsed again and must give
//! the same tree, spans aside, and the same comments, as Black does for
//! Python; if it ever did not, that would be a bug in this file, and the
//! source is returned unchanged rather than damaged.

use unicode_width::UnicodeWidthStr;

use crate::ast::{self, CallItem, Field, FlowItem, LintAttr, PartyItem, StepItem, Target, Text, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::syntax;

/// Spaces per level of nesting.
const INDENT: usize = 2;
/// The byte-order mark a file may start with.
const BOM: char = '\u{FEFF}';

/// Formats a spec: the one canonical layout, every comment kept, the meaning
/// (every id, value and string, as decoded) unchanged. The output uses the
/// line ending of the source's first line break (LF when it has none) and
/// keeps a leading byte-order mark. Formatting formatted text changes nothing.
///
/// # Errors
/// The syntax errors (E0001) of a file that does not parse, including a bad
/// escape or a raw control character in a string; such a file is not
/// formatted.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diagnostics) = syntax::parse(source);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.code == Code::E0001).collect();
    let file = match file {
        Some(file) if errors.is_empty() => file,
        _ => return Err(errors),
    };
    let formatted = Printer::new(source, &file.comments).print(&file.call);
    match formatted {
        Some(out) if same_meaning(&file, &out) => Ok(out),
        _ => {
            debug_assert!(false, "the formatter failed on:\n{source}");
            Ok(source.to_owned())
        }
    }
}

/// Whether `out` parses to the same tree as `original` (spans aside) with the
/// same comments (trailing spaces aside).
fn same_meaning(original: &ast::File, out: &str) -> bool {
    let (Some(again), diagnostics) = syntax::parse(out) else {
        return false;
    };
    if diagnostics.iter().any(|d| d.code == Code::E0001) || original.comments.len() != again.comments.len() {
        return false;
    }
    let comments_agree = original
        .comments
        .iter()
        .zip(&again.comments)
        .all(|(a, b)| trim_comment(&a.text) == b.text);
    comments_agree && spanless_digest(&original.call) == spanless_digest(&again.call)
}

/// A 128-bit digest of a tree's debug text with every `Span { start: …,
/// end: … }` removed, computed as the text is written: the text itself
/// (ten times the size of a dense spec) is never held in memory.
fn spanless_digest(tree: &impl std::fmt::Debug) -> (u64, u64) {
    use std::fmt::Write as _;
    let mut sink = SpanlessDigest::default();
    let _ = write!(sink, "{tree:?}");
    sink.finish()
}

/// See [`spanless_digest`]: a buffer of at most a few kilobytes, from which
/// span texts are cut before the rest is fed to two independent hashers.
#[derive(Default)]
struct SpanlessDigest {
    pending: String,
    a: std::hash::DefaultHasher,
    b: Fnv1a,
}

/// What the buffer holds before it is hashed: more than any span text.
const DIGEST_BUFFER: usize = 4096;

impl SpanlessDigest {
    /// Hashes the buffer up to the last place a span text might still be
    /// cut off (everything when `all`).
    fn drain(&mut self, all: bool) {
        const SPAN: &str = "Span { start: ";
        let mut done = 0;
        loop {
            let rest = &self.pending[done..];
            match rest.find(SPAN) {
                Some(at) => match rest[at..].find('}') {
                    Some(end) => {
                        self.feed(done, done + at);
                        done += at + end + 1;
                    }
                    // The span text goes on in the next write.
                    None => {
                        self.feed(done, done + at);
                        done += at;
                        break;
                    }
                },
                None => {
                    // Keep a tail that may be the start of `SPAN`.
                    let mut keep = if all { 0 } else { SPAN.len().min(rest.len()) };
                    while !rest.is_char_boundary(rest.len() - keep) {
                        keep += 1;
                    }
                    self.feed(done, self.pending.len() - keep);
                    done = self.pending.len() - keep;
                    break;
                }
            }
        }
        self.pending.drain(..done);
    }

    fn feed(&mut self, from: usize, to: usize) {
        use std::hash::Hasher as _;
        let bytes = &self.pending.as_bytes()[from..to];
        self.a.write(bytes);
        self.b.write(bytes);
    }

    fn finish(mut self) -> (u64, u64) {
        use std::hash::Hasher as _;
        self.drain(true);
        // A span text never closed: dropped, like everything after it.
        let rest = std::mem::take(&mut self.pending);
        let rest = if rest.starts_with("Span { start: ") {
            String::new()
        } else {
            rest
        };
        self.a.write(rest.as_bytes());
        self.b.write(rest.as_bytes());
        (self.a.finish(), self.b.finish())
    }
}

impl std::fmt::Write for SpanlessDigest {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.pending.push_str(s);
        if self.pending.len() >= DIGEST_BUFFER {
            self.drain(false);
        }
        Ok(())
    }
}

/// FNV-1a, 64 bits: a second hash independent of `SipHash`, so that the two
/// digests together are 128 bits.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A tree's debug text with every `Span { start: …, end: … }` removed (the
/// reference [`spanless_digest`] is tested against).
#[cfg(test)]
fn without_spans(debug: &str) -> String {
    const SPAN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(SPAN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + SPAN.len()..];
        rest = after.find('}').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// A comment as printed: without trailing spaces or tabs.
fn trim_comment(text: &str) -> &str {
    text.trim_end_matches([' ', '\t'])
}

/// Which one-line items align their columns with their neighbours of the same kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    /// `name "…"`: values line up.
    Field,
    /// `signal ID "…"`: descriptions line up.
    Signal,
    /// `concern ID PRIORITY "…"`: priorities and texts line up.
    Concern,
    /// `LABEL "…"` in `knows` and `background`: values line up.
    Entry,
    /// `on SIGNAL -> TARGET`: arrows line up.
    Branch,
    /// `when ID "…"`: wordings line up.
    When,
}

/// One output line, before alignment.
#[derive(Debug)]
enum Line {
    /// An empty line.
    Blank,
    /// A comment on a line of its own.
    Comment { indent: usize, text: String },
    /// Tokens, separated by one space (or padded, when aligned), and maybe a trailing comment.
    Code {
        indent: usize,
        cells: Vec<String>,
        trailing: Option<String>,
        /// `None` for lines that never align (and for items printed on several lines).
        align: Option<Align>,
    },
    /// A line inside a `"""` block: its text after the block's indentation, `None` when blank.
    Content { indent: usize, text: Option<String> },
}

/// The statement being printed.
struct Stmt {
    /// Its first line, in `Printer::lines`.
    first: usize,
    /// The indentation of its first line; continuation lines get one more level.
    indent: usize,
    /// A comment ended the current line: the next token starts a continuation line.
    broken: bool,
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [ast::Comment],
    /// The first comment not printed yet.
    next_comment: usize,
    /// Just after the last token printed.
    cursor: usize,
    /// Just after the last token or comment printed (blank lines are counted from here).
    last_end: usize,
    lines: Vec<Line>,
    stmt: Option<Stmt>,
    /// The lines that open the blocks being printed (`… {`).
    openers: Vec<usize>,
    /// At the start of the file or of a block, where no blank line goes.
    fresh: bool,
    /// The next item (with its leading comments) is separated by a blank line.
    force_blank: bool,
    /// Every token was found where the tree says it is.
    ok: bool,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str, comments: &'a [ast::Comment]) -> Self {
        Printer {
            src,
            comments,
            next_comment: 0,
            cursor: 0,
            last_end: 0,
            lines: Vec::new(),
            stmt: None,
            openers: Vec::new(),
            fresh: true,
            force_blank: false,
            ok: true,
        }
    }

    /// Prints the whole file; `None` if the tree and the source disagree.
    fn print(mut self, call: &ast::Call) -> Option<String> {
        self.item(0, None);
        self.tok("call");
        self.tok(&call.id.name);
        self.open();
        let mut after_block = false;
        for item in &call.items {
            let block = matches!(
                item,
                CallItem::Party(_) | CallItem::Flow(_) | CallItem::Faq(_) | CallItem::End(_)
            );
            self.force_blank = block || after_block;
            self.call_item(item, INDENT);
            after_block = block;
        }
        self.close(0);
        // Comments after the `call` block.
        self.flush(self.src.len() + 1, 0, false);
        if self.skip_trivia(self.cursor) != self.src.len() || !self.ok || !self.openers.is_empty() {
            return None;
        }
        Some(self.render())
    }

    // ----- the constructs -------------------------------------------------

    fn call_item(&mut self, item: &CallItem, indent: usize) {
        match item {
            CallItem::Field(f) => self.field(f, indent),
            CallItem::Lint(l) => self.lint(l, indent),
            CallItem::Party(p) => {
                self.item(indent, None);
                self.tok(p.kind.keyword());
                self.tok(&p.id.name);
                self.open();
                for item in &p.items {
                    self.party_item(item, indent + INDENT);
                }
                self.close(indent);
            }
            CallItem::Signal(s) => {
                self.item(indent, Some(Align::Signal));
                self.tok("signal");
                self.tok(&s.id.name);
                if let Some(d) = &s.description {
                    self.string(d);
                }
            }
            CallItem::Flow(f) => {
                self.item(indent, None);
                self.tok("flow");
                self.open();
                for item in &f.items {
                    match item {
                        FlowItem::Step(s) => self.step(s, indent + INDENT),
                        FlowItem::Branch(b) => self.branch(b, indent + INDENT),
                        FlowItem::Lint(l) => self.lint(l, indent + INDENT),
                    }
                }
                self.close(indent);
            }
            CallItem::Faq(f) => {
                self.item(indent, None);
                self.tok("faq");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> = f.entries.iter().map(|q| (q.span.start, Part::Qa(q))).collect();
                parts.extend(lints(&f.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent);
            }
            CallItem::End(e) => {
                self.item(indent, None);
                self.tok("end");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> =
                    e.conditions.iter().map(|w| (w.span.start, Part::When(w))).collect();
                parts.extend(fields(&e.fields));
                parts.extend(lints(&e.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent);
            }
        }
    }

    fn party_item(&mut self, item: &PartyItem, indent: usize) {
        match item {
            PartyItem::Field(f) => self.field(f, indent),
            PartyItem::Lint(l) => self.lint(l, indent),
            PartyItem::Knows(e) => self.entries("knows", e, indent),
            PartyItem::Background(e) => self.entries("background", e, indent),
            PartyItem::Concern(c) => {
                self.item(indent, Some(Align::Concern));
                self.tok("concern");
                self.tok(&c.id.name);
                self.tok(c.priority.as_str());
                self.string(&c.text);
            }
            PartyItem::Style(s) => {
                self.item(indent, None);
                self.tok("style");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> = fields(&s.fields).collect();
                parts.extend(lints(&s.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent);
            }
        }
    }

    fn entries(&mut self, keyword: &str, e: &ast::Entries, indent: usize) {
        self.item(indent, None);
        self.tok(keyword);
        self.open();
        let mut parts: Vec<(usize, Part<'_>)> = e
            .entries
            .iter()
            .map(|en| (en.label_span.start, Part::Entry(en)))
            .collect();
        parts.extend(lints(&e.lints));
        self.parts(parts, indent + INDENT);
        self.close(indent);
    }

    /// Prints the parts of a block whose tree keeps them in separate lists, in source order.
    fn parts(&mut self, mut parts: Vec<(usize, Part<'_>)>, indent: usize) {
        parts.sort_by_key(|(start, _)| *start);
        for (_, part) in parts {
            match part {
                Part::Field(f) => self.field(f, indent),
                Part::Lint(l) => self.lint(l, indent),
                Part::Entry(en) => {
                    self.item(indent, Some(Align::Entry));
                    if en.quoted_label {
                        let raw = self.src.get(en.label_span.range()).unwrap_or_default();
                        self.tok(raw);
                    } else {
                        self.tok(&en.label);
                    }
                    self.string(&en.value);
                }
                Part::Qa(q) => {
                    self.item(indent, None);
                    self.tok("qa");
                    self.tok(&q.id.name);
                    self.covers(&q.covers);
                    self.open();
                    let mut inner: Vec<(usize, Part<'_>)> = fields(&q.fields).collect();
                    inner.extend(lints(&q.lints));
                    self.parts(inner, indent + INDENT);
                    self.close(indent);
                }
                Part::When(w) => {
                    self.item(indent, Some(Align::When));
                    self.tok("when");
                    self.tok(&w.id.name);
                    if let Some(t) = &w.caller {
                        self.string(t);
                    }
                    if let Some(t) = &w.callee {
                        if w.caller.is_some() {
                            // Both sides: the callee's on a line of its own, under the caller's.
                            self.break_line();
                        }
                        self.tok("callee");
                        self.string(t);
                    }
                }
            }
        }
    }

    fn step(&mut self, s: &ast::Step, indent: usize) {
        self.item(indent, None);
        self.tok("step");
        self.tok(&s.id.name);
        if let Some(t) = &s.title {
            self.string(t);
        }
        self.covers(&s.covers);
        self.open();
        let inner = indent + INDENT;
        for item in &s.items {
            match item {
                StepItem::Say(t) => {
                    self.item(inner, None);
                    self.tok("say");
                    self.string(t);
                }
                StepItem::Next(tr) => {
                    self.item(inner, None);
                    self.tok(if tr.arrow { "->" } else { "next" });
                    self.target(&tr.target);
                }
                StepItem::Branch(b) => self.branch(b, inner),
                StepItem::Lint(l) => self.lint(l, inner),
            }
        }
        self.close(indent);
    }

    fn covers(&mut self, covers: &[ast::Ident]) {
        if covers.is_empty() {
            return;
        }
        self.tok("covers");
        for (i, c) in covers.iter().enumerate() {
            self.tok(&c.name);
            if i + 1 < covers.len() {
                self.punct(",", true);
            }
        }
    }

    fn branch(&mut self, b: &ast::Branch, indent: usize) {
        self.item(indent, Some(Align::Branch));
        self.tok("on");
        self.tok(&b.signal.name);
        self.tok("->");
        self.target(&b.target);
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Step(id) => self.tok(&id.name),
            Target::End { condition, .. } => {
                self.tok("end");
                if let Some(c) = condition {
                    self.punct("(", true);
                    self.glued(&c.name);
                    self.punct(")", true);
                }
            }
        }
    }

    fn field(&mut self, f: &Field, indent: usize) {
        self.item(indent, Some(Align::Field));
        self.tok(&f.name.name);
        match &f.value {
            Value::Text(t) => self.string(t),
            Value::Integer(digits, _) => self.tok(digits),
            Value::Word(w) => self.tok(&w.name),
        }
    }

    fn lint(&mut self, l: &LintAttr, indent: usize) {
        self.item(indent, None);
        self.tok(l.level.as_str());
        self.tok(&l.lint.name);
    }

    /// A string: a one-line literal as written, a `"""` block re-indented under its line.
    fn string(&mut self, t: &Text) {
        let Some(raw) = self.src.get(t.span.range()) else {
            self.ok = false;
            return;
        };
        let Some(content) = block_lines(raw) else {
            self.tok(raw);
            return;
        };
        self.tok("\"\"\"");
        self.unalign();
        let indent = match self.lines.last() {
            Some(Line::Code { indent, .. }) => indent + INDENT,
            _ => {
                self.ok = false;
                return;
            }
        };
        for text in content {
            self.lines.push(Line::Content {
                indent,
                text: text.map(str::to_owned),
            });
        }
        self.lines.push(Line::Code {
            indent,
            cells: vec!["\"\"\"".to_owned()],
            trailing: None,
            align: None,
        });
        self.cursor = t.span.end;
        self.last_end = t.span.end;
    }

    // ----- tokens, comments and lines ----------------------------------------

    /// Starts an item (a statement or a block) on a line of its own, after
    /// the comments and the blank line (if any) that come before it.
    fn item(&mut self, indent: usize, align: Option<Align>) {
        self.stmt = None;
        let pos = self.skip_trivia(self.cursor);
        self.flush(pos, indent, false);
        if std::mem::take(&mut self.force_blank) || self.blank_between(self.last_end, pos) {
            self.blank();
        }
        self.push(Line::Code {
            indent,
            cells: Vec::new(),
            trailing: None,
            align,
        });
        self.stmt = Some(Stmt {
            first: self.lines.len() - 1,
            indent,
            broken: false,
        });
    }

    /// The next token, separated by a space.
    fn tok(&mut self, text: &str) {
        self.token(text, false);
    }

    /// The next token, with no space before it.
    fn glued(&mut self, text: &str) {
        self.token(text, true);
    }

    fn token(&mut self, text: &str, glue: bool) {
        let pos = self.skip_trivia(self.cursor);
        let Some(indent) = self.stmt.as_ref().map(|s| s.indent + INDENT) else {
            self.ok = false;
            return;
        };
        if self.flush(pos, indent, true)
            && let Some(s) = &mut self.stmt
        {
            s.broken = true;
        }
        self.put(pos, text, glue);
    }

    /// Punctuation: printed right after the token before it, even when a
    /// comment comes between them in the source (the comment follows it).
    fn punct(&mut self, text: &str, glue: bool) {
        let pos = self.skip_trivia(self.cursor);
        self.put(pos, text, glue);
    }

    /// Forces the next token onto a continuation line.
    fn break_line(&mut self) {
        if let Some(s) = &mut self.stmt {
            s.broken = true;
        }
    }

    /// Appends a token found at `pos` in the source to the current line.
    fn put(&mut self, pos: usize, text: &str, glue: bool) {
        if !self.src.get(pos..).is_some_and(|rest| rest.starts_with(text)) {
            self.ok = false;
            return;
        }
        let mut glue = glue;
        if let Some(s) = &mut self.stmt
            && std::mem::take(&mut s.broken)
        {
            let indent = s.indent + INDENT;
            self.unalign();
            self.push(Line::Code {
                indent,
                cells: Vec::new(),
                trailing: None,
                align: None,
            });
            glue = false;
        }
        match self.lines.last_mut() {
            Some(Line::Code {
                cells, trailing: None, ..
            }) => match cells.last_mut() {
                Some(last) if glue => last.push_str(text),
                _ => cells.push(text.to_owned()),
            },
            _ => self.ok = false,
        }
        self.cursor = pos + text.len();
        self.last_end = self.cursor;
    }

    /// The current statement spans several lines: it never aligns with its neighbours.
    fn unalign(&mut self) {
        if let Some(first) = self.stmt.as_ref().map(|s| s.first)
            && let Some(Line::Code { align, .. }) = self.lines.get_mut(first)
        {
            *align = None;
        }
    }

    /// `{`: the items that follow are inside the block.
    fn open(&mut self) {
        self.punct("{", false);
        self.stmt = None;
        self.openers.push(self.lines.len() - 1);
        self.fresh = true;
    }

    /// `}` on a line of its own at `indent`, after the comments that end the
    /// block; `{}` when the block is empty.
    fn close(&mut self, indent: usize) {
        self.stmt = None;
        self.force_blank = false;
        let pos = self.skip_trivia(self.cursor);
        self.flush(pos, indent + INDENT, false);
        if self.src.as_bytes().get(pos) != Some(&b'}') {
            self.ok = false;
            return;
        }
        let opener = self.openers.pop();
        let empty = opener.is_some_and(|o| o + 1 == self.lines.len());
        match self.lines.last_mut() {
            Some(Line::Code {
                cells, trailing: None, ..
            }) if empty => {
                if let Some(last) = cells.last_mut() {
                    last.push('}');
                }
            }
            _ => self.push(Line::Code {
                indent,
                cells: vec!["}".to_owned()],
                trailing: None,
                align: None,
            }),
        }
        self.fresh = false;
        self.cursor = pos + 1;
        self.last_end = self.cursor;
    }

    /// Prints the comments that start before `until`. A comment that follows a
    /// token on its source line ends the current line; the others get lines of
    /// their own at `indent`. Inside a statement (`mid`) no blank line is kept.
    /// Returns whether there was any.
    fn flush(&mut self, until: usize, indent: usize, mid: bool) -> bool {
        let mut any = false;
        while let Some(c) = self.comments.get(self.next_comment).filter(|c| c.span.start < until) {
            self.next_comment += 1;
            any = true;
            let text = trim_comment(&c.text).to_owned();
            let text = if self.own_line(c.span.start) {
                Some(text)
            } else {
                self.attach(text)
            };
            if let Some(text) = text {
                if !mid && (std::mem::take(&mut self.force_blank) || self.blank_between(self.last_end, c.span.start)) {
                    self.blank();
                }
                self.push(Line::Comment { indent, text });
            }
            self.last_end = self.last_end.max(c.span.end);
        }
        any
    }

    /// Puts a trailing comment at the end of the last line; gives it back if that line cannot take one.
    fn attach(&mut self, text: String) -> Option<String> {
        match self.lines.last_mut() {
            Some(Line::Code {
                cells,
                trailing: t @ None,
                ..
            }) if !cells.is_empty() => {
                *t = Some(text);
                None
            }
            _ => Some(text),
        }
    }

    /// Whether the comment at `start` is the first thing on its source line.
    fn own_line(&self, start: usize) -> bool {
        let before = self.src.get(..start).unwrap_or_default();
        let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        line.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | BOM))
    }

    /// Whether the source has an empty line between `from` and `to` (only whitespace lies there).
    fn blank_between(&self, from: usize, to: usize) -> bool {
        self.src
            .as_bytes()
            .get(from..to)
            .is_some_and(|between| between.iter().filter(|&&b| b == b'\n').nth(1).is_some())
    }

    /// The offset of the next token at or after `pos`.
    fn skip_trivia(&self, mut pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        loop {
            match bytes.get(pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
                // The byte-order mark: the grammar takes it before `call`, after any
                // blank lines and comments too; in a file that parses it is found
                // nowhere else outside strings and comments.
                Some(0xEF) if self.src[pos..].starts_with(BOM) => pos += BOM.len_utf8(),
                Some(b'/') if bytes.get(pos + 1) == Some(&b'/') => {
                    // As the grammar reads it: to the line feed (a lone CR is part of it).
                    while !matches!(bytes.get(pos), None | Some(b'\n')) {
                        pos += 1;
                    }
                }
                _ => return pos,
            }
        }
    }

    fn push(&mut self, line: Line) {
        self.lines.push(line);
        self.fresh = false;
    }

    /// One blank line, unless at the start of a block or after another one.
    fn blank(&mut self) {
        if !self.fresh && !matches!(self.lines.last(), None | Some(Line::Blank)) {
            self.lines.push(Line::Blank);
        }
    }

    // ----- output ---------------------------------------------------------------

    /// The text: runs of aligned lines padded, the source's line ending, one final line break.
    fn render(&self) -> String {
        let nl = match self.src.find('\n') {
            Some(i) if i > 0 && self.src.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let mut out = String::with_capacity(self.src.len() + self.src.len() / 8);
        if self.src.starts_with(BOM) {
            out.push(BOM);
        }
        let lines = match self.lines.iter().rposition(|l| !matches!(l, Line::Blank)) {
            Some(last) => &self.lines[..=last],
            None => &[],
        };
        let mut widths = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let run = alignment(&lines[i]).map_or(1, |key| {
                1 + lines[i + 1..].iter().take_while(|l| alignment(l) == Some(key)).count()
            });
            widths.clear();
            if run > 1 {
                for line in &lines[i..i + run] {
                    if let Line::Code { cells, .. } = line {
                        // The last cell is never padded, so it does not count.
                        for (c, cell) in cells.iter().enumerate().take(cells.len().saturating_sub(1)) {
                            if widths.len() <= c {
                                widths.push(0);
                            }
                            widths[c] = widths[c].max(cell.width());
                        }
                    }
                }
            }
            for line in &lines[i..i + run] {
                render_line(&mut out, line, &widths);
                out.push_str(nl);
            }
            i += run;
        }
        out
    }
}

/// A part of a block whose tree keeps parts of different kinds in separate lists.
enum Part<'t> {
    Field(&'t Field),
    Lint(&'t LintAttr),
    Entry(&'t ast::Entry),
    Qa(&'t ast::Qa),
    When(&'t ast::When),
}

fn fields(fields: &[Field]) -> impl Iterator<Item = (usize, Part<'_>)> {
    fields.iter().map(|f| (f.span.start, Part::Field(f)))
}

fn lints(lints: &[LintAttr]) -> impl Iterator<Item = (usize, Part<'_>)> {
    lints.iter().map(|l| (l.span.start, Part::Lint(l)))
}

/// What a line aligns with: lines of the same kind at the same indentation, one after the other.
fn alignment(line: &Line) -> Option<(usize, Align)> {
    match line {
        Line::Code {
            indent, align: Some(a), ..
        } => Some((*indent, *a)),
        _ => None,
    }
}

fn render_line(out: &mut String, line: &Line, widths: &[usize]) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match line {
        Line::Blank => {}
        Line::Comment { indent, text } => {
            pad(out, *indent);
            out.push_str(text);
        }
        Line::Content { indent, text } => {
            if let Some(text) = text {
                pad(out, *indent);
                out.push_str(text);
            }
        }
        Line::Code {
            indent,
            cells,
            trailing,
            ..
        } => {
            pad(out, *indent);
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    let before = &cells[c - 1];
                    let width = widths.get(c - 1).copied().unwrap_or(0);
                    pad(out, width.saturating_sub(before.width()) + 1);
                }
                out.push_str(cell);
            }
            if let Some(comment) = trailing {
                if !cells.is_empty() {
                    out.push(' ');
                }
                out.push_str(comment);
            }
        }
    }
}

/// The lines of a multi-line `"""` block (raw, quotes included) after its
/// common indentation, `None` for blank ones; `None` for a one-line block or a
/// one-line string, which are printed as written.
///
/// This follows the decoder (`syntax/text.rs`) rule for rule: printing these
/// lines at any indentation, between a `"""` that ends its line and a `"""` on
/// a line of its own, gives the same value.
fn block_lines(raw: &str) -> Option<Vec<Option<&str>>> {
    if raw.len() < 6 {
        return None;
    }
    let body = raw.strip_prefix("\"\"\"")?.strip_suffix("\"\"\"")?;
    if !body.contains('\n') {
        return None;
    }
    let mut lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    for line in &mut lines[..last] {
        *line = line.strip_suffix('\r').unwrap_or(line);
    }
    // Blank as the decoder means it: spaces and tabs only (a full-width space is text).
    let blank = |l: &str| l.trim_matches([' ', '\t']).is_empty();
    let mut from = 0;
    if lines.len() > 1 && blank(lines[0]) {
        from = 1;
    }
    let mut to = lines.len();
    if to - from > 1 && blank(lines[to - 1]) {
        to -= 1;
    }
    let lines = &lines[from..to];
    let mut common: Option<&str> = None;
    for line in lines.iter().filter(|l| !blank(l)) {
        let ws = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        common = Some(match common {
            None => ws,
            Some(c) => &c[..c.bytes().zip(ws.bytes()).take_while(|(a, b)| a == b).count()],
        });
    }
    let cut = common.map_or(0, str::len);
    Some(
        lines
            .iter()
            .map(|l| (!blank(l)).then(|| &l[cut.min(l.len())..]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_streamed_digest_is_the_digest_of_the_text_without_spans() {
        use std::hash::Hasher as _;
        let whole = |text: &str| {
            let mut a = std::hash::DefaultHasher::new();
            let mut b = super::Fnv1a::default();
            a.write(text.as_bytes());
            b.write(text.as_bytes());
            (a.finish(), b.finish())
        };
        let mut specs: Vec<String> = [
            include_str!("../specs/taishan_renewal.call"),
            include_str!("../specs/en_dental_reminder.call"),
            include_str!("../specs/zh_broadband_retention.call"),
        ]
        .map(String::from)
        .into();
        // A tree whose texts look like span texts, cut across the buffer.
        specs.push(format!(
            "call t {{ title \"Span {{ start: 1, end: 2 }} {}\" flow {{ step s {{ say \"Span {{ start: \" }} }} }}",
            "长".repeat(5000)
        ));
        for spec in &specs {
            let (Some(file), _) = crate::syntax::parse(spec) else {
                panic!("does not parse: {spec}")
            };
            let debug = format!("{:?}", file.call);
            assert_eq!(super::spanless_digest(&file.call), whole(&super::without_spans(&debug)));
        }
    }

    use super::*;

    #[test]
    fn block_lines_follow_the_decoder() {
        assert_eq!(block_lines("\"\"\"x\"\"\""), None);
        assert_eq!(
            block_lines("\"\"\"\r\n    a\r\n      b\r\n\r\n    c\r\n    \"\"\""),
            Some(vec![Some("a"), Some("  b"), None, Some("c")])
        );
        assert_eq!(
            block_lines("\"\"\"first\n    second\"\"\""),
            Some(vec![Some("first"), Some("    second")])
        );
        assert_eq!(block_lines("\"\"\"\n\"\"\""), Some(vec![None]));
    }

    #[test]
    fn spans_are_left_out_of_the_comparison() {
        assert_eq!(
            without_spans("Ident { name: \"a\", span: Span { start: 1, end: 2 } }"),
            "Ident { name: \"a\", span:  }"
        );
    }
}
