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
    Cycle(Vec<String>),
    TooDeep,
    TooLarge,
}

/// Renders texts against the parties' values.
pub struct Renderer<'a> {
    /// What each path names, and its definition.
    env: BTreeMap<String, (Src<'a>, Option<u32>)>,
    /// The definition of each label of the caller's `knows` and of the
    /// callee's `background` blocks, in order (`None` for an empty label).
    knows: Vec<Option<u32>>,
    background: Vec<Option<u32>>,
    memo: BTreeMap<String, String>,
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

impl<'a> Renderer<'a> {
    /// A renderer for the given parties and their collected fields; the
    /// fields and labels placeholders may name are defined in `symbols`.
    pub fn new(
        caller: Option<&'a Party>,
        caller_fields: Option<&Collected<'a>>,
        callee: Option<&'a Party>,
        callee_fields: Option<&Collected<'a>>,
        symbols: &mut Symbols,
    ) -> Self {
        let mut env: BTreeMap<String, (Src<'a>, Option<u32>)> = BTreeMap::new();
        for (party, fields) in [(PartyKind::Caller, caller_fields), (PartyKind::Callee, callee_fields)] {
            for (name, list) in fields.into_iter().flatten() {
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
        let mut r = Self {
            env,
            knows: Vec::new(),
            background: Vec::new(),
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
        };
        for (kind, party) in [(Kind::Knows, caller), (Kind::Background, callee)] {
            let Some(party) = party else { continue };
            let root = if kind == Kind::Knows { "knows" } else { "background" };
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
                    if kind == Kind::Knows {
                        &mut r.knows
                    } else {
                        &mut r.background
                    }
                    .push(d);
                    // A label given twice (E0105) names its first value.
                    r.env
                        .entry(format!("{root}.{}", entry.label))
                        .or_insert((Src::Text(&entry.value), d));
                }
            }
        }
        r
    }

    /// The definition of the `ordinal`-th label of the party's `block`
    /// (`knows` or `background`) blocks.
    pub fn label_definition(&self, block: &str, ordinal: usize) -> Option<u32> {
        let labels = if block == "knows" {
            &self.knows
        } else {
            &self.background
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

    /// Records the reference a placeholder makes: to a label of `knows` or
    /// `background`, or to a party's field; other paths name nothing one
    /// could go to.
    fn refer(&mut self, p: &Placeholder) {
        let lead = p.path.len() - p.path.trim_start().len();
        let path = p.path.trim();
        let start = p.span.start + 1 + lead;
        let Some((root, _)) = path.split_once('.') else {
            return;
        };
        let whole = Span::new(start, start + path.len());
        let label = Span::new(start + root.len() + 1, whole.end);
        let (kind, span) = match root {
            "knows" => (Kind::Knows, label),
            "background" => (Kind::Background, label),
            "caller" => (Kind::Field(PartyKind::Caller), whole),
            "callee" => (Kind::Field(PartyKind::Callee), whole),
            _ => return,
        };
        let definition = self.env.get(path).and_then(|&(_, d)| d);
        self.symbols.refer(kind, span, p.span, definition);
    }

    /// Renders a text at its own place in the file, reporting bad placeholders.
    pub fn render(&mut self, t: &Text) -> String {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Placeholder(p) => {
                    self.refer(p);
                    match self.lookup(p.path.trim()).and_then(|v| self.spend(v)) {
                        Ok(v) => out.push_str(&v),
                        Err(f) => {
                            self.report(&p.path, p.span, f);
                            out.push('{');
                            out.push_str(&p.path);
                            out.push('}');
                        }
                    }
                }
            }
        }
        out
    }

    /// Counts a value against [`MAX_EXPANSION`] before it is put in place.
    fn spend(&mut self, value: String) -> Result<String, Failure> {
        if self.exhausted || self.expanded + value.len() > MAX_EXPANSION {
            self.exhausted = true;
            return Err(Failure::TooLarge);
        }
        self.expanded += value.len();
        Ok(value)
    }

    fn report(&mut self, path: &str, span: crate::source::Span, f: Failure) {
        let d = match f {
            Failure::Unknown => {
                let (root, field) = path.split_once('.').unwrap_or((path, ""));
                let known_shape = matches!(root, "caller" | "callee") && PLACEHOLDER_FIELDS.contains(&field);
                if known_shape {
                    Diagnostic::new(Code::E0103, span, format!("`{{{path}}}` has no value"))
                        .label(format!("the {root} has no `{field}`"))
                        .help(format!("add `{field} …` to the `{root}` block, or write the text out"))
                } else {
                    let mut d = Diagnostic::new(Code::E0103, span, format!("unknown placeholder `{{{path}}}`"))
                        .label("nothing has this name");
                    // Suggestions cost a pass over every name: bounded per file, like unknown references.
                    let best = if self.suggestions_left > 0 {
                        self.suggestions_left -= 1;
                        let env = &self.env;
                        let candidates = self.candidates.get_or_insert_with(|| {
                            let mut all: Vec<String> = env.keys().cloned().collect();
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
                         `{knows.LABEL}` and `{background.LABEL}`",
                    )
                }
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

    fn lookup(&mut self, path: &str) -> Result<String, Failure> {
        if self.exhausted {
            return Err(Failure::TooLarge);
        }
        if let Some(v) = self.memo.get(path) {
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
        let (value, _) = *self.env.get(path).ok_or(Failure::Unknown)?;
        let rendered = match value {
            Src::Plain(s) => s.to_owned(),
            Src::Text(t) => {
                self.stack.push(path.to_owned());
                let mut out = String::new();
                let mut result = Ok(());
                for part in &t.parts {
                    match part {
                        TextPart::Literal(s) => out.push_str(s),
                        TextPart::Placeholder(p) => match self.lookup(p.path.trim()).and_then(|v| self.spend(v)) {
                            Ok(v) => out.push_str(&v),
                            // Unknown names inside a value are reported where the value is written.
                            Err(Failure::Unknown) => {
                                out.push('{');
                                out.push_str(&p.path);
                                out.push('}');
                            }
                            Err(f) => {
                                result = Err(f);
                                break;
                            }
                        },
                    }
                }
                self.stack.pop();
                result?;
                out
            }
        };
        self.memo.insert(path.to_owned(), rendered.clone());
        Ok(rendered)
    }
}
