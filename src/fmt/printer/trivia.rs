//! Tokens, comments and lines. In a parsed tree each token the printer
//! prints is found in the source, skipping whitespace and comments; every
//! comment met on the way is printed where it sits between two tokens: at
//! the end of the line of the token before it (a trailing comment) or on a
//! line of its own. Blank lines of the source are kept, at most one in a row.
//! A built tree has no source: its statements and blocks are where their
//! spans say, and its comments and blank lines between them, as it says.

use crate::source::Span;

use super::{Origin, Printer, Stmt};
use crate::fmt::lines::{Align, Line};
use crate::fmt::{BOM, INDENT};

/// A comment as printed: without trailing spaces or tabs.
pub(in crate::fmt) fn trim_comment(text: &str) -> &str {
    text.trim_end_matches([' ', '\t'])
}

impl Printer<'_> {
    /// Starts an item (a statement or a block) on a line of its own, after
    /// the comments and the blank line (if any) that come before it.
    /// `at` is the item's span (where a built tree says it is).
    pub(super) fn item(&mut self, indent: usize, align: Option<Align>, at: Span) {
        self.stmt = None;
        let pos = self.next_token(Some(at.start));
        self.flush(pos, indent, false);
        if std::mem::take(&mut self.force_blank) || self.blank_between(self.last_end, pos) {
            self.blank();
        }
        self.cursor = pos;
        self.push(Line::Code {
            indent,
            cells: Vec::new(),
            trailing: None,
            align,
        });
        self.stmt = Some(Stmt {
            first: self.lines.len() - 1,
            indent,
            broken: false,
        });
    }

    /// The next token, separated by a space.
    pub(super) fn tok(&mut self, text: &str) {
        self.token(text, false);
    }

    /// The next token, with no space before it.
    pub(super) fn glued(&mut self, text: &str) {
        self.token(text, true);
    }

    fn token(&mut self, text: &str, glue: bool) {
        let pos = self.next_token(None);
        let Some(indent) = self.stmt.as_ref().map(|s| s.indent + INDENT) else {
            self.ok = false;
            return;
        };
        if self.flush(pos, indent, true)
            && let Some(s) = &mut self.stmt
        {
            s.broken = true;
        }
        self.put(pos, text, glue);
    }

    /// Punctuation: printed right after the token before it, even when a
    /// comment comes between them in the source (the comment follows it).
    pub(super) fn punct(&mut self, text: &str, glue: bool) {
        let pos = self.next_token(None);
        self.put(pos, text, glue);
    }

    /// Forces the next token onto a continuation line.
    pub(super) fn break_line(&mut self) {
        if let Some(s) = &mut self.stmt {
            s.broken = true;
        }
    }

    /// Appends a token found at `pos` to the current line.
    fn put(&mut self, pos: usize, text: &str, glue: bool) {
        if !self.found(pos, text) {
            self.ok = false;
            return;
        }
        let mut glue = glue;
        if let Some(s) = &mut self.stmt
            && std::mem::take(&mut s.broken)
        {
            let indent = s.indent + INDENT;
            self.unalign();
            self.push(Line::Code {
                indent,
                cells: Vec::new(),
                trailing: None,
                align: None,
            });
            glue = false;
        }
        match self.lines.last_mut() {
            Some(Line::Code {
                cells, trailing: None, ..
            }) => match cells.last_mut() {
                Some(last) if glue => last.push_str(text),
                _ => cells.push(text.to_owned()),
            },
            _ => self.ok = false,
        }
        // The tokens of a built statement all stand at its position.
        if let Origin::Parsed(_) = self.origin {
            self.cursor = pos + text.len();
        }
        self.last_end = self.cursor;
    }

    /// The current statement spans several lines: it never aligns with its neighbours.
    pub(super) fn unalign(&mut self) {
        if let Some(first) = self.stmt.as_ref().map(|s| s.first)
            && let Some(Line::Code { align, .. }) = self.lines.get_mut(first)
        {
            *align = None;
        }
    }

    /// `{`: the items that follow are inside the block.
    pub(super) fn open(&mut self) {
        self.punct("{", false);
        self.stmt = None;
        self.openers.push(self.lines.len() - 1);
        self.fresh = true;
    }

    /// `}` on a line of its own at `indent`, after the comments that end the
    /// block; `{}` when the block is empty. `block` is the block's span.
    pub(super) fn close(&mut self, indent: usize, block: Span) {
        self.stmt = None;
        self.force_blank = false;
        let pos = self.next_token(Some(block.end.saturating_sub(1)));
        self.flush(pos, indent + INDENT, false);
        if !self.found(pos, "}") {
            self.ok = false;
            return;
        }
        let opener = self.openers.pop();
        let empty = opener.is_some_and(|o| o + 1 == self.lines.len());
        match self.lines.last_mut() {
            Some(Line::Code {
                cells, trailing: None, ..
            }) if empty => {
                if let Some(last) = cells.last_mut() {
                    last.push('}');
                }
            }
            _ => self.push(Line::Code {
                indent,
                cells: vec!["}".to_owned()],
                trailing: None,
                align: None,
            }),
        }
        self.fresh = false;
        self.cursor = pos + 1;
        self.last_end = self.cursor;
    }

    /// Prints the comments that start before `until`. A comment that follows a
    /// token on its source line ends the current line; the others get lines of
    /// their own at `indent`. Inside a statement (`mid`) no blank line is kept.
    /// Returns whether there was any.
    pub(super) fn flush(&mut self, until: usize, indent: usize, mid: bool) -> bool {
        let mut any = false;
        while let Some(c) = self.comments.get(self.next_comment).filter(|c| c.span.start < until) {
            self.next_comment += 1;
            any = true;
            let text = trim_comment(&c.text).to_owned();
            let text = if self.own_line(c.span.start) {
                Some(text)
            } else {
                self.attach(text)
            };
            if let Some(text) = text {
                if !mid && (std::mem::take(&mut self.force_blank) || self.blank_between(self.last_end, c.span.start)) {
                    self.blank();
                }
                self.push(Line::Comment { indent, text });
            }
            self.last_end = self.last_end.max(c.span.end);
        }
        any
    }

    /// Puts a trailing comment at the end of the last line; gives it back if that line cannot take one.
    fn attach(&mut self, text: String) -> Option<String> {
        match self.lines.last_mut() {
            Some(Line::Code {
                cells,
                trailing: t @ None,
                ..
            }) if !cells.is_empty() => {
                *t = Some(text);
                None
            }
            _ => Some(text),
        }
    }

    /// Whether the comment at `start` is the first thing on its source line
    /// (built: is not one that ends the line before it).
    fn own_line(&self, start: usize) -> bool {
        match self.origin {
            Origin::Parsed(src) => {
                let before = src.get(..start).unwrap_or_default();
                let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
                line.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | BOM))
            }
            Origin::Built(built) => !built.trailing.contains(&start),
        }
    }

    /// Whether there is an empty line between `from` and `to` (in a parsed
    /// tree's source only whitespace lies there).
    fn blank_between(&self, from: usize, to: usize) -> bool {
        match self.origin {
            Origin::Parsed(src) => src
                .as_bytes()
                .get(from..to)
                .is_some_and(|between| between.iter().filter(|&&b| b == b'\n').nth(1).is_some()),
            Origin::Built(built) => from < to && built.blank.range(from..to).next().is_some(),
        }
    }

    /// Where the next token is: in a parsed tree, found in the source after
    /// the cursor; in a built one, at `at` (where the tree says the
    /// statement or the closing brace is), else at the cursor.
    fn next_token(&self, at: Option<usize>) -> usize {
        match self.origin {
            Origin::Parsed(src) => skip_trivia(src, self.cursor),
            Origin::Built(_) => at.unwrap_or(self.cursor),
        }
    }

    /// Whether the token `text` is at `pos` (always, in a built tree).
    fn found(&self, pos: usize, text: &str) -> bool {
        match self.origin {
            Origin::Parsed(src) => src.get(pos..).is_some_and(|rest| rest.starts_with(text)),
            Origin::Built(_) => true,
        }
    }

    /// Moves past a string that ends at `end` (a parsed tree's).
    pub(super) fn skip_to(&mut self, end: usize) {
        if let Origin::Parsed(_) = self.origin {
            self.cursor = end;
            self.last_end = end;
        }
    }

    /// Whether nothing but comments and whitespace is left of a parsed tree's source.
    pub(super) fn at_end(&self) -> bool {
        match self.origin {
            Origin::Parsed(src) => skip_trivia(src, self.cursor) == src.len(),
            Origin::Built(_) => true,
        }
    }

    pub(super) fn push(&mut self, line: Line) {
        self.lines.push(line);
        self.fresh = false;
    }

    /// One blank line, unless at the start of a block or after another one.
    fn blank(&mut self) {
        if !self.fresh && !matches!(self.lines.last(), None | Some(Line::Blank)) {
            self.lines.push(Line::Blank);
        }
    }
}

/// The offset of the next token of `src` at or after `pos`.
fn skip_trivia(src: &str, mut pos: usize) -> usize {
    let bytes = src.as_bytes();
    loop {
        match bytes.get(pos) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
            // The byte-order mark: the grammar takes it before `call`, after any
            // blank lines and comments too; in a file that parses it is found
            // nowhere else outside strings and comments.
            Some(0xEF) if src[pos..].starts_with(BOM) => pos += BOM.len_utf8(),
            Some(b'/') if bytes.get(pos + 1) == Some(&b'/') => {
                // As the grammar reads it: to the line feed (a lone CR is part of it).
                while !matches!(bytes.get(pos), None | Some(b'\n')) {
                    pos += 1;
                }
            }
            _ => return pos,
        }
    }
}
