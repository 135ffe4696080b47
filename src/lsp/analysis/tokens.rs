//! A forgiving tokenizer for editor features that must work while the file
//! is being typed (and so usually does not parse): completion contexts,
//! "what is under the cursor" for refusals, and the ids declared so far.
//!
//! Input: any text. Output: tokens with byte spans. It never fails; an
//! unterminated string runs to the end of its line (or, for `"""`, of the
//! file), exactly where the parser would complain. Linear in the text.

use crate::source::Span;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier or keyword (Unicode XID, or starting with `_`).
    Ident,
    /// A one-line `"…"` string; `closed` is false when the line ended first.
    String {
        /// Whether the closing quote is there.
        closed: bool,
    },
    /// A `"""` block string.
    Block {
        /// Whether the closing `"""` is there.
        closed: bool,
    },
    /// ASCII digits.
    Number,
    /// A `//` comment, to the end of the line.
    Comment,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `->`
    Arrow,
    /// Any other character (full-width punctuation, a stray `-`, …).
    Other,
}

/// A token and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

impl Token {
    /// The token's text.
    #[must_use]
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.span.range()).unwrap_or("")
    }

    /// Whether this is a string of either form.
    #[must_use]
    pub const fn is_string(&self) -> bool {
        matches!(self.kind, TokenKind::String { .. } | TokenKind::Block { .. })
    }
}

/// Whether `c` may start an identifier.
#[must_use]
pub fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

/// Whether `c` may continue an identifier.
#[must_use]
pub fn is_ident_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Whether `s` is one identifier as the grammar reads it.
#[must_use]
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue)
}

/// Splits `source` into tokens (whitespace dropped, comments kept).
#[must_use]
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i);
                TokenKind::Comment
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                let (end, closed) = block_end(bytes, i + 3);
                i = end;
                TokenKind::Block { closed }
            }
            b'"' => {
                let (end, closed) = string_end(bytes, i + 1);
                i = end;
                TokenKind::String { closed }
            }
            b'{' => single(&mut i, TokenKind::LBrace),
            b'}' => single(&mut i, TokenKind::RBrace),
            b'(' => single(&mut i, TokenKind::LParen),
            b')' => single(&mut i, TokenKind::RParen),
            b',' => single(&mut i, TokenKind::Comma),
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                TokenKind::Arrow
            }
            b'0'..=b'9' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                TokenKind::Number
            }
            _ => {
                let c = source[i..].chars().next().unwrap_or('\u{FFFD}');
                if is_ident_start(c) {
                    i += c.len_utf8();
                    for c in source[i..].chars() {
                        if !is_ident_continue(c) {
                            break;
                        }
                        i += c.len_utf8();
                    }
                    TokenKind::Ident
                } else {
                    i += c.len_utf8().max(1);
                    TokenKind::Other
                }
            }
        };
        out.push(Token {
            kind,
            span: Span::new(start, i),
        });
    }
    out
}

fn single(i: &mut usize, kind: TokenKind) -> TokenKind {
    *i += 1;
    kind
}

/// The index of the line break (or the end) at or after `i`.
fn line_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
        i += 1;
    }
    i
}

/// The end of a one-line string whose content starts at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return (i + 1, true),
            b'\n' | b'\r' => return (i, false),
            // An escape takes the next byte whatever it is (but not a line break).
            b'\\' if bytes.get(i + 1).is_some_and(|b| *b != b'\n' && *b != b'\r') => i += 2,
            _ => i += 1,
        }
    }
    (i.min(bytes.len()), false)
}

/// The end of a block string whose content starts at `i`.
fn block_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\"\"\"") {
            return (i + 3, true);
        }
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (bytes.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokenKind, &str)> {
        tokenize(s).iter().map(|t| (t.kind, t.text(s))).collect()
    }

    #[test]
    fn words_strings_and_punctuation() {
        let src = "step 开场 \"您好😀\" covers a, b { -> end(x) } // 注释 \"";
        assert_eq!(
            kinds(src),
            vec![
                (TokenKind::Ident, "step"),
                (TokenKind::Ident, "开场"),
                (TokenKind::String { closed: true }, "\"您好😀\""),
                (TokenKind::Ident, "covers"),
                (TokenKind::Ident, "a"),
                (TokenKind::Comma, ","),
                (TokenKind::Ident, "b"),
                (TokenKind::LBrace, "{"),
                (TokenKind::Arrow, "->"),
                (TokenKind::Ident, "end"),
                (TokenKind::LParen, "("),
                (TokenKind::Ident, "x"),
                (TokenKind::RParen, ")"),
                (TokenKind::RBrace, "}"),
                (TokenKind::Comment, "// 注释 \""),
            ]
        );
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_end() {
        let src = "say \"没有结束\r\nnext b";
        let k = kinds(src);
        assert_eq!(k[1], (TokenKind::String { closed: false }, "\"没有结束"));
        assert_eq!(k[2], (TokenKind::Ident, "next"));
    }

    #[test]
    fn escapes_and_blocks() {
        let src = "say \"a\\\"b\" persona \"\"\"\n  x \"y\"\n  \"\"\" age 35 note \"\"\"open";
        let k = kinds(src);
        assert_eq!(k[1].0, TokenKind::String { closed: true });
        assert_eq!(k[1].1, "\"a\\\"b\"");
        assert_eq!(k[3].0, TokenKind::Block { closed: true });
        assert_eq!(k[5], (TokenKind::Number, "35"));
        assert_eq!(k[7].0, TokenKind::Block { closed: false });
    }

    #[test]
    fn full_width_punctuation_is_one_other_token() {
        assert_eq!(
            kinds("a｛b"),
            vec![
                (TokenKind::Ident, "a"),
                (TokenKind::Other, "｛"),
                (TokenKind::Ident, "b")
            ]
        );
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("开场_2"));
        assert!(is_identifier("_x"));
        assert!(!is_identifier("2nd"));
        assert!(!is_identifier("报价😀"));
        assert!(!is_identifier("send-terms"));
        assert!(!is_identifier(""));
    }
}
