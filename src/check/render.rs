//! Rendering strings: every `{placeholder}` is replaced by the value it
//! names (E0103 when it names nothing). Values may hold placeholders
//! themselves; they are rendered once (memoised), with cycles and chains
//! deeper than [`MAX_DEPTH`] reported instead of followed.

use std::collections::BTreeMap;

use crate::ast::{Party, PartyItem, Text, TextPart, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;

use super::fields::Collected;
use super::suggest;

/// How many placeholders deep a value may refer through other values.
pub const MAX_DEPTH: usize = 16;

/// The party fields a placeholder may name.
const PARTY_FIELDS: &[&str] = &["name", "gender", "age", "org", "role"];

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
}

/// Renders texts against the parties' values.
pub struct Renderer<'a> {
    env: BTreeMap<String, Src<'a>>,
    memo: BTreeMap<String, String>,
    stack: Vec<String>,
    /// E0103 diagnostics found so far.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Renderer<'a> {
    /// A renderer for the given parties and their collected fields.
    pub fn new(
        caller: Option<&'a Party>,
        caller_fields: Option<&Collected<'a>>,
        callee: Option<&'a Party>,
        callee_fields: Option<&Collected<'a>>,
    ) -> Self {
        let mut env: BTreeMap<String, Src<'a>> = BTreeMap::new();
        for (prefix, fields) in [("caller", caller_fields), ("callee", callee_fields)] {
            for (name, list) in fields.into_iter().flatten() {
                if let (true, Some(first)) = (PARTY_FIELDS.contains(name), list.first()) {
                    let src = match &first.value {
                        Value::Text(t) => Src::Text(t),
                        Value::Integer(n, _) => Src::Plain(n),
                        Value::Word(w) => Src::Plain(&w.name),
                    };
                    env.insert(format!("{prefix}.{name}"), src);
                }
            }
        }
        let mut r = Self {
            env,
            memo: BTreeMap::new(),
            stack: Vec::new(),
            diags: Vec::new(),
        };
        for (root, party, want_knows) in [("knows", caller, true), ("background", callee, false)] {
            let Some(party) = party else { continue };
            for item in &party.items {
                let entries = match item {
                    PartyItem::Knows(e) if want_knows => e,
                    PartyItem::Background(e) if !want_knows => e,
                    _ => continue,
                };
                for entry in &entries.entries {
                    r.env
                        .entry(format!("{root}.{}", entry.label))
                        .or_insert(Src::Text(&entry.value));
                }
            }
        }
        r
    }

    /// Renders a text at its own place in the file, reporting bad placeholders.
    pub fn render(&mut self, t: &Text) -> String {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Placeholder(p) => match self.lookup(p.path.trim()) {
                    Ok(v) => out.push_str(&v),
                    Err(f) => {
                        self.report(&p.path, p.span, f);
                        out.push('{');
                        out.push_str(&p.path);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    fn report(&mut self, path: &str, span: crate::source::Span, f: Failure) {
        let d = match f {
            Failure::Unknown => {
                let (root, field) = path.split_once('.').unwrap_or((path, ""));
                let known_shape = matches!(root, "caller" | "callee") && PARTY_FIELDS.contains(&field);
                if known_shape {
                    Diagnostic::new(Code::E0103, span, format!("`{{{path}}}` has no value"))
                        .label(format!("the {root} has no `{field}`"))
                        .help(format!("add `{field} …` to the `{root}` block, or write the text out"))
                } else {
                    let mut d = Diagnostic::new(Code::E0103, span, format!("unknown placeholder `{{{path}}}`"))
                        .label("nothing has this name");
                    let mut candidates: Vec<String> = self.env.keys().cloned().collect();
                    for root in ["caller", "callee"] {
                        candidates.extend(PARTY_FIELDS.iter().map(|f| format!("{root}.{f}")));
                    }
                    candidates.sort();
                    candidates.dedup();
                    if let Some(best) = suggest(path, candidates.iter().map(String::as_str)) {
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
        };
        self.diags.push(d);
    }

    fn lookup(&mut self, path: &str) -> Result<String, Failure> {
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
        let value = *self.env.get(path).ok_or(Failure::Unknown)?;
        let rendered = match value {
            Src::Plain(s) => s.to_owned(),
            Src::Text(t) => {
                self.stack.push(path.to_owned());
                let mut out = String::new();
                let mut result = Ok(());
                for part in &t.parts {
                    match part {
                        TextPart::Literal(s) => out.push_str(s),
                        TextPart::Placeholder(p) => match self.lookup(p.path.trim()) {
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
