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
use crate::lang::PLACEHOLDER_FIELDS;
use crate::source::Span;

use super::Analysis;
use super::tokens::{Token, TokenKind, is_ident_continue, tokenize};
use crate::lang::{self, Block, WordKind};

/// What the cursor is in front of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// After `next`, `->` or `on S ->`: a step, `end` or `end(ID)`.
    Target,
    /// After `on`: a signal.
    Signal,
    /// After `covers` (or a comma of its list): concerns, minus those listed.
    Concern(Vec<String>),
    /// After `end(`: an end condition.
    EndCondition,
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

/// The ids declared in a text (steps, signals, concerns, end conditions,
/// FAQ entries), by their keywords; works on text that does not parse.
#[must_use]
pub fn declared(source: &str, tokens: &[Token]) -> Vec<Declared> {
    let sig: Vec<&Token> = tokens.iter().filter(|t| t.kind != TokenKind::Comment).collect();
    let mut out = Vec::new();
    for (i, t) in sig.iter().enumerate() {
        let kind = match (t.kind, t.text(source)) {
            (TokenKind::Ident, "step") => Kind::Step,
            (TokenKind::Ident, "signal") => Kind::Signal,
            (TokenKind::Ident, "concern") => Kind::Concern,
            (TokenKind::Ident, "when") => Kind::End,
            (TokenKind::Ident, "qa") => Kind::Qa,
            _ => continue,
        };
        let Some(id) = sig.get(i + 1).filter(|t| t.kind == TokenKind::Ident) else {
            continue;
        };
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
    out
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
        Context::Placeholder(_) => placeholders(source, offset, last_good),
        Context::Statement { block, extra } => statement_words(*block, extra),
        Context::Lint => lints(),
        Context::Priority => values(crate::lang::PRIORITIES.iter().map(|(w, _)| *w)),
        Context::Gender => values(crate::lang::GENDERS.iter().copied()),
        Context::Target | Context::Signal | Context::Concern(_) | Context::EndCondition => {
            ids(source, &tokens, &context, offset)
        }
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
    let context = match (word(0), word(1)) {
        (Some((TokenKind::Ident, "next") | (TokenKind::Arrow, _)), _) => Context::Target,
        (Some((TokenKind::Ident, "on")), _) => Context::Signal,
        (Some((TokenKind::LParen, _)), Some((TokenKind::Ident, "end"))) => Context::EndCondition,
        (Some((TokenKind::Ident, "covers")), _) => Context::Concern(Vec::new()),
        (Some((TokenKind::Comma, _)), _) => covers_list(source, &prev).map_or(Context::Nothing, Context::Concern),
        (Some((TokenKind::Ident, w)), _) if crate::lang::lint_level(w).is_some() => Context::Lint,
        (Some((TokenKind::Ident, "gender")), _) => Context::Gender,
        (Some((TokenKind::Ident, _)), Some((TokenKind::Ident, "concern"))) => Context::Priority,
        _ => statement(source, tokens, before, &prev),
    };
    (context, replace)
}

/// The concerns already listed when the cursor follows `covers a, b,`.
fn covers_list(source: &str, prev: &[&Token]) -> Option<Vec<String>> {
    let mut listed = Vec::new();
    let mut i = 0;
    while let (Some(comma), Some(id)) = (prev.get(i), prev.get(i + 1)) {
        if comma.kind != TokenKind::Comma || id.kind != TokenKind::Ident {
            return None;
        }
        listed.push(id.text(source).to_owned());
        match prev.get(i + 2) {
            Some(t) if t.kind == TokenKind::Ident && t.text(source) == "covers" => return Some(listed),
            _ => i += 2,
        }
    }
    None
}

/// A statement start in a block, or nothing when the cursor is where a
/// value or a new id goes.
fn statement(source: &str, tokens: &[Token], before: usize, prev: &[&Token]) -> Context {
    let text = |i: usize| prev.get(i).map_or("", |t| t.text(source));
    let kind = |i: usize| prev.get(i).map(|t| t.kind);
    let block = enclosing_block(source, &tokens[..before]);
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
                || matches!(text(1), "next" | "gender")
                || crate::lang::lint_level(text(1)).is_some();
            let header = match text(1) {
                "step" | "qa" => Some("covers"),
                "when" => Some("callee"),
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
                    "when"
                        if !prev
                            .iter()
                            .map(|t| t.text(source))
                            .take_while(|w| *w != "when")
                            .any(|w| w == "callee") =>
                    {
                        return Context::Statement {
                            block,
                            extra: vec!["callee"],
                        };
                    }
                    _ => {}
                }
            }
        }
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
        .find(|w| matches!(*w, "step" | "qa" | "when" | "on" | "closing" | "say" | "next"))
}

/// The block the cursor is in, from the braces before it.
fn enclosing_block(source: &str, tokens: &[Token]) -> Block {
    let mut stack: Vec<Block> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::LBrace => stack.push(opened_by(source, &tokens[..i])),
            TokenKind::RBrace => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(Block::Top)
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

fn placeholders(source: &str, offset: usize, last_good: Option<&Analysis>) -> Vec<Item> {
    let end = placeholder_end(source, offset);
    let closed = source[end..].starts_with('}');
    let last = last_good.and_then(|a| Some((a.text(), a.symbols()?)));
    let mut paths: Vec<(String, Option<String>)> = Vec::new();
    for party in [PartyKind::Caller, PartyKind::Callee] {
        for (i, f) in PLACEHOLDER_FIELDS.iter().enumerate() {
            // With a check at hand, only the fields the spec sets (others are E0103).
            let set = last.is_none_or(|(_, symbols)| {
                symbols
                    .of_kind(Kind::Field(party))
                    .any(|d| symbols.definitions()[d].item() == Some(i))
            });
            if set {
                let party = party.keyword();
                paths.push((format!("{party}.{f}"), Some(format!("the {party}'s `{f}`"))));
            }
        }
    }
    if let Some((text, symbols)) = last {
        for (kind, root) in [(Kind::Knows, "knows"), (Kind::Background, "background")] {
            for d in symbols.of_kind(kind) {
                let label = symbols.definition_name(text, d);
                paths.push((format!("{root}.{label}"), Some(format!("`{root}` entry"))));
            }
        }
    }
    paths
        .into_iter()
        .map(|(path, detail)| {
            let mut item = Item::new(path.clone(), ItemKind::Placeholder).detail(detail);
            if !closed {
                item.insert = Some(format!("{path}}}"));
            }
            item
        })
        .collect()
}

fn statement_words(block: Block, extra: &[&'static str]) -> Vec<Item> {
    let words = extra.iter().filter_map(|w| lang::word(w)).chain(lang::words_in(block));
    let mut out: Vec<Item> = Vec::new();
    for w in words {
        if out.iter().any(|i| i.label == w.word) {
            continue;
        }
        let kind = match w.kind {
            WordKind::Keyword => ItemKind::Keyword,
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
        Context::Target => {
            let mut out = of(Kind::Step, ItemKind::Step);
            let mut end = Item::new("end", ItemKind::Keyword).detail(Some("end the call".to_owned()));
            end.doc = lang::word("end").map(|w| w.doc.to_owned());
            out.push(end);
            for mut e in of(Kind::End, ItemKind::End) {
                e.label = format!("end({})", e.label);
                out.push(e);
            }
            out
        }
        Context::Signal => of(Kind::Signal, ItemKind::Signal),
        Context::Concern(listed) => of(Kind::Concern, ItemKind::Concern)
            .into_iter()
            .filter(|i| !listed.contains(&i.label))
            .collect(),
        Context::EndCondition => {
            let close = !source[offset..]
                .trim_start_matches(|c: char| is_ident_continue(c) || c == ' ')
                .starts_with(')');
            of(Kind::End, ItemKind::End)
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
            assert_eq!(c.context, Context::Target, "{line}");
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
        assert_eq!((c.context.clone(), labels(&c)), (Context::Signal, vec!["忙"]));
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

    #[test]
    fn any_offset_is_safe() {
        let src = with("    step 报价 { say \"😀{\" -> end( on , covers }");
        for i in 0..=src.len() + 2 {
            let _ = complete(&src, i, None);
        }
    }
}
