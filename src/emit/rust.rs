//! The `rust` target: a checked [`ir::Spec`] → one self-contained Rust
//! source file (no dependencies) holding the spec as static data and its
//! flow as a state machine (`Step`, `Signal`, `Event`, `Transition`,
//! `next`, and `Call`, which counts retries and keeps captured values),
//! with the per-call variables as a typed `Vars` struct and every text as a
//! `Text` that a call's `Vars` renders.
//!
//! Every piece of spec text reaches the output through [`string_literal`]
//! and every identifier made from a spec id through [`variant_names`] (or,
//! for the fields of `Vars`, [`field_names`]);
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
pub const FORMAT_VERSION: u32 = 3;

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

/// Every Rust keyword (strict, reserved or weak, in any edition): a
/// `snake_case` name must not be one.
const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "macro_rules",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "raw",
    "ref",
    "return",
    "safe",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
];

/// Rust field names (`snake_case`) for ids, in the order given: the naming
/// function of the fields of `Vars`.
///
/// Each name is the id's ASCII transliteration ([`transliterate`]:
/// `客户姓名` → `ke_hu_xing_ming`, `contractEnd` → `contract_end`), so it is
/// ASCII and passes rustc's `non_snake_case` lint. A name that is a keyword
/// (`type`, `self`) or is taken already gets the first free suffix `_2`,
/// `_3`, … (`type_2`), so the names are unique and the earlier id keeps the
/// plain name.
#[must_use]
pub fn field_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: BTreeSet<String> = KEYWORDS.iter().map(|s| (*s).to_owned()).collect();
    let mut names = Vec::new();
    for id in ids {
        let base = transliterate(id);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(name.clone());
        names.push(name);
    }
    names
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
    /// The `Var` variant of each per-call variable.
    vars: Vec<String>,
    /// The field of `Vars` of each per-call variable.
    fields: Vec<String>,
    /// The words of every `one_of` capture and variable, each once, in the
    /// order first written (captures first).
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
        vars: _,                     // vars: `Var`, `Vars`; texts: `Piece::Var`
        steps: _,                    // steps and flow
        global_branches: _,          // `Step::branch`, `Step::on_event`, `start_branch`
        faq: _,                      // faq
        ends: _,                     // ends
        transfers: _,                // ends: `Transfer`
        captures: _,                 // captures
    } = spec;
    let mut words: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    for kind in spec
        .captures
        .iter()
        .map(|c| &c.kind)
        .chain(spec.vars.iter().map(|v| &v.kind))
    {
        if let ir::ValueType::OneOf(list) = kind {
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
        vars: variant_names(spec.vars.iter().map(|v| v.id.as_str())),
        fields: field_names(spec.vars.iter().map(|v| v.id.as_str())),
        choices: variant_names(words.iter().copied()),
        words,
    };
    let mut out = String::new();
    g.header(&mut out);
    g.text_type(&mut out);
    g.vars(&mut out);
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
    /// The `Text(&[…])` expression of a text: its pieces, each literal
    /// through [`string_literal`], each variable as its `Var` variant.
    fn text(&self, t: &ir::Text) -> String {
        let pieces: Vec<String> = t
            .pieces()
            .iter()
            .map(|p| match p {
                ir::Piece::Lit(s) => format!("Piece::Lit({})", string_literal(s)),
                ir::Piece::Var(v) => format!("Piece::Var(Var::{})", self.vars[v.index]),
            })
            .collect();
        format!("Text(&[{}])", pieces.join(", "))
    }

    /// `Some(Text(…))` or `None`.
    fn opt_text(&self, t: Option<&ir::Text>) -> String {
        t.map_or_else(|| "None".to_owned(), |t| format!("Some({})", self.text(t)))
    }

    /// A `&[Text(…), …]`, one per line at `indent`, closing at `indent - 4`.
    fn texts(&self, items: &[ir::Text], indent: usize) -> String {
        list(items.iter().map(|t| self.text(t)), indent)
    }

    /// A `&[(label, Text(…)), …]` of labelled entries.
    fn entries(&self, items: &[(String, ir::Text)], indent: usize) -> String {
        list(
            items
                .iter()
                .map(|(label, value)| format!("({}, {})", string_literal(label), self.text(value))),
            indent,
        )
    }

    /// A `Party` value: the caller (a static) or a callee (an item of `CALLEES`),
    /// its lines at `indent`.
    fn party(&self, p: &ir::Party, indent: usize) -> String {
        let ir::Party {
            id,
            name,
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
            concerns,
            extends,
        } = p;
        let pad = " ".repeat(indent);
        let inner = indent + 4;
        let stances = list(
            concerns.iter().map(|st| {
                format!(
                    "Stance {{\n{pad}            concern: {},\n{pad}            priority: {},\n{pad}            text: {},\n{pad}        }}",
                    string_literal(&self.spec.concerns[st.concern].id),
                    priority(st.priority),
                    self.text(&st.text),
                )
            }),
            inner + 4,
        );
        let base = extends.and_then(|i| self.spec.callees.get(i)).map(|b| b.id.as_str());
        let mut out = String::new();
        put!(out, "Party {{");
        put!(out, "{pad}    id: {},", string_literal(id));
        put!(out, "{pad}    extends: {},", option(base.as_ref()));
        put!(out, "{pad}    name: {},", self.text(name));
        put!(out, "{pad}    gender: {},", option(gender.as_ref()));
        match age {
            Some(age) => put!(out, "{pad}    age: Some({age}),"),
            None => put!(out, "{pad}    age: None,"),
        }
        put!(out, "{pad}    org: {},", self.opt_text(org.as_ref()));
        put!(out, "{pad}    role: {},", self.opt_text(role.as_ref()));
        put!(out, "{pad}    persona: {},", self.opt_text(persona.as_ref()));
        put!(out, "{pad}    task: {},", self.opt_text(task.as_ref()));
        put!(out, "{pad}    knows: {},", self.entries(knows, inner + 4));
        put!(out, "{pad}    background: {},", self.entries(background, inner + 4));
        put!(out, "{pad}    concerns: {stances},");
        put!(out, "{pad}    behavior: {},", self.texts(behavior, inner + 4));
        put!(out, "{pad}    style: Style {{");
        put!(out, "{pad}        note: {},", self.opt_text(note.as_ref()));
        put!(out, "{pad}        avoid: {},", self.texts(avoid, inner + 8));
        put!(out, "{pad}        prefer: {},", self.texts(prefer, inner + 8));
        put!(out, "{pad}    }},");
        out.push_str(&pad);
        out.push('}');
        out
    }

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
            "pub const OPENING: Option<Text> = {};",
            self.opt_text(self.spec.opening.as_ref())
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
        put!(out, "pub const CLOSING: Text = {};", self.text(&self.spec.closing));
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

    fn text_type(&self, out: &mut String) {
        let spec = self.spec;
        let (mut lit, mut var) = (false, false);
        let mut see = |t: &ir::Text| {
            for p in t.pieces() {
                match p {
                    ir::Piece::Lit(_) => lit = true,
                    ir::Piece::Var(_) => var = true,
                }
            }
        };
        for t in all_texts(spec) {
            see(t);
        }
        out.push_str(TEXT_TYPE);
        // A variant no text of this spec needs is dead code in a binary.
        let unused = "    #[allow(dead_code)] // no text of this spec has one";
        put!(out, "    /// Literal text, said as it is.");
        if !lit {
            put!(out, "{unused}");
        }
        put!(out, "    Lit(&'static str),");
        put!(
            out,
            "    /// The value of a per-call variable, said as the spec's locale says it"
        );
        put!(out, "    /// (`Value::spoken`).");
        if !var {
            put!(out, "{unused}");
        }
        put!(out, "    Var(Var),");
        put!(out, "}}");
        put!(out);
        out.push_str(TEXT_FUNCTIONS);
        put!(out);
    }

    fn vars(&self, out: &mut String) {
        let spec = self.spec;
        let e = IdEnum {
            ty: "Var",
            doc: &[
                "A per-call variable (`vars` in the spec): a fact that differs from one call",
                "to the next, filled from the call list (`Vars`).",
            ],
            what: "variable",
            variants: &self.vars,
            ids: spec.vars.iter().map(|v| v.id.as_str()).collect(),
        };
        e.write(out, |out| {
            let _ = |ir::Var {
                         id: _,          // `id`
                         kind: _,        // `kind`
                         need: _,        // `need`, `default_value`
                         example: _,     // `example`
                         pii: _,         // `pii`
                         description: _, // `description`
                     }: &ir::Var| ();
            put!(out);
            put!(out, "    /// The type of its values.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn kind(self) -> ValueType {{");
            match_self(out, "Var", &self.vars, |i| self.value_type(&spec.vars[i].kind));
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// Whether a call must give it.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn need(self) -> Need {{");
            match_self(out, "Var", &self.vars, |i| {
                format!(
                    "Need::{}",
                    match spec.vars[i].need {
                        ir::Need::Required => "Required",
                        ir::Need::Optional => "Optional",
                        ir::Need::Default(_) => "Default",
                    }
                )
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The value a call that gives none takes (`Need::Default`), in canonical form"
            );
            put!(out, "    /// (`Value::canonical`).");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn default_value(self) -> Option<&'static str> {{");
            match_self(out, "Var", &self.vars, |i| {
                let v = &spec.vars[i];
                match &v.need {
                    ir::Need::Default(d) => {
                        let canonical = v.kind.parse(d).map_or_else(|_| d.clone(), |v| v.canonical());
                        format!("Some({})", string_literal(&canonical))
                    }
                    ir::Need::Required | ir::Need::Optional => "None".to_owned(),
                }
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The value previews and simulations use, as written in the spec."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn example(self) -> Option<&'static str> {{");
            match_self(out, "Var", &self.vars, |i| option(spec.vars[i].example.as_ref()));
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Whether it is personal data, to be masked in logs and transcripts."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn pii(self) -> bool {{");
            let pii: Vec<String> = spec
                .vars
                .iter()
                .enumerate()
                .filter(|(_, v)| v.pii)
                .map(|(i, _)| format!("Var::{}", self.vars[i]))
                .collect();
            if self.vars.is_empty() {
                put!(out, "        match self {{}}");
            } else if pii.is_empty() {
                put!(out, "        false");
            } else {
                put!(out, "        matches!(self, {})", pii.join(" | "));
            }
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// What it is.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn description(self) -> Option<&'static str> {{");
            match_self(out, "Var", &self.vars, |i| option(spec.vars[i].description.as_ref()));
            put!(out, "    }}");
        });
        // The `Need` and `VarError` variants no variable of this spec has are dead code in a binary.
        let need = |word: &str| spec.vars.iter().any(|v| v.need.word() == word);
        let unused = "    #[allow(dead_code)] // no variable of this spec has this need";
        out.push_str(NEED_TYPE);
        for (word, docs, variant) in [
            ("required", "Every call must give a value.", "Required"),
            (
                "optional",
                "A call may leave it out: its field of `Vars` is then `None`, said as nothing.",
                "Optional",
            ),
            (
                "default",
                "A call may leave it out: it then takes `Var::default_value`.",
                "Default",
            ),
        ] {
            put!(out, "    /// {docs}");
            if !need(word) {
                put!(out, "{unused}");
            }
            put!(out, "    {variant},");
        }
        put!(out, "}}");
        put!(out);
        self.vars_struct(out);
        out.push_str(VAR_ERROR_TYPE);
        put!(
            out,
            "    /// A variable that is `Need::Required` has no value (or a blank one)."
        );
        if !need("required") {
            put!(out, "{unused}");
        }
        put!(out, "    Missing(Var),");
        put!(out, "    /// The value given is not a value of the variable's type.");
        if spec.vars.is_empty() {
            put!(out, "    #[allow(dead_code)] // the spec has no variable");
        }
        put!(out, "    Invalid(Var, ValueError),");
        put!(out, "}}");
        put!(out);
        out.push_str(VAR_ERROR_FUNCTIONS);
        put!(out);
    }

    /// `Vars`: a field per variable, and how a call's values are read into it.
    fn vars_struct(&self, out: &mut String) {
        let spec = self.spec;
        put!(
            out,
            "/// The values of one call's per-call variables: a field per variable (named after"
        );
        put!(
            out,
            "/// its id), typed; `Option` for an `optional` one. Read them from the call list"
        );
        put!(
            out,
            "/// with `Vars::from_map` or `Vars::from_fn`, by the rules `ValueType::parse` says."
        );
        put!(out, "#[derive(Debug, Clone, PartialEq, Eq, Hash)]");
        if spec.vars.is_empty() {
            put!(out, "pub struct Vars {{}}");
        } else {
            put!(out, "pub struct Vars {{");
            for (i, v) in spec.vars.iter().enumerate() {
                put!(
                    out,
                    "    /// The variable `{}` (`Var::{}`).",
                    string_literal(&v.id),
                    self.vars[i]
                );
                let ty = field_type(&v.kind);
                match v.need {
                    ir::Need::Optional => put!(out, "    pub {}: Option<{ty}>,", self.fields[i]),
                    ir::Need::Required | ir::Need::Default(_) => put!(out, "    pub {}: {ty},", self.fields[i]),
                }
            }
            put!(out, "}}");
        }
        put!(out);
        put!(out, "impl Vars {{");
        put!(out, "{}", VARS_DOC_FROM_FN.trim_end());
        put!(
            out,
            "    pub fn from_fn<'a>(mut value: impl FnMut(Var) -> Option<&'a str>) -> Result<Vars, VarError> {{"
        );
        if spec.vars.is_empty() {
            put!(out, "        let _ = &mut value;");
            put!(out, "        Ok(Vars {{}})");
        } else {
            put!(
                out,
                "        let mut given = |var: Var| value(var).map(str::trim).filter(|text| !text.is_empty());"
            );
            put!(out, "        Ok(Vars {{");
            for (i, v) in spec.vars.iter().enumerate() {
                let var = format!("Var::{}", self.vars[i]);
                let parse = format!(
                    "{}.map_err(|e| VarError::Invalid({var}, e))?",
                    self.field_parse(&v.kind)
                );
                put!(out, "            {}: match given({var}) {{", self.fields[i]);
                match &v.need {
                    ir::Need::Required => {
                        put!(out, "                Some(text) => {parse},");
                        put!(out, "                None => return Err(VarError::Missing({var})),");
                    }
                    ir::Need::Optional => {
                        put!(out, "                Some(text) => Some({parse}),");
                        put!(out, "                None => None,");
                    }
                    ir::Need::Default(d) => {
                        put!(out, "                Some(text) => {parse},");
                        match v.kind.parse(d) {
                            Ok(value) => put!(out, "                None => {},", self.field_value(&value)),
                            // Never: the checker refuses a default that is not of its type.
                            Err(_) => put!(out, "                None => return Err(VarError::Missing({var})),"),
                        }
                    }
                }
                put!(out, "            }},");
            }
            put!(out, "        }})");
        }
        put!(out, "    }}");
        put!(out);
        out.push_str(VARS_FUNCTIONS);
        put!(out);
        put!(
            out,
            "    /// The value of `var` in this call, `None` for an `optional` one left out."
        );
        put!(out, "    #[must_use]");
        put!(out, "    pub fn get(&self, var: Var) -> Option<Value> {{");
        if spec.vars.is_empty() {
            put!(out, "        let _ = self;");
            put!(out, "        match var {{}}");
        } else {
            put!(out, "        match var {{");
            for (i, v) in spec.vars.iter().enumerate() {
                let field = &self.fields[i];
                let (variant, copy) = value_variant(&v.kind);
                let arm = match (&v.need, copy) {
                    (ir::Need::Optional, true) => format!("self.{field}.map(Value::{variant})"),
                    (ir::Need::Optional, false) => format!("self.{field}.clone().map(Value::{variant})"),
                    (_, true) => format!("Some(Value::{variant}(self.{field}))"),
                    (_, false) => format!("Some(Value::{variant}(self.{field}.clone()))"),
                };
                put!(out, "            Var::{} => {arm},", self.vars[i]);
            }
            put!(out, "        }}");
        }
        put!(out, "    }}");
        put!(out, "}}");
        put!(out);
    }

    /// The expression that reads `text` as a value of `kind`, the field's type.
    fn field_parse(&self, kind: &ir::ValueType) -> String {
        let bound = |b: Option<i64>| b.map_or_else(|| "None".to_owned(), |v| format!("Some({v})"));
        match kind {
            ir::ValueType::Text => "ValueType::text(text)".to_owned(),
            ir::ValueType::Number => "ValueType::number(text)".to_owned(),
            ir::ValueType::Integer { min, max } => {
                format!("ValueType::integer(text, {}, {})", bound(*min), bound(*max))
            }
            ir::ValueType::Percent => "ValueType::percent(text)".to_owned(),
            ir::ValueType::Money { currency } => format!("ValueType::money(text, {})", string_literal(currency)),
            ir::ValueType::Date => "ValueType::date(text)".to_owned(),
            ir::ValueType::Time => "ValueType::time(text)".to_owned(),
            ir::ValueType::Phone => "ValueType::phone(text)".to_owned(),
            ir::ValueType::Email => "ValueType::email(text)".to_owned(),
            ir::ValueType::YesNo => "ValueType::yes_no(text)".to_owned(),
            ir::ValueType::OneOf(words) => format!("ValueType::choice(text, {})", self.choice_list(words, 20)),
        }
    }

    /// The field's value for a value of the spec (a variable's default).
    fn field_value(&self, value: &ir::Value) -> String {
        let decimal = |s: &str| format!("Decimal(String::from({}))", string_literal(s));
        match value {
            ir::Value::Text(s) | ir::Value::Phone(s) | ir::Value::Email(s) => {
                format!("String::from({})", string_literal(s))
            }
            ir::Value::Number(s) | ir::Value::Percent(s) => decimal(s),
            ir::Value::Integer(n) => n.to_string(),
            ir::Value::Money { amount, currency } => format!(
                "Money {{\n                    amount: {},\n                    currency: {},\n                }}",
                decimal(amount),
                string_literal(currency)
            ),
            ir::Value::Date { year, month, day } => format!(
                "Date {{\n                    year: {year},\n                    month: {month},\n                    day: {day},\n                }}"
            ),
            ir::Value::Time { hour, minute } => format!(
                "Time {{\n                    hour: {hour},\n                    minute: {minute},\n                }}"
            ),
            ir::Value::YesNo(b) => b.to_string(),
            ir::Value::Word(w) => {
                let i = self.words.iter().position(|x| x == w).unwrap_or_default();
                format!("Choice::{}", self.choices[i])
            }
        }
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
        put!(out, "/// The party that places the call.");
        put!(out, "pub static CALLER: Party = {};", self.party(&self.spec.caller, 0));
        put!(out);
        put!(
            out,
            "/// The parties called, in the order written: each a simulated customer for"
        );
        put!(out, "/// the same script, complete (what it `extends` is filled in).");
        let callees = list(self.spec.callees.iter().map(|p| self.party(p, 4)), 4);
        put!(out, "pub static CALLEES: &[Party] = {callees};");
        put!(out);
        put!(out, "/// The callee with this id (compared exactly).");
        put!(out, "#[must_use]");
        put!(out, "pub fn callee(id: &str) -> Option<&'static Party> {{");
        put!(out, "    CALLEES.iter().find(|p| p.id == id)");
        put!(out, "}}");
        put!(out);
    }

    fn concerns(&self, out: &mut String) {
        out.push_str(CONCERN_TYPES);
        put!(out);
        let spec = self.spec;
        let items = spec.concerns.iter().map(|c| {
            // Each callee's stance on it is in its `Party::concerns`.
            let ir::Concern { id, steps, faq } = c;
            let steps = list(steps.iter().map(|&i| format!("Step::{}", self.steps[i])), 12);
            let faq = list(faq.iter().map(|&i| string_literal(&spec.faq[i].id)), 12);
            format!(
                "Concern {{\n        id: {},\n        steps: {steps},\n        faq: {faq},\n    }}",
                string_literal(id),
            )
        });
        put!(
            out,
            "/// Every concern of any callee, in the order first written, with what covers it."
        );
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
                     examples: _,    // `examples`
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
            put!(out, "    pub fn description(self) -> Option<Text> {{");
            match_self(out, "Signal", &self.signals, |i| {
                self.opt_text(spec.signals[i].description.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// Things the callee might say that give the signal, in the order written"
            );
            put!(out, "    /// (for recognisers and simulators).");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn examples(self) -> &'static [&'static str] {{");
            let lists: Vec<String> = spec.signals.iter().map(|s| str_slice(&s.examples, 16)).collect();
            match_slices(out, "Signal", &self.signals, &lists);
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
            put!(out, "    pub fn lines(self) -> &'static [Text] {{");
            match_self(out, "Step", &self.steps, |i| self.texts(&spec.steps[i].lines, 16));
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The lines the caller says in this step, in order, with the call's values."
            );
            put!(out, "    #[must_use]");
            put!(out, "    pub fn say(self, vars: &Vars) -> Vec<String> {{");
            put!(out, "        self.lines().iter().map(|line| line.render(vars)).collect()");
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
            put!(out, "    pub fn kind(self) -> ValueType {{");
            match_self(out, "Capture", &self.captures, |i| {
                self.value_type(&spec.captures[i].kind)
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
            out.push_str(CAPTURE_PARSE);
            if !self.steps.is_empty() {
                put!(out);
                put!(out, "    /// The capture's place in `Capture::ALL`.");
                put!(out, "    fn index(self) -> usize {{");
                match_self(out, "Capture", &self.captures, |i| i.to_string());
                put!(out, "    }}");
            }
        });
        // The variants no capture or variable of this spec has are dead code in a binary.
        let has = |word: &str| {
            spec.captures
                .iter()
                .map(|c| &c.kind)
                .chain(spec.vars.iter().map(|v| &v.kind))
                .any(|k| k.word() == word)
        };
        out.push_str(VALUE_TYPE);
        for (word, docs, variant) in VALUE_VARIANTS {
            for d in *docs {
                put!(out, "    /// {d}");
            }
            if !has(word) {
                put!(
                    out,
                    "    #[allow(dead_code)] // no capture or variable of this spec has this type"
                );
            }
            put!(out, "    {variant}");
        }
        put!(out, "}}");
        put!(out);
        out.push_str(VALUE_FUNCTIONS);
        put!(out);
        out.push_str(match spec.language() {
            ir::Language::Chinese => SPOKEN_ZH,
            ir::Language::English => SPOKEN_EN,
        });
        put!(out);
        let e = IdEnum {
            ty: "Choice",
            doc: &[
                "A word of a `one_of` type: every word of every `one_of` (of the captures, then",
                "the variables), each once.",
            ],
            what: "word",
            variants: &self.choices,
            ids: self.words.clone(),
        };
        e.write(out, |_| {});
    }

    /// The `ValueType` expression of a value type.
    fn value_type(&self, kind: &ir::ValueType) -> String {
        let bound = |b: Option<i64>| b.map_or_else(|| "None".to_owned(), |v| format!("Some({v})"));
        match kind {
            ir::ValueType::Text => "ValueType::Text".to_owned(),
            ir::ValueType::Number => "ValueType::Number".to_owned(),
            ir::ValueType::Percent => "ValueType::Percent".to_owned(),
            ir::ValueType::Money { currency } => format!(
                "ValueType::Money {{\n                currency: {},\n            }}",
                string_literal(currency)
            ),
            ir::ValueType::Date => "ValueType::Date".to_owned(),
            ir::ValueType::Time => "ValueType::Time".to_owned(),
            ir::ValueType::Phone => "ValueType::Phone".to_owned(),
            ir::ValueType::Email => "ValueType::Email".to_owned(),
            ir::ValueType::YesNo => "ValueType::YesNo".to_owned(),
            ir::ValueType::Integer { min, max } => format!(
                "ValueType::Integer {{\n                min: {},\n                max: {},\n            }}",
                bound(*min),
                bound(*max)
            ),
            ir::ValueType::OneOf(words) => format!("ValueType::OneOf({})", self.choice_list(words, 16)),
        }
    }

    /// A `&[Choice::…]` of the words of a `one_of`.
    fn choice_list(&self, words: &[String], indent: usize) -> String {
        let choice = |w: &String| {
            let i = self.words.iter().position(|x| x == w).unwrap_or_default();
            format!("Choice::{}", self.choices[i])
        };
        list(words.iter().map(choice), indent)
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
                self.texts(questions, 12),
                self.text(answer),
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
            put!(out, "    pub fn caller(self) -> Option<Text> {{");
            match_self(out, "EndCondition", &self.ends, |i| {
                self.opt_text(spec.ends[i].caller.as_ref())
            });
            put!(out, "    }}");
            put!(out);
            put!(out, "    /// The condition in the words the simulated callee is given.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn callee(self) -> Option<Text> {{");
            match_self(out, "EndCondition", &self.ends, |i| {
                self.opt_text(spec.ends[i].callee.as_ref())
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
            put!(out, "    pub fn say(self) -> Text {{");
            match_self(out, "Transfer", &self.transfers, |i| self.text(&spec.transfers[i].say));
            put!(out, "    }}");
            put!(out);
            put!(
                out,
                "    /// The destination (a number, SIP URI or queue name); `None`: the deployment"
            );
            put!(out, "    /// chooses it.");
            put!(out, "    #[must_use]");
            put!(out, "    pub fn to(self) -> Option<Text> {{");
            match_self(out, "Transfer", &self.transfers, |i| {
                self.opt_text(spec.transfers[i].to.as_ref())
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

/// Every text of a spec (the ones that may name a variable).
fn all_texts(spec: &ir::Spec) -> impl Iterator<Item = &ir::Text> + '_ {
    fn party(p: &ir::Party) -> impl Iterator<Item = &ir::Text> + '_ {
        std::iter::once(&p.name)
            .chain(
                [&p.org, &p.role, &p.persona, &p.task, &p.style.note]
                    .into_iter()
                    .flatten(),
            )
            .chain(p.knows.iter().chain(&p.background).map(|(_, t)| t))
            .chain(&p.behavior)
            .chain(&p.style.avoid)
            .chain(&p.style.prefer)
            .chain(p.concerns.iter().map(|s| &s.text))
    }
    std::iter::once(&spec.closing)
        .chain(&spec.opening)
        .chain(party(&spec.caller))
        .chain(spec.callees.iter().flat_map(party))
        .chain(spec.signals.iter().filter_map(|s| s.description.as_ref()))
        .chain(spec.steps.iter().flat_map(|s| &s.lines))
        .chain(spec.faq.iter().flat_map(|q| q.questions.iter().chain([&q.answer])))
        .chain(
            spec.ends
                .iter()
                .flat_map(|e| [&e.caller, &e.callee].into_iter().flatten()),
        )
        .chain(spec.transfers.iter().flat_map(|t| std::iter::once(&t.say).chain(&t.to)))
}

/// The Rust type of a field of `Vars` holding a value of `kind`.
fn field_type(kind: &ir::ValueType) -> &'static str {
    match kind {
        ir::ValueType::Text | ir::ValueType::Phone | ir::ValueType::Email => "String",
        ir::ValueType::Number | ir::ValueType::Percent => "Decimal",
        ir::ValueType::Integer { .. } => "i64",
        ir::ValueType::Money { .. } => "Money",
        ir::ValueType::Date => "Date",
        ir::ValueType::Time => "Time",
        ir::ValueType::YesNo => "bool",
        ir::ValueType::OneOf(_) => "Choice",
    }
}

/// The `Value` variant of a value of `kind`, and whether its field's type is `Copy`.
fn value_variant(kind: &ir::ValueType) -> (&'static str, bool) {
    match kind {
        ir::ValueType::Text | ir::ValueType::Phone | ir::ValueType::Email => ("Text", false),
        ir::ValueType::Number => ("Number", false),
        ir::ValueType::Percent => ("Percent", false),
        ir::ValueType::Integer { .. } => ("Integer", true),
        ir::ValueType::Money { .. } => ("Money", false),
        ir::ValueType::Date => ("Date", true),
        ir::ValueType::Time => ("Time", true),
        ir::ValueType::YesNo => ("YesNo", true),
        ir::ValueType::OneOf(_) => ("Choice", true),
    }
}

/// The types of the parties (the same in every file).
const PARTY_TYPES: &str = r"/// A party of the call: the caller or a callee. A field the spec does not
/// give is `None` or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Party {
    /// The party's id in the spec.
    pub id: &'static str,
    /// The id of the callee this one `extends` (what it inherits is filled in
    /// here already); `None` for the caller and a callee that extends none.
    pub extends: Option<&'static str>,
    /// The name.
    pub name: Text,
    /// `male`, `female` or `other`.
    pub gender: Option<&'static str>,
    /// Age in years.
    pub age: Option<u32>,
    /// Organisation.
    pub org: Option<Text>,
    /// Role.
    pub role: Option<Text>,
    /// Persona prose.
    pub persona: Option<Text>,
    /// The task of the call (caller only).
    pub task: Option<Text>,
    /// What the caller knows about the callee, as (label, value), in order (caller only).
    pub knows: &'static [(&'static str, Text)],
    /// The callee's background, as (label, value), in order (callee only).
    pub background: &'static [(&'static str, Text)],
    /// The callee's concerns and how much each matters to it, in order (callee only).
    pub concerns: &'static [Stance],
    /// Typical behaviour, one item each (callee only).
    pub behavior: &'static [Text],
    /// How the party talks (callee only).
    pub style: Style,
}

/// How the callee talks: examples of replies to imitate and to avoid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// An instruction about the examples.
    pub note: Option<Text>,
    /// Lines not to imitate.
    pub avoid: &'static [Text],
    /// Lines to imitate.
    pub prefer: &'static [Text],
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

/// Something a callee cares about (one id for every callee that has it), and
/// what in the call addresses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Concern {
    /// The concern's id in the spec.
    pub id: &'static str,
    /// The steps that cover it, in flow order.
    pub steps: &'static [Step],
    /// The ids of the FAQ entries that cover it, in FAQ order.
    pub faq: &'static [&'static str],
}

/// A callee's view of one concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stance {
    /// The concern's id (`concern(id)` says what covers it).
    pub concern: &'static str,
    /// How much it matters to this callee.
    pub priority: Priority,
    /// The concern, in this callee's words.
    pub text: Text,
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

/// `Text`'s documentation and methods, and `Piece`'s documentation before its variants.
const TEXT_TYPE: &str = r"/// A text of the spec — a line, an answer, a party's field — as literal pieces and
/// per-call variables. `render` says it with one call's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Text(&'static [Piece]);

/// A piece of a `Text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece {
";

/// `Text`'s methods (the same in every file).
const TEXT_FUNCTIONS: &str = r#"impl Text {
    /// The pieces, in order; adjacent literals are merged, so a text without
    /// variables is one `Piece::Lit` (or none, when empty).
    #[must_use]
    pub fn pieces(self) -> &'static [Piece] {
        self.0
    }

    /// The text, when it names no variable.
    #[must_use]
    pub fn as_str(self) -> Option<&'static str> {
        match self.0 {
            [] => Some(""),
            [Piece::Lit(text)] => Some(text),
            _ => None,
        }
    }

    /// The text as said in a call: each variable replaced by its value in
    /// `vars`, as the spec's locale says it (`Value::spoken`: 12月31日, 8%); an
    /// `optional` variable the call leaves out is said as nothing.
    #[must_use]
    pub fn render(self, vars: &Vars) -> String {
        let mut out = String::new();
        for piece in self.0 {
            match piece {
                Piece::Lit(text) => out.push_str(text),
                Piece::Var(var) => out.push_str(&vars.spoken(*var)),
            }
        }
        out
    }

    /// The text with each variable written `{{id}}` (the placeholders of
    /// Pipecat, Retell and Vapi). A literal `{{` in the spec's text is written
    /// as it is, so only `pieces` tells it from a variable.
    #[must_use]
    pub fn template(self) -> String {
        let mut out = String::new();
        for piece in self.0 {
            match piece {
                Piece::Lit(text) => out.push_str(text),
                Piece::Var(var) => {
                    out.push_str("{{");
                    out.push_str(var.id());
                    out.push_str("}}");
                }
            }
        }
        out
    }
}
"#;

/// `Need`'s documentation, before its variants.
const NEED_TYPE: &str = r"/// Whether a per-call variable must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Need {
";

/// The documentation of `Vars::from_fn`.
const VARS_DOC_FROM_FN: &str = r"    /// The values `value` gives for each variable (its text, or `None`), read by
    /// `ValueType::parse`'s rules: spaces around a value are ignored, and a blank
    /// value is an absent one. An absent `optional` variable is `None`; an
    /// absent one with a default takes it.
    ///
    /// # Errors
    /// `VarError::Missing` for a required variable without a value;
    /// `VarError::Invalid` for a value that is not of its variable's type (the
    /// first, in the order the variables are declared).
";

/// `Vars`' functions that are the same in every file.
const VARS_FUNCTIONS: &str = r"    /// The values of a call-list row, by variable id (`Var::id`); keys that name
    /// no variable are ignored. See `Vars::from_fn`.
    ///
    /// # Errors
    /// As `Vars::from_fn`.
    pub fn from_map<K, V, S>(values: &std::collections::HashMap<K, V, S>) -> Result<Vars, VarError>
    where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
        V: AsRef<str>,
        S: std::hash::BuildHasher,
    {
        Vars::from_fn(|var| values.get(var.id()).map(AsRef::as_ref))
    }

    /// The spec's examples (a variable without one takes its default, or is
    /// left out): what a preview of the call says. `None` when a required
    /// variable has no example.
    #[must_use]
    pub fn example() -> Option<Vars> {
        Vars::from_fn(Var::example).ok()
    }

    /// The value of `var` in this call as the spec's locale says it
    /// (`Value::spoken`); empty for an `optional` one left out.
    #[must_use]
    pub fn spoken(&self, var: Var) -> String {
        self.get(var).map(|value| value.spoken()).unwrap_or_default()
    }
";

/// `VarError`'s documentation, before its variants.
const VAR_ERROR_TYPE: &str = r"/// Why a call's values were not taken (`Vars::from_fn`): names the variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarError {
";

/// `VarError`'s and `ValueError`'s messages (the same in every file).
const VAR_ERROR_FUNCTIONS: &str = r#"impl VarError {
    /// The variable the error is about.
    #[must_use]
    pub fn var(self) -> Var {
        match self {
            VarError::Missing(var) | VarError::Invalid(var, _) => var,
        }
    }
}

impl std::fmt::Display for VarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VarError::Missing(var) => write!(f, "`{}` is required, and the call gives no value", var.id()),
            VarError::Invalid(var, error) => write!(f, "`{}`: {error}", var.id()),
        }
    }
}

impl std::error::Error for VarError {}
"#;

/// `Capture::parse` (the same in every file).
const CAPTURE_PARSE: &str = r"    /// The value `text` (what the reply gave) gives for this capture.
    ///
    /// Whitespace around the text is ignored and, except for a `Text` capture, so
    /// is sentence punctuation at its end (`是。`, `42！`, `a@b.cn.`), which speech
    /// recognisers add; then the text is read as `ValueType::parse` reads it. A
    /// `Text` capture keeps the trimmed text as it is.
    ///
    /// # Errors
    /// `ValueError::Empty` for text that is blank or only punctuation; otherwise
    /// the error of the type the text does not fit.
    pub fn parse(self, text: &str) -> Result<Value, ValueError> {
        let text = text.trim();
        let word = text
            .trim_end_matches(['。', '．', '.', '！', '!', '？', '?', '，', ',', '、', '；', ';'])
            .trim_end();
        if word.is_empty() {
            return Err(ValueError::Empty);
        }
        match self.kind() {
            ValueType::Text => Ok(Value::Text(text.to_owned())),
            kind => kind.parse(word),
        }
    }
";

/// `ValueType`'s documentation, before its variants.
const VALUE_TYPE: &str = r"/// The type of a captured value or of a per-call variable, and how
/// `ValueType::parse` reads a value of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
";

/// The variants of `ValueType`: the type's word, the variant's
/// documentation and the variant.
const VALUE_VARIANTS: &[(&str, &[&str], &str)] = &[
    ("text", &["Any text: `Value::Text`."], "Text,"),
    (
        "number",
        &["A decimal number: an optional sign, ASCII digits, an optional `.` and digits: `Value::Number`."],
        "Number,",
    ),
    (
        "integer",
        &["A whole number (an optional sign, ASCII digits) within the bounds: `Value::Integer`."],
        "Integer {\n        /// The least value allowed, if any.\n        min: Option<i64>,\n        \
         /// The greatest value allowed, if any.\n        max: Option<i64>,\n    },",
    ),
    (
        "percent",
        &["A percentage: a number, with or without `%` (`8`, `8.5%`): `Value::Percent`."],
        "Percent,",
    ),
    (
        "money",
        &[
            "An amount in one currency: digits (grouped by `,` or not), at most two decimals,",
            "with the currency's code or symbol before or after it allowed (`¥1,299`): `Value::Money`.",
        ],
        "Money {\n        /// The currency's ISO 4217 code, such as `CNY`.\n        currency: &'static str,\n    },",
    ),
    (
        "date",
        &[
            "A calendar date written `YYYY-MM-DD` that exists (year 1 to 9999, leap",
            "years counted): `Value::Date`.",
        ],
        "Date,",
    ),
    (
        "time",
        &["A time of day, `HH:MM` or `H:MM` (24-hour): `Value::Time`."],
        "Time,",
    ),
    (
        "phone",
        &["A phone number: `+` and 6 to 15 digits, nothing else: `Value::Text`."],
        "Phone,",
    ),
    (
        "email",
        &[
            "An e-mail address — one `@` with text before it, a `.` with text on",
            "both sides after it, no whitespace: `Value::Text`.",
        ],
        "Email,",
    ),
    (
        "yes_no",
        &[
            "Yes (`yes`, `y`, `true`, `1`, `是`, `是的`, `对`, `对的`) or no (`no`, `n`, `false`,",
            "`0`, `否`, `不是`, `不`, `不对`), letters in any case: `Value::YesNo`.",
        ],
        "YesNo,",
    ),
    (
        "one_of",
        &["One of these words, exactly: `Value::Choice`."],
        "OneOf(&'static [Choice]),",
    ),
];

/// `ValueType`'s methods, `Value`, `ValueError` and the value types (the
/// same in every file): the rules of `ir::value`, which `callc check-calls`
/// applies to a call list.
const VALUE_FUNCTIONS: &str = r#"impl ValueType {
    /// The word that names the type in the spec: `text`, `number`, `integer`,
    /// `percent`, `money`, `date`, `time`, `phone`, `email`, `yes_no` or `one_of`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Number => "number",
            ValueType::Integer { .. } => "integer",
            ValueType::Percent => "percent",
            ValueType::Money { .. } => "money",
            ValueType::Date => "date",
            ValueType::Time => "time",
            ValueType::Phone => "phone",
            ValueType::Email => "email",
            ValueType::YesNo => "yes_no",
            ValueType::OneOf(_) => "one_of",
        }
    }

    /// The value `text` gives for this type, by the rules `callc check-calls`
    /// applies to a call list: whitespace around the text is ignored; a blank
    /// text is `ValueError::Empty` (for every type but `Text`).
    ///
    /// # Errors
    /// Why the text is not a value of the type.
    pub fn parse(self, text: &str) -> Result<Value, ValueError> {
        let text = text.trim();
        if text.is_empty() && self != ValueType::Text {
            return Err(ValueError::Empty);
        }
        match self {
            ValueType::Text => ValueType::text(text).map(Value::Text),
            ValueType::Number => ValueType::number(text).map(Value::Number),
            ValueType::Integer { min, max } => ValueType::integer(text, min, max).map(Value::Integer),
            ValueType::Percent => ValueType::percent(text).map(Value::Percent),
            ValueType::Money { currency } => ValueType::money(text, currency).map(Value::Money),
            ValueType::Date => ValueType::date(text).map(Value::Date),
            ValueType::Time => ValueType::time(text).map(Value::Time),
            ValueType::Phone => ValueType::phone(text).map(Value::Text),
            ValueType::Email => ValueType::email(text).map(Value::Text),
            ValueType::YesNo => ValueType::yes_no(text).map(Value::YesNo),
            ValueType::OneOf(words) => ValueType::choice(text, words).map(Value::Choice),
        }
    }

    fn text(text: &str) -> Result<String, ValueError> {
        Ok(text.to_owned())
    }

    fn number(text: &str) -> Result<Decimal, ValueError> {
        Decimal::read(text).ok_or(ValueError::NotNumber)
    }

    fn integer(text: &str, min: Option<i64>, max: Option<i64>) -> Result<i64, ValueError> {
        let n: i64 = text.parse().map_err(|_| ValueError::NotInteger)?;
        if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
            Err(ValueError::OutOfRange)
        } else {
            Ok(n)
        }
    }

    fn percent(text: &str) -> Result<Decimal, ValueError> {
        let digits = text.strip_suffix(['%', '％']).unwrap_or(text).trim_end();
        Decimal::read(digits).ok_or(ValueError::NotPercent)
    }

    fn money(text: &str, currency: &'static str) -> Result<Money, ValueError> {
        let symbols: &[&str] = match currency {
            "CNY" => &["¥", "￥", "元", "RMB"],
            "USD" => &["$", "US$"],
            "EUR" => &["€"],
            "GBP" => &["£"],
            "JPY" => &["¥", "円"],
            _ => &[],
        };
        let mut s = text;
        for mark in std::iter::once(currency).chain(symbols.iter().copied()) {
            s = s.strip_prefix(mark).unwrap_or(s).trim();
            s = s.strip_suffix(mark).unwrap_or(s).trim();
        }
        let (whole, cents) = s.split_once('.').unwrap_or((s, ""));
        let grouped = !whole.contains(',')
            || whole.split(',').enumerate().all(|(i, group)| {
                if i == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                }
            });
        let whole: String = whole.chars().filter(|&c| c != ',').collect();
        let valid = grouped
            && !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && cents.len() <= 2
            && cents.bytes().all(|b| b.is_ascii_digit())
            && !(s.contains('.') && cents.is_empty());
        if !valid {
            return Err(ValueError::NotMoney);
        }
        let whole = whole.trim_start_matches('0');
        let whole = if whole.is_empty() { "0" } else { whole };
        Ok(Money {
            amount: Decimal(format!("{whole}.{cents:0<2}")),
            currency,
        })
    }

    fn date(text: &str) -> Result<Date, ValueError> {
        let number = |from: usize, to: usize| -> Option<u16> {
            let part = text.get(from..to)?;
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let read = || -> Option<Date> {
            if text.len() != 10 || text.get(4..5) != Some("-") || text.get(7..8) != Some("-") {
                return None;
            }
            let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
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
            Some(Date {
                year,
                month: u8::try_from(month).ok()?,
                day: u8::try_from(day).ok()?,
            })
        };
        read().ok_or(ValueError::NotDate)
    }

    fn time(text: &str) -> Result<Time, ValueError> {
        let read = || -> Option<Time> {
            let (h, m) = text.split_once(':')?;
            let digits = |s: &str, n: usize| (1..=n).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(h, 2) || m.len() != 2 || !digits(m, 2) {
                return None;
            }
            let (hour, minute): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
            (hour < 24 && minute < 60).then_some(Time { hour, minute })
        };
        read().ok_or(ValueError::NotTime)
    }

    fn phone(text: &str) -> Result<String, ValueError> {
        let valid = text
            .strip_prefix('+')
            .is_some_and(|digits| (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()));
        if valid { Ok(text.to_owned()) } else { Err(ValueError::NotPhone) }
    }

    fn email(text: &str) -> Result<String, ValueError> {
        let Some((local, domain)) = text.split_once('@') else {
            return Err(ValueError::NotEmail);
        };
        let valid = !local.is_empty()
            && !domain.contains('@')
            && !text.chars().any(char::is_whitespace)
            && domain.char_indices().any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len());
        if valid { Ok(text.to_owned()) } else { Err(ValueError::NotEmail) }
    }

    fn yes_no(text: &str) -> Result<bool, ValueError> {
        match text.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "是" | "是的" | "对" | "对的" => Ok(true),
            "no" | "n" | "false" | "0" | "否" | "不是" | "不" | "不对" => Ok(false),
            _ => Err(ValueError::NotYesNo),
        }
    }

    fn choice(text: &str, words: &[Choice]) -> Result<Choice, ValueError> {
        words.iter().copied().find(|w| w.id() == text).ok_or(ValueError::NotAChoice)
    }
}

/// A value of a capture or a per-call variable, of its type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `text`, `phone` and `email`: the text, trimmed.
    Text(String),
    /// `number`.
    Number(Decimal),
    /// `integer`.
    Integer(i64),
    /// `percent`: the number, without `%`.
    Percent(Decimal),
    /// `money`.
    Money(Money),
    /// `date`.
    Date(Date),
    /// `time`.
    Time(Time),
    /// `yes_no`.
    YesNo(bool),
    /// `one_of`: the word.
    Choice(Choice),
}

impl Value {
    /// The value in the form a call list holds and every runtime reads: ISO
    /// dates (`2026-12-31`), `HH:MM`, `.` decimals without grouping, money with
    /// two decimals (`1299.00`), percentages without `%`, `true`/`false`.
    #[must_use]
    pub fn canonical(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(n) | Value::Percent(n) => n.0.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Money(m) => m.amount.0.clone(),
            Value::Date(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
            Value::Time(t) => format!("{:02}:{:02}", t.hour, t.minute),
            Value::YesNo(b) => b.to_string(),
            Value::Choice(c) => c.id().to_owned(),
        }
    }

    /// Digits grouped by three with commas: `1299` → `1,299`.
    fn grouped(digits: &str) -> String {
        let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}")
    }

    /// An amount grouped by three, with its cents: `1,299.00`.
    fn amount(m: &Money) -> String {
        let (whole, cents) = m.amount.0.split_once('.').unwrap_or((m.amount.0.as_str(), "00"));
        format!("{}.{cents}", Value::grouped(whole))
    }
}

/// Why a text is not a value of its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueError {
    /// The text is blank (or, for a capture, only punctuation).
    Empty,
    /// `number`: not a decimal number.
    NotNumber,
    /// `integer`: not a whole number.
    NotInteger,
    /// `integer`: a whole number outside the bounds.
    OutOfRange,
    /// `percent`: not a number, with or without `%`.
    NotPercent,
    /// `money`: not an amount with at most two decimals.
    NotMoney,
    /// `date`: not a calendar date written `YYYY-MM-DD`.
    NotDate,
    /// `time`: not a time of day written `HH:MM`.
    NotTime,
    /// `phone`: not `+` and 6 to 15 digits.
    NotPhone,
    /// `email`: not an e-mail address.
    NotEmail,
    /// `yes_no`: not one of the yes or no words.
    NotYesNo,
    /// `one_of`: not one of the words.
    NotAChoice,
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueError::Empty => "empty",
            ValueError::NotNumber => "not a number: expected digits with an optional `.`, such as `12.5`",
            ValueError::NotInteger => "not a whole number",
            ValueError::OutOfRange => "a whole number outside the bounds allowed",
            ValueError::NotPercent => "not a percentage: expected a number such as `8` or `8.5%`",
            ValueError::NotMoney => "not an amount: expected digits with at most two decimals, such as `1299.00`",
            ValueError::NotDate => "not a date: expected `YYYY-MM-DD`, such as `2026-12-31`",
            ValueError::NotTime => "not a time of day: expected `HH:MM` (24-hour), such as `09:30`",
            ValueError::NotPhone => "not a phone number: expected `+` and 6 to 15 digits, such as `+8613800138000`",
            ValueError::NotEmail => "not an e-mail address",
            ValueError::NotYesNo => "not yes or no",
            ValueError::NotAChoice => "not one of the words allowed",
        })
    }
}

impl std::error::Error for ValueError {}

/// A decimal number, exactly as read (`12.50` stays `12.50`): `number` and
/// `percent` values, and the amount of `Money`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The number, canonical: an optional `-`, digits without leading zeros, an
    /// optional `.` and digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an `f64` (rounded to the nearest).
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// A decimal number (`-12.50`, `+3`; not `.5` or `5.`), without a leading
    /// `+` or needless zeros.
    fn read(text: &str) -> Option<Decimal> {
        let (sign, rest) = match text.as_bytes().first()? {
            b'-' => ("-", &text[1..]),
            b'+' => ("", &text[1..]),
            _ => ("", text),
        };
        let (whole, fraction) = match rest.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (rest, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
            return None;
        }
        let whole = whole.trim_start_matches('0');
        let whole = if whole.is_empty() { "0" } else { whole };
        Some(Decimal(match fraction {
            Some(f) => format!("{sign}{whole}.{f}"),
            None => format!("{sign}{whole}"),
        }))
    }
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount, with two decimals (`1299.00`).
    pub amount: Decimal,
    /// The currency's ISO 4217 code, such as `CNY`.
    pub currency: &'static str,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The year, 1 to 9999.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, from 1.
    pub day: u8,
}

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time {
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
}
"#;

/// `Value::spoken` for a spec in Chinese (`zh-*`).
const SPOKEN_ZH: &str = r#"impl Value {
    /// The value as it is said in a sentence of the spec's language (Chinese):
    /// `12月31日`, `9点30分`, `8%`, `1,299.00元`, `是`/`否`; other values as
    /// `canonical` writes them.
    #[must_use]
    pub fn spoken(&self) -> String {
        match self {
            Value::Date(d) => format!("{}月{}日", d.month, d.day),
            Value::Time(t) if t.minute == 0 => format!("{}点", t.hour),
            Value::Time(t) => format!("{}点{}分", t.hour, t.minute),
            Value::Percent(n) => format!("{}%", n.0),
            Value::Money(m) => match m.currency {
                "CNY" => format!("{}元", Value::amount(m)),
                "USD" => format!("${}", Value::amount(m)),
                "EUR" => format!("€{}", Value::amount(m)),
                "GBP" => format!("£{}", Value::amount(m)),
                other => format!("{other} {}", Value::amount(m)),
            },
            Value::YesNo(true) => "是".to_owned(),
            Value::YesNo(false) => "否".to_owned(),
            other => other.canonical(),
        }
    }
}
"#;

/// `Value::spoken` for a spec in any other language (English).
const SPOKEN_EN: &str = r#"impl Value {
    /// The value as it is said in a sentence of the spec's language (English):
    /// `December 31`, `9:30 am`, `8%`, `¥1,299.00`, `12,000`, `yes`/`no`; other
    /// values as `canonical` writes them.
    #[must_use]
    pub fn spoken(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Value::Date(d) => format!("{} {}", MONTHS[usize::from(d.month.saturating_sub(1)).min(11)], d.day),
            Value::Time(t) => {
                let (hour, half) = match t.hour {
                    0 => (12, "am"),
                    1..=11 => (t.hour, "am"),
                    12 => (12, "pm"),
                    _ => (t.hour - 12, "pm"),
                };
                format!("{hour}:{:02} {half}", t.minute)
            }
            Value::Percent(n) => format!("{}%", n.0),
            Value::Money(m) => match m.currency {
                "CNY" => format!("¥{}", Value::amount(m)),
                "USD" => format!("${}", Value::amount(m)),
                "EUR" => format!("€{}", Value::amount(m)),
                "GBP" => format!("£{}", Value::amount(m)),
                other => format!("{other} {}", Value::amount(m)),
            },
            Value::Integer(n) if n.unsigned_abs() >= 10_000 => Value::grouped(&n.to_string()),
            Value::YesNo(true) => "yes".to_owned(),
            Value::YesNo(false) => "no".to_owned(),
            other => other.canonical(),
        }
    }
}
"#;

/// `Reply` and `Call` (the same in every file that has a step).
const CALL: &str = r"/// Why `Call::capture` kept nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptureError {
    /// The call is not at the step that asks for this capture, or is over.
    NotAsked,
    /// The text is not a value of the capture's type.
    Invalid(ValueError),
}

/// What the callee did after a step's lines, as the runtime understood it.
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
    /// otherwise `CaptureError::Invalid`, with why the text is not a value of
    /// its type (`Capture::parse`). Nothing is kept then.
    pub fn capture(&mut self, capture: Capture, text: &str) -> Result<Value, CaptureError> {
        if self.at != Some(capture.step()) {
            return Err(CaptureError::NotAsked);
        }
        self.started = true;
        let value = capture.parse(text).map_err(CaptureError::Invalid)?;
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
    pub questions: &'static [Text],
    /// The answer.
    pub answer: Text,
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
/// reduced by `question_key` (each phrasing said with the call's `vars`);
/// `None` when nothing matches or the question has no letter or digit.
#[must_use]
pub fn find_answer(question: &str, vars: &Vars) -> Option<&'static Qa> {
    let key = question_key(question);
    if key.is_empty() {
        return None;
    }
    FAQ.iter().find(|qa| qa.questions.iter().any(|q| question_key(&q.render(vars)) == key))
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
