//! The `rust` target: a checked [`ir::Spec`] → one self-contained Rust
//! source file (no dependencies) holding the spec as static data and its
//! flow as a state machine (`Step`, `Signal`, `Event`, `Transition`,
//! `next`, and `Call`, which counts retries and keeps captured values).
//!
//! Every piece of spec text reaches the output through [`string_literal`]
//! and every identifier made from a spec id through [`variant_names`];
//! nothing else from the spec is written, so no spec content can change the
//! shape of the generated code. Comments hold only escaped ids. The layout
//! is fixed and every list keeps source order, so the output is
//! byte-for-byte deterministic. `docs/targets/rust.md` documents the
//! generated API.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::OutputFile;
use crate::ast::Priority;
use crate::ir;
use crate::names::transliterate;

/// The version of the generated file's API, written into it as `FORMAT_VERSION`.
pub const FORMAT_VERSION: u32 = 2;

/// Capitalised Rust keywords: the only ones a CamelCase name could spell.
const RESERVED: &[&str] = &["Self"];

/// The Rust string literal whose value is exactly `text`: the one escaping
/// function of this target.
///
/// It is Rust's own `Debug` quoting, so `"` and `\` are escaped, line
/// breaks, carriage returns, NUL and every other control, bidi control
/// (U+202E, U+2066…), invisible format character and combining mark
/// become `\n`, `\r`, `\0` or `\u{…}`, and the
/// result is a plain (never raw) literal that a bare `"#` cannot end.
/// Printable text, Chinese and emoji included, stays as it is.
#[must_use]
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// Rust enum variant names for ids, in the order given: the one naming
/// function of this target.
///
/// Each name is the `UpperCamelCase` form of the id's ASCII transliteration
/// ([`transliterate`]: `开场` → `KaiChang`, `wrap_up` → `WrapUp`), so it
/// is ASCII (rustc's NFC normalisation of identifiers cannot merge two
/// ids) and passes rustc's `non_camel_case_types` lint. A name that would
/// start with a digit starts with `_`. A name that is taken already
/// (`报价` and `保价` are both `BaoJia`) or is a keyword (`Self`) gets the
/// first free numeric suffix (`BaoJia2`; after a digit `_2`, as in
/// `Step2_2`), so the names are unique and the earlier id keeps the
/// plain name.
#[must_use]
pub fn variant_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut names = Vec::new();
    // The next suffix to try for each base (names only get taken): linear
    // when thousands of ids transliterate alike.
    let mut next: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for id in ids {
        let base = upper_camel(&transliterate(id));
        let mut name = base.clone();
        if taken.contains(&name) {
            let n = next.entry(base.clone()).or_insert(2);
            loop {
                name = if base.ends_with(|c: char| c.is_ascii_digit()) {
                    format!("{base}_{n}")
                } else {
                    format!("{base}{n}")
                };
                *n += 1;
                if !taken.contains(&name) {
                    break;
                }
            }
        }
        taken.insert(name.clone());
        names.push(name);
    }
    names
}

/// `snake_case` → `UpperCamelCase`; never empty, never starting with a digit.
fn upper_camel(snake: &str) -> String {
    let mut out = String::new();
    for word in snake.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        out.push('X');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The Rust source file for a checked spec, named after the spec's id
/// (transliterated, so that it is a valid module name).
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    vec![OutputFile {
        path: PathBuf::from(format!("{}.rs", transliterate(&spec.id))),
        contents: source(spec),
    }]
}

/// Appends one line to the output; writing to a `String` cannot fail.
macro_rules! put {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// The names of the generated enums' variants, by IR index.
struct Gen<'a> {
    spec: &'a ir::Spec,
    steps: Vec<String>,
    signals: Vec<String>,
    ends: Vec<String>,
    captures: Vec<String>,
    transfers: Vec<String>,
    /// The words of every `one_of` capture, each once, in the order first written.
    words: Vec<&'a str>,
    /// The `Choice` variant of each of `words`.
    choices: Vec<String>,
}

/// The text of the Rust source file for a checked spec.
#[must_use]
pub fn source(spec: &ir::Spec) -> String {
    // Every part of the spec and the section that writes it: a part added to
    // the IR fails to compile here until this target handles it.
    let ir::Spec {
        id: _,                       // header
        title: _,                    // header
        locale: _,                   // header
        opening: _,                  // header
        closing: _,                  // header
        first_speaker: _,            // header: `FIRST_SPEAKER`
        silence_timeout: _,          // header: `SILENCE_TIMEOUT_SECS`
        silence_timeout_explicit: _, // the value in force is the same either way
        caller: _,                   // parties
        callees: _,                  // parties
        concerns: _,                 // concerns
        signals: _,                  // signals
        vars: _,                     // not yet (issue 12): `Vars`
        steps: _,                    // steps and flow
        global_branches: _,          // `Step::branch`, `Step::on_event`, `start_branch`
        faq: _,                      // faq
        ends: _,                     // ends
        transfers: _,                // ends: `Transfer`
        captures: _,                 // captures
    } = spec;
    let mut words: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &spec.captures {
        if let ir::ValueType::OneOf(list) = &c.kind {
            words.extend(list.iter().map(String::as_str).filter(|w| seen.insert(*w)));
        }
    }
    let g = Gen {
        spec,
        steps: variant_names(spec.steps.iter().map(|s| s.id.as_str())),
        signals: variant_names(spec.signals.iter().map(|s| s.id.as_str())),
        ends: variant_names(spec.ends.iter().map(|e| e.id.as_str())),
        captures: variant_names(spec.captures.iter().map(|c| c.id.as_str())),
        transfers: variant_names(spec.transfers.iter().map(|t| t.id.as_str())),
        choices: variant_names(words.iter().copied()),
        words,
    };
    let mut out = String::new();
    g.header(&mut out);
    g.parties(&mut out);
    g.concerns(&mut out);
    g.signals(&mut out);
    g.events(&mut out);
    g.steps(&mut out);
    g.flow(&mut out);
    g.captures(&mut out);
    g.faq(&mut out);
    g.ends(&mut out);
    g.transfers(&mut out);
    g.call(&mut out);
    // The file ends with exactly one newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `Some("…")` or `None`.
fn option(text: Option<&impl std::fmt::Display>) -> String {
    text.map_or_else(
        || "None".to_owned(),
        |t| format!("Some({})", string_literal(&t.to_string())),
    )
}

/// A `&[…]` of string literals, one per line at `indent`, closing at `indent - 4`.
fn str_slice(items: &[impl std::fmt::Display], indent: usize) -> String {
    list(items.iter().map(|s| string_literal(&s.to_string())), indent)
}

/// A `&[…]` of ready-made items, one per line at `indent`, closing at `indent - 4`.
fn list(items: impl IntoIterator<Item = String>, indent: usize) -> String {
    let mut out = String::from("&[");
    let mut empty = true;
    for item in items {
        empty = false;
        let _ = write!(out, "\n{:indent$}{item},", "");
    }
    if !empty {
        let _ = write!(out, "\n{:width$}", "", width = indent.saturating_sub(4));
    }
    out.push(']');
    out
}

/// A `&[(label, value), …]` of labelled entries.
fn entries(items: &[(String, ir::Text)], indent: usize) -> String {
    list(
        items
            .iter()
            .map(|(label, value)| format!("({}, {})", string_literal(label), string_literal(&value.to_string()))),
        indent,
    )
}

/// The body of a `match self` over an enum: one arm per variant, or `{}` for an empty enum.
fn match_self(out: &mut String, ty: &str, variants: &[String], value: impl Fn(usize) -> String) {
    if variants.is_empty() {
        put!(out, "        match self {{}}");
        return;
    }
    put!(out, "        match self {{");
    for (i, v) in variants.iter().enumerate() {
        put!(out, "            {ty}::{v} => {},", value(i));
    }
    put!(out, "        }}");
}

/// The body of a method returning a `&'static [T]` per variant: one arm per
/// variant whose list is not empty, then `_ => &[]` for the rest (or just
/// `&[]` when every list is empty).
fn match_slices(out: &mut String, ty: &str, variants: &[String], lists: &[String]) {
    let arms: Vec<String> = variants
        .iter()
        .zip(lists)
        .filter(|(_, l)| l.as_str() != "&[]")
        .map(|(v, l)| format!("{ty}::{v} => {l},"))
        .collect();
    if arms.is_empty() {
        put!(out, "        &[]");
        return;
    }
    put!(out, "        match self {{");
    for arm in &arms {
        put!(out, "            {arm}");
    }
    if arms.len() < variants.len() {
        put!(out, "            _ => &[],");
    }
    put!(out, "        }}");
}

/// A `Party` static.
fn party(out: &mut String, doc: &str, name: &str, p: &ir::Party) {
    let ir::Party {
        id,
        name: party_name,
        gender,
        age,
        org,
        role,
        persona,
        task,
        knows,
        background,
        behavior,
        style: ir::Style { note, avoid, prefer },
        concerns: _, // `CONCERNS` (not yet, issue 12: per callee)
        extends: _,  // not yet (issue 12)
    } = p;
    put!(out, "{doc}");
    put!(out, "pub static {name}: Party = Party {{");
    put!(out, "    id: {},", string_literal(id));
    put!(out, "    name: {},", string_literal(&party_name.to_string()));
    put!(out, "    gender: {},", option(gender.as_ref()));
    match age {
        Some(age) => put!(out, "    age: Some({age}),"),
        None => put!(out, "    age: None,"),
    }
    put!(out, "    org: {},", option(org.as_ref()));
    put!(out, "    role: {},", option(role.as_ref()));
    put!(out, "    persona: {},", option(persona.as_ref()));
    put!(out, "    task: {},", option(task.as_ref()));
    put!(out, "    knows: {},", entries(knows, 8));
    put!(out, "    background: {},", entries(background, 8));
    put!(out, "    behavior: {},", str_slice(behavior, 8));
    put!(out, "    style: Style {{");
    put!(out, "        note: {},", option(note.as_ref()));
    put!(out, "        avoid: {},", str_slice(avoid, 12));
    put!(out, "        prefer: {},", str_slice(prefer, 12));
    put!(out, "    }},");
    put!(out, "}};");
    put!(out);
}

/// The `Priority` variant of a concern priority.
fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Primary => "Priority::Primary",
        Priority::Secondary => "Priority::Secondary",
        Priority::Latent => "Priority::Latent",
    }
}

/// The shared shape of the three id enums (`Signal`, `Step`, `EndCondition`).
struct IdEnum<'a> {
    ty: &'a str,
    doc: &'a [&'a str],
    what: &'a str,
    variants: &'a [String],
    ids: Vec<&'a str>,
}

impl IdEnum<'_> {
    /// The enum, its `ALL` list, `id` and `from_id`; other methods go into `more`.
    fn write(&self, out: &mut String, more: impl FnOnce(&mut String)) {
        let ty = self.ty;
        for d in self.doc {
            put!(out, "///{}{d}", if d.is_empty() { "" } else { " " });
        }
        put!(
            out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        );
        if self.variants.is_empty() {
            put!(out, "pub enum {ty} {{}}");
        } else {
            put!(out, "pub enum {ty} {{");
            for (v, id) in self.variants.iter().zip(&self.ids) {
                put!(out, "    /// The {} `{}`.", self.what, string_literal(id));
                put!(out, "    {v},");
            }
            put!(out, "}}");
        }
        put!(out);
        put!(out, "impl {ty} {{");
        put!(out, "    /// Every {}, in the order written in the spec.", self.what);
        let all = list(self.variants.iter().map(|v| format!("{ty}::{v}")), 8);
        put!(out, "    pub const ALL: &'static [{ty}] = {all};");
        put!(out);
        put!(out, "    /// The id of the {} in the spec.", self.what);
        put!(out, "    #[must_use]");
        put!(out, "    pub fn id(self) -> &'static str {{");
        match_self(out, ty, self.variants, |i| string_literal(self.ids[i]));
        put!(out, "    }}");
        put!(out);
        put!(out, "    /// The {} with this id (compared exactly).", self.what);
        put!(out, "    #[must_use]");
        put!(out, "    pub fn from_id(id: &str) -> Option<{ty}> {{");
        put!(out, "        {ty}::ALL.iter().copied().find(|x| x.id() == id)");
        put!(out, "    }}");
        more(out);
        put!(out, "}}");
        put!(out);
    }
}

impl Gen<'_> {
    fn header(&self, out: &mut String) {
        put!(
            out,
            "// @generated by callc from spec {} (target `rust`, format {FORMAT_VERSION}).",
            string_literal(&self.spec.id)
        );
        put!(
            out,
            "// Do not edit: change the spec and run `callc build SPEC --target rust` again."
        );
        put!(out, "//");
        put!(
            out,
            "// Self-contained, with no dependencies and no inner attributes: use it as a crate"
        );
        put!(
            out,
            "// root, as a module file (`mod call_spec;`) or through `include!`. A binary that"
        );
        put!(
            out,
            "// uses only part of it can declare it `#[allow(dead_code)] mod call_spec;`."
        );
        put!(out);
        put!(
            out,
            "/// The version of this file's API; callc changes it when the API changes."
        );
        put!(out, "pub const FORMAT_VERSION: u32 = {FORMAT_VERSION};");
        put!(out);
        put!(out, "/// The call's id.");
        put!(out, "pub const CALL_ID: &str = {};", string_literal(&self.spec.id));
        put!(out);
        put!(out, "/// The call's title.");
        put!(
            out,
            "pub const TITLE: Option<&str> = {};",
            option(self.spec.title.as_ref())
        );
        put!(out);
        put!(out, "/// The locale of the spec's text, a BCP 47 tag such as `zh-CN`.");
        put!(out, "pub const LOCALE: &str = {};", string_literal(&self.spec.locale));
        put!(out);
        put!(out, "/// The opening line, said before the first step.");
        put!(
            out,
            "pub const OPENING: Option<&str> = {};",
            option(self.spec.opening.as_ref())
        );
        put!(out);
        put!(
            out,
            "/// The closing line, said when the call ends (`Transition::End`) — but not"
        );
        put!(
            out,
            "/// after `Event::Hangup` or `Event::NoAnswer`, when nobody listens."
        );
        put!(
            out,
            "pub const CLOSING: &str = {};",
            string_literal(&self.spec.closing.to_string())
        );
        put!(out);
        out.push_str(SPEAKER_TYPE);
        put!(out);
        put!(
            out,
            "/// Who speaks first once the line connects (`first_speaker`; `Callee` unless the"
        );
        put!(out, "/// spec says).");
        let speaker = match self.spec.first_speaker {
            ir::Speaker::Callee => "Callee",
            ir::Speaker::Caller => "Caller",
        };
        put!(out, "pub const FIRST_SPEAKER: Speaker = Speaker::{speaker};");
        put!(out);
        put!(
            out,
            "/// Seconds of callee silence after a caller turn before `Event::Silence` fires"
        );
        put!(
            out,
            "/// (`silence_timeout`; {} unless the spec says).",
            ir::DEFAULT_SILENCE_TIMEOUT
        );
        put!(
            out,
            "pub const SILENCE_TIMEOUT_SECS: u32 = {};",
            self.spec.silence_timeout
        );
        put!(out);
    }

    fn events(&self, out: &mut String) {
        out.push_str(EVENT_TYPE);
        put!(out);
        put!(
            out,
            "/// The branch the call takes when it starts with `event`, before any step runs:"
        );
        put!(
            out,
            "/// `on voicemail -> …` or `on no_answer -> …` in `flow`. `None` for the other"
        );
        put!(out, "/// events, and for a start event the spec has no branch on.");
        put!(out, "#[must_use]");
        put!(out, "pub fn start_branch(event: Event) -> Option<Transition> {{");
        let on = |e: ir::Event| {
            self.spec
                .start_branches()
                .find(|b| b.on == ir::On::Event(e))
                .map_or_else(|| "None".to_owned(), |b| format!("Some({})", self.transition(b.target)))
        };
        put!(out, "    match event {{");
        put!(out, "        Event::Voicemail => {},", on(ir::Event::Voicemail));
        put!(out, "        Event::NoAnswer => {},", on(ir::Event::NoAnswer));
        put!(out, "        Event::Silence | Event::Hangup => None,");
        put!(out, "    }}");
        put!(out, "}}");
        put!(out);
    }

    fn parties(&self, out: &mut String) {
        out.push_str(PARTY_TYPES);
        put!(out);
        party(out, "/// The party that places the call.", "CALLER", &self.spec.caller);
        party(
            out,
            "/// The party that is called: the simulated customer.",
            "CALLEE",
            self.spec.callee().unwrap_or(&ir::Party::default()),
        );
    }

    fn concerns(&self, out: &mut String) {
        out.push_str(CONCERN_TYPES);
        put!(out);
        let spec = self.spec;
        let items = spec.concerns.iter().map(|c| {
            let ir::Concern { id, steps, faq } = c;
            // Not yet (issue 12): each callee's stance; the first callee's here.
            let stance = spec
                .callee()
                .and_then(|p| p.concerns.iter().find(|s| spec.concerns[s.concern].id == *id));
            let level = stance.map_or(crate::ast::Priority::Secondary, |s| s.priority);
            let text = stance.map(|s| s.text.to_string()).unwrap_or_default();
            let steps = list(steps.iter().map(|&i| format!("Step::{}", self.steps[i])), 12);
            let faq = list(faq.iter().map(|&i| string_literal(&spec.faq[i].id)), 12);
            format!(
                "Concern {{\n        id: {},\n        priority: {},\n        text: {},\n        steps: {steps},\n        \
                 faq: {faq},\n    }}",
                string_literal(id),
                priority(level),
                string_literal(&text),
            )
        });
        put!(out, "/// The callee's concerns, in the order written in the spec.");
        put!(out, "pub static CONCERNS: &[Concern] = {};", list(items, 4));
        put!(out);
        put!(out, "/// The concern with this id (compared exactly).");
        put!(out, "#[must_use]");
        put!(out, "pub fn concern(id: &str) -> Option<&'static Concern> {{");
        put!(out, "    CONCERNS.iter().find(|c| c.id == id)");
        put!(out, "}}");
        put!(out);
    }

    fn signals(&self, out: &mut String) {
        // The fields of a signal and the method that carries each (checked
        // by the compiler: a new field fails here until it is handled).
        let _ = |ir::Signal {
                     id: _,          // `id`
                     description: _, // `description`
                     examples: _,    // not yet (issue 12)
                 }: &ir::Signal| ();
        let spec = self.spec;
        let e = IdEnum {
            ty: "Signal",
            doc: &["Something the callee may say or do that moves the flow."],
            what: "signal",
            variants: &self.signals,
            ids: spec.signals.iter().map(|s| s.id.as_str()).collect(),
        };
        e.write(out, |out| {
            put!(out);
            put!(out, "    /// What the signal means.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn description(self) -> Option<&'static str> {{");
            match_self(out, "Signal", &self.signals, |i| {
                option(spec.signals[i].description.as_ref())
            });
            put!(out, "    }}");
        });
    }

    fn steps(&self, out: &mut String) {
        // The fields of a step and the method that carries each (checked by
        // the compiler: a new field fails here until it is handled).
        let _ = |ir::Step {
                     id: _,            // `id`
                     title: _,         // `title`
                     lines: _,         // `lines`
                     covers: _,        // `covers`
                     next: _,          // `successor`
                     next_explicit: _, // the successor is the same either way
                     branches: _,      // `branch`, `on_event`
                     overrides: _,     // `branch` (an own arm comes first), `on_event`
                     waits: _,         // `waits`; `branch` and `on_event` drop the global branches
                     captures: _,      // `captures`
                     retry: _,         // `retry`
                 }: &ir::Step| ();
        let spec = self.spec;
        let e = IdEnum {
            ty: "Step",
            doc: &[
                "A step of the flow: one state of the call. The order of the variants",
                "is the order written in the spec.",
            ],
            what: "step",
            variants: &self.steps,
            ids: spec.steps.iter().map(|s| s.id.as_str()).collect(),
        };
        e.write(out, |out| {
            put!(out);
            put!(out, "    /// The step's title.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn title(self) -> Option<&'static str> {{");
            match_self(out, "Step", &self.steps, |i| option(spec.steps[i].title.as_ref()));
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The lines the caller says in this step, in order.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn lines(self) -> &'static [&'static str] {{");
            match_self(out, "Step", &self.steps, |i| str_slice(&spec.steps[i].lines, 16));
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The ids of the concerns this step covers.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn covers(self) -> &'static [&'static str] {{");
            match_self(out, "Step", &self.steps, |i| {
                list(
                    spec.steps[i]
                        .covers
                        .iter()
                        .map(|&c| string_literal(&spec.concerns[c].id)),
                    16,
                )
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Whether the step waits for the callee's reply after its lines (a turn);"
            );
            put!(out, "    /// `false` for a step that says `continue`.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn waits(self) -> bool {{");
            let going_on: Vec<String> = spec
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.waits)
                .map(|(i, _)| format!("Step::{}", self.steps[i]))
                .collect();
            if going_on.is_empty() {
                put!(out, "        true");
            } else if going_on.len() == self.steps.len() {
                put!(out, "        false");
            } else {
                put!(out, "        !matches!(self, {})", going_on.join(" | "));
            }
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// What the step asks the callee for, in order.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn captures(self) -> &'static [Capture] {{");
            let lists: Vec<String> = spec.steps.iter().map(|s| self.captures_list(&s.captures)).collect();
            match_slices(out, "Step", &self.steps, &lists);
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// `retry N -> TARGET`: the step runs at most `1 + N` times in one call"
            );
            put!(out, "    /// (`Call` counts); `None` when the step has no `retry`.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn retry(self) -> Option<Retry> {{");
            let retried: Vec<String> = spec
                .steps
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    s.retry.map(|r| {
                        format!(
                            "Step::{} => Some(Retry {{\n                max: {},\n                then: {},\n            }}),",
                            self.steps[i],
                            r.max,
                            self.transition(r.then)
                        )
                    })
                })
                .collect();
            if retried.is_empty() {
                put!(out, "        None");
            } else {
                put!(out, "        match self {{");
                for arm in &retried {
                    put!(out, "            {arm}");
                }
                if retried.len() < self.steps.len() {
                    put!(out, "            _ => None,");
                }
                put!(out, "        }}");
            }
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Where the call goes from this step when no branch is taken: the"
            );
            put!(
                out,
                "    /// step's `next`/`->`, else the next step written, else the end."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn successor(self) -> Transition {{");
            match_self(out, "Step", &self.steps, |i| self.transition(spec.steps[i].next));
            put!(out, "    }}");
            put!(out);
            self.branch(out);
            put!(out);
            self.on_event(out);
            if !self.steps.is_empty() {
                put!(out);
                put!(out, "    /// The step's place in `Step::ALL`.");
                put!(out, "    fn index(self) -> usize {{");
                match_self(out, "Step", &self.steps, |i| i.to_string());
                put!(out, "    }}");
            }
        });
    }

    fn branch(&self, out: &mut String) {
        put!(
            out,
            "    /// The branch in force at this step for `signal`: the step's own"
        );
        put!(
            out,
            "    /// `on SIGNAL -> …`, else the global one of the flow (only at a step that"
        );
        put!(
            out,
            "    /// waits: a `continue` step takes no reply); `None` when the signal has no"
        );
        put!(out, "    /// branch at this step.");
        put!(out, "    #[must_use]");
        put!(out, "    pub fn branch(self, signal: Signal) -> Option<Transition> {{");
        if self.signals.is_empty() {
            put!(out, "        match signal {{}}");
            put!(out, "    }}");
            return;
        }
        // A step's own branches first; then, if any global branch is written,
        // `(Step::X, _) => None` for each step that does not wait; then each
        // global branch once as `(_, Signal::X)`: a match takes the first arm
        // that fits, so an own branch overrides the global one on its signal.
        // O(own + global + steps) arms.
        let spec = self.spec;
        let n = self.signals.len();
        let mut arms = Vec::new();
        let mut own: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); spec.steps.len()];
        let mut own_waiting = vec![0usize; n];
        for (i, step) in spec.steps.iter().enumerate() {
            for b in &step.branches {
                let Some(signal) = b.signal() else { continue }; // events: `on_event`
                if own[i].insert(signal) {
                    own_waiting[signal] += usize::from(step.waits);
                    arms.push(format!(
                        "(Step::{}, Signal::{}) => Some({}),",
                        self.steps[i],
                        self.signals[signal],
                        self.transition(b.target)
                    ));
                }
            }
        }
        // A global arm is in force at a waiting step that does not override
        // it; without one it would be an unreachable pattern.
        let waiting = spec.steps.iter().filter(|s| s.waits).count();
        let mut global = BTreeSet::new();
        let mut global_arms = Vec::new();
        for b in &spec.global_branches {
            let Some(signal) = b.signal() else { continue }; // events: `on_event`, `start_branch`
            if own_waiting[signal] < waiting && global.insert(signal) {
                global_arms.push(format!(
                    "(_, Signal::{}) => Some({}),",
                    self.signals[signal],
                    self.transition(b.target)
                ));
            }
        }
        let mut catch_all = false;
        for (i, step) in spec.steps.iter().enumerate() {
            let both = own[i].iter().filter(|s| global.contains(s)).count();
            let uncovered = n - own[i].len() - (global.len() - both);
            if !step.waits && !global.is_empty() && own[i].len() < n {
                arms.push(format!("(Step::{}, _) => None,", self.steps[i]));
            } else if uncovered > 0 {
                catch_all = true;
            }
        }
        arms.extend(global_arms);
        put!(out, "        match (self, signal) {{");
        for arm in &arms {
            put!(out, "            {arm}");
        }
        // A catch-all when every pair has its arm would be an unreachable pattern.
        if catch_all {
            put!(out, "            _ => None,");
        }
        put!(out, "        }}");
        put!(out, "    }}");
    }

    fn on_event(&self, out: &mut String) {
        put!(
            out,
            "    /// The branch in force at this step for a telephony event: the step's own"
        );
        put!(
            out,
            "    /// `on EVENT -> …`, else the global one of the flow (`silence` only at a"
        );
        put!(
            out,
            "    /// step that waits, `hangup` at every step). `None` without one, and always"
        );
        put!(out, "    /// for `Voicemail` and `NoAnswer` (see `start_branch`).");
        put!(out, "    #[must_use]");
        put!(out, "    pub fn on_event(self, event: Event) -> Option<Transition> {{");
        let spec = self.spec;
        let global = |e: ir::Event| spec.global_branches.iter().find(|b| b.on == ir::On::Event(e));
        let mut arms = Vec::new();
        for (i, step) in spec.steps.iter().enumerate() {
            for (e, name) in [(ir::Event::Silence, "Silence"), (ir::Event::Hangup, "Hangup")] {
                let own = step.branches.iter().find(|b| b.on == ir::On::Event(e));
                let in_force = own.or_else(|| global(e).filter(|_| step.waits || e == ir::Event::Hangup));
                if let Some(b) = in_force {
                    arms.push(format!(
                        "(Step::{}, Event::{name}) => Some({}),",
                        self.steps[i],
                        self.transition(b.target)
                    ));
                }
            }
        }
        if arms.is_empty() {
            put!(out, "        let _ = (self, event);");
            put!(out, "        None");
        } else {
            put!(out, "        match (self, event) {{");
            for arm in &arms {
                put!(out, "            {arm}");
            }
            put!(out, "            _ => None,");
            put!(out, "        }}");
        }
        put!(out, "    }}");
    }

    fn flow(&self, out: &mut String) {
        if let Some(first) = self.steps.first() {
            put!(
                out,
                "/// Where the call starts: the first step written (after the opening line)."
            );
            put!(out, "pub const START: Step = Step::{first};");
            put!(out);
        }
        // A variant no transition of this spec uses would be dead code in a binary.
        let targets = || self.spec.all_targets();
        let unused = "    #[allow(dead_code)] // no transition of this spec leads there";
        out.push_str(TRANSITION);
        // `Call` builds `To`, `Stay` and `End` itself (asking again, events
        // without a branch), so only a file without a step lacks them.
        let no_call = "    #[allow(dead_code)] // no call without a step";
        put!(out, "    /// To this step.");
        if self.steps.is_empty() {
            put!(out, "{no_call}");
        }
        put!(out, "    To(Step),");
        put!(
            out,
            "    /// The call stays at its step (only `Call` says so): after an FAQ answer,"
        );
        put!(
            out,
            "    /// say the step's last line again; when a required capture is still"
        );
        put!(
            out,
            "    /// missing, ask again; after an event with no branch, go on waiting."
        );
        if self.steps.is_empty() {
            put!(out, "{no_call}");
        }
        put!(out, "    Stay,");
        put!(
            out,
            "    /// The call ends (the caller says `CLOSING`), with the end condition the"
        );
        put!(out, "    /// spec names (`end(ID)`), if it names one.");
        if self.steps.is_empty() {
            put!(out, "{no_call}");
        }
        put!(out, "    End(Option<EndCondition>),");
        put!(
            out,
            "    /// The call is handed to a person or queue (`transfer(ID)`): the caller says"
        );
        put!(out, "    /// `Transfer::say`, not `CLOSING`, and transfers the call.");
        if !targets().any(|t| matches!(t, ir::Target::Transfer(_))) {
            put!(out, "{unused}");
        }
        put!(out, "    Transfer(Transfer),");
        put!(out, "}}");
        put!(out);
        out.push_str(RETRY_TYPE);
        if !self.spec.steps.iter().any(|s| s.retry.is_some()) {
            put!(out, "#[allow(dead_code)] // no step of this spec has `retry`");
        }
        put!(out, "pub struct Retry {{");
        put!(out, "    /// N, from 1 to 9: how many times the step may run again.");
        put!(out, "    pub max: u8,");
        put!(out, "    /// Where the call goes once the retries are spent.");
        put!(out, "    pub then: Transition,");
        put!(out, "}}");
        put!(out);
        out.push_str(NEXT);
        put!(out);
    }

    fn captures(&self, out: &mut String) {
        // The fields of a capture and the method that carries each (checked
        // by the compiler: a new field fails here until it is handled).
        let _ = |ir::Capture {
                     id: _,          // `id`
                     kind: _,        // `kind`
                     optional: _,    // `optional`
                     description: _, // `description`
                     step: _,        // `step`
                 }: &ir::Capture| ();
        let spec = self.spec;
        let e = IdEnum {
            ty: "Capture",
            doc: &["Typed data a step asks the callee for (`capture` in the spec)."],
            what: "capture",
            variants: &self.captures,
            ids: spec.captures.iter().map(|c| c.id.as_str()).collect(),
        };
        e.write(out, |out| {
            put!(out);
            put!(out, "    /// What to capture, for the runtime's extractor.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn description(self) -> &'static str {{");
            match_self(out, "Capture", &self.captures, |i| {
                string_literal(&spec.captures[i].description)
            });
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The type of the value.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn kind(self) -> CaptureType {{");
            match_self(out, "Capture", &self.captures, |i| {
                self.capture_type(&spec.captures[i].kind)
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Whether the call goes on without it; otherwise the step asks again until"
            );
            put!(out, "    /// the reply gives a valid value.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn optional(self) -> bool {{");
            let optional: Vec<String> = spec
                .captures
                .iter()
                .enumerate()
                .filter(|(_, c)| c.optional)
                .map(|(i, _)| format!("Capture::{}", self.captures[i]))
                .collect();
            if self.captures.is_empty() {
                put!(out, "        match self {{}}");
            } else if optional.is_empty() {
                put!(out, "        false");
            } else {
                put!(out, "        matches!(self, {})", optional.join(" | "));
            }
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The step that asks for it.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn step(self) -> Step {{");
            match_self(out, "Capture", &self.captures, |i| {
                format!("Step::{}", self.steps[spec.captures[i].step])
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The value `text` gives for this capture, checked against its type"
            );
            put!(out, "    /// (`CaptureType::parse`).");
            put!(out, "    ///");
            put!(out, "    /// # Errors");
            put!(out, "    /// The text is not a value of the capture's type.");
            put!(
                out,
                "    pub fn parse(self, text: &str) -> Result<Value, CaptureError> {{"
            );
            put!(out, "        self.kind().parse(text)");
            put!(out, "    }}");
            if !self.steps.is_empty() {
                put!(out);
                put!(out, "    /// The capture's place in `Capture::ALL`.");
                put!(out, "    fn index(self) -> usize {{");
                match_self(out, "Capture", &self.captures, |i| i.to_string());
                put!(out, "    }}");
            }
        });
        // The variants no capture of this spec has are dead code in a binary.
        let has = |word: &str| spec.captures.iter().any(|c| c.kind.word() == word);
        out.push_str(CAPTURE_TYPE);
        for (word, docs, variant) in CAPTURE_VARIANTS {
            for d in *docs {
                put!(out, "    /// {d}");
            }
            if !has(word) {
                put!(out, "    #[allow(dead_code)] // no capture of this spec has this type");
            }
            put!(out, "    {variant}");
        }
        put!(out, "}}");
        put!(out);
        out.push_str(CAPTURE_FUNCTIONS);
        put!(out);
        let e = IdEnum {
            ty: "Choice",
            doc: &["A word of a `one_of` capture: every word of every `one_of`, each once."],
            what: "word",
            variants: &self.choices,
            ids: self.words.clone(),
        };
        e.write(out, |_| {});
    }

    /// The `CaptureType` expression of a capture type.
    fn capture_type(&self, kind: &ir::ValueType) -> String {
        let bound = |b: Option<i64>| b.map_or_else(|| "None".to_owned(), |v| format!("Some({v})"));
        match kind {
            ir::ValueType::Text => "CaptureType::Text".to_owned(),
            ir::ValueType::Email => "CaptureType::Email".to_owned(),
            ir::ValueType::Phone => "CaptureType::Phone".to_owned(),
            ir::ValueType::Date => "CaptureType::Date".to_owned(),
            ir::ValueType::YesNo => "CaptureType::YesNo".to_owned(),
            // Not yet capture types: the checker refuses them in `capture` (issue 12 adds them).
            ir::ValueType::Number | ir::ValueType::Percent | ir::ValueType::Money { .. } | ir::ValueType::Time => {
                "CaptureType::Text".to_owned()
            }
            ir::ValueType::Integer { min, max } => format!(
                "CaptureType::Integer {{\n                min: {},\n                max: {},\n            }}",
                bound(*min),
                bound(*max)
            ),
            ir::ValueType::OneOf(words) => {
                let choice = |w: &String| {
                    let i = self.words.iter().position(|x| x == w).unwrap_or_default();
                    format!("Choice::{}", self.choices[i])
                };
                format!("CaptureType::OneOf({})", list(words.iter().map(choice), 16))
            }
        }
    }

    fn faq(&self, out: &mut String) {
        out.push_str(FAQ_TYPES);
        put!(out);
        let spec = self.spec;
        let items = spec.faq.iter().map(|qa| {
            let ir::Qa {
                id,
                questions,
                answer,
                covers,
            } = qa;
            let covers = list(covers.iter().map(|&c| string_literal(&spec.concerns[c].id)), 12);
            format!(
                "Qa {{\n        id: {},\n        questions: {},\n        answer: {},\n        covers: {covers},\n    }}",
                string_literal(id),
                str_slice(questions, 12),
                string_literal(&answer.to_string()),
            )
        });
        put!(out, "/// The FAQ entries, in the order written in the spec.");
        put!(out, "pub static FAQ: &[Qa] = {};", list(items, 4));
        put!(out);
        out.push_str(FAQ_FUNCTIONS);
        put!(out);
    }

    fn ends(&self, out: &mut String) {
        // The fields of an end condition and the method that carries each
        // (checked by the compiler: a new field fails here until it is handled).
        let _ = |ir::EndCondition {
                     id: _,       // `id`
                     requires: _, // `requires`
                     caller: _,   // `caller`
                     callee: _,   // `callee`
                 }: &ir::EndCondition| ();
        let spec = self.spec;
        let e = IdEnum {
            ty: "EndCondition",
            doc: &["A reason the call may end (`when` in the spec's `end` block)."],
            what: "end condition",
            variants: &self.ends,
            ids: spec.ends.iter().map(|e| e.id.as_str()).collect(),
        };
        e.write(out, |out| {
            put!(out);
            put!(out, "    /// The condition in the caller's words.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn caller(self) -> Option<&'static str> {{");
            match_self(out, "EndCondition", &self.ends, |i| {
                option(spec.ends[i].caller.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The condition in the words the simulated callee is given.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn callee(self) -> Option<&'static str> {{");
            match_self(out, "EndCondition", &self.ends, |i| {
                option(spec.ends[i].callee.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The captures that must be made before the call ends here (`requires`)."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn requires(self) -> &'static [Capture] {{");
            let lists: Vec<String> = spec.ends.iter().map(|e| self.captures_list(&e.requires)).collect();
            match_slices(out, "EndCondition", &self.ends, &lists);
            put!(out, "    }}");
        });
    }

    fn transfers(&self, out: &mut String) {
        let spec = self.spec;
        let e = IdEnum {
            ty: "Transfer",
            doc: &[
                "A hand-over of the call to a person or queue (`transfer` in the spec's",
                "`end` block): an outcome beside the end conditions, with its own line.",
            ],
            what: "transfer",
            variants: &self.transfers,
            ids: spec.transfers.iter().map(|t| t.id.as_str()).collect(),
        };
        e.write(out, |out| {
            // The fields of a transfer and the method that carries each.
            let _ = |ir::Transfer {
                         id: _,       // `id`
                         title: _,    // `title`
                         say: _,      // `say`
                         to: _,       // `to`
                         fallback: _, // `fallback`
                         requires: _, // `requires`
                     }: &ir::Transfer| ();
            put!(out);
            put!(out, "    /// Who takes the call.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn title(self) -> Option<&'static str> {{");
            match_self(out, "Transfer", &self.transfers, |i| {
                option(spec.transfers[i].title.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The line the caller says before transferring (instead of `CLOSING`)."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn say(self) -> &'static str {{");
            match_self(out, "Transfer", &self.transfers, |i| {
                string_literal(&spec.transfers[i].say.to_string())
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The destination (a number, SIP URI or queue name); `None`: the deployment"
            );
            put!(out, "    /// chooses it.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn to(self) -> Option<&'static str> {{");
            match_self(out, "Transfer", &self.transfers, |i| {
                option(spec.transfers[i].to.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Where the call goes if the transfer fails (`Call::transfer_failed`); never"
            );
            put!(out, "    /// a transfer.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn fallback(self) -> Transition {{");
            match_self(out, "Transfer", &self.transfers, |i| {
                self.transition(spec.transfers[i].fallback)
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The captures that must be made before the transfer (`requires`)."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn requires(self) -> &'static [Capture] {{");
            let lists: Vec<String> = spec.transfers.iter().map(|t| self.captures_list(&t.requires)).collect();
            match_slices(out, "Transfer", &self.transfers, &lists);
            put!(out, "    }}");
        });
    }

    fn call(&self, out: &mut String) {
        if self.steps.is_empty() {
            return;
        }
        out.push_str(CALL);
    }

    /// A `&[Capture::…]` of capture indices, in order.
    fn captures_list(&self, captures: &[usize]) -> String {
        list(captures.iter().map(|&c| format!("Capture::{}", self.captures[c])), 16)
    }

    /// The `Transition` expression of an IR target.
    fn transition(&self, t: ir::Target) -> String {
        match t {
            ir::Target::Step(i) => format!("Transition::To(Step::{})", self.steps[i]),
            ir::Target::End(None) => "Transition::End(None)".to_owned(),
            ir::Target::End(Some(c)) => format!("Transition::End(Some(EndCondition::{}))", self.ends[c]),
            ir::Target::Transfer(t) => format!("Transition::Transfer(Transfer::{})", self.transfers[t]),
        }
    }
}

/// The types of the parties (the same in every file).
const PARTY_TYPES: &str = r"/// A party of the call: the caller or the callee. A field the spec does not
/// give is `None` or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Party {
    /// The party's id in the spec.
    pub id: &'static str,
    /// The name.
    pub name: &'static str,
    /// `male`, `female` or `other`.
    pub gender: Option<&'static str>,
    /// Age in years.
    pub age: Option<u32>,
    /// Organisation.
    pub org: Option<&'static str>,
    /// Role.
    pub role: Option<&'static str>,
    /// Persona prose.
    pub persona: Option<&'static str>,
    /// The task of the call (caller only).
    pub task: Option<&'static str>,
    /// What the caller knows about the callee, as (label, value), in order (caller only).
    pub knows: &'static [(&'static str, &'static str)],
    /// The callee's background, as (label, value), in order (callee only).
    pub background: &'static [(&'static str, &'static str)],
    /// Typical behaviour, one item each (callee only).
    pub behavior: &'static [&'static str],
    /// How the party talks (callee only).
    pub style: Style,
}

/// How the callee talks: examples of replies to imitate and to avoid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// An instruction about the examples.
    pub note: Option<&'static str>,
    /// Lines not to imitate.
    pub avoid: &'static [&'static str],
    /// Lines to imitate.
    pub prefer: &'static [&'static str],
}
";

/// The types of the concerns (the same in every file).
const CONCERN_TYPES: &str = r#"/// How much a concern matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// The callee's first worry.
    Primary,
    /// A second worry.
    Secondary,
    /// A worry the callee may not voice.
    Latent,
}

impl Priority {
    /// Every priority, the most important first.
    pub const ALL: &'static [Priority] = &[Priority::Primary, Priority::Secondary, Priority::Latent];

    /// The word used in the spec: `primary`, `secondary` or `latent`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Primary => "primary",
            Priority::Secondary => "secondary",
            Priority::Latent => "latent",
        }
    }
}

/// Something the callee cares about, and what in the call addresses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Concern {
    /// The concern's id in the spec.
    pub id: &'static str,
    /// How much it matters.
    pub priority: Priority,
    /// The concern, in words.
    pub text: &'static str,
    /// The steps that cover it, in flow order.
    pub steps: &'static [Step],
    /// The ids of the FAQ entries that cover it, in FAQ order.
    pub faq: &'static [&'static str],
}
"#;

/// `Speaker` (the same in every file).
const SPEAKER_TYPE: &str = r#"/// Who speaks first once the line connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Speaker {
    /// The callee picks up and speaks first ("喂？"); then the caller says `OPENING`.
    Callee,
    /// The caller says `OPENING` as soon as the line connects.
    Caller,
}

impl Speaker {
    /// Both parties, the default first.
    pub const ALL: &'static [Speaker] = &[Speaker::Callee, Speaker::Caller];

    /// The word used in the spec: `callee` or `caller`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Callee => "callee",
            Speaker::Caller => "caller",
        }
    }
}
"#;

/// `Event` (the same in every file).
const EVENT_TYPE: &str = r#"/// A telephony event: something the line does, not a reply. Every call has
/// all four without declaring them; the spec branches on them with
/// `on EVENT -> …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    /// An answering machine or voicemail greeting answered (only when the call
    /// starts).
    Voicemail,
    /// The call never connected: no pickup, a busy line, declined, a ringing
    /// timeout (only when the call starts).
    NoAnswer,
    /// The callee said nothing for `SILENCE_TIMEOUT_SECS` seconds after a caller
    /// turn.
    Silence,
    /// The callee hung up.
    Hangup,
}

impl Event {
    /// Every event.
    pub const ALL: &'static [Event] = &[Event::Voicemail, Event::NoAnswer, Event::Silence, Event::Hangup];

    /// The word that names the event in a spec: `voicemail`, `no_answer`,
    /// `silence` or `hangup`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Event::Voicemail => "voicemail",
            Event::NoAnswer => "no_answer",
            Event::Silence => "silence",
            Event::Hangup => "hangup",
        }
    }

    /// The event this word names (compared exactly).
    #[must_use]
    pub fn from_id(id: &str) -> Option<Event> {
        Event::ALL.iter().copied().find(|x| x.id() == id)
    }

    /// Whether the event happens only when the call starts, before any step
    /// runs (`Voicemail`, `NoAnswer`): its branch is `start_branch`, never
    /// `Step::on_event`.
    #[must_use]
    pub fn at_start(self) -> bool {
        matches!(self, Event::Voicemail | Event::NoAnswer)
    }
}
"#;

/// `Transition`'s documentation, before its variants.
const TRANSITION: &str = r"/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
";

/// `Retry`'s documentation, before its fields.
const RETRY_TYPE: &str = r"/// `retry N -> TARGET` of a step: the step runs at most `1 + max` times in
/// one call; a transition that would run it once more goes to `then` instead
/// (`Call` counts the runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
";

/// `next` (the same in every file).
const NEXT: &str = r"/// The transition from `step`, given the callee's `signal` if there is one.
///
/// A signal takes the branch in force at the step (`Step::branch`: the
/// step's own `on SIGNAL -> …`, else the global one). Without a signal, or
/// with a signal that has no branch at this step (the signal is then
/// ignored), the call goes to the step's successor (`Step::successor`).
/// It knows nothing of events, retries or captures: `Call` does.
#[must_use]
pub fn next(step: Step, signal: Option<Signal>) -> Transition {
    signal.and_then(|signal| step.branch(signal)).unwrap_or_else(|| step.successor())
}
";

/// `CaptureType`'s documentation, before its variants.
const CAPTURE_TYPE: &str = r"/// The type of a captured value, and how `CaptureType::parse` checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptureType {
";

/// The variants of `CaptureType`: the type's word, the variant's
/// documentation and the variant.
const CAPTURE_VARIANTS: &[(&str, &[&str], &str)] = &[
    ("text", &["Any text that is not blank: `Value::Text`."], "Text,"),
    (
        "email",
        &[
            "An e-mail address — one `@` with text before it, a `.` with text on",
            "both sides after it, no whitespace: `Value::Text`.",
        ],
        "Email,",
    ),
    (
        "phone",
        &["A phone number: `+` and 6 to 15 digits, nothing else: `Value::Text`."],
        "Phone,",
    ),
    (
        "date",
        &[
            "A calendar date written `YYYY-MM-DD` that exists (year 1 to 9999, leap",
            "years counted): `Value::Date(year, month, day)`.",
        ],
        "Date,",
    ),
    (
        "yes_no",
        &[
            "Yes (`是`, `是的`, `对`, `对的`, `yes`) or no (`否`, `不`, `不是`, `不对`,",
            "`no`), ASCII letters in any case: `Value::YesNo`.",
        ],
        "YesNo,",
    ),
    (
        "integer",
        &["A whole number (ASCII digits, an optional sign) within the bounds: `Value::Integer`."],
        "Integer {\n        /// The least value allowed, if any.\n        min: Option<i64>,\n        \
         /// The greatest value allowed, if any.\n        max: Option<i64>,\n    },",
    ),
    (
        "one_of",
        &["One of these words, exactly: `Value::Choice`."],
        "OneOf(&'static [Choice]),",
    ),
];

/// `CaptureType`'s methods, `Value` and `CaptureError` (the same in every file).
const CAPTURE_FUNCTIONS: &str = r#"impl CaptureType {
    /// The word that names the type in the spec: `text`, `email`, `phone`,
    /// `date`, `yes_no`, `integer` or `one_of`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureType::Text => "text",
            CaptureType::Email => "email",
            CaptureType::Phone => "phone",
            CaptureType::Date => "date",
            CaptureType::YesNo => "yes_no",
            CaptureType::Integer { .. } => "integer",
            CaptureType::OneOf(_) => "one_of",
        }
    }

    /// The value `text` gives for this type.
    ///
    /// Whitespace around the text is ignored and, except for `Text`, so is
    /// sentence punctuation at its end (`是。`, `42！`, `a@b.cn.`), which speech
    /// recognisers add. `Text` keeps the trimmed text as it is.
    ///
    /// # Errors
    /// `CaptureError::Empty` for text that is blank or only punctuation;
    /// otherwise the error of the type the text does not fit.
    pub fn parse(self, text: &str) -> Result<Value, CaptureError> {
        let text = text.trim();
        let word = text
            .trim_end_matches(['。', '．', '.', '！', '!', '？', '?', '，', ',', '、', '；', ';'])
            .trim_end();
        if word.is_empty() {
            return Err(CaptureError::Empty);
        }
        match self {
            CaptureType::Text => Ok(Value::Text(text.to_owned())),
            CaptureType::Email if CaptureType::is_email(word) => Ok(Value::Text(word.to_owned())),
            CaptureType::Email => Err(CaptureError::NotEmail),
            CaptureType::Phone if CaptureType::is_phone(word) => Ok(Value::Text(word.to_owned())),
            CaptureType::Phone => Err(CaptureError::NotPhone),
            CaptureType::Date => CaptureType::date(word)
                .map(|(year, month, day)| Value::Date(year, month, day))
                .ok_or(CaptureError::NotDate),
            CaptureType::YesNo => CaptureType::yes_no(word).map(Value::YesNo).ok_or(CaptureError::NotYesNo),
            CaptureType::Integer { min, max } => {
                let n: i64 = word.parse().map_err(|_| CaptureError::NotInteger)?;
                if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
                    Err(CaptureError::OutOfRange)
                } else {
                    Ok(Value::Integer(n))
                }
            }
            CaptureType::OneOf(words) => words
                .iter()
                .copied()
                .find(|w| w.id() == word)
                .map(Value::Choice)
                .ok_or(CaptureError::NotAChoice),
        }
    }

    fn is_email(text: &str) -> bool {
        let Some((local, domain)) = text.split_once('@') else {
            return false;
        };
        !local.is_empty()
            && !domain.contains('@')
            && !text.chars().any(char::is_whitespace)
            && domain.char_indices().any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
    }

    fn is_phone(text: &str) -> bool {
        text.strip_prefix('+')
            .is_some_and(|digits| (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
    }

    fn date(text: &str) -> Option<(u16, u8, u8)> {
        let number = |from: usize, to: usize| -> Option<u16> {
            let part = text.get(from..to)?;
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        if text.len() != 10 || text.get(4..5) != Some("-") || text.get(7..8) != Some("-") {
            return None;
        }
        let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if year == 0 || !(1..=days).contains(&day) {
            return None;
        }
        Some((year, u8::try_from(month).ok()?, u8::try_from(day).ok()?))
    }

    fn yes_no(text: &str) -> Option<bool> {
        match text.to_ascii_lowercase().as_str() {
            "是" | "是的" | "对" | "对的" | "yes" => Some(true),
            "否" | "不" | "不是" | "不对" | "no" => Some(false),
            _ => None,
        }
    }
}

/// A captured value, of its capture's type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `text`, `email` and `phone`: the text, trimmed.
    Text(String),
    /// `yes_no`.
    YesNo(bool),
    /// `integer`.
    Integer(i64),
    /// `date`: year, month, day.
    Date(u16, u8, u8),
    /// `one_of`: the word.
    Choice(Choice),
}

/// Why a captured text was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptureError {
    /// The call is not at the step that asks for this capture, or is over.
    NotAsked,
    /// The text is blank, or only punctuation.
    Empty,
    /// `email`: not an e-mail address.
    NotEmail,
    /// `phone`: not `+` and 6 to 15 digits.
    NotPhone,
    /// `date`: not a calendar date written `YYYY-MM-DD`.
    NotDate,
    /// `yes_no`: not one of the yes or no words.
    NotYesNo,
    /// `integer`: not a whole number.
    NotInteger,
    /// `integer`: a whole number outside the bounds.
    OutOfRange,
    /// `one_of`: not one of the words.
    NotAChoice,
}
"#;

/// `Reply` and `Call` (the same in every file that has a step).
const CALL: &str = r"/// What the callee did after a step's lines, as the runtime understood it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reply {
    /// A reply that gives a declared signal.
    Signal(Signal),
    /// A question this FAQ entry answers: the caller says the answer and the
    /// call stays at the step.
    Faq(&'static Qa),
    /// Any other reply.
    Other,
}

/// One call in progress: the step it is at, how many times each step has
/// run (which `retry` bounds), the values captured so far, and how it ended.
///
/// Drive it with what the runtime hears: `reply` after a step's lines (at a
/// step that does not wait, at once, with `Reply::Other`), `capture` for
/// each value the reply gives (before `reply`), `event` for the line's
/// events. Each returns the `Transition` taken; `step()` is then the step
/// whose lines to say, or `None` once the call has ended or been
/// transferred (`outcome()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    at: Option<Step>,
    started: bool,
    outcome: Option<Transition>,
    visits: Vec<u32>,
    values: Vec<Option<Value>>,
}

impl Default for Call {
    fn default() -> Call {
        Call::new()
    }
}

impl Call {
    /// A call whose line has just connected, at `START` (its first run).
    #[must_use]
    pub fn new() -> Call {
        let mut visits = vec![0; Step::ALL.len()];
        visits[START.index()] = 1;
        Call {
            at: Some(START),
            started: false,
            outcome: None,
            visits,
            values: vec![None; Capture::ALL.len()],
        }
    }

    /// The step the call is at: the one whose lines to say, then whose reply
    /// to wait for. `None` once the call has ended or been transferred.
    #[must_use]
    pub fn step(&self) -> Option<Step> {
        self.at
    }

    /// How the call ended (`Transition::End`) or where it was transferred
    /// (`Transition::Transfer`); `None` while it goes on.
    #[must_use]
    pub fn outcome(&self) -> Option<Transition> {
        self.outcome
    }

    /// How many times `step` has run in this call (asking again counts; an
    /// FAQ answer does not).
    #[must_use]
    pub fn visits(&self, step: Step) -> u32 {
        self.visits[step.index()]
    }

    /// The value captured for `capture`, if any.
    #[must_use]
    pub fn value(&self, capture: Capture) -> Option<&Value> {
        self.values[capture.index()].as_ref()
    }

    /// The callee replied at the current step.
    ///
    /// A signal with a branch at the step takes it. An FAQ question stays
    /// (say the answer, then the step's last line again). Otherwise, while a
    /// capture of the step that is not optional has no value, the step asks
    /// again (`Stay`, counted as a run); then the call goes to the step's
    /// successor. At a step that does not wait, every reply goes to the
    /// successor. A transition that would run a step with `retry N` more than
    /// `1 + N` times goes to its retry target instead.
    pub fn reply(&mut self, reply: Reply) -> Transition {
        let Some(step) = self.at else {
            return self.stay();
        };
        self.started = true;
        if !step.waits() {
            return self.go(step.successor());
        }
        match reply {
            Reply::Signal(signal) => {
                if let Some(to) = step.branch(signal) {
                    return self.go(to);
                }
            }
            Reply::Faq(_answered) => return Transition::Stay,
            Reply::Other => {}
        }
        if step.captures().iter().any(|&c| !c.optional() && self.value(c).is_none()) {
            return match self.go(Transition::To(step)) {
                Transition::To(again) if again == step => Transition::Stay,
                to => to,
            };
        }
        self.go(step.successor())
    }

    /// The line did something. `Voicemail` and `NoAnswer` count only when the
    /// call starts, before any reply: they take `start_branch` (the first step
    /// never ran), or end the call (`End(None)`: the runtime's default) without
    /// one; later they change nothing. `Silence` and `Hangup` take the branch in
    /// force at the step (`Step::on_event`); without one, `Hangup` ends the call
    /// (`End(None)`) and `Silence` stays.
    pub fn event(&mut self, event: Event) -> Transition {
        let Some(step) = self.at else {
            return self.stay();
        };
        if event.at_start() {
            if self.started {
                return Transition::Stay;
            }
            self.started = true;
            self.visits[step.index()] -= 1;
            return self.go(start_branch(event).unwrap_or(Transition::End(None)));
        }
        self.started = true;
        match step.on_event(event) {
            Some(to) => self.go(to),
            None if event == Event::Hangup => self.go(Transition::End(None)),
            None => Transition::Stay,
        }
    }

    /// The reply gave `text` for `capture`, which the current step asks for:
    /// the value, kept for the rest of the call (a later value replaces it).
    ///
    /// # Errors
    /// `CaptureError::NotAsked` when the call is not at the capture's step;
    /// otherwise why the text is not a value of its type
    /// (`CaptureType::parse`). Nothing is kept then.
    pub fn capture(&mut self, capture: Capture, text: &str) -> Result<Value, CaptureError> {
        if self.at != Some(capture.step()) {
            return Err(CaptureError::NotAsked);
        }
        self.started = true;
        let value = capture.parse(text)?;
        self.values[capture.index()] = Some(value.clone());
        Ok(value)
    }

    /// The transfer the call was handed to failed: the call goes on at the
    /// transfer's `fallback`. Changes nothing unless the outcome is a transfer.
    pub fn transfer_failed(&mut self) -> Transition {
        match self.outcome {
            Some(Transition::Transfer(transfer)) => {
                self.outcome = None;
                self.go(transfer.fallback())
            }
            _ => self.stay(),
        }
    }

    /// What a call that does not move returns: its outcome, or `Stay`.
    fn stay(&self) -> Transition {
        self.outcome.unwrap_or(Transition::Stay)
    }

    /// Takes `to`, counting the run of a step and going to a retry target
    /// instead of a step whose runs are spent.
    fn go(&mut self, mut to: Transition) -> Transition {
        // Each spent step leads on to another; more hops than steps is a
        // circle of spent steps, which ends the call.
        for _ in 0..=Step::ALL.len() {
            match to {
                Transition::To(step) => match step.retry() {
                    Some(retry) if self.visits[step.index()] > u32::from(retry.max) => to = retry.then,
                    _ => {
                        let visits = &mut self.visits[step.index()];
                        *visits = visits.saturating_add(1);
                        self.at = Some(step);
                        return to;
                    }
                },
                Transition::Stay => return to,
                Transition::End(_) | Transition::Transfer(_) => {
                    self.at = None;
                    self.outcome = Some(to);
                    return to;
                }
            }
        }
        self.at = None;
        self.outcome = Some(Transition::End(None));
        Transition::End(None)
    }
}
";

/// The FAQ entry type (the same in every file).
const FAQ_TYPES: &str = r"/// An FAQ entry: an answer the caller may give at any point of the call,
/// without moving the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Qa {
    /// The entry's id in the spec.
    pub id: &'static str,
    /// The question, in one or more phrasings.
    pub questions: &'static [&'static str],
    /// The answer.
    pub answer: &'static str,
    /// The ids of the concerns the answer covers.
    pub covers: &'static [&'static str],
}
";

/// The FAQ look-ups (the same in every file).
const FAQ_FUNCTIONS: &str = r"/// The FAQ entry with this id (compared exactly).
#[must_use]
pub fn faq(id: &str) -> Option<&'static Qa> {
    FAQ.iter().find(|qa| qa.id == id)
}

/// The first FAQ entry with a phrasing equal to `question` once both are
/// reduced by `question_key`; `None` when nothing matches or the question
/// has no letter or digit.
#[must_use]
pub fn find_answer(question: &str) -> Option<&'static Qa> {
    let key = question_key(question);
    if key.is_empty() {
        return None;
    }
    FAQ.iter().find(|qa| qa.questions.iter().any(|q| question_key(q) == key))
}

/// The form in which `find_answer` compares questions.
///
/// Only the letters and digits (any script) are kept, in lower case;
/// whitespace and punctuation are dropped, so `有合同模板吗？` equals
/// `有合同模板吗?` and `What's my copay?` equals `whats my copay`.
#[must_use]
pub fn question_key(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
";
