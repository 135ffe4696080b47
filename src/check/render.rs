//! Rendering strings: every `{placeholder}` is replaced by the value it
//! names (E0103 when it names nothing). Values may hold placeholders
//! themselves; they are rendered once (memoised), with cycles and chains
//! deeper than [`MAX_DEPTH`] reported instead of followed. What placeholders
//! may add to a spec is bounded by [`MAX_EXPANSION`], so values that refer to
//! other values several times over cannot multiply into gigabytes.

use std::collections::BTreeMap;

use crate::ast::{Party, PartyItem, PartyKind, Placeholder, Text, TextPart, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::lang::PLACEHOLDER_FIELDS;
use crate::source::Span;

use super::fields::Collected;
use super::symbols::{Kind, Symbols, field_index};
use super::{MAX_SUGGESTION_WORK, MAX_SUGGESTIONS, suggest_within};

/// How many placeholders deep a value may refer through other values.
pub const MAX_DEPTH: usize = 16;

/// The most text placeholders may add to one spec, in bytes: every value put
/// in place of a placeholder counts, inside other values too (the size of the
/// largest source file: ample for names and labels written many times).
pub const MAX_EXPANSION: usize = 16 * 1024 * 1024;

/// What a placeholder path names.
#[derive(Clone, Copy)]
enum Src<'a> {
    /// A number or a word, used as written.
    Plain(&'a str),
    /// A string, which may hold placeholders itself.
    Text(&'a Text),
}

enum Failure {
    Unknown,
    /// Names a variable no `vars` declares.
    UnknownVar,
    Cycle(Vec<String>),
    TooDeep,
    TooLarge,
    /// A callee placeholder in text every callee shares, whose value is not
    /// the same for every callee: the two callees (by index) and values.
    Differs(usize, usize, String, String),
    /// A callee placeholder in shared text that this callee (by index) has
    /// no value for, though others do.
    MissingIn(usize),
}

/// What a path means: one value for the whole call (`caller.…`,
/// `knows.…`), or one per callee (`callee.…`, `background.…`).
type Env<'a> = BTreeMap<String, (Src<'a>, Option<u32>)>;

/// A callee, as placeholders see it.
pub struct CalleeEnv<'a> {
    /// Its id (for messages).
    pub id: &'a str,
    /// The callee whose values it takes when it has none of its own
    /// (`extends`), already checked to be acyclic.
    pub base: Option<usize>,
    /// The callee block.
    pub party: &'a Party,
    /// Its own fields.
    pub fields: Option<&'a Collected<'a>>,
}

/// Renders texts against the parties' values.
pub struct Renderer<'a> {
    /// What each path of the whole call names, and its definition.
    common: Env<'a>,
    /// What each callee path names, per callee (inherited values included).
    callees: Vec<Env<'a>>,
    /// The callees' ids, for messages.
    callee_ids: Vec<&'a str>,
    /// The per-call variables by id: their index and definition.
    vars: BTreeMap<String, (usize, u32)>,
    /// Which variables some text names (for W0218 `unused_var`).
    pub(crate) used_vars: Vec<bool>,
    /// The callee whose texts are being rendered; `None` for the texts every
    /// callee shares (the script, the FAQ, the end).
    scope: Option<usize>,
    /// Whether diagnostics and references are dropped (while rendering a
    /// base callee's texts again for a callee that inherits them).
    pub(crate) muted: bool,
    /// The definition of each label of the caller's `knows` blocks, and of
    /// each callee's `background` blocks, in order (`None` for an empty label).
    knows: Vec<Option<u32>>,
    background: Vec<Vec<Option<u32>>>,
    memo: BTreeMap<(Option<usize>, String), ir::Text>,
    stack: Vec<String>,
    /// Bytes placeholders have added so far, against [`MAX_EXPANSION`].
    expanded: usize,
    /// Whether [`MAX_EXPANSION`] was reached: later placeholders stay as written.
    exhausted: bool,
    /// Whether the one diagnostic for [`MAX_EXPANSION`] was given.
    reported_too_large: bool,
    /// How many more unknown placeholders may get a did-you-mean.
    suggestions_left: usize,
    /// Every path a placeholder may name, sorted (made once, for suggestions).
    candidates: Option<Vec<String>>,
    /// What is left of the edit distances those may compute.
    suggestion_work: usize,
    /// E0103 diagnostics found so far.
    pub(crate) diags: super::diags::Diags,
    /// The placeholders rendered, as references.
    pub(crate) symbols: Symbols,
}

/// The values a party's fields give placeholders (`caller.name`, …).
fn field_env<'a>(party: PartyKind, fields: &Collected<'a>, symbols: &mut Symbols, env: &mut Env<'a>) {
    for (name, list) in fields {
        if let (Some(item), Some(first)) = (field_index(name), list.first()) {
            let src = match &first.value {
                Value::Text(t) => Src::Text(t),
                Value::Integer(n, _) => Src::Plain(n),
                Value::Word(w) => Src::Plain(&w.name),
            };
            let d = symbols.define(Kind::Field(party), first.name.span, Some(item));
            env.insert(format!("{}.{name}", party.keyword()), (src, Some(d)));
        }
    }
}

/// The values a party's `knows` or `background` entries give placeholders,
/// with the definition of each label in order (a label given twice, E0105,
/// names its first value).
fn label_env<'a>(kind: Kind, party: &'a Party, symbols: &mut Symbols, env: &mut Env<'a>) -> Vec<Option<u32>> {
    let root = if kind == Kind::Knows { "knows" } else { "background" };
    let mut defs = Vec::new();
    for item in &party.items {
        let entries = match item {
            PartyItem::Knows(e) if kind == Kind::Knows => e,
            PartyItem::Background(e) if kind == Kind::Background => e,
            _ => continue,
        };
        for entry in entries.entries() {
            let d = match (entry.label.is_empty(), entry.quoted_label) {
                (true, _) => None,
                (false, true) => Some(symbols.define_quoted(kind, entry.label_span, &entry.label)),
                (false, false) => Some(symbols.define(kind, entry.label_span, None)),
            };
            defs.push(d);
            env.entry(format!("{root}.{}", entry.label))
                .or_insert((Src::Text(&entry.value), d));
        }
    }
    defs
}

impl<'a> Renderer<'a> {
    /// A renderer for the given parties and their collected fields; the
    /// fields and labels placeholders may name are defined in `symbols`.
    /// `vars` are the per-call variables' ids with their definitions, in
    /// order.
    pub fn new(
        caller: Option<&'a Party>,
        caller_fields: Option<&Collected<'a>>,
        callees: &[CalleeEnv<'a>],
        vars: &[(&str, u32)],
        symbols: &mut Symbols,
    ) -> Self {
        let mut common = Env::new();
        if let Some(fields) = caller_fields {
            field_env(PartyKind::Caller, fields, symbols, &mut common);
        }
        let knows = caller.map_or_else(Vec::new, |p| label_env(Kind::Knows, p, symbols, &mut common));
        // Each callee's own values first, then (below) what it inherits.
        let mut own: Vec<Env<'a>> = Vec::with_capacity(callees.len());
        let mut background = Vec::with_capacity(callees.len());
        for c in callees {
            let mut env = Env::new();
            if let Some(fields) = c.fields {
                field_env(PartyKind::Callee, fields, symbols, &mut env);
            }
            background.push(label_env(Kind::Background, c.party, symbols, &mut env));
            own.push(env);
        }
        let mut envs = own.clone();
        for (i, env) in envs.iter_mut().enumerate() {
            let mut base = callees[i].base;
            let mut hops = 0;
            while let Some(b) = base
                && hops < callees.len()
            {
                for (path, v) in &own[b] {
                    env.entry(path.clone()).or_insert(*v);
                }
                base = callees[b].base;
                hops += 1;
            }
        }
        Self {
            common,
            callees: envs,
            callee_ids: callees.iter().map(|c| c.id).collect(),
            vars: vars
                .iter()
                .enumerate()
                .map(|(i, &(id, d))| (id.to_owned(), (i, d)))
                .collect(),
            used_vars: vec![false; vars.len()],
            scope: None,
            muted: false,
            knows,
            background,
            memo: BTreeMap::new(),
            stack: Vec::new(),
            expanded: 0,
            exhausted: false,
            reported_too_large: false,
            suggestions_left: MAX_SUGGESTIONS,
            candidates: None,
            suggestion_work: MAX_SUGGESTION_WORK,
            diags: super::diags::Diags::default(),
            symbols: Symbols::default(),
        }
    }

    /// Renders the texts that follow as callee `i`'s own (`Some`), or as
    /// texts every callee shares (`None`).
    pub fn set_scope(&mut self, scope: Option<usize>) {
        self.scope = scope;
    }

    /// The definition of the `ordinal`-th label of the caller's `knows`
    /// blocks (`block` is `knows`) or of the current callee's `background`
    /// blocks.
    pub fn label_definition(&self, block: &str, ordinal: usize) -> Option<u32> {
        let labels = if block == "knows" {
            &self.knows
        } else {
            self.background.get(self.scope.unwrap_or(0))?
        };
        labels.get(ordinal).copied().flatten()
    }

    /// Records the references of a text that is not rendered (it is in a
    /// part of the file the checker skips).
    pub fn refer_text(&mut self, t: &Text) {
        for part in &t.parts {
            if let TextPart::Placeholder(p) = part {
                self.refer(p);
            }
        }
    }

    /// The entry a path names in the current scope, if any.
    fn entry(&self, scope: Option<usize>, path: &str) -> Option<(Src<'a>, Option<u32>)> {
        if let Some(v) = self.common.get(path) {
            return Some(*v);
        }
        match scope {
            Some(i) => self.callees.get(i)?.get(path).copied(),
            None => self.callees.iter().find_map(|env| env.get(path).copied()),
        }
    }

    /// Records the reference a placeholder makes: to a label of `knows` or
    /// `background`, to a party's field, or to a per-call variable; other
    /// paths name nothing one could go to.
    fn refer(&mut self, p: &Placeholder) {
        if self.muted {
            return;
        }
        let lead = p.path.len() - p.path.trim_start().len();
        let path = p.path.trim();
        let start = p.span.start + 1 + lead;
        let Some((root, name)) = path.split_once('.') else {
            return;
        };
        let whole = Span::new(start, start + path.len());
        let label = Span::new(start + root.len() + 1, whole.end);
        let (kind, span) = match root {
            "knows" => (Kind::Knows, label),
            "background" => (Kind::Background, label),
            "caller" => (Kind::Field(PartyKind::Caller), whole),
            "callee" => (Kind::Field(PartyKind::Callee), whole),
            "var" => {
                let definition = self.vars.get(name).map(|&(_, d)| d);
                self.symbols.refer(Kind::Var, label, p.span, definition);
                return;
            }
            _ => return,
        };
        let definition = self.entry(self.scope, path).and_then(|(_, d)| d);
        self.symbols.refer(kind, span, p.span, definition);
    }

    /// Renders a text at its own place in the file, reporting bad placeholders.
    pub fn render(&mut self, t: &Text) -> ir::Text {
        let mut out = ir::Text::default();
        for part in &t.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Placeholder(p) => {
                    self.refer(p);
                    match self.lookup(self.scope, p.path.trim()).and_then(|v| self.spend(v)) {
                        Ok(v) => out.push_text(&v),
                        Err(f) => {
                            self.report(&p.path, p.span, f);
                            out.push_str("{");
                            out.push_str(&p.path);
                            out.push_str("}");
                        }
                    }
                }
            }
        }
        out
    }

    /// Counts a value against [`MAX_EXPANSION`] before it is put in place.
    fn spend(&mut self, value: ir::Text) -> Result<ir::Text, Failure> {
        let len = value.lit_len();
        if self.exhausted || self.expanded + len > MAX_EXPANSION {
            self.exhausted = true;
            return Err(Failure::TooLarge);
        }
        self.expanded += len;
        Ok(value)
    }

    fn report(&mut self, path: &str, span: crate::source::Span, f: Failure) {
        if self.muted {
            return;
        }
        let d = match f {
            Failure::Unknown => self.unknown(path, span),
            Failure::UnknownVar => {
                let name = path.trim().strip_prefix("var.").unwrap_or_default();
                let mut d = Diagnostic::new(Code::E0103, span, format!("unknown variable `{{{}}}`", path.trim()))
                    .label("no variable has this name");
                let best = suggest_within(name, self.vars.keys().map(String::as_str), &mut self.suggestion_work);
                if let Some(best) = best {
                    d = d
                        .help(format!("did you mean `{{var.{best}}}`?"))
                        .fix(span, format!("{{var.{best}}}"));
                } else if self.vars.is_empty() {
                    d = d.help(format!("declare it: `vars {{ {name} text required example \"…\" }}`"));
                } else {
                    d = d.help(format!("declare it in `vars`: `{name} text required example \"…\"`"));
                }
                d.note("a per-call variable is filled for each call; declare it in the `vars` block")
            }
            Failure::Differs(a, b, va, vb) => {
                let (ida, idb) = (self.callee_ids[a], self.callee_ids[b]);
                Diagnostic::new(
                    Code::E0103,
                    span,
                    format!("`{{{}}}` is not the same for every callee", path.trim()),
                )
                .label(format!("`{va}` for `{ida}`, `{vb}` for `{idb}`"))
                .note("this text is the caller's, shared by every callee; a placeholder in it must mean one thing")
                .help(
                    "make it a per-call variable, filled for each call: `name \"{var.customer_name}\"` in the callees \
                     and `customer_name text required` in `vars`",
                )
            }
            Failure::MissingIn(i) => {
                let field = path.trim().split_once('.').map_or("", |(_, f)| f);
                Diagnostic::new(
                    Code::E0103,
                    span,
                    format!("`{{{}}}` has no value for callee `{}`", path.trim(), self.callee_ids[i]),
                )
                .label(format!("callee `{}` has no `{field}`", self.callee_ids[i]))
                .note("this text is shared by every callee, so every callee needs the value")
                .help(format!(
                    "add `{field} …` to callee `{}`, or write the text out",
                    self.callee_ids[i]
                ))
            }
            Failure::Cycle(chain) => {
                Diagnostic::new(Code::E0103, span, format!("placeholder `{{{path}}}` refers to itself"))
                    .label("this placeholder never finishes")
                    .note(format!("the chain is {}", chain.join(" → ")))
            }
            Failure::TooDeep => {
                Diagnostic::new(Code::E0103, span, format!("placeholder `{{{path}}}` nests too deeply"))
                    .label(format!("more than {MAX_DEPTH} placeholders deep"))
                    .help("write some of the values out instead of referring to other values")
            }
            Failure::TooLarge => {
                if std::mem::replace(&mut self.reported_too_large, true) {
                    return;
                }
                Diagnostic::new(Code::E0103, span, format!("placeholder `{{{path}}}` expands to too much text"))
                    .label(format!(
                        "placeholders in this spec would add more than {} MiB of text",
                        MAX_EXPANSION / (1024 * 1024)
                    ))
                    .note("values that refer to other values several times over multiply; later placeholders are left as written")
                    .help("write some of the values out instead of referring to other values")
            }
        };
        self.diags.push(d);
    }

    /// E0103 for a path that names nothing.
    fn unknown(&mut self, path: &str, span: Span) -> Diagnostic {
        let (root, field) = path.split_once('.').unwrap_or((path, ""));
        let known_shape = matches!(root, "caller" | "callee") && PLACEHOLDER_FIELDS.contains(&field);
        if known_shape {
            return Diagnostic::new(Code::E0103, span, format!("`{{{path}}}` has no value"))
                .label(format!("the {root} has no `{field}`"))
                .help(format!("add `{field} …` to the `{root}` block, or write the text out"));
        }
        let mut d = Diagnostic::new(Code::E0103, span, format!("unknown placeholder `{{{path}}}`"))
            .label("nothing has this name");
        // Suggestions cost a pass over every name: bounded per file, like unknown references.
        let best = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            let (common, callees, vars) = (&self.common, &self.callees, &self.vars);
            let candidates = self.candidates.get_or_insert_with(|| {
                let mut all: Vec<String> = common.keys().cloned().collect();
                all.extend(callees.iter().flat_map(|env| env.keys().cloned()));
                all.extend(vars.keys().map(|v| format!("var.{v}")));
                for root in ["caller", "callee"] {
                    all.extend(PLACEHOLDER_FIELDS.iter().map(|f| format!("{root}.{f}")));
                }
                all.sort();
                all.dedup();
                all
            });
            let all = candidates.iter().map(String::as_str);
            suggest_within(path, all, &mut self.suggestion_work).map(str::to_owned)
        } else {
            None
        };
        if let Some(best) = best {
            d = d
                .help(format!("did you mean `{{{best}}}`?"))
                .fix(span, format!("{{{best}}}"));
        } else {
            d = d.help("write `{{` and `}}` for literal braces");
        }
        d.note(
            "placeholders are `{caller.FIELD}`, `{callee.FIELD}` (name, gender, age, org, role), \
             `{knows.LABEL}`, `{background.LABEL}` and `{var.NAME}` (a per-call variable)",
        )
    }

    /// What a path gives in a scope: its value rendered (a per-call
    /// variable stays a variable). In the shared scope a callee path must
    /// give the same for every callee.
    fn lookup(&mut self, scope: Option<usize>, path: &str) -> Result<ir::Text, Failure> {
        if self.exhausted {
            return Err(Failure::TooLarge);
        }
        if let Some(name) = path.strip_prefix("var.") {
            let &(index, _) = self.vars.get(name.trim()).ok_or(Failure::UnknownVar)?;
            if let Some(used) = self.used_vars.get_mut(index) {
                *used = true;
            }
            let mut t = ir::Text::default();
            t.push_var(ir::VarRef {
                index,
                id: name.trim().to_owned(),
            });
            return Ok(t);
        }
        let per_callee =
            !self.common.contains_key(path) && matches!(path.split_once('.'), Some(("callee" | "background", _)));
        if scope.is_none() && per_callee && self.callees.len() > 1 {
            return self.shared(path);
        }
        let key = (scope, path.to_owned());
        if let Some(v) = self.memo.get(&key) {
            return Ok(v.clone());
        }
        if let Some(at) = self.stack.iter().position(|p| p == path) {
            let mut chain = self.stack[at..].to_vec();
            chain.push(path.to_owned());
            return Err(Failure::Cycle(chain));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(Failure::TooDeep);
        }
        let at = if per_callee { scope.or(Some(0)) } else { scope };
        let (value, _) = self.entry(at, path).ok_or(Failure::Unknown)?;
        let rendered = match value {
            Src::Plain(s) => ir::Text::lit(s),
            Src::Text(t) => {
                self.stack.push(path.to_owned());
                let mut out = ir::Text::default();
                let mut result = Ok(());
                for part in &t.parts {
                    match part {
                        TextPart::Literal(s) => out.push_str(s),
                        TextPart::Placeholder(p) => {
                            match self.lookup(scope, p.path.trim()).and_then(|v| self.spend(v)) {
                                Ok(v) => out.push_text(&v),
                                // Unknown names inside a value are reported where the value is written.
                                Err(Failure::Unknown | Failure::UnknownVar | Failure::MissingIn(_)) => {
                                    out.push_str("{");
                                    out.push_str(&p.path);
                                    out.push_str("}");
                                }
                                Err(f) => {
                                    result = Err(f);
                                    break;
                                }
                            }
                        }
                    }
                }
                self.stack.pop();
                result?;
                out
            }
        };
        self.memo.insert(key, rendered.clone());
        Ok(rendered)
    }

    /// A callee path in text every callee shares: the value when every
    /// callee gives the same one.
    fn shared(&mut self, path: &str) -> Result<ir::Text, Failure> {
        let mut first: Option<(usize, ir::Text)> = None;
        let mut missing = None;
        for i in 0..self.callees.len() {
            match self.lookup(Some(i), path) {
                Ok(v) => match &first {
                    None => first = Some((i, v)),
                    Some((a, va)) if *va != v => {
                        let written = |t: &ir::Text| {
                            t.render(|var, out| {
                                out.push_str("{var.");
                                out.push_str(&var.id);
                                out.push('}');
                            })
                        };
                        return Err(Failure::Differs(*a, i, written(va), written(&v)));
                    }
                    Some(_) => {}
                },
                Err(Failure::Unknown) => missing = missing.or(Some(i)),
                Err(f) => return Err(f),
            }
        }
        match (first, missing) {
            (Some(_), Some(i)) => Err(Failure::MissingIn(i)),
            (Some((_, v)), None) => Ok(v),
            (None, _) => Err(Failure::Unknown),
        }
    }
}
