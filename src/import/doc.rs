//! The document model: what the Markdown says, part by part, before ids are
//! derived and `.call` is written; and the texts that found no place.

use crate::ast::Priority;
use crate::layout::Layout;
use crate::source::Span;

/// Where an unplaced text goes in the `.call` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Block {
    Top,
    Caller,
    Callee,
    Flow,
    Step(usize),
    Faq,
    End,
}

/// Why a text could not be placed.
#[derive(Clone, Debug)]
pub(super) enum Why {
    Preamble,
    PartyIntro,
    SecondNote,
    UnknownSection(String),
    NoParty(String),
    Entry,
    Concern,
    Note,
    StepNumber(String),
    FlowText,
    Question,
    Answer,
    Ending,
    Identity(String),
    Second(String),
}

#[derive(Debug)]
pub(super) struct Unplaced {
    pub(super) span: Span,
    pub(super) block: Block,
    pub(super) why: Why,
}

#[derive(Debug, Default)]
pub(super) struct PartyDoc {
    pub(super) heading: Option<(String, Span)>,
    pub(super) name: Option<String>,
    pub(super) gender: Option<&'static str>,
    pub(super) age: Option<u32>,
    pub(super) org: Option<String>,
    pub(super) role: Option<String>,
    pub(super) persona: Option<String>,
}

#[derive(Debug)]
pub(super) enum RawTarget {
    /// A step number: its value (none when it is too large to be one) and
    /// the number as written.
    Step(Option<u32>, String),
    End(Option<String>),
}

#[derive(Debug)]
pub(super) struct RawNote {
    /// The signal's words; `None` for "then" (the step's successor).
    pub(super) cause: Option<String>,
    pub(super) target: RawTarget,
    pub(super) span: Span,
}

#[derive(Debug, Default)]
pub(super) struct RawStep {
    pub(super) number: Option<u32>,
    pub(super) title: Option<String>,
    pub(super) says: Vec<String>,
    pub(super) notes: Vec<RawNote>,
}

#[derive(Debug)]
pub(super) struct RawQa {
    pub(super) questions: Vec<String>,
    pub(super) answer: Option<String>,
    pub(super) span: Span,
}

#[derive(Debug)]
pub(super) struct Doc {
    pub(super) layout: &'static Layout,
    pub(super) title: Option<String>,
    /// Section headings as written, for comments: (kind, text).
    pub(super) headings: Vec<(Kind, String)>,
    pub(super) caller: PartyDoc,
    pub(super) callee: PartyDoc,
    pub(super) task: Option<String>,
    pub(super) knows: Vec<(String, String)>,
    pub(super) background: Vec<(String, String)>,
    pub(super) concerns: Vec<(Priority, String)>,
    pub(super) concerns_span: Option<Span>,
    pub(super) behavior: Vec<String>,
    pub(super) style_note: Option<String>,
    pub(super) avoid: Vec<String>,
    pub(super) prefer: Vec<String>,
    pub(super) opening: Option<String>,
    pub(super) global: Vec<RawNote>,
    pub(super) steps: Vec<RawStep>,
    pub(super) faq: Vec<RawQa>,
    pub(super) caller_ends: Vec<String>,
    pub(super) callee_ends: Vec<String>,
    pub(super) closing: Option<String>,
    pub(super) unplaced: Vec<Unplaced>,
}

/// A party section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Party {
    Caller,
    Callee,
}

/// A section inside a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Role,
    Task,
    Knows,
    Flow,
    Faq,
    Opening,
    Ending,
    EndConditions,
    Closing,
    Background,
    Concerns,
    Behavior,
    Style,
}
