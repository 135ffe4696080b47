//! Semantic highlighting: what each word of a file is, so that an editor
//! colours a step as a function, a signal and a telephony event as events,
//! a capture as a variable, a capture type as a type, `transfer(ID)` as a
//! keyword and a transfer, whatever grammar it has (Neovim, Helix and Emacs
//! have none for `.call`).
//!
//! Ids are classified by the checker's table ([`Symbols`]) when the text
//! parses, so a word is coloured as what it resolves to; while it does not
//! parse, by the ids the text declares ([`declared`]). Keywords, fields,
//! strings, numbers, comments and `->` come from the forgiving tokenizer,
//! so they are coloured in any text.
//!
//! Input: the text and, when it parsed, its symbols. Output: [`Highlight`]s
//! in source order, never overlapping (a string holding placeholders is cut
//! around them). Linear in the text.

use std::collections::HashMap;

use crate::check::Symbols;
use crate::check::symbols::{Kind, Occurrence};
use crate::ir::Event;
use crate::lang::{self, WordKind};
use crate::source::Span;

use super::complete::declared;
use super::tokens::{Token, TokenKind, tokenize};
use super::vars::{self, Role};

/// A semantic token type: the protocol's standard names, so that every
/// theme colours them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    /// The call's id.
    Namespace,
    /// The caller's and the callee's ids.
    Class,
    /// A concern.
    Interface,
    /// A transfer.
    Struct,
    /// An end condition; a fixed value (`primary`, `female`, a
    /// `first_speaker` value); a word of `one_of(…)`.
    EnumMember,
    /// A capture type (`email`, `integer`).
    Type,
    /// A step.
    Function,
    /// An FAQ entry.
    Method,
    /// A signal, and a built-in telephony event (with `defaultLibrary`).
    Event,
    /// A capture; a per-call variable.
    Variable,
    /// A field name, a `knows`/`background` label, a placeholder.
    Property,
    /// A keyword (`step`, `continue`, `transfer`, `end`).
    Keyword,
    /// A comment.
    Comment,
    /// Text (a string, cut around its placeholders).
    String,
    /// A whole number.
    Number,
    /// `->`.
    Operator,
    /// A lint name in `allow`/`warn`/`deny`.
    Macro,
}

impl TokenType {
    /// Every type, in the order of the legend (a token's type is its index).
    pub const ALL: [TokenType; 17] = [
        TokenType::Namespace,
        TokenType::Class,
        TokenType::Interface,
        TokenType::Struct,
        TokenType::EnumMember,
        TokenType::Type,
        TokenType::Function,
        TokenType::Method,
        TokenType::Event,
        TokenType::Variable,
        TokenType::Property,
        TokenType::Keyword,
        TokenType::Comment,
        TokenType::String,
        TokenType::Number,
        TokenType::Operator,
        TokenType::Macro,
    ];

    /// The protocol's name of the type.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            TokenType::Namespace => "namespace",
            TokenType::Class => "class",
            TokenType::Interface => "interface",
            TokenType::Struct => "struct",
            TokenType::EnumMember => "enumMember",
            TokenType::Type => "type",
            TokenType::Function => "function",
            TokenType::Method => "method",
            TokenType::Event => "event",
            TokenType::Variable => "variable",
            TokenType::Property => "property",
            TokenType::Keyword => "keyword",
            TokenType::Comment => "comment",
            TokenType::String => "string",
            TokenType::Number => "number",
            TokenType::Operator => "operator",
            TokenType::Macro => "macro",
        }
    }

    /// Its index in the legend.
    #[must_use]
    pub fn index(self) -> u32 {
        // `ALL` lists every variant, so the search always finds it.
        Self::ALL
            .iter()
            .position(|t| *t == self)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(0)
    }
}

/// The modifiers, in the order of the legend (bit `i` of a token's set is
/// modifier `i`).
pub const MODIFIERS: [&str; 2] = ["declaration", "defaultLibrary"];

/// Modifier: the definition of an id.
pub const DECLARATION: u32 = 1;

/// Modifier: a word the language defines (an event, a capture type, a
/// fixed value).
pub const DEFAULT_LIBRARY: u32 = 2;

/// One highlighted piece of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// Where it is (it may span lines: a block string).
    pub span: Span,
    /// What it is.
    pub kind: TokenType,
    /// Its modifiers ([`DECLARATION`], [`DEFAULT_LIBRARY`]).
    pub modifiers: u32,
}

/// The token type of an id of a kind, with its modifiers.
fn of_kind(kind: Kind) -> (TokenType, u32) {
    match kind {
        Kind::Call => (TokenType::Namespace, 0),
        Kind::Caller | Kind::Callee => (TokenType::Class, 0),
        Kind::Concern => (TokenType::Interface, 0),
        Kind::Signal => (TokenType::Event, 0),
        Kind::Event => (TokenType::Event, DEFAULT_LIBRARY),
        Kind::Step => (TokenType::Function, 0),
        Kind::Qa => (TokenType::Method, 0),
        Kind::End => (TokenType::EnumMember, 0),
        Kind::Capture => (TokenType::Variable, 0),
        Kind::Transfer => (TokenType::Struct, 0),
        Kind::Knows | Kind::Background | Kind::Field(_) => (TokenType::Property, 0),
        Kind::Var => (TokenType::Variable, 0),
        Kind::Lint => (TokenType::Macro, 0),
    }
}

fn occurrence(o: &Occurrence) -> Highlight {
    let (kind, modifiers) = of_kind(o.kind());
    Highlight {
        span: o.hit(),
        kind,
        modifiers: modifiers | if o.is_definition() { DECLARATION } else { 0 },
    }
}

/// Every highlighted piece of `source`, in order. `symbols` are those of
/// `source` itself (when it parsed), never of an older version.
#[must_use]
pub fn highlights(source: &str, symbols: Option<&Symbols>) -> Vec<Highlight> {
    let tokens = tokenize(source);
    let occurrences = symbols.map_or(&[][..], Symbols::occurrences);
    // Without symbols, ids are known by the declarations in the text.
    let mut names: HashMap<String, Kind> = HashMap::new();
    if symbols.is_none() {
        for d in declared(source, &tokens) {
            names.entry(d.name).or_insert(d.kind);
        }
    }
    // The words of variable lines (a type, `example`, a value) by their place in the line.
    let reading = vars::read(source, &tokens);
    let mut out = Vec::with_capacity(tokens.len());
    let mut next_occurrence = 0;
    // The last two significant tokens, and whether the cursor is in `one_of(…)`.
    let (mut p0, mut p1): (Option<&Token>, Option<&Token>) = (None, None);
    let mut in_one_of = false;
    let mut push = |span: Span, kind: TokenType, modifiers: u32| out.push(Highlight { span, kind, modifiers });
    for (i, t) in tokens.iter().enumerate() {
        while occurrences
            .get(next_occurrence)
            .is_some_and(|o| o.hit().end <= t.span.start)
        {
            next_occurrence += 1;
        }
        let text = t.text(source);
        let word = |t: Option<&Token>| t.filter(|t| t.kind == TokenKind::Ident).map(|t| t.text(source));
        match t.kind {
            TokenKind::Comment => push(t.span, TokenType::Comment, 0),
            TokenKind::Number => push(t.span, TokenType::Number, 0),
            TokenKind::Arrow => push(t.span, TokenType::Operator, 0),
            TokenKind::String { .. } | TokenKind::Block { .. } => {
                // Placeholders (and a quoted label, which is the whole string) cut the text.
                let mut from = t.span.start;
                while let Some(o) = occurrences.get(next_occurrence).filter(|o| t.span.contains(o.hit())) {
                    for piece in text_pieces(source, Span::new(from, o.hit().start)) {
                        push(piece, TokenType::String, 0);
                    }
                    let h = occurrence(o);
                    push(h.span, h.kind, h.modifiers);
                    from = o.hit().end;
                    next_occurrence += 1;
                }
                for piece in text_pieces(source, Span::new(from, t.span.end)) {
                    push(piece, TokenType::String, 0);
                }
            }
            TokenKind::Ident => {
                if let Some(o) = occurrences.get(next_occurrence).filter(|o| o.span() == t.span) {
                    let h = occurrence(o);
                    push(h.span, h.kind, h.modifiers);
                    next_occurrence += 1;
                } else if let Some((kind, modifiers)) = reading.role(i).and_then(|r| var_word(text, r)) {
                    push(t.span, kind, modifiers);
                } else if let Some((kind, modifiers)) = word_kind(text, word(p0), word(p1), in_one_of) {
                    push(t.span, kind, modifiers);
                } else if let Some(&kind) = names.get(text) {
                    let (kind, modifiers) = of_kind(kind);
                    let declaration = p0.is_some_and(|p| {
                        p.kind == TokenKind::Ident
                            && matches!(
                                p.text(source),
                                "step" | "signal" | "concern" | "when" | "qa" | "capture" | "transfer" | "callee"
                            )
                    });
                    push(t.span, kind, modifiers | if declaration { DECLARATION } else { 0 });
                }
            }
            // The words of `one_of(…)` and the currency of `money(…)`.
            TokenKind::LParen => in_one_of = matches!(word(p0), Some("one_of" | "money")),
            TokenKind::RParen | TokenKind::LBrace | TokenKind::RBrace => in_one_of = false,
            TokenKind::Comma | TokenKind::Other => {}
        }
        if t.kind != TokenKind::Comment {
            (p0, p1) = (Some(t), p0);
        }
    }
    out
}

/// The parts of a string's text between its escapes (`\\n`, `\\u{…}`) and
/// literal braces (`{{`, `}}`), which get no token: the protocol has no
/// standard type for them, and an editor's grammar colours them better than
/// `string` would (VS Code's does).
fn text_pieces(source: &str, span: Span) -> Vec<Span> {
    let bytes = source.as_bytes();
    let end = span.end.min(bytes.len());
    let mut out = Vec::new();
    let (mut from, mut i) = (span.start, span.start);
    while i < end {
        let skip = match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2) == Some(&b'{') => {
                // `\\u{…}` up to its `}` (or what the line holds of it).
                let close = bytes[i..end]
                    .iter()
                    .take(12)
                    .position(|b| *b == b'}' || *b == b'"' || *b == b'\n');
                match close {
                    Some(c) if bytes[i + c] == b'}' => c + 1,
                    _ => 2,
                }
            }
            b'\\' if i + 1 < end => 1 + source[i + 1..].chars().next().map_or(1, char::len_utf8),
            b'{' if bytes.get(i + 1) == Some(&b'{') => 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => 2,
            _ => {
                i += 1;
                continue;
            }
        };
        if from < i {
            out.push(Span::new(from, i));
        }
        i = (i + skip).min(end);
        from = i;
    }
    if from < end {
        out.push(Span::new(from, end));
    }
    out
}

/// What a word of a variable's line is, by its role there (`None`: as elsewhere).
fn var_word(text: &str, role: Role) -> Option<(TokenType, u32)> {
    match role {
        // While the text does not parse (else the checker's table has it).
        Role::Id => Some((TokenType::Variable, DECLARATION)),
        Role::Type => {
            let known = crate::ir::value::TYPES.iter().any(|(w, _)| *w == text);
            Some((TokenType::Type, if known { DEFAULT_LIBRARY } else { 0 }))
        }
        Role::TypeArg | Role::Value => Some((TokenType::EnumMember, 0)),
        Role::Keyword => Some((TokenType::Keyword, 0)),
        Role::Description | Role::LintLevel | Role::LintName | Role::Other => None,
    }
}

/// What a word that is not an id is, from the two words before it.
fn word_kind(text: &str, p0: Option<&str>, p1: Option<&str>, in_one_of: bool) -> Option<(TokenType, u32)> {
    let value = Some((TokenType::EnumMember, DEFAULT_LIBRARY));
    if in_one_of {
        return Some((TokenType::EnumMember, 0));
    }
    if p0 == Some("first_speaker") && lang::SPEAKERS.iter().any(|(w, _)| *w == text) {
        return value;
    }
    if p1 == Some("capture") && p0.is_some() {
        let known = crate::ir::value::TYPES.iter().any(|(w, _)| *w == text);
        return Some((TokenType::Type, if known { DEFAULT_LIBRARY } else { 0 }));
    }
    if p0 == Some("gender") && lang::GENDERS.contains(&text) {
        return value;
    }
    if p1 == Some("concern") && lang::priority(text).is_some() {
        return value;
    }
    // While the text does not parse: events after `on`, lint names.
    if p0 == Some("on") && Event::of(text).is_some() {
        return Some((TokenType::Event, DEFAULT_LIBRARY));
    }
    if p0.and_then(lang::lint_level).is_some() {
        return Some((TokenType::Macro, 0));
    }
    match lang::word(text)?.kind {
        WordKind::Keyword | WordKind::Contextual => Some((TokenType::Keyword, 0)),
        WordKind::Field => Some((TokenType::Property, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::analysis::Analysis;

    const SPEC: &str = r#"call 续约 {
  locale "zh-CN"
  first_speaker callee // 对方先开口😀
  caller 李明 { name "李明" knows { 公司 "泰山" } }
  callee 张强 { name "张强" gender male concern 价格 primary "价格" }
  signal 忙 "张强说忙😀"
  flow {
    on voicemail -> end(挂断)
    on 忙 -> transfer(销售)
    step 问 "确认😀" covers 价格 {
      say "您好{callee.name}，{knows.公司}😀"
      capture 邮箱 email "邮箱"
      capture 套餐 one_of(标准, 高级) optional "套餐"
      retry 2 -> end(挂断)
      allow silent_step
    }
  }
  end {
    when 挂断 "挂断" callee "挂了" requires 邮箱
    transfer 销售 "销售" { say """
      请稍候。
    """ }
    closing "再见"
  }
}
"#;

    /// The highlights as (text, type, modifiers).
    fn pieces(src: &str, parsed: bool) -> Vec<(String, &'static str, u32)> {
        let a = Analysis::new("t.call", src);
        let symbols = if parsed { a.symbols() } else { None };
        highlights(src, symbols)
            .iter()
            .map(|h| (src[h.span.range()].to_owned(), h.kind.name(), h.modifiers))
            .collect()
    }

    fn kind_of<'a>(p: &'a [(String, &'static str, u32)], text: &str, nth: usize) -> (&'a str, u32) {
        let (_, k, m) = p
            .iter()
            .filter(|(t, _, _)| t == text)
            .nth(nth)
            .unwrap_or_else(|| panic!("{text}"));
        (k, *m)
    }

    #[test]
    fn every_construct_gets_its_type() {
        let a = Analysis::new("t.call", SPEC);
        assert!(!a.compiled.has_errors(), "{:?}", a.compiled.diagnostics);
        let p = pieces(SPEC, true);
        for (text, nth, want) in [
            ("续约", 0, ("namespace", DECLARATION)),
            ("callee", 0, ("enumMember", DEFAULT_LIBRARY)),
            ("callee", 1, ("keyword", 0)),
            ("voicemail", 0, ("event", DEFAULT_LIBRARY)),
            ("忙", 0, ("event", DECLARATION)),
            ("忙", 1, ("event", 0)),
            ("transfer", 0, ("keyword", 0)),
            ("销售", 0, ("struct", 0)),
            ("销售", 1, ("struct", DECLARATION)),
            ("问", 0, ("function", DECLARATION)),
            ("价格", 0, ("interface", DECLARATION)),
            ("价格", 1, ("interface", 0)),
            ("邮箱", 0, ("variable", DECLARATION)),
            ("邮箱", 1, ("variable", 0)),
            ("email", 0, ("type", DEFAULT_LIBRARY)),
            ("one_of", 0, ("type", DEFAULT_LIBRARY)),
            ("标准", 0, ("enumMember", 0)),
            ("optional", 0, ("keyword", 0)),
            ("retry", 0, ("keyword", 0)),
            ("2", 0, ("number", 0)),
            ("->", 0, ("operator", 0)),
            ("挂断", 0, ("enumMember", 0)),
            ("挂断", 1, ("enumMember", 0)),
            ("挂断", 2, ("enumMember", DECLARATION)),
            ("silent_step", 0, ("macro", 0)),
            ("male", 0, ("enumMember", DEFAULT_LIBRARY)),
            ("primary", 0, ("enumMember", DEFAULT_LIBRARY)),
            ("first_speaker", 0, ("property", 0)),
            ("{callee.name}", 0, ("property", 0)),
            ("{knows.公司}", 0, ("property", 0)),
            ("公司", 0, ("property", DECLARATION)),
            ("// 对方先开口😀", 0, ("comment", 0)),
        ] {
            assert_eq!(kind_of(&p, text, nth), want, "{text}#{nth}");
        }
        // A string is cut around its placeholders.
        let at = p.iter().position(|(t, _, _)| t == "\"您好").expect("string");
        let cut: Vec<(&str, &str)> = p[at..at + 5].iter().map(|(t, k, _)| (t.as_str(), *k)).collect();
        assert_eq!(
            cut,
            [
                ("\"您好", "string"),
                ("{callee.name}", "property"),
                ("，", "string"),
                ("{knows.公司}", "property"),
                ("😀\"", "string")
            ]
        );
        // In order, never overlapping.
        let h = highlights(SPEC, a.symbols());
        assert!(h.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }

    #[test]
    fn while_the_text_does_not_parse_ids_come_from_its_declarations() {
        let broken = SPEC.replace("flow {", "flow");
        assert!(!Analysis::new("t.call", &broken).parsed());
        let p = pieces(&broken, false);
        for (text, nth, want) in [
            ("voicemail", 0, ("event", DEFAULT_LIBRARY)),
            ("忙", 0, ("event", DECLARATION)),
            ("忙", 1, ("event", 0)),
            ("问", 0, ("function", DECLARATION)),
            ("邮箱", 1, ("variable", 0)),
            ("销售", 0, ("struct", 0)),
            ("silent_step", 0, ("macro", 0)),
            ("email", 0, ("type", DEFAULT_LIBRARY)),
            ("step", 0, ("keyword", 0)),
        ] {
            assert_eq!(kind_of(&p, text, nth), want, "{text}#{nth}");
        }
    }

    #[test]
    fn escapes_and_literal_braces_are_left_to_the_grammar() {
        let src = SPEC.replace("\"再见\"", "\"再\\n见{{😀}}\\u{1F600}尾\\\"\"");
        let a = Analysis::new("t.call", &src);
        assert!(!a.compiled.has_errors(), "{:?}", a.compiled.diagnostics);
        let p = pieces(&src, true);
        let at = p.iter().position(|(t, _, _)| t == "\"再").expect("string");
        let strings: Vec<&str> = p[at..at + 5].iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(strings, ["\"再", "见", "😀", "尾", "\""]);
        assert_eq!(
            text_pieces("\"a\\u{12", Span::new(0, 7)),
            [Span::new(0, 2), Span::new(4, 7)]
        );
    }

    #[test]
    fn the_legend_names_every_type_once() {
        for (i, t) in TokenType::ALL.iter().enumerate() {
            assert_eq!(t.index() as usize, i);
            assert!(TokenType::ALL[..i].iter().all(|u| u.name() != t.name()));
        }
    }

    #[test]
    fn any_text_is_safe() {
        let src = SPEC
            .replace("one_of(标准", "one_of(")
            .replace("\"\"\"\n    \"\"\"", "\"\"\"");
        let _ = highlights(&src, None);
        for cut in (0..src.len()).filter(|&i| src.is_char_boundary(i)).step_by(7) {
            let _ = highlights(&src[..cut], None);
        }
    }

    use crate::lsp::analysis::fixtures::MANY;

    #[test]
    fn variables_their_types_and_words_callees_and_signal_examples() {
        let a = Analysis::new("t.call", MANY);
        assert!(a.compiled.diagnostics.is_empty(), "{:?}", a.compiled.diagnostics);
        let checked = pieces(MANY, true);
        // While the text does not parse, the same colours from the text itself.
        let broken = MANY.replace("flow {", "flow");
        assert!(!Analysis::new("t.call", &broken).parsed());
        let unparsed = pieces(&broken, false);
        for p in [&checked, &unparsed] {
            for (text, nth, want) in [
                ("vars", 0, ("keyword", 0)),
                ("客户", 0, ("variable", DECLARATION)),
                ("text", 0, ("type", DEFAULT_LIBRARY)),
                ("required", 0, ("keyword", 0)),
                ("example", 2, ("keyword", 0)),
                ("\"张强\"", 0, ("string", 0)),
                ("percent", 0, ("type", DEFAULT_LIBRARY)),
                ("default", 0, ("keyword", 0)),
                ("8", 0, ("number", 0)),
                ("money", 0, ("type", DEFAULT_LIBRARY)),
                ("CNY", 0, ("enumMember", 0)),
                ("optional", 0, ("keyword", 0)),
                ("one_of", 0, ("type", DEFAULT_LIBRARY)),
                ("标准", 0, ("enumMember", 0)),
                ("标准", 1, ("enumMember", 0)),
                ("pii", 0, ("keyword", 0)),
                ("extends", 0, ("keyword", 0)),
                ("忙碌", 0, ("class", DECLARATION)),
                ("张强", 1, ("class", 0)),
                ("比价", 0, ("class", DECLARATION)),
                // A signal's `example` is its field.
                ("example", 0, ("property", 0)),
            ] {
                assert_eq!(kind_of(p, text, nth), want, "{text}#{nth}");
            }
        }
        // `{var.NAME}` is the variable, cut out of its string.
        for (text, nth) in [("{var.客户}", 0), ("{var.客户}", 1), ("{var.优惠}", 0)] {
            assert_eq!(kind_of(&checked, text, nth), ("variable", 0), "{text}#{nth}");
        }
        let at = checked.iter().position(|(t, _, _)| t == "\"享").expect("string");
        let cut: Vec<(&str, &str)> = checked[at..at + 3].iter().map(|(t, k, _)| (t.as_str(), *k)).collect();
        assert_eq!(
            cut,
            [("\"享", "string"), ("{var.优惠}", "variable"), ("优惠，", "string")]
        );
        let h = highlights(MANY, a.symbols());
        assert!(h.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }
}
