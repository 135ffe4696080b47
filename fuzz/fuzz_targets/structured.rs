//! Fuzz target `structured`: a valid-ish spec built from `arbitrary` data —
//! random steps whose strings are heavy with Chinese, emoji, escapes, quotes,
//! braces, bidi controls and CR/LF inside `"""` blocks; random `next`, `on`
//! and `covers` references (some dangling, some to the wrong kind); random
//! lint attributes, comments and CRLF line breaks — through the whole
//! pipeline (`tests/adversarial/pipeline.rs`): no panic, every diagnostic
//! span inside the text on character boundaries, diagnostics sorted, the
//! JSON output re-parsing into its model. Most inputs check with no error,
//! so the targets run too.

#![no_main]

use std::fmt::Write as _;

use arbitrary::Arbitrary;

#[path = "../../tests/adversarial/pipeline.rs"]
mod pipeline;

/// Pieces of text a string is made of.
#[derive(Arbitrary, Debug)]
enum Piece {
    /// Chinese text.
    Han(u8),
    /// An emoji (astral, so two UTF-16 units; some with ZWJ or a variation selector).
    Emoji(u8),
    /// An escape the language has: `\"`, `\\`, `\n`, `\t`, `\r`, `\0`, `\u{…}`.
    Escape(u8),
    /// Characters with a meaning somewhere downstream: quotes, `{{ }}`, `"#`, `*/`, `: `, ` #`, `yes`…
    Tricky(u8),
    /// A placeholder, known or not.
    Placeholder(u8),
    /// A bidi control or an invisible character, written raw.
    Invisible(u8),
    /// Anything, escaped so that it stays one valid string.
    Any(String),
    /// A line break (a real one in a block string, `\n` in a one-line string).
    Newline,
    /// A CRLF (in a block string).
    Crlf,
    /// A tab, written raw.
    Tab,
    /// Something that is an error in a string: a lone brace, an unknown escape, a raw control.
    Broken(u8),
}

const HAN: &[&str] = &[
    "您好",
    "泰山公司",
    "张强",
    "续约",
    "优惠8%",
    "资料发邮箱",
    "　全角空格",
    "“引号”",
    "ｆｕｌｌ",
];
const EMOJI: &[&str] = &["😀", "👨‍👩‍👧", "❤️", "🇨🇳", "🏳️‍🌈", "𠀀"];
const ESCAPES: &[&str] = &[
    "\\\"",
    "\\\\",
    "\\n",
    "\\t",
    "\\r",
    "\\0",
    "\\u{1F600}",
    "\\u{202E}",
    "\\u{7}",
];
const TRICKY: &[&str] = &[
    "{{",
    "}}",
    "{{x}}",
    "\\\"#",
    "*/",
    "/*",
    ": ",
    " #",
    "yes",
    "no",
    "null",
    "~",
    "${HOME}",
    "[a](b)",
    "---",
    "'",
    "<b>",
    "&amp;",
    "|",
    "->",
    "//",
    "\\\\u{41}",
    "%s",
    "{{{{",
    "    ",
];
const PLACEHOLDERS: &[&str] = &[
    "{callee.name}",
    "{caller.org}",
    "{caller.name}",
    "{callee.age}",
    "{knows.公司}",
    "{knows.k}",
    "{background.身份}",
    "{callee.nmae}",
    "{ callee.name }",
    "{knows.loop}",
];
const INVISIBLE: &[&str] = &[
    "\u{202E}", "\u{2066}", "\u{2069}", "\u{200B}", "\u{200F}", "\u{FEFF}", "\u{2060}", "\u{061C}",
];
const BROKEN: &[&str] = &["{", "}", "\\q", "\\u{D800}", "\\u{}", "\u{1}", "{callee.name"];

/// A string: its pieces, written as a one-line string or a `"""` block.
#[derive(Arbitrary, Debug)]
struct Str {
    block: bool,
    indent: u8,
    pieces: Vec<Piece>,
}

/// An id: a choice of spelling (ASCII, Chinese, mixed) and a number.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Id {
    style: u8,
}

/// A reference to an id of some kind: usually one that exists, sometimes a
/// dangling one or one of another kind.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Ref(u8);

#[derive(Arbitrary, Debug)]
enum Target {
    Step(Ref),
    End,
    EndWhen(Ref),
}

#[derive(Arbitrary, Debug)]
enum StepItem {
    Say(Str),
    Next(Target),
    Arrow(Target),
    On(Ref, Target),
    Lint(Lint),
    Comment(Str),
}

#[derive(Arbitrary, Debug)]
struct Step {
    id: Id,
    title: Option<Str>,
    covers: Vec<Ref>,
    items: Vec<StepItem>,
}

#[derive(Arbitrary, Debug)]
struct Lint {
    level: u8,
    name: u8,
}

const LINTS: &[&str] = &[
    "unreachable_step",
    "dead_end",
    "uncovered_concern",
    "unused_signal",
    "end_mismatch",
    "duplicate_question",
    "empty_text",
    "silent_step",
    "warnings",
    "dead_ends",
    "W0208",
    "bidi_text",
];

#[derive(Arbitrary, Debug)]
struct Party {
    name: Str,
    org: Option<Str>,
    age: Option<u8>,
    gender: u8,
    persona: Option<Str>,
    entries: Vec<(u8, Str)>,
    lints: Vec<Lint>,
}

#[derive(Arbitrary, Debug)]
struct Qa {
    id: Id,
    covers: Vec<Ref>,
    questions: Vec<Str>,
    answer: Option<Str>,
}

#[derive(Arbitrary, Debug)]
struct When {
    id: Id,
    caller: Option<Str>,
    callee: Option<Str>,
}

#[derive(Arbitrary, Debug)]
struct Spec {
    crlf: bool,
    comments: Vec<Str>,
    title: Option<Str>,
    locale: u8,
    opening: Option<Str>,
    caller: Party,
    callee: Party,
    concerns: Vec<(Id, u8, Str)>,
    signals: Vec<(Id, Option<Str>)>,
    global: Vec<(Ref, Target)>,
    steps: Vec<Step>,
    faq: Vec<Qa>,
    whens: Vec<When>,
    closing: Str,
    lints: Vec<Lint>,
}

const LOCALES: &[&str] = &["zh-CN", "en", "en-US", "zh-Hant-TW", "zh-CN", "en", "zh-CN", "中文"];
const LABELS: &[&str] = &["公司", "k", "loop", "身份", "\"历史 互动\"", "order"];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[usize::from(i) % list.len()]
}

/// Writes specs as text.
struct Writer {
    out: String,
    nl: &'static str,
}

impl Writer {
    fn line(&mut self, depth: usize, s: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push_str(self.nl);
    }

    fn string(&self, s: &Str, depth: usize) -> String {
        let mut body = String::new();
        for p in &s.pieces {
            match p {
                Piece::Han(i) => body.push_str(pick(HAN, *i)),
                Piece::Emoji(i) => body.push_str(pick(EMOJI, *i)),
                Piece::Escape(i) => body.push_str(pick(ESCAPES, *i)),
                Piece::Tricky(i) => body.push_str(pick(TRICKY, *i)),
                Piece::Placeholder(i) => body.push_str(pick(PLACEHOLDERS, *i)),
                Piece::Invisible(i) => body.push_str(pick(INVISIBLE, *i)),
                Piece::Broken(i) => body.push_str(pick(BROKEN, *i)),
                Piece::Tab => body.push('\t'),
                Piece::Newline if s.block => body.push('\n'),
                Piece::Crlf if s.block => body.push_str("\r\n"),
                Piece::Newline | Piece::Crlf => body.push_str("\\n"),
                Piece::Any(text) => {
                    for c in text.chars() {
                        match c {
                            '"' => body.push_str("\\\""),
                            '\\' => body.push_str("\\\\"),
                            '{' => body.push_str("{{"),
                            '}' => body.push_str("}}"),
                            c if c.is_control() && c != '\t' => {
                                let _ = write!(body, "\\u{{{:x}}}", u32::from(c));
                            }
                            c => body.push(c),
                        }
                    }
                }
            }
        }
        if !s.block {
            return format!("\"{body}\"");
        }
        // A block: the body on its own lines, indented (with a ragged indent now and then).
        let pad = "  ".repeat(depth + 1 + usize::from(s.indent % 3));
        let mut out = format!("\"\"\"{}", self.nl);
        for line in body.split('\n') {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str("\"\"\"");
        out
    }
}

/// The names of ids of each kind, so references can name them.
struct Names {
    concerns: Vec<String>,
    signals: Vec<String>,
    steps: Vec<String>,
    whens: Vec<String>,
}

fn id(kind: &str, i: usize, id: Id) -> String {
    match id.style % 6 {
        0 => format!("{kind}_{i}"),
        1 => format!("开场{i}"),
        2 => format!("{kind}{i}报价"),
        3 => format!("_{kind}{i}"),
        // Two spellings that transliterate alike (报价 and 保价 are both bao_jia).
        4 => format!("保价{i}"),
        _ => format!("Ｓ{i}"),
    }
}

fn reference(list: &[String], r: Ref, others: &[String]) -> String {
    let n = list.len();
    let i = usize::from(r.0);
    if i < n * 4 || (n == 0 && others.is_empty()) {
        if n == 0 {
            return format!("nowhere{i}");
        }
        return list[i % n].clone();
    }
    // Now and then: an id of the wrong kind, or a near miss, or nothing at all.
    match i % 3 {
        0 if !others.is_empty() => others[i % others.len()].clone(),
        1 if n > 0 => format!("{}x", list[i % n]),
        _ => format!("dangling{i}"),
    }
}

fn target(t: &Target, names: &Names) -> String {
    match t {
        Target::Step(r) => reference(&names.steps, *r, &names.signals),
        Target::End => "end".to_owned(),
        Target::EndWhen(r) => format!("end({})", reference(&names.whens, *r, &names.steps)),
    }
}

/// ` covers A, B` for the references `refs` (to concerns, sometimes to
/// `others`; each name once, as a repeat is E0105), or nothing.
fn covers(refs: &[Ref], concerns: &[String], others: &[String]) -> String {
    if refs.is_empty() {
        return String::new();
    }
    let names = dedup(refs.iter().map(|r| reference(concerns, *r, others)).collect());
    format!(" covers {}", names.join(", "))
}

/// The names in order, each once (a name listed twice in `covers` is E0105).
fn dedup(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names.into_iter().filter(|n| seen.insert(n.clone())).collect()
}

fn lint(l: &Lint) -> String {
    let level = ["allow", "warn", "deny"][usize::from(l.level) % 3];
    format!("{level} {}", pick(LINTS, l.name))
}

fn party(w: &mut Writer, kind: &str, p: &Party) {
    w.line(1, &format!("{kind} {kind}_id {{"));
    let name = w.string(&p.name, 2);
    w.line(2, &format!("name {name}"));
    if let Some(org) = &p.org {
        let org = w.string(org, 2);
        w.line(2, &format!("org {org}"));
    }
    if let Some(age) = p.age {
        // Mostly plausible ages; now and then one over 150 (E0106).
        let age = if age % 16 == 0 {
            u32::from(age) + 150
        } else {
            u32::from(age) % 120
        };
        w.line(2, &format!("age {age}"));
    }
    match p.gender % 8 {
        0 | 4 | 5 | 6 => {}
        1 => w.line(2, "gender male"),
        2 | 7 => w.line(2, "gender female"),
        _ => w.line(2, "gender mle"),
    }
    if let Some(persona) = &p.persona {
        let persona = w.string(persona, 2);
        w.line(2, &format!("persona {persona}"));
    }
    for l in &p.lints {
        w.line(2, &lint(l));
    }
    if !p.entries.is_empty() {
        w.line(2, if kind == "caller" { "knows {" } else { "background {" });
        let mut seen = std::collections::BTreeSet::new();
        // A label twice is E0105 (now and then kept: when the value starts with a tab).
        for (label, value) in &p.entries {
            if !seen.insert(pick(LABELS, *label)) && !matches!(value.pieces.first(), Some(Piece::Tab)) {
                continue;
            }
            let value = w.string(value, 3);
            w.line(3, &format!("{} {value}", pick(LABELS, *label)));
        }
        w.line(2, "}");
    }
}

fn write(spec: &Spec) -> String {
    let mut w = Writer {
        out: String::new(),
        nl: if spec.crlf { "\r\n" } else { "\n" },
    };
    for c in &spec.comments {
        let text = w.string(c, 0);
        w.line(0, &format!("// {}", text.replace(['\n', '\r'], " ")));
    }
    let names = Names {
        concerns: spec.concerns.iter().enumerate().map(|(i, c)| id("c", i, c.0)).collect(),
        signals: spec
            .signals
            .iter()
            .enumerate()
            .map(|(i, s)| id("sig", i, s.0))
            .collect(),
        steps: spec.steps.iter().enumerate().map(|(i, s)| id("s", i, s.id)).collect(),
        whens: spec.whens.iter().enumerate().map(|(i, x)| id("w", i, x.id)).collect(),
    };
    w.line(0, "call fuzz {");
    w.line(1, &format!("locale \"{}\"", pick(LOCALES, spec.locale)));
    if let Some(t) = &spec.title {
        let t = w.string(t, 1);
        w.line(1, &format!("title {t}"));
    }
    for l in &spec.lints {
        w.line(1, &lint(l));
    }
    party(&mut w, "caller", &spec.caller);
    w.line(1, "}");
    party(&mut w, "callee", &spec.callee);
    for (i, (_, priority, text)) in spec.concerns.iter().enumerate() {
        let priority = ["primary", "secondary", "latent"][usize::from(*priority) % 3];
        let text = w.string(text, 2);
        w.line(2, &format!("concern {} {priority} {text}", names.concerns[i]));
    }
    w.line(1, "}");
    for (i, (_, description)) in spec.signals.iter().enumerate() {
        let d = description.as_ref().map(|d| w.string(d, 1)).unwrap_or_default();
        w.line(1, &format!("signal {} {d}", names.signals[i]));
    }
    if let Some(o) = &spec.opening {
        let o = w.string(o, 1);
        w.line(1, &format!("opening {o}"));
    }
    w.line(1, "flow {");
    let mut global = std::collections::BTreeSet::new();
    for (signal, t) in &spec.global {
        let signal = reference(&names.signals, *signal, &names.concerns);
        if global.insert(signal.clone()) {
            w.line(2, &format!("on {signal} -> {}", target(t, &names)));
        }
    }
    if spec.steps.is_empty() {
        w.line(2, "step only { say \"唯一的一步\" }");
    }
    for (i, step) in spec.steps.iter().enumerate() {
        let mut head = format!("step {}", names.steps[i]);
        if let Some(t) = &step.title {
            head.push(' ');
            head.push_str(&w.string(t, 2));
        }
        head.push_str(&covers(&step.covers, &names.concerns, &names.steps));
        head.push_str(" {");
        w.line(2, &head);
        // Mostly one successor and one branch per signal (two are E0105).
        let mut successors = 0;
        let mut branches = std::collections::BTreeSet::new();
        for item in &step.items {
            let line = match item {
                StepItem::Say(s) => format!("say {}", w.string(s, 3)),
                StepItem::Next(t) | StepItem::Arrow(t) => {
                    successors += 1;
                    if successors > 1 && !matches!(t, Target::End) {
                        continue;
                    }
                    let kw = if matches!(item, StepItem::Next(_)) {
                        "next"
                    } else {
                        "->"
                    };
                    format!("{kw} {}", target(t, &names))
                }
                StepItem::On(s, t) => {
                    let signal = reference(&names.signals, *s, &names.whens);
                    if !branches.insert(signal.clone()) {
                        continue;
                    }
                    format!("on {signal} -> {}", target(t, &names))
                }
                StepItem::Lint(l) => lint(l),
                StepItem::Comment(c) => format!("// {}", w.string(c, 3).replace(['\n', '\r'], " ")),
            };
            w.line(3, &line);
        }
        w.line(2, "}");
    }
    w.line(1, "}");
    if !spec.faq.is_empty() {
        w.line(1, "faq {");
        for (i, qa) in spec.faq.iter().enumerate() {
            let mut head = format!("qa {}", id("qa", i, qa.id));
            head.push_str(&covers(&qa.covers, &names.concerns, &names.signals));
            head.push_str(" {");
            w.line(2, &head);
            for q in &qa.questions {
                let q = w.string(q, 3);
                w.line(3, &format!("q {q}"));
            }
            // Mostly complete entries (a missing `q` or `a` is E0104).
            if qa.questions.is_empty() && qa.id.style % 4 != 0 {
                w.line(3, "q \"有试用吗？\"");
            }
            if let Some(a) = &qa.answer {
                let a = w.string(a, 3);
                w.line(3, &format!("a {a}"));
            } else if qa.id.style % 4 != 1 {
                w.line(3, "a \"有，一个月。\"");
            }
            w.line(2, "}");
        }
        w.line(1, "}");
    }
    w.line(1, "end {");
    for (i, when) in spec.whens.iter().enumerate() {
        let mut line = format!("when {}", names.whens[i]);
        if let Some(c) = &when.caller {
            line.push(' ');
            line.push_str(&w.string(c, 2));
        }
        if let Some(c) = &when.callee {
            line.push_str(" callee ");
            line.push_str(&w.string(c, 2));
        }
        w.line(2, &line);
    }
    let closing = w.string(&spec.closing, 2);
    w.line(2, &format!("closing {closing}"));
    w.line(1, "}");
    w.line(0, "}");
    w.out
}

libfuzzer_sys::fuzz_target!(|spec: Spec| {
    let text = write(&spec);
    let c = pipeline::run(text.as_bytes());
    // `CALLC_FUZZ_DUMP=1 cargo fuzz run structured DIR -- -runs=0` shows what the inputs become.
    if std::env::var_os("CALLC_FUZZ_DUMP").is_some() {
        let codes: Vec<String> = c
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect();
        let verdict = if c.spec_if_ok().is_some() { "BUILDS" } else { "ERRORS" };
        eprintln!("==== {verdict} {codes:?}\n{text}");
    }
});
