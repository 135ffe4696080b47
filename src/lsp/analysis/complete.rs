//! Completion: what may be written at a byte offset, worked out from the
//! tokens (the file being typed rarely parses), with the ids declared in
//! the text itself and, for placeholders, the fields and labels the last
//! good check defined.
//!
//! Input: the text, an offset, an optional [`Analysis`] of the last version
//! that parsed. Output: [`Completion`], the span to replace and the items.

use crate::ast::PartyKind;
use crate::check::symbols::Kind;
use crate::codes::Code;
use crate::ir;
use crate::lang::PLACEHOLDER_FIELDS;
use crate::source::Span;

use super::Analysis;
use super::tokens::{Token, TokenKind, is_ident_continue, tokenize};
use super::vars::{self, NEED_WORDS, PART_WORDS, State};
use crate::lang::{self, Block, WordKind};

/// Where a target may lead, by what comes before it (docs/language.md:
/// the events' allowed targets, E0110; a transfer's fallback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// A step, `end`, `end(ID)` or `transfer(ID)`: after `next`, `->`,
    /// `retry N ->`, `on SIGNAL ->` and `on silence ->`.
    Any,
    /// Anything but a transfer: after `fallback` and `on voicemail ->`.
    NoTransfer,
    /// `end` or `end(ID)` only: after `on hangup ->` and `on no_answer ->`.
    EndOnly,
}

/// What the cursor is in front of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// Where a transition leads: steps, `end`, `end(ID)`, `transfer(ID)`,
    /// as far as the place allows.
    Target(Reach),
    /// After `on`: the signals, then the telephony events the place allows.
    On {
        /// Inside a step (where `voicemail` and `no_answer` are E0109),
        /// rather than in `flow`.
        in_step: bool,
        /// Whether the step waits for a reply: a `continue` step hears no
        /// signal and no silence (E0111), only `hangup`.
        waits: bool,
        /// The signals and events the block branches on already (a second
        /// branch on one is E0105).
        taken: Vec<String>,
    },
    /// After `covers` (or a comma of its list): concerns, minus those listed.
    Concern(Vec<String>),
    /// After `requires` (or a comma of its list): captures, minus those listed.
    Capture(Vec<String>),
    /// After `end(`: an end condition.
    EndCondition,
    /// After `transfer(`: a transfer.
    Transfer,
    /// After `capture ID`, and after a variable's id in `vars`: a value type.
    CaptureType,
    /// In a variable's line after its type: `required`, `optional`,
    /// `default`, `example`, `pii`, but for those `written` already (and
    /// the other two of `required`/`optional`/`default` once one is: E0105).
    VarPart {
        /// The words of the line written already.
        written: Vec<String>,
        /// The variable's type as written (`one_of(a, b)`), if any.
        kind: Option<String>,
    },
    /// After `default` or `example` in a variable's line: the words its
    /// type takes (`one_of(a, b)`: `a`, `b`; `yes_no`: `yes`, `no`).
    VarValue(Vec<String>),
    /// After `callee ID extends`: the other callees.
    Base(String),
    /// After `first_speaker`: `callee` or `caller`.
    Speaker,
    /// After `allow`, `warn`, `deny`: a lint name.
    Lint,
    /// After `concern ID`: a priority.
    Priority,
    /// After `gender`: a gender.
    Gender,
    /// Inside `{…}` in a string; the byte where the path starts.
    Placeholder(usize),
    /// At the start of a statement in a block; `extra` are header words
    /// (`covers` after a step's id, `callee` after a `when`'s wording).
    Statement {
        /// The enclosing block.
        block: Block,
        /// Words the statement being written may continue with.
        extra: Vec<&'static str>,
    },
    /// Nothing to offer: a comment, text, a new id, a value.
    Nothing,
}

/// What an item is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A keyword (`step`, `end`).
    Keyword,
    /// A field name (`name`, `locale`).
    Field,
    /// A step id.
    Step,
    /// A signal id.
    Signal,
    /// A concern id.
    Concern,
    /// An end condition (`end(ID)` or `ID` after `end(`).
    End,
    /// A lint name.
    Lint,
    /// A fixed word value (`primary`, `male`).
    Value,
    /// A placeholder path.
    Placeholder,
    /// A built-in telephony event (`voicemail`).
    Event,
    /// A capture id.
    Capture,
    /// A transfer (`transfer(ID)` or `ID` after `transfer(`).
    Transfer,
    /// A capture type (`email`, `integer(…)`).
    Type,
    /// A callee id.
    Callee,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What the list shows and what is inserted without snippets.
    pub label: String,
    /// What it is.
    pub kind: ItemKind,
    /// A short description (a step's title, a concern's priority).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub doc: Option<String>,
    /// The text to insert, when it differs from the label.
    pub insert: Option<String>,
    /// A snippet to insert instead, for clients that support snippets.
    pub snippet: Option<&'static str>,
}

impl Item {
    fn new(label: impl Into<String>, kind: ItemKind) -> Self {
        Self {
            label: label.into(),
            kind,
            detail: None,
            doc: None,
            insert: None,
            snippet: None,
        }
    }

    fn detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }
}

/// The result of a completion request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What an item replaces (the word typed so far).
    pub replace: Span,
    /// What the cursor is in front of.
    pub context: Context,
    /// The items, in the order to show them.
    pub items: Vec<Item>,
}

/// An id declared in the text, found from its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// What it is.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// The title, wording or description that follows it, if any (one line, cut short).
    pub detail: Option<String>,
}

/// The ids declared in a text (callees, steps, signals, concerns, end
/// conditions, FAQ entries, captures, transfers, per-call variables), by
/// their keywords; works on text that does not parse. A capture's detail is
/// its type as written and its step (`email · step ask_email`); a
/// variable's, its type and example or default (`date · example
/// 2026-12-31`); a callee's, its name and the callee it extends.
#[must_use]
pub fn declared(source: &str, tokens: &[Token]) -> Vec<Declared> {
    let sig: Vec<&Token> = tokens.iter().filter(|t| t.kind != TokenKind::Comment).collect();
    let mut out = Vec::new();
    // The step each open brace belongs to, if it opens a step.
    let mut steps: Vec<Option<&str>> = Vec::new();
    let mut header: Option<&str> = None;
    for (i, t) in sig.iter().enumerate() {
        match t.kind {
            TokenKind::LBrace => steps.push(header.take()),
            TokenKind::RBrace => {
                steps.pop();
                header = None;
            }
            _ => {}
        }
        let kind = match (t.kind, t.text(source)) {
            // `first_speaker callee` names no callee.
            (TokenKind::Ident, "callee") if i == 0 || sig[i - 1].text(source) != "first_speaker" => Kind::Callee,
            (TokenKind::Ident, "step") => Kind::Step,
            (TokenKind::Ident, "signal") => Kind::Signal,
            (TokenKind::Ident, "concern") => Kind::Concern,
            (TokenKind::Ident, "when") => Kind::End,
            (TokenKind::Ident, "qa") => Kind::Qa,
            (TokenKind::Ident, "capture") => Kind::Capture,
            (TokenKind::Ident, "transfer") => Kind::Transfer,
            _ => continue,
        };
        let Some(id) = sig.get(i + 1).filter(|t| t.kind == TokenKind::Ident) else {
            continue;
        };
        if kind == Kind::Step {
            header = Some(id.text(source));
        }
        if kind == Kind::Callee {
            out.push(Declared {
                kind,
                name: id.text(source).to_owned(),
                detail: callee_detail(source, &sig[i + 2..]),
            });
            continue;
        }
        if kind == Kind::Capture {
            let step = steps.last().copied().flatten();
            out.push(Declared {
                kind,
                name: id.text(source).to_owned(),
                detail: capture_detail(source, &sig[i + 2..], step),
            });
            continue;
        }
        // The wording follows the id; a concern's follows its priority.
        let mut j = i + 2;
        let mut detail = Vec::new();
        if kind == Kind::Concern
            && let Some(p) = sig.get(j).filter(|t| t.kind == TokenKind::Ident)
        {
            detail.push(p.text(source).to_owned());
            j += 1;
        }
        if let Some(s) = sig.get(j).filter(|t| t.is_string()) {
            detail.push(preview(s.text(source)));
        }
        out.push(Declared {
            kind,
            name: id.text(source).to_owned(),
            detail: (!detail.is_empty()).then(|| detail.join(" · ")),
        });
    }
    let reading = vars::read(source, tokens);
    for d in &reading.decls {
        out.push(Declared {
            kind: Kind::Var,
            name: tokens[d.id].text(source).to_owned(),
            detail: var_detail(source, tokens, d),
        });
    }
    out
}

/// A callee's name and the callee it extends (`张强 · extends base`), from
/// the tokens after its id.
fn callee_detail(source: &str, after: &[&Token]) -> Option<String> {
    let mut parts = Vec::new();
    let mut i = 0;
    if after.first().is_some_and(|t| t.text(source) == "extends") {
        i = 2;
    }
    if after.get(i).is_some_and(|t| t.kind == TokenKind::LBrace) {
        // `name "…"` directly in the block.
        let mut depth = 0usize;
        for (k, t) in after.iter().enumerate().skip(i + 1) {
            match t.kind {
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace if depth == 0 => break,
                TokenKind::RBrace => depth -= 1,
                TokenKind::Ident if depth == 0 && t.text(source) == "name" => {
                    if let Some(s) = after.get(k + 1).filter(|s| s.is_string()) {
                        parts.push(preview(s.text(source)));
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    if i == 2
        && let Some(base) = after.get(1).filter(|t| t.kind == TokenKind::Ident)
    {
        parts.push(format!("extends {}", base.text(source)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A variable's type as written and its example or default
/// (`date · example 2026-12-31`).
fn var_detail(source: &str, tokens: &[Token], d: &vars::Decl) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(kind) = d.kind {
        parts.push(cut(source.get(kind.range()).unwrap_or(""), 40));
    }
    let value = |i: usize| preview(tokens[i].text(source));
    if let Some(e) = d.example {
        parts.push(format!("example {}", value(e)));
    } else if let Some(v) = d.default {
        parts.push(format!("default {}", value(v)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A capture's type as written (`integer(1..500)`, `one_of(a, b), optional`)
/// and its step, from the tokens after its id.
fn capture_detail(source: &str, after: &[&Token], step: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(t) = after.first().filter(|t| t.kind == TokenKind::Ident) {
        let mut end = t.span.end;
        let mut next = 1;
        if after.get(1).is_some_and(|p| p.kind == TokenKind::LParen) {
            let close = after
                .iter()
                .take(64)
                .position(|p| matches!(p.kind, TokenKind::RParen | TokenKind::LBrace | TokenKind::RBrace));
            if let Some(c) = close.filter(|&c| after[c].kind == TokenKind::RParen) {
                end = after[c].span.end;
                next = c + 1;
            }
        }
        let mut written = cut(source.get(t.span.start..end).unwrap_or(""), 40);
        if after.get(next).is_some_and(|o| o.text(source) == "optional") {
            written.push_str(", optional");
        }
        parts.push(written);
    }
    if let Some(step) = step {
        parts.push(format!("step {step}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A string literal as one short line: quotes dropped, cut at 60 characters.
#[must_use]
pub fn preview(literal: &str) -> String {
    let inner = literal.trim_start_matches('"').trim_end_matches('"').trim();
    let line = inner.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    cut(line, 60)
}

/// `s` cut to `max` characters, with `…` when cut.
#[must_use]
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// What may be written at `offset` in `source`. `last_good` is the analysis
/// of the last version of the file that parsed (for placeholder labels).
#[must_use]
pub fn complete(source: &str, offset: usize, last_good: Option<&Analysis>) -> Completion {
    let offset = floor_boundary(source, offset);
    let tokens = tokenize(source);
    let (context, replace) = context_at(source, &tokens, offset);
    let items = match &context {
        Context::Nothing => Vec::new(),
        Context::Placeholder(start) => placeholders(source, &tokens, *start, offset, last_good),
        Context::Statement { block, extra } => {
            let written = block_words(source, &tokens, offset, replace);
            statement_words(*block, extra, &written)
        }
        Context::Lint => lints(),
        Context::Priority => values(crate::lang::PRIORITIES.iter().map(|(w, _)| *w)),
        Context::Gender => values(crate::lang::GENDERS.iter().copied()),
        Context::Speaker => speakers(),
        Context::CaptureType => capture_types(),
        Context::VarPart { written, kind } => var_parts(written, kind.as_deref()),
        Context::VarValue(words) => values(words.iter().map(String::as_str)),
        Context::Target(_)
        | Context::Base(_)
        | Context::On { .. }
        | Context::Concern(_)
        | Context::Capture(_)
        | Context::EndCondition
        | Context::Transfer => ids(source, &tokens, &context, offset),
    };
    let replace = match &context {
        Context::Placeholder(start) => Span::new(*start, placeholder_end(source, offset)),
        _ => replace,
    };
    Completion {
        replace,
        context,
        items,
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The context at `offset` and the span of the word typed so far.
#[must_use]
pub fn context_at(source: &str, tokens: &[Token], offset: usize) -> (Context, Span) {
    let empty = Span::new(offset, offset);
    // The token the cursor is in or just after.
    let here = tokens.partition_point(|t| t.span.end < offset);
    let mut before = here;
    let mut replace = empty;
    if let Some(t) = tokens.get(here).filter(|t| t.span.start < offset) {
        match t.kind {
            TokenKind::Comment => return (Context::Nothing, empty),
            TokenKind::String { closed } | TokenKind::Block { closed } if offset < t.span.end || !closed => {
                return (in_string(source, t, offset), empty);
            }
            TokenKind::Ident => replace = Span::new(t.span.start, offset),
            TokenKind::Number => return (Context::Nothing, empty),
            _ => before = here + 1,
        }
    }
    let prev: Vec<&Token> = tokens[..before]
        .iter()
        .rev()
        .filter(|t| t.kind != TokenKind::Comment)
        .take(64)
        .collect();
    let word = |i: usize| prev.get(i).map(|t| (t.kind, t.text(source)));
    if let Some(context) = in_vars(source, tokens, before, offset) {
        return (context, replace);
    }
    let context = match (word(0), word(1)) {
        (Some((TokenKind::Ident, "next")), _) => Context::Target(Reach::Any),
        (Some((TokenKind::Ident, "fallback")), _) => Context::Target(Reach::NoTransfer),
        (Some((TokenKind::Arrow, _)), _) => Context::Target(reach_after_arrow(source, &prev)),
        (Some((TokenKind::Ident, "on")), _) => {
            let (block, open) = innermost_block(source, &tokens[..before]);
            let in_step = block == Block::Step;
            let waits = !(in_step && words_in_block(source, tokens, open, replace).contains(&"continue"));
            // The `on` before the cursor is the branch being written.
            let taken = branched_in_block(source, tokens, open, prev[0].span);
            Context::On { in_step, waits, taken }
        }
        (Some((TokenKind::LParen, _)), Some((TokenKind::Ident, "end"))) => Context::EndCondition,
        (Some((TokenKind::LParen, _)), Some((TokenKind::Ident, "transfer"))) => Context::Transfer,
        (Some((TokenKind::Ident, "covers")), _) => Context::Concern(Vec::new()),
        (Some((TokenKind::Ident, "requires")), _) => Context::Capture(Vec::new()),
        (Some((TokenKind::Comma, _)), _) => match id_list(source, &prev) {
            Some(("covers", listed)) => Context::Concern(listed),
            Some((_, listed)) => Context::Capture(listed),
            None => Context::Nothing,
        },
        (Some((TokenKind::Ident, w)), _) if crate::lang::lint_level(w).is_some() => Context::Lint,
        (Some((TokenKind::Ident, "gender")), _) => Context::Gender,
        (Some((TokenKind::Ident, "first_speaker")), _) => Context::Speaker,
        (Some((TokenKind::Ident, _)), Some((TokenKind::Ident, "concern"))) => Context::Priority,
        (Some((TokenKind::Ident, _)), Some((TokenKind::Ident, "capture"))) => Context::CaptureType,
        (Some((TokenKind::Ident, "extends")), Some((TokenKind::Ident, id)))
            if word(2) == Some((TokenKind::Ident, "callee")) =>
        {
            Context::Base(id.to_owned())
        }
        _ => statement(source, tokens, before, &prev),
    };
    (context, replace)
}

/// The context in a `vars` block (`tokens[..before]` are those before the
/// word being typed): after a variable's id its type, after the type the
/// words of its line, after `default`/`example` the words its type takes;
/// on a new line (a new variable, or `allow`) the block's words. `None`
/// outside a `vars` block and after `allow`, `warn`, `deny`.
fn in_vars(source: &str, tokens: &[Token], before: usize, offset: usize) -> Option<Context> {
    let (block, _) = innermost_block(source, &tokens[..before]);
    if block != Block::Vars {
        return None;
    }
    let reading = vars::read(source, &tokens[..before]);
    let statement = Context::Statement {
        block: Block::Vars,
        extra: Vec::new(),
    };
    let decl = reading.decls.last();
    let kind = decl.and_then(|d| d.kind).and_then(|k| source.get(k.range()));
    Some(match reading.state? {
        State::Lint => return None,
        State::Start => statement,
        State::AfterId => Context::CaptureType,
        State::InArgs => Context::Nothing,
        State::Value => Context::VarValue(kind.map(type_words).unwrap_or_default()),
        State::AfterType | State::Parts => {
            let Some(d) = decl else {
                return Some(statement);
            };
            // One variable a line: on the next, a new one (or `allow`).
            let id_end = tokens[d.id].span.end;
            if source.get(id_end..offset).is_none_or(|gap| gap.contains('\n')) {
                return Some(statement);
            }
            Context::VarPart {
                written: d.parts.iter().map(|&k| tokens[k].text(source).to_owned()).collect(),
                kind: kind.map(str::to_owned),
            }
        }
    })
}

/// The words a value of a type may be, as written (`one_of(a, b)`: `a`,
/// `b`; `yes_no`: `yes`, `no`); none for other types.
fn type_words(kind: &str) -> Vec<String> {
    if kind == "yes_no" {
        return vec!["yes".to_owned(), "no".to_owned()];
    }
    let Some(inner) = kind
        .strip_prefix("one_of")
        .map(str::trim_start)
        .and_then(|k| k.strip_prefix('('))
    else {
        return Vec::new();
    };
    inner
        .trim_end_matches(')')
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Where `on EVENT ->` may lead (E0110); anything after another arrow.
fn reach_after_arrow(source: &str, prev: &[&Token]) -> Reach {
    let on = prev.get(2).is_some_and(|t| t.text(source) == "on");
    match prev.get(1).map(|t| t.text(source)).and_then(ir::Event::of) {
        Some(e) if on && !e.someone_listens() => Reach::EndOnly,
        Some(e) if on && !e.can_transfer() => Reach::NoTransfer,
        _ => Reach::Any,
    }
}

/// When the cursor follows a list of ids (`covers a, b,` or `requires a`,
/// read backwards in `prev`), the word that heads it and the ids listed.
fn id_list<'a>(source: &'a str, prev: &[&Token]) -> Option<(&'a str, Vec<String>)> {
    let mut listed = Vec::new();
    // A trailing comma (`covers a, |`) is skipped.
    let mut i = usize::from(prev.first()?.kind == TokenKind::Comma);
    loop {
        let id = prev.get(i).filter(|t| t.kind == TokenKind::Ident)?;
        listed.push(id.text(source).to_owned());
        let sep = prev.get(i + 1)?;
        match (sep.kind, sep.text(source)) {
            (TokenKind::Comma, _) => i += 2,
            (TokenKind::Ident, head @ ("covers" | "requires")) => return Some((head, listed)),
            _ => return None,
        }
    }
}

/// Whether the cursor follows a capture's type: `capture ID TYPE` or
/// `capture ID TYPE(…)` (read backwards in `prev`).
fn after_capture_type(source: &str, prev: &[&Token]) -> bool {
    let mut i = 0;
    if prev.first().is_some_and(|t| t.kind == TokenKind::RParen) {
        match prev
            .iter()
            .take(64)
            .position(|t| matches!(t.kind, TokenKind::LParen | TokenKind::LBrace | TokenKind::RBrace))
        {
            Some(open) if prev[open].kind == TokenKind::LParen => i = open + 1,
            _ => return false,
        }
    }
    let ident = |j: usize| {
        prev.get(j)
            .filter(|t| t.kind == TokenKind::Ident)
            .map(|t| t.text(source))
    };
    ident(i).is_some() && ident(i + 1).is_some() && ident(i + 2) == Some("capture")
}

/// A statement start in a block, or nothing when the cursor is where a
/// value or a new id goes.
fn statement(source: &str, tokens: &[Token], before: usize, prev: &[&Token]) -> Context {
    let text = |i: usize| prev.get(i).map_or("", |t| t.text(source));
    let kind = |i: usize| prev.get(i).map(|t| t.kind);
    let (block, _) = innermost_block(source, &tokens[..before]);
    if after_capture_type(source, prev) {
        return Context::Statement {
            block: Block::Unknown,
            extra: vec!["optional"],
        };
    }
    // After a declaring keyword comes a new id; after a field name, its value.
    match kind(0) {
        None => {
            return Context::Statement {
                block,
                extra: Vec::new(),
            };
        }
        Some(TokenKind::Ident) => {
            let ended = matches!(kind(1), Some(TokenKind::Arrow))
                || matches!(text(1), "next" | "gender" | "fallback" | "first_speaker")
                || text(0) == "continue"
                || crate::lang::lint_level(text(1)).is_some()
                || id_list(source, prev).is_some_and(|(head, _)| head == "requires");
            let header = match text(1) {
                "step" | "qa" => Some("covers"),
                "when" => Some("callee"),
                // `callee ID extends BASE`.
                "callee" => Some("extends"),
                _ => None,
            };
            if let Some(word) = header.filter(|_| kind(1) == Some(TokenKind::Ident)) {
                return Context::Statement {
                    block: Block::Unknown,
                    extra: vec![word],
                };
            }
            if !ended {
                return Context::Nothing;
            }
        }
        Some(TokenKind::String { .. } | TokenKind::Block { .. }) => {
            // A step's title: the header may go on with `covers`.
            if let Some(head) = statement_head(source, prev) {
                match head {
                    "step" => {
                        return Context::Statement {
                            block: Block::Unknown,
                            extra: vec!["covers"],
                        };
                    }
                    "when" => {
                        // The wordings, then `requires`.
                        let written: Vec<&str> = prev
                            .iter()
                            .map(|t| t.text(source))
                            .take_while(|w| *w != "when")
                            .collect();
                        let extra = ["callee", "requires"]
                            .into_iter()
                            .filter(|w| !written.contains(w))
                            .collect();
                        return Context::Statement { block, extra };
                    }
                    "transfer" => return Context::Nothing,
                    _ => {}
                }
            }
        }
        // `retry N` goes on with `->`.
        Some(TokenKind::Number) if text(1) == "retry" => return Context::Nothing,
        Some(TokenKind::LBrace | TokenKind::RBrace | TokenKind::RParen | TokenKind::Number) => {}
        Some(_) => return Context::Nothing,
    }
    Context::Statement {
        block,
        extra: Vec::new(),
    }
}

/// The keyword that starts the statement the cursor is in, looking back to
/// the nearest brace.
fn statement_head<'a>(source: &'a str, prev: &[&Token]) -> Option<&'a str> {
    prev.iter()
        .take_while(|t| !matches!(t.kind, TokenKind::LBrace | TokenKind::RBrace))
        .filter(|t| t.kind == TokenKind::Ident)
        .map(|t| t.text(source))
        .find(|w| {
            matches!(
                *w,
                "step" | "qa" | "when" | "on" | "closing" | "say" | "next" | "transfer" | "capture" | "to"
            )
        })
}

/// The block the cursor is in (`tokens` are those before it), and the
/// index of the `{` that opens it (`None` at the top level).
fn innermost_block(source: &str, tokens: &[Token]) -> (Block, Option<usize>) {
    let mut stack: Vec<(Block, usize)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::LBrace => stack.push((opened_by(source, &tokens[..i]), i)),
            TokenKind::RBrace => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().map_or((Block::Top, None), |&(b, i)| (b, Some(i)))
}

/// The words written directly in the block opened by the `{` at token
/// `open` (not in the blocks it holds), but for the word being typed (`skip`).
fn words_in_block<'a>(source: &'a str, tokens: &[Token], open: Option<usize>, skip: Span) -> Vec<&'a str> {
    let Some(open) = open else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut out = Vec::new();
    for t in tokens.iter().skip(open + 1) {
        match t.kind {
            TokenKind::LBrace => depth += 1,
            TokenKind::RBrace if depth == 0 => break,
            TokenKind::RBrace => depth -= 1,
            TokenKind::Ident if depth == 0 && !(skip.end > skip.start && t.span.start == skip.start) => {
                out.push(t.text(source));
            }
            _ => {}
        }
    }
    out
}

/// The names `on` branches on directly in the block opened by the `{` at
/// token `open`, but for the branch of the `on` written at `mine`.
fn branched_in_block(source: &str, tokens: &[Token], open: Option<usize>, mine: Span) -> Vec<String> {
    let Some(open) = open else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut after_on = false;
    for t in tokens.iter().skip(open + 1).filter(|t| t.kind != TokenKind::Comment) {
        match t.kind {
            TokenKind::LBrace => depth += 1,
            TokenKind::RBrace if depth == 0 => break,
            TokenKind::RBrace => depth -= 1,
            TokenKind::Ident if depth == 0 && after_on => out.push(t.text(source).to_owned()),
            _ => {}
        }
        after_on = depth == 0 && t.kind == TokenKind::Ident && t.text(source) == "on" && t.span != mine;
    }
    out
}

/// The words written directly in the block the cursor at `offset` is in.
fn block_words<'a>(source: &'a str, tokens: &[Token], offset: usize, skip: Span) -> Vec<&'a str> {
    let before = tokens.partition_point(|t| t.span.start < offset);
    let (_, open) = innermost_block(source, &tokens[..before]);
    words_in_block(source, tokens, open, skip)
}

/// The block a `{` opens, from the keyword that starts its header.
fn opened_by(source: &str, before: &[Token]) -> Block {
    for t in before.iter().rev() {
        match t.kind {
            TokenKind::LBrace | TokenKind::RBrace => break,
            TokenKind::Ident => match t.text(source) {
                "call" => return Block::Call,
                "caller" => return Block::Caller,
                "callee" => return Block::Callee,
                "knows" | "background" => return Block::Entries,
                "style" => return Block::Style,
                "flow" => return Block::Flow,
                "step" => return Block::Step,
                "faq" => return Block::Faq,
                "qa" => return Block::Qa,
                "end" => return Block::End,
                "transfer" => return Block::Transfer,
                "signal" => return Block::Signal,
                "vars" => return Block::Vars,
                _ => {}
            },
            _ => {}
        }
    }
    Block::Unknown
}

/// Inside a string: a placeholder path after an open `{`, or nothing.
fn in_string(source: &str, t: &Token, offset: usize) -> Context {
    let quote = if matches!(t.kind, TokenKind::Block { .. }) {
        3
    } else {
        1
    };
    let start = (t.span.start + quote).min(offset);
    let bytes = source.as_bytes();
    let mut open = None;
    let mut i = start;
    while i < offset {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' if bytes.get(i + 1) == Some(&b'{') && i + 1 < offset => i += 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => {
                open = Some(i + 1);
                i += 1;
            }
            b'}' | b'\n' => {
                open = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
    open.map_or(Context::Nothing, Context::Placeholder)
}

/// Where a placeholder path being completed ends: at its `}` if the path
/// runs on to one, else at the cursor.
fn placeholder_end(source: &str, offset: usize) -> usize {
    let rest = &source[offset..];
    let run = rest.find(['}', '{', '"', '\n', '\r']).unwrap_or(rest.len());
    if rest[run..].starts_with('}') {
        offset + run
    } else {
        offset
    }
}

/// The placeholder paths for a path that starts at `start` (the cursor at
/// `offset`): the per-call variables declared in the text (unless the text
/// is fixed, E0113), the parties' fields the last good check saw set, the
/// `knows` and `background` labels; only those of the root typed, once a
/// `.` is.
fn placeholders(
    source: &str,
    tokens: &[Token],
    start: usize,
    offset: usize,
    last_good: Option<&Analysis>,
) -> Vec<Item> {
    let end = placeholder_end(source, offset);
    let closed = source[end..].starts_with('}');
    let last = last_good.and_then(|a| Some((a.text(), a.symbols()?)));
    let mut items = if fixed_text(source, tokens, offset) {
        Vec::new()
    } else {
        var_paths(source, tokens)
    };
    // The callees a `{callee.…}` or `{background.…}` here is said for: the
    // one whose block the cursor is in, or every callee in the shared script,
    // where a path must mean one thing for all of them (else E0103).
    let spec = last_good.and_then(|a| a.compiled.spec.as_ref());
    let before = tokens.partition_point(|t| t.span.start < offset);
    let scope: Vec<&ir::Party> = spec.map_or_else(Vec::new, |spec| match enclosing_callee(source, &tokens[..before]) {
        Some(id) => spec.callees.iter().filter(|p| p.id == id).collect(),
        None => spec.callees.iter().collect(),
    });
    let agreed = |value: &dyn Fn(&ir::Party) -> Option<String>| -> bool {
        let first = scope.first().and_then(|p| value(p));
        first.is_some() && scope.iter().all(|p| value(p) == first)
    };
    let mut paths: Vec<(String, Option<String>)> = Vec::new();
    for party in [PartyKind::Caller, PartyKind::Callee] {
        for (i, f) in PLACEHOLDER_FIELDS.iter().enumerate() {
            // With a check at hand, only the fields the spec sets (others are E0103).
            let set = if party == PartyKind::Callee && !scope.is_empty() {
                agreed(&|p| field_value(p, f))
            } else {
                last.is_none_or(|(_, symbols)| {
                    symbols
                        .of_kind(Kind::Field(party))
                        .any(|d| symbols.definitions()[d].item() == Some(i))
                })
            };
            if set {
                let party = party.keyword();
                paths.push((format!("{party}.{f}"), Some(format!("the {party}'s `{f}`"))));
            }
        }
    }
    if let Some((text, symbols)) = last {
        for d in symbols.of_kind(Kind::Knows) {
            let label = symbols.definition_name(text, d);
            paths.push((format!("knows.{label}"), Some("`knows` entry".to_owned())));
        }
        if let Some(first) = scope.first() {
            for (label, _) in &first.background {
                let value = |p: &ir::Party| {
                    p.background
                        .iter()
                        .find(|(l, _)| l == label)
                        .map(|(_, v)| v.to_string())
                };
                if agreed(&value) {
                    paths.push((format!("background.{label}"), Some("`background` entry".to_owned())));
                }
            }
        } else {
            for d in symbols.of_kind(Kind::Background) {
                let label = symbols.definition_name(text, d);
                let path = format!("background.{label}");
                if !paths.iter().any(|(p, _)| *p == path) {
                    paths.push((path, Some("`background` entry".to_owned())));
                }
            }
        }
    }
    items.extend(
        paths
            .into_iter()
            .map(|(path, detail)| Item::new(path, ItemKind::Placeholder).detail(detail)),
    );
    let typed = source.get(start..offset).unwrap_or("").trim_start();
    if let Some((root, _)) = typed.split_once('.') {
        items.retain(|i| i.label.strip_prefix(root).is_some_and(|rest| rest.starts_with('.')));
    }
    if !closed {
        for item in &mut items {
            item.insert = Some(format!("{}}}", item.label));
        }
    }
    items
}

/// The id of the callee whose block the cursor is in (`before`: the tokens
/// before it), or `None` outside every callee block.
fn enclosing_callee<'a>(source: &'a str, before: &[Token]) -> Option<&'a str> {
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in before.iter().enumerate() {
        match t.kind {
            TokenKind::LBrace => stack.push(i),
            TokenKind::RBrace => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.into_iter().find_map(|open| {
        let header = &before[..open];
        let start = header
            .iter()
            .rposition(|t| matches!(t.kind, TokenKind::LBrace | TokenKind::RBrace))
            .map_or(0, |k| k + 1);
        let mut words = header[start..].iter().filter(|t| t.kind == TokenKind::Ident);
        (words.next()?.text(source) == "callee").then(|| words.next().map(|t| t.text(source)))?
    })
}

/// What `{callee.FIELD}` says for callee `p`, as written (variables as
/// `{{id}}`), or `None` when the callee does not set it.
fn field_value(p: &ir::Party, field: &str) -> Option<String> {
    match field {
        "name" => Some(p.name.to_string()).filter(|s| !s.is_empty()),
        "gender" => p.gender.clone(),
        "age" => p.age.map(|a| a.to_string()),
        "org" => p.org.as_ref().map(ToString::to_string),
        "role" => p.role.as_ref().map(ToString::to_string),
        _ => None,
    }
}

/// `{var.NAME}` for each variable declared in the text, with its type and
/// example as detail and what it is as documentation.
fn var_paths(source: &str, tokens: &[Token]) -> Vec<Item> {
    let reading = vars::read(source, tokens);
    let mut out: Vec<Item> = Vec::new();
    for d in &reading.decls {
        let name = tokens[d.id].text(source);
        let label = format!("var.{name}");
        if out.iter().any(|i| i.label == label) {
            continue;
        }
        let mut item = Item::new(label, ItemKind::Placeholder).detail(var_detail(source, tokens, d));
        let words: Vec<&str> = d.parts.iter().map(|&k| tokens[k].text(source)).collect();
        let need = if words.contains(&"optional") {
            "optional: a call may leave it out"
        } else if words.contains(&"default") {
            "has a default: a call may leave it out"
        } else {
            "required: every call gives it"
        };
        let mut doc = format!("per-call variable `{name}`, {need}");
        if words.contains(&"pii") {
            doc.push_str("; personal data (`pii`)");
        }
        doc.push('.');
        if let Some(desc) = d.description {
            doc.push_str("\n\n");
            doc.push_str(&preview(tokens[desc].text(source)));
        }
        item.doc = Some(doc);
        out.push(item);
    }
    out
}

/// Whether the string at `offset` is fixed when the spec is compiled, and
/// so may not name a per-call variable (E0113): the call's `title` and
/// `locale`, a step's or transfer's title, a signal's `example`, a
/// capture's description, anything in `vars`.
fn fixed_text(source: &str, tokens: &[Token], offset: usize) -> bool {
    let at = tokens.partition_point(|t| t.span.end < offset);
    let (block, _) = innermost_block(source, &tokens[..at]);
    if block == Block::Vars {
        return true;
    }
    let prev: Vec<&Token> = tokens[..at]
        .iter()
        .rev()
        .filter(|t| t.kind != TokenKind::Comment)
        .take(64)
        .collect();
    let word = |i: usize| {
        prev.get(i)
            .filter(|t| t.kind == TokenKind::Ident)
            .map(|t| t.text(source))
    };
    match word(0) {
        Some("title" | "locale") => true,
        Some("example") => block == Block::Signal,
        Some(_) if matches!(word(1), Some("step" | "transfer")) => true,
        _ => statement_head(source, &prev) == Some("capture"),
    }
}

/// Keywords a block takes at most once (E0105), beside its fields that do
/// not repeat.
const ONCE: &[&str] = &[
    "caller",
    "flow",
    "vars",
    "faq",
    "end",
    "knows",
    "background",
    "style",
    "next",
    "continue",
    "retry",
    "fallback",
    "requires",
];

/// The words a step does not take beside those `written` in it: after
/// `continue` no `capture` and no `retry` (E0111), and the reverse.
fn excluded_in_step(written: &[&str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if written.contains(&"continue") {
        out.extend(["capture", "retry"]);
    }
    if written.contains(&"capture") || written.contains(&"retry") {
        out.push("continue");
    }
    out
}

/// `say` in a `transfer`: one line, said before the call is handed over.
const TRANSFER_SAY: &str =
    "`say \"…\"`: the line said before the call is handed over (required, once); the `closing` is not said.";

/// The words that may start a statement in `block` (with `extra` header
/// words first), leaving out those `written` in it already that cannot be
/// given twice, and those that contradict them.
fn statement_words(block: Block, extra: &[&'static str], written: &[&str]) -> Vec<Item> {
    let excluded = if block == Block::Step {
        excluded_in_step(written)
    } else {
        Vec::new()
    };
    let once = |w: &lang::Word| ONCE.contains(&w.word) || (w.kind == WordKind::Field && !w.repeat);
    let words = extra
        .iter()
        .filter_map(|w| lang::word(w))
        .chain(lang::words_in(block).filter(|w| !(excluded.contains(&w.word) || once(w) && written.contains(&w.word))));
    let mut out: Vec<Item> = Vec::new();
    if block == Block::Transfer && !written.contains(&"say") {
        let mut say = Item::new("say", ItemKind::Keyword);
        say.doc = Some(TRANSFER_SAY.to_owned());
        say.snippet = lang::word("say").map(|w| w.snippet);
        out.push(say);
    }
    for w in words {
        if out.iter().any(|i| i.label == w.word) {
            continue;
        }
        let kind = match w.kind {
            WordKind::Keyword | WordKind::Contextual => ItemKind::Keyword,
            WordKind::Field => ItemKind::Field,
        };
        let mut item = Item::new(w.word, kind);
        item.doc = Some(w.doc.to_owned());
        // `callee` inside `when` takes a string, not a block.
        item.snippet = Some(if w.word == "callee" && extra.contains(&"callee") {
            "callee \"$0\""
        } else {
            w.snippet
        });
        out.push(item);
    }
    out
}

fn lints() -> Vec<Item> {
    let mut out: Vec<Item> = Code::ALL
        .iter()
        .filter_map(|c| c.lint().map(|l| (c, l)))
        .map(|(c, l)| {
            Item::new(l, ItemKind::Lint).detail(Some(format!(
                "{} · {} by default · {}",
                c.as_str(),
                c.default_level().as_str(),
                c.title()
            )))
        })
        .collect();
    out.push(Item::new("warnings", ItemKind::Lint).detail(Some("every lint".to_owned())));
    out
}

fn values<'w>(words: impl Iterator<Item = &'w str>) -> Vec<Item> {
    words.map(|w| Item::new(w, ItemKind::Value)).collect()
}

/// What each value of `first_speaker` means, for completion and hover.
#[must_use]
pub fn speaker_doc(speaker: ir::Speaker) -> &'static str {
    match speaker {
        ir::Speaker::Callee => {
            "the callee picks up and speaks first (“喂？”), then the opening is said; the default for outbound \
             calls (answering-machine detection listens first)"
        }
        ir::Speaker::Caller => "the opening is said as soon as the line connects",
    }
}

fn speakers() -> Vec<Item> {
    lang::SPEAKERS
        .iter()
        .map(|&(w, speaker)| {
            let mut item = Item::new(w, ItemKind::Value).detail(Some(if speaker == ir::Speaker::default() {
                format!("the {w} speaks first (default)")
            } else {
                format!("the {w} speaks first")
            }));
            item.doc = Some(format!("`first_speaker {w}`: {}.", speaker_doc(speaker)));
            item
        })
        .collect()
}

/// The snippet of a capture type that takes arguments.
fn type_snippet(word: &str) -> Option<&'static str> {
    match word {
        "integer" => Some("integer(${1:1}..${2:100})"),
        "one_of" => Some("one_of(${1:a}, ${2:b})"),
        "money" => Some("money(${1:CNY})"),
        _ => None,
    }
}

fn capture_types() -> Vec<Item> {
    crate::ir::value::TYPES
        .iter()
        .map(|&(w, what)| {
            let snippet = type_snippet(w);
            // `integer` alone is unbounded; `one_of` needs its words, `money` its currency.
            let label = if snippet.is_some() {
                format!("{w}(…)")
            } else {
                w.to_owned()
            };
            let mut item = Item::new(label, ItemKind::Type).detail(Some(cut(what, 60)));
            item.doc = Some(format!("type `{w}`: {what}."));
            item.snippet = snippet;
            item.insert = match w {
                "integer" => Some("integer".to_owned()),
                "one_of" => Some("one_of(".to_owned()),
                "money" => Some("money(".to_owned()),
                _ => None,
            };
            item
        })
        .collect()
}

/// `example VALUE` in a variable's line (the word's entry in `lang::WORDS`
/// is the signal's `example`).
pub const VAR_EXAMPLE: &str = "`example VALUE`: in a variable's line, the value previews (`callc build --preview`) and \
                               simulations fill in; checked against the variable's type.";

/// The words a variable's line may go on with after its type, but for
/// those `written` (and, once one of `required`, `optional`, `default` is,
/// the other two: E0105). `default` and `example` insert a value of the
/// right form: quoted for text, dates, times, amounts, …, bare for whole
/// numbers, percentages and words.
fn var_parts(written: &[String], kind: Option<&str>) -> Vec<Item> {
    let has_need = written.iter().any(|w| NEED_WORDS.contains(&w.as_str()));
    let word = kind.map_or("", |k| k.split('(').next().unwrap_or(k).trim());
    let bare = matches!(word, "integer" | "percent" | "yes_no" | "one_of");
    PART_WORDS
        .iter()
        .filter(|w| !written.iter().any(|x| x == *w))
        .filter(|w| !(has_need && NEED_WORDS.contains(w)))
        .map(|&w| {
            let mut item = Item::new(w, ItemKind::Keyword);
            item.doc = if w == "example" {
                Some(VAR_EXAMPLE.to_owned())
            } else {
                lang::word(w).map(|x| x.doc.to_owned())
            };
            item.snippet = match (w, bare) {
                ("default", true) => Some("default $0"),
                ("default", false) => Some("default \"$0\""),
                ("example", true) => Some("example $0"),
                ("example", false) => Some("example \"$0\""),
                _ => None,
            };
            item
        })
        .collect()
}

/// The telephony events `on` takes at this place.
fn events(in_step: bool, waits: bool) -> Vec<Item> {
    ir::Event::ALL
        .into_iter()
        .filter(|e| !in_step || e.in_step())
        .filter(|e| waits || *e == ir::Event::Hangup)
        .map(|e| {
            let mut item = Item::new(e.as_str(), ItemKind::Event).detail(Some("telephony event".to_owned()));
            item.doc = Some(format!(
                "`{}`: a built-in telephony event; fires when {}.",
                e.as_str(),
                e.doc()
            ));
            item
        })
        .collect()
}

/// Each `callee ID extends BASE` written: (ID, BASE).
fn extends<'a>(source: &'a str, tokens: &[Token]) -> Vec<(&'a str, &'a str)> {
    let sig: Vec<&Token> = tokens.iter().filter(|t| t.kind != TokenKind::Comment).collect();
    sig.windows(4)
        .filter(|w| {
            w.iter().all(|t| t.kind == TokenKind::Ident)
                && w[0].text(source) == "callee"
                && w[2].text(source) == "extends"
        })
        .map(|w| (w[1].text(source), w[3].text(source)))
        .collect()
}

fn ids(source: &str, tokens: &[Token], context: &Context, offset: usize) -> Vec<Item> {
    let decls = declared(source, tokens);
    let of = |kind: Kind, item: ItemKind| -> Vec<Item> {
        let mut seen: Vec<&str> = Vec::new();
        decls
            .iter()
            .filter(|d| d.kind == kind)
            .filter(|d| {
                let new = !seen.contains(&d.name.as_str());
                seen.push(&d.name);
                new
            })
            .map(|d| Item::new(d.name.clone(), item).detail(d.detail.clone()))
            .collect()
    };
    match context {
        Context::Target(reach) => {
            let mut out = if *reach == Reach::EndOnly {
                Vec::new()
            } else {
                of(Kind::Step, ItemKind::Step)
            };
            let mut end = Item::new("end", ItemKind::Keyword).detail(Some("end the call".to_owned()));
            end.doc = lang::word("end").map(|w| w.doc.to_owned());
            out.push(end);
            for mut e in of(Kind::End, ItemKind::End) {
                e.label = format!("end({})", e.label);
                out.push(e);
            }
            if *reach == Reach::Any {
                for mut t in of(Kind::Transfer, ItemKind::Transfer) {
                    t.label = format!("transfer({})", t.label);
                    t.doc = lang::word("transfer").map(|w| w.doc.to_owned());
                    out.push(t);
                }
            }
            out
        }
        Context::On { in_step, waits, taken } => {
            let mut out = if *waits {
                of(Kind::Signal, ItemKind::Signal)
            } else {
                Vec::new()
            };
            out.extend(events(*in_step, *waits));
            out.retain(|i| !taken.contains(&i.label));
            out
        }
        Context::Base(this) => {
            // Not itself, nor a callee that extends it already (E0114).
            let bases = extends(source, tokens);
            let reaches = |from: &str| {
                let mut at = from;
                for _ in 0..=bases.len() {
                    if at == this {
                        return true;
                    }
                    match bases.iter().find(|(c, _)| *c == at) {
                        Some((_, b)) => at = b,
                        None => return false,
                    }
                }
                false
            };
            of(Kind::Callee, ItemKind::Callee)
                .into_iter()
                .filter(|i| !reaches(&i.label))
                .collect()
        }
        Context::Concern(listed) => of(Kind::Concern, ItemKind::Concern)
            .into_iter()
            .filter(|i| !listed.contains(&i.label))
            .collect(),
        Context::Capture(listed) => of(Kind::Capture, ItemKind::Capture)
            .into_iter()
            .filter(|i| !listed.contains(&i.label))
            .collect(),
        Context::EndCondition | Context::Transfer => {
            let close = !source[offset..]
                .trim_start_matches(|c: char| is_ident_continue(c) || c == ' ')
                .starts_with(')');
            let (kind, item) = if *context == Context::Transfer {
                (Kind::Transfer, ItemKind::Transfer)
            } else {
                (Kind::End, ItemKind::End)
            };
            of(kind, item)
                .into_iter()
                .map(|mut i| {
                    if close {
                        i.insert = Some(format!("{})", i.label));
                    }
                    i
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"call t {
  locale "zh-CN"
  caller 李明 { name "李明" knows { 公司 "泰山" } }
  callee 张强 { name "张强" concern 价格 primary "价格透明" concern 试用 latent "试用" }
  signal 忙 "张强说忙😀"
  flow {
    on 忙 -> 发资料
    step 开场 "问候😀" covers 价格 { say "您好" next 报价 }
    step 报价 { say "8%" }
    step 发资料 { say "发" -> end }
  }
  end { when 拒绝 "不要" callee "不要" closing "再见" }
}
"#;

    /// Completes at the `|` in `src` (removed first).
    fn at(src: &str) -> Completion {
        let offset = src.find('|').expect("cursor");
        let text = src.replacen('|', "", 1);
        let last = Analysis::new("t.call", SPEC);
        complete(&text, offset, Some(&last))
    }

    fn labels(c: &Completion) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    fn with(line: &str) -> String {
        SPEC.replace("    step 报价 { say \"8%\" }", line)
    }

    #[test]
    fn targets_after_next_arrow_and_on() {
        for line in [
            "    step 报价 { say \"8%\" next |",
            "    step 报价 { say \"8%\" -> 报|",
            "    step 报价 { say \"8%\" on 忙 ->|",
            "    step 报价 { say \"😀中文\" on 忙 -> |}",
        ] {
            let c = at(&with(line));
            assert_eq!(c.context, Context::Target(Reach::Any), "{line}");
            assert_eq!(labels(&c), ["开场", "报价", "发资料", "end", "end(拒绝)"], "{line}");
        }
        let c = at(&with("    step 报价 { say \"8%\" next 报|"));
        let start = with("    step 报价 { say \"8%\" next 报|").find("报|").expect("cursor");
        assert_eq!(c.replace, Span::new(start, start + "报".len()));
        assert_eq!(c.items[0].detail.as_deref(), Some("问候😀"));
    }

    #[test]
    fn signals_concerns_and_end_conditions() {
        let c = at(&with("    step 报价 { say \"8%\" on |"));
        assert_eq!(
            (c.context.clone(), labels(&c)),
            (
                Context::On {
                    in_step: true,
                    waits: true,
                    taken: Vec::new()
                },
                vec!["忙", "silence", "hangup"]
            )
        );
        let c = at(&with("    step 报价 covers |"));
        assert_eq!(labels(&c), ["价格", "试用"]);
        assert_eq!(c.items[0].detail.as_deref(), Some("primary · 价格透明"));
        let c = at(&with("    step 报价 covers 价格, |"));
        assert_eq!(labels(&c), ["试用"]);
        let c = at(&with("    step 报价 { say \"8%\" -> end(|"));
        assert_eq!(labels(&c), ["拒绝"]);
        assert_eq!(c.items[0].insert.as_deref(), Some("拒绝)"));
        let c = at(&with("    step 报价 { say \"8%\" -> end(|) }"));
        assert_eq!(c.items[0].insert, None);
    }

    #[test]
    fn keywords_by_block() {
        let c = at(&with("    step 报价 { say \"8%\" |"));
        assert_eq!(
            labels(&c),
            [
                "on", "say", "next", "continue", "capture", "retry", "allow", "warn", "deny"
            ]
        );
        let c = at(&with("    step 报价 { say \"8%\" next 开场 |"));
        assert!(labels(&c).contains(&"say"));
        let c = at(&SPEC.replace("name \"张强\"", "name \"张强\" |"));
        assert!(labels(&c).contains(&"concern") && !labels(&c).contains(&"task"));
        let c = at(&SPEC.replace("    on 忙 -> 发资料", "    |"));
        assert!(labels(&c).starts_with(&["step", "on"]));
        let c = at(&SPEC.replace("callee \"不要\" closing", "| closing"));
        assert!(labels(&c).contains(&"when") && labels(&c).contains(&"callee"));
        let c = at(&SPEC.replace("\"问候😀\"", "\"问候😀\" |"));
        assert_eq!(labels(&c), ["covers"]);
        let c = at(&SPEC.replace("step 开场 \"", "step 开场 |\""));
        assert_eq!(labels(&c), ["covers"]);
        assert_eq!(labels(&at("|")), ["call"]);
    }

    #[test]
    fn nothing_in_comments_text_values_and_new_ids() {
        for src in [
            with("    step 报价 { say \"8%|\" }"),
            with("    step 报价 { say \"8%\" } // next |"),
            with("    step |"),
            SPEC.replace("name \"张强\"", "name |"),
            SPEC.replace("name \"张强\"", "age 3|"),
        ] {
            assert_eq!(at(&src).context, Context::Nothing, "{src}");
        }
    }

    #[test]
    fn placeholders_inside_strings() {
        let c = at(&with("    step 报价 { say \"😀您好{|"));
        assert!(labels(&c).contains(&"callee.name"));
        assert!(labels(&c).contains(&"knows.公司"));
        assert!(!labels(&c).contains(&"callee.org"), "callee sets no org");
        let name = c.items.iter().find(|i| i.label == "callee.name").expect("item");
        assert_eq!(name.insert.as_deref(), Some("callee.name}"));
        let src = with("    step 报价 { say \"您好{knows.|}\" }");
        let c = at(&src);
        let start = src.find("knows.").expect("path");
        assert_eq!(c.replace, Span::new(start, start + "knows.".len()));
        assert_eq!(c.items[0].insert, None, "the `}}` is there already");
        assert_eq!(at(&with("    step 报价 { say \"{{|\" }")).context, Context::Nothing);
        assert_eq!(at(&with("    step 报价 { say \"{a}|\" }")).context, Context::Nothing);
    }

    #[test]
    fn lints_priorities_and_genders() {
        let c = at(&with("    step 报价 { allow |"));
        assert!(labels(&c).contains(&"silent_step") && labels(&c).contains(&"warnings"));
        let c = at(&SPEC.replace("concern 试用 latent", "concern 试用 |"));
        assert_eq!(labels(&c), ["primary", "secondary", "latent"]);
        let c = at(&SPEC.replace("name \"张强\"", "gender |"));
        assert_eq!(labels(&c), ["male", "female", "other"]);
    }

    #[test]
    fn declarations_come_from_the_text_even_when_it_does_not_parse() {
        let src = "call t { flow { step a \"甲\" { next } step b { } } end { when w \"x\" callee \"y\" } signal s";
        let d = declared(src, &tokenize(src));
        let names: Vec<_> = d.iter().map(|d| (d.kind, d.name.as_str())).collect();
        assert_eq!(
            names,
            [
                (Kind::Step, "a"),
                (Kind::Step, "b"),
                (Kind::End, "w"),
                (Kind::Signal, "s")
            ]
        );
        assert_eq!(d[0].detail.as_deref(), Some("甲"));
    }

    /// Every construct of calls that listen, with Chinese ids and emoji.
    const LISTEN: &str = r#"call 续约 {
  locale "zh-CN"
  first_speaker callee
  silence_timeout 8
  caller 李明 { name "李明" }
  callee 张强 { name "张强" }
  signal 忙 "张强说忙😀"
  flow {
    on voicemail -> 留言
    on hangup -> end(挂断)
    on 忙 -> 要邮箱
    step 说明 "说明😀" { say "您好😀" continue }
    step 要邮箱 "确认邮箱" {
      say "邮箱是？"
      capture 邮箱 email "张强的邮箱😀"
      capture 席位 integer(1..500) optional "席位数"
      retry 2 -> end(挂断)
      -> end(留邮箱)
    }
    step 留言 { say "请回电😀" continue -> end }
  }
  end {
    when 留邮箱 "留下邮箱" callee "给了邮箱" requires 邮箱
    when 挂断 "挂断" callee "挂了"
    transfer 销售 "销售顾问😀" {
      say "请稍候。"
      to "queue:sales"
      fallback end(挂断)
      requires 邮箱
    }
    closing "再见"
  }
}
"#;

    /// Completes at the `|` in `src` (removed first), with the last good check of [`LISTEN`].
    fn listen_at(src: &str) -> Completion {
        let offset = src.find('|').expect("cursor");
        let text = src.replacen('|', "", 1);
        let last = Analysis::new("t.call", LISTEN);
        assert!(!last.compiled.has_errors(), "{:?}", last.compiled.diagnostics);
        complete(&text, offset, Some(&last))
    }

    fn listen_with(old: &str, new: &str) -> Completion {
        assert!(LISTEN.contains(old), "{old}");
        listen_at(&LISTEN.replacen(old, new, 1))
    }

    #[test]
    fn events_beside_signals_where_on_may_name_them() {
        // In `flow`: the signals, then all four events, each with its doc.
        let flow = "    on voicemail -> 留言\n    on hangup -> end(挂断)\n    on 忙 -> 要邮箱\n";
        let c = listen_with(flow, "    on |\n");
        assert_eq!(labels(&c), ["忙", "voicemail", "no_answer", "silence", "hangup"]);
        let vm = &c.items[1];
        assert_eq!(
            (vm.kind, vm.detail.as_deref()),
            (ItemKind::Event, Some("telephony event"))
        );
        assert!(
            vm.doc
                .as_deref()
                .is_some_and(|d| d.contains(ir::Event::Voicemail.doc())),
            "{vm:?}"
        );
        // In a waiting step: no `voicemail`/`no_answer` (E0109).
        let c = listen_with("      -> end(留邮箱)", "      on |");
        assert_eq!(labels(&c), ["忙", "silence", "hangup"]);
        // In a `continue` step: only `hangup` (E0111).
        let c = listen_with("say \"您好😀\" continue }", "say \"您好😀\" continue on | }");
        assert_eq!(labels(&c), ["hangup"]);
        // What the block branches on already is not offered again (E0105).
        let c = listen_with("    on 忙 -> 要邮箱", "    on 忙 -> 要邮箱\n    on |");
        assert_eq!(labels(&c), ["no_answer", "silence"]);
        let c = listen_with("      -> end(留邮箱)", "      on silence -> 说明\n      on |");
        assert_eq!(labels(&c), ["忙", "hangup"]);
        // Typing an event's first letters replaces them.
        let c = listen_with("    on 忙 -> 要邮箱", "    on voi|");
        assert_eq!(c.replace.end - c.replace.start, 3);
    }

    #[test]
    fn targets_offer_transfers_as_far_as_the_place_allows() {
        let steps = ["说明", "要邮箱", "留言"];
        let ends = ["end", "end(留邮箱)", "end(挂断)"];
        let all: Vec<&str> = steps.iter().chain(&ends).chain(&["transfer(销售)"]).copied().collect();
        for (old, new) in [
            ("      -> end(留邮箱)", "      -> |"),
            ("      -> end(留邮箱)", "      next |"),
            ("retry 2 -> end(挂断)", "retry 2 -> |"),
            ("    on 忙 -> 要邮箱", "    on 忙 -> |"),
            ("    on 忙 -> 要邮箱", "    on silence -> |"),
        ] {
            let c = listen_with(old, new);
            assert_eq!(c.context, Context::Target(Reach::Any), "{new}");
            assert_eq!(labels(&c), all, "{new}");
        }
        let c = listen_with("      -> end(留邮箱)", "      -> |");
        let t = c.items.last().expect("transfer");
        assert_eq!((t.kind, t.detail.as_deref()), (ItemKind::Transfer, Some("销售顾问😀")));
        // No transfer after `fallback` or `on voicemail ->` (E0110); only ends after `hangup`.
        let no_transfer: Vec<&str> = steps.iter().chain(&ends).copied().collect();
        let c = listen_with("fallback end(挂断)", "fallback |");
        assert_eq!(
            (c.context.clone(), labels(&c)),
            (Context::Target(Reach::NoTransfer), no_transfer.clone())
        );
        let c = listen_with("on voicemail -> 留言", "on voicemail -> |");
        assert_eq!(labels(&c), no_transfer);
        for event in ["hangup", "no_answer"] {
            let c = listen_with("on hangup -> end(挂断)", &format!("on {event} -> |"));
            assert_eq!(labels(&c), ends, "{event}");
        }
    }

    #[test]
    fn inside_transfer_parentheses_the_transfers() {
        let c = listen_with("on 忙 -> 要邮箱", "on 忙 -> transfer(|");
        assert_eq!((c.context.clone(), labels(&c)), (Context::Transfer, vec!["销售"]));
        assert_eq!(c.items[0].insert.as_deref(), Some("销售)"));
        let c = listen_with("on 忙 -> 要邮箱", "on 忙 -> transfer(销|)");
        assert_eq!(c.items[0].insert, None, "the `)` is there");
    }

    #[test]
    fn capture_types_then_optional() {
        let c = listen_with("capture 邮箱 email", "capture 邮箱 |");
        assert_eq!(c.context, Context::CaptureType);
        assert_eq!(
            labels(&c),
            [
                "text",
                "number",
                "integer(…)",
                "percent",
                "money(…)",
                "date",
                "time",
                "phone",
                "email",
                "yes_no",
                "one_of(…)"
            ]
        );
        let int = &c.items[2];
        assert_eq!(int.snippet, Some("integer(${1:1}..${2:100})"));
        assert_eq!(int.insert.as_deref(), Some("integer"));
        assert_eq!(c.items[10].snippet, Some("one_of(${1:a}, ${2:b})"));
        assert_eq!(c.items[4].snippet, Some("money(${1:CNY})"));
        assert!(c.items[8].doc.as_deref().is_some_and(|d| d.contains("e-mail")));
        let c = listen_with("capture 邮箱 email", "capture 邮箱 em|");
        assert_eq!(c.context, Context::CaptureType);
        // After the type (with or without arguments): `optional`.
        for (old, new) in [
            ("capture 邮箱 email \"", "capture 邮箱 email | \""),
            ("integer(1..500) optional", "integer(1..500) |"),
        ] {
            let c = listen_with(old, new);
            assert_eq!(labels(&c), ["optional"], "{new}");
        }
        // Inside the arguments: nothing.
        assert_eq!(listen_with("integer(1..500)", "integer(|").context, Context::Nothing);
        assert_eq!(listen_with("integer(1..500)", "one_of(a, |").context, Context::Nothing);
    }

    #[test]
    fn requires_offers_captures_with_type_and_step() {
        let c = listen_with("callee \"给了邮箱\" requires 邮箱", "callee \"给了邮箱\" requires |");
        assert_eq!(c.context, Context::Capture(Vec::new()));
        assert_eq!(labels(&c), ["邮箱", "席位"]);
        assert_eq!(c.items[0].detail.as_deref(), Some("email · step 要邮箱"));
        assert_eq!(
            c.items[1].detail.as_deref(),
            Some("integer(1..500), optional · step 要邮箱")
        );
        assert_eq!(c.items[0].kind, ItemKind::Capture);
        // After a comma: those not listed yet; in a transfer too.
        let c = listen_with("requires 邮箱\n    }", "requires 邮箱, |\n    }");
        assert_eq!(labels(&c), ["席位"]);
        // After the list, the statement has ended: the block's words (invoked).
        let c = listen_with("requires 邮箱\n    }", "requires 邮箱 |\n    }");
        // (everything a transfer takes once is written already).
        assert_eq!(labels(&c), ["allow", "warn", "deny"]);
    }

    #[test]
    fn first_speaker_values() {
        let c = listen_with("first_speaker callee", "first_speaker |");
        assert_eq!(
            (c.context.clone(), labels(&c)),
            (Context::Speaker, vec!["callee", "caller"])
        );
        assert_eq!(c.items[0].detail.as_deref(), Some("the callee speaks first (default)"));
        assert!(
            c.items[1]
                .doc
                .as_deref()
                .is_some_and(|d| d.contains("as soon as the line connects"))
        );
        // After the value, the statement has ended.
        let c = listen_with("first_speaker callee", "first_speaker callee |");
        assert!(
            matches!(c.context, Context::Statement { block: Block::Call, .. }),
            "{:?}",
            c.context
        );
        assert!(!labels(&c).contains(&"first_speaker") && !labels(&c).contains(&"locale"));
        assert!(labels(&c).contains(&"title"));
    }

    #[test]
    fn keywords_of_steps_transfers_and_ends() {
        // A waiting step with a capture and a retry: no `continue`, no second `retry` or `next`.
        let c = listen_with("      -> end(留邮箱)\n", "      |\n");
        assert_eq!(labels(&c), ["on", "say", "next", "capture", "allow", "warn", "deny"]);
        // A `continue` step takes no capture or retry; a second `continue` is E0105.
        let c = listen_with("say \"您好😀\" continue }", "say \"您好😀\" continue | }");
        assert_eq!(labels(&c), ["on", "say", "next", "allow", "warn", "deny"]);
        // An empty step: everything.
        let c = listen_with("step 留言 { say \"请回电😀\" continue -> end }", "step 留言 { | }");
        assert_eq!(
            labels(&c),
            [
                "on", "say", "next", "continue", "capture", "retry", "allow", "warn", "deny"
            ]
        );
        // A transfer: `say` (with its own doc), `to`, `fallback`, `requires`, each once.
        let c = listen_with("      say \"请稍候。\"\n", "      |\n      say \"请稍候。\"\n");
        assert_eq!(labels(&c), ["allow", "warn", "deny"]);
        let c = listen_at(&LISTEN.replace(
            "      say \"请稍候。\"\n      to \"queue:sales\"\n      fallback end(挂断)\n      requires 邮箱\n",
            "      |\n",
        ));
        assert_eq!(
            labels(&c),
            ["say", "requires", "to", "fallback", "allow", "warn", "deny"]
        );
        assert!(c.items[0].doc.as_deref().is_some_and(|d| d.contains("handed over")));
        // `end`: `when`, `transfer`; `closing` is there already.
        let c = listen_with("    closing \"再见\"", "    |\n    closing \"再见\"");
        assert_eq!(labels(&c), ["when", "transfer", "allow", "warn", "deny"]);
        // After a `when`'s wordings: `requires` (and `callee` while it is missing).
        let c = listen_with(
            "when 挂断 \"挂断\" callee \"挂了\"",
            "when 挂断 \"挂断\" callee \"挂了\" |",
        );
        assert_eq!(labels(&c)[0], "requires");
        let c = listen_with("when 挂断 \"挂断\" callee \"挂了\"", "when 挂断 \"挂断\" |");
        assert_eq!(labels(&c)[..2], ["callee", "requires"]);
        // `retry N` goes on with an arrow; `transfer ID "title"` with a brace.
        assert_eq!(listen_with("retry 2 ->", "retry 2 |->").context, Context::Nothing);
        assert_eq!(
            listen_with("\"销售顾问😀\" {", "\"销售顾问😀\" | {").context,
            Context::Nothing
        );
    }

    #[test]
    fn captures_and_transfers_are_declared_in_the_text() {
        let d = declared(LISTEN, &tokenize(LISTEN));
        let got: Vec<_> = d
            .iter()
            .filter(|d| matches!(d.kind, Kind::Capture | Kind::Transfer))
            .map(|d| (d.kind, d.name.as_str(), d.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Kind::Capture, "邮箱", Some("email · step 要邮箱")),
                (Kind::Capture, "席位", Some("integer(1..500), optional · step 要邮箱")),
                (Kind::Transfer, "销售", Some("销售顾问😀")),
            ]
        );
    }

    #[test]
    fn any_offset_is_safe() {
        let src = with("    step 报价 { say \"😀{\" -> end( on , covers }");
        for i in 0..=src.len() + 2 {
            let _ = complete(&src, i, None);
        }
        let last = Analysis::new("t.call", LISTEN);
        let src = LISTEN
            .replace("integer(1..500)", "integer(1..")
            .replace("transfer 销售", "transfer(");
        for i in 0..=src.len() + 2 {
            let _ = complete(&src, i, Some(&last));
        }
    }

    use crate::lsp::analysis::fixtures::MANY;

    fn many_with(old: &str, new: &str) -> Completion {
        assert!(MANY.contains(old), "{old}");
        let src = MANY.replacen(old, new, 1);
        let offset = src.find('|').expect("cursor");
        let text = src.replacen('|', "", 1);
        let last = Analysis::new("t.call", MANY);
        assert!(last.compiled.diagnostics.is_empty(), "{:?}", last.compiled.diagnostics);
        complete(&text, offset, Some(&last))
    }

    #[test]
    fn variables_in_strings_with_their_type_and_example() {
        // After `{var.`: the variables only, in order, closing the `}`.
        let c = many_with("回拨{var.回拨}\"", "回拨{var.|\"");
        assert_eq!(
            labels(&c),
            ["var.客户", "var.到期日", "var.优惠", "var.费用", "var.套餐", "var.回拨"]
        );
        assert_eq!(c.items[1].detail.as_deref(), Some("date · example 2026-12-31"));
        assert_eq!(c.items[2].detail.as_deref(), Some("percent · default 8"));
        assert_eq!(c.items[4].detail.as_deref(), Some("one_of(标准, 高级) · default 标准"));
        assert_eq!(c.items[1].insert.as_deref(), Some("var.到期日}"));
        let doc = c.items[0].doc.as_deref().unwrap_or_default();
        assert!(doc.contains("required") && doc.contains("客户姓名😀"), "{doc}");
        assert!(
            c.items[5]
                .doc
                .as_deref()
                .is_some_and(|d| d.contains("optional") && d.contains("pii"))
        );
        // Typing a name replaces the path; the `}` that is there stays.
        let c = many_with("{var.优惠}", "{var.优|}");
        assert_eq!(c.items[0].insert, None);
        let start = MANY.find("{var.优惠}").expect("path") + 1;
        assert_eq!(c.replace, Span::new(start, start + "var.优".len()));
        // After `{`: the variables first, then the fields and labels.
        let c = many_with("回拨{var.回拨}\"", "回拨{|\"");
        assert_eq!(labels(&c)[..2], ["var.客户", "var.到期日"]);
        assert!(labels(&c).contains(&"callee.name") && labels(&c).contains(&"caller.org"));
        // After `{callee.`: no variable.
        let c = many_with("{callee.name}您好", "{callee.|您好");
        assert!(labels(&c).iter().all(|l| l.starts_with("callee.")), "{:?}", labels(&c));
        // Fixed text takes no variable (E0113): a step's title, a signal's example.
        for (old, new) in [
            ("\"问候😀\"", "\"问候{|😀\""),
            ("example \"在开会😀\"", "example \"在开会{|😀\""),
            ("locale \"zh-CN\"", "locale \"{|\""),
        ] {
            let c = many_with(old, new);
            assert!(
                !labels(&c).iter().any(|l| l.starts_with("var.")),
                "{new}: {:?}",
                labels(&c)
            );
        }
    }

    #[test]
    fn callee_paths_are_those_every_callee_in_scope_gives_alike() {
        let src = crate::lsp::analysis::fixtures::many_with_background();
        let last = Analysis::new("t.call", &src);
        assert!(last.compiled.diagnostics.is_empty(), "{:?}", last.compiled.diagnostics);
        let at = |old: &str, new: &str| {
            assert!(src.contains(old), "{old}");
            let text = src.replacen(old, new, 1);
            let offset = text.find('|').expect("cursor");
            let text = text.replacen('|', "", 1);
            complete(&text, offset, Some(&last))
        };
        // In the shared script: only 忙碌 and 比价 have the background entry (E0103 for 张强).
        let c = at("回拨{var.回拨}\"", "回拨{|\"");
        assert!(labels(&c).contains(&"callee.name"), "{:?}", labels(&c));
        assert!(
            !labels(&c).iter().any(|l| l.starts_with("background.")),
            "{:?}",
            labels(&c)
        );
        // In 忙碌's own block: its background is offered, once.
        let c = at("，{background.情境}", "，{|");
        let entries: Vec<_> = labels(&c)
            .into_iter()
            .filter(|l| l.starts_with("background."))
            .collect();
        assert_eq!(entries, ["background.情境"]);
        assert!(labels(&c).contains(&"callee.name"));
    }

    #[test]
    fn a_variable_line_offers_types_then_its_words() {
        // After the id: the types, `money(…)` with its currency.
        let c = many_with("回拨   phone", "回拨   |");
        assert_eq!(c.context, Context::CaptureType);
        assert!(labels(&c).contains(&"money(…)") && labels(&c).contains(&"time"));
        let c = many_with("回拨   phone", "回拨   ph|");
        assert_eq!(c.context, Context::CaptureType);
        assert_eq!(c.replace.end - c.replace.start, 2);
        // After the type: every word of a line, `default`/`example` with a value of the right form.
        let c = many_with("回拨   phone              optional pii", "回拨   phone |");
        assert_eq!(labels(&c), ["required", "optional", "default", "example", "pii"]);
        assert_eq!(c.items[3].snippet, Some("example \"$0\""));
        assert!(c.items[3].doc.as_deref().is_some_and(|d| d.contains("previews")));
        assert!(c.items[4].doc.as_deref().is_some_and(|d| d.contains("personal data")));
        let c = many_with("优惠   percent            default 8", "优惠   percent |");
        assert_eq!(c.items[2].snippet, Some("default $0"));
        // Not what the line says already, nor a second of required/optional/default (E0105).
        let c = many_with("required example \"张强\" \"客户姓名😀\"", "required |");
        assert_eq!(labels(&c), ["example", "pii"]);
        let c = many_with("default 标准", "default 标准 |");
        assert_eq!(labels(&c), ["example", "pii"]);
        let c = many_with("optional pii", "optional pii |");
        assert_eq!(labels(&c), ["example"]);
        let c = many_with("money(CNY)         optional", "money(CNY) |");
        assert_eq!(
            (c.context.clone(), labels(&c)),
            (
                Context::VarPart {
                    written: Vec::new(),
                    kind: Some("money(CNY)".to_owned())
                },
                vec!["required", "optional", "default", "example", "pii"]
            )
        );
        // After `default` or `example`: the words of a `one_of` or a `yes_no`.
        let c = many_with("default 标准", "default |");
        assert_eq!(labels(&c), ["标准", "高级"]);
        let c = many_with("回拨   phone              optional pii", "回拨 yes_no example |");
        assert_eq!(labels(&c), ["yes", "no"]);
        assert_eq!(
            many_with("default 8", "default |").context,
            Context::VarValue(Vec::new())
        );
        // Inside the type's parentheses: nothing.
        assert_eq!(many_with("money(CNY)", "money(|").context, Context::Nothing);
        // On a new line: a new variable (or a lint attribute).
        let c = many_with("    回拨   phone", "    |\n    回拨   phone");
        assert_eq!(labels(&c), ["allow", "warn", "deny"]);
        let c = many_with("    客户", "    allow |\n    客户");
        assert!(labels(&c).contains(&"unused_var") && labels(&c).contains(&"missing_example"));
    }

    #[test]
    fn callees_extend_the_others_and_signals_take_examples() {
        // After a callee's id: `extends`.
        let c = many_with("callee 忙碌 extends 张强 {", "callee 忙碌 | {");
        assert_eq!(labels(&c), ["extends"]);
        assert_eq!(c.items[0].snippet, Some("extends ${0:callee}"));
        // After `extends`: the other callees, not itself nor one that extends it (E0114).
        let c = many_with("callee 忙碌 extends 张强 {", "callee 忙碌 extends | {");
        assert_eq!(c.context, Context::Base("忙碌".to_owned()));
        assert_eq!(labels(&c), ["张强"]);
        assert_eq!(c.items[0].kind, ItemKind::Callee);
        assert_eq!(c.items[0].detail.as_deref(), Some("{var.客户}"));
        let c = many_with("callee 比价 extends 忙碌", "callee 比价 extends 忙|");
        assert_eq!(labels(&c), ["张强", "忙碌"]);
        assert_eq!(c.items[1].detail.as_deref(), Some("extends 张强"));
        // Inside a signal's braces: `example` (again: it repeats) and the lint levels.
        let c = many_with("    example \"在开会😀\"\n", "    example \"在开会😀\"\n    |\n");
        assert_eq!(labels(&c), ["example", "allow", "warn", "deny"]);
        // `vars` in `call`, once; `callee` again (several callees).
        let c = many_with("  signal 忙", "  |\n  signal 忙");
        assert!(
            labels(&c).contains(&"callee") && !labels(&c).contains(&"vars"),
            "{:?}",
            labels(&c)
        );
        let c = at(&SPEC.replace("  signal 忙", "  |\n  signal 忙"));
        let vars = c.items.iter().find(|i| i.label == "vars").expect("vars");
        assert!(vars.snippet.is_some_and(|s| s.starts_with("vars {")));
    }

    #[test]
    fn callees_and_variables_are_declared_in_the_text() {
        let d = declared(MANY, &tokenize(MANY));
        let got: Vec<_> = d
            .iter()
            .filter(|d| matches!(d.kind, Kind::Callee | Kind::Var))
            .map(|d| (d.kind, d.name.as_str(), d.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Kind::Callee, "张强", Some("{var.客户}")),
                (Kind::Callee, "忙碌", Some("extends 张强")),
                (Kind::Callee, "比价", Some("extends 忙碌")),
                (Kind::Var, "客户", Some("text · example 张强")),
                (Kind::Var, "到期日", Some("date · example 2026-12-31")),
                (Kind::Var, "优惠", Some("percent · default 8")),
                (Kind::Var, "费用", Some("money(CNY) · example 1299.00")),
                (Kind::Var, "套餐", Some("one_of(标准, 高级) · default 标准")),
                (Kind::Var, "回拨", Some("phone")),
            ]
        );
        // `first_speaker callee` declares nothing.
        let src = "call t { first_speaker callee\n silence_timeout 8 }";
        assert!(declared(src, &tokenize(src)).is_empty());
    }

    #[test]
    fn any_offset_of_the_new_constructs_is_safe() {
        let last = Analysis::new("t.call", MANY);
        let src = MANY
            .replace("money(CNY)", "money(")
            .replace("default 标准", "default")
            .replace("extends 忙碌", "extends");
        for i in 0..=src.len() + 2 {
            let _ = complete(&src, i, Some(&last));
            let _ = complete(&src[..src.floor_char_boundary(i.min(src.len()))], i, None);
        }
    }
}
