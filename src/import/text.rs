//! Quotation marks, escapes and labels: spoken lines in `“…”` (also over
//! several lines), `CommonMark` escapes undone, `问：` / `Q:` labels and
//! `label：value` entries; and which line starts would read as structure
//! (for the `markdown` target's escaping).

use crate::source::Span;

use super::markdown::{Piece, marker};

pub(super) const OPENERS: [char; 5] = ['“', '"', '「', '『', '＂'];
pub(super) const CLOSERS: [char; 5] = ['”', '"', '」', '』', '＂'];

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
pub(super) fn unquote(s: &str) -> Option<&str> {
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
pub(super) fn join(pieces: &[Piece<'_>]) -> String {
    let lines: Vec<&str> = pieces.iter().map(|p| p.text).collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// A text of a step or an example: a spoken line (quoted, possibly over
/// several lines) or one unquoted line.
#[derive(Debug)]
pub(super) struct Run {
    pub(super) text: String,
    pub(super) quoted: bool,
    pub(super) span: Span,
}

/// The pieces as runs: a piece that opens a quotation takes the following
/// pieces until the quotation closes at the end of a line.
pub(super) fn runs(pieces: &[Piece<'_>]) -> Vec<Run> {
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
pub(super) fn after_label<'a>(text: &'a str, labels: &[&str]) -> Option<&'a str> {
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
pub(super) fn split_entry(text: &str) -> Option<(String, &str)> {
    let i = text.find([':', '：'])?;
    let colon = text[i..].chars().next().map_or(1, char::len_utf8);
    let label = text[..i].replace("**", "").replace("__", "");
    let label = label.trim();
    let value = text[i + colon..].trim_start_matches(['*', '_']).trim();
    (!label.is_empty()).then(|| (label.to_owned(), value))
}

/// Undoes exactly what `CommonMark` (and so the `markdown` target's
/// [`crate::emit::markdown::text`]) escapes: a backslash before ASCII
/// punctuation, and numeric character references (`&#38;`, `&#x202E;`; a
/// reference to no character stays as written). Named entities (`&amp;`)
/// are left as written: the target never writes them.
pub(super) fn decode(s: &str) -> String {
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
        "转接",
        "transfers",
        "transfer",
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

/// A label line of the style section: which list it opens, and any example
/// written after it on the same line.
pub(super) fn style_label(text: &str) -> Option<(bool, &str)> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
