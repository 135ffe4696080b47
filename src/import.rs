//! `callc import`: a Markdown spec in the reference layout (the two role
//! prompts under `## 电话拨打方` / `## 电话接听方`, or `## Caller` /
//! `## Callee`) → `.call` text, with diagnostics whose spans point into
//! the Markdown.
//!
//! The inverse of the `markdown` target, sharing its layout tables
//! ([`crate::emit::markdown::Layout`]). Pure: text in, text out. The stages
//! are lines → sections (found by their heading's title, whatever its
//! level) → items (list items and paragraphs) → a document model → ids →
//! `.call` text. What Markdown cannot say (which step covers which concern)
//! is not guessed (W0303); text that fits no place becomes a `//` comment
//! (W0302); a document without the two party sections is E0301.
//! docs/import.md documents what is accepted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::ast::Priority;
use crate::codes::Code;
use crate::diagnostic::{self, Diagnostic};
use crate::emit::markdown::{EN, Layout, ZH};
use crate::emit::names::transliterate;
use crate::source::Span;
use crate::syntax::KEYWORDS;

/// The result of importing a Markdown spec.
#[derive(Debug)]
pub struct Imported {
    /// The `.call` text, unless the Markdown is not a spec at all.
    pub call: Option<String>,
    /// Problems, with spans into the Markdown text, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    /// Whether any diagnostic is an error (then there is no `.call` text).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Imports a Markdown spec. The call's id comes from the document's `#`
/// title, or is `imported`.
#[must_use]
pub fn import(markdown: &str) -> Imported {
    import_named(markdown, None)
}

/// Imports a Markdown spec; `name` (for `callc import FILE.md`, the file's
/// stem) names the call when given.
#[must_use]
pub fn import_named(markdown: &str, name: Option<&str>) -> Imported {
    let mut diagnostics = Vec::new();
    let call = read(markdown, &mut diagnostics).map(|doc| write(&doc, markdown, name, &mut diagnostics));
    diagnostic::sort(&mut diagnostics);
    Imported { call, diagnostics }
}

// ---------------------------------------------------------------------------
// Lines and headings

/// One line of the Markdown, without its line break, and where it starts.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    start: usize,
    text: &'a str,
}

impl<'a> Line<'a> {
    fn span(self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }

    /// The line without surrounding whitespace (full-width spaces included).
    fn trim(self) -> Line<'a> {
        let t = self.text.trim_start();
        Line {
            start: self.start + (self.text.len() - t.len()),
            text: t.trim_end(),
        }
    }

    fn skip(self, bytes: usize) -> Line<'a> {
        Line {
            start: self.start + bytes,
            text: &self.text[bytes..],
        }
    }

    fn is_blank(self) -> bool {
        self.text.trim().is_empty()
    }

    /// Columns of leading whitespace (a tab counts 4).
    fn indent(self) -> usize {
        self.text
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum()
    }
}

/// The lines of the text: LF or CRLF line breaks, a byte-order mark skipped.
fn split_lines(md: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = if md.starts_with('\u{feff}') { 3 } else { 0 };
    for (i, b) in md.bytes().enumerate() {
        if b == b'\n' && i >= start {
            let text = &md[start..i];
            out.push(Line {
                start,
                text: text.strip_suffix('\r').unwrap_or(text),
            });
            start = i + 1;
        }
    }
    if start < md.len() {
        out.push(Line {
            start,
            text: &md[start..],
        });
    }
    out
}

/// An ATX heading: its level and its text (`###角色` without a space is
/// accepted when the title is not ASCII).
fn heading(line: Line<'_>) -> Option<(usize, Line<'_>)> {
    if line.indent() > 3 {
        return None;
    }
    let t = line.trim();
    let level = t.text.bytes().take_while(|b| *b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = t.skip(level);
    if rest.text.starts_with(|c: char| c.is_ascii() && c != ' ' && c != '\t') {
        return None;
    }
    let mut text = rest.trim();
    let closed = text.text.trim_end_matches('#');
    if closed.len() < text.text.len() && (closed.is_empty() || closed.ends_with([' ', '\t'])) {
        text.text = closed.trim_end();
    }
    Some((level, text))
}

// ---------------------------------------------------------------------------
// Section titles

/// A party section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Party {
    Caller,
    Callee,
}

/// A section inside a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Role,
    Task,
    Knows,
    Flow,
    Faq,
    Opening,
    Ending,
    EndConditions,
    Closing,
    Background,
    Concerns,
    Behavior,
    Style,
}

const CALLER_TITLES: &[&str] = &[
    "电话拨打方",
    "拨打方",
    "主叫方",
    "外呼方",
    "caller",
    "the caller",
    "calling party",
];
const CALLEE_TITLES: &[&str] = &["电话接听方", "接听方", "被叫方", "callee", "the callee", "called party"];

/// Titles after [`normalize`]: the layouts' own and common variants.
const KIND_TITLES: &[(Kind, &[&str])] = &[
    (Kind::Role, &["角色", "角色设定", "人设", "role", "persona"]),
    (Kind::Task, &["核心任务", "任务", "core task", "task"]),
    (
        Kind::Knows,
        &[
            "目标客户画像",
            "客户画像",
            "客户信息",
            "customer profile",
            "target customer profile",
            "profile",
        ],
    ),
    (
        Kind::Flow,
        &[
            "分步流程和话术",
            "分步流程与话术",
            "流程和话术",
            "流程与话术",
            "分步流程",
            "通话流程",
            "流程",
            "话术",
            "step-by-step flow and script",
            "step-by-step flow",
            "call flow",
            "flow",
            "script",
            "steps",
        ],
    ),
    (
        Kind::Faq,
        &["问答知识库", "问答", "常见问题", "知识库", "faq", "faqs", "q&a"],
    ),
    (Kind::Opening, &["开场白", "开场", "opening line", "opening"]),
    (
        Kind::Ending,
        &[
            "结束条件与结束语",
            "结束条件和结束语",
            "结束条件及结束语",
            "end conditions and closing line",
            "end conditions and closing",
            "ending",
        ],
    ),
    (Kind::EndConditions, &["结束条件", "end conditions"]),
    (Kind::Closing, &["结束语", "closing line", "closing"]),
    (Kind::Background, &["背景信息", "背景", "background"]),
    (
        Kind::Concerns,
        &["核心关切点", "关切点", "核心关切", "关切", "core concerns", "concerns"],
    ),
    (
        Kind::Behavior,
        &[
            "对话中的典型行为模式",
            "典型行为模式",
            "行为模式",
            "typical behaviour in the conversation",
            "typical behavior in the conversation",
            "typical behaviour",
            "typical behavior",
            "behaviour",
            "behavior",
        ],
    ),
    (
        Kind::Style,
        &[
            "回复风格示例",
            "回复风格",
            "说话风格",
            "reply style examples",
            "reply style",
            "speaking style",
            "style",
        ],
    ),
];

/// A title as compared: bold marks, a leading number, a trailing
/// parenthesised note and colons removed, spaces collapsed, lower case.
fn normalize(title: &str) -> String {
    let unbold = title.replace("**", "").replace("__", "");
    let mut s = unbold.trim();
    if let Some((Marker::Number(_), len)) = marker(s) {
        s = s[len..].trim();
    }
    s = s.trim_end_matches([':', '：']).trim_end();
    if s.ends_with([')', '）'])
        && let Some(i) = s.rfind(['(', '（'])
        && i > 0
    {
        s = s[..i].trim_end();
    }
    s = s.trim_end_matches([':', '：']).trim_end();
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn party_of(title: &str) -> Option<Party> {
    let t = normalize(title);
    if CALLER_TITLES.contains(&t.as_str()) {
        Some(Party::Caller)
    } else if CALLEE_TITLES.contains(&t.as_str()) {
        Some(Party::Callee)
    } else {
        None
    }
}

fn kind_of(title: &str) -> Option<Kind> {
    let t = normalize(title);
    KIND_TITLES
        .iter()
        .find(|(_, titles)| titles.contains(&t.as_str()))
        .map(|(k, _)| *k)
}

// ---------------------------------------------------------------------------
// List markers and items

/// How an item starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// A paragraph (no marker).
    Paragraph,
    /// `-`, `*`, `+`, `•`.
    Bullet,
    /// `1.`, `1、`, `1)`, `（1）`, `第1步`, `Step 1:`, `一、`: the number written.
    Number(u32),
}

/// A number in ASCII digits or Chinese numerals (up to 99): value, bytes.
/// The digits are read whole; a number too large for a `u32` is none.
fn numeral(s: &str) -> Option<(u32, usize)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return s[..digits].parse().ok().map(|n| (n, digits));
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| u32::try_from(i / 3).unwrap_or(0))
    };
    let mut chars = s.char_indices().peekable();
    let (mut value, mut len) = (0u32, 0usize);
    let mut tens_seen = false;
    while let Some(&(i, c)) = chars.peek() {
        if c == '十' && !tens_seen {
            value = value.max(1) * 10;
            tens_seen = true;
        } else if let Some(d) = digit(c) {
            if tens_seen {
                value += d;
            } else {
                value = value * 10 + d;
            }
        } else {
            break;
        }
        len = i + c.len_utf8();
        chars.next();
    }
    (len > 0).then_some((value, len))
}

/// The list marker at the start of `t`: its kind and its length in bytes,
/// the spaces after it included.
fn marker(t: &str) -> Option<(Marker, usize)> {
    let spaces = |rest: &str| rest.len() - rest.trim_start().len();
    let mut chars = t.chars();
    let first = chars.next()?;
    let after = &t[first.len_utf8()..];
    if matches!(first, '-' | '*' | '+') && (after.is_empty() || after.starts_with([' ', '\t'])) {
        return Some((Marker::Bullet, 1 + spaces(after)));
    }
    if matches!(first, '•' | '●' | '▪' | '◦' | '·') {
        return Some((Marker::Bullet, first.len_utf8() + spaces(after)));
    }
    // 第1步 / 第一步
    if let Some(rest) = t.strip_prefix('第')
        && let Some((n, len)) = numeral(rest)
        && let Some(rest) = rest[len..].strip_prefix('步')
    {
        let sep = rest.strip_prefix(['：', ':', '、', '.', '，', ',']).unwrap_or(rest);
        let used = t.len() - sep.len();
        return Some((Marker::Number(n), used + spaces(sep)));
    }
    // Step 1: / step 2.
    if t.len() > 5 && t.is_char_boundary(5) && t[..5].eq_ignore_ascii_case("step ") {
        let rest = t[5..].trim_start();
        if let Some((n, len)) = numeral(rest)
            && rest.as_bytes()[0].is_ascii_digit()
        {
            let sep = &rest[len..];
            let sep = sep.strip_prefix([':', '.', ')']).unwrap_or(sep);
            return Some((Marker::Number(n), t.len() - sep.len() + spaces(sep)));
        }
    }
    // (1) / （1）
    if let Some(rest) = t.strip_prefix(['(', '（'])
        && let Some((n, len)) = numeral(rest)
        && let Some(sep) = rest[len..].strip_prefix([')', '）'])
    {
        return Some((Marker::Number(n), t.len() - sep.len() + spaces(sep)));
    }
    // 1. / 1、 / 1) / 一、
    let (n, len) = numeral(t)?;
    let rest = &t[len..];
    let ascii = t.as_bytes()[0].is_ascii_digit();
    let sep = if ascii {
        if let Some(r) = rest.strip_prefix('.') {
            if r.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            r
        } else {
            rest.strip_prefix(['、', ')', '）', '．'])?
        }
    } else {
        rest.strip_prefix('、')?
    };
    Some((Marker::Number(n), t.len() - sep.len() + spaces(sep)))
}

/// A piece of text: one line of an item, trimmed; blank lines inside an
/// item are kept as empty pieces.
#[derive(Clone, Copy, Debug)]
struct Piece<'a> {
    text: &'a str,
    span: Span,
}

/// A list item or a paragraph.
#[derive(Debug)]
struct Item<'a> {
    marker: Marker,
    indent: usize,
    span: Span,
    pieces: Vec<Piece<'a>>,
}

/// The items of a section body: a marker starts an item; indented lines
/// continue it (nested markers included); an unindented line right after
/// an item continues it too (a lazy line), unless it is a label line;
/// after a blank line it starts a paragraph.
fn items<'a>(body: &[Line<'a>]) -> Vec<Item<'a>> {
    let mut out: Vec<Item<'a>> = Vec::new();
    let mut blank = false;
    for &line in body {
        if line.is_blank() {
            blank = true;
            continue;
        }
        let t = line.trim();
        let indent = line.indent();
        let continues = out
            .last()
            .is_some_and(|it| indent > it.indent || (!blank && indent == 0));
        let m = marker(t.text);
        // A bold line or a line ending with a colon is a label (`**结束语：**`):
        // it starts an item even right after another line.
        let label =
            indent == 0 && (t.text.starts_with("**") || t.text.starts_with("__") || t.text.ends_with([':', '：']));
        let new_item = match (m, out.last()) {
            (Some(_), Some(last)) => indent <= last.indent || !continues,
            (Some(_) | None, None) => true,
            (None, Some(_)) => !continues || label,
        };
        if new_item {
            let (mk, len) = m.unwrap_or((Marker::Paragraph, 0));
            let rest = t.skip(len).trim();
            let mut pieces = Vec::new();
            if !rest.text.is_empty() {
                pieces.push(Piece {
                    text: rest.text,
                    span: rest.span(),
                });
            }
            out.push(Item {
                marker: mk,
                indent,
                span: t.span(),
                pieces,
            });
        } else if let Some(last) = out.last_mut() {
            if blank {
                last.pieces.push(Piece {
                    text: "",
                    span: Span::new(t.start, t.start),
                });
            }
            last.pieces.push(Piece {
                text: t.text,
                span: t.span(),
            });
            last.span = last.span.to(t.span());
        }
        blank = false;
    }
    out
}

// ---------------------------------------------------------------------------
// Quotation marks, escapes, labels

const OPENERS: [char; 5] = ['“', '"', '「', '『', '＂'];
const CLOSERS: [char; 5] = ['”', '"', '」', '』', '＂'];

/// The most lines one quotation may span.
const MAX_QUOTE_LINES: usize = 200;

/// Quotation marks counted so far: curly and corner marks by depth,
/// straight ones by number.
#[derive(Default)]
struct Marks {
    depth: i64,
    straight: u64,
}

impl Marks {
    fn count(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '“' | '「' | '『' => self.depth += 1,
                '”' | '」' | '』' => self.depth -= 1,
                '"' | '＂' => self.straight += 1,
                _ => {}
            }
        }
    }

    /// Whether the quotation is closed: curly and corner marks balanced,
    /// straight ones even.
    fn balanced(&self) -> bool {
        self.depth <= 0 && self.straight.is_multiple_of(2)
    }
}

/// The inside of a quoted text (`“…”`, `"…"`, `「…」`), if it is one.
fn unquote(s: &str) -> Option<&str> {
    let first = s.chars().next()?;
    let last = s.chars().next_back()?;
    if s.chars().count() >= 2 && OPENERS.contains(&first) && CLOSERS.contains(&last) {
        Some(&s[first.len_utf8()..s.len() - last.len_utf8()])
    } else {
        None
    }
}

/// Pieces joined into one text (still escaped Markdown: [`lit`] decodes
/// it), blank pieces kept as empty lines.
fn join(pieces: &[Piece<'_>]) -> String {
    let lines: Vec<&str> = pieces.iter().map(|p| p.text).collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// A text of a step or an example: a spoken line (quoted, possibly over
/// several lines) or one unquoted line.
#[derive(Debug)]
struct Run {
    text: String,
    quoted: bool,
    span: Span,
}

/// The pieces as runs: a piece that opens a quotation takes the following
/// pieces until the quotation closes at the end of a line.
fn runs(pieces: &[Piece<'_>]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let p = pieces[i];
        i += 1;
        if p.text.is_empty() {
            continue;
        }
        if p.text.starts_with(OPENERS) {
            let mut end = i - 1;
            let mut marks = Marks::default();
            let closed = loop {
                marks.count(pieces[end].text);
                let next = pieces.get(end + 1).map(|p| p.text);
                let at_break = next.is_none_or(|n| n.starts_with(OPENERS) || n.starts_with(['（', '(']));
                if pieces[end].text.ends_with(CLOSERS) && (marks.balanced() || at_break) {
                    break Some(join(&pieces[i - 1..=end]));
                }
                // A quotation longer than this is a missing closing mark.
                if next.is_none() || end + 1 - (i - 1) >= MAX_QUOTE_LINES {
                    break None;
                }
                end += 1;
            };
            if let Some(text) = closed
                && let Some(inner) = unquote(&text)
            {
                out.push(Run {
                    text: inner.to_owned(),
                    quoted: true,
                    span: p.span.to(pieces[end].span),
                });
                i = end + 1;
                continue;
            }
        }
        out.push(Run {
            text: p.text.to_owned(),
            quoted: false,
            span: p.span,
        });
    }
    out
}

/// Strips bold marks around a leading label and returns what follows
/// `label` and a colon: `问：…`, `**问：**…`, `**Q**: …`, `Q: …`.
fn after_label<'a>(text: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = text.trim_start_matches(['*', '_']).trim_start();
    for label in labels {
        let Some(head) = t.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let rest = t[label.len()..].trim_start_matches(['*', '_']).trim_start();
        if let Some(rest) = rest.strip_prefix([':', '：']) {
            return Some(rest.trim_start_matches(['*', '_']).trim());
        }
    }
    None
}

/// Splits `label：value` (or `label: value`) at the first colon; bold
/// marks around the label are removed.
fn split_entry(text: &str) -> Option<(String, &str)> {
    let i = text.find([':', '：'])?;
    let colon = text[i..].chars().next().map_or(1, char::len_utf8);
    let label = text[..i].replace("**", "").replace("__", "");
    let label = label.trim();
    let value = text[i + colon..].trim_start_matches(['*', '_']).trim();
    (!label.is_empty()).then(|| (label.to_owned(), value))
}

// ---------------------------------------------------------------------------
// The document model

/// Where an unplaced text goes in the `.call` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Block {
    Top,
    Caller,
    Callee,
    Flow,
    Step(usize),
    Faq,
    End,
}

/// Why a text could not be placed.
#[derive(Clone, Debug)]
enum Why {
    Preamble,
    PartyIntro,
    SecondNote,
    UnknownSection(String),
    NoParty(String),
    Entry,
    Concern,
    Note,
    StepNumber(String),
    FlowText,
    Question,
    Answer,
    Ending,
    Identity(String),
    Second(String),
}

#[derive(Debug)]
struct Unplaced {
    span: Span,
    block: Block,
    why: Why,
}

#[derive(Debug, Default)]
struct PartyDoc {
    heading: Option<(String, Span)>,
    name: Option<String>,
    gender: Option<&'static str>,
    age: Option<u32>,
    org: Option<String>,
    role: Option<String>,
    persona: Option<String>,
}

#[derive(Debug)]
enum RawTarget {
    /// A step number: its value (none when it is too large to be one) and
    /// the number as written.
    Step(Option<u32>, String),
    End(Option<String>),
}

#[derive(Debug)]
struct RawNote {
    /// The signal's words; `None` for "then" (the step's successor).
    cause: Option<String>,
    target: RawTarget,
    span: Span,
}

#[derive(Debug)]
struct RawStep {
    number: Option<u32>,
    title: Option<String>,
    says: Vec<String>,
    notes: Vec<RawNote>,
}

#[derive(Debug)]
struct RawQa {
    questions: Vec<String>,
    answer: Option<String>,
    span: Span,
}

#[derive(Debug)]
struct Doc {
    layout: &'static Layout,
    title: Option<String>,
    /// Section headings as written, for comments: (kind, text).
    headings: Vec<(Kind, String)>,
    caller: PartyDoc,
    callee: PartyDoc,
    task: Option<String>,
    knows: Vec<(String, String)>,
    background: Vec<(String, String)>,
    concerns: Vec<(Priority, String)>,
    concerns_span: Option<Span>,
    behavior: Vec<String>,
    style_note: Option<String>,
    avoid: Vec<String>,
    prefer: Vec<String>,
    opening: Option<String>,
    global: Vec<RawNote>,
    steps: Vec<RawStep>,
    faq: Vec<RawQa>,
    caller_ends: Vec<String>,
    callee_ends: Vec<String>,
    closing: Option<String>,
    unplaced: Vec<Unplaced>,
}

/// A section: its party, kind and heading, and the lines under it.
struct Section<'a> {
    party: Party,
    kind: Option<Kind>,
    heading: Option<Line<'a>>,
    body: Vec<Line<'a>>,
}

/// The span of a section: its heading and every non-blank line of it.
fn section_span(s: &Section<'_>) -> Span {
    let first = s.heading.or_else(|| s.body.iter().copied().find(|l| !l.is_blank()));
    let last = s.body.iter().rev().copied().find(|l| !l.is_blank()).or(s.heading);
    match (first, last) {
        (Some(a), Some(b)) => a.span().to(b.span()),
        _ => Span::default(),
    }
}

fn read(md: &str, diags: &mut Vec<Diagnostic>) -> Option<Doc> {
    let lines = split_lines(md);
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut preamble: Vec<Line<'_>> = Vec::new();
    let mut title: Option<String> = None;
    let mut layout: Option<&'static Layout> = None;
    let mut parties: [Option<Line<'_>>; 2] = [None, None];
    let mut current: Option<Party> = None;
    let mut unplaced = Vec::new();
    // Headings before the first party heading that are not the title: the
    // section they open cannot be placed.
    let mut stray: Option<(Line<'_>, Vec<Line<'_>>)> = None;
    let flush_stray = |stray: &mut Option<(Line<'_>, Vec<Line<'_>>)>, unplaced: &mut Vec<Unplaced>| {
        if let Some((h, body)) = stray.take() {
            let last = body.iter().rev().find(|l| !l.is_blank()).copied().unwrap_or(h);
            unplaced.push(Unplaced {
                span: h.span().to(last.span()),
                block: Block::Top,
                why: Why::NoParty(h.text.to_owned()),
            });
        }
    };
    for &line in &lines {
        let Some((level, text)) = heading(line) else {
            match (sections.last_mut(), stray.as_mut()) {
                (_, Some((_, body))) => body.push(line),
                (Some(s), None) => s.body.push(line),
                (None, None) => preamble.push(line),
            }
            continue;
        };
        if let Some(p) = party_of(text.text) {
            flush_stray(&mut stray, &mut unplaced);
            current = Some(p);
            let slot = &mut parties[usize::from(p == Party::Callee)];
            if slot.is_none() {
                *slot = Some(line.trim());
            }
            layout.get_or_insert(if text.text.chars().any(is_han) { &ZH } else { &EN });
            sections.push(Section {
                party: p,
                kind: Some(Kind::Role),
                heading: None,
                body: Vec::new(),
            });
            continue;
        }
        let kind = kind_of(text.text);
        match current {
            None if level == 1 && title.is_none() && stray.is_none() && kind.is_none() => {
                title = Some(text.text.replace("**", ""));
            }
            None => {
                flush_stray(&mut stray, &mut unplaced);
                stray = Some((line.trim(), Vec::new()));
            }
            Some(party) => {
                // Inside the flow, `### 第1步 开场` is a step, not a section.
                let in_flow = sections.last().is_some_and(|s| s.kind == Some(Kind::Flow));
                if in_flow && kind.is_none() && marker(text.text).is_some_and(|(m, _)| m != Marker::Bullet) {
                    if let Some(s) = sections.last_mut() {
                        s.body.push(text);
                    }
                    continue;
                }
                sections.push(Section {
                    party,
                    kind,
                    heading: Some(line.trim()),
                    body: Vec::new(),
                });
            }
        }
    }
    flush_stray(&mut stray, &mut unplaced);

    let Some(layout) = layout.filter(|_| parties.iter().all(Option::is_some)) else {
        diags.push(not_a_spec(&lines, parties));
        return None;
    };
    let first_party = parties.iter().flatten().map(|l| l.start).min().unwrap_or(0);
    let pre: Vec<&Line<'_>> = preamble
        .iter()
        .filter(|l| !l.is_blank() && l.start < first_party)
        .collect();
    if let (Some(a), Some(b)) = (pre.first(), pre.last()) {
        unplaced.push(Unplaced {
            span: a.span().to(b.span()),
            block: Block::Top,
            why: Why::Preamble,
        });
    }

    let mut doc = Doc {
        layout,
        title,
        headings: Vec::new(),
        caller: PartyDoc::default(),
        callee: PartyDoc::default(),
        task: None,
        knows: Vec::new(),
        background: Vec::new(),
        concerns: Vec::new(),
        concerns_span: None,
        behavior: Vec::new(),
        style_note: None,
        avoid: Vec::new(),
        prefer: Vec::new(),
        opening: None,
        global: Vec::new(),
        steps: Vec::new(),
        faq: Vec::new(),
        caller_ends: Vec::new(),
        callee_ends: Vec::new(),
        closing: None,
        unplaced,
    };
    for (i, p) in parties.iter().enumerate() {
        if let Some(l) = p {
            let text = heading(*l).map_or(l.text, |(_, t)| t.text);
            let party = if i == 0 { &mut doc.caller } else { &mut doc.callee };
            party.heading = Some((text.to_owned(), l.span()));
        }
    }
    // Text right under a party heading is its role, unless a role section
    // follows: then it is left over.
    let role_section = |p: Party| {
        sections
            .iter()
            .any(|s| s.party == p && s.kind == Some(Kind::Role) && s.heading.is_some())
    };
    let explicit_role = [role_section(Party::Caller), role_section(Party::Callee)];
    let mut seen: BTreeSet<(Party, Kind)> = BTreeSet::new();
    for s in &sections {
        if s.heading.is_none()
            && explicit_role[usize::from(s.party == Party::Callee)]
            && s.body.iter().any(|l| !l.is_blank())
        {
            doc.unplaced.push(Unplaced {
                span: section_span(s),
                block: if s.party == Party::Caller {
                    Block::Caller
                } else {
                    Block::Callee
                },
                why: Why::PartyIntro,
            });
            continue;
        }
        read_section(&mut doc, s, &mut seen);
    }
    Some(doc)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn not_a_spec(lines: &[Line<'_>], parties: [Option<Line<'_>>; 2]) -> Diagnostic {
    let d = match parties {
        [Some(l), None] => Diagnostic::new(
            Code::E0301,
            l.span(),
            "the Markdown has a caller section but no callee section",
        )
        .label("the caller section; no `## 电话接听方` or `## Callee` follows"),
        [None, Some(l)] => Diagnostic::new(
            Code::E0301,
            l.span(),
            "the Markdown has a callee section but no caller section",
        )
        .label("the callee section; no `## 电话拨打方` or `## Caller` comes with it"),
        _ => {
            let first = lines.iter().find(|l| !l.is_blank()).map(|l| l.trim());
            let span = first.map_or(Span::new(0, 0), Line::span);
            let label = if first.is_some() {
                "no caller or callee section in this document"
            } else {
                "the document is empty"
            };
            Diagnostic::new(
                Code::E0301,
                span,
                "this Markdown is not a call spec in the reference layout",
            )
            .label(label)
        }
    };
    d.note("a spec has a caller section (`## 电话拨打方` or `## Caller`) and a callee section (`## 电话接听方` or `## Callee`)")
        .help("add the missing section, with its title as a heading; `callc explain E0301` shows the layout")
}

fn read_section(doc: &mut Doc, s: &Section<'_>, seen: &mut BTreeSet<(Party, Kind)>) {
    let party_block = if s.party == Party::Caller {
        Block::Caller
    } else {
        Block::Callee
    };
    let span = section_span(s);
    let Some(kind) = s.kind else {
        let title = s.heading.and_then(heading).map_or("", |(_, t)| t.text);
        doc.unplaced.push(Unplaced {
            span,
            block: party_block,
            why: Why::UnknownSection(title.to_owned()),
        });
        return;
    };
    // The text right under a party heading is its role; often there is none.
    if s.heading.is_none() && s.body.iter().all(|l| l.is_blank()) {
        return;
    }
    if let Some(h) = s.heading.and_then(heading) {
        doc.headings.push((kind, h.1.text.to_owned()));
    }
    // A second section of a single-valued kind is not merged.
    let single = matches!(kind, Kind::Role | Kind::Task | Kind::Opening);
    let key = (s.party, kind);
    if single && seen.contains(&key) && s.heading.is_some() {
        let title = s.heading.and_then(heading).map_or("", |(_, t)| t.text);
        doc.unplaced.push(Unplaced {
            span,
            block: party_block,
            why: Why::Second(title.to_owned()),
        });
        return;
    }
    seen.insert(key);
    let items = items(&s.body);
    match kind {
        Kind::Role => read_role(doc, s, &items, party_block),
        Kind::Task => doc.task = text_of(&items),
        Kind::Opening => doc.opening = text_of(&items),
        Kind::Knows | Kind::Background => {
            let entries = read_entries(&items, &mut doc.unplaced, party_block);
            if kind == Kind::Knows {
                doc.knows.extend(entries);
            } else {
                doc.background.extend(entries);
            }
        }
        Kind::Flow => read_flow(doc, &items),
        Kind::Faq => read_faq(doc, &items),
        Kind::Ending | Kind::EndConditions | Kind::Closing if s.party == Party::Caller => {
            read_ending(doc, &items, kind);
        }
        Kind::Ending | Kind::EndConditions | Kind::Closing => {
            for it in &items {
                let text = join(&it.pieces);
                if !text.is_empty() {
                    doc.callee_ends.push(text);
                }
            }
        }
        Kind::Concerns => {
            doc.concerns_span.get_or_insert(span);
            read_concerns(doc, &items);
        }
        Kind::Behavior => {
            for it in &items {
                if it.marker == Marker::Paragraph {
                    doc.behavior.extend(
                        it.pieces
                            .iter()
                            .filter(|p| !p.text.is_empty())
                            .map(|p| p.text.to_owned()),
                    );
                } else if !it.pieces.is_empty() {
                    doc.behavior.push(join(&it.pieces));
                }
            }
        }
        Kind::Style => read_style(doc, &items),
    }
}

/// The text of a section of prose (task, opening): its lines, paragraphs
/// separated by a blank line, a quotation around the whole removed.
fn text_of(items: &[Item<'_>]) -> Option<String> {
    let mut paragraphs = Vec::new();
    for it in items {
        let mut text = join(&it.pieces);
        if it.marker != Marker::Paragraph {
            text.insert_str(0, "- ");
        }
        paragraphs.push(text);
    }
    let text = paragraphs.join("\n\n");
    if text.is_empty() {
        return None;
    }
    let quoted = runs(&items.iter().flat_map(|i| i.pieces.iter().copied()).collect::<Vec<_>>());
    match quoted.as_slice() {
        [only] if only.quoted => Some(only.text.clone()),
        _ => Some(text),
    }
}

fn read_role(doc: &mut Doc, s: &Section<'_>, items: &[Item<'_>], block: Block) {
    let party = if s.party == Party::Caller {
        &mut doc.caller
    } else {
        &mut doc.callee
    };
    let mut rest_from = s.body.len();
    // Identity bullets first (`- 姓名：李明`), then the persona.
    let mut n = 0;
    for it in items {
        let Some(first) = it.pieces.first() else { break };
        if it.marker != Marker::Bullet || it.pieces.len() > 1 {
            break;
        }
        let Some((label, value)) = split_entry(first.text) else {
            break;
        };
        let field = identity_field(&label);
        let Some(field) = field else { break };
        match field {
            0 => party.name = Some(value.to_owned()),
            1 => match gender(value) {
                Some(g) => party.gender = Some(g),
                None => doc.unplaced.push(Unplaced {
                    span: it.span,
                    block,
                    why: Why::Identity(value.to_owned()),
                }),
            },
            2 => match age(value) {
                Some(a) => party.age = Some(a),
                None => doc.unplaced.push(Unplaced {
                    span: it.span,
                    block,
                    why: Why::Identity(value.to_owned()),
                }),
            },
            3 => party.org = Some(value.to_owned()),
            _ => party.role = Some(value.to_owned()),
        }
        n += 1;
        rest_from = s
            .body
            .iter()
            .position(|l| l.start > it.span.end)
            .unwrap_or(s.body.len());
    }
    let body: &[Line<'_>] = if n == 0 { &s.body } else { &s.body[rest_from..] };
    let mut lines: Vec<&str> = Vec::new();
    for l in body {
        let t = l.trim().text;
        if t.is_empty() && lines.last().is_some_and(|x| x.is_empty()) {
            continue;
        }
        lines.push(t);
    }
    let persona = lines.join("\n").trim_matches('\n').to_owned();
    if !persona.is_empty() {
        party.persona = Some(match &party.persona {
            Some(before) => format!("{before}\n\n{persona}"),
            None => persona,
        });
    }
}

/// Which identity field a label names: name, gender, age, organisation, role.
fn identity_field(label: &str) -> Option<usize> {
    const FIELDS: [&[&str]; 5] = [
        &["姓名", "名字", "name"],
        &["性别", "gender", "sex"],
        &["年龄", "age"],
        &["单位", "公司", "机构", "organisation", "organization", "company", "org"],
        &["职务", "职位", "岗位", "role", "position", "job title"],
    ];
    let l = label.trim().to_lowercase();
    FIELDS.iter().position(|names| names.contains(&l.as_str()))
}

fn gender(value: &str) -> Option<&'static str> {
    match value.trim().to_lowercase().as_str() {
        "男" | "男性" | "male" | "m" | "man" => Some("male"),
        "女" | "女性" | "female" | "f" | "woman" => Some("female"),
        "其他" | "其它" | "other" | "non-binary" | "nonbinary" => Some("other"),
        _ => None,
    }
}

fn age(value: &str) -> Option<u32> {
    let v = value.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let unit = v[digits..].trim().to_lowercase();
    let known = ["", "岁", "周岁", "years", "years old", "y"].contains(&unit.as_str());
    let n: u32 = v[..digits].parse().ok()?;
    (known && n <= 150).then_some(n)
}

fn read_entries(items: &[Item<'_>], unplaced: &mut Vec<Unplaced>, block: Block) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for it in items {
        let Some(first) = it.pieces.first() else { continue };
        match split_entry(first.text) {
            Some((label, value)) => {
                let mut value = value.to_owned();
                let more = join(&it.pieces[1..]);
                if !more.is_empty() {
                    value.push('\n');
                    value.push_str(&more);
                }
                out.push((label, value));
            }
            None => unplaced.push(Unplaced {
                span: it.span,
                block,
                why: Why::Entry,
            }),
        }
    }
    out
}

fn read_concerns(doc: &mut Doc, items: &[Item<'_>]) {
    const PRIORITIES: [(Priority, &[&str]); 3] = [
        (
            Priority::Primary,
            &[
                "首要问题",
                "首要关切",
                "首要",
                "主要问题",
                "primary concern",
                "primary",
                "main concern",
            ],
        ),
        (
            Priority::Secondary,
            &["次要问题", "次要关切", "次要", "secondary concern", "secondary"],
        ),
        (
            Priority::Latent,
            &[
                "潜在问题",
                "潜在关切",
                "潜在",
                "latent concern",
                "latent",
                "potential concern",
                "hidden concern",
            ],
        ),
    ];
    for it in items {
        let Some(first) = it.pieces.first() else { continue };
        let found = PRIORITIES
            .iter()
            .find_map(|(p, labels)| after_label(first.text, labels).map(|rest| (*p, rest)));
        match found {
            Some((p, rest)) => {
                let mut text = rest.to_owned();
                let more = join(&it.pieces[1..]);
                if !more.is_empty() {
                    text.push('\n');
                    text.push_str(&more);
                }
                doc.concerns.push((p, text));
            }
            None => doc.unplaced.push(Unplaced {
                span: it.span,
                block: Block::Callee,
                why: Why::Concern,
            }),
        }
    }
}

/// A label line of the style section: which list it opens, and any example
/// written after it on the same line.
fn style_label(text: &str) -> Option<(bool, &str)> {
    const AVOID: &[&str] = &[
        "反面教材",
        "反面",
        "错误示范",
        "不要这样说",
        "examples to avoid",
        "avoid",
        "don't say",
        "bad examples",
    ];
    const PREFER: &[&str] = &[
        "正面教材",
        "正面",
        "正确示范",
        "模仿这种感觉",
        "examples to imitate",
        "imitate",
        "good examples",
    ];
    let bold = text.starts_with("**") || text.starts_with("__");
    let t = text.trim_start_matches(['*', '_']).trim_start();
    // The label ends at the colon (inside or after the bold marks).
    let colon = t.find([':', '：']);
    let head = colon.map_or(t, |i| &t[..i]);
    if !bold && colon.is_none() {
        return None;
    }
    let head_l = head.trim_end_matches(['*', '_']).to_lowercase();
    let is = |labels: &[&str]| labels.iter().any(|l| head_l.starts_with(l));
    let avoid = if is(AVOID) {
        true
    } else if is(PREFER) {
        false
    } else {
        return None;
    };
    let rest = colon.map_or("", |i| {
        let c = t[i..].chars().next().map_or(1, char::len_utf8);
        t[i + c..].trim_start_matches(['*', '_']).trim()
    });
    Some((avoid, rest))
}

fn read_style(doc: &mut Doc, items: &[Item<'_>]) {
    let mut mode: Option<bool> = None;
    let mut note: Vec<String> = Vec::new();
    for it in items {
        let mut pieces: &[Piece<'_>] = &it.pieces;
        if let Some(first) = pieces.first()
            && let Some((avoid, rest)) = style_label(first.text)
        {
            mode = Some(avoid);
            pieces = &pieces[1..];
            if !rest.is_empty() {
                let text = unquote(rest).unwrap_or(rest).to_owned();
                if avoid {
                    doc.avoid.push(text);
                } else {
                    doc.prefer.push(text);
                }
            }
        }
        match mode {
            None => note.push(join(pieces)),
            Some(avoid) => {
                // A nested list marker before an example is not part of it.
                let stripped: Vec<Piece<'_>> = pieces
                    .iter()
                    .map(|p| match marker(p.text) {
                        Some((Marker::Bullet, len)) => Piece {
                            text: &p.text[len..],
                            span: Span::new(p.span.start + len, p.span.end),
                        },
                        _ => *p,
                    })
                    .collect();
                let list = if avoid { &mut doc.avoid } else { &mut doc.prefer };
                list.extend(runs(&stripped).into_iter().map(|r| r.text));
            }
        }
    }
    let note = note.join("\n\n");
    if !note.is_empty() {
        doc.style_note = Some(note);
    }
}

fn read_faq(doc: &mut Doc, items: &[Item<'_>]) {
    const Q: &[&str] = &["问题", "问", "question", "q"];
    const A: &[&str] = &["回答", "答案", "答", "answer", "a"];
    let start = doc.faq.len();
    for it in items {
        for (k, p) in it.pieces.iter().enumerate() {
            if p.text.is_empty() {
                continue;
            }
            let text = p.text;
            if let Some(q) = after_label(text, Q) {
                let new_entry = k == 0 || doc.faq[start..].last().is_none_or(|e| e.answer.is_some());
                if new_entry {
                    // From the item's marker when the question opens the item.
                    let from = if k == 0 { it.span.start } else { p.span.start };
                    doc.faq.push(RawQa {
                        questions: Vec::new(),
                        answer: None,
                        span: Span::new(from, p.span.end),
                    });
                }
                if let Some(e) = doc.faq.last_mut() {
                    e.questions.push(unquote(q).unwrap_or(q).to_owned());
                    e.span = e.span.to(p.span);
                }
            } else if let Some(a) = after_label(text, A) {
                match doc.faq[start..].last_mut() {
                    Some(e) if e.answer.is_none() && !e.questions.is_empty() => {
                        e.answer = Some(unquote(a).unwrap_or(a).to_owned());
                        e.span = e.span.to(p.span);
                    }
                    _ => doc.unplaced.push(Unplaced {
                        span: p.span,
                        block: Block::Faq,
                        why: Why::Answer,
                    }),
                }
            } else {
                // A line without a label continues what came before it.
                let entry = doc.faq[start..].last_mut().filter(|_| k > 0);
                let last = entry.and_then(|e| {
                    e.span = e.span.to(p.span);
                    match &mut e.answer {
                        Some(a) => Some(a),
                        None => e.questions.last_mut(),
                    }
                });
                match last {
                    Some(last) => {
                        last.push('\n');
                        last.push_str(text);
                    }
                    None => doc.unplaced.push(Unplaced {
                        span: p.span,
                        block: Block::Faq,
                        why: Why::Question,
                    }),
                }
            }
        }
    }
    // Questions that never got an answer are not an FAQ entry.
    let entries: Vec<RawQa> = doc.faq.drain(start..).collect();
    for e in entries {
        if e.answer.is_some() {
            doc.faq.push(e);
        } else {
            doc.unplaced.push(Unplaced {
                span: e.span,
                block: Block::Faq,
                why: Why::Question,
            });
        }
    }
}

fn read_ending(doc: &mut Doc, items: &[Item<'_>], kind: Kind) {
    const CONDITIONS: &[&str] = &["结束条件", "end conditions", "end condition"];
    const CLOSING: &[&str] = &["结束语", "closing line", "closing"];
    // true: the closing line; false: end conditions; None: not yet said.
    let mut mode = match kind {
        Kind::EndConditions => Some(false),
        Kind::Closing => Some(true),
        _ => None,
    };
    let mut closing: Vec<Piece<'_>> = Vec::new();
    for it in items {
        let mut pieces: &[Piece<'_>] = &it.pieces;
        while let Some(first) = pieces.first() {
            let label = after_label(first.text, CONDITIONS)
                .map(|r| (false, r))
                .or_else(|| after_label(first.text, CLOSING).map(|r| (true, r)));
            let Some((is_closing, rest)) = label else { break };
            mode = Some(is_closing);
            pieces = &pieces[1..];
            if !rest.is_empty() {
                let p = Piece {
                    text: rest,
                    span: Span::new(first.span.end - rest.len(), first.span.end),
                };
                if is_closing {
                    closing.push(p);
                } else {
                    doc.caller_ends.push(rest.to_owned());
                }
            }
        }
        if pieces.is_empty() {
            continue;
        }
        let quoted = pieces.first().is_some_and(|p| p.text.starts_with(OPENERS));
        match mode {
            Some(true) => closing.extend_from_slice(pieces),
            Some(false) if it.marker != Marker::Paragraph || !quoted => {
                if it.marker == Marker::Paragraph {
                    doc.caller_ends
                        .extend(pieces.iter().filter(|p| !p.text.is_empty()).map(|p| p.text.to_owned()));
                } else {
                    doc.caller_ends.push(join(pieces));
                }
            }
            // A quoted paragraph after the conditions is the closing line.
            Some(false) | None if quoted => closing.extend_from_slice(pieces),
            None if it.marker != Marker::Paragraph => doc.caller_ends.push(join(pieces)),
            _ => doc.unplaced.push(Unplaced {
                span: pieces[0].span.to(pieces[pieces.len() - 1].span),
                block: Block::End,
                why: Why::Ending,
            }),
        }
    }
    if !closing.is_empty() && doc.closing.is_none() {
        let rs = runs(&closing);
        let text = match rs.as_slice() {
            [only] => only.text.clone(),
            _ => rs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n"),
        };
        doc.closing = Some(text);
    }
}

fn read_flow(doc: &mut Doc, items: &[Item<'_>]) {
    let numbered = items.iter().any(|i| matches!(i.marker, Marker::Number(_)));
    let mut global_causes: BTreeSet<Option<String>> = doc.global.iter().map(|n| n.cause.clone()).collect();
    for it in items {
        let is_step = match it.marker {
            Marker::Number(_) => true,
            Marker::Bullet => !numbered,
            Marker::Paragraph => false,
        };
        if !is_step {
            for r in runs(&it.pieces) {
                match note(&r.text).filter(|n| n.global || n.note.cause.is_none()) {
                    // One signal leads to one place: a second global note for it is left over.
                    Some(n) if n.global && !global_causes.insert(n.note.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Flow,
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if n.global => doc.global.push(RawNote { span: r.span, ..n.note }),
                    _ => doc.unplaced.push(Unplaced {
                        span: r.span,
                        block: Block::Flow,
                        why: if r.text.starts_with(['（', '(']) {
                            Why::Note
                        } else {
                            Why::FlowText
                        },
                    }),
                }
            }
            continue;
        }
        let index = doc.steps.len();
        // The signals this step's notes use (`None`: its "then" note).
        let mut causes: BTreeSet<Option<String>> = BTreeSet::new();
        let mut step = RawStep {
            number: match it.marker {
                Marker::Number(n) => Some(n),
                _ => None,
            },
            title: None,
            says: Vec::new(),
            notes: Vec::new(),
        };
        // Sub-bullets under a step (`   - “…”`) are its lines.
        let pieces: Vec<Piece<'_>> = it
            .pieces
            .iter()
            .enumerate()
            .map(|(k, p)| match marker(p.text) {
                Some((Marker::Bullet, len)) if k > 0 => Piece {
                    text: &p.text[len..],
                    span: Span::new(p.span.start + len, p.span.end),
                },
                _ => *p,
            })
            .collect();
        for (k, r) in runs(&pieces).into_iter().enumerate() {
            if r.quoted {
                step.says.push(r.text);
                continue;
            }
            if r.text.starts_with(['（', '(']) && r.text.ends_with(['）', ')']) {
                match note(&r.text) {
                    Some(n) if !n.global && !causes.insert(n.note.cause.clone()) => {
                        doc.unplaced.push(Unplaced {
                            span: r.span,
                            block: Block::Step(index),
                            why: Why::SecondNote,
                        });
                    }
                    Some(n) if !n.global => step.notes.push(RawNote { span: r.span, ..n.note }),
                    _ => doc.unplaced.push(Unplaced {
                        span: r.span,
                        block: Block::Step(index),
                        why: Why::Note,
                    }),
                }
                continue;
            }
            if k == 0 {
                // `开场问候：“您好……”`: a title and a line.
                let (title, line) = match r.text.find(OPENERS) {
                    Some(i) if i > 0 && r.text.ends_with(CLOSERS) => (&r.text[..i], unquote(&r.text[i..])),
                    _ => (r.text.as_str(), None),
                };
                let title = title.replace("**", "");
                let title = title.trim().trim_end_matches([':', '：', '-', '—']).trim();
                if !title.is_empty() {
                    step.title = Some(title.to_owned());
                }
                step.says.extend(line.map(str::to_owned));
            } else {
                step.says.push(r.text);
            }
        }
        doc.steps.push(step);
    }
}

/// A parsed flow note.
struct Note {
    global: bool,
    note: RawNote,
}

/// Reads a flow note: `（如张强表示时间紧 → 转到第9步）`,
/// `（任何一步中，如… → 结束通话：…）`, `（说完后 → 转到第3步）`, and the
/// English forms (`(If “…” → go to step 7)`, `(At any step, if “…” → end
/// the call)`, `(Then → go to step 4)`).
fn note(text: &str) -> Option<Note> {
    const GLOBAL: &[&str] = &["任何一步中", "任何一步", "任何步骤中", "在任何一步", "at any step"];
    const IF: &[&str] = &["如果", "若", "如", "if", "when", "on"];
    const THEN: &[&str] = &["说完后", "然后", "之后", "接着", "then", "afterwards", "next"];
    let inner = text
        .strip_prefix(['（', '('])?
        .strip_suffix(['）', ')'])
        .unwrap_or_else(|| text.trim_start_matches(['（', '(']))
        .trim();
    let strip = |s: &'_ str, words: &[&str]| -> Option<usize> {
        words.iter().find_map(|w| {
            let head = s.get(..w.len())?;
            let ascii_word_end = s[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
            (head.eq_ignore_ascii_case(w) && !(w.is_ascii() && ascii_word_end)).then_some(w.len())
        })
    };
    let punct: &[char] = &[' ', '，', ',', '：', ':'];
    let mut rest = inner;
    let mut global = false;
    if let Some(n) = strip(rest, GLOBAL) {
        global = true;
        rest = rest[n..].trim_start_matches(punct);
    }
    let mut then = false;
    if let Some(n) = strip(rest, IF) {
        rest = rest[n..].trim_start_matches(punct);
    } else if !global && let Some(n) = strip(rest, THEN) {
        then = true;
        rest = rest[n..].trim_start_matches(punct);
    } else {
        return None;
    }
    // Try each arrow from the left: the first whose right side is a target.
    for (i, arrow) in rest.match_indices(['→', '⇒']).map(|(i, a)| (i, a.len())).chain(
        rest.match_indices("->")
            .chain(rest.match_indices("=>"))
            .map(|(i, _)| (i, 2)),
    ) {
        let Some(target) = target(rest[i + arrow..].trim()) else {
            continue;
        };
        let cause = rest[..i].trim();
        let cause = unquote(cause).unwrap_or(cause).trim();
        if then != cause.is_empty() {
            continue;
        }
        return Some(Note {
            global,
            note: RawNote {
                cause: (!then).then(|| cause.to_owned()),
                target,
                span: Span::default(),
            },
        });
    }
    None
}

/// Reads a note's target: `转到第9步`, `go to step 9`, `结束通话`,
/// `结束通话：原因`, `end the call: reason`.
fn target(s: &str) -> Option<RawTarget> {
    const GOTO: &[&str] = &["转到", "跳到", "转至", "跳至", "进入", "回到", "返回", "去"];
    const GOTO_EN: &[&str] = &[
        "go to ",
        "goto ",
        "jump to ",
        "continue with ",
        "continue at ",
        "back to ",
        "return to ",
    ];
    const END: &[&str] = &[
        "结束通话",
        "结束电话",
        "挂断",
        "挂机",
        "结束",
        "end the call",
        "end call",
        "hang up",
        "end",
    ];
    let mut s = s.trim().trim_end_matches(['。', '.']);
    for w in GOTO {
        if let Some(r) = s.strip_prefix(w) {
            s = r.trim_start();
            break;
        }
    }
    for w in GOTO_EN {
        if s.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w)) {
            s = s[w.len()..].trim_start();
            break;
        }
    }
    let step = |n: u32| Some(RawTarget::Step(Some(n), written_number(s).to_owned()));
    if let Some((Marker::Number(n), len)) = marker(s)
        && s[len..].trim().is_empty()
    {
        return step(n);
    }
    let unnumbered = s
        .strip_prefix("步骤")
        .or_else(|| s.strip_prefix('第'))
        .or_else(|| s.get(..5).filter(|h| h.eq_ignore_ascii_case("step ")).map(|_| &s[5..]))
        .unwrap_or(s)
        .trim_start();
    if let Some((n, len)) = numeral(unnumbered)
        && unnumbered[len..].trim().is_empty()
    {
        return step(n);
    }
    // Digits too many for any step (`转到第99999999999步`): a step that does not exist.
    let digits = unnumbered.bytes().take_while(u8::is_ascii_digit).count();
    let after = unnumbered[digits..].trim_start();
    if digits > 0 && after.strip_prefix('步').unwrap_or(after).trim().is_empty() {
        return Some(RawTarget::Step(None, unnumbered[..digits].to_owned()));
    }
    for w in END {
        let Some(head) = s.get(..w.len()) else { continue };
        if !head.eq_ignore_ascii_case(w) {
            continue;
        }
        let rest = s[w.len()..].trim();
        if rest.is_empty() {
            return Some(RawTarget::End(None));
        }
        let why = rest
            .strip_prefix([':', '：', '，', ','])
            .map(str::trim)
            .or_else(|| {
                rest.strip_prefix(['（', '('])
                    .and_then(|r| r.strip_suffix(['）', ')']))
                    .map(str::trim)
            })
            .or_else(|| {
                rest.strip_prefix(['—', '-'])
                    .map(|r| r.trim_start_matches(['—', '-']).trim())
            })?;
        return Some(RawTarget::End((!why.is_empty()).then(|| why.to_owned())));
    }
    None
}

/// The number as written in a note's target: its first run of ASCII digits
/// or Chinese numerals (`12345` in `转到第12345步`, `十二` in `第十二步`).
fn written_number(s: &str) -> &str {
    let numeral = |c: char| c.is_ascii_digit() || "零一二三四五六七八九十".contains(c);
    let Some(start) = s.find(numeral) else { return s };
    let len = s[start..].find(|c: char| !numeral(c)).unwrap_or(s.len() - start);
    &s[start..start + len]
}

// ---------------------------------------------------------------------------
// Ids

/// The longest id derived from text: 12 Han characters, 5 words.
const MAX_HAN: usize = 12;
const MAX_WORDS: usize = 5;

/// The one naming function of the importer: a readable id from a text.
/// The first clause of the text (up to `，。：；！？、（` and the like) is
/// taken; letters, digits and Han characters are kept (ASCII letters in
/// lower case), anything else separates words with `_`; `a`, `an`, `the`
/// are dropped; at most 12 Han characters and 5 words. Chinese text gives
/// a Chinese id (`开场问候及身份确认`), English a `snake_case` one
/// (`greeting_and_identity_check`). An empty result is `fallback` (which,
/// being a keyword, is numbered: `step_1`); one that
/// starts with a digit or is a keyword gets `fallback_` in front. Unique
/// within `taken` (`_2`, `_3`, … in order of claiming).
fn derive_id(text: &str, fallback: &str, taken: &mut Taken) -> String {
    const CLAUSE: &[char] = &[
        '，', ',', '。', '：', ':', '；', ';', '！', '!', '？', '?', '、', '（', '(', '）', ')', '·', '|', '/', '—',
        '–', '\n', '“', '”', '"', '「', '」', '《', '》', '【', '】', '[', ']',
    ];
    let decoded = decode(text);
    let clauses = decoded.split(". ").flat_map(|c| c.split(CLAUSE));
    let has_word = |s: &str| s.chars().any(|c| unicode_ident::is_xid_continue(c) && c != '_');
    let clause = clauses.map(str::trim).find(|c| has_word(c)).unwrap_or("");
    let mut words: Vec<String> = vec![String::new()];
    for c in clause.chars() {
        if unicode_ident::is_xid_continue(c) && c != '_' {
            if let Some(w) = words.last_mut() {
                w.push(c.to_ascii_lowercase());
            }
        } else if words.last().is_some_and(|w| !w.is_empty()) {
            words.push(String::new());
        }
    }
    words.retain(|w| !w.is_empty());
    if words.len() > 1 {
        words.retain(|w| !["a", "an", "the"].contains(&w.as_str()));
    }
    let mut han = 0;
    let mut kept: Vec<String> = Vec::new();
    for w in words.into_iter().take(MAX_WORDS) {
        let mut cut = String::new();
        for c in w.chars() {
            if is_han(c) {
                if han == MAX_HAN {
                    break;
                }
                han += 1;
            }
            cut.push(c);
        }
        if !cut.is_empty() {
            kept.push(cut);
        }
        if han == MAX_HAN {
            break;
        }
    }
    let mut id = kept.join("_");
    if id.is_empty() {
        fallback.clone_into(&mut id);
    } else if !id.starts_with(unicode_ident::is_xid_start) || KEYWORDS.contains(&id.as_str()) {
        id = format!("{fallback}_{id}");
    }
    claim(&id, taken)
}

/// The ids given so far, and for each base the next suffix to try, so that
/// a thousand steps called `开场` take linear time.
#[derive(Debug, Default)]
struct Taken {
    ids: BTreeSet<String>,
    next: BTreeMap<String, usize>,
}

/// `id`, or `id_2`, `id_3`, … if taken; marks it taken. A keyword (`step`,
/// the fallback for a step with no words) is never an id itself: its first
/// use is `step_1`.
fn claim(id: &str, taken: &mut Taken) -> String {
    let first = usize::from(KEYWORDS.contains(&id));
    let mut n = taken.next.get(id).copied().unwrap_or(first);
    loop {
        let name = if n == 0 { id.to_owned() } else { format!("{id}_{n}") };
        n = n.max(1) + 1;
        if taken.ids.insert(name.clone()) {
            taken.next.insert(id.to_owned(), n);
            return name;
        }
    }
}

// ---------------------------------------------------------------------------
// Names of the parties

/// Common Chinese surnames, to find a name at the end of
/// `长江公司专员李明`.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

/// Where a party's name came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameFrom {
    Bullet,
    Persona,
    Introduction,
    Greeting,
    Missing,
}

/// Two-character surnames, for four-character names (`欧阳娜娜`).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯", "公孙",
];

/// Whether `s` reads as a whole Chinese name: 2 or 3 Han characters, or 4
/// that start with a two-character surname.
fn whole_han_name(s: &str) -> bool {
    let n = s.chars().count();
    s.chars().all(is_han) && ((2..=3).contains(&n) || (n == 4 && COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c))))
}

/// A Chinese name at the end of `s`: the whole of `s` when it reads as a
/// name, else its last 2 (or 3) characters when they start with a common
/// surname (`客户维系专员王芳` → `王芳`).
fn han_name(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    if !chars.iter().all(|c| is_han(*c)) || chars.len() < 2 {
        return None;
    }
    if whole_han_name(s) {
        return Some(s.to_owned());
    }
    for n in [2, 3] {
        let tail = &chars[chars.len() - n..];
        if SURNAMES.contains(tail[0]) {
            return Some(tail.iter().collect());
        }
    }
    None
}

/// Capitalised words at the start of `s` (at most 3): `Sam Patel`.
fn latin_name(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.', '?', '!', ';', ':']))
        .take_while(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
        .take(3)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The name at the start of a persona: `张强，泰山公司…`, `Maria Gonzalez,
/// 47, …`, or a name at the end of its first clause
/// (`长江公司专员李明（男），…`) when `elsewhere` (the rest of the spec)
/// mentions it too.
fn persona_name(persona: &str, elsewhere: &str) -> Option<String> {
    let end = persona
        .find(['，', ',', '（', '(', '。', '\n'])
        .unwrap_or(persona.len());
    let clause = persona[..end].trim();
    if clause.chars().all(is_han) {
        if whole_han_name(clause) {
            return Some(clause.to_owned());
        }
        return han_name(clause).filter(|n| elsewhere.contains(n.as_str()));
    }
    latin_name(clause).filter(|n| n == clause)
}

/// The name after one of `cues` in `lines`: `我是长江公司的李明`,
/// `this is Sam Patel`.
fn introduced(lines: &[&str], cues: &[&str], honorifics: &[&str]) -> Option<String> {
    for line in lines {
        let lower = line.to_lowercase();
        for cue in cues {
            let Some(i) = lower.find(cue) else { continue };
            // Lower-casing keeps byte offsets for the ASCII cues and the Han text.
            let Some(after) = line.get(i + cue.len()..) else {
                continue;
            };
            let after = after.trim_start();
            if after.starts_with(is_han) {
                let end = after
                    .find(['，', ',', '。', '！', '？', '?', '!', '；', '、', ' ', '吗', '呢'])
                    .unwrap_or(after.len());
                let mut seg = &after[..end];
                if let Some(j) = seg.rfind('的') {
                    seg = &seg[j + '的'.len_utf8()..];
                }
                for h in honorifics {
                    seg = seg.strip_suffix(h).unwrap_or(seg);
                }
                if let Some(n) = han_name(seg) {
                    return Some(n);
                }
            } else {
                let mut words = after;
                for t in ["Mr. ", "Ms. ", "Mrs. ", "Dr. ", "Mr ", "Ms ", "Mrs ", "Dr "] {
                    words = words.strip_prefix(t).unwrap_or(words);
                }
                if let Some(n) = latin_name(words) {
                    return Some(n);
                }
            }
        }
    }
    None
}

fn names(doc: &Doc) -> [(String, NameFrom); 2] {
    let mut lines: Vec<&str> = doc.opening.iter().map(String::as_str).collect();
    if let Some(first) = doc.steps.first() {
        lines.extend(first.says.iter().map(String::as_str));
    }
    // What the spec says besides the personas, to confirm a name found in one.
    let mut elsewhere: Vec<&str> = doc
        .steps
        .iter()
        .flat_map(|s| s.says.iter().map(String::as_str))
        .collect();
    elsewhere.extend(doc.opening.as_deref());
    elsewhere.extend(doc.task.as_deref());
    elsewhere.extend(doc.knows.iter().map(|(_, v)| v.as_str()));
    elsewhere.extend(doc.caller_ends.iter().chain(&doc.callee_ends).map(String::as_str));
    let elsewhere = elsewhere.join("\n");
    let pick = |p: &PartyDoc, cues: &[&str], honorifics: &[&str], from: NameFrom, fallback: &str| {
        if let Some(n) = &p.name {
            return (n.clone(), NameFrom::Bullet);
        }
        let persona = p.persona.as_deref().unwrap_or_default();
        if let Some(n) = persona_name(persona, &elsewhere) {
            return (n, NameFrom::Persona);
        }
        if let Some(n) =
            introduced(&lines, cues, honorifics).filter(|n| persona.is_empty() || persona.contains(n.as_str()))
        {
            return (n, from);
        }
        (fallback.to_owned(), NameFrom::Missing)
    };
    [
        pick(
            &doc.caller,
            &["我是", "我叫", "this is ", "i'm ", "i am ", "my name is "],
            &[],
            NameFrom::Introduction,
            doc.layout.caller,
        ),
        pick(
            &doc.callee,
            &[
                "请问是",
                "请问您是",
                "您是",
                "speaking with ",
                "speak with ",
                "speak to ",
                "is this ",
            ],
            &["先生", "女士", "小姐", "总", "经理", "老师"],
            NameFrom::Greeting,
            doc.layout.callee,
        ),
    ]
}

// ---------------------------------------------------------------------------
// Writing `.call`

/// Comments the importer writes, in the spec's language.
struct Words {
    header: &'static str,
    names: [&'static str; 4],
    covers: [&'static str; 3],
    unplaced: &'static str,
    no_closing: &'static str,
    no_steps: &'static str,
    paired: &'static str,
}

const ZH_WORDS: Words = Words {
    header: "由 callc import 从 Markdown 导入。请核对标有 TODO 的地方。",
    names: [
        "取自“角色”的第一句，请核对",
        "取自开场白或第一步里的自我介绍，请核对",
        "取自拨打方的问候，请核对",
        "TODO: Markdown 没有单独写出姓名，请填写",
    ],
    covers: [
        "TODO(W0303): Markdown 无法说明哪一步或哪条问答回应了哪个关切点。",
        "请在回应它们的步骤和问答上写 `covers`，再删除下面的 `warn uncovered_concern`",
        "（它让未被回应的首要关切点暂时只报警告，而不是错误）。",
    ],
    unplaced: "未能导入（Markdown 第 {} 行）：",
    no_closing: "TODO: Markdown 里没有结束语",
    no_steps: "TODO: Markdown 里没有编号的步骤",
    paired: "拨打方与接听方的结束条件一样多，已按顺序一一配对，请核对",
};

const EN_WORDS: Words = Words {
    header: "Imported from Markdown by callc import. Review the places marked TODO.",
    names: [
        "taken from the first words of the role; please check",
        "taken from the self-introduction in the opening or the first step; please check",
        "taken from the caller's greeting; please check",
        "TODO: the Markdown does not give the name on its own; fill it in",
    ],
    covers: [
        "TODO(W0303): Markdown cannot say which step or FAQ answer addresses which concern.",
        "Write `covers` on the steps and answers that address them, then delete the `warn uncovered_concern` below",
        "(it makes uncovered primary concerns warnings instead of errors until then).",
    ],
    unplaced: "Not imported (Markdown line {}):",
    no_closing: "TODO: the Markdown has no closing line",
    no_steps: "TODO: the Markdown has no numbered steps",
    paired: "The caller's and the callee's lists of end conditions are as long as each other: paired in order; please check",
};

/// The one escaping function for `.call` string literals: a `"…"` string
/// with `\\`, `\"`, `\n`, `\r`, `\0`, `\u{…}` for other control characters
/// and `{{`/`}}` for braces (which would otherwise open a placeholder); a
/// text of several lines becomes a `"""` block indented by `indent` when
/// the block reads back to exactly the same text (no `"""`, no CR, no blank
/// first or last line, no trailing spaces, some line not indented: the
/// block's trim and dedent would take them), and a one-line string with
/// `\n` otherwise.
fn lit(s: &str, indent: &str) -> String {
    let decoded = decode(s);
    let s = decoded.as_str();
    let block = s.contains('\n')
        && !s.contains("\"\"\"")
        && !s.contains('\r')
        && s.lines().next().is_some_and(|l| !l.trim().is_empty())
        && s.lines().last().is_some_and(|l| !l.trim().is_empty())
        && !s.ends_with('\n')
        && s.lines()
            .all(|l| l.is_empty() || (!l.trim().is_empty() && l.trim_end() == l))
        // The block's dedent takes the indentation common to its lines.
        && s.lines().any(|l| !l.is_empty() && !l.starts_with([' ', '\t']));
    let mut out = String::new();
    out.push_str(if block { "\"\"\"\n" } else { "\"" });
    let mut at_line_start = block;
    for c in s.chars() {
        if block && at_line_start && c != '\n' {
            out.push_str(indent);
            out.push_str("  ");
        }
        at_line_start = false;
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if !block => out.push_str("\\\""),
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            '\n' if block => {
                out.push('\n');
                at_line_start = true;
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push('\t'),
            c if c.is_control() || crate::syntax::is_bidi_control(c) || crate::syntax::is_invisible(c) => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    if block {
        let _ = write!(out, "\n{indent}  \"\"\"");
    } else {
        out.push('"');
    }
    out
}

/// Undoes exactly what `CommonMark` (and so the `markdown` target's
/// [`crate::emit::markdown::text`]) escapes: a backslash before ASCII
/// punctuation, and numeric character references (`&#38;`, `&#x202E;`; a
/// reference to no character stays as written). Named entities (`&amp;`)
/// are left as written: the target never writes them.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['\\', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('\\') {
            match after.chars().next() {
                Some(c) if c.is_ascii_punctuation() => {
                    out.push(c);
                    rest = &after[1..];
                }
                _ => {
                    out.push('\\');
                    rest = after;
                }
            }
            continue;
        }
        let reference = tail
            .strip_prefix("&#")
            .and_then(|r| r.split_once(';'))
            .and_then(|(n, after)| {
                let value = match n.strip_prefix(['x', 'X']) {
                    Some(hex) if (1..=6).contains(&hex.len()) => u32::from_str_radix(hex, 16).ok(),
                    None if (1..=7).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
                    _ => None,
                }?;
                char::from_u32(value).map(|c| (c, after))
            });
        match reference {
            Some((c, after)) => {
                out.push(c);
                rest = after;
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the importer would read the start of `line` (a line of text the
/// `markdown` target writes) as structure: a list marker other than the
/// `CommonMark` ones the target escapes with a backslash (`•`, `1、`,
/// `（1）`, `第1步`, `Step 1:`, `一、`), a quotation mark or a bracket (a
/// spoken line or a flow note), or a label (`答：`, `结束语：`, `Q:`, `反面教材：`).
/// The target then writes the first character as a character reference.
pub(crate) fn reads_as_structure(line: &str) -> bool {
    const LABELS: &[&str] = &[
        "问题",
        "问",
        "question",
        "q",
        "回答",
        "答案",
        "答",
        "answer",
        "a",
        "结束条件",
        "end conditions",
        "end condition",
        "结束语",
        "closing line",
        "closing",
    ];
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if line.starts_with(|c: char| c.is_whitespace()) || (digits > 0 && line[digits..].starts_with(['.', ')'])) {
        return false;
    }
    marker(line).is_some()
        || line.starts_with(OPENERS)
        || line.starts_with(['（', '(', '【', '['])
        || after_label(line, LABELS).is_some()
        || style_label(line).is_some()
}

/// Whether a heading with this title would open a party or a section of the
/// layout (so the `markdown` target must not write a spec's title as it is).
pub(crate) fn is_layout_title(title: &str) -> bool {
    party_of(title).is_some() || kind_of(title).is_some()
}

/// A label of `knows`/`background`: a word when it is an identifier, a
/// string otherwise.
fn label(s: &str) -> String {
    let ident = s.starts_with(|c: char| unicode_ident::is_xid_start(c) || c == '_')
        && s.chars().all(unicode_ident::is_xid_continue)
        && !KEYWORDS.contains(&s);
    if ident { s.to_owned() } else { lit(s, "") }
}

/// Text for a `//` comment: one line, whatever the text holds.
fn comment_text(s: &str) -> String {
    s.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

struct Out {
    text: String,
    depth: usize,
}

impl Out {
    fn indent(&self) -> String {
        "  ".repeat(self.depth)
    }

    fn line(&mut self, s: &str) {
        if s.is_empty() {
            self.text.push('\n');
        } else {
            let _ = writeln!(self.text, "{}{s}", self.indent());
        }
    }

    fn comment(&mut self, s: &str) {
        self.line(&format!("// {}", comment_text(s)));
    }

    fn open(&mut self, s: &str) {
        self.line(&format!("{s} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.line("}");
    }

    fn field(&mut self, name: &str, value: &str) {
        let v = lit(value, &self.indent());
        self.line(&format!("{name} {v}"));
    }
}

fn write(doc: &Doc, md: &str, name: Option<&str>, diags: &mut Vec<Diagnostic>) -> String {
    // By locale, not by address: `ZH` is a constant, and two `&ZH` in
    // different codegen units need not be the same address.
    let words = if doc.layout.locale == ZH.locale {
        &ZH_WORDS
    } else {
        &EN_WORDS
    };
    let mut taken = Taken::default();
    let call_id = derive_id(name.or(doc.title.as_deref()).unwrap_or(""), "imported", &mut taken);
    let [(caller_name, caller_from), (callee_name, callee_from)] = names(doc);
    let caller_id = claim(&transliterate(&decode(&caller_name)), &mut taken);
    let callee_id = claim(&transliterate(&decode(&callee_name)), &mut taken);
    let step_ids: Vec<String> = doc
        .steps
        .iter()
        .map(|s| {
            let text = s.title.as_deref().or(s.says.first().map(String::as_str)).unwrap_or("");
            derive_id(text, "step", &mut taken)
        })
        .collect();
    let concern_ids: Vec<String> = doc
        .concerns
        .iter()
        .map(|(_, t)| derive_id(t, "concern", &mut taken))
        .collect();
    // Signals, by their words, in order of first use.
    let mut signals: Vec<(String, String)> = Vec::new();
    let mut signal_ids: BTreeMap<&str, String> = BTreeMap::new();
    for n in doc.global.iter().chain(doc.steps.iter().flat_map(|s| s.notes.iter())) {
        if let Some(cause) = &n.cause
            && !signal_ids.contains_key(cause.as_str())
        {
            let id = derive_id(cause, "signal", &mut taken);
            signal_ids.insert(cause, id.clone());
            signals.push((id, cause.clone()));
        }
    }
    let qa_ids: Vec<String> = doc
        .faq
        .iter()
        .map(|q| derive_id(q.questions.first().map_or("", String::as_str), "qa", &mut taken))
        .collect();
    // End conditions: the two lists pair up when they are as long as each other.
    let mut ends: Vec<(Option<String>, Option<String>)> = if doc.caller_ends.len() == doc.callee_ends.len() {
        doc.caller_ends
            .iter()
            .zip(&doc.callee_ends)
            .map(|(a, b)| (Some(a.clone()), Some(b.clone())))
            .collect()
    } else {
        let mut v: Vec<_> = doc.caller_ends.iter().map(|a| (Some(a.clone()), None)).collect();
        v.extend(doc.callee_ends.iter().map(|b| (None, Some(b.clone()))));
        v
    };
    // Notes that end the call for a reason name a condition (by its caller
    // side, else its callee side, spaces and a final full stop ignored); an
    // unknown reason becomes one.
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<String>()
            .trim_end_matches(['。', '.'])
            .to_owned()
    };
    let mut by_wording: [BTreeMap<String, usize>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (i, (a, b)) in ends.iter().enumerate() {
        for (side, text) in [a, b].into_iter().enumerate() {
            if let Some(t) = text {
                by_wording[side].entry(key(t)).or_insert(i);
            }
        }
    }
    for n in doc.global.iter().chain(doc.steps.iter().flat_map(|s| s.notes.iter())) {
        if let RawTarget::End(Some(why)) = &n.target {
            let k = key(why);
            if !by_wording[0].contains_key(&k) && !by_wording[1].contains_key(&k) {
                by_wording[0].insert(k, ends.len());
                ends.push((Some(why.clone()), None));
            }
        }
    }
    let end_ids: Vec<String> = ends
        .iter()
        .map(|(a, b)| derive_id(a.as_deref().or(b.as_deref()).unwrap_or(""), "when", &mut taken))
        .collect();
    let end_of = |why: &str| {
        let k = key(why);
        by_wording[0]
            .get(&k)
            .or_else(|| by_wording[1].get(&k))
            .map(|&i| end_ids[i].clone())
    };
    // Step numbers in notes: the number written on a step, else its position.
    let mut bad_notes: Vec<Unplaced> = Vec::new();
    let mut numbered: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, s) in doc.steps.iter().enumerate() {
        if let Some(n) = s.number {
            numbered.entry(n).or_insert(i);
        }
    }
    let step_of = |n: u32| {
        numbered.get(&n).copied().or_else(|| {
            usize::try_from(n)
                .ok()
                .filter(|&i| (1..=doc.steps.len()).contains(&i))
                .map(|i| i - 1)
        })
    };
    let mut target_text = |n: &RawNote, block: Block| -> Option<String> {
        match &n.target {
            RawTarget::Step(k, written) => match k.and_then(step_of) {
                Some(i) => Some(step_ids[i].clone()),
                None => {
                    // The span of the number itself: the last place the note writes it.
                    let span = md
                        .get(n.span.range())
                        .and_then(|note| note.rfind(written.as_str()))
                        .map_or(n.span, |at| {
                            Span::new(n.span.start + at, n.span.start + at + written.len())
                        });
                    bad_notes.push(Unplaced {
                        span,
                        block,
                        why: Why::StepNumber(written.clone()),
                    });
                    None
                }
            },
            RawTarget::End(None) => Some("end".to_owned()),
            RawTarget::End(Some(why)) => Some(end_of(why).map_or_else(|| "end".to_owned(), |id| format!("end({id})"))),
        }
    };
    let signal_of = |cause: &str| signal_ids.get(cause).cloned();
    let globals: Vec<(String, Option<String>)> = doc
        .global
        .iter()
        .map(|n| {
            (
                signal_of(n.cause.as_deref().unwrap_or("")).unwrap_or_default(),
                target_text(n, Block::Flow),
            )
        })
        .collect();
    let step_notes: Vec<Vec<(Option<String>, Option<String>)>> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.notes
                .iter()
                .map(|n| (n.cause.as_deref().and_then(signal_of), target_text(n, Block::Step(i))))
                .collect()
        })
        .collect();
    let leftovers = Leftovers::new(md, doc.unplaced.iter().chain(&bad_notes));

    let mut o = Out {
        text: String::new(),
        depth: 0,
    };
    o.comment(words.header);
    o.open(&format!("call {call_id}"));
    if let Some(t) = &doc.title {
        o.field("title", t);
    }
    o.field("locale", doc.layout.locale);
    leftovers.write(&mut o, Block::Top, words);

    // The caller.
    o.line("");
    if let Some((h, _)) = &doc.caller.heading {
        o.comment(h);
    }
    o.open(&format!("caller {caller_id}"));
    party_fields(&mut o, &doc.caller, &caller_name, caller_from, words);
    if let Some(task) = &doc.task {
        heading_comment(&mut o, doc, Kind::Task);
        o.field("task", task);
    }
    if !doc.knows.is_empty() {
        heading_comment(&mut o, doc, Kind::Knows);
        entries(&mut o, "knows", &doc.knows);
    }
    leftovers.write(&mut o, Block::Caller, words);
    o.close();

    // The callee.
    o.line("");
    if let Some((h, _)) = &doc.callee.heading {
        o.comment(h);
    }
    o.open(&format!("callee {callee_id}"));
    party_fields(&mut o, &doc.callee, &callee_name, callee_from, words);
    if !doc.background.is_empty() {
        heading_comment(&mut o, doc, Kind::Background);
        entries(&mut o, "background", &doc.background);
    }
    if !doc.concerns.is_empty() {
        heading_comment(&mut o, doc, Kind::Concerns);
        for line in words.covers {
            o.comment(line);
        }
        o.line("warn uncovered_concern");
        for ((priority, text), id) in doc.concerns.iter().zip(&concern_ids) {
            let v = lit(text, &o.indent());
            o.line(&format!("concern {id} {} {v}", priority.as_str()));
        }
        if let Some(span) = doc.concerns_span {
            diags.push(covers_not_imported(span, &concern_ids));
        }
    }
    if !doc.behavior.is_empty() {
        heading_comment(&mut o, doc, Kind::Behavior);
        for b in &doc.behavior {
            o.field("behavior", b);
        }
    }
    if doc.style_note.is_some() || !doc.avoid.is_empty() || !doc.prefer.is_empty() {
        heading_comment(&mut o, doc, Kind::Style);
        o.open("style");
        if let Some(n) = &doc.style_note {
            o.field("note", n);
        }
        for a in &doc.avoid {
            o.field("avoid", a);
        }
        for p in &doc.prefer {
            o.field("prefer", p);
        }
        o.close();
    }
    leftovers.write(&mut o, Block::Callee, words);
    o.close();

    if !signals.is_empty() {
        o.line("");
        for (id, cause) in &signals {
            let v = lit(cause, &o.indent());
            o.line(&format!("signal {id} {v}"));
        }
    }
    if let Some(opening) = &doc.opening {
        o.line("");
        o.field("opening", opening);
    }

    // The flow.
    o.line("");
    heading_comment(&mut o, doc, Kind::Flow);
    o.open("flow");
    for (signal, target) in &globals {
        if let Some(t) = target {
            o.line(&format!("on {signal} -> {t}"));
        }
    }
    leftovers.write(&mut o, Block::Flow, words);
    if doc.steps.is_empty() {
        o.comment(words.no_steps);
        o.open(&format!("step {}", claim("step", &mut taken)));
        o.close();
    }
    for (i, s) in doc.steps.iter().enumerate() {
        let title = s
            .title
            .as_deref()
            .map(|t| format!(" {}", lit(t, "")))
            .unwrap_or_default();
        o.open(&format!("step {}{title}", step_ids[i]));
        for say in &s.says {
            o.field("say", say);
        }
        for (k, n) in s.notes.iter().enumerate() {
            let (signal, target) = &step_notes[i][k];
            match (n.cause.is_some(), signal, target) {
                (true, Some(sig), Some(t)) => o.line(&format!("on {sig} -> {t}")),
                (false, _, Some(t)) => o.line(&format!("-> {t}")),
                _ => {}
            }
        }
        leftovers.write(&mut o, Block::Step(i), words);
        o.close();
    }
    o.close();

    if !doc.faq.is_empty() || leftovers.any(Block::Faq) {
        o.line("");
        heading_comment(&mut o, doc, Kind::Faq);
        o.open("faq");
        for (qa, id) in doc.faq.iter().zip(&qa_ids) {
            o.open(&format!("qa {id}"));
            for q in &qa.questions {
                o.field("q", q);
            }
            o.field("a", qa.answer.as_deref().unwrap_or_default());
            o.close();
        }
        leftovers.write(&mut o, Block::Faq, words);
        o.close();
    }

    o.line("");
    heading_comment(&mut o, doc, Kind::Ending);
    o.open("end");
    if ends.iter().any(|(a, b)| a.is_some() && b.is_some()) {
        o.comment(words.paired);
    }
    for ((a, b), id) in ends.iter().zip(&end_ids) {
        let mut line = format!("when {id}");
        if let Some(a) = a {
            let _ = write!(line, " {}", lit(a, &o.indent()));
        }
        o.line(&line);
        if let Some(b) = b {
            o.depth += 1;
            let v = lit(b, &o.indent());
            o.line(&format!("callee {v}"));
            o.depth -= 1;
        }
    }
    match &doc.closing {
        Some(c) => o.field("closing", c),
        None => {
            o.comment(words.no_closing);
            o.field("closing", "");
        }
    }
    leftovers.write(&mut o, Block::End, words);
    o.close();
    o.close();

    diags.extend(doc.unplaced.iter().chain(&bad_notes).map(unplaced_diagnostic));
    o.text
}

fn party_fields(o: &mut Out, p: &PartyDoc, name: &str, from: NameFrom, words: &Words) {
    let note = match from {
        NameFrom::Bullet => None,
        NameFrom::Persona => Some(words.names[0]),
        NameFrom::Introduction => Some(words.names[1]),
        NameFrom::Greeting => Some(words.names[2]),
        NameFrom::Missing => Some(words.names[3]),
    };
    let mut line = format!("name {}", lit(name, &o.indent()));
    if let Some(n) = note {
        let _ = write!(line, "  // {n}");
    }
    o.line(&line);
    if let Some(g) = p.gender {
        o.line(&format!("gender {g}"));
    }
    if let Some(a) = p.age {
        o.line(&format!("age {a}"));
    }
    if let Some(org) = &p.org {
        o.field("org", org);
    }
    if let Some(role) = &p.role {
        o.field("role", role);
    }
    if let Some(persona) = &p.persona {
        o.field("persona", persona);
    }
}

fn heading_comment(o: &mut Out, doc: &Doc, kind: Kind) {
    let kinds: &[Kind] = match kind {
        Kind::Ending => &[Kind::Ending, Kind::EndConditions, Kind::Closing],
        _ => std::slice::from_ref(&kind),
    };
    if let Some((_, h)) = doc.headings.iter().find(|(k, _)| kinds.contains(k)) {
        o.comment(h);
    }
}

fn entries(o: &mut Out, block: &str, entries: &[(String, String)]) {
    o.open(block);
    let mut seen = Taken::default();
    for (l, v) in entries {
        // The same label twice would be E0105: the second gets a suffix.
        let l = claim(l, &mut seen);
        let value = lit(v, &o.indent());
        o.line(&format!("{} {value}", label(&l)));
    }
    o.close();
}

/// The texts that were not placed, by the block their comments go in.
struct Leftovers<'a> {
    by_block: BTreeMap<Block, Vec<&'a Unplaced>>,
    /// Where each line of the Markdown starts, for line numbers.
    line_starts: Vec<usize>,
    md: &'a str,
}

impl<'a> Leftovers<'a> {
    fn new(md: &'a str, unplaced: impl IntoIterator<Item = &'a Unplaced>) -> Self {
        let mut by_block: BTreeMap<Block, Vec<&Unplaced>> = BTreeMap::new();
        for u in unplaced {
            by_block.entry(u.block).or_default().push(u);
        }
        let line_starts = std::iter::once(0)
            .chain(md.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            by_block,
            line_starts,
            md,
        }
    }

    fn any(&self, block: Block) -> bool {
        self.by_block.contains_key(&block)
    }

    /// The unplaced texts of one block, as `//` comments holding the
    /// Markdown lines as written.
    fn write(&self, o: &mut Out, block: Block, words: &Words) {
        for u in self.by_block.get(&block).into_iter().flatten() {
            let line = self.line_starts.partition_point(|&s| s <= u.span.start);
            o.comment(&words.unplaced.replace("{}", &line.to_string()));
            for l in self.md[u.span.range()].lines() {
                o.comment(l.trim_end_matches('\r'));
            }
        }
    }
}

fn covers_not_imported(span: Span, ids: &[String]) -> Diagnostic {
    let list: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
    Diagnostic::new(
        Code::W0303,
        span,
        "Markdown cannot say which steps and FAQ answers cover these concerns",
    )
    .label("imported as concerns without `covers`")
    .note(format!("imported concerns: {}", list.join(", ")))
    .note("the imported spec says `warn uncovered_concern` in its callee block, so `callc check` reports uncovered primary concerns as warnings, not errors")
    .help("write `covers CONCERN` on the steps and FAQ entries that address each concern, then delete `warn uncovered_concern`")
}

fn unplaced_diagnostic(u: &Unplaced) -> Diagnostic {
    let (message, label, help) = match &u.why {
        Why::Preamble => (
            "text before the caller section was not imported".to_owned(),
            "not inside any section",
            "move it into a section, or delete it",
        ),
        Why::PartyIntro => (
            "text between a party heading and its first section was not imported".to_owned(),
            "not inside any section of the party",
            "move it into the role section (`### 角色` / `### Role`) or another section",
        ),
        Why::SecondNote => (
            "a second flow note for the same signal (or a second \"then\") in one place".to_owned(),
            "the first note already says where this leads",
            "keep one note per signal in each step (and one before the steps)",
        ),
        Why::UnknownSection(t) => (
            format!("section `{t}` is not part of the layout"),
            "callc does not know where this section goes",
            "rename the heading to a section of the layout (see docs/import.md), or move its text into one",
        ),
        Why::NoParty(t) => (
            format!("section `{t}` comes before the caller and callee sections"),
            "not inside the caller or the callee section",
            "move it under `## 电话拨打方`/`## Caller` or `## 电话接听方`/`## Callee`",
        ),
        Why::Entry => (
            "this line is not a `label：value` entry".to_owned(),
            "no label before a colon",
            "write it as `- label：value`",
        ),
        Why::Concern => (
            "this concern has no priority".to_owned(),
            "not `首要问题：`, `次要问题：` or `潜在问题：` (`Primary concern:` …)",
            "start it with its priority: `- 首要问题：…`, `- 次要问题：…`, `- 潜在问题：…`",
        ),
        Why::Note => (
            "callc cannot read this flow note".to_owned(),
            "not a branch or a jump callc understands",
            "write `（如 信号 → 转到第N步）`, `（说完后 → 结束通话）` or their English forms (see docs/import.md)",
        ),
        Why::StepNumber(n) => (
            format!("this note leads to step {n}, which does not exist"),
            "no step has this number",
            "number the steps 1, 2, 3, … and point the note at one of them",
        ),
        Why::FlowText => (
            "text in the flow section outside any step".to_owned(),
            "not inside a numbered step",
            "put it inside a step, or delete it",
        ),
        Why::Question => (
            "a question without an answer".to_owned(),
            "no `答：` (`A:`) line follows",
            "add the answer on the next line: `  答：…`",
        ),
        Why::Answer => (
            "an answer without a question".to_owned(),
            "no `问：` (`Q:`) line before it",
            "put the question on the line before: `- 问：…`",
        ),
        Why::Ending => (
            "text in the end section that is neither an end condition nor the closing line".to_owned(),
            "not a `- ` condition and not a quoted closing line",
            "list the end conditions as `- ` items under `**结束条件：**` and quote the closing line under `**结束语：**`",
        ),
        Why::Identity(v) => (
            format!("`{v}` is not a gender or an age callc understands"),
            "not imported",
            "write the gender as 男/女/其他 (male/female/other) and the age as a number",
        ),
        Why::Second(t) => (
            format!("a second `{t}` section"),
            "only the first one is imported",
            "merge the two sections",
        ),
    };
    Diagnostic::new(Code::W0302, u.span, message)
        .label(label)
        .note("it is kept as a `//` comment in the imported spec")
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_titles_are_recognised() {
        for l in [&ZH, &EN] {
            assert_eq!(party_of(l.caller), Some(Party::Caller));
            assert_eq!(party_of(l.callee), Some(Party::Callee));
            for (title, kind) in [
                (l.role, Kind::Role),
                (l.task, Kind::Task),
                (l.knows, Kind::Knows),
                (l.flow, Kind::Flow),
                (l.faq, Kind::Faq),
                (l.opening, Kind::Opening),
                (l.ending, Kind::Ending),
                (l.background, Kind::Background),
                (l.concerns, Kind::Concerns),
                (l.behavior, Kind::Behavior),
                (l.style, Kind::Style),
                (l.callee_end, Kind::EndConditions),
            ] {
                assert_eq!(kind_of(title), Some(kind), "{title}");
            }
        }
        assert_eq!(kind_of("**一、角色：**"), Some(Kind::Role));
        assert_eq!(kind_of("2. 核心任务 (一句话)"), Some(Kind::Task));
        assert_eq!(kind_of("Reply Style"), Some(Kind::Style));
        assert_eq!(kind_of("角色扮演"), None);
    }

    #[test]
    fn markers() {
        assert_eq!(marker("- a"), Some((Marker::Bullet, 2)));
        assert_eq!(marker("* a"), Some((Marker::Bullet, 2)));
        assert_eq!(marker("•a"), Some((Marker::Bullet, 3)));
        assert_eq!(marker("**粗体**"), None);
        assert_eq!(marker("1. 开场"), Some((Marker::Number(1), 3)));
        assert_eq!(marker("10.开场"), Some((Marker::Number(10), 3)));
        assert_eq!(marker("1.5折优惠"), None);
        assert_eq!(marker("2、开场"), Some((Marker::Number(2), 4)));
        assert_eq!(marker("3) x"), Some((Marker::Number(3), 3)));
        assert_eq!(marker("（4）x"), Some((Marker::Number(4), 7)));
        assert_eq!(marker("第5步：开场"), Some((Marker::Number(5), 10)));
        assert_eq!(marker("第十二步 开场"), Some((Marker::Number(12), 13)));
        assert_eq!(marker("Step 6: Greet"), Some((Marker::Number(6), 8)));
        assert_eq!(marker("三、开场"), Some((Marker::Number(3), 6)));
        assert_eq!(marker("2024年"), None);
        assert_eq!(marker("-1 度"), None);
    }

    #[test]
    fn numerals() {
        assert_eq!(numeral("9步"), Some((9, 1)));
        assert_eq!(numeral("十"), Some((10, 3)));
        assert_eq!(numeral("十一"), Some((11, 6)));
        assert_eq!(numeral("二十三"), Some((23, 9)));
        assert_eq!(numeral("步"), None);
    }

    #[test]
    fn notes_in_both_languages() {
        let n = note("（如张强表示时间紧，要求资料发邮箱 → 转到第9步）").unwrap();
        assert!(!n.global);
        assert_eq!(n.note.cause.as_deref(), Some("张强表示时间紧，要求资料发邮箱"));
        assert!(matches!(n.note.target, RawTarget::Step(Some(9), _)));
        let n = note("（任何一步中，如不想聊 → 结束通话：客户拒绝）").unwrap();
        assert!(n.global);
        assert!(matches!(n.note.target, RawTarget::End(Some(ref w)) if w == "客户拒绝"));
        let n = note("(Then → go to step 4)").unwrap();
        assert!(n.note.cause.is_none());
        let n = note("(If “A → B” → end the call)").unwrap();
        assert_eq!(n.note.cause.as_deref(), Some("A → B"));
        assert!(matches!(n.note.target, RawTarget::End(None)));
        let n = note("(at any step, if busy -> step 2)").unwrap();
        assert!(n.global && matches!(n.note.target, RawTarget::Step(Some(2), _)));
        assert!(note("（语气放缓）").is_none());
        assert!(note("(Then smile)").is_none());
        assert!(note("(Ifeoma → step 2)").is_none());
    }

    #[test]
    fn ids_are_readable_and_unique() {
        let mut t = Taken::default();
        assert_eq!(derive_id("开场问候及身份确认", "step", &mut t), "开场问候及身份确认");
        assert_eq!(derive_id("回答细节问题，政策透明", "step", &mut t), "回答细节问题");
        assert_eq!(derive_id("回答细节问题：再来一次", "step", &mut t), "回答细节问题_2");
        assert_eq!(
            derive_id("优惠条款及价格明细能否直接发我？", "qa", &mut t),
            "优惠条款及价格明细能否直"
        );
        assert_eq!(
            derive_id("The patient confirms the appointment", "when", &mut t),
            "patient_confirms_appointment"
        );
        assert_eq!(
            derive_id("Greeting and identity check", "step", &mut t),
            "greeting_and_identity_check"
        );
        assert_eq!(derive_id("8%专属优惠", "step", &mut t), "step_8_专属优惠");
        assert_eq!(derive_id("End", "step", &mut t), "step_end");
        assert_eq!(derive_id("😀🎉", "signal", &mut t), "signal_1");
        assert_eq!(derive_id("", "signal", &mut t), "signal_2");
        assert_eq!(derive_id("ｆｕｌｌ width", "step", &mut t), "ｆｕｌｌ_width");
    }

    #[test]
    fn literals_read_back() {
        assert_eq!(lit("a\"b\\c{d}", ""), "\"a\\\"b\\\\c{{d}}\"");
        assert_eq!(
            lit("一\n  二\n\n三", "  "),
            "\"\"\"\n    一\n      二\n\n    三\n    \"\"\""
        );
        assert_eq!(lit("\n开头换行", ""), "\"\\n开头换行\"");
        assert_eq!(lit(" 一\n  二", ""), "\" 一\\n  二\"");
        assert_eq!(lit("a\u{202E}b\u{200B}", ""), "\"a\\u{202E}b\\u{200B}\"");
        assert_eq!(lit("a\u{7}\tb\r", ""), "\"a\\u{7}\tb\\r\"");
        assert_eq!(lit("他说\"\"\"\n好", ""), "\"他说\\\"\\\"\\\"\\n好\"");
    }

    #[test]
    fn names_from_text() {
        assert_eq!(han_name("客户维系专员王芳").as_deref(), Some("王芳"));
        assert_eq!(han_name("专员王建国").as_deref(), Some("王建国"));
        assert_eq!(han_name("李明").as_deref(), Some("李明"));
        assert_eq!(han_name("客服王芳").as_deref(), Some("王芳"));
        assert_eq!(han_name("欧阳娜娜").as_deref(), Some("欧阳娜娜"));
        assert_eq!(persona_name("张强，泰山公司采购负责人", "").as_deref(), Some("张强"));
        let caller = "长江公司老客户回馈活动专员李明（男），负责";
        assert_eq!(persona_name(caller, "我是长江公司的李明").as_deref(), Some("李明"));
        assert_eq!(persona_name(caller, "").as_deref(), None);
        // A surname-like ending must be confirmed by the rest of the spec.
        assert_eq!(persona_name("做事周到，理性", "服务").as_deref(), None);
        assert_eq!(
            persona_name("Tom Becker, 45, IT lead", "").as_deref(),
            Some("Tom Becker")
        );
        assert_eq!(
            introduced(&["您好，我是长江公司的李明，今天"], &["我是"], &[]).as_deref(),
            Some("李明")
        );
        assert_eq!(
            introduced(&["Hi, this is Sam Patel calling"], &["this is "], &[]).as_deref(),
            Some("Sam Patel")
        );
        assert_eq!(
            introduced(&["请问是刘建国先生吗？"], &["请问是"], &["先生"]).as_deref(),
            Some("刘建国")
        );
    }

    #[test]
    fn quotes_over_several_lines() {
        let p = |t: &'static str| Piece {
            text: t,
            span: Span::default(),
        };
        let r = runs(&[p("“第一行"), p(""), p("第二行”"), p("（如忙 → 结束通话）")]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "第一行\n\n第二行");
        assert!(r[0].quoted && !r[1].quoted);
        let r = runs(&[p("“他说“好”"), p("“再见”")]);
        assert_eq!(r[0].text, "他说“好");
        assert_eq!(r[1].text, "再见");
    }
}
