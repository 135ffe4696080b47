//! How `.call` literals are written: the one place that knows how an id, a
//! label, a one-line string and a `"""` block are spelled. Every rule
//! follows the lexer (`grammar/call.pest`) and the string decoder
//! (`syntax/text.rs`): what is written here reads back as the same value.
//!
//! A parsed string is printed as written (escapes stay escapes), only a
//! block's lines re-indented ([`block_lines`]); a built one (the importer's)
//! is spelled from its value ([`string`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::ast::{Text, TextPart};
use crate::lang;
use crate::syntax::{is_bidi_control, is_invisible};

/// A string as the printer lays it out.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Written<'a> {
    /// A literal on one line, quotes included.
    Line(Cow<'a, str>),
    /// The lines of a `"""` block after the block's indentation, `None` for
    /// blank ones; the printer puts them between a `"""` that ends its line
    /// and a `"""` on a line of its own.
    Block(Vec<Option<String>>),
}

/// Whether `s` can be written as a bare word where an id or a label goes:
/// an identifier as the grammar reads one (`XID_Start` or `_`, then
/// `XID_Continue`) that is not a keyword (a keyword there would start, or
/// could be read as, another statement).
pub(crate) fn is_bare_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| unicode_ident::is_xid_start(c) || c == '_')
        && chars.all(unicode_ident::is_xid_continue)
        && !lang::is_keyword(s)
}

/// A label of `knows` or `background`: a bare word when it can be one, a
/// one-line string otherwise (the grammar takes no `"""` block there).
pub(super) fn label(s: &str) -> Cow<'_, str> {
    if is_bare_word(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(line(&[TextPart::Literal(s.to_owned())]))
    }
}

/// A built string, spelled from its value: a `"""` block when it was built
/// as one and its value [`fits_block`] (a placeholder's never does),
/// otherwise one line.
pub(super) fn string(t: &Text) -> Written<'static> {
    match t.as_literal() {
        Some(value) if t.block && fits_block(value) => Written::Block(block(value)),
        _ => Written::Line(Cow::Owned(line(&t.parts))),
    }
}

/// A parsed string, as written: one line as it is, a block's lines after
/// its indentation ([`block_lines`]).
pub(super) fn as_written(raw: &str) -> Written<'_> {
    match block_lines(raw) {
        Some(lines) => Written::Block(lines.into_iter().map(|l| l.map(str::to_owned)).collect()),
        None => Written::Line(Cow::Borrowed(raw)),
    }
}

/// Whether a value can be written as a `"""` block that reads back as
/// exactly that value: several lines, no `"""` and no CR in it, the first
/// and last lines not blank, no line blank but empty ones, no trailing
/// spaces, and some line not indented (the decoder's trim and dedent
/// would take any of these).
pub(crate) fn fits_block(s: &str) -> bool {
    s.contains('\n')
        && !s.contains("\"\"\"")
        && !s.contains('\r')
        && s.lines().next().is_some_and(|l| !l.trim().is_empty())
        && s.lines().last().is_some_and(|l| !l.trim().is_empty())
        && !s.ends_with('\n')
        && s.lines()
            .all(|l| l.is_empty() || (!l.trim().is_empty() && l.trim_end() == l))
        && s.lines().any(|l| !l.is_empty() && !l.starts_with([' ', '\t']))
}

/// `"…"`: the parts on one line.
fn line(parts: &[TextPart]) -> String {
    let mut out = String::from("\"");
    for part in parts {
        match part {
            TextPart::Literal(s) => {
                for c in s.chars() {
                    escape(&mut out, c, false);
                }
            }
            TextPart::Placeholder(p) => {
                let _ = write!(out, "{{{}}}", p.path);
            }
        }
    }
    out.push('"');
    out
}

/// The lines of a block holding `value` ([`fits_block`]), `None` for empty ones.
fn block(value: &str) -> Vec<Option<String>> {
    let escaped = |line: &str| {
        let mut out = String::new();
        line.chars().for_each(|c| escape(&mut out, c, true));
        out
    };
    value.split('\n').map(|l| (!l.is_empty()).then(|| escaped(l))).collect()
}

/// Appends `c` as a string literal spells it: `\\`, `{{`, `}}`, `\0`,
/// `\u{…}` for every other control character and for the characters
/// W0210 reports (bidi controls, invisible ones), never raw; a tab stays a
/// tab. On one line also `\"`, `\n` and `\r`; in a block a quotation mark
/// is itself.
fn escape(out: &mut String, c: char, in_block: bool) {
    match c {
        '\\' => out.push_str("\\\\"),
        '"' if !in_block => out.push_str("\\\""),
        '{' => out.push_str("{{"),
        '}' => out.push_str("}}"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        '\t' => out.push('\t'),
        c if c.is_control() || is_bidi_control(c) || is_invisible(c) => {
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// The lines of a multi-line `"""` block (raw, quotes included) after its
/// common indentation, `None` for blank ones; `None` for a one-line block or a
/// one-line string, which are printed as written.
///
/// This follows the decoder (`syntax/text.rs`) rule for rule: printing these
/// lines at any indentation, between a `"""` that ends its line and a `"""` on
/// a line of its own, gives the same value.
pub(super) fn block_lines(raw: &str) -> Option<Vec<Option<&str>>> {
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
    use super::*;

    fn literal(s: &str) -> Vec<TextPart> {
        vec![TextPart::Literal(s.to_owned())]
    }

    fn lines(l: &[Option<&str>]) -> Vec<Option<String>> {
        l.iter().map(|l| l.map(str::to_owned)).collect()
    }

    #[test]
    fn values_are_spelled_to_read_back() {
        assert_eq!(line(&literal("a\"b\\c{d}")), "\"a\\\"b\\\\c{{d}}\"");
        assert!(fits_block("一\n  二\n\n三"));
        assert_eq!(
            block("一\n  二\n\n三"),
            lines(&[Some("一"), Some("  二"), None, Some("三")])
        );
        // What the decoder's trim and dedent would take is one line with `\n`.
        for value in [
            "\n开头换行",
            " 一\n  二",
            "他说\"\"\"\n好",
            "尾\n",
            "a  \nb",
            "a\r\nb",
            "单行",
        ] {
            assert!(!fits_block(value), "{value:?}");
        }
        assert_eq!(line(&literal("\n开头换行")), "\"\\n开头换行\"");
        assert_eq!(line(&literal(" 一\n  二")), "\" 一\\n  二\"");
        assert_eq!(line(&literal("a\u{202E}b\u{200B}")), "\"a\\u{202E}b\\u{200B}\"");
        assert_eq!(line(&literal("a\u{7}\tb\r\0")), "\"a\\u{7}\tb\\r\\0\"");
        assert_eq!(line(&literal("他说\"\"\"\n好")), "\"他说\\\"\\\"\\\"\\n好\"");
        // In a block a quotation mark is itself; braces and backslashes are escaped.
        assert_eq!(block("\"{x}\"\n\\"), lines(&[Some("\"{{x}}\""), Some("\\\\")]));
    }

    #[test]
    fn labels_are_bare_only_when_the_lexer_reads_a_word() {
        assert_eq!(label("公司"), "公司");
        assert_eq!(label("_x1"), "_x1");
        assert_eq!(label("Open ticket"), "\"Open ticket\"");
        assert_eq!(label("1st"), "\"1st\"");
        assert_eq!(label("call"), "\"call\"");
        assert_eq!(label("end"), "\"end\"");
        assert_eq!(label(""), "\"\"");
        assert_eq!(label("a\"b"), "\"a\\\"b\"");
        assert!(is_bare_word("开场问候") && !is_bare_word("step") && !is_bare_word("8%"));
    }

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
}
