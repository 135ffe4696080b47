//! The output lines: what the printer collects, how runs of one-line items
//! of one kind align their columns (by display width: CJK and emoji count
//! two), and how the lines become text.

use unicode_width::UnicodeWidthStr;

use super::BOM;

/// Which one-line items align their columns with their neighbours of the same kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Align {
    /// `name "…"`: values line up.
    Field,
    /// `signal ID "…"`: descriptions line up.
    Signal,
    /// `concern ID PRIORITY "…"`: priorities and texts line up.
    Concern,
    /// `LABEL "…"` in `knows` and `background`: values line up.
    Entry,
    /// `on SIGNAL -> TARGET`: arrows line up.
    Branch,
    /// `when ID "…"`: wordings line up.
    When,
    /// `ID TYPE …` in `vars`: types and what follows line up.
    Var,
}

/// One output line, before alignment.
#[derive(Debug)]
pub(super) enum Line {
    /// An empty line.
    Blank,
    /// A comment on a line of its own.
    Comment { indent: usize, text: String },
    /// Tokens, separated by one space (or padded, when aligned), and maybe a trailing comment.
    Code {
        indent: usize,
        cells: Vec<String>,
        trailing: Option<String>,
        /// `None` for lines that never align (and for items printed on several lines).
        align: Option<Align>,
    },
    /// A line inside a `"""` block: its text after the block's indentation, `None` when blank.
    Content { indent: usize, text: Option<String> },
}

/// The text: runs of aligned lines padded, one final line break. A parsed
/// tree's `src` gives the line ending (that of its first line break) and
/// keeps its byte-order mark; a built tree (`None`) gets LF and no mark.
pub(super) fn render(lines: &[Line], src: Option<&str>) -> String {
    let src = src.unwrap_or_default();
    let nl = match src.find('\n') {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    if src.starts_with(BOM) {
        out.push(BOM);
    }
    let lines = match lines.iter().rposition(|l| !matches!(l, Line::Blank)) {
        Some(last) => &lines[..=last],
        None => &[],
    };
    let mut widths = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let run = alignment(&lines[i]).map_or(1, |key| {
            1 + lines[i + 1..].iter().take_while(|l| alignment(l) == Some(key)).count()
        });
        widths.clear();
        if run > 1 {
            // A variable's line lines up its id and type; what follows
            // differs from line to line (`required example "…"`, `default 8`).
            let columns = match alignment(&lines[i]) {
                Some((_, Align::Var)) => 2,
                _ => usize::MAX,
            };
            for line in &lines[i..i + run] {
                if let Line::Code { cells, .. } = line {
                    // The last cell is never padded, so it does not count.
                    for (c, cell) in cells
                        .iter()
                        .enumerate()
                        .take(cells.len().saturating_sub(1).min(columns))
                    {
                        if widths.len() <= c {
                            widths.push(0);
                        }
                        widths[c] = widths[c].max(cell.width());
                    }
                }
            }
        }
        for line in &lines[i..i + run] {
            render_line(&mut out, line, &widths);
            out.push_str(nl);
        }
        i += run;
    }
    out
}

/// What a line aligns with: lines of the same kind at the same indentation, one after the other.
fn alignment(line: &Line) -> Option<(usize, Align)> {
    match line {
        Line::Code {
            indent, align: Some(a), ..
        } => Some((*indent, *a)),
        _ => None,
    }
}

fn render_line(out: &mut String, line: &Line, widths: &[usize]) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match line {
        Line::Blank => {}
        Line::Comment { indent, text } => {
            pad(out, *indent);
            out.push_str(text);
        }
        Line::Content { indent, text } => {
            if let Some(text) = text {
                pad(out, *indent);
                out.push_str(text);
            }
        }
        Line::Code {
            indent,
            cells,
            trailing,
            ..
        } => {
            pad(out, *indent);
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    let before = &cells[c - 1];
                    let width = widths.get(c - 1).copied().unwrap_or(0);
                    pad(out, width.saturating_sub(before.width()) + 1);
                }
                out.push_str(cell);
            }
            if let Some(comment) = trailing {
                if !cells.is_empty() {
                    out.push(' ');
                }
                out.push_str(comment);
            }
        }
    }
}
