//! Source text and positions: byte spans inside the compiler, lines and
//! columns (characters or UTF-16 code units) only at the edges.
//!
//! Input: the raw bytes of a file. Output: a [`SourceFile`] whose text is
//! valid UTF-8, plus the first problem the bytes had (invalid UTF-8, too
//! large), which the caller turns into a diagnostic.

use line_index::{LineIndex, TextSize};

/// The largest source file callc reads, in bytes. Larger files get a
/// diagnostic instead of a parse; the limit is the same in every build.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether `other` lies inside this span.
    #[must_use]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The byte range, for slicing.
    #[must_use]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A position for people and editors: 1-based line, 1-based column in
/// Unicode scalar values, 1-based column in UTF-16 code units, and the byte
/// offset it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Byte offset from the start of the file.
    pub byte: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters (Unicode scalar values).
    pub column: usize,
    /// 1-based column, counted in UTF-16 code units (LSP's unit, plus one).
    pub column_utf16: usize,
}

/// Where a [`SourceFile`]'s text starts in the file it comes from: at the
/// start (a whole file), or, for a window (one record of a call list that is
/// read as a stream, see [`SourceFile::window`]), at the start of a line
/// further down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The byte offset in the file of the text's first byte.
    pub byte: usize,
    /// The 0-based line of the file the text's first line is.
    pub line: usize,
}

/// One source file, or a window of one: its name as the user gave it and
/// its text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line (or a label such as `<stdin>`).
    pub name: String,
    /// The text. Invalid UTF-8 has been replaced by U+FFFD, see [`decode`].
    /// For a window, only the window's lines (see [`SourceFile::origin`]).
    pub text: String,
    /// Where `text` starts in the file: byte offsets and lines given to and
    /// returned by the methods are the file's, not the text's.
    origin: Origin,
    /// Built on the first position asked for: a clean file never needs one,
    /// and building it costs as much as parsing a text-heavy Chinese file.
    index: std::sync::OnceLock<LineIndex>,
    /// Checkpoints on long lines (see [`SourceFile::position`]), by line start.
    long_lines: std::sync::Mutex<std::collections::HashMap<usize, Vec<Checkpoint>>>,
}

/// On a long line, every [`CHECKPOINT_BYTES`]: the byte and how many
/// characters and UTF-16 units the line has before it.
#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    byte: usize,
    chars: usize,
    utf16: usize,
}

/// Lines longer than this get checkpoints, so that a position on them is
/// counted from the nearest checkpoint, not from the start of the line:
/// 1,000 diagnostics on one 16 MB line would otherwise count 16 GB of text.
const CHECKPOINT_BYTES: usize = 4096;

impl SourceFile {
    /// A file from text that is already UTF-8.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::window(name, text, Origin::default())
    }

    /// A window of a file: `text` holds whole lines of it, the first of
    /// which starts at `origin`. Spans and positions stay those of the
    /// whole file, so a diagnostic about line 700,001 of a call list is
    /// rendered from that one record without the file being kept in memory.
    /// Columns on the window's first line count from `origin.byte`, which
    /// must be the start of a line (or the first byte after a BOM).
    #[must_use]
    pub fn window(name: impl Into<String>, text: impl Into<String>, origin: Origin) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            origin,
            index: std::sync::OnceLock::new(),
            long_lines: std::sync::Mutex::default(),
        }
    }

    /// Where the text starts in the file (the start, except for a window).
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The file's byte offset `byte` as an offset into `text` (clamped to it).
    fn local(&self, byte: usize) -> usize {
        byte.saturating_sub(self.origin.byte).min(self.text.len())
    }

    /// The text of the file's byte range `range` (clamped to the text and
    /// moved out to character boundaries).
    #[must_use]
    pub fn slice(&self, range: std::ops::Range<usize>) -> &str {
        let (mut start, mut end) = (self.local(range.start), self.local(range.end));
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        &self.text[start..end.max(start)]
    }

    /// The file's byte offset `byte` moved back to a character boundary of
    /// the text (clamped to the text).
    #[must_use]
    pub fn floor_char_boundary(&self, byte: usize) -> usize {
        let mut i = self.local(byte);
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i + self.origin.byte
    }

    /// The file's byte offset `byte` moved forward to a character boundary
    /// of the text (clamped to the text).
    #[must_use]
    pub fn ceil_char_boundary(&self, byte: usize) -> usize {
        let mut i = self.local(byte);
        while !self.text.is_char_boundary(i) {
            i += 1;
        }
        i + self.origin.byte
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The position of a byte offset (clamped to the text and moved back to a
    /// character boundary).
    #[must_use]
    pub fn position(&self, byte: usize) -> Position {
        let mut p = self.local_position(self.local(byte));
        p.byte += self.origin.byte;
        p.line += self.origin.line;
        p
    }

    /// [`SourceFile::position`] of an offset into `text`.
    fn local_position(&self, byte: usize) -> Position {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let offset = TextSize::new(u32::try_from(byte).unwrap_or(u32::MAX));
        let lc = self.index().line_col(offset);
        let line_start = byte - lc.col as usize;
        let (mut from, mut chars, mut utf16) = (line_start, 0, 0);
        if byte - line_start > CHECKPOINT_BYTES
            && let Some(c) = self.checkpoint(line_start, byte)
        {
            (from, chars, utf16) = (c.byte, c.chars, c.utf16);
        }
        let before = &self.text[from..byte];
        Position {
            byte,
            line: lc.line as usize + 1,
            column: chars + before.chars().count() + 1,
            column_utf16: utf16 + before.encode_utf16().count() + 1,
        }
    }

    /// The last checkpoint at or before `byte` on the line starting at
    /// `line_start`, the line's checkpoints made on first use.
    fn checkpoint(&self, line_start: usize, byte: usize) -> Option<Checkpoint> {
        let mut long_lines = self.long_lines.lock().ok()?;
        let points = long_lines.entry(line_start).or_insert_with(|| {
            let end = self.text[line_start..]
                .find('\n')
                .map_or(self.text.len(), |i| line_start + i);
            let mut points = Vec::new();
            let (mut at, mut chars, mut utf16) = (line_start, 0, 0);
            while at + CHECKPOINT_BYTES < end {
                let mut next = at + CHECKPOINT_BYTES;
                while !self.text.is_char_boundary(next) {
                    next -= 1;
                }
                let piece = &self.text[at..next];
                chars += piece.chars().count();
                utf16 += piece.encode_utf16().count();
                points.push(Checkpoint {
                    byte: next,
                    chars,
                    utf16,
                });
                at = next;
            }
            points
        });
        let k = points.partition_point(|c| c.byte <= byte);
        k.checked_sub(1).map(|k| points[k])
    }

    /// The byte range of the 0-based line `line` (without its line break);
    /// `None` for a line the text does not hold.
    #[must_use]
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let line = line.checked_sub(self.origin.line)?;
        let r = self.index().line(u32::try_from(line).ok()?)?;
        let (start, mut end) = (usize::from(r.start()), usize::from(r.end()));
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Some(start + self.origin.byte..end + self.origin.byte)
    }
}

/// What was wrong with the raw bytes of a file, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The bytes are not UTF-8; the span covers the first bad sequence in the
    /// decoded (lossy) text, where it shows as U+FFFD.
    InvalidUtf8(Span),
    /// The file is larger than [`MAX_SOURCE_BYTES`]; `len` is its size.
    TooLarge {
        /// The size of the file in bytes.
        len: usize,
    },
}

/// Turns raw bytes into text. Never fails: invalid UTF-8 becomes U+FFFD and
/// is reported, an over-large file is cut to its first line and reported.
///
/// Valid text is checked once, by the SIMD validator, and copied: that is
/// faster than `String::from_utf8` (std's validator is several times slower
/// on CJK text, and the crate forbids `unsafe`), and the copy does not raise
/// the peak memory of a check, which comes later, from the syntax tree.
#[must_use]
pub fn decode(bytes: &[u8]) -> (String, Option<DecodeProblem>) {
    if bytes.len() > MAX_SOURCE_BYTES {
        // Keep only a short, valid prefix so the diagnostic has something to point at.
        let head = &bytes[..bytes.len().min(200)];
        let head_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        let text = String::from_utf8_lossy(&head[..head_end]).into_owned();
        return (text, Some(DecodeProblem::TooLarge { len: bytes.len() }));
    }
    if let Some(text) = validate_and_copy(bytes) {
        return (text, None);
    }
    // Invalid: std's error says where.
    let at = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
    let text = String::from_utf8_lossy(bytes).into_owned();
    // The lossy text is identical up to `at`; there it holds U+FFFD (3 bytes).
    (
        text,
        Some(DecodeProblem::InvalidUtf8(Span::new(at, at + '\u{FFFD}'.len_utf8()))),
    )
}

/// The bytes as a `String` if they are UTF-8: validated and copied a chunk
/// at a time, so a large file is read from memory once (the copy reads
/// what the validator just brought into the cache).
fn validate_and_copy(bytes: &[u8]) -> Option<String> {
    const CHUNK: usize = 64 * 1024;
    let mut out = String::with_capacity(bytes.len());
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + CHUNK).min(bytes.len());
        // End the chunk before a character's continuation bytes (at most three).
        while end < bytes.len() && end > start && bytes[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        if end == start {
            return None; // only continuation bytes: not UTF-8
        }
        out.push_str(simdutf8::basic::from_utf8(&bytes[start..end]).ok()?);
        start = end;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_utf16() {
        // "你好😀" = 3 + 3 + 4 bytes; 3 chars; 4 UTF-16 units.
        let f = SourceFile::new("t", "ab\r\n你好😀x");
        let p = f.position(4 + 10);
        assert_eq!((p.line, p.column, p.column_utf16), (2, 4, 5));
        assert_eq!(f.line_range(0), Some(0..2));
        assert_eq!(f.line_range(1), Some(4..15));
    }

    #[test]
    fn a_window_reports_the_positions_of_the_whole_file() {
        // Lines 700,001 and 700,002 of a list, from byte 90,000,000 on.
        let origin = Origin {
            byte: 90_000_000,
            line: 700_000,
        };
        let f = SourceFile::window("list.csv", "\"张\r\n强\",2026-13-01\r\n", origin);
        let p = f.position(90_000_000 + 8 + 3);
        assert_eq!((p.byte, p.line, p.column, p.column_utf16), (90_000_011, 700_002, 4, 4));
        assert_eq!(f.line_range(700_001), Some(90_000_006..90_000_021));
        assert_eq!(f.line_range(0), None);
        assert_eq!(f.slice(90_000_011..90_000_021), "2026-13-01");
        // Offsets outside the window are clamped to it.
        assert_eq!(f.position(5).line, 700_001);
        assert_eq!(f.floor_char_boundary(90_000_002), 90_000_001);
        assert_eq!(f.ceil_char_boundary(90_000_002), 90_000_004);
    }

    #[test]
    fn position_inside_a_character_moves_back() {
        let f = SourceFile::new("t", "你");
        assert_eq!(f.position(1).column, 1);
        assert_eq!(f.position(99).column, 2);
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let (text, problem) = decode(b"ab\xffcd");
        assert_eq!(text, "ab\u{FFFD}cd");
        assert_eq!(problem, Some(DecodeProblem::InvalidUtf8(Span::new(2, 5))));
    }

    #[test]
    fn chunked_decoding_agrees_with_std_across_chunk_boundaries() {
        // 1-, 2-, 3- and 4-byte characters, so every kind of character
        // straddles the 64 KiB chunk boundaries at some shift.
        let unit = "a\u{e9}你😀";
        for shift in 0..unit.len() {
            let text = format!("{}{}", &"x".repeat(shift), unit.repeat(3 * 65_536 / unit.len()));
            assert_eq!(decode(text.as_bytes()), (text.clone(), None), "shift {shift}");
            // A bad byte at and around each boundary is found where std finds it.
            for at in [65_535, 65_536, 65_537, 131_071, 131_072, text.len() - 1] {
                let mut bytes = text.clone().into_bytes();
                bytes[at] = 0xFF;
                let want = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
                let (lossy, problem) = decode(&bytes);
                assert_eq!(lossy, String::from_utf8_lossy(&bytes));
                assert_eq!(
                    problem,
                    Some(DecodeProblem::InvalidUtf8(Span::new(want, want + 3))),
                    "{shift} {at}"
                );
            }
        }
        assert_eq!(
            decode(&vec![0x80; 70_000]).1,
            Some(DecodeProblem::InvalidUtf8(Span::new(0, 3)))
        );
        assert_eq!(decode(b""), (String::new(), None));
    }
}
