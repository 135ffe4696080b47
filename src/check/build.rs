//! Building the IR: each part of the call, checked (its fields, E0104 for a
//! missing one, E0106 for a bad value, E0107 for an item in the wrong
//! block), with its texts rendered (W0207 for an empty one) and its names
//! resolved, becomes its part of [`ir::Spec`]; a step with nothing to say is
//! W0208.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{self, FlowItem, PartyItem, PartyKind, StepItem, Text, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::lang::{self, Block};
use crate::source::Span;

use super::fields::{self, Collected};
use super::render::Renderer;
use super::resolve::{Named, Names, Place, refer_entries, refer_fields, skipped_fields};
use super::{Checker, suggest};

impl Checker<'_> {
    pub(super) fn text(&mut self, r: &mut Renderer<'_>, t: &Text) -> ir::Text {
        if t.is_blank() && !r.muted {
            self.diags.push(
                Diagnostic::new(Code::W0207, t.span, "this text is empty")
                    .label("nothing to say here")
                    .help("write the text, or remove the line"),
            );
        }
        r.render(t)
    }

    /// A text fixed when the spec is compiled (a title, the locale, a
    /// description for a runtime's extractor): E0113 for a per-call
    /// variable in it, which is then written `{{id}}`.
    pub(super) fn fixed(&mut self, r: &mut Renderer<'_>, t: &Text, what: &str) -> String {
        let out = self.text(r, t);
        if let Some(var) = out.vars().next()
            && !r.muted
        {
            let at = t
                .parts
                .iter()
                .find_map(|p| match p {
                    ast::TextPart::Placeholder(p) if p.path.contains(&var.id) => Some(p.span),
                    _ => None,
                })
                .unwrap_or(t.span);
            self.diags.push(
                Diagnostic::new(Code::E0113, at, format!("a per-call variable cannot be used in {what}"))
                    .label(format!(
                        "`{}` is filled for each call; {what} is fixed when the spec is compiled",
                        var.id
                    ))
                    .help("write the text out, or move the variable into a line the caller says"),
            );
        }
        out.to_string()
    }

    /// A field's fixed text (see [`Checker::fixed`]).
    pub(super) fn opt_fixed(
        &mut self,
        r: &mut Renderer<'_>,
        fields: &Collected<'_>,
        name: &str,
        what: &str,
    ) -> Option<String> {
        let t = fields
            .get(name)?
            .iter()
            .find_map(|f| if let Value::Text(t) = &f.value { Some(t) } else { None })?;
        Some(self.fixed(r, t, what))
    }

    fn field_text(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, name: &str) -> Vec<ir::Text> {
        let texts: Vec<&Text> = fields
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|f| if let Value::Text(t) = &f.value { Some(t) } else { None })
            .collect();
        texts.into_iter().map(|t| self.text(r, t)).collect()
    }

    pub(super) fn opt_text(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, name: &str) -> Option<ir::Text> {
        self.field_text(r, fields, name).into_iter().next()
    }

    pub(super) fn locale(&mut self, r: &mut Renderer<'_>, fields: &Collected<'_>, call: &ast::Call) -> String {
        let Some(field) = fields.get("locale").and_then(|v| v.first()) else {
            self.diags.push(
                Diagnostic::new(Code::E0104, call.id.span, "the call has no `locale`")
                    .label("`locale` is required")
                    .help("add `locale \"zh-CN\"` (or `\"en\"`, …): it sets the language of generated prompts"),
            );
            return String::new();
        };
        let locale = self.opt_fixed(r, fields, "locale", "the locale").unwrap_or_default();
        let ok = !locale.is_empty()
            && locale.split('-').enumerate().all(|(i, part)| {
                let n = part.len();
                part.chars().all(|c| c.is_ascii_alphanumeric())
                    && if i == 0 {
                        (2..=3).contains(&n) && part.chars().all(|c| c.is_ascii_alphabetic())
                    } else {
                        (1..=8).contains(&n)
                    }
            });
        if !ok {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    field.value.span(),
                    format!("`{locale}` is not a language tag"),
                )
                .label("expected a tag such as \"zh-CN\" or \"en\"")
                .note("locales are BCP 47 language tags: a language, then optional subtags joined by `-`"),
            );
        }
        locale
    }

    pub(super) fn party_fields<'p>(&mut self, p: &'p ast::Party) -> Collected<'p> {
        let block = p.kind.keyword();
        let only = match p.kind {
            PartyKind::Caller => Block::Caller,
            PartyKind::Callee => Block::Callee,
        };
        fields::collect(block, p.fields(), only, &mut self.diags)
    }

    /// A party's own parts; `inherits` when it `extends` another callee
    /// (then it need not have a `name`).
    pub(super) fn party(
        &mut self,
        r: &mut Renderer<'_>,
        p: Option<&ast::Party>,
        fields: Option<&Collected<'_>>,
        kind: PartyKind,
        names: &Names<'_>,
        inherits: bool,
    ) -> ir::Party {
        let (Some(p), Some(fields)) = (p, fields) else {
            return ir::Party::default();
        };
        let block = kind.keyword();
        if !fields.contains_key("name") && !inherits {
            self.diags.push(
                Diagnostic::new(Code::E0104, p.id.span, format!("the {block} has no `name`"))
                    .label("`name` is required")
                    .help(format!("add `name \"…\"` inside `{block} {} {{ … }}`", p.id.name)),
            );
        }
        skipped_fields(r, p.fields(), fields);
        let mut out = ir::Party {
            id: p.id.name.clone(),
            name: self.opt_text(r, fields, "name").unwrap_or_default(),
            org: self.opt_text(r, fields, "org"),
            role: self.opt_text(r, fields, "role"),
            persona: self.opt_text(r, fields, "persona"),
            task: self.opt_text(r, fields, "task"),
            behavior: self.field_text(r, fields, "behavior"),
            ..ir::Party::default()
        };
        if let Some(f) = fields.get("gender").and_then(|v| v.first())
            && let Value::Word(w) = &f.value
        {
            {
                if lang::GENDERS.contains(&w.name.as_str()) {
                    out.gender = Some(w.name.clone());
                } else {
                    let mut d =
                        Diagnostic::new(Code::E0106, w.span, format!("`{}` is not a gender callc knows", w.name))
                            .label(format!("expected {}", lang::one_of(lang::GENDERS.iter().copied())));
                    if let Some(best) = suggest(&w.name, lang::GENDERS.iter().copied()) {
                        d = d.help(format!("did you mean `{best}`?")).fix(w.span, best);
                    }
                    self.diags.push(d);
                }
            }
        }
        if let Some(f) = fields.get("age").and_then(|v| v.first())
            && let Value::Integer(n, span) = &f.value
        {
            {
                match n.parse::<u32>() {
                    Ok(age) if age <= 150 => out.age = Some(age),
                    _ => self.diags.push(
                        Diagnostic::new(Code::E0106, *span, format!("`{n}` is not a plausible age"))
                            .label("expected a whole number from 0 to 150"),
                    ),
                }
            }
        }
        // The party's labels are numbered across its blocks; the last block
        // gives the IR's list (a block given twice is E0105).
        let named = |i: &PartyItem| match i {
            PartyItem::Knows(_) => kind == PartyKind::Caller,
            PartyItem::Background(_) => kind == PartyKind::Callee,
            _ => false,
        };
        let last = p.items.iter().rposition(named);
        let mut label = 0;
        for (n, item) in p.items.iter().enumerate() {
            match item {
                PartyItem::Knows(e) if kind == PartyKind::Caller => {
                    out.knows = self.entries(r, e, "knows", label, Some(n) == last);
                    label += e.entries().count();
                }
                PartyItem::Background(e) if kind == PartyKind::Callee => {
                    out.background = self.entries(r, e, "background", label, Some(n) == last);
                    label += e.entries().count();
                }
                PartyItem::Style(s) if kind == PartyKind::Callee => {
                    let fs = fields::collect("style", s.fields(), Block::Style, &mut self.diags);
                    skipped_fields(r, s.fields(), &fs);
                    out.style = ir::Style {
                        note: self.opt_text(r, &fs, "note"),
                        avoid: self.field_text(r, &fs, "avoid"),
                        prefer: self.field_text(r, &fs, "prefer"),
                    };
                }
                PartyItem::Concern(c) if kind == PartyKind::Callee => {
                    // A concern the callee writes twice (E0101) counts once.
                    let Some(concern) = names.concerns.get(&c.id.name) else {
                        continue;
                    };
                    if out.concerns.iter().any(|s| s.concern == concern) {
                        continue;
                    }
                    let text = self.text(r, &c.text);
                    out.concerns.push(ir::Stance {
                        concern,
                        priority: c.priority,
                        text,
                    });
                }
                PartyItem::Knows(e) => {
                    self.misplaced("knows", e.keyword, block, "caller");
                    refer_entries(r, e);
                }
                PartyItem::Background(e) => {
                    self.misplaced("background", e.keyword, block, "callee");
                    refer_entries(r, e);
                }
                PartyItem::Style(s) => {
                    self.misplaced("style", s.keyword, block, "callee");
                    refer_fields(r, s.fields());
                }
                PartyItem::Concern(c) => {
                    self.misplaced("concern", c.span, block, "callee");
                    r.refer_text(&c.text);
                }
                PartyItem::Field(_) | PartyItem::Lint(_) => {}
            }
        }
        self.repeated_blocks(p);
        out
    }

    fn misplaced(&mut self, what: &str, at: Span, block: &str, home: &str) {
        let span = Span::new(at.start, at.start + what.len());
        self.diags.push(
            Diagnostic::new(Code::E0107, span, format!("`{what}` is not part of `{block}`"))
                .label(format!("`{what}` belongs in `{home}`"))
                .help(format!("move it into the `{home}` block")),
        );
    }

    /// The entries of a `knows` or `background` block, whose first label is
    /// the party's `label`-th; `in_ir` when they are the ones the IR keeps.
    fn entries(
        &mut self,
        r: &mut Renderer<'_>,
        e: &ast::Entries,
        block: &str,
        label: usize,
        in_ir: bool,
    ) -> Vec<(String, ir::Text)> {
        // Each label's first place, and its item in the IR.
        let mut seen: BTreeMap<&str, (Span, usize)> = BTreeMap::new();
        let mut out = Vec::new();
        for (k, entry) in e.entries().enumerate() {
            let definition = r.label_definition(block, label + k).filter(|_| in_ir && !r.muted);
            if let Some(&(first, item)) = seen.get(entry.label.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0105,
                        entry.label_span,
                        format!("`{}` is given twice in `{block}`", entry.label),
                    )
                    .label("given again here")
                    .with_secondary(first, "first given here")
                    .help("keep one of them, or give them different labels"),
                );
                // The repeated label stands for the value the first gives.
                if let Some(d) = definition {
                    self.symbols.set_item(d, item);
                }
                r.refer_text(&entry.value);
                continue;
            }
            seen.insert(&entry.label, (entry.label_span, out.len()));
            if let Some(d) = definition {
                self.symbols.set_item(d, out.len());
            }
            let value = self.text(r, &entry.value);
            out.push((entry.label.clone(), value));
        }
        out
    }

    /// A signal: its description and its `example`s (fixed text: a
    /// recogniser reads them as written).
    pub(super) fn signal(&mut self, r: &mut Renderer<'_>, s: &ast::Signal) -> ir::Signal {
        let fs = fields::collect("signal", s.fields(), Block::Signal, &mut self.diags);
        skipped_fields(r, s.fields(), &fs);
        let examples: Vec<&Text> = fs
            .get("example")
            .into_iter()
            .flatten()
            .filter_map(|f| if let Value::Text(t) = &f.value { Some(t) } else { None })
            .collect();
        ir::Signal {
            id: s.id.name.clone(),
            description: s.description.as_ref().map(|t| self.text(r, t)),
            examples: examples
                .into_iter()
                .map(|t| self.fixed(r, t, "a signal's example"))
                .collect(),
        }
    }

    pub(super) fn when(&mut self, r: &mut Renderer<'_>, w: &ast::When, names: &Names<'_>) -> ir::EndCondition {
        if w.caller.is_none() && w.callee.is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::E0104,
                    w.id.span,
                    format!("end condition `{}` has no wording", w.id.name),
                )
                .label("say when the call ends this way")
                .help(format!("write `when {} \"…\" callee \"…\"`", w.id.name)),
            );
        }
        ir::EndCondition {
            id: w.id.name.clone(),
            caller: w.caller.as_ref().map(|t| self.text(r, t)),
            callee: w.callee.as_ref().map(|t| self.text(r, t)),
            requires: w.requires.as_ref().map_or_else(Vec::new, |q| {
                self.captures_named(&q.ids, names, &Named("end condition", &w.id.name))
            }),
        }
    }

    pub(super) fn closing(&mut self, r: &mut Renderer<'_>, end: Option<&ast::EndBlock>) -> ir::Text {
        let Some(end) = end else { return ir::Text::default() };
        let fs = fields::collect("end", end.fields(), Block::End, &mut self.diags);
        skipped_fields(r, end.fields(), &fs);
        if !fs.contains_key("closing") {
            self.diags.push(
                Diagnostic::new(Code::E0104, end.keyword, "the `end` block has no `closing`")
                    .label("`closing` is required")
                    .help("add the line the caller ends the call with: `closing \"…\"`"),
            );
        }
        self.opt_text(r, &fs, "closing").unwrap_or_default()
    }

    pub(super) fn qa(&mut self, r: &mut Renderer<'_>, q: &ast::Qa, names: &Names<'_>) -> ir::Qa {
        self.misplaced_in_qa(q, names);
        let concerns = &names.concerns;
        let fs = fields::collect("qa", q.fields(), Block::Qa, &mut self.diags);
        skipped_fields(r, q.fields(), &fs);
        for (name, what) in [("q", "question"), ("a", "answer")] {
            if !fs.contains_key(name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0104,
                        q.id.span,
                        format!("FAQ entry `{}` has no {what}", q.id.name),
                    )
                    .label(format!("`{name}` is required"))
                    .help(format!("add `{name} \"…\"` inside the entry")),
                );
            }
        }
        let covers = self.covers(&q.covers, concerns, &Named("FAQ entry", &q.id.name));
        ir::Qa {
            id: q.id.name.clone(),
            questions: self.field_text(r, &fs, "q"),
            answer: self.opt_text(r, &fs, "a").unwrap_or_default(),
            covers,
        }
    }

    pub(super) fn flow(
        &mut self,
        r: &mut Renderer<'_>,
        spec: &mut ir::Spec,
        flow: Option<&ast::Flow>,
        steps: &[&ast::Step],
        names: &Names<'_>,
    ) {
        let Some(flow) = flow else { return };
        if steps.is_empty() {
            self.diags.push(
                Diagnostic::new(Code::E0104, flow.keyword, "the flow has no step")
                    .label("a flow needs at least one step")
                    .help("add a step, such as `step greet \"开场\" { say \"您好\" }`"),
            );
        }
        spec.steps.reserve_exact(steps.len());
        let mut global: Vec<ir::Branch> = Vec::new();
        let mut global_seen: BTreeMap<String, Span> = BTreeMap::new();
        for item in &flow.items {
            if let FlowItem::Branch(b) = item
                && let Some(br) = self.branch(b, names, &mut global_seen, &Place::Flow)
            {
                global.push(br);
            }
        }
        // A signal has at most one global branch (a second is E0105).
        let global_of_signal: HashMap<ir::On, usize> = global.iter().enumerate().map(|(g, b)| (b.on, g)).collect();
        spec.global_branches = global;

        for (i, s) in steps.iter().enumerate() {
            let ctx = Named("step", &s.id.name);
            let mut lines = Vec::new();
            let mut next: Option<(ir::Target, Span)> = None;
            let mut next_written = false;
            let mut own: Vec<ir::Branch> = Vec::new();
            let mut seen: BTreeMap<String, Span> = BTreeMap::new();
            let continues = self.continues(s);
            let mut captures = Vec::new();
            let mut retry: Option<(ir::Retry, Span)> = None;
            for item in &s.items {
                match item {
                    StepItem::Say(t) => lines.push(self.text(r, t)),
                    StepItem::Next(tr) => {
                        if let Some((_, first)) = &next {
                            let kw = if tr.arrow { "->" } else { "next" };
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0105,
                                    tr.span,
                                    format!("step `{}` has two successors", s.id.name),
                                )
                                .label(format!("`{kw}` given again here"))
                                .with_secondary(*first, "first successor given here")
                                .note("`next X` and `-> X` both set the step that follows; write one")
                                .help("use `on SIGNAL -> X` for a branch taken on a signal"),
                            );
                            self.refer_target(&tr.target, names);
                            continue;
                        }
                        next_written = true;
                        let target = self.target(&tr.target, names, &ctx);
                        next = Some((target.unwrap_or(ir::Target::End(None)), tr.span));
                    }
                    StepItem::Branch(b) => {
                        let place = Place::Step {
                            named: Named("step", &s.id.name),
                            continues,
                        };
                        if let Some(br) = self.branch(b, names, &mut seen, &place) {
                            own.push(br);
                        }
                    }
                    StepItem::Capture(c) => {
                        captures.push(spec.captures.len());
                        let capture = self.capture(r, c, i, &ctx, continues);
                        spec.captures.push(capture);
                    }
                    StepItem::Retry(rt) => self.retry(rt, &mut retry, names, &ctx, continues),
                    StepItem::Continue(_) | StepItem::Lint(_) => {}
                }
            }
            if lines.is_empty() {
                // W0208 `silent_step`.
                self.diags.push(
                    Diagnostic::new(
                        Code::W0208,
                        s.id.span,
                        format!("step `{}` has nothing to say", s.id.name),
                    )
                    .label("no `say` in this step")
                    .help("add the caller's line: `say \"…\"`"),
                );
            }
            let default = ir::Target::default_after(i, steps.len());
            // Which global branches the step's own override: one look-up per
            // own branch, so a step costs O(own), however many globals.
            let mut overrides: Vec<usize> = own
                .iter()
                .filter_map(|b| global_of_signal.get(&b.on).copied())
                .collect();
            overrides.sort_unstable();
            let title = s.title.as_ref().map(|t| self.fixed(r, t, "a step's title"));
            let covers = self.covers(&s.covers, &names.concerns, &ctx);
            spec.steps.push(ir::Step {
                id: s.id.name.clone(),
                title,
                lines,
                covers,
                waits: continues.is_none(),
                captures,
                retry: retry.map(|(r, _)| r),
                next: next.map_or(default, |(t, _)| t),
                next_explicit: next_written,
                branches: own,
                overrides,
            });
        }
    }
}
