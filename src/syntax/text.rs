//! Decoding string literals: escapes, `"""` dedent, and `{placeholder}`
//! scanning, each problem with its own span.
//!
//! Input: the literal exactly as matched by the grammar (quotes included)
//! and its byte offset. Output: an [`ast::Text`] and diagnostics.

use crate::ast::{Placeholder, Text, TextPart, TextParts};
use crate::codes::{Code, Level};
use crate::diagnostic::{Collector, Diagnostic};
use crate::source::Span;

/// Decodes a `"…"` or `"""…"""` literal that starts at byte `base`.
pub fn decode(raw: &str, base: usize, diags: &mut Collector) -> Text {
    let span = Span::new(base, base + raw.len());
    let mut parts = TextParts::new();
    let block = raw.starts_with("\"\"\"") && raw.len() >= 6;
    if block {
        decode_block(&raw[3..raw.len() - 3], base + 3, &mut parts, diags);
    } else {
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        if is_plain(inner) {
            // Most strings hold no escape, brace or control character: one copy.
            if !inner.is_empty() {
                parts.push(TextPart::Literal(inner.to_owned()));
            }
        } else {
            scan(inner, base + 1, &mut parts, diags);
        }
    }
    Text { parts, span, block }
}

/// Whether a string's content needs no decoding at all: no escape, brace,
/// control character or hidden character (W0210).
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    !(has_special_byte(b) || has_hidden_character(b))
}

/// Whether any byte starts an escape or a placeholder or is a control
/// character. Branch-free, so the compiler vectorises it.
#[allow(clippy::needless_bitwise_bool)] // bitwise on purpose: no branches
fn has_special_byte(b: &[u8]) -> bool {
    b.iter().fold(false, |acc, &x| {
        acc | (x == b'\\') | (x == b'{') | (x == b'}') | (x < 0x20) | (x == 0x7F)
    })
}

/// Whether the UTF-8 text `b` holds a bidi control or an invisible character
/// ([`is_bidi_control`], [`is_invisible`]), decided on the encoded bytes:
/// their lead bytes (E2, EF, D8) also start most CJK punctuation (，。“”…),
/// so decoding characters on a lead byte would decode nearly every string.
#[allow(clippy::needless_bitwise_bool)] // bitwise on purpose: no branches, so it vectorises
fn has_hidden_character(b: &[u8]) -> bool {
    let in_range = |x: u8, lo: u8, hi: u8| x.wrapping_sub(lo) <= hi - lo;
    let n = b.len();
    if n < 2 {
        return false;
    }
    // Three equally long slices, so the zip has an exact length and vectorises.
    let (xs, ys, zs) = (&b[..n - 2], &b[1..n - 1], &b[2..]);
    let found = xs.iter().zip(ys).zip(zs).fold(false, |acc, ((&x, &y), &z)| {
        // U+200B, U+200E, U+200F, U+202A–U+202E: E2 80 8B / 8E / 8F / AA–AE.
        let e2_80 = (y == 0x80) & ((z == 0x8B) | (z == 0x8E) | (z == 0x8F) | in_range(z, 0xAA, 0xAE));
        // U+2060–U+2064, U+2066–U+2069: E2 81 A0–A4 / A6–A9.
        let e2_81 = (y == 0x81) & (in_range(z, 0xA0, 0xA4) | in_range(z, 0xA6, 0xA9));
        acc | ((x == 0xE2) & (e2_80 | e2_81))
            // U+FEFF: EF BB BF.
            | ((x == 0xEF) & (y == 0xBB) & (z == 0xBF))
            // U+061C: D8 9C.
            | ((x == 0xD8) & (y == 0x9C))
    });
    // U+061C is two bytes: the last two are not the start of a triple.
    found || b.ends_with(&[0xD8, 0x9C])
}

/// Splits a block body into lines, drops the first and last line breaks,
/// removes the common indentation and scans each line.
fn decode_block(body: &str, base: usize, parts: &mut TextParts, diags: &mut Collector) {
    // Lines with their byte offsets inside `body`, without their line breaks.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (i, b) in body.bytes().enumerate() {
        if b == b'\n' {
            let line = &body[start..i];
            lines.push((start, line.strip_suffix('\r').unwrap_or(line)));
            start = i + 1;
        }
    }
    lines.push((start, &body[start..]));
    // The opening `"""` is followed by a line break: drop the empty first line.
    if lines.len() > 1 && is_blank(lines[0].1) {
        lines.remove(0);
    }
    // The closing `"""` stands on its own line: drop that line's indentation.
    if lines.len() > 1 && lines.last().is_some_and(|l| is_blank(l.1)) {
        lines.pop();
    }
    let indent = common_indent(lines.iter().map(|l| l.1));
    for (n, (offset, line)) in lines.iter().enumerate() {
        if n > 0 {
            push_literal(parts, "\n");
        }
        if is_blank(line) {
            continue;
        }
        let cut = indent.min(line.len());
        let rest = &line[cut..];
        if is_plain(rest) {
            push_literal(parts, rest);
        } else {
            scan(rest, base + offset + cut, parts, diags);
        }
    }
}

/// Whether a line of a block holds only spaces and tabs (the only
/// whitespace the rules remove: a line holding a full-width space or U+2028
/// is text).
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t')
}

/// The longest run of leading spaces and tabs shared by every non-blank line.
fn common_indent<'a>(lines: impl Iterator<Item = &'a str>) -> usize {
    let mut common: Option<&str> = None;
    for line in lines.filter(|l| !is_blank(l)) {
        let ws = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        common = Some(match common {
            None => ws,
            Some(c) => {
                let n = c.bytes().zip(ws.bytes()).take_while(|(a, b)| a == b).count();
                &c[..n]
            }
        });
    }
    common.map_or(0, str::len)
}

fn push_literal(parts: &mut TextParts, s: &str) {
    if let Some(TextPart::Literal(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(TextPart::Literal(s.to_owned()));
    }
}

/// Scans one line of string content starting at byte `base`.
fn scan(s: &str, base: usize, parts: &mut TextParts, diags: &mut Collector) {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut run = 0; // start of the pending literal run
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                push_literal(parts, &s[run..i]);
                i = escape(s, i, base, parts, diags);
                run = i;
            }
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                push_literal(parts, &s[run..=i]);
                i += 2;
                run = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                push_literal(parts, &s[run..=i]);
                i += 2;
                run = i;
            }
            b'{' => {
                push_literal(parts, &s[run..i]);
                let close = s[i + 1..].find(['}', '{', '"']).map(|j| i + 1 + j);
                match close {
                    Some(j) if bytes[j] == b'}' => {
                        parts.push(TextPart::Placeholder(Placeholder {
                            path: s[i + 1..j].to_owned(),
                            span: Span::new(base + i, base + j + 1),
                        }));
                        i = j + 1;
                    }
                    _ => {
                        diags.push(
                            Diagnostic::new(
                                Code::E0103,
                                Span::new(base + i, base + i + 1),
                                "this `{` is never closed",
                            )
                            .label("placeholder starts here")
                            .help("write `{{` for a literal brace, or close the placeholder with `}`")
                            .fix(Span::new(base + i, base + i + 1), "{{"),
                        );
                        push_literal(parts, "{");
                        i += 1;
                    }
                }
                run = i;
            }
            b'}' => {
                push_literal(parts, &s[run..i]);
                diags.push(
                    Diagnostic::new(
                        Code::E0103,
                        Span::new(base + i, base + i + 1),
                        "unmatched `}` in a string",
                    )
                    .label("no placeholder is open here")
                    .help("write `}}` for a literal brace")
                    .fix(Span::new(base + i, base + i + 1), "}}"),
                );
                push_literal(parts, "}");
                i += 1;
                run = i;
            }
            b if (b < 0x20 && b != b'\t') || b == 0x7F => {
                // A raw control character is invisible in an editor and cut
                // short by C-based runtimes: ask for the escape instead.
                let escape = match b {
                    0 => String::from("\\0"),
                    b'\r' => String::from("\\r"),
                    _ => format!("\\u{{{b:X}}}"),
                };
                diags.push(
                    Diagnostic::new(
                        Code::E0001,
                        Span::new(base + i, base + i + 1),
                        format!("a raw control character (U+{b:04X}) in a string"),
                    )
                    .label("invisible character")
                    .help(format!("write it as `{escape}` if it is meant, or delete it"))
                    .fix(Span::new(base + i, base + i + 1), escape),
                );
                i += 1;
            }
            0xD8 | 0xE2 | 0xEF => {
                let c = s[i..].chars().next().unwrap_or_default();
                if let Some(d) = hidden_character(c, base + i, true) {
                    diags.push(d);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    push_literal(parts, &s[run..]);
    if matches!(parts.last(), Some(TextPart::Literal(l)) if l.is_empty()) {
        parts.pop();
    }
}

/// W0210 `invisible_character` for the comment `text` that starts at byte `base`.
pub fn comment(text: &str, base: usize, diags: &mut Collector) {
    for (i, c) in text.char_indices() {
        if let Some(d) = hidden_character(c, base + i, false) {
            diags.push(d);
        }
    }
}

/// Whether `c` reorders the text around it when displayed (the bidi
/// embeddings, overrides and isolates of "Trojan Source", CVE-2021-42574).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is invisible and does nothing in spoken text: zero-width
/// space, direction marks, word joiner and invisible operators, a byte-order
/// mark. (Zero-width joiners and non-joiners are left alone: emoji
/// sequences and several scripts need them.)
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// W0210 for a character `c` written raw at byte `at` of a string (or of a
/// comment), if it is a bidi control (deny by default) or invisible (warn).
fn hidden_character(c: char, at: usize, in_string: bool) -> Option<Diagnostic> {
    let bidi = is_bidi_control(c);
    if !bidi && !is_invisible(c) {
        return None;
    }
    let span = Span::new(at, at + c.len_utf8());
    let code = format!("U+{:04X}", u32::from(c));
    let escape = format!("\\u{{{:X}}}", u32::from(c));
    let mut d = if bidi {
        Diagnostic::new(
            Code::W0210,
            span,
            format!("a bidirectional control character ({code}) is written raw in a {}", if in_string { "string" } else { "comment" }),
        )
        .label("this invisible character changes how the text around it is displayed")
        .note("editors and code review show the text reordered, so what you read is not what the agent says (\"Trojan Source\")")
        .level(Level::Deny)
    } else {
        Diagnostic::new(
            Code::W0210,
            span,
            format!(
                "an invisible character ({code}) is written raw in a {}",
                if in_string { "string" } else { "comment" }
            ),
        )
        .label("invisible character")
        .note("it cannot be seen in an editor, and breaks matching of the text it is in")
    };
    d = if in_string {
        d.help(format!("write it as `{escape}` if it is meant, or delete it"))
            .fix(span, escape)
    } else {
        d.help("delete it").fix(span, "")
    };
    Some(d)
}

/// Decodes the escape at `s[i]` (a backslash); returns the index after it.
fn escape(s: &str, i: usize, base: usize, parts: &mut TextParts, diags: &mut Collector) -> usize {
    let rest = &s[i + 1..];
    let Some(c) = rest.chars().next() else {
        diags.push(
            Diagnostic::new(
                Code::E0001,
                Span::new(base + i, base + i + 1),
                "a backslash ends the line",
            )
            .label("escape what?")
            .help("write `\\\\` for a backslash"),
        );
        return i + 1;
    };
    let simple = match c {
        '"' => Some('"'),
        '\\' => Some('\\'),
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        _ => None,
    };
    if let Some(ch) = simple {
        push_literal(parts, ch.encode_utf8(&mut [0; 4]));
        return i + 2;
    }
    if c == 'u' {
        let end = rest.find('}').filter(|_| rest[1..].starts_with('{'));
        if let Some(end) = end {
            let hex = &rest[2..end];
            let span = Span::new(base + i, base + i + 1 + end + 1);
            let ch = ((1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(hex, 16).ok())
                .flatten()
                .and_then(char::from_u32);
            if let Some(ch) = ch {
                push_literal(parts, ch.encode_utf8(&mut [0; 4]));
            } else {
                diags.push(
                    Diagnostic::new(Code::E0001, span, format!("invalid Unicode escape `\\u{{{hex}}}`"))
                        .label("not a Unicode scalar value")
                        .help("write 1 to 6 hexadecimal digits naming a character, such as `\\u{1F600}`"),
                );
            }
            return i + 1 + end + 1;
        }
        diags.push(
            Diagnostic::new(
                Code::E0001,
                Span::new(base + i, base + i + 2),
                "incomplete Unicode escape",
            )
            .label("expected `\\u{…}`")
            .help("write the character's code in braces, such as `\\u{1F600}`"),
        );
        return i + 2;
    }
    let len = c.len_utf8();
    let shown: String = c.escape_debug().collect();
    diags.push(
        Diagnostic::new(
            Code::E0001,
            Span::new(base + i, base + i + 1 + len),
            format!("unknown escape `\\{shown}`"),
        )
        .label("unknown escape")
        .note("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\0` and `\\u{…}`")
        .help("write `\\\\` for a literal backslash")
        .fix(Span::new(base + i, base + i + 1), "\\\\"),
    );
    i + 1 + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(raw: &str) -> (Text, Vec<Diagnostic>) {
        let mut d = Collector::default();
        let t = decode(raw, 10, &mut d);
        (t, d.full)
    }

    #[test]
    fn hidden_characters_are_found_on_bytes_exactly_as_on_characters() {
        // Every scalar value, alone, between CJK punctuation (whose lead
        // bytes are the same), and at the very end.
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let want = is_bidi_control(c) || is_invisible(c);
            for s in [format!("{c}"), format!("，{c}“"), format!("ab{c}"), format!("{c}。")] {
                assert_eq!(
                    has_hidden_character(s.as_bytes()),
                    want,
                    "U+{:04X} in {s:?}",
                    u32::from(c)
                );
            }
        }
        assert!(!has_hidden_character(b""));
    }

    #[test]
    fn escapes_and_braces() {
        let (t, d) = lit(r#""a\"b\\c\n\u{1F600}{{x}}""#);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.as_literal(), Some("a\"b\\c\n😀{x}"));
    }

    #[test]
    fn unicode_escapes_take_hex_digits_only() {
        let (t, d) = lit(r#""\u{41}\u{1f600}""#);
        assert!(d.is_empty());
        assert_eq!(t.as_literal(), Some("A😀"));
        for bad in [
            r#""\u{+41}""#,
            r#""\u{}""#,
            r#""\u{D800}""#,
            r#""\u{110000}""#,
            r#""\u{1234567}""#,
        ] {
            let (_, d) = lit(bad);
            assert_eq!(d.len(), 1, "{bad}");
            assert_eq!(d[0].code, Code::E0001, "{bad}");
        }
    }

    #[test]
    fn placeholder_has_its_span() {
        let (t, d) = lit(r#""您好{callee.name}！""#);
        assert!(d.is_empty());
        let TextPart::Placeholder(p) = &t.parts[1] else {
            panic!("{t:?}")
        };
        assert_eq!(p.path, "callee.name");
        // base 10, quote 1, 您好 6 bytes.
        assert_eq!(p.span, Span::new(17, 30));
    }

    #[test]
    fn unclosed_and_lone_braces_are_reported() {
        let (_, d) = lit(r#""a{b c} d}""#);
        assert_eq!(d.len(), 1, "{d:?}");
        let (_, d) = lit(r#""a{b""#);
        assert_eq!(d[0].code, Code::E0103);
        assert_eq!(d[0].span, Span::new(12, 13));
    }

    #[test]
    fn unknown_escape_is_a_syntax_error() {
        let (_, d) = lit(r#""价\q""#);
        assert_eq!(d[0].code, Code::E0001);
        assert_eq!(d[0].span, Span::new(14, 16));
    }

    #[test]
    fn block_dedents_and_normalises_crlf() {
        let raw = "\"\"\"\r\n    第一行\r\n      二\r\n\r\n    三\r\n    \"\"\"";
        let (t, d) = lit(raw);
        assert!(d.is_empty());
        assert_eq!(t.as_literal(), Some("第一行\n  二\n\n三"));
    }

    #[test]
    fn raw_control_characters_are_errors_tabs_are_not() {
        let (t, d) = lit("\"a\tb\"");
        assert!(d.is_empty());
        assert_eq!(t.as_literal(), Some("a\tb"));
        let (_, d) = lit("\"a\0b\u{7}\"");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].span, Span::new(12, 13));
        assert_eq!(d[0].fix.as_ref().map(|f| f.replacement.as_str()), Some("\\0"));
    }

    #[test]
    fn block_on_one_line() {
        let (t, _) = lit("\"\"\"  x \"\"\"");
        assert_eq!(t.as_literal(), Some("x "));
    }
}
