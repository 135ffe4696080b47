//! The syntax tree: what the file says, as written, with a byte span on
//! every node. Produced by `syntax::parse`, read by `check` (and by the
//! formatter). No pest types appear here.
//!
//! Every block has one shape: its contents are `items`, one enum per block
//! (`CallItem`, `PartyItem`, `EntriesItem`, `StyleItem`, `FlowItem`,
//! `StepItem`, `FaqItem`, `QaItem`, `EndItem`), in source order, declared
//! with `items!`, which also gives the block one accessor per kind of item
//! that a reader wants alone (`fields()`, `lints()`, `steps()`, …). What
//! heads a block (an id, a title, `covers`) is a field of the block itself.

use crate::codes::Level;
use crate::source::Span;

/// Declares the enum of a block's items and, on the block, an accessor for
/// each kind of item marked `=> name`: `name()` walks the block's `items`
/// in source order and yields the items of that kind.
macro_rules! items {
    (
        $(#[$doc:meta])*
        pub enum $item:ident in $block:ident {
            $( $(#[$vdoc:meta])* $variant:ident($ty:ty) $(=> $accessor:ident)?, )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub enum $item {
            $( $(#[$vdoc])* $variant($ty), )*
        }

        impl $block {
            $($(
                #[doc = concat!("The block's `", stringify!($variant), "` items, in source order.")]
                pub fn $accessor(&self) -> impl Iterator<Item = &$ty> {
                    self.items
                        .iter()
                        .filter_map(|i| if let $item::$variant(x) = i { Some(x) } else { None })
                }
            )?)*
        }
    };
}

/// A parsed file: its `call` block and its comments (a side table, in order).
#[derive(Clone, Debug)]
pub struct File {
    /// The one `call` block.
    pub call: Call,
    /// Every `//` comment, in source order.
    pub comments: Vec<Comment>,
    /// Diagnostics of the syntax stage past the ones described in full
    /// ([`crate::diagnostic::Collector`]): code, place, default level.
    pub overflow: Vec<(crate::codes::Code, crate::source::Span, crate::codes::Level)>,
}

/// A `//` comment.
#[derive(Clone, Debug)]
pub struct Comment {
    /// From `//` to the end of the line (without the line break).
    pub span: Span,
    /// The comment text, including `//`.
    pub text: String,
}

/// An identifier as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal, decoded: literal text and `{placeholders}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The pieces, in order; adjacent literals are merged. Most strings are
    /// one literal, held inline (one allocation per string, not two).
    pub parts: TextParts,
    /// The whole literal, quotes included.
    pub span: Span,
    /// Written as a `"""` block.
    pub block: bool,
}

/// The pieces of a [`Text`].
pub type TextParts = smallvec::SmallVec<[TextPart; 1]>;

/// A piece of a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPart {
    /// Text with escapes decoded (and `{{`/`}}` turned into braces).
    Literal(String),
    /// A `{path}` placeholder.
    Placeholder(Placeholder),
}

/// A `{path}` inside a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// What is between the braces.
    pub path: String,
    /// The placeholder, braces included.
    pub span: Span,
}

impl Text {
    /// Whether the text has no visible character (placeholders count as visible).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.parts.iter().all(|p| match p {
            TextPart::Literal(s) => s.trim().is_empty(),
            TextPart::Placeholder(_) => false,
        })
    }

    /// The literal text, if the string holds no placeholder.
    #[must_use]
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [TextPart::Literal(s)] => Some(s),
            _ => None,
        }
    }
}

/// A scalar value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string.
    Text(Text),
    /// A whole number, as written (it may not fit any integer type).
    Integer(String, Span),
    /// A bare word such as `male`.
    Word(Ident),
}

impl Value {
    /// Where the value is written.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Value::Text(t) => t.span,
            Value::Integer(_, s) => *s,
            Value::Word(w) => w.span,
        }
    }
}

/// `NAME VALUE`.
#[derive(Clone, Debug)]
pub struct Field {
    /// The field's name.
    pub name: Ident,
    /// The value.
    pub value: Value,
    /// The whole field.
    pub span: Span,
}

/// `allow|warn|deny LINT`.
#[derive(Clone, Debug)]
pub struct LintAttr {
    /// The level set.
    pub level: Level,
    /// The lint's name.
    pub lint: Ident,
    /// The whole attribute.
    pub span: Span,
}

/// `call ID { … }`.
#[derive(Clone, Debug)]
pub struct Call {
    /// The call's id.
    pub id: Ident,
    /// What the block holds, in order.
    pub items: Vec<CallItem>,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of the `call` block.
    pub enum CallItem in Call {
        /// `title`, `locale`, `opening` (or an unknown field).
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
        /// `caller … { }` or `callee … { }`.
        Party(Party),
        /// `signal …`.
        Signal(Signal),
        /// `vars { }`.
        Vars(Vars),
        /// `flow { }`.
        Flow(Flow),
        /// `faq { }`.
        Faq(Faq),
        /// `end { }`.
        End(EndBlock),
    }
}

/// Which side of the call a party block describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartyKind {
    /// `caller`.
    Caller,
    /// `callee`.
    Callee,
}

impl PartyKind {
    /// The keyword.
    #[must_use]
    pub const fn keyword(self) -> &'static str {
        match self {
            PartyKind::Caller => "caller",
            PartyKind::Callee => "callee",
        }
    }
}

/// `caller ID { … }` or `callee ID { … }`.
#[derive(Clone, Debug)]
pub struct Party {
    /// Which party.
    pub kind: PartyKind,
    /// The party's id.
    pub id: Ident,
    /// `extends BASE` (callees only): the callee this one is a variant of.
    pub extends: Option<Ident>,
    /// What the block holds.
    pub items: Vec<PartyItem>,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of a party block.
    pub enum PartyItem in Party {
        /// A scalar field.
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
        /// `knows { }`.
        Knows(Entries),
        /// `background { }`.
        Background(Entries),
        /// `concern …`.
        Concern(Concern) => concerns,
        /// `style { }`.
        Style(Style),
    }
}

/// `knows { … }` or `background { … }`.
#[derive(Clone, Debug)]
pub struct Entries {
    /// Entries and lint attributes, in order.
    pub items: Vec<EntriesItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of a `knows` or `background` block.
    pub enum EntriesItem in Entries {
        /// `LABEL "value"`.
        Entry(Entry) => entries,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `LABEL "value"`.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The label (an identifier or a string's text).
    pub label: String,
    /// Where the label is written.
    pub label_span: Span,
    /// The label was written as a string.
    pub quoted_label: bool,
    /// The value.
    pub value: Text,
}

/// How much a concern matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// The callee's first worry.
    Primary,
    /// A second worry.
    Secondary,
    /// A worry the callee may not voice.
    Latent,
}

impl Priority {
    /// The keyword.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Primary => "primary",
            Priority::Secondary => "secondary",
            Priority::Latent => "latent",
        }
    }
}

/// `concern ID PRIORITY "…"`.
#[derive(Clone, Debug)]
pub struct Concern {
    /// The id.
    pub id: Ident,
    /// The priority.
    pub priority: Priority,
    /// The concern's text.
    pub text: Text,
    /// The whole statement.
    pub span: Span,
}

/// `style { … }`.
#[derive(Clone, Debug)]
pub struct Style {
    /// Fields and lint attributes, in order.
    pub items: Vec<StyleItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of a `style` block.
    pub enum StyleItem in Style {
        /// `note`, `avoid`, `prefer` (or an unknown field).
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `signal ID "…" { example "…" }`.
#[derive(Clone, Debug)]
pub struct Signal {
    /// The id.
    pub id: Ident,
    /// What the signal means.
    pub description: Option<Text>,
    /// What the braces hold (`example` fields), in order.
    pub items: Vec<SignalItem>,
    /// The braces and what they hold, if written.
    pub body: Option<Span>,
    /// The whole statement.
    pub span: Span,
}

items! {
    /// An item of a signal's braces.
    pub enum SignalItem in Signal {
        /// `example "…"` (or an unknown field).
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `vars { … }`: the per-call variables.
#[derive(Clone, Debug)]
pub struct Vars {
    /// Variables and lint attributes, in order.
    pub items: Vec<VarsItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of a `vars` block.
    pub enum VarsItem in Vars {
        /// A variable.
        Var(Var) => vars,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `ID TYPE required example "…" pii "…"`: one per-call variable.
#[derive(Clone, Debug)]
pub struct Var {
    /// The id.
    pub id: Ident,
    /// The type, as written.
    pub kind: CaptureType,
    /// What follows the type, in the order written.
    pub parts: Vec<VarPart>,
    /// The whole line.
    pub span: Span,
}

/// A part of a variable's line after its type.
#[derive(Clone, Debug)]
pub enum VarPart {
    /// `required` (its span).
    Required(Span),
    /// `optional` (its span).
    Optional(Span),
    /// `default VALUE`: the keyword's span and the value.
    Default(Span, Value),
    /// `example VALUE`: the keyword's span and the value.
    Example(Span, Value),
    /// `pii` (its span).
    Pii(Span),
    /// A string: what the variable is.
    Description(Text),
}

impl VarPart {
    /// Where the part is written.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            VarPart::Required(s) | VarPart::Optional(s) | VarPart::Pii(s) => *s,
            VarPart::Default(s, v) | VarPart::Example(s, v) => Span::new(s.start, v.span().end),
            VarPart::Description(t) => t.span,
        }
    }
}

/// `flow { … }`.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Steps, global branches and lint attributes, in order.
    pub items: Vec<FlowItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of the flow.
    pub enum FlowItem in Flow {
        /// A step.
        Step(Step) => steps,
        /// A global branch.
        Branch(Branch),
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `step ID "title" covers … { … }`.
#[derive(Clone, Debug)]
pub struct Step {
    /// The id.
    pub id: Ident,
    /// The title.
    pub title: Option<Text>,
    /// The concerns this step addresses.
    pub covers: Vec<Ident>,
    /// The statements of the step.
    pub items: Vec<StepItem>,
    /// The whole step.
    pub span: Span,
}

items! {
    /// A statement in a step.
    pub enum StepItem in Step {
        /// `say "…"`.
        Say(Text),
        /// `next TARGET` or `-> TARGET`.
        Next(Transition),
        /// `on SIGNAL -> TARGET`.
        Branch(Branch),
        /// `continue`: the keyword's span.
        Continue(Span),
        /// `capture ID TYPE [optional] "…"`.
        Capture(Capture) => captures,
        /// `retry N -> TARGET`.
        Retry(Retry),
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `capture ID TYPE [optional] "description"`.
#[derive(Clone, Debug)]
pub struct Capture {
    /// The id.
    pub id: Ident,
    /// The type, as written.
    pub kind: CaptureType,
    /// The `optional` keyword, if written.
    pub optional: Option<Span>,
    /// What to capture.
    pub description: Option<Text>,
    /// The whole statement.
    pub span: Span,
}

/// A capture's type as written: `email`, `integer(1..500)`, `one_of(a, b)`.
#[derive(Clone, Debug)]
pub struct CaptureType {
    /// The type word.
    pub name: Ident,
    /// The parenthesised arguments, if written.
    pub args: Option<TypeArgs>,
    /// The whole type, arguments included.
    pub span: Span,
}

/// The arguments of a capture type, `(…)`.
#[derive(Clone, Debug)]
pub enum TypeArgs {
    /// `()`.
    Empty(Span),
    /// `(A..B)`, `(A..)`, `(..B)`: whole numbers as written, with spans.
    Range {
        /// The lower bound.
        min: Option<(String, Span)>,
        /// The upper bound.
        max: Option<(String, Span)>,
        /// The parentheses and what they hold.
        span: Span,
    },
    /// `(a, b, …)`.
    Values {
        /// The words.
        values: Vec<Ident>,
        /// The parentheses and what they hold.
        span: Span,
    },
}

impl TypeArgs {
    /// Where the arguments are written, parentheses included.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            TypeArgs::Empty(span) | TypeArgs::Range { span, .. } | TypeArgs::Values { span, .. } => *span,
        }
    }
}

/// `retry N -> TARGET`.
#[derive(Clone, Debug)]
pub struct Retry {
    /// N, as written (checked after parsing: 1 to 9).
    pub count: String,
    /// Where N is written.
    pub count_span: Span,
    /// Where the call goes when the retries are spent.
    pub target: Target,
    /// The whole statement.
    pub span: Span,
}

/// `next TARGET` or `-> TARGET`.
#[derive(Clone, Debug)]
pub struct Transition {
    /// Written with `->` rather than `next`.
    pub arrow: bool,
    /// Where it leads.
    pub target: Target,
    /// The whole statement.
    pub span: Span,
}

/// `on SIGNAL -> TARGET`.
#[derive(Clone, Debug)]
pub struct Branch {
    /// The signal.
    pub signal: Ident,
    /// Where it leads.
    pub target: Target,
    /// The whole statement.
    pub span: Span,
}

/// Where a transition leads.
#[derive(Clone, Debug)]
pub enum Target {
    /// A step.
    Step(Ident),
    /// The end of the call, optionally naming an end condition.
    End {
        /// `end` or `end(ID)`.
        span: Span,
        /// The end condition named.
        condition: Option<Ident>,
    },
    /// `transfer(ID)`: a hand-over declared in `end`.
    Transfer {
        /// The whole target.
        span: Span,
        /// The transfer named.
        id: Ident,
    },
}

impl Target {
    /// Where the target is written.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Target::Step(id) => id.span,
            Target::End { span, .. } | Target::Transfer { span, .. } => *span,
        }
    }
}

/// `faq { … }`.
#[derive(Clone, Debug)]
pub struct Faq {
    /// Entries and lint attributes, in order.
    pub items: Vec<FaqItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of the `faq` block.
    pub enum FaqItem in Faq {
        /// `qa … { }`.
        Qa(Qa) => qas,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `qa ID covers … { q … a … }`.
#[derive(Clone, Debug)]
pub struct Qa {
    /// The id.
    pub id: Ident,
    /// The concerns this answer addresses.
    pub covers: Vec<Ident>,
    /// Fields and lint attributes, in order.
    pub items: Vec<QaItem>,
    /// The whole entry.
    pub span: Span,
}

items! {
    /// An item of a `qa` block.
    pub enum QaItem in Qa {
        /// `q`, `a` (or an unknown field).
        Field(Field) => fields,
        /// `-> TARGET`: misplaced (an answer returns to the step); parsed so
        /// that the checker can say so.
        Next(Transition),
        /// `on SIGNAL -> TARGET`: misplaced, as `Next`.
        Branch(Branch),
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `end { … }`.
#[derive(Clone, Debug)]
pub struct EndBlock {
    /// End conditions, fields and lint attributes, in order.
    pub items: Vec<EndItem>,
    /// The keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of the `end` block.
    pub enum EndItem in EndBlock {
        /// `when …`: an end condition.
        When(When) => conditions,
        /// `transfer …`: a hand-over to a person or queue.
        Transfer(Transfer) => transfers,
        /// `closing` (or an unknown field).
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}

/// `when ID "caller side" callee "callee side"`.
#[derive(Clone, Debug)]
pub struct When {
    /// The id.
    pub id: Ident,
    /// The caller's wording.
    pub caller: Option<Text>,
    /// The callee's wording.
    pub callee: Option<Text>,
    /// `requires C, …`, if written.
    pub requires: Option<Requires>,
    /// The whole statement.
    pub span: Span,
}

/// `requires C, …`.
#[derive(Clone, Debug)]
pub struct Requires {
    /// The keyword.
    pub keyword: Span,
    /// The captures named.
    pub ids: Vec<Ident>,
    /// The whole clause.
    pub span: Span,
}

/// `transfer ID "title" { say "…" to "…" fallback TARGET requires C }`.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The id.
    pub id: Ident,
    /// Who takes the call.
    pub title: Option<Text>,
    /// What it holds, in order.
    pub items: Vec<TransferItem>,
    /// The whole block.
    pub span: Span,
}

items! {
    /// An item of a `transfer` block.
    pub enum TransferItem in Transfer {
        /// `say "…"`: the line said before transferring.
        Say(Text),
        /// `fallback TARGET`.
        Fallback(Transition),
        /// `requires C, …`.
        Requires(Requires),
        /// `to` (or an unknown field).
        Field(Field) => fields,
        /// `allow …`.
        Lint(LintAttr) => lints,
    }
}
