//! Fuzz target `lsp`: the language server driven in-process
//! (`lsp_server::Connection::memory()`, `callc::lsp::serve` on a thread) by
//! an `arbitrary` session: `initialize` (UTF-8 or UTF-16 columns, assorted
//! client capabilities), `didOpen` with a spec of the repository or
//! arbitrary text, incremental `didChange`s with arbitrary ranges (past the
//! end of a line or of the text, inside a surrogate pair, inside a CJK
//! character, reversed) and inserted text, full changes, close and reopen,
//! every request the server handles at arbitrary positions, waits for
//! published diagnostics, then `shutdown`/`exit` (or `exit` alone, or the
//! client going away).
//!
//! Invariants: no panic in the server (a handler panic, which the server
//! turns into an `InternalError` response, aborts here through libFuzzer's
//! panic hook, and an `InternalError` response is a failure too); every
//! request gets its response within [`WAIT`] and the server thread ends
//! after `exit`; every range in a response or in published diagnostics lies
//! inside the text it refers to (lines that exist, columns at the end of a
//! line or before, never inside a character), starts before it ends, and a
//! symbol's `selectionRange` lies inside its `range`; the edits of a
//! formatting or rename response do not overlap, and formatting edits turn
//! the text into exactly `callc::fmt::format`'s output; the server applies
//! changes as the protocol and `src/lsp/position.rs` say (checked against a
//! model of the text written here, and against `callc::lsp::document`).
//! The debug-only `callc/debug/panic` request is never sent.

#![no_main]

use std::sync::mpsc;
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// How long any response (or the end of the server thread) may take.
const WAIT: Duration = Duration::from_secs(10);

/// Inputs are cut to this many bytes of text per string, and the document to this size.
const MAX_INSERT: usize = 2048;
const MAX_DOC: usize = 64 * 1024;
const MAX_OPS: usize = 48;

const URI: &str = "file:///work/%E7%BB%AD%E7%BA%A6.call";

const SEEDS: &[&str] = &[
    include_str!("../../specs/taishan_renewal.call"),
    include_str!("../../specs/en_dental_reminder.call"),
    include_str!("../../specs/zh_broadband_retention.call"),
    include_str!("../../tests/fixtures/check/E0102_unknown_next.call"),
    include_str!("../../tests/fixtures/check/E0103_unknown_placeholder.call"),
    include_str!("../../tests/fixtures/check/W0210_bidi_override.call"),
    include_str!("../../tests/fixtures/check/E0001_missing_brace.call"),
    include_str!("../../tests/fixtures/fmt/crlf_bom_tabs.call"),
    include_str!("../../tests/fixtures/fmt/comments_everywhere.call"),
    include_str!("../../tests/fixtures/cli/many_problems.call"),
];

/// Short pieces of text worth inserting: keywords, brackets, line breaks,
/// CJK, astral characters, invisible and combining characters.
const PIECES: &[&str] = &[
    "step ",
    "next ",
    "-> ",
    "end(",
    ")",
    "{",
    "}",
    "\"",
    "\"\"\"",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "中文",
    "开场",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "𠀀",
    "e\u{301}",
    "\u{202e}",
    "\u{feff}",
    "\u{200b}",
    "\0",
    "//",
    "/*",
    "*/",
    "{callee.name}",
    "{knows.",
    "covers ",
    "say \"",
    "on ",
    "allow(",
    "qa ",
    "flow {",
    "faq {",
    "ｓ",
    "：",
    "\\u{",
];

const NAMES: &[&str] = &[
    "开场",
    "offer",
    "新步骤",
    "step",
    "end",
    "",
    "a b",
    "😀",
    "x1",
    "Ｓ0",
    "1abc",
    "docs",
];

#[derive(Arbitrary, Debug)]
enum Text {
    Seed(u8),
    Raw(String),
    /// A seed with a piece inserted at a byte offset (moved back to a character boundary).
    SeedWith(u8, u16, u8),
}

/// A position, resolved against the current text.
#[derive(Arbitrary, Debug)]
enum Pos {
    /// A valid position: the character boundary at or before this byte offset (modulo the length + 1).
    Offset(u16),
    /// One column into a character of several units (half a surrogate pair in
    /// UTF-16; inside a CJK character or an emoji in UTF-8).
    InsideChar(u16),
    /// Anything at all.
    Raw(u32, u32),
    /// Small line and column, in range or not.
    Small(u8, u8),
    /// Past the end of a line (the line modulo the line count).
    PastLineEnd(u8, u8),
    /// A line past the last one.
    PastLastLine(u8, u8),
}

#[derive(Arbitrary, Debug)]
enum Insert {
    Piece(u8),
    Pieces(Vec<u8>),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Change {
    start: Pos,
    end: Pos,
    text: Insert,
}

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// One `didChange` with several incremental changes (each read against the previous one's result).
    Change(Vec<Change>),
    /// A `didChange` replacing the whole text.
    Replace(Text),
    Hover(Pos),
    Definition(Pos),
    References(Pos, bool),
    Highlight(Pos),
    /// Completion, with no context, invoked, or by one of the trigger characters.
    Completion(Pos, u8),
    Symbols,
    Formatting,
    PrepareRename(Pos),
    Rename(Pos, Name),
    /// Code actions for a range, with `only` unset, quick fixes, refactorings or everything.
    CodeAction(Pos, Pos, u8),
    /// Wait for the diagnostics of the current version (honoured once per session: it costs the debounce).
    WaitForDiagnostics,
    Close,
    Reopen(Text),
    /// A request about a document that is not open.
    OtherDocument(Pos),
}

#[derive(Arbitrary, Debug)]
enum End {
    ShutdownExit,
    ExitOnly,
    Disconnect,
}

#[derive(Arbitrary, Debug)]
#[allow(clippy::struct_excessive_bools)]
struct Session {
    utf8: bool,
    snippets: bool,
    markdown: bool,
    hierarchical: bool,
    related: bool,
    tags: bool,
    request_before_initialize: bool,
    open: Text,
    ops: Vec<Op>,
    end: End,
}

fn cut(s: &str, max: usize) -> &str {
    let mut i = s.len().min(max);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Text {
    fn resolve(&self) -> String {
        match self {
            Text::Seed(i) => SEEDS[usize::from(*i) % SEEDS.len()].to_owned(),
            Text::Raw(s) => cut(s, MAX_DOC).to_owned(),
            Text::SeedWith(i, at, piece) => {
                let mut s = SEEDS[usize::from(*i) % SEEDS.len()].to_owned();
                let at = floor(&s, usize::from(*at) % (s.len() + 1));
                s.insert_str(at, PIECES[usize::from(*piece) % PIECES.len()]);
                s
            }
        }
    }
}

impl Insert {
    fn resolve(&self) -> String {
        match self {
            Insert::Piece(i) => PIECES[usize::from(*i) % PIECES.len()].to_owned(),
            Insert::Pieces(v) => v
                .iter()
                .take(64)
                .map(|i| PIECES[usize::from(*i) % PIECES.len()])
                .collect(),
            Insert::Raw(s) => cut(s, MAX_INSERT).to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------
// The model of the text: lines end at `\n` only (as in `line-index`); a
// line's content is the line without its `\n` and the `\r`s before it.

/// The lines of `text`, each without its `\n` (but with any `\r`).
fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

fn width(c: char, utf8: bool) -> usize {
    if utf8 { c.len_utf8() } else { c.len_utf16() }
}

/// The byte offset of a position, clamped as `src/lsp/position.rs` documents:
/// a line past the end means the end of the text, a column past the end of
/// the line's content its end, a column inside a character that character's start.
fn offset(text: &str, line: u32, col: u32, utf8: bool) -> usize {
    let mut start = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i == line as usize {
            let content = l.trim_end_matches(['\n', '\r']);
            let mut units = 0usize;
            for (at, c) in content.char_indices() {
                if (col as usize) < units + width(c, utf8) {
                    return start + at;
                }
                units += width(c, utf8);
            }
            return start + content.len();
        }
        start += l.len() + 1;
    }
    text.len()
}

/// The position of a byte offset on a character boundary.
fn position(text: &str, at: usize, utf8: bool) -> (u32, u32) {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[line_start..at].chars().map(|c| width(c, utf8)).sum();
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

impl Pos {
    fn resolve(&self, text: &str, utf8: bool) -> (u32, u32) {
        let ls = lines(text);
        let n = ls.len();
        match *self {
            Pos::Offset(o) => position(text, floor(text, usize::from(o) % (text.len() + 1)), utf8),
            Pos::InsideChar(k) => {
                let wide: Vec<usize> = text
                    .char_indices()
                    .filter(|(_, c)| width(*c, utf8) > 1)
                    .map(|(i, _)| i)
                    .collect();
                if wide.is_empty() {
                    return position(text, floor(text, usize::from(k) % (text.len() + 1)), utf8);
                }
                let (line, col) = position(text, wide[usize::from(k) % wide.len()], utf8);
                (line, col + 1)
            }
            Pos::Raw(l, c) => (l, c),
            Pos::Small(l, c) => (u32::from(l), u32::from(c)),
            Pos::PastLineEnd(l, extra) => {
                let line = usize::from(l) % n;
                let len: usize = ls[line].chars().map(|c| width(c, utf8)).sum();
                (
                    u32::try_from(line).unwrap_or(u32::MAX),
                    u32::try_from(len + 1 + usize::from(extra)).unwrap_or(u32::MAX),
                )
            }
            Pos::PastLastLine(extra, c) => (u32::try_from(n + usize::from(extra)).unwrap_or(u32::MAX), u32::from(c)),
        }
    }
}

fn pos_json((line, col): (u32, u32)) -> Value {
    json!({"line": line, "character": col})
}

// ---------------------------------------------------------------------------
// Checks of what the server sends.

/// A position the server sent, as a byte offset: the line exists, the column
/// is at most the line's length (without `\n`) and on a character boundary.
fn checked_offset(text: &str, p: &Value, utf8: bool, what: &str) -> usize {
    let line = p["line"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}: position without a line: {p}"));
    let col = p["character"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}: position without a character: {p}"));
    let ls = lines(text);
    let Some(l) = usize::try_from(line).ok().and_then(|i| ls.get(i)) else {
        panic!("{what}: line {line} of a text of {} lines", ls.len())
    };
    let start: usize = ls[..usize::try_from(line).unwrap_or(0)]
        .iter()
        .map(|l| l.len() + 1)
        .sum();
    let mut units = 0u64;
    for (at, c) in l.char_indices() {
        if units == col {
            return start + at;
        }
        assert!(
            units < col,
            "{what}: column {col} of line {line} is inside the character {c:?} ({text:?})"
        );
        units += width(c, utf8) as u64;
    }
    assert!(
        units == col,
        "{what}: column {col} is past the end of line {line} ({units} units)"
    );
    start + l.len()
}

/// Every range in `v` lies inside `text`, in order; every `selectionRange` inside its `range`.
fn check_ranges(v: &Value, text: &str, utf8: bool, what: &str) {
    match v {
        Value::Object(m) => {
            if let (Some(s), Some(e)) = (m.get("start"), m.get("end"))
                && s.get("line").is_some()
            {
                let (a, b) = (checked_offset(text, s, utf8, what), checked_offset(text, e, utf8, what));
                assert!(a <= b, "{what}: a range ends before it starts: {v}");
            }
            if let (Some(r), Some(sel)) = (m.get("range"), m.get("selectionRange")) {
                let (r0, r1) = (
                    checked_offset(text, &r["start"], utf8, what),
                    checked_offset(text, &r["end"], utf8, what),
                );
                let (s0, s1) = (
                    checked_offset(text, &sel["start"], utf8, what),
                    checked_offset(text, &sel["end"], utf8, what),
                );
                assert!(r0 <= s0 && s1 <= r1, "{what}: a selectionRange outside its range: {v}");
            }
            for x in m.values() {
                check_ranges(x, text, utf8, what);
            }
        }
        Value::Array(a) => {
            for x in a {
                check_ranges(x, text, utf8, what);
            }
        }
        _ => {}
    }
}

/// The byte spans and new texts of a list of text edits, sorted; they must not overlap.
fn edits(list: &[Value], text: &str, utf8: bool, what: &str) -> Vec<(usize, usize, String)> {
    let mut spans: Vec<(usize, usize, String)> = list
        .iter()
        .map(|e| {
            (
                checked_offset(text, &e["range"]["start"], utf8, what),
                checked_offset(text, &e["range"]["end"], utf8, what),
                e["newText"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "{what}: edits overlap: {list:?}");
    }
    spans
}

fn apply(text: &str, spans: &[(usize, usize, String)]) -> String {
    let mut out = text.to_owned();
    for (a, b, new) in spans.iter().rev() {
        out.replace_range(*a..*b, new);
    }
    out
}

// ---------------------------------------------------------------------------
// The client.

struct Client {
    conn: Connection,
    next_id: i32,
    utf8: bool,
    /// The open document's text (None when closed), by this file's model.
    text: Option<String>,
    /// The same, by callc's own document type.
    doc: Option<callc::lsp::document::Document>,
    version: i32,
    /// Texts by version, for published diagnostics.
    versions: std::collections::HashMap<i32, String>,
    /// The latest version whose diagnostics arrived.
    published: Option<i32>,
}

impl Client {
    fn send(&self, m: Message) {
        self.conn.sender.send(m).expect("the server is listening");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(method.to_owned(), params)));
    }

    fn on_notification(&mut self, n: &Notification) {
        if n.method != "textDocument/publishDiagnostics" {
            return;
        }
        let Some(version) = n.params["version"].as_i64().and_then(|v| i32::try_from(v).ok()) else {
            // Sent on close, empty.
            assert!(
                n.params["diagnostics"].as_array().is_some_and(Vec::is_empty),
                "diagnostics without a version: {n:?}"
            );
            return;
        };
        let text = self
            .versions
            .get(&version)
            .unwrap_or_else(|| panic!("diagnostics for version {version}, never sent"));
        check_ranges(&n.params["diagnostics"], text, self.utf8, "publishDiagnostics");
        self.published = Some(self.published.map_or(version, |p| p.max(version)));
    }

    /// Sends a request and waits for its response: the result, or the error's code and message.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, (i32, String)> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(id.clone(), method.to_owned(), params)));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self
                .conn
                .receiver
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no response to `{method}` within {WAIT:?}: {e}"));
            match msg {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(v) => Ok(v),
                        Err(e) => {
                            assert!(
                                e.code != ErrorCode::InternalError as i32,
                                "`{method}` failed with an internal error: {}",
                                e.message
                            );
                            Err((e.code, e.message))
                        }
                    };
                }
                Message::Response(r) => panic!("a response to a request never sent: {r:?}"),
                Message::Notification(n) => self.on_notification(&n),
                Message::Request(r) => panic!("the server sent a request: {r:?}"),
            }
        }
    }

    /// A request about the open document whose answer must be a result, or a
    /// `RequestFailed` (a document that is not open, a rename refused).
    fn ask(&mut self, method: &str, params: Value) -> Value {
        match self.request(method, params) {
            Ok(v) => {
                if let Some(text) = &self.text {
                    check_ranges(&v, text, self.utf8, method);
                }
                v
            }
            Err((code, message)) => {
                assert!(
                    code == ErrorCode::RequestFailed as i32,
                    "`{method}` failed with code {code}: {message}"
                );
                Value::Null
            }
        }
    }

    fn at(&self, p: &Pos) -> Value {
        let text = self.text.as_deref().unwrap_or("");
        json!({"textDocument": {"uri": URI}, "position": pos_json(p.resolve(text, self.utf8))})
    }

    fn open(&mut self, text: String) {
        self.version += 1;
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "call", "version": self.version, "text": text}}),
        );
        self.doc = Some(callc::lsp::document::Document::new(
            URI.parse().expect("a URI"),
            self.version,
            text.clone(),
        ));
        self.versions.insert(self.version, text.clone());
        self.text = Some(text);
    }

    fn change(&mut self, changes: &[Change]) {
        let Some(mut text) = self.text.clone() else { return };
        let mut events = Vec::new();
        for c in changes.iter().take(8) {
            let (s, e) = (c.start.resolve(&text, self.utf8), c.end.resolve(&text, self.utf8));
            let insert = c.text.resolve();
            let (a, b) = (offset(&text, s.0, s.1, self.utf8), offset(&text, e.0, e.1, self.utf8));
            let (a, b) = (a.min(b), a.max(b));
            if text.len() - (b - a) + insert.len() > MAX_DOC {
                break;
            }
            text.replace_range(a..b, &insert);
            events.push(json!({"range": {"start": pos_json(s), "end": pos_json(e)}, "text": insert}));
        }
        self.send_changes(&events, text);
    }

    fn replace(&mut self, new: String) {
        if self.text.is_none() {
            return;
        }
        self.send_changes(&[json!({"text": new})], new);
    }

    fn send_changes(&mut self, events: &[Value], text: String) {
        self.version += 1;
        let params = json!({"textDocument": {"uri": URI, "version": self.version}, "contentChanges": events});
        self.notify("textDocument/didChange", params.clone());
        // callc's own document type, given the same changes, agrees with the model.
        let p: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(params).expect("didChange params");
        let enc = if self.utf8 {
            callc::lsp::position::Encoding::Utf8
        } else {
            callc::lsp::position::Encoding::Utf16
        };
        let doc = self.doc.as_mut().expect("an open document");
        doc.apply(self.version, p.content_changes, enc);
        assert!(
            doc.text == text,
            "the change was applied otherwise than position.rs says:\nserver: {:?}\nmodel:  {text:?}",
            doc.text
        );
        self.versions.insert(self.version, text.clone());
        self.text = Some(text);
    }

    fn close(&mut self) {
        if self.text.take().is_some() {
            self.doc = None;
            self.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
        }
    }

    /// Waits until the diagnostics of the current version have arrived.
    fn wait_for_diagnostics(&mut self) {
        if self.text.is_none() {
            return;
        }
        let deadline = Instant::now() + WAIT;
        while self.published.is_none_or(|p| p < self.version) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n)) => self.on_notification(&n),
                Ok(other) => panic!("unexpected message while waiting for diagnostics: {other:?}"),
                Err(e) => panic!(
                    "diagnostics of version {} not published within {WAIT:?}: {e}",
                    self.version
                ),
            }
        }
    }

    fn run(&mut self, op: &Op, waited: &mut bool) {
        let utf8 = self.utf8;
        match op {
            Op::Change(changes) => self.change(changes),
            Op::Replace(t) => self.replace(t.resolve()),
            Op::Hover(p) => {
                self.ask("textDocument/hover", self.at(p));
            }
            Op::Definition(p) => {
                self.ask("textDocument/definition", self.at(p));
            }
            Op::References(p, decl) => {
                let mut params = self.at(p);
                params["context"] = json!({"includeDeclaration": decl});
                self.ask("textDocument/references", params);
            }
            Op::Highlight(p) => {
                self.ask("textDocument/documentHighlight", self.at(p));
            }
            Op::Completion(p, k) => {
                let mut params = self.at(p);
                let triggers = [" ", "{", ".", "(", ">", ","];
                match k % 8 {
                    0 => {}
                    1 => params["context"] = json!({"triggerKind": 1}),
                    k => {
                        params["context"] = json!({"triggerKind": 2, "triggerCharacter": triggers[usize::from(k - 2)]})
                    }
                }
                self.ask("textDocument/completion", params);
            }
            Op::Symbols => {
                self.ask("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
            }
            Op::Formatting => {
                let v = self.ask(
                    "textDocument/formatting",
                    json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
                );
                if let (Some(list), Some(text)) = (v.as_array(), &self.text) {
                    let spans = edits(list, text, utf8, "formatting");
                    let formatted = callc::fmt::format(text).expect("formatting answered for a file fmt refuses");
                    assert!(
                        apply(text, &spans) == formatted,
                        "the formatting edits do not give fmt's output"
                    );
                }
            }
            Op::PrepareRename(p) => {
                self.ask("textDocument/prepareRename", self.at(p));
            }
            Op::Rename(p, name) => {
                let mut params = self.at(p);
                params["newName"] = json!(match name {
                    Name::Known(i) => NAMES[usize::from(*i) % NAMES.len()],
                    Name::Raw(s) => cut(s, 256),
                });
                let v = self.ask("textDocument/rename", params);
                if let (Some(text), Some(changes)) = (&self.text, v["changes"].as_object()) {
                    for (uri, list) in changes {
                        assert!(uri == URI, "rename edits another document: {uri}");
                        edits(list.as_array().map_or(&[][..], Vec::as_slice), text, utf8, "rename");
                    }
                }
            }
            Op::CodeAction(a, b, only) => {
                let text = self.text.as_deref().unwrap_or("");
                let (start, end) = (a.resolve(text, utf8), b.resolve(text, utf8));
                let mut params = json!({
                    "textDocument": {"uri": URI},
                    "range": {"start": pos_json(start), "end": pos_json(end)},
                    "context": {"diagnostics": []}
                });
                match only % 4 {
                    0 => {}
                    1 => params["context"]["only"] = json!(["quickfix"]),
                    2 => params["context"]["only"] = json!(["refactor"]),
                    _ => params["context"]["only"] = json!([""]),
                }
                let v = self.ask("textDocument/codeAction", params);
                if let (Some(text), Some(actions)) = (&self.text, v.as_array()) {
                    for action in actions {
                        for list in action["edit"]["changes"]
                            .as_object()
                            .into_iter()
                            .flat_map(|m| m.values())
                        {
                            edits(list.as_array().map_or(&[][..], Vec::as_slice), text, utf8, "codeAction");
                        }
                    }
                }
            }
            Op::WaitForDiagnostics => {
                if !*waited {
                    *waited = true;
                    self.wait_for_diagnostics();
                }
            }
            Op::Close => self.close(),
            Op::Reopen(t) => {
                self.close();
                self.open(t.resolve());
            }
            Op::OtherDocument(p) => {
                let mut params = self.at(p);
                params["textDocument"]["uri"] = json!("file:///not/open.call");
                let r = self.request("textDocument/hover", params);
                assert!(
                    matches!(r, Err((code, _)) if code == ErrorCode::RequestFailed as i32),
                    "a request about a document that is not open: {r:?}"
                );
            }
        }
    }
}

fn capabilities(s: &Session) -> Value {
    let mut caps = json!({
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": s.snippets}},
            "hover": {"contentFormat": [if s.markdown { "markdown" } else { "plaintext" }]},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": s.hierarchical},
            "publishDiagnostics": {"relatedInformation": s.related},
            "rename": {"prepareSupport": true}
        }
    });
    if s.markdown {
        caps["textDocument"]["completion"]["completionItem"]["documentationFormat"] = json!(["markdown"]);
    }
    if s.tags {
        caps["textDocument"]["publishDiagnostics"]["tagSupport"] = json!({"valueSet": [1, 2]});
    }
    if s.utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    caps
}

libfuzzer_sys::fuzz_target!(|s: Session| {
    let (server, client) = Connection::memory();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let exit = callc::lsp::serve(server).map_err(|e| e.to_string());
        let _ = done_tx.send(exit);
    });
    let mut c = Client {
        conn: client,
        next_id: 0,
        utf8: s.utf8,
        text: None,
        doc: None,
        version: 0,
        versions: std::collections::HashMap::new(),
        published: None,
    };
    if s.request_before_initialize {
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos_json((0, 0))}),
        );
        assert!(
            matches!(r, Err((code, _)) if code == ErrorCode::ServerNotInitialized as i32),
            "a request before initialize: {r:?}"
        );
    }
    let init = c
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities(&s)}),
        )
        .expect("initialize succeeds");
    let encoding = init["capabilities"]["positionEncoding"].as_str();
    assert_eq!(
        encoding,
        Some(if s.utf8 { "utf-8" } else { "utf-16" }),
        "the negotiated position encoding"
    );
    c.notify("initialized", json!({}));
    c.open(s.open.resolve());
    let mut waited = false;
    for op in s.ops.iter().take(MAX_OPS) {
        c.run(op, &mut waited);
    }
    let expected = match s.end {
        End::ShutdownExit => {
            let r = c.request("shutdown", Value::Null);
            assert!(matches!(r, Ok(Value::Null)), "shutdown: {r:?}");
            c.notify("exit", Value::Null);
            callc::lsp::Exit::Clean
        }
        End::ExitOnly => {
            c.notify("exit", Value::Null);
            callc::lsp::Exit::WithoutShutdown
        }
        End::Disconnect => callc::lsp::Exit::WithoutShutdown,
    };
    // Hang up: after `exit` (or without one), the server thread must end.
    let Client { conn, .. } = c;
    drop(conn.sender);
    let exit = done_rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|e| panic!("the server did not stop within {WAIT:?}: {e}"));
    assert_eq!(exit, Ok(expected), "how the server ended");
});
