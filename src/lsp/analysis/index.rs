//! The index of a parsed file: every definition and every reference of
//! every id, with spans, so that an editor can go to a definition, list
//! references, highlight and rename from any of them.
//!
//! Input: an [`ast::File`]. Output: [`Index`]. References resolve the way
//! the checker resolves them (by kind, to the first definition of that
//! kind), so the index agrees with the diagnostics.

use std::collections::HashMap;

use crate::ast::{self, CallItem, FlowItem, PartyItem, PartyKind, StepItem, Target, Text, TextPart, Value};
use crate::source::Span;

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `call ID`.
    Call,
    /// `caller ID`.
    Caller,
    /// `callee ID`.
    Callee,
    /// `concern ID`.
    Concern,
    /// `signal ID`.
    Signal,
    /// `step ID`.
    Step,
    /// `qa ID`.
    Qa,
    /// `when ID` (an end condition).
    End,
    /// A `knows` label, named by `{knows.LABEL}`.
    Knows,
    /// A `background` label, named by `{background.LABEL}`.
    Background,
    /// A party field named by a placeholder (`caller.name`).
    Field,
    /// A lint name in `allow`/`warn`/`deny` (never a definition).
    Lint,
}

impl Kind {
    /// The kind in words: "step", "end condition".
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Caller => "caller",
            Kind::Callee => "callee",
            Kind::Concern => "concern",
            Kind::Signal => "signal",
            Kind::Step => "step",
            Kind::Qa => "FAQ entry",
            Kind::End => "end condition",
            Kind::Knows => "`knows` entry",
            Kind::Background => "`background` entry",
            Kind::Field => "field",
            Kind::Lint => "lint",
        }
    }

    /// Whether ids of this kind share the call's one namespace.
    #[must_use]
    pub const fn is_id(self) -> bool {
        matches!(
            self,
            Kind::Call | Kind::Caller | Kind::Callee | Kind::Concern | Kind::Signal | Kind::Step | Kind::Qa | Kind::End
        )
    }
}

/// One definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// What it is.
    pub kind: Kind,
    /// Its name (for a field: `caller.name`).
    pub name: String,
    /// The name as written at the definition.
    pub def: Span,
    /// The whole definition (the step block, the concern statement, …).
    pub node: Span,
}

/// One place a name is written: a definition or a reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name as written (what a rename replaces).
    pub span: Span,
    /// Where the cursor finds it: the name, or a whole `{placeholder}`.
    pub hit: Span,
    /// What it names (or should name, when unresolved).
    pub kind: Kind,
    /// The name.
    pub name: String,
    /// The definition it resolves to; `None` for an unknown name.
    pub symbol: Option<usize>,
    /// Whether this is the definition itself.
    pub is_def: bool,
}

/// Every definition and reference of one file.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The definitions, in source order.
    pub symbols: Vec<Symbol>,
    /// Every occurrence, sorted by position.
    pub occurrences: Vec<Occurrence>,
}

/// The party fields a placeholder may name (from [`crate::lang`]).
pub const PARTY_FIELDS: &[&str] = crate::lang::PLACEHOLDER_FIELDS;

impl Index {
    /// Indexes a parsed file.
    #[must_use]
    pub fn build(file: &ast::File) -> Self {
        let mut b = Builder::default();
        b.call(&file.call);
        b.finish()
    }

    /// The occurrence under the cursor at byte `offset`. A cursor just
    /// after a name counts as on it, as editors expect.
    #[must_use]
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let after = self.occurrences.partition_point(|o| o.hit.start <= offset);
        // Occurrences never overlap, so only the last one starting at or before the cursor can hold it.
        after
            .checked_sub(1)
            .map(|i| &self.occurrences[i])
            .filter(|o| offset <= o.hit.end)
    }

    /// The first definition of `name` as a `kind`, the one references resolve to.
    #[must_use]
    pub fn lookup(&self, kind: Kind, name: &str) -> Option<usize> {
        self.symbols.iter().position(|s| s.kind == kind && s.name == name)
    }

    /// Every occurrence of a symbol (its definition and its references), in order.
    pub fn occurrences_of(&self, symbol: usize) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| o.symbol == Some(symbol))
    }

    /// The definitions of one kind, in source order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Symbol> {
        self.symbols.iter().filter(move |s| s.kind == kind)
    }

    /// The first definition of `name` among the ids that share the call's namespace.
    #[must_use]
    pub fn id_named(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.kind.is_id() && s.name == name)
    }
}

#[derive(Default)]
struct Builder {
    symbols: Vec<Symbol>,
    occurrences: Vec<Occurrence>,
    first: HashMap<(Kind, String), usize>,
    /// References, resolved once every definition is known.
    pending: Vec<Occurrence>,
}

impl Builder {
    fn define(&mut self, kind: Kind, name: &str, def: Span, node: Span) {
        if name.is_empty() {
            return;
        }
        let i = self.symbols.len();
        self.symbols.push(Symbol {
            kind,
            name: name.to_owned(),
            def,
            node,
        });
        self.first.entry((kind, name.to_owned())).or_insert(i);
        self.occurrences.push(Occurrence {
            span: def,
            hit: def,
            kind,
            name: name.to_owned(),
            symbol: Some(i),
            is_def: true,
        });
    }

    fn refer(&mut self, kind: Kind, id: &ast::Ident) {
        self.refer_at(kind, &id.name, id.span, id.span);
    }

    fn refer_at(&mut self, kind: Kind, name: &str, span: Span, hit: Span) {
        if name.is_empty() {
            return;
        }
        self.pending.push(Occurrence {
            span,
            hit,
            kind,
            name: name.to_owned(),
            symbol: None,
            is_def: false,
        });
    }

    fn finish(mut self) -> Index {
        for mut o in std::mem::take(&mut self.pending) {
            o.symbol = self.first.get(&(o.kind, o.name.clone())).copied();
            self.occurrences.push(o);
        }
        self.occurrences.sort_by_key(|o| (o.hit.start, o.hit.end));
        Index {
            symbols: self.symbols,
            occurrences: self.occurrences,
        }
    }

    fn call(&mut self, call: &ast::Call) {
        self.define(Kind::Call, &call.id.name, call.id.span, call.span);
        let mut seen_caller = false;
        let mut seen_callee = false;
        for item in &call.items {
            match item {
                CallItem::Field(f) => self.field(f),
                CallItem::Lint(l) => self.lint(l),
                CallItem::Party(p) => {
                    // Placeholders render against the first block of each party, as the checker does.
                    let first = match p.kind {
                        PartyKind::Caller => !std::mem::replace(&mut seen_caller, true),
                        PartyKind::Callee => !std::mem::replace(&mut seen_callee, true),
                    };
                    self.party(p, first);
                }
                CallItem::Signal(s) => {
                    self.define(Kind::Signal, &s.id.name, s.id.span, s.span);
                    if let Some(t) = &s.description {
                        self.text(t);
                    }
                }
                CallItem::Flow(f) => self.flow(f),
                CallItem::Faq(f) => {
                    for l in &f.lints {
                        self.lint(l);
                    }
                    for q in &f.entries {
                        self.define(Kind::Qa, &q.id.name, q.id.span, q.span);
                        for c in &q.covers {
                            self.refer(Kind::Concern, c);
                        }
                        for f in &q.fields {
                            self.field(f);
                        }
                        for l in &q.lints {
                            self.lint(l);
                        }
                    }
                }
                CallItem::End(e) => {
                    for w in &e.conditions {
                        self.define(Kind::End, &w.id.name, w.id.span, w.span);
                        for t in [&w.caller, &w.callee].into_iter().flatten() {
                            self.text(t);
                        }
                    }
                    for f in &e.fields {
                        self.field(f);
                    }
                    for l in &e.lints {
                        self.lint(l);
                    }
                }
            }
        }
    }

    fn party(&mut self, p: &ast::Party, first: bool) {
        let kind = match p.kind {
            PartyKind::Caller => Kind::Caller,
            PartyKind::Callee => Kind::Callee,
        };
        self.define(kind, &p.id.name, p.id.span, p.span);
        let prefix = p.kind.keyword();
        let mut fields_seen: Vec<&str> = Vec::new();
        for item in &p.items {
            match item {
                PartyItem::Field(f) => {
                    let name = f.name.name.as_str();
                    if first && PARTY_FIELDS.contains(&name) && !fields_seen.contains(&name) {
                        fields_seen.push(name);
                        self.define(Kind::Field, &format!("{prefix}.{name}"), f.name.span, f.span);
                    }
                    self.field(f);
                }
                PartyItem::Lint(l) => self.lint(l),
                PartyItem::Knows(e) | PartyItem::Background(e) => {
                    let label_kind = if matches!(item, PartyItem::Knows(_)) {
                        Kind::Knows
                    } else {
                        Kind::Background
                    };
                    // Only the caller's `knows` and the callee's `background` can be named by placeholders.
                    let named = first
                        && matches!(
                            (label_kind, p.kind),
                            (Kind::Knows, PartyKind::Caller) | (Kind::Background, PartyKind::Callee)
                        );
                    for entry in &e.entries {
                        if named {
                            let node = entry.label_span.to(entry.value.span);
                            self.define(label_kind, &entry.label, entry.label_span, node);
                        }
                        self.text(&entry.value);
                    }
                    for l in &e.lints {
                        self.lint(l);
                    }
                }
                PartyItem::Concern(c) => {
                    self.define(Kind::Concern, &c.id.name, c.id.span, c.span);
                    self.text(&c.text);
                }
                PartyItem::Style(s) => {
                    for f in &s.fields {
                        self.field(f);
                    }
                    for l in &s.lints {
                        self.lint(l);
                    }
                }
            }
        }
    }

    fn flow(&mut self, flow: &ast::Flow) {
        for item in &flow.items {
            match item {
                FlowItem::Step(s) => {
                    self.define(Kind::Step, &s.id.name, s.id.span, s.span);
                    if let Some(t) = &s.title {
                        self.text(t);
                    }
                    for c in &s.covers {
                        self.refer(Kind::Concern, c);
                    }
                    for item in &s.items {
                        match item {
                            StepItem::Say(t) => self.text(t),
                            StepItem::Next(tr) => self.target(&tr.target),
                            StepItem::Branch(b) => self.branch(b),
                            StepItem::Lint(l) => self.lint(l),
                        }
                    }
                }
                FlowItem::Branch(b) => self.branch(b),
                FlowItem::Lint(l) => self.lint(l),
            }
        }
    }

    fn branch(&mut self, b: &ast::Branch) {
        self.refer(Kind::Signal, &b.signal);
        self.target(&b.target);
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Step(id) => self.refer(Kind::Step, id),
            Target::End { condition: Some(c), .. } => self.refer(Kind::End, c),
            Target::End { condition: None, .. } => {}
        }
    }

    fn lint(&mut self, l: &ast::LintAttr) {
        self.refer(Kind::Lint, &l.lint);
    }

    fn field(&mut self, f: &ast::Field) {
        if let Value::Text(t) = &f.value {
            self.text(t);
        }
    }

    /// The placeholders of a string: `{knows.X}`, `{background.X}`, `{caller.F}`, `{callee.F}`.
    fn text(&mut self, t: &Text) {
        for part in &t.parts {
            let TextPart::Placeholder(p) = part else { continue };
            // The path is the source text between the braces; find the trimmed path's own span.
            let lead = p.path.len() - p.path.trim_start().len();
            let path = p.path.trim();
            let start = p.span.start + 1 + lead;
            let Some((root, rest)) = path.split_once('.') else {
                continue;
            };
            let kind = match root {
                "knows" => Kind::Knows,
                "background" => Kind::Background,
                "caller" | "callee" => Kind::Field,
                _ => continue,
            };
            if kind == Kind::Field {
                self.refer_at(kind, path, Span::new(start, start + path.len()), p.span);
            } else {
                let label_start = start + root.len() + 1;
                self.refer_at(kind, rest, Span::new(label_start, label_start + rest.len()), p.span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SPEC: &str = r#"call t {
  locale "zh-CN"
  caller 李明 { name "李明😀" org "长江" knows { 公司 "泰山" "历史 互动" "两年" } }
  callee 张强 {
    name "张强"
    background { 情境 "忙" }
    concern 价格 primary "价格是否透明"
    concern 试用 latent "试用"
  }
  signal 忙 "张强说忙"
  opening "您好，{callee.name}，我是{ caller.org }的{knows.公司}{knows.历史 互动}{background.情境}"
  flow {
    on 忙 -> 发资料
    step 开场 "问候" covers 价格 { say "😀您好" next 报价 }
    step 报价 { say "8%" on 忙 -> end(拒绝) allow silent_step }
    step 发资料 { say "发" -> end }
  }
  faq { qa 条款 covers 价格, 试用 { q "有吗" a "有" } }
  end { when 拒绝 "不要" callee "不要" closing "再见" }
}
"#;

    fn index() -> Index {
        let (file, diags) = crate::syntax::parse(SPEC);
        assert!(diags.is_empty(), "{diags:?}");
        Index::build(&file.expect("parses"))
    }

    fn offset_of(needle: &str, nth: usize) -> usize {
        SPEC.match_indices(needle).nth(nth).map(|(i, _)| i).expect("needle")
    }

    fn names_at(idx: &Index, sym: usize) -> Vec<(usize, bool)> {
        idx.occurrences_of(sym).map(|o| (o.span.start, o.is_def)).collect()
    }

    #[test]
    fn steps_resolve_from_next_arrow_and_on() {
        let idx = index();
        let s = idx.lookup(Kind::Step, "发资料").expect("step");
        let occ = names_at(&idx, s);
        assert_eq!(occ.len(), 2, "{occ:?}");
        assert_eq!(occ[0], (offset_of("发资料", 0), false));
        assert_eq!(occ[1], (offset_of("发资料", 1), true));
        let at = idx.at(offset_of("报价", 0) + 3).expect("occurrence inside `报价`");
        assert_eq!((at.kind, at.symbol), (Kind::Step, idx.lookup(Kind::Step, "报价")));
    }

    #[test]
    fn signals_concerns_ends_and_qas() {
        let idx = index();
        let busy = idx.lookup(Kind::Signal, "忙").expect("signal");
        assert_eq!(idx.occurrences_of(busy).count(), 3);
        let price = idx.lookup(Kind::Concern, "价格").expect("concern");
        assert_eq!(idx.occurrences_of(price).filter(|o| !o.is_def).count(), 2);
        let refuse = idx.lookup(Kind::End, "拒绝").expect("end");
        let occ: Vec<_> = idx.occurrences_of(refuse).collect();
        assert_eq!(occ.len(), 2);
        assert_eq!(&SPEC[occ[0].span.range()], "拒绝");
        assert!(idx.lookup(Kind::Qa, "条款").is_some());
        assert!(idx.lookup(Kind::Caller, "李明").is_some());
        assert!(idx.lookup(Kind::Callee, "张强").is_some());
        assert!(idx.lookup(Kind::Call, "t").is_some());
    }

    #[test]
    fn placeholders_name_labels_and_fields() {
        let idx = index();
        let label = idx.lookup(Kind::Knows, "历史 互动").expect("quoted label");
        let refs: Vec<_> = idx.occurrences_of(label).filter(|o| !o.is_def).collect();
        assert_eq!(refs.len(), 1);
        assert_eq!(&SPEC[refs[0].span.range()], "历史 互动");
        assert_eq!(&SPEC[refs[0].hit.range()], "{knows.历史 互动}");
        let org = idx.lookup(Kind::Field, "caller.org").expect("field");
        let refs: Vec<_> = idx.occurrences_of(org).filter(|o| !o.is_def).collect();
        assert_eq!(&SPEC[refs[0].span.range()], "caller.org");
        // The cursor on the braces or the root finds the placeholder.
        let on_brace = idx.at(offset_of("{background.情境}", 0)).expect("brace");
        assert_eq!(on_brace.symbol, idx.lookup(Kind::Background, "情境"));
    }

    #[test]
    fn lints_and_unknown_references() {
        let (file, _) = crate::syntax::parse(&SPEC.replace("next 报价", "next 报介"));
        let idx = Index::build(&file.expect("parses"));
        let unknown = idx.occurrences.iter().find(|o| o.name == "报介").expect("ref");
        assert_eq!((unknown.symbol, unknown.is_def), (None, false));
        let lint = idx.occurrences.iter().find(|o| o.kind == Kind::Lint).expect("lint");
        assert_eq!(lint.name, "silent_step");
    }

    #[test]
    fn duplicates_resolve_to_the_first_definition() {
        let src = SPEC.replace("step 发资料 {", "step 开场 {");
        let (file, _) = crate::syntax::parse(&src);
        let idx = Index::build(&file.expect("parses"));
        let defs: Vec<_> = idx.of_kind(Kind::Step).filter(|s| s.name == "开场").collect();
        assert_eq!(defs.len(), 2);
        assert_eq!(
            idx.lookup(Kind::Step, "开场"),
            idx.symbols.iter().position(|s| s == defs[0])
        );
    }

    #[test]
    fn cursor_just_after_a_name_finds_it() {
        let idx = index();
        let end = offset_of("报价 }", 0) + "报价".len();
        assert_eq!(idx.at(end).map(|o| o.name.as_str()), Some("报价"));
        assert!(idx.at(offset_of("locale", 0)).is_none());
    }
}
