//! The parts of a call that listens: who speaks first and how long a
//! silence lasts (`first_speaker`, `silence_timeout`), a step's `continue`,
//! its captures and their types, its `retry`, the transfers of `end`, and a
//! transition written in an FAQ answer (which returns to its step and
//! cannot move the call). Each checked (E0104–E0107, E0111) and made into
//! its part of the IR.

use std::collections::BTreeMap;

use crate::ast::{self, StepItem, TypeArgs, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir::{self, Speaker, ValueType, value};
use crate::lang::{self, Block};
use crate::source::Span;

use super::fields::{self, Collected};
use super::render::Renderer;
use super::resolve::{Named, Names, skipped_fields};
use super::{Checker, suggest};

/// The greatest retry bound: one digit keeps unrolled flows small and is
/// above every runtime's default (docs/language.md, "Bounded retries").
pub(crate) const MAX_RETRY: u8 = 9;

/// The longest silence a spec may wait for, in seconds.
pub(crate) const MAX_SILENCE_TIMEOUT: u32 = 600;

impl Checker<'_> {
    /// `first_speaker` and `silence_timeout` of the call.
    pub(super) fn turn_fields(&mut self, fields: &Collected<'_>) -> (Speaker, u32, bool) {
        let mut speaker = Speaker::default();
        if let Some(f) = fields.get("first_speaker").and_then(|v| v.first())
            && let Value::Word(w) = &f.value
        {
            if let Some(&(_, s)) = lang::SPEAKERS.iter().find(|(word, _)| *word == w.name) {
                speaker = s;
            } else {
                let words = || lang::SPEAKERS.iter().map(|(word, _)| *word);
                let best = lang::SPEAKER_ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == w.name)
                    .map(|&(_, meant)| meant)
                    .or_else(|| suggest(&w.name, words()));
                let mut d = Diagnostic::new(
                    Code::E0106,
                    w.span,
                    format!("`{}` is not a party that can speak first", w.name),
                )
                .label(format!("expected {}", lang::one_of(words())))
                .note("`callee`: the callee picks up and speaks first, then the opening is said (the default for outbound calls); `caller`: the opening is said as soon as the line connects");
                if let Some(best) = best {
                    d = d.help(format!("did you mean `{best}`?")).fix(w.span, best);
                }
                self.diags.push(d);
            }
        }
        let mut timeout = ir::DEFAULT_SILENCE_TIMEOUT;
        let mut explicit = false;
        if let Some(f) = fields.get("silence_timeout").and_then(|v| v.first())
            && let Value::Integer(digits, span) = &f.value
        {
            match digits.parse::<u32>() {
                Ok(n) if (1..=MAX_SILENCE_TIMEOUT).contains(&n) => {
                    timeout = n;
                    explicit = true;
                }
                _ => self.diags.push(
                    Diagnostic::new(
                        Code::E0106,
                        *span,
                        format!(
                            "`silence_timeout` is a number of seconds from 1 to {MAX_SILENCE_TIMEOUT}, not {}",
                            shorten(digits)
                        ),
                    )
                    .label("out of range")
                    .help(format!(
                        "the default is {}; runtimes wait between a few seconds and a minute",
                        ir::DEFAULT_SILENCE_TIMEOUT
                    )),
                ),
            }
        }
        (speaker, timeout, explicit)
    }

    /// The step's `continue`, if written (E0105 for a second one).
    pub(super) fn continues(&mut self, s: &ast::Step) -> Option<Span> {
        let mut first = None;
        for item in &s.items {
            if let StepItem::Continue(at) = item {
                if let Some(first) = first {
                    self.diags.push(
                        Diagnostic::new(Code::E0105, *at, format!("step `{}` has two `continue`", s.id.name))
                            .label("given again here")
                            .with_secondary(first, "first given here")
                            .help("one `continue` says the step does not wait; remove this one")
                            .fix(*at, ""),
                    );
                } else {
                    first = Some(*at);
                }
            }
        }
        first
    }

    /// A step's `capture`: its type checked, its description rendered.
    pub(super) fn capture(
        &mut self,
        r: &mut Renderer<'_>,
        c: &ast::Capture,
        step: usize,
        ctx: &Named<'_>,
        continues: Option<Span>,
    ) -> ir::Capture {
        if let Some(at) = continues {
            self.diags.push(
                Diagnostic::new(
                    Code::E0111,
                    c.id.span,
                    format!(
                        "{ctx} does not wait for a reply (`continue`), so it cannot capture `{}`",
                        c.id.name
                    ),
                )
                .label("a capture needs a reply to take the value from")
                .with_secondary(at, "the step goes on without waiting here")
                .help("remove `continue`, or move the `capture` to the step that asks for it"),
            );
        }
        let description = match &c.description {
            Some(t) => self.fixed(r, t, "a capture's description"),
            None => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0104,
                        c.id.span,
                        format!("capture `{}` has no description", c.id.name),
                    )
                    .label("say what to capture")
                    .note("every runtime's extractor reads the description to find the value in the reply")
                    .help(format!(
                        "write `capture {} {} \"…\"`, such as \"张强接收资料的邮箱地址\"",
                        c.id.name, c.kind.name.name
                    )),
                );
                String::new()
            }
        };
        ir::Capture {
            id: c.id.name.clone(),
            kind: self.value_type(&c.kind, "capture"),
            optional: c.optional.is_some(),
            description,
            step,
        }
    }

    /// The type of a capture or a per-call variable (`what`); E0106 for an
    /// unknown word or bad arguments (the type is then `text`, so the id
    /// still resolves).
    pub(super) fn value_type(&mut self, t: &ast::CaptureType, what: &str) -> ValueType {
        let name = t.name.name.as_str();
        let known = value::TYPES.iter().any(|(w, _)| *w == name);
        if !known {
            let words = || value::TYPES.iter().map(|(w, _)| *w);
            let best = value::TYPE_ALIASES
                .iter()
                .find(|(alias, _)| *alias == name)
                .map(|&(_, meant)| meant)
                .or_else(|| suggest(name, words()));
            let mut d = Diagnostic::new(Code::E0106, t.name.span, format!("unknown {what} type `{name}`"))
                .label(format!("not a {what} type"))
                .note(format!("the types are {}", lang::one_of(words())));
            if let Some(best) = best {
                d = d.help(format!("did you mean `{best}`?")).fix(t.name.span, best);
            }
            self.diags.push(d);
            return ValueType::Text;
        }
        let no_args = |this: &mut Self, kind: ValueType| {
            if let Some(args) = &t.args {
                this.diags.push(
                    Diagnostic::new(
                        Code::E0106,
                        args.span(),
                        format!("the capture type `{name}` takes no arguments"),
                    )
                    .label("remove these")
                    .fix(args.span(), ""),
                );
            }
            kind
        };
        match name {
            "email" => no_args(self, ValueType::Email),
            "phone" => no_args(self, ValueType::Phone),
            "date" => no_args(self, ValueType::Date),
            "time" => no_args(self, ValueType::Time),
            "number" => no_args(self, ValueType::Number),
            "percent" => no_args(self, ValueType::Percent),
            "yes_no" => no_args(self, ValueType::YesNo),
            "integer" => self.integer_type(t),
            "one_of" => self.one_of_type(t),
            "money" => self.money_type(t),
            _ => no_args(self, ValueType::Text),
        }
    }

    /// `money(CUR)`: an ISO 4217 currency code, three capital letters.
    fn money_type(&mut self, t: &ast::CaptureType) -> ValueType {
        let code = match &t.args {
            Some(TypeArgs::Values { values, .. }) if values.len() == 1 => Some(&values[0]),
            _ => None,
        };
        match code {
            Some(c) if c.name.len() == 3 && c.name.bytes().all(|b| b.is_ascii_uppercase()) => ValueType::Money {
                currency: c.name.clone(),
            },
            Some(c) if c.name.len() == 3 && c.name.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let upper = c.name.to_ascii_uppercase();
                self.diags.push(
                    Diagnostic::new(Code::E0106, c.span, format!("`{}` is not a currency code", c.name))
                        .label("currency codes are three capital letters")
                        .help(format!("write `money({upper})`"))
                        .fix(c.span, upper.clone()),
                );
                ValueType::Money { currency: upper }
            }
            _ => {
                let at = t.args.as_ref().map_or(t.name.span, TypeArgs::span);
                self.diags.push(
                    Diagnostic::new(Code::E0106, at, "`money` names its currency")
                        .label("expected an ISO 4217 code such as `(CNY)`")
                        .help("write `money(CNY)`, `money(USD)`, …"),
                );
                ValueType::Money {
                    currency: "CNY".to_owned(),
                }
            }
        }
    }

    /// `integer`, `integer(A..B)`, `integer(A..)`, `integer(..B)`.
    fn integer_type(&mut self, t: &ast::CaptureType) -> ValueType {
        let unbounded = ValueType::Integer { min: None, max: None };
        let (min, max) = match &t.args {
            None => return unbounded,
            Some(TypeArgs::Range { min, max, .. }) => (min, max),
            Some(args) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0106,
                        args.span(),
                        "an `integer` type takes a range of whole numbers",
                    )
                    .label("expected a range such as `(1..500)`")
                    .help(
                        "write `integer(1..500)`, `integer(1..)`, `integer(..500)`, or `integer` for any whole number",
                    ),
                );
                return unbounded;
            }
        };
        let mut bound = |b: &Option<(String, Span)>| -> Option<i64> {
            let (digits, span) = b.as_ref()?;
            if let Ok(n) = digits.parse::<i64>() {
                Some(n)
            } else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0106,
                        *span,
                        format!("{} is too large for a bound", shorten(digits)),
                    )
                    .label(format!("at most {}", i64::MAX))
                    .help("leave the bound out for no limit: `integer(1..)`"),
                );
                None
            }
        };
        let (lo, hi) = (bound(min), bound(max));
        if let (Some(a), Some(b)) = (lo, hi)
            && a > b
        {
            let (Some((_, a_at)), Some((_, b_at))) = (min, max) else {
                return unbounded;
            };
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    Span::new(a_at.start, b_at.end),
                    format!("the range {a}..{b} is empty: {a} is greater than {b}"),
                )
                .label("no whole number is in this range")
                .help(format!("write the smaller bound first: `integer({b}..{a})`"))
                .fix(Span::new(a_at.start, b_at.end), format!("{b}..{a}")),
            );
            return unbounded;
        }
        ValueType::Integer { min: lo, max: hi }
    }

    /// `one_of(a, b, …)`: at least two words, none repeated.
    fn one_of_type(&mut self, t: &ast::CaptureType) -> ValueType {
        let Some(TypeArgs::Values { values, span }) = &t.args else {
            let at = t.args.as_ref().map_or(t.name.span, TypeArgs::span);
            self.diags.push(
                Diagnostic::new(Code::E0106, at, "a `one_of` type lists the words it accepts")
                    .label("expected words such as `(standard, premium)`")
                    .help("write `one_of(standard, premium)`"),
            );
            return ValueType::Text;
        };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        let mut out = Vec::new();
        for v in values {
            if let Some(first) = seen.get(v.name.as_str()) {
                self.diags.push(
                    Diagnostic::new(Code::E0106, v.span, format!("`{}` is listed twice in `one_of`", v.name))
                        .label("listed again here")
                        .with_secondary(*first, "first listed here")
                        .help("list each word once"),
                );
                continue;
            }
            seen.insert(&v.name, v.span);
            out.push(v.name.clone());
        }
        if out.len() < 2 {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    *span,
                    "a `one_of` type needs at least two different words",
                )
                .label("one choice is no choice")
                .help(
                    "list the words the reply may give, such as `one_of(standard, premium)`, or use `yes_no` or `text`",
                ),
            );
        }
        ValueType::OneOf(out)
    }

    /// A step's `retry N -> TARGET` (E0105 for a second one; E0106 for a
    /// bound outside 1 to 9; E0111 in a step that does not wait).
    pub(super) fn retry(
        &mut self,
        rt: &ast::Retry,
        slot: &mut Option<(ir::Retry, Span)>,
        names: &Names<'_>,
        ctx: &Named<'_>,
        continues: Option<Span>,
    ) {
        if let Some((_, first)) = slot {
            self.diags.push(
                Diagnostic::new(Code::E0105, rt.span, format!("{ctx} has two `retry`"))
                    .label("given again here")
                    .with_secondary(*first, "first given here")
                    .help("a step has one bound on its runs; keep one `retry`"),
            );
            self.refer_target(&rt.target, names);
            return;
        }
        if let Some(at) = continues {
            self.diags.push(
                Diagnostic::new(
                    Code::E0111,
                    rt.span,
                    format!("{ctx} does not wait for a reply (`continue`), so it cannot `retry`"),
                )
                .label("a retry repeats a question; this step asks none")
                .with_secondary(at, "the step goes on without waiting here")
                .help("remove `continue`, or move the `retry` to the step that waits"),
            );
        }
        let target = self.target(&rt.target, names, ctx);
        let max = match rt.count.parse::<u8>() {
            Ok(n) if (1..=MAX_RETRY).contains(&n) => Some(n),
            _ => {
                let mut d = Diagnostic::new(
                    Code::E0106,
                    rt.count_span,
                    format!(
                        "a retry bound is a whole number from 1 to {MAX_RETRY}, not {}",
                        shorten(&rt.count)
                    ),
                )
                .label(if rt.count.trim_start_matches('0').is_empty() {
                    "`retry 0` would repeat nothing"
                } else {
                    "too many runs to unroll into a runtime's flow"
                });
                if rt.count.trim_start_matches('0').is_empty() {
                    d = d.help("remove the `retry` line: the step already runs once");
                } else {
                    d = d.help(format!(
                        "the step runs at most 1 + N times; N = {MAX_RETRY} is above every runtime's own default"
                    ));
                }
                self.diags.push(d);
                None
            }
        };
        if let (Some(max), Some(then)) = (max, target)
            && continues.is_none()
        {
            *slot = Some((ir::Retry { max, then }, rt.span));
        }
    }

    /// A `transfer` of `end`: its line (required), destination, fallback and
    /// required captures.
    pub(super) fn transfer(&mut self, r: &mut Renderer<'_>, t: &ast::Transfer, names: &Names<'_>) -> ir::Transfer {
        let ctx = Named("transfer", &t.id.name);
        let fs = fields::collect("transfer", t.fields(), Block::Transfer, &mut self.diags);
        skipped_fields(r, t.fields(), &fs);
        let title = t.title.as_ref().map(|x| self.fixed(r, x, "a transfer's title"));
        let mut say: Option<(ir::Text, Span)> = None;
        let mut fallback: Option<(ir::Target, Span)> = None;
        let mut requires: Option<(Vec<usize>, Span)> = None;
        for item in &t.items {
            match item {
                ast::TransferItem::Say(text) => {
                    if let Some((_, first)) = &say {
                        self.diags.push(
                            Diagnostic::new(Code::E0105, text.span, format!("{ctx} has two lines to say"))
                                .label("given again here")
                                .with_secondary(*first, "first given here")
                                .help("a transfer says one line before handing over; merge them into one `say`"),
                        );
                        r.refer_text(text);
                        continue;
                    }
                    say = Some((self.text(r, text), text.span));
                }
                ast::TransferItem::Fallback(tr) => {
                    if let Some((_, first)) = &fallback {
                        self.diags.push(
                            Diagnostic::new(Code::E0105, tr.span, format!("{ctx} has two `fallback`s"))
                                .label("given again here")
                                .with_secondary(*first, "first given here")
                                .help("keep one: where the call goes if the transfer fails"),
                        );
                        self.refer_target(&tr.target, names);
                        continue;
                    }
                    let target = self.target(&tr.target, names, &ctx);
                    if let Some(ir::Target::Transfer(_)) = target {
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0106,
                                tr.target.span(),
                                format!("the fallback of {ctx} cannot be another transfer"),
                            )
                            .label("a failed transfer does not chain into another")
                            .help("fall back to a step (such as one that offers a call-back) or to `end(ID)`"),
                        );
                        fallback = Some((ir::Target::End(None), tr.span));
                        continue;
                    }
                    fallback = Some((target.unwrap_or(ir::Target::End(None)), tr.span));
                }
                ast::TransferItem::Requires(q) => {
                    if let Some((_, first)) = &requires {
                        self.diags.push(
                            Diagnostic::new(Code::E0105, q.keyword, format!("{ctx} has two `requires`"))
                                .label("given again here")
                                .with_secondary(*first, "first given here")
                                .help("list every capture in one `requires C1, C2`"),
                        );
                        for c in &q.ids {
                            self.refer(c, super::symbols::Kind::Capture, &names.captures);
                        }
                        continue;
                    }
                    requires = Some((self.captures_named(&q.ids, names, &ctx), q.keyword));
                }
                ast::TransferItem::Field(_) | ast::TransferItem::Lint(_) => {}
            }
        }
        if say.is_none() {
            self.diags.push(
                Diagnostic::new(Code::E0104, t.id.span, format!("{ctx} has no line to say"))
                    .label("`say` is required")
                    .note(
                        "the closing is not said on a transfer: this line is the last the callee hears from the caller",
                    )
                    .help("add `say \"好的，我这就为您转接，请稍候。\"` inside the transfer"),
            );
        }
        ir::Transfer {
            id: t.id.name.clone(),
            title,
            say: say.map(|(s, _)| s).unwrap_or_default(),
            to: self.opt_text(r, &fs, "to"),
            fallback: fallback.map_or(ir::Target::End(None), |(t, _)| t),
            requires: requires.map(|(r, _)| r).unwrap_or_default(),
        }
    }

    /// E0107 for `->` or `on` written in an FAQ entry: an answer returns to
    /// the step it was asked at; it cannot move the call.
    pub(super) fn misplaced_in_qa(&mut self, q: &ast::Qa, names: &Names<'_>) {
        for item in &q.items {
            let (span, target) = match item {
                ast::QaItem::Next(tr) => (tr.span, &tr.target),
                ast::QaItem::Branch(b) => {
                    self.refer_branch(b, names);
                    (b.span, &b.target)
                }
                ast::QaItem::Field(_) | ast::QaItem::Lint(_) => continue,
            };
            if let ast::QaItem::Next(_) = item {
                self.refer_target(target, names);
            }
            self.diags.push(
                Diagnostic::new(
                    Code::E0107,
                    span,
                    "an FAQ answer returns to the step; it cannot move the call",
                )
                .label(format!("FAQ entry `{}` cannot lead anywhere", q.id.name))
                .note("the caller answers a question at whatever step it is asked, then asks that step's question again")
                .help(match target {
                    ast::Target::Transfer { id, .. } => format!(
                        "to hand over when the callee asks for a person, declare a signal and branch on it in `flow`: `on wants_human -> transfer({})`",
                        id.name
                    ),
                    _ => "to move the call on what the callee says, declare a signal and branch on it in `flow` or in a step".to_owned(),
                }),
            );
        }
    }
}

/// A number as written, shortened for a message when it is very long.
fn shorten(digits: &str) -> String {
    if digits.len() > 24 {
        format!("{}…({} digits)", &digits[..12], digits.len())
    } else {
        digits.to_owned()
    }
}
