//! The document model: what the Markdown says, part by part, before ids are
//! derived and `.call` is written; and the texts that found no place.

use crate::ast::Priority;
use crate::ir::{Event, Speaker};
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
    Transfer,
    /// A note callc reads but the language would reject where it stands.
    Invalid(String),
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

#[derive(Clone, Debug)]
pub(super) enum RawTarget {
    /// A step number: its value (none when it is too large to be one) and
    /// the number as written.
    Step(Option<u32>, String),
    End(Option<String>),
    /// A transfer, by the words that name it (its title).
    Transfer(String),
}

/// What a flow note is taken on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Cause {
    /// "Then": the step's successor.
    Then,
    /// A signal, by its words.
    Signal(String),
    /// A telephony event.
    Event(Event),
}

#[derive(Debug)]
pub(super) struct RawNote {
    pub(super) cause: Cause,
    pub(super) target: RawTarget,
    pub(super) span: Span,
}

/// A capture note, as written (the id, values and description still
/// escaped Markdown).
#[derive(Debug)]
pub(super) struct RawCapture {
    pub(super) id: String,
    pub(super) kind: RawKind,
    pub(super) optional: bool,
    pub(super) description: String,
    pub(super) span: Span,
}

/// A capture type read from its words: `one_of` values still escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum RawKind {
    Text,
    Email,
    Phone,
    Date,
    YesNo,
    /// The bounds as written (digits, perhaps a sign).
    Integer(Option<String>, Option<String>),
    OneOf(Vec<String>),
    Number,
    Percent,
    /// The currency's code as written.
    Money(String),
    Time,
}

/// `retry N -> T`: N as written, and the target.
#[derive(Debug)]
pub(super) struct RawRetry {
    pub(super) max: String,
    pub(super) target: RawTarget,
    pub(super) span: Span,
}

#[derive(Debug, Default)]
pub(super) struct RawStep {
    pub(super) number: Option<u32>,
    pub(super) title: Option<String>,
    pub(super) says: Vec<String>,
    pub(super) notes: Vec<RawNote>,
    /// The note saying the step goes on without waiting (`continue`).
    pub(super) go_on: Option<Span>,
    pub(super) captures: Vec<RawCapture>,
    pub(super) retry: Option<RawRetry>,
}

/// A transfer of the caller's ending section.
#[derive(Debug)]
pub(super) struct RawTransfer {
    /// The words that name it (its title), as written.
    pub(super) title: String,
    pub(super) say: String,
    pub(super) to: Option<String>,
    pub(super) fallback: Option<RawTarget>,
    pub(super) requires: Vec<String>,
    pub(super) span: Span,
}

/// A row of the variables table, as written (escaped Markdown).
#[derive(Debug)]
pub(super) struct RawVar {
    pub(super) id: String,
    pub(super) kind: String,
    pub(super) need: String,
    pub(super) example: String,
    pub(super) pii: String,
    pub(super) description: String,
    pub(super) span: Span,
}

/// The things a callee might say that give a signal: the signal's words,
/// and the examples (escaped Markdown).
#[derive(Debug)]
pub(super) struct RawExamples {
    pub(super) words: String,
    pub(super) examples: Vec<String>,
}

/// A callee's prompt, read: its identity, the id its heading gives when
/// the document has several callees, and its parts.
#[derive(Debug, Default)]
pub(super) struct CalleeDoc {
    pub(super) party: PartyDoc,
    pub(super) label: Option<String>,
    pub(super) background: Vec<(String, String)>,
    pub(super) concerns: Vec<(Priority, String)>,
    pub(super) concerns_span: Option<Span>,
    pub(super) behavior: Vec<String>,
    pub(super) style_note: Option<String>,
    pub(super) avoid: Vec<String>,
    pub(super) prefer: Vec<String>,
    pub(super) examples: Vec<RawExamples>,
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
    /// The captures each caller-side end condition requires (ids as
    /// written), by its index in `caller_ends`, and where the note is.
    pub(super) end_requires: Vec<(usize, Vec<String>, Span)>,
    pub(super) callee_ends: Vec<String>,
    pub(super) transfers: Vec<RawTransfer>,
    /// Who speaks first, when a note says so.
    pub(super) first_speaker: Option<Speaker>,
    /// The seconds of silence the flow states: by the wait rule, and by
    /// each silence note.
    pub(super) silence_rule: Option<u32>,
    pub(super) silence_notes: Vec<u32>,
    pub(super) closing: Option<String>,
    /// The rows of the variables table.
    pub(super) vars: Vec<RawVar>,
    /// The signals' examples of the callee being read.
    pub(super) examples: Vec<RawExamples>,
    /// The id the heading of the callee being read gives.
    pub(super) callee_label: Option<String>,
    /// The callees read, in order (the callee being read is in the fields
    /// above until [`Doc::finish_callee`]).
    pub(super) callees: Vec<CalleeDoc>,
    pub(super) unplaced: Vec<Unplaced>,
}

impl Doc {
    /// Moves the callee being read into [`Doc::callees`]; the fields are
    /// then empty for the next one.
    pub(super) fn finish_callee(&mut self) {
        self.callees.push(CalleeDoc {
            party: std::mem::take(&mut self.callee),
            label: self.callee_label.take(),
            background: std::mem::take(&mut self.background),
            concerns: std::mem::take(&mut self.concerns),
            concerns_span: self.concerns_span.take(),
            behavior: std::mem::take(&mut self.behavior),
            style_note: self.style_note.take(),
            avoid: std::mem::take(&mut self.avoid),
            prefer: std::mem::take(&mut self.prefer),
            examples: std::mem::take(&mut self.examples),
        });
    }
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
    /// `### 你可能的说法（…）`: the signals' examples.
    Signals,
}
