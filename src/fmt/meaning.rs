//! The formatter's safety check: the output parses to the same tree as the
//! source (spans aside) with the same comments, compared through a streamed
//! 128-bit digest of the trees' debug text.

use crate::ast;
use crate::codes::Code;
use crate::syntax;

use super::printer::trim_comment;

/// Whether `out` parses to the same tree as `original` (spans aside) with the
/// same comments (trailing spaces aside).
pub(super) fn same_meaning(original: &ast::File, out: &str) -> bool {
    let (Some(again), diagnostics) = syntax::parse(out) else {
        return false;
    };
    if diagnostics.iter().any(|d| d.code == Code::E0001) || original.comments.len() != again.comments.len() {
        return false;
    }
    let comments_agree = original
        .comments
        .iter()
        .zip(&again.comments)
        .all(|(a, b)| trim_comment(&a.text) == b.text);
    comments_agree && spanless_digest(&original.call) == spanless_digest(&again.call)
}

/// A 128-bit digest of a tree's debug text with every `Span { start: …,
/// end: … }` removed, computed as the text is written: the text itself
/// (ten times the size of a dense spec) is never held in memory.
fn spanless_digest(tree: &impl std::fmt::Debug) -> (u64, u64) {
    use std::fmt::Write as _;
    let mut sink = SpanlessDigest::default();
    let _ = write!(sink, "{tree:?}");
    sink.finish()
}

/// See [`spanless_digest`]: a buffer of at most a few kilobytes, from which
/// span texts are cut before the rest is fed to two independent hashers.
#[derive(Default)]
struct SpanlessDigest {
    pending: String,
    a: std::hash::DefaultHasher,
    b: Fnv1a,
}

/// What the buffer holds before it is hashed: more than any span text.
const DIGEST_BUFFER: usize = 4096;

impl SpanlessDigest {
    /// Hashes the buffer up to the last place a span text might still be
    /// cut off (everything when `all`).
    fn drain(&mut self, all: bool) {
        const SPAN: &str = "Span { start: ";
        let mut done = 0;
        loop {
            let rest = &self.pending[done..];
            match rest.find(SPAN) {
                Some(at) => match rest[at..].find('}') {
                    Some(end) => {
                        self.feed(done, done + at);
                        done += at + end + 1;
                    }
                    // The span text goes on in the next write.
                    None => {
                        self.feed(done, done + at);
                        done += at;
                        break;
                    }
                },
                None => {
                    // Keep a tail that may be the start of `SPAN`.
                    let mut keep = if all { 0 } else { SPAN.len().min(rest.len()) };
                    while !rest.is_char_boundary(rest.len() - keep) {
                        keep += 1;
                    }
                    self.feed(done, self.pending.len() - keep);
                    done = self.pending.len() - keep;
                    break;
                }
            }
        }
        self.pending.drain(..done);
    }

    fn feed(&mut self, from: usize, to: usize) {
        use std::hash::Hasher as _;
        let bytes = &self.pending.as_bytes()[from..to];
        self.a.write(bytes);
        self.b.write(bytes);
    }

    fn finish(mut self) -> (u64, u64) {
        use std::hash::Hasher as _;
        self.drain(true);
        // A span text never closed: dropped, like everything after it.
        let rest = std::mem::take(&mut self.pending);
        let rest = if rest.starts_with("Span { start: ") {
            String::new()
        } else {
            rest
        };
        self.a.write(rest.as_bytes());
        self.b.write(rest.as_bytes());
        (self.a.finish(), self.b.finish())
    }
}

impl std::fmt::Write for SpanlessDigest {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.pending.push_str(s);
        if self.pending.len() >= DIGEST_BUFFER {
            self.drain(false);
        }
        Ok(())
    }
}

/// FNV-1a, 64 bits: a second hash independent of `SipHash`, so that the two
/// digests together are 128 bits.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A tree's debug text with every `Span { start: …, end: … }` removed (the
/// reference [`spanless_digest`] is tested against).
#[cfg(test)]
fn without_spans(debug: &str) -> String {
    const SPAN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(SPAN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + SPAN.len()..];
        rest = after.find('}').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_streamed_digest_is_the_digest_of_the_text_without_spans() {
        use std::hash::Hasher as _;
        let whole = |text: &str| {
            let mut a = std::hash::DefaultHasher::new();
            let mut b = super::Fnv1a::default();
            a.write(text.as_bytes());
            b.write(text.as_bytes());
            (a.finish(), b.finish())
        };
        let mut specs: Vec<String> = [
            include_str!("../../specs/taishan_renewal.call"),
            include_str!("../../specs/en_dental_reminder.call"),
            include_str!("../../specs/zh_broadband_retention.call"),
        ]
        .map(String::from)
        .into();
        // A tree whose texts look like span texts, cut across the buffer.
        specs.push(format!(
            "call t {{ title \"Span {{ start: 1, end: 2 }} {}\" flow {{ step s {{ say \"Span {{ start: \" }} }} }}",
            "长".repeat(5000)
        ));
        for spec in &specs {
            let (Some(file), _) = crate::syntax::parse(spec) else {
                panic!("does not parse: {spec}")
            };
            let debug = format!("{:?}", file.call);
            assert_eq!(super::spanless_digest(&file.call), whole(&super::without_spans(&debug)));
        }
    }

    use super::*;

    #[test]
    fn spans_are_left_out_of_the_comparison() {
        assert_eq!(
            without_spans("Ident { name: \"a\", span: Span { start: 1, end: 2 } }"),
            "Ident { name: \"a\", span:  }"
        );
    }
}
