//! Lowering: pest pairs → the owned [`ast`] tree, collecting comments into
//! a side table and decoding strings. The grammar guarantees the shape of
//! the pairs, so a mismatch here is a bug in this file, not in the input;
//! it is still handled without panicking.

use pest::iterators::{Pair, Pairs};
use smallvec::SmallVec;

use super::text;
use super::{Rule, reserved_id};
use crate::ast::{
    Branch, Call, CallItem, Capture, CaptureType, Comment, Concern, EndBlock, EndItem, Entries, EntriesItem, Entry,
    Faq, FaqItem, Field, File, Flow, FlowItem, Ident, LintAttr, Party, PartyItem, PartyKind, Priority, Qa, QaItem,
    Requires, Retry, Signal, SignalItem, Step, StepItem, Style, StyleItem, Target, Text, Transfer, TransferItem,
    Transition, TypeArgs, Value, Var, VarPart, Vars, VarsItem, When,
};
use crate::codes::{Code, Level};
use crate::diagnostic::{Collector, Diagnostic};
use crate::lang;
use crate::source::Span;

/// Lowers the pairs of a `file` parse (comments unsorted when `at` is not
/// [`Positions::FILE`]: the caller adds the pieces' and sorts).
pub fn file(pairs: Pairs<'_, Rule>, at: Positions, diags: &mut Collector) -> Option<File> {
    let mut cx = Lower {
        diags,
        comments: Vec::new(),
        at,
    };
    let file = pairs.into_iter().next()?;
    let call = cx.children(file).into_iter().find(|p| p.as_rule() == Rule::call)?;
    let call = cx.call(call);
    let mut comments = cx.comments;
    comments.sort_by_key(|c| c.span.start);
    Some(File {
        call,
        comments,
        overflow: Vec::new(),
    })
}

/// Lowers the pairs of a `flow_items` parse (a piece of a flow's body that
/// starts at `at`), appending its items and comments.
pub fn flow_items(
    pairs: Pairs<'_, Rule>,
    at: Positions,
    diags: &mut Collector,
    items: &mut Vec<FlowItem>,
    comments: &mut Vec<Comment>,
) -> Option<()> {
    append_piece(pairs, at, diags, items, comments, Lower::flow_item)
}

/// Lowers the pairs of a `step_items` parse (a piece of one large step's
/// body that starts at `at`), appending its statements and comments.
pub fn step_items(
    pairs: Pairs<'_, Rule>,
    at: Positions,
    diags: &mut Collector,
    items: &mut Vec<StepItem>,
    comments: &mut Vec<Comment>,
) -> Option<()> {
    append_piece(pairs, at, diags, items, comments, Lower::step_item)
}

/// A piece's children lowered one by one with `item`, appended to `items`;
/// the piece's comments appended to `comments`.
fn append_piece<'d, T>(
    pairs: Pairs<'_, Rule>,
    at: Positions,
    diags: &'d mut Collector,
    items: &mut Vec<T>,
    comments: &mut Vec<Comment>,
    item: fn(&mut Lower<'d>, Pair<'_, Rule>) -> Option<T>,
) -> Option<()> {
    let mut cx = Lower {
        diags,
        comments: std::mem::take(comments),
        at,
    };
    let top = pairs.into_iter().next()?;
    let kids = cx.children(top);
    items.extend(cx.items(kids, item));
    *comments = cx.comments;
    Some(())
}

/// Where the text a parse saw sits in the file: callc parses a large flow
/// in pieces (see [`super::parse`]), so a pair's offsets are moved by the
/// start of its piece (`base`), or, in the parse of everything around the
/// flow's steps, by the length of the steps cut out at `cut` (`gap`).
#[derive(Clone, Copy, Debug)]
pub struct Positions {
    base: usize,
    cut: usize,
    gap: usize,
}

impl Positions {
    /// Offsets are the file's own.
    pub const FILE: Self = Self {
        base: 0,
        cut: usize::MAX,
        gap: 0,
    };

    /// The text parsed starts at byte `base` of the file.
    pub fn piece(base: usize) -> Self {
        Self {
            base,
            cut: usize::MAX,
            gap: 0,
        }
    }

    /// The text parsed is the file with `gap` bytes removed at byte `cut`.
    pub fn around(cut: usize, gap: usize) -> Self {
        Self { base: 0, cut, gap }
    }

    /// The text parsed starts at byte `base` of the file, with `gap` bytes
    /// removed at byte `cut` of the text parsed (a large step's body).
    pub fn piece_around(base: usize, cut: usize, gap: usize) -> Self {
        Self { base, cut, gap }
    }

    /// A position where something starts (at the cut: after it).
    fn start(self, p: usize) -> usize {
        self.base + p + if p >= self.cut { self.gap } else { 0 }
    }

    /// A position where something ends (at the cut: before it).
    fn end(self, p: usize) -> usize {
        self.base + p + if p > self.cut { self.gap } else { 0 }
    }
}

/// The meaningful children of one pair.
type Kids<'i> = SmallVec<[Pair<'i, Rule>; 8]>;

struct Lower<'d> {
    diags: &'d mut Collector,
    comments: Vec<Comment>,
    at: Positions,
}

impl Lower<'_> {
    /// The meaningful children of a pair: comments go to the side table,
    /// keywords and punctuation are dropped. Held inline (no allocation) up
    /// to eight: a 10 MB spec has a million pairs.
    fn children<'i>(&mut self, pair: Pair<'i, Rule>) -> Kids<'i> {
        let inner = pair.into_inner();
        // Sized once (pest knows the count): a flow's children are all its steps.
        let mut out = Kids::with_capacity(inner.len());
        for p in inner {
            match p.as_rule() {
                Rule::COMMENT => self.comment(&p),
                Rule::kw_call
                | Rule::kw_caller
                | Rule::kw_callee
                | Rule::kw_knows
                | Rule::kw_background
                | Rule::kw_concern
                | Rule::kw_style
                | Rule::kw_signal
                | Rule::kw_flow
                | Rule::kw_step
                | Rule::kw_say
                | Rule::kw_next
                | Rule::kw_on
                | Rule::kw_end
                | Rule::kw_covers
                | Rule::kw_faq
                | Rule::kw_qa
                | Rule::kw_when
                | Rule::kw_capture
                | Rule::kw_retry
                | Rule::kw_transfer
                | Rule::kw_requires
                | Rule::kw_fallback
                | Rule::kw_vars
                | Rule::kw_extends
                | Rule::dots
                | Rule::lbrace
                | Rule::rbrace
                | Rule::lparen
                | Rule::rparen
                | Rule::arrow
                | Rule::comma
                | Rule::EOI => {}
                _ => out.push(p),
            }
        }
        out
    }

    /// Keeps a comment in the side table (and reports hidden characters in it).
    fn comment(&mut self, p: &Pair<'_, Rule>) {
        let c = comment(p, self.at);
        text::comment(&c.text, c.span.start, self.diags);
        self.comments.push(c);
    }

    /// The items of a block, in source order: each child lowered by `item`
    /// (the block's `…_item`, which reports a child it does not expect and
    /// gives `None`).
    fn items<'i, T>(
        &mut self,
        kids: impl IntoIterator<Item = Pair<'i, Rule>>,
        item: fn(&mut Self, Pair<'i, Rule>) -> Option<T>,
    ) -> Vec<T> {
        let kids = kids.into_iter();
        // Sized once: on parsed input every child is an item.
        let mut items = Vec::with_capacity(kids.size_hint().0);
        for p in kids {
            if let Some(i) = item(self, p) {
                items.push(i);
            }
        }
        items
    }

    /// A block that opens with its keyword (`knows`, `style`, `flow`, `faq`,
    /// `end`): its items, where its keyword is, and where it is.
    fn keyword_block<'i, T>(
        &mut self,
        pair: Pair<'i, Rule>,
        item: fn(&mut Self, Pair<'i, Rule>) -> Option<T>,
    ) -> (Vec<T>, Span, Span) {
        let (sp, keyword) = (span(&pair, self.at), keyword_span(&pair, self.at));
        let kids = self.children(pair);
        (self.items(kids, item), keyword, sp)
    }

    /// A child the grammar allows where this lowering does not expect it: a
    /// grammar rule added without its lowering. Reported rather than dropped,
    /// so that no text of the file is lost without a word.
    fn unhandled<T>(&mut self, p: &Pair<'_, Rule>) -> Option<T> {
        let d = Diagnostic::new(
            Code::E0001,
            span(p, self.at),
            format!("callc cannot read this {:?} here (an internal error)", p.as_rule()),
        )
        .label("not understood by callc")
        .note("the grammar accepts it, but callc's lowering (src/syntax/lower.rs) has no case for it")
        .help("please report this with the file; nothing was written");
        self.diags.push(d);
        None
    }

    /// An identifier that declares something (so it may not be `end`).
    fn decl(&mut self, p: &Pair<'_, Rule>) -> Ident {
        let id = ident(p, self.at);
        if id.name == "end" || id.name == "transfer" {
            self.diags.push(reserved_id(&id.name, id.span));
        }
        id
    }

    fn text(&mut self, p: &Pair<'_, Rule>) -> Text {
        text::decode(p.as_str(), self.at.start(p.as_span().start()), self.diags)
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> Call {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let items = self.items(kids, Self::call_item);
        Call { id, items, span: sp }
    }

    fn call_item(&mut self, p: Pair<'_, Rule>) -> Option<CallItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => CallItem::Lint(self.lint(p)),
            Rule::caller => CallItem::Party(self.party(p, PartyKind::Caller)),
            Rule::callee => CallItem::Party(self.party(p, PartyKind::Callee)),
            Rule::signal => CallItem::Signal(self.signal(p)),
            Rule::vars => CallItem::Vars(self.vars(p)),
            Rule::flow => CallItem::Flow(self.flow(p)),
            Rule::faq => CallItem::Faq(self.faq(p)),
            Rule::end_block => CallItem::End(self.end_block(p)),
            Rule::field => CallItem::Field(self.field(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn lint(&mut self, pair: Pair<'_, Rule>) -> LintAttr {
        let sp = span(&pair, self.at);
        let kids = self.children(pair);
        let level = kids
            .first()
            .and_then(|p| lang::lint_level(p.as_str()))
            .unwrap_or(Level::Allow);
        let lint = kids.get(1).map_or_else(|| missing(sp), |p| ident(p, self.at));
        LintAttr { level, lint, span: sp }
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Field {
        let sp = span(&pair, self.at);
        let kids = self.children(pair);
        let name = kids.first().map_or_else(|| missing(sp), |p| ident(p, self.at));
        let value = self.value(kids.get(1), sp);
        Field { name, value, span: sp }
    }

    /// A `value` (a string, a number or a word); `at` stands in when it is
    /// missing.
    fn value(&mut self, p: Option<&Pair<'_, Rule>>, at: Span) -> Value {
        match p {
            Some(p) if p.as_rule() == Rule::integer => Value::Integer(p.as_str().to_owned(), span(p, self.at)),
            Some(p) if p.as_rule() == Rule::word => Value::Word(ident(p, self.at)),
            Some(p) => Value::Text(self.text(p)),
            None => Value::Word(missing(at)),
        }
    }

    fn vars(&mut self, pair: Pair<'_, Rule>) -> Vars {
        let (items, keyword, span) = self.keyword_block(pair, Self::vars_item);
        Vars { items, keyword, span }
    }

    fn vars_item(&mut self, p: Pair<'_, Rule>) -> Option<VarsItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => VarsItem::Lint(self.lint(p)),
            Rule::var => VarsItem::Var(self.var(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn var(&mut self, pair: Pair<'_, Rule>) -> Var {
        let sp = span(&pair, self.at);
        let mut id = None;
        let mut kind = None;
        let mut parts = Vec::new();
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::var_id => id = Some(self.decl(&p)),
                Rule::capture_type => kind = Some(self.capture_type(p)),
                Rule::line_string | Rule::block_string => parts.push(VarPart::Description(self.text(&p))),
                Rule::var_pii => parts.push(VarPart::Pii(span(&p, self.at))),
                Rule::var_need | Rule::var_example => {
                    let at = span(&p, self.at);
                    let example = p.as_rule() == Rule::var_example;
                    let mut inner = Vec::new();
                    for q in p.into_inner() {
                        if q.as_rule() == Rule::COMMENT {
                            self.comment(&q);
                        } else {
                            inner.push(q);
                        }
                    }
                    let mut inner = inner.into_iter();
                    let Some(word) = inner.next() else { continue };
                    let word_span = span(&word, self.at);
                    parts.push(match word.as_rule() {
                        Rule::kw_required => VarPart::Required(word_span),
                        Rule::kw_optional => VarPart::Optional(word_span),
                        _ => {
                            let value = self.value(inner.next().as_ref(), at);
                            if example {
                                VarPart::Example(word_span, value)
                            } else {
                                VarPart::Default(word_span, value)
                            }
                        }
                    });
                }
                _ => {
                    self.unhandled::<()>(&p);
                }
            }
        }
        Var {
            kind: kind.unwrap_or_else(|| CaptureType {
                name: missing(sp),
                args: None,
                span: Span::new(sp.start, sp.start),
            }),
            id: id.unwrap_or_else(|| missing(sp)),
            parts,
            span: sp,
        }
    }

    fn party(&mut self, pair: Pair<'_, Rule>, kind: PartyKind) -> Party {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter().peekable();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let extends = kids.next_if(|p| p.as_rule() == Rule::extends).and_then(|p| {
            let mut base = None;
            for q in p.into_inner() {
                match q.as_rule() {
                    Rule::COMMENT => self.comment(&q),
                    Rule::base_id => base = Some(ident(&q, self.at)),
                    _ => {}
                }
            }
            base
        });
        let items = self.items(kids, Self::party_item);
        Party {
            kind,
            id,
            extends,
            items,
            span: sp,
        }
    }

    fn party_item(&mut self, p: Pair<'_, Rule>) -> Option<PartyItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => PartyItem::Lint(self.lint(p)),
            Rule::knows => PartyItem::Knows(self.entries(p)),
            Rule::background => PartyItem::Background(self.entries(p)),
            Rule::concern => PartyItem::Concern(self.concern(p)),
            Rule::style => PartyItem::Style(self.style(p)),
            Rule::field => PartyItem::Field(self.field(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn entries(&mut self, pair: Pair<'_, Rule>) -> Entries {
        let (items, keyword, span) = self.keyword_block(pair, Self::entries_item);
        Entries { items, keyword, span }
    }

    fn entries_item(&mut self, p: Pair<'_, Rule>) -> Option<EntriesItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => EntriesItem::Lint(self.lint(p)),
            Rule::entry => EntriesItem::Entry(self.entry(p)?),
            _ => return self.unhandled(&p),
        })
    }

    fn entry(&mut self, pair: Pair<'_, Rule>) -> Option<Entry> {
        let kids = self.children(pair);
        let (Some(label), Some(value)) = (kids.first(), kids.get(1)) else {
            return None;
        };
        let quoted = label.as_rule() == Rule::line_string;
        let label_text = if quoted {
            let t = self.text(label);
            t.as_literal().unwrap_or(label.as_str()).to_owned()
        } else {
            label.as_str().to_owned()
        };
        Some(Entry {
            label: label_text,
            label_span: span(label, self.at),
            quoted_label: quoted,
            value: self.text(value),
        })
    }

    fn concern(&mut self, pair: Pair<'_, Rule>) -> Concern {
        let sp = span(&pair, self.at);
        let kids = self.children(pair);
        let id = kids.first().map_or_else(|| missing(sp), |p| self.decl(p));
        let priority = kids
            .get(1)
            .and_then(|p| lang::priority(p.as_str()))
            .unwrap_or(Priority::Primary);
        let text = kids.get(2).map_or_else(|| empty_text(sp), |p| self.text(p));
        Concern {
            id,
            priority,
            text,
            span: sp,
        }
    }

    fn style(&mut self, pair: Pair<'_, Rule>) -> Style {
        let (items, keyword, span) = self.keyword_block(pair, Self::style_item);
        Style { items, keyword, span }
    }

    fn style_item(&mut self, p: Pair<'_, Rule>) -> Option<StyleItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => StyleItem::Lint(self.lint(p)),
            Rule::field => StyleItem::Field(self.field(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn signal(&mut self, pair: Pair<'_, Rule>) -> Signal {
        let sp = span(&pair, self.at);
        let open = pair.clone().into_inner().find(|p| p.as_rule() == Rule::lbrace);
        let body = open.map(|p| Span::new(span(&p, self.at).start, sp.end));
        let mut kids = self.children(pair).into_iter().peekable();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let description = kids
            .next_if(|p| matches!(p.as_rule(), Rule::line_string | Rule::block_string))
            .map(|p| self.text(&p));
        let items = self.items(kids, Self::signal_item);
        Signal {
            id,
            description,
            items,
            body,
            span: sp,
        }
    }

    fn signal_item(&mut self, p: Pair<'_, Rule>) -> Option<SignalItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => SignalItem::Lint(self.lint(p)),
            Rule::field => SignalItem::Field(self.field(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn flow(&mut self, pair: Pair<'_, Rule>) -> Flow {
        let (items, keyword, span) = self.keyword_block(pair, Self::flow_item);
        Flow { items, keyword, span }
    }

    fn flow_item(&mut self, p: Pair<'_, Rule>) -> Option<FlowItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => FlowItem::Lint(self.lint(p)),
            Rule::step => FlowItem::Step(self.step(p)),
            Rule::branch => FlowItem::Branch(self.branch(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn step(&mut self, pair: Pair<'_, Rule>) -> Step {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter().peekable();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let title = kids
            .next_if(|p| matches!(p.as_rule(), Rule::line_string | Rule::block_string))
            .map(|p| self.text(&p));
        let covers = self.covers(&mut kids);
        let items = self.items(kids, Self::step_item);
        Step {
            id,
            title,
            covers,
            items,
            span: sp,
        }
    }

    /// One statement of a step: `say`, `next`, `->`, `on … -> …`, a lint attribute.
    fn step_item(&mut self, p: Pair<'_, Rule>) -> Option<StepItem> {
        match p.as_rule() {
            Rule::say => {
                let kids = self.children(p);
                kids.first().map(|s| StepItem::Say(self.text(s)))
            }
            Rule::next | Rule::goto => {
                let arrow = p.as_rule() == Rule::goto;
                let sp = span(&p, self.at);
                let kids = self.children(p);
                kids.into_iter().next().map(|t| {
                    let target = self.target(t);
                    StepItem::Next(Transition {
                        arrow,
                        target,
                        span: sp,
                    })
                })
            }
            Rule::branch => Some(StepItem::Branch(self.branch(p))),
            Rule::continue_stmt => Some(StepItem::Continue(span(&p, self.at))),
            Rule::capture => Some(StepItem::Capture(self.capture(p))),
            Rule::retry => Some(StepItem::Retry(self.retry(p))),
            Rule::lint_attr => Some(StepItem::Lint(self.lint(p))),
            _ => self.unhandled(&p),
        }
    }

    /// `next TARGET`, `-> TARGET` or `fallback TARGET`.
    fn transition(&mut self, p: Pair<'_, Rule>) -> Transition {
        let arrow = p.as_rule() == Rule::goto;
        let sp = span(&p, self.at);
        let target = self.children(p).into_iter().next();
        let target = self.target_or_end(target, sp);
        Transition {
            arrow,
            target,
            span: sp,
        }
    }

    fn capture(&mut self, pair: Pair<'_, Rule>) -> Capture {
        let sp = span(&pair, self.at);
        let mut id = None;
        let mut kind = None;
        let mut optional = None;
        let mut description = None;
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::capture_id => id = Some(self.decl(&p)),
                Rule::capture_type => kind = Some(self.capture_type(p)),
                Rule::kw_optional => optional = Some(span(&p, self.at)),
                Rule::line_string | Rule::block_string => description = Some(self.text(&p)),
                _ => {
                    self.unhandled::<()>(&p);
                }
            }
        }
        let id = id.unwrap_or_else(|| missing(sp));
        Capture {
            kind: kind.unwrap_or_else(|| CaptureType {
                name: missing(sp),
                args: None,
                span: Span::new(sp.start, sp.start),
            }),
            id,
            optional,
            description,
            span: sp,
        }
    }

    fn capture_type(&mut self, pair: Pair<'_, Rule>) -> CaptureType {
        let sp = span(&pair, self.at);
        let mut name = None;
        let mut args = None;
        let mut open = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::COMMENT => self.comment(&p),
                Rule::type_name => name = Some(ident(&p, self.at)),
                Rule::lparen => open = Some(span(&p, self.at).start),
                Rule::rparen => {
                    let close = span(&p, self.at).end;
                    let parens = Span::new(open.unwrap_or(close), close);
                    args = Some(match args.take() {
                        Some(TypeArgs::Range { min, max, .. }) => TypeArgs::Range { min, max, span: parens },
                        Some(TypeArgs::Values { values, .. }) => TypeArgs::Values { values, span: parens },
                        _ => TypeArgs::Empty(parens),
                    });
                }
                Rule::type_range => {
                    let (mut min, mut max, mut after_dots) = (None, None, false);
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::COMMENT => self.comment(&q),
                            Rule::dots => after_dots = true,
                            Rule::integer if after_dots => max = Some((q.as_str().to_owned(), span(&q, self.at))),
                            Rule::integer => min = Some((q.as_str().to_owned(), span(&q, self.at))),
                            _ => {
                                self.unhandled::<()>(&q);
                            }
                        }
                    }
                    args = Some(TypeArgs::Range { min, max, span: sp });
                }
                Rule::type_values => {
                    let values = self.children(p).iter().map(|q| ident(q, self.at)).collect();
                    args = Some(TypeArgs::Values { values, span: sp });
                }
                _ => {
                    self.unhandled::<()>(&p);
                }
            }
        }
        CaptureType {
            name: name.unwrap_or_else(|| missing(sp)),
            args,
            span: sp,
        }
    }

    fn retry(&mut self, pair: Pair<'_, Rule>) -> Retry {
        let sp = span(&pair, self.at);
        let mut count = (String::new(), Span::new(sp.start, sp.start));
        let mut target = Target::End {
            span: sp,
            condition: None,
        };
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::retry_count => count = (p.as_str().to_owned(), span(&p, self.at)),
                Rule::target => target = self.target(p),
                _ => {
                    self.unhandled::<()>(&p);
                }
            }
        }
        Retry {
            count: count.0,
            count_span: count.1,
            target,
            span: sp,
        }
    }

    /// `requires C, …`.
    fn requires(&mut self, pair: Pair<'_, Rule>) -> Requires {
        let sp = span(&pair, self.at);
        let keyword = keyword_span(&pair, self.at);
        let ids = self.children(pair).iter().map(|p| ident(p, self.at)).collect();
        Requires { keyword, ids, span: sp }
    }

    fn transfer(&mut self, pair: Pair<'_, Rule>) -> Transfer {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter().peekable();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let title = kids
            .next_if(|p| matches!(p.as_rule(), Rule::line_string | Rule::block_string))
            .map(|p| self.text(&p));
        let items = self.items(kids, Self::transfer_item);
        Transfer {
            id,
            title,
            items,
            span: sp,
        }
    }

    fn transfer_item(&mut self, p: Pair<'_, Rule>) -> Option<TransferItem> {
        match p.as_rule() {
            Rule::say => {
                let kids = self.children(p);
                kids.first().map(|s| TransferItem::Say(self.text(s)))
            }
            Rule::fallback => Some(TransferItem::Fallback(self.transition(p))),
            Rule::requires => Some(TransferItem::Requires(self.requires(p))),
            Rule::field => Some(TransferItem::Field(self.field(p))),
            Rule::lint_attr => Some(TransferItem::Lint(self.lint(p))),
            _ => self.unhandled(&p),
        }
    }

    /// `covers …`, if it is the next child: the ids it lists.
    fn covers<'i>(&mut self, kids: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>) -> Vec<Ident> {
        kids.next_if(|p| p.as_rule() == Rule::covers)
            .map_or_else(Vec::new, |p| {
                self.children(p).iter().map(|p| ident(p, self.at)).collect()
            })
    }

    fn branch(&mut self, pair: Pair<'_, Rule>) -> Branch {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter();
        let signal = kids.next().map_or_else(|| missing(sp), |p| ident(&p, self.at));
        let target = self.target_or_end(kids.next(), sp);
        Branch {
            signal,
            target,
            span: sp,
        }
    }

    /// The target of a statement, or (never on parsed input, where the
    /// grammar guarantees one) `end` at the statement.
    fn target_or_end(&mut self, pair: Option<Pair<'_, Rule>>, at: Span) -> Target {
        match pair {
            Some(t) => self.target(t),
            None => Target::End {
                span: at,
                condition: None,
            },
        }
    }

    fn target(&mut self, pair: Pair<'_, Rule>) -> Target {
        let sp = span(&pair, self.at);
        let Some(inner) = self.children(pair).into_iter().next() else {
            return Target::End {
                span: sp,
                condition: None,
            };
        };
        if inner.as_rule() == Rule::end_target {
            // From `end` to its `)`: pest's rule span also holds the spaces it
            // skipped looking for a `(` that is not there (`-> end }`).
            let tokens: Vec<Span> = inner
                .clone()
                .into_inner()
                .filter(|p| matches!(p.as_rule(), Rule::kw_end | Rule::rparen))
                .map(|p| span(&p, self.at))
                .collect();
            let isp = match (tokens.first(), tokens.last()) {
                (Some(first), Some(last)) => Span::new(first.start, last.end),
                _ => span(&inner, self.at),
            };
            let condition = self.children(inner).first().map(|p| ident(p, self.at));
            Target::End { span: isp, condition }
        } else if inner.as_rule() == Rule::transfer_target {
            let isp = span(&inner, self.at);
            let id = self
                .children(inner)
                .first()
                .map_or_else(|| missing(isp), |p| ident(p, self.at));
            Target::Transfer { span: isp, id }
        } else {
            Target::Step(ident(&inner, self.at))
        }
    }

    fn faq(&mut self, pair: Pair<'_, Rule>) -> Faq {
        let (items, keyword, span) = self.keyword_block(pair, Self::faq_item);
        Faq { items, keyword, span }
    }

    fn faq_item(&mut self, p: Pair<'_, Rule>) -> Option<FaqItem> {
        Some(match p.as_rule() {
            Rule::lint_attr => FaqItem::Lint(self.lint(p)),
            Rule::qa => FaqItem::Qa(self.qa(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn qa(&mut self, pair: Pair<'_, Rule>) -> Qa {
        let sp = span(&pair, self.at);
        let mut kids = self.children(pair).into_iter().peekable();
        let id = kids.next().map_or_else(|| missing(sp), |p| self.decl(&p));
        let covers = self.covers(&mut kids);
        let items = self.items(kids, Self::qa_item);
        Qa {
            id,
            covers,
            items,
            span: sp,
        }
    }

    fn qa_item(&mut self, p: Pair<'_, Rule>) -> Option<QaItem> {
        Some(match p.as_rule() {
            Rule::field => QaItem::Field(self.field(p)),
            Rule::goto => QaItem::Next(self.transition(p)),
            Rule::branch => QaItem::Branch(self.branch(p)),
            Rule::lint_attr => QaItem::Lint(self.lint(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn end_block(&mut self, pair: Pair<'_, Rule>) -> EndBlock {
        let (items, keyword, span) = self.keyword_block(pair, Self::end_item);
        EndBlock { items, keyword, span }
    }

    fn end_item(&mut self, p: Pair<'_, Rule>) -> Option<EndItem> {
        Some(match p.as_rule() {
            Rule::when => EndItem::When(self.when(p)),
            Rule::transfer => EndItem::Transfer(self.transfer(p)),
            Rule::field => EndItem::Field(self.field(p)),
            Rule::lint_attr => EndItem::Lint(self.lint(p)),
            _ => return self.unhandled(&p),
        })
    }

    fn when(&mut self, pair: Pair<'_, Rule>) -> When {
        let sp = span(&pair, self.at);
        // `callee` is a keyword pair inside `when`: keep it to tell the sides apart.
        let mut id = None;
        let mut caller = None;
        let mut callee = None;
        let mut requires = None;
        let mut after_callee = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::COMMENT => self.comment(&p),
                Rule::end_id => id = Some(self.decl(&p)),
                Rule::kw_callee => after_callee = true,
                Rule::line_string | Rule::block_string if after_callee => callee = Some(self.text(&p)),
                Rule::line_string | Rule::block_string => caller = Some(self.text(&p)),
                Rule::requires => requires = Some(self.requires(p)),
                Rule::kw_when => {}
                _ => {
                    self.unhandled::<()>(&p);
                }
            }
        }
        When {
            id: id.unwrap_or_else(|| missing(sp)),
            caller,
            callee,
            requires,
            span: sp,
        }
    }
}

/// A comment without the carriage return of a CRLF line ending.
fn comment(p: &Pair<'_, Rule>, at: Positions) -> Comment {
    let text = p.as_str().strip_suffix('\r').unwrap_or(p.as_str());
    let start = at.start(p.as_span().start());
    Comment {
        span: Span::new(start, start + text.len()),
        text: text.to_owned(),
    }
}

fn ident(p: &Pair<'_, Rule>, at: Positions) -> Ident {
    Ident {
        name: p.as_str().to_owned(),
        span: span(p, at),
    }
}

fn span(p: &Pair<'_, Rule>, at: Positions) -> Span {
    Span::new(at.start(p.as_span().start()), at.end(p.as_span().end()))
}

/// The span of a block's opening keyword (its first token).
fn keyword_span(p: &Pair<'_, Rule>, at: Positions) -> Span {
    p.clone()
        .into_inner()
        .next()
        .map_or_else(|| span(p, at), |k| span(&k, at))
}

/// A placeholder for a part the grammar guarantees; never reached on parsed input.
fn missing(at: Span) -> Ident {
    Ident {
        name: String::new(),
        span: Span::new(at.start, at.start),
    }
}

fn empty_text(at: Span) -> Text {
    Text {
        parts: crate::ast::TextParts::new(),
        span: Span::new(at.start, at.start),
        block: false,
    }
}

#[cfg(test)]
mod tests {
    use pest::Parser as _;

    use super::{Lower, Positions};
    use crate::codes::Code;
    use crate::diagnostic::Collector;
    use crate::syntax::{CallParser, Rule};

    /// A rule the grammar allows where lowering has no case for it (here a
    /// `say` handed to the flow's lowering) is reported, not dropped.
    #[test]
    fn a_rule_lowering_does_not_expect_is_reported() {
        let pair = CallParser::parse(Rule::say, "say \"你好\"").unwrap().next().unwrap();
        let mut diags = Collector::default();
        let mut cx = Lower {
            diags: &mut diags,
            comments: Vec::new(),
            at: Positions::piece(10),
        };
        assert!(cx.flow_item(pair).is_none());
        let [d] = diags.full.as_slice() else {
            panic!("one diagnostic: {:?}", diags.full)
        };
        assert_eq!(d.code, Code::E0001);
        assert!(d.message.contains("say"), "{}", d.message);
        assert_eq!((d.span.start, d.span.end), (10, 10 + "say \"你好\"".len()));
    }
}
