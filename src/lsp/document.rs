//! Open documents: their text (kept in sync by full or incremental
//! changes), and the analysis of their current version, computed when first
//! needed; plus the analysis of the last version that parsed, for the
//! outline while the text is being typed.

use std::rc::Rc;

use line_index::LineIndex;
use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::analysis::Analysis;
use super::position::{Encoding, Map};

/// An analysed version of a document, with the line index of its text.
#[derive(Debug)]
pub struct Snapshot {
    /// The analysis.
    pub analysis: Analysis,
    /// The line index of the analysed text.
    pub lines: LineIndex,
    /// The document version it was computed for.
    pub version: i32,
}

impl Snapshot {
    /// Position conversions for the analysed text.
    #[must_use]
    pub fn map(&self, encoding: Encoding) -> Map<'_> {
        Map {
            text: self.analysis.text(),
            lines: &self.lines,
            encoding,
        }
    }
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// Its URI.
    pub uri: Uri,
    /// The version the client gave the text.
    pub version: i32,
    /// The current text.
    pub text: String,
    /// The line index of `text`.
    pub lines: LineIndex,
    current: Option<Rc<Snapshot>>,
    last_parsed: Option<Rc<Snapshot>>,
    /// Whether the current version's diagnostics have not been published yet.
    pub unpublished: bool,
}

impl Document {
    /// A document as opened.
    #[must_use]
    pub fn new(uri: Uri, version: i32, text: String) -> Self {
        Self {
            uri,
            version,
            lines: LineIndex::new(&text),
            text,
            current: None,
            last_parsed: None,
            unpublished: true,
        }
    }

    /// Position conversions for the current text.
    #[must_use]
    pub fn map(&self, encoding: Encoding) -> Map<'_> {
        Map {
            text: &self.text,
            lines: &self.lines,
            encoding,
        }
    }

    /// Applies the changes of one `didChange`, in order: each range is
    /// read against the text as the previous change left it.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let span = self.map(encoding).span(range);
                    self.text.replace_range(span.range(), &change.text);
                }
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
        self.current = None;
        self.unpublished = true;
    }

    /// The analysis of the current text (computed now if needed).
    pub fn snapshot(&mut self) -> Rc<Snapshot> {
        if let Some(s) = &self.current {
            return Rc::clone(s);
        }
        let analysis = Analysis::new(self.uri.as_str(), &self.text);
        let snapshot = Rc::new(Snapshot {
            lines: if analysis.text() == self.text {
                self.lines.clone()
            } else {
                LineIndex::new(analysis.text())
            },
            analysis,
            version: self.version,
        });
        if snapshot.analysis.parsed() {
            self.last_parsed = Some(Rc::clone(&snapshot));
        }
        self.current = Some(Rc::clone(&snapshot));
        snapshot
    }

    /// The analysis of the last version that parsed (the current one if it does).
    pub fn last_parsed(&mut self) -> Option<Rc<Snapshot>> {
        let _ = self.snapshot();
        self.last_parsed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_owned(),
        }
    }

    fn doc(text: &str) -> Document {
        Document::new("file:///t.call".parse().expect("uri"), 1, text.to_owned())
    }

    #[test]
    fn incremental_changes_in_utf16_after_emoji() {
        let mut d = doc("say \"中文😀\" next a\r\nnext b");
        // Replace `a` (UTF-16 column 16: `say "` 5, 中文 2, 😀 2, `" next ` 7) with `开场`.
        d.apply(2, vec![change(Some(((0, 16), (0, 17))), "开场")], Encoding::Utf16);
        assert_eq!(d.text, "say \"中文😀\" next 开场\r\nnext b");
        // Two changes in one notification: the second sees the first's result.
        d.apply(
            3,
            vec![
                change(Some(((1, 5), (1, 6))), "c"),
                change(Some(((0, 0), (0, 3))), "SAY"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(d.text, "SAY \"中文😀\" next 开场\r\nnext c");
        d.apply(4, vec![change(None, "whole")], Encoding::Utf16);
        assert_eq!((d.text.as_str(), d.version), ("whole", 4));
    }

    #[test]
    fn incremental_changes_in_utf8() {
        let mut d = doc("中文😀a");
        d.apply(2, vec![change(Some(((0, 10), (0, 11))), "b")], Encoding::Utf8);
        assert_eq!(d.text, "中文😀b");
    }

    #[test]
    fn the_last_parse_survives_a_broken_edit() {
        let src = include_str!("../../specs/taishan_renewal.call");
        let mut d = doc(src);
        assert!(d.snapshot().analysis.parsed());
        d.apply(
            2,
            vec![change(None, &src.replacen("flow {", "flow", 1))],
            Encoding::Utf16,
        );
        assert!(!d.snapshot().analysis.parsed());
        assert_eq!(d.last_parsed().map(|s| s.version), Some(1));
    }
}
