//! Byte offsets ↔ LSP positions (line, column in the negotiated encoding:
//! UTF-16 code units by default, UTF-8 bytes when the client offers them),
//! through `line-index` so each conversion costs a binary search, not a
//! scan of the text.
//!
//! Positions from clients are clamped, never trusted: a column past the end
//! of its line means the end of the line (as the protocol says), a line past
//! the end means the end of the text, and a column inside a character (half
//! of a surrogate pair) moves back to the character's start.

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, PositionEncodingKind, Range};

use crate::source::Span;

/// The unit of LSP columns agreed with the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion at all), else UTF-16.
    #[must_use]
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    /// The protocol's name for it.
    #[must_use]
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A text with its line index, in one encoding.
#[derive(Clone, Copy)]
pub struct Map<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub lines: &'a LineIndex,
    /// The column unit.
    pub encoding: Encoding,
}

fn size(n: usize) -> TextSize {
    TextSize::new(u32::try_from(n).unwrap_or(u32::MAX))
}

impl Map<'_> {
    /// The LSP position of a byte offset (clamped to the text and to a character boundary).
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor(self.text, offset);
        let Some(lc) = self.lines.try_line_col(size(offset)) else {
            return Position::new(0, 0);
        };
        let col = match self.encoding {
            Encoding::Utf8 => lc.col,
            Encoding::Utf16 => self.lines.to_wide(WideEncoding::Utf16, lc).map_or(lc.col, |w| w.col),
        };
        Position::new(lc.line, col)
    }

    /// The LSP range of a byte span.
    #[must_use]
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end.max(span.start)))
    }

    /// The byte offset of an LSP position, clamped as the protocol says.
    #[must_use]
    pub fn offset(&self, p: Position) -> usize {
        let Some(line) = self.lines.line(p.line) else {
            return self.text.len();
        };
        let (start, end) = (usize::from(line.start()), usize::from(line.end()).min(self.text.len()));
        // The line's content, without its line break.
        let content_end = start + self.text[start..end].trim_end_matches(['\n', '\r']).len();
        let col = match self.encoding {
            Encoding::Utf8 => Some(p.character),
            Encoding::Utf16 => self
                .lines
                .to_utf8(
                    WideEncoding::Utf16,
                    WideLineCol {
                        line: p.line,
                        col: p.character,
                    },
                )
                .map(|lc: LineCol| lc.col),
        };
        let offset = col
            .map_or(content_end, |c| start.saturating_add(c as usize))
            .min(content_end);
        floor(self.text, offset)
    }

    /// The byte span of an LSP range (start and end in order).
    #[must_use]
    pub fn span(&self, r: Range) -> Span {
        let (a, b) = (self.offset(r.start), self.offset(r.end));
        Span::new(a.min(b), a.max(b))
    }
}

/// `i` clamped to the text and moved back to a character boundary.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "ab\r\n中文😀x\n\nlast";

    fn map(encoding: Encoding, lines: &LineIndex) -> Map<'_> {
        Map {
            text: TEXT,
            lines,
            encoding,
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let lines = LineIndex::new(TEXT);
        let m = map(Encoding::Utf16, &lines);
        let x = TEXT.find('x').expect("x");
        assert_eq!(m.position(x), Position::new(1, 4));
        assert_eq!(m.offset(Position::new(1, 4)), x);
        // Inside the emoji's surrogate pair: back to the emoji.
        assert_eq!(m.offset(Position::new(1, 3)), TEXT.find('😀').expect("emoji"));
        // Past the end of the line: the end of its content (before CRLF).
        assert_eq!(m.offset(Position::new(0, 99)), 2);
        assert_eq!(m.offset(Position::new(99, 0)), TEXT.len());
        assert_eq!(m.position(TEXT.len()), Position::new(3, 4));
    }

    #[test]
    fn utf8_columns_are_bytes() {
        let lines = LineIndex::new(TEXT);
        let m = map(Encoding::Utf8, &lines);
        let x = TEXT.find('x').expect("x");
        assert_eq!(m.position(x), Position::new(1, 10));
        assert_eq!(m.offset(Position::new(1, 10)), x);
        assert_eq!(m.offset(Position::new(1, 1)), TEXT.find('中').expect("zh"));
    }

    #[test]
    fn negotiation_prefers_utf8() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
    }

    #[test]
    fn every_position_round_trips_to_a_boundary() {
        let lines = LineIndex::new(TEXT);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let m = map(enc, &lines);
            for line in 0..5 {
                for col in 0..14 {
                    let o = m.offset(Position::new(line, col));
                    assert!(TEXT.is_char_boundary(o));
                    assert_eq!(m.offset(m.position(o)), o);
                }
            }
        }
    }
}
