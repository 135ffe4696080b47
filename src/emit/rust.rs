//! The `rust` target: a checked [`ir::Spec`] → one self-contained Rust
//! source file (no dependencies) holding the spec as static data and its
//! flow as a state machine (`Step`, `Signal`, `Transition`, `next`).
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
pub const FORMAT_VERSION: u32 = 1;

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
        first_speaker: _,            // issue 11: not yet carried
        silence_timeout: _,          // issue 11: not yet carried
        silence_timeout_explicit: _, // issue 11: not yet carried
        transfers: _,                // issue 11: not yet carried
        captures: _,                 // issue 11: not yet carried
        caller: _,                   // parties
        callee: _,                   // parties
        concerns: _,                 // concerns
        signals: _,                  // signals
        steps: _,                    // steps and flow
        global_branches: _,          // `Step::branch`
        faq: _,                      // faq
        ends: _,                     // ends
    } = spec;
    let g = Gen {
        spec,
        steps: variant_names(spec.steps.iter().map(|s| s.id.as_str())),
        signals: variant_names(spec.signals.iter().map(|s| s.id.as_str())),
        ends: variant_names(spec.ends.iter().map(|e| e.id.as_str())),
    };
    let mut out = String::new();
    g.header(&mut out);
    g.parties(&mut out);
    g.concerns(&mut out);
    g.signals(&mut out);
    g.steps(&mut out);
    g.flow(&mut out);
    g.faq(&mut out);
    g.ends(&mut out);
    out
}

/// `Some("…")` or `None`.
fn option(text: Option<&String>) -> String {
    text.map_or_else(|| "None".to_owned(), |t| format!("Some({})", string_literal(t)))
}

/// A `&[…]` of string literals, one per line at `indent`, closing at `indent - 4`.
fn str_slice(items: &[String], indent: usize) -> String {
    list(items.iter().map(|s| string_literal(s)), indent)
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
fn entries(items: &[(String, String)], indent: usize) -> String {
    list(
        items
            .iter()
            .map(|(label, value)| format!("({}, {})", string_literal(label), string_literal(value))),
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
    } = p;
    put!(out, "{doc}");
    put!(out, "pub static {name}: Party = Party {{");
    put!(out, "    id: {},", string_literal(id));
    put!(out, "    name: {},", string_literal(party_name));
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
        put!(out, "/// The closing line, said when the call ends.");
        put!(out, "pub const CLOSING: &str = {};", string_literal(&self.spec.closing));
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
            &self.spec.callee,
        );
    }

    fn concerns(&self, out: &mut String) {
        out.push_str(CONCERN_TYPES);
        put!(out);
        let spec = self.spec;
        let items = spec.concerns.iter().map(|c| {
            let ir::Concern {
                id,
                priority: level,
                text,
                steps,
                faq,
            } = c;
            let steps = list(steps.iter().map(|&i| format!("Step::{}", self.steps[i])), 12);
            let faq = list(faq.iter().map(|&i| string_literal(&spec.faq[i].id)), 12);
            format!(
                "Concern {{\n        id: {},\n        priority: {},\n        text: {},\n        steps: {steps},\n        \
                 faq: {faq},\n    }}",
                string_literal(id),
                priority(*level),
                string_literal(text),
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
                     branches: _,      // `branch`
                     overrides: _,     // `branch` (an own arm comes first)
                     waits: _,         // issue 11: not yet carried
                     captures: _,      // issue 11: not yet carried
                     retry: _,         // issue 11: not yet carried
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
        });
    }

    fn branch(&self, out: &mut String) {
        put!(
            out,
            "    /// The branch in force at this step for `signal`: the step's own"
        );
        put!(
            out,
            "    /// `on SIGNAL -> …`, else the global one of the flow; `None` when the"
        );
        put!(out, "    /// signal has no branch at this step.");
        put!(out, "    #[must_use]");
        put!(out, "    pub fn branch(self, signal: Signal) -> Option<Transition> {{");
        if self.signals.is_empty() {
            put!(out, "        match signal {{}}");
            put!(out, "    }}");
            return;
        }
        // A step's own branches first, then each global branch once as
        // `(_, Signal::X)`: a match takes the first arm that fits, so an own
        // branch overrides the global one on its signal. O(own + global) arms.
        let spec = self.spec;
        let mut arms = Vec::new();
        let mut own_per_signal = vec![0usize; self.signals.len()];
        for (i, step) in spec.steps.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for b in &step.branches {
                let Some(signal) = b.signal() else { continue }; // issue 11: events not yet carried
                if seen.insert(signal) {
                    own_per_signal[signal] += 1;
                    arms.push(format!(
                        "(Step::{}, Signal::{}) => Some({}),",
                        self.steps[i],
                        self.signals[signal],
                        self.transition(b.target)
                    ));
                }
            }
        }
        let mut covered = own_per_signal
            .iter()
            .map(|&k| k == self.steps.len())
            .collect::<Vec<_>>();
        for b in &spec.global_branches {
            let Some(signal) = b.signal() else { continue }; // issue 11: events not yet carried
            // Every step overriding it would make the arm an unreachable pattern.
            if own_per_signal[signal] < self.steps.len() {
                covered[signal] = true;
                arms.push(format!(
                    "(_, Signal::{}) => Some({}),",
                    self.signals[signal],
                    self.transition(b.target)
                ));
            }
        }
        put!(out, "        match (self, signal) {{");
        for arm in &arms {
            put!(out, "            {arm}");
        }
        // A catch-all when every pair has its arm would be an unreachable pattern.
        if covered.contains(&false) {
            put!(out, "            _ => None,");
        }
        put!(out, "        }}");
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
        put!(out, "    /// To this step.");
        if !targets().any(|t| matches!(t, ir::Target::Step(_))) {
            put!(out, "{unused}");
        }
        put!(out, "    To(Step),");
        put!(
            out,
            "    /// The call ends (the caller says `CLOSING`), with the end condition the"
        );
        put!(out, "    /// spec names (`end(ID)`), if it names one.");
        if !targets().any(|t| matches!(t, ir::Target::End(_))) {
            put!(out, "{unused}");
        }
        put!(out, "    End(Option<EndCondition>),");
        put!(out, "}}");
        put!(out);
        out.push_str(NEXT);
        put!(out);
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
                string_literal(answer),
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
                     requires: _, // issue 11: not yet carried
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
        });
        // The file ends with exactly one newline.
        while out.ends_with("\n\n") {
            out.pop();
        }
    }

    /// The `Transition` expression of an IR target.
    fn transition(&self, t: ir::Target) -> String {
        match t {
            ir::Target::Step(i) => format!("Transition::To(Step::{})", self.steps[i]),
            ir::Target::End(None) | ir::Target::Transfer(_) => "Transition::End(None)".to_owned(), // issue 11: transfers not yet carried
            ir::Target::End(Some(c)) => format!("Transition::End(Some(EndCondition::{}))", self.ends[c]),
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

/// `Transition`'s documentation, before its variants.
const TRANSITION: &str = r"/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
";

/// `next` (the same in every file).
const NEXT: &str = r"/// The transition from `step`, given the callee's `signal` if there is one.
///
/// A signal takes the branch in force at the step (`Step::branch`: the
/// step's own `on SIGNAL -> …`, else the global one). Without a signal, or
/// with a signal that has no branch at this step (the signal is then
/// ignored), the call goes to the step's successor (`Step::successor`).
#[must_use]
pub fn next(step: Step, signal: Option<Signal>) -> Transition {
    signal.and_then(|signal| step.branch(signal)).unwrap_or_else(|| step.successor())
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
