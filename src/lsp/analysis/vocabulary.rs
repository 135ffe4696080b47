//! The words of the language for editors: which keywords and fields each
//! block accepts (docs/language.md §6), a one-line explanation of each, and
//! a snippet to insert. Used by completion and by hover on keywords.

/// A block of the language, as far as completion needs to tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Outside any block (the file holds one `call`).
    Top,
    /// `call ID { … }`.
    Call,
    /// `caller ID { … }`.
    Caller,
    /// `callee ID { … }`.
    Callee,
    /// `knows { … }` or `background { … }`: free labels.
    Entries,
    /// `style { … }`.
    Style,
    /// `flow { … }`.
    Flow,
    /// `step ID { … }`.
    Step,
    /// `faq { … }`.
    Faq,
    /// `qa ID { … }`.
    Qa,
    /// `end { … }`.
    End,
    /// A block completion does not know (a typo before `{`).
    Unknown,
}

/// Whether a word is a keyword or a field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    /// Opens a block or statement.
    Keyword,
    /// A scalar field, checked after parsing.
    Field,
}

/// One word of the language.
#[derive(Debug)]
pub struct Word {
    /// The word.
    pub word: &'static str,
    /// Keyword or field.
    pub kind: WordKind,
    /// The blocks it may be written in.
    pub blocks: &'static [Block],
    /// A snippet (LSP syntax: `$1`, `${1:id}`, `$0`).
    pub snippet: &'static str,
    /// What it means, in one line.
    pub doc: &'static str,
}

use Block::{Call, Callee, Caller, End, Entries, Faq, Flow, Qa, Step, Style, Top};
use WordKind::{Field, Keyword};

const PARTIES: &[Block] = &[Caller, Callee];
const ANY: &[Block] = &[Call, Caller, Callee, Entries, Style, Flow, Step, Faq, Qa, End];

pub use crate::syntax::KEYWORDS;

/// Every word, with where it goes.
pub const WORDS: &[Word] = &[
    Word {
        word: "call",
        kind: Keyword,
        blocks: &[Top],
        snippet: "call ${1:id} {\n\tlocale \"${2:zh-CN}\"\n\t$0\n}",
        doc: "`call ID { … }`: the whole specification of one outbound call.",
    },
    Word {
        word: "title",
        kind: Field,
        blocks: &[Call],
        snippet: "title \"$1\"",
        doc: "`title \"…\"`: a human title for the call (optional).",
    },
    Word {
        word: "locale",
        kind: Field,
        blocks: &[Call],
        snippet: "locale \"${1:zh-CN}\"",
        doc: "`locale \"…\"`: the language of the spec's text, a BCP-47 tag such as `\"zh-CN\"` (required).",
    },
    Word {
        word: "opening",
        kind: Field,
        blocks: &[Call],
        snippet: "opening \"$1\"",
        doc: "`opening \"…\"`: the first line of the call.",
    },
    Word {
        word: "caller",
        kind: Keyword,
        blocks: &[Call],
        snippet: "caller ${1:id} {\n\tname \"$2\"\n\t$0\n}",
        doc: "`caller ID { … }`: the party that places the call.",
    },
    Word {
        word: "callee",
        kind: Keyword,
        blocks: &[Call],
        snippet: "callee ${1:id} {\n\tname \"$2\"\n\t$0\n}",
        doc: "`callee ID { … }`: the party that is called, a simulated customer.",
    },
    Word {
        word: "signal",
        kind: Keyword,
        blocks: &[Call],
        snippet: "signal ${1:id} \"$0\"",
        doc: "`signal ID \"…\"`: something the callee may say or do that moves the flow.",
    },
    Word {
        word: "flow",
        kind: Keyword,
        blocks: &[Call],
        snippet: "flow {\n\tstep ${1:id} \"${2:title}\" {\n\t\tsay \"$0\"\n\t}\n}",
        doc: "`flow { … }`: the caller's steps in order, and global branches.",
    },
    Word {
        word: "faq",
        kind: Keyword,
        blocks: &[Call],
        snippet: "faq {\n\tqa ${1:id} {\n\t\tq \"$2\"\n\t\ta \"$0\"\n\t}\n}",
        doc: "`faq { qa … }`: answers the caller may give at any point of the call.",
    },
    Word {
        word: "end",
        kind: Keyword,
        blocks: &[Call],
        snippet: "end {\n\twhen ${1:id} \"$2\" callee \"$3\"\n\tclosing \"$0\"\n}",
        doc: "`end { when … closing \"…\" }`: how the call may end. As a target, `end` or `end(ID)` ends the call.",
    },
    Word {
        word: "name",
        kind: Field,
        blocks: PARTIES,
        snippet: "name \"$1\"",
        doc: "`name \"…\"`: the party's name (required).",
    },
    Word {
        word: "gender",
        kind: Field,
        blocks: PARTIES,
        snippet: "gender ${1|male,female,other|}",
        doc: "`gender male|female|other`.",
    },
    Word {
        word: "age",
        kind: Field,
        blocks: PARTIES,
        snippet: "age $1",
        doc: "`age N`: a whole number from 0 to 150.",
    },
    Word {
        word: "org",
        kind: Field,
        blocks: PARTIES,
        snippet: "org \"$1\"",
        doc: "`org \"…\"`: the party's organisation.",
    },
    Word {
        word: "role",
        kind: Field,
        blocks: PARTIES,
        snippet: "role \"$1\"",
        doc: "`role \"…\"`: the party's role.",
    },
    Word {
        word: "persona",
        kind: Field,
        blocks: PARTIES,
        snippet: "persona \"\"\"\n\t$0\n\"\"\"",
        doc: "`persona \"\"\"…\"\"\"`: who the party is, usually a block string.",
    },
    Word {
        word: "task",
        kind: Field,
        blocks: &[Caller],
        snippet: "task \"$1\"",
        doc: "`task \"…\"`: the call's task in one sentence (caller only).",
    },
    Word {
        word: "knows",
        kind: Keyword,
        blocks: &[Caller],
        snippet: "knows {\n\t${1:label} \"$0\"\n}",
        doc: "`knows { LABEL \"…\" }`: what the caller knows about the callee; `{knows.LABEL}` names an entry.",
    },
    Word {
        word: "background",
        kind: Keyword,
        blocks: &[Callee],
        snippet: "background {\n\t${1:label} \"$0\"\n}",
        doc: "`background { LABEL \"…\" }`: the callee's background; `{background.LABEL}` names an entry.",
    },
    Word {
        word: "concern",
        kind: Keyword,
        blocks: &[Callee],
        snippet: "concern ${1:id} ${2|primary,secondary,latent|} \"$0\"",
        doc: "`concern ID primary|secondary|latent \"…\"`: something the callee cares about; a step or FAQ entry should `covers` it.",
    },
    Word {
        word: "behavior",
        kind: Field,
        blocks: &[Callee],
        snippet: "behavior \"$1\"",
        doc: "`behavior \"…\"`: one typical behaviour of the callee (repeatable).",
    },
    Word {
        word: "style",
        kind: Keyword,
        blocks: &[Callee],
        snippet: "style {\n\tprefer \"$0\"\n}",
        doc: "`style { note avoid prefer }`: how the callee talks.",
    },
    Word {
        word: "note",
        kind: Field,
        blocks: &[Style],
        snippet: "note \"$1\"",
        doc: "`note \"…\"`: a remark about the style examples.",
    },
    Word {
        word: "avoid",
        kind: Field,
        blocks: &[Style],
        snippet: "avoid \"$1\"",
        doc: "`avoid \"…\"`: an example not to imitate (repeatable).",
    },
    Word {
        word: "prefer",
        kind: Field,
        blocks: &[Style],
        snippet: "prefer \"$1\"",
        doc: "`prefer \"…\"`: an example to imitate (repeatable).",
    },
    Word {
        word: "step",
        kind: Keyword,
        blocks: &[Flow],
        snippet: "step ${1:id} \"${2:title}\" {\n\tsay \"$0\"\n}",
        doc: "`step ID \"title\" covers C, … { … }`: one step of the script.",
    },
    Word {
        word: "on",
        kind: Keyword,
        blocks: &[Flow, Step],
        snippet: "on ${1:signal} -> ${0:step}",
        doc: "`on SIGNAL -> TARGET`: where the call goes when the callee gives a signal (in `flow`: at every step).",
    },
    Word {
        word: "say",
        kind: Keyword,
        blocks: &[Step],
        snippet: "say \"$0\"",
        doc: "`say \"…\"`: a line the caller says in this step (repeatable, in order).",
    },
    Word {
        word: "next",
        kind: Keyword,
        blocks: &[Step],
        snippet: "next ${0:step}",
        doc: "`next TARGET`: the step that follows this one, instead of the next written (`-> TARGET` is the same).",
    },
    Word {
        word: "covers",
        kind: Keyword,
        blocks: &[],
        snippet: "covers ${0:concern}",
        doc: "`covers C, …`: the callee concerns a step or FAQ entry addresses.",
    },
    Word {
        word: "qa",
        kind: Keyword,
        blocks: &[Faq],
        snippet: "qa ${1:id} {\n\tq \"$2\"\n\ta \"$0\"\n}",
        doc: "`qa ID covers C { q \"…\" a \"…\" }`: one question (or several phrasings) and its answer.",
    },
    Word {
        word: "q",
        kind: Field,
        blocks: &[Qa],
        snippet: "q \"$1\"",
        doc: "`q \"…\"`: a phrasing of the question (at least one).",
    },
    Word {
        word: "a",
        kind: Field,
        blocks: &[Qa],
        snippet: "a \"$1\"",
        doc: "`a \"…\"`: the answer (exactly one).",
    },
    Word {
        word: "when",
        kind: Keyword,
        blocks: &[End],
        snippet: "when ${1:id} \"$2\" callee \"$0\"",
        doc: "`when ID \"caller side\" callee \"callee side\"`: one reason the call may end; `end(ID)` names it.",
    },
    Word {
        word: "closing",
        kind: Field,
        blocks: &[End],
        snippet: "closing \"$1\"",
        doc: "`closing \"…\"`: the line the caller ends the call with (required).",
    },
    Word {
        word: "allow",
        kind: Keyword,
        blocks: ANY,
        snippet: "allow ${0:lint}",
        doc: "`allow LINT`: do not report this lint inside the enclosing block.",
    },
    Word {
        word: "warn",
        kind: Keyword,
        blocks: ANY,
        snippet: "warn ${0:lint}",
        doc: "`warn LINT`: report this lint as a warning inside the enclosing block.",
    },
    Word {
        word: "deny",
        kind: Keyword,
        blocks: ANY,
        snippet: "deny ${0:lint}",
        doc: "`deny LINT`: report this lint as an error inside the enclosing block.",
    },
];

/// The words a block accepts, in the table's (canonical) order.
pub fn words_in(block: Block) -> impl Iterator<Item = &'static Word> {
    WORDS.iter().filter(move |w| w.blocks.contains(&block))
}

/// The entry for a word, if it is one of the language's.
#[must_use]
pub fn word(word: &str) -> Option<&'static Word> {
    WORDS.iter().find(|w| w.word == word)
}

/// Whether `s` is a keyword (cannot be a field name; ids should avoid it).
#[must_use]
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_documented() {
        for k in KEYWORDS {
            let w = word(k).unwrap_or_else(|| panic!("{k} has no entry"));
            assert_eq!(w.kind, Keyword, "{k}");
            assert!(w.snippet.starts_with(k), "{k}");
        }
    }

    #[test]
    fn blocks_offer_what_language_md_lists() {
        let step: Vec<_> = words_in(Step).map(|w| w.word).collect();
        assert_eq!(step, ["on", "say", "next", "allow", "warn", "deny"]);
        let callee: Vec<_> = words_in(Callee).map(|w| w.word).collect();
        assert!(callee.contains(&"concern") && !callee.contains(&"task") && !callee.contains(&"knows"));
        let caller: Vec<_> = words_in(Caller).map(|w| w.word).collect();
        assert!(caller.contains(&"knows") && caller.contains(&"task") && !caller.contains(&"concern"));
    }
}
