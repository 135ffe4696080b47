//! The `vars` block read from tokens, so that completion, hover and
//! highlighting know a variable's id, its type and the words of its line
//! while the file is being typed and does not parse.
//!
//! The reader follows the grammar (`var = var_id ~ capture_type ~ (var_need
//! | var_example | var_pii | string)*`), not the lines: a word that is not
//! one of a variable's words after its type starts the next variable, as it
//! does for the parser. Only completion looks at lines (a new line is where
//! a new variable is most likely being typed).
//!
//! Input: the tokens of a text. Output: the [`Role`] of each token directly
//! inside a `vars` block, and the variables declared ([`Decl`]). Linear.

use crate::source::Span;

use super::tokens::{Token, TokenKind};

/// The words a variable's line may hold after its type (grammar/call.pest:
/// `var_need`, `var_example`, `var_pii`); a variable id is never one of them.
pub const PART_WORDS: &[&str] = &["required", "optional", "default", "example", "pii"];

/// The words of a variable's line that say whether a call must give it:
/// a line says at most one of them (E0105).
pub const NEED_WORDS: &[&str] = &["required", "optional", "default"];

/// What a token directly inside a `vars` block is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A variable's id.
    Id,
    /// Its type word (`text`, `money`, `one_of`).
    Type,
    /// The type's parentheses and what they hold (`CNY`, `1..500`, `a, b`).
    TypeArg,
    /// `required`, `optional`, `default`, `example` or `pii`.
    Keyword,
    /// The value after `default` or `example`.
    Value,
    /// A string after the type: what the variable is.
    Description,
    /// `allow`, `warn` or `deny`.
    LintLevel,
    /// The lint a lint attribute names.
    LintName,
    /// Anything else (a stray token).
    Other,
}

/// Where the reader is: what the next token of a `vars` block may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// A new variable's id (or a lint attribute): at the block's start.
    Start,
    /// The type, after an id.
    AfterId,
    /// Right after the type word: its `(`, or the line's other words.
    AfterType,
    /// Inside the type's parentheses.
    InArgs,
    /// The value of `default` or `example`.
    Value,
    /// The lint name of an `allow`/`warn`/`deny`.
    Lint,
    /// A part of the line (`required`, `example V`, a string), or the next variable's id.
    Parts,
}

/// A variable declared in a `vars` block, as its tokens write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    /// The token of its id (an index into the tokens read).
    pub id: usize,
    /// Its type as written, arguments included (`money(CNY)`), if written.
    pub kind: Option<Span>,
    /// The part words written (`required`, `example`, …), with their token indices.
    pub parts: Vec<usize>,
    /// The token of its `example` value, if any.
    pub example: Option<usize>,
    /// The token of its `default` value, if any.
    pub default: Option<usize>,
    /// The token of its description, if any.
    pub description: Option<usize>,
}

/// What the tokens say about their `vars` blocks.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// The role of each token (by index) that is directly inside a `vars`
    /// block (its braces and comments have none).
    pub roles: Vec<Option<Role>>,
    /// The variables, in order.
    pub decls: Vec<Decl>,
    /// The reader's state after the last token, if that is inside a `vars` block.
    pub state: Option<State>,
}

impl Reading {
    /// The role of token `i`.
    #[must_use]
    pub fn role(&self, i: usize) -> Option<Role> {
        self.roles.get(i).copied().flatten()
    }

    /// The variable token `i` belongs to (its id, type or parts).
    #[must_use]
    pub fn decl_of(&self, i: usize) -> Option<&Decl> {
        self.decls.iter().rev().find(|d| d.id <= i)
    }
}

/// Reads the `vars` blocks of `tokens` (of `source`).
#[must_use]
pub fn read(source: &str, tokens: &[Token]) -> Reading {
    let mut out = Reading {
        roles: vec![None; tokens.len()],
        ..Reading::default()
    };
    // For each open brace: whether it opens a `vars` block.
    let mut blocks: Vec<bool> = Vec::new();
    let mut prev: Option<&Token> = None;
    let mut state = State::Start;
    let mut depth_in_args = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Comment {
            continue;
        }
        let in_vars = blocks.last() == Some(&true);
        match t.kind {
            TokenKind::LBrace => {
                let opens_vars = prev.is_some_and(|p| p.kind == TokenKind::Ident && p.text(source) == "vars");
                blocks.push(opens_vars);
                state = State::Start;
            }
            TokenKind::RBrace => {
                blocks.pop();
            }
            _ if in_vars => {
                let (role, next) = step(source, t, state, &mut depth_in_args);
                out.roles[i] = Some(role);
                match role {
                    Role::Id => out.decls.push(Decl {
                        id: i,
                        kind: None,
                        parts: Vec::new(),
                        example: None,
                        default: None,
                        description: None,
                    }),
                    Role::Type | Role::TypeArg => {
                        if let Some(d) = out.decls.last_mut() {
                            d.kind = Some(d.kind.map_or(t.span, |k| k.to(t.span)));
                        }
                    }
                    Role::Keyword => {
                        if let Some(d) = out.decls.last_mut() {
                            d.parts.push(i);
                        }
                    }
                    Role::Value => {
                        if let Some(d) = out.decls.last_mut() {
                            let word = d.parts.last().map_or("", |&k| tokens[k].text(source));
                            if word == "default" {
                                d.default = Some(i);
                            } else {
                                d.example = Some(i);
                            }
                        }
                    }
                    Role::Description => {
                        if let Some(d) = out.decls.last_mut() {
                            d.description.get_or_insert(i);
                        }
                    }
                    Role::LintLevel | Role::LintName | Role::Other => {}
                }
                state = next;
            }
            _ => {}
        }
        prev = Some(t);
    }
    out.state = (blocks.last() == Some(&true)).then_some(state);
    out
}

/// The role of one token in state `state`, and the state after it.
fn step(source: &str, t: &Token, state: State, depth: &mut usize) -> (Role, State) {
    let text = t.text(source);
    match (state, t.kind) {
        (State::InArgs, TokenKind::RParen) => {
            *depth = depth.saturating_sub(1);
            (Role::TypeArg, if *depth == 0 { State::Parts } else { State::InArgs })
        }
        (State::InArgs, TokenKind::LParen) => {
            *depth += 1;
            (Role::TypeArg, State::InArgs)
        }
        // A string or a brace ends arguments left open (the parser would stop there too).
        (State::InArgs, TokenKind::String { .. } | TokenKind::Block { .. }) => {
            *depth = 0;
            (Role::Description, State::Parts)
        }
        (State::InArgs, _) => (Role::TypeArg, State::InArgs),
        (State::AfterType, TokenKind::LParen) => {
            *depth = 1;
            (Role::TypeArg, State::InArgs)
        }
        (State::AfterId, TokenKind::Ident) => (Role::Type, State::AfterType),
        (State::Value, _) => (Role::Value, State::Parts),
        (State::Lint, TokenKind::Ident) => (Role::LintName, State::Parts),
        (_, TokenKind::Ident) if crate::lang::lint_level(text).is_some() => (Role::LintLevel, State::Lint),
        (_, TokenKind::Ident) if text == "default" || text == "example" => (Role::Keyword, State::Value),
        (_, TokenKind::Ident) if PART_WORDS.contains(&text) => (Role::Keyword, State::Parts),
        (_, TokenKind::Ident) => (Role::Id, State::AfterId),
        (State::AfterType | State::Parts, TokenKind::String { .. } | TokenKind::Block { .. }) => {
            (Role::Description, State::Parts)
        }
        _ => (Role::Other, state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::analysis::tokens::tokenize;

    const SRC: &str = r#"call t {
  vars {
    allow unused_var
    客户 text required example "张强" "客户姓名😀" // 注释
    费用 money(CNY) optional pii
    套餐 one_of(标准, 高级) default 标准
    席位 integer(1..500)
    到期日
  }
  flow { step a { say "{var.客户}" } }
}
"#;

    fn roles(src: &str) -> Vec<(&str, Role)> {
        let tokens = tokenize(src);
        let r = read(src, &tokens);
        tokens
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((t.text(src), r.role(i)?)))
            .collect()
    }

    #[test]
    fn each_word_of_a_line_has_its_role() {
        let got = roles(SRC);
        let want = [
            ("allow", Role::LintLevel),
            ("unused_var", Role::LintName),
            ("客户", Role::Id),
            ("text", Role::Type),
            ("required", Role::Keyword),
            ("example", Role::Keyword),
            ("\"张强\"", Role::Value),
            ("\"客户姓名😀\"", Role::Description),
            ("费用", Role::Id),
            ("money", Role::Type),
            ("(", Role::TypeArg),
            ("CNY", Role::TypeArg),
            (")", Role::TypeArg),
            ("optional", Role::Keyword),
            ("pii", Role::Keyword),
            ("套餐", Role::Id),
            ("one_of", Role::Type),
        ];
        assert_eq!(got[..want.len()], want);
        assert!(got.contains(&("default", Role::Keyword)));
        assert!(got.contains(&("标准", Role::Value)));
        assert!(got.contains(&("席位", Role::Id)) && got.contains(&("到期日", Role::Id)));
        // Nothing outside the block.
        assert!(!got.iter().any(|(t, _)| *t == "\"{var.客户}\"" || *t == "step"));
    }

    #[test]
    fn declarations_with_their_type_and_values() {
        let tokens = tokenize(SRC);
        let r = read(SRC, &tokens);
        let decls: Vec<(&str, &str, Option<&str>, Option<&str>)> = r
            .decls
            .iter()
            .map(|d| {
                (
                    tokens[d.id].text(SRC),
                    d.kind.map_or("", |k| &SRC[k.range()]),
                    d.example.map(|e| tokens[e].text(SRC)),
                    d.default.map(|e| tokens[e].text(SRC)),
                )
            })
            .collect();
        assert_eq!(
            decls,
            [
                ("客户", "text", Some("\"张强\""), None),
                ("费用", "money(CNY)", None, None),
                ("套餐", "one_of(标准, 高级)", None, Some("标准")),
                ("席位", "integer(1..500)", None, None),
                ("到期日", "", None, None),
            ]
        );
        assert_eq!(r.state, None, "the text ends outside the block");
    }

    #[test]
    fn the_state_where_the_text_stops() {
        for (text, state) in [
            ("vars {", State::Start),
            ("vars { a", State::AfterId),
            ("vars { a money", State::AfterType),
            ("vars { a money(", State::InArgs),
            ("vars { a money(CNY)", State::Parts),
            ("vars { a money(CNY) example", State::Value),
            ("vars { a text example \"x\"", State::Parts),
            ("vars { allow", State::Lint),
            ("vars { a text\n b", State::AfterId),
        ] {
            assert_eq!(read(text, &tokenize(text)).state, Some(state), "{text}");
        }
    }
}
