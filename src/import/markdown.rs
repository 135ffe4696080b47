//! Reading Markdown: lines (LF or CRLF, a byte-order mark skipped), ATX
//! headings, list markers (bullets and the many ways of numbering) and the
//! items of a section body (list items and paragraphs, with their
//! continuation lines).

use crate::source::Span;

/// One line of the Markdown, without its line break, and where it starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line<'a> {
    pub(super) start: usize,
    pub(super) text: &'a str,
}

impl<'a> Line<'a> {
    pub(super) fn span(self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }

    /// The line without surrounding whitespace (full-width spaces included).
    pub(super) fn trim(self) -> Line<'a> {
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

    pub(super) fn is_blank(self) -> bool {
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
pub(super) fn split_lines(md: &str) -> Vec<Line<'_>> {
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
pub(super) fn heading(line: Line<'_>) -> Option<(usize, Line<'_>)> {
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

/// How an item starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    /// A paragraph (no marker).
    Paragraph,
    /// `-`, `*`, `+`, `•`.
    Bullet,
    /// `1.`, `1、`, `1)`, `（1）`, `第1步`, `Step 1:`, `一、`: the number written.
    Number(u32),
}

/// A number in ASCII digits or Chinese numerals (up to 99): value, bytes.
/// The digits are read whole; a number too large for a `u32` is none.
pub(super) fn numeral(s: &str) -> Option<(u32, usize)> {
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
pub(super) fn marker(t: &str) -> Option<(Marker, usize)> {
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
pub(super) struct Piece<'a> {
    pub(super) text: &'a str,
    pub(super) span: Span,
}

/// A list item or a paragraph.
#[derive(Debug)]
pub(super) struct Item<'a> {
    pub(super) marker: Marker,
    indent: usize,
    pub(super) span: Span,
    pub(super) pieces: Vec<Piece<'a>>,
}

/// The items of a section body: a marker starts an item; indented lines
/// continue it (nested markers included); an unindented line right after
/// an item continues it too (a lazy line), unless it is a label line;
/// after a blank line it starts a paragraph.
pub(super) fn items<'a>(body: &[Line<'a>]) -> Vec<Item<'a>> {
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

pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
