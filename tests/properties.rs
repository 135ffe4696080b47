//! Properties over generated specs (proptest): valid specs whose every text
//! is adversarial — Chinese, emoji, bidi controls and invisible characters,
//! quotes, backslashes, braces, `"#`, `*/`, `: `, ` #`, `yes`/`no`/`null`,
//! line breaks (LF or CRLF inside `"""` blocks), tabs, controls — written
//! with the escapes the language has, as one-line strings or blocks, in
//! files with LF or CRLF line breaks.
//!
//! Every generated text must come back exactly from the JSON target
//! (`serde_json`), from the Rasa target's `domain.yml` (serde-saphyr; response
//! texts have their braces doubled for Rasa's templates, undone here) and
//! from the Rust target (the file parses with `syn`, and its string literals
//! decode to the texts). The formatter's properties (idempotent, keeps the
//! meaning) are a separate test.
//!
//! 256 cases per property (about 3 s in a debug build); `PROPTEST_CASES`
//! overrides it for a longer run.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use callc::check::LintLevels;
use callc::emit::json::CallSpec;
use callc::emit::rasa::{Name, Names};
use callc::emit::{self, Target};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Generated texts
// ---------------------------------------------------------------------------

/// Characters that break naive escaping somewhere downstream.
const NASTY: &[char] = &[
    '张', '强', '，', '。', '“', '”', '「', '」', '\u{3000}', 'ｆ', '😀', '👨', '\u{200D}', '🇨', '🇳', '\u{FE0F}', '𠀀',
    '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200F}', '\u{FEFF}', '\u{2028}', '\u{2029}', '\u{85}', '"',
    '\'', '`', '\\', '{', '}', '#', ':', '*', '/', '$', '%', '&', '!', '|', '>', '-', '?', '@', '[', ']', ',', '\t',
    '\r', '\n', '\0', '\u{7}', '\u{1B}', '\u{7F}', ' ', 'a', 'Z', '0', '_', 'é', 'e', '\u{301}',
];

/// Strings that YAML, JSON, Rust, Rasa or Markdown would read as something else.
const TRICKY: &[&str] = &[
    "yes",
    "no",
    "null",
    "~",
    "true",
    "on",
    "off",
    "1_000",
    "0x1F",
    "2026-11-24",
    "{{ }}",
    "{}",
    "{ }",
    "\"#",
    "r#\"",
    "*/",
    "/*",
    ": ",
    " #",
    "${HOME}",
    "[a](b)",
    "[a]{\"e\":1}",
    "---",
    "...",
    "- x",
    "? y",
    "<<",
    "=",
    "&a",
    "*a",
    "!tag",
    "|",
    ">",
    "%s",
    "{0}",
    "\\u{41}",
    "\\n",
    "'",
    "''",
    "\"\"\"",
    "\u{202E}abc\u{202C}",
    " lead",
    "trail ",
    "\r\n",
    "\n\n",
    "\t",
];

fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::sample::select(NASTY),
        1 => any::<char>(),
    ]
}

/// One adversarial text (any characters; it may be empty or blank).
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        2 => proptest::collection::vec(nasty_char(), 1..12).prop_map(|c| c.into_iter().collect::<String>()),
        1 => proptest::sample::select(TRICKY).prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 1..4).prop_map(|p| p.concat())
}

/// A text and whether to write it as a `"""` block.
fn written() -> impl Strategy<Value = (String, bool)> {
    (text(), any::<bool>())
}

// ---------------------------------------------------------------------------
// Writing a spec
// ---------------------------------------------------------------------------

/// Escapes one character of string content: what must be escaped is, the
/// rest stays raw (tabs, Chinese, emoji).
fn escape(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '{' => out.push_str("{{"),
        '}' => out.push_str("}}"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        '\t' => out.push('\t'),
        c if c.is_control() || callc::syntax::is_bidi_control(c) || callc::syntax::is_invisible(c) => {
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// The source of a string whose value is `text`, at indentation `indent`,
/// with line breaks `nl` (a block's own line breaks are `nl` too).
fn literal(text: &str, block: bool, indent: &str, nl: &str) -> String {
    let mut out = String::new();
    if !block {
        out.push('"');
        for c in text.chars() {
            escape(c, &mut out);
        }
        out.push('"');
        return out;
    }
    // Each line of the value on its own line of the block; a leading space or
    // tab is escaped so that dedenting (common indentation) leaves it alone.
    out.push_str("\"\"\"");
    out.push_str(nl);
    for line in text.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str("  ");
        }
        for (i, c) in line.chars().enumerate() {
            match c {
                ' ' if i == 0 => out.push_str("\\u{20}"),
                '\t' if i == 0 => out.push_str("\\t"),
                c => escape(c, &mut out),
            }
        }
        out.push_str(nl);
    }
    out.push_str(indent);
    out.push_str("  \"\"\"");
    out
}

/// A text and whether it is written as a `"""` block.
type Written = (String, bool);

/// A generated spec: its texts by role, and whether the file uses CRLF.
#[derive(Debug, Clone)]
struct Gen {
    crlf: bool,
    title: (String, bool),
    caller_name: (String, bool),
    knows: Vec<(String, bool)>,
    concern: (String, bool),
    signal: (String, bool),
    opening: (String, bool),
    steps: Vec<(Written, Vec<Written>)>,
    faq: Vec<(Vec<Written>, Written)>,
    when: ((String, bool), (String, bool)),
    closing: (String, bool),
    /// The constructs of calls that listen (none for the generators that
    /// test other targets).
    listen: Listen,
}

// ---------------------------------------------------------------------------
// Calls that listen: first speaker, silence timeout, events,
// `continue`, captures of every type, retries, a transfer, `requires`
// ---------------------------------------------------------------------------

/// Where a generated transition leads: a step (its index modulo the number
/// of steps), `end(结束)`, or the transfer (`end(结束)` when there is none).
#[derive(Debug, Clone, Copy)]
enum Dest {
    Step(u8),
    End,
    Transfer,
}

/// The capture types, as written: each type and its bounds or values.
const KINDS: &[&str] = &[
    "text",
    "email",
    "phone",
    "date",
    "yes_no",
    "integer",
    "integer(1..500)",
    "integer(0..)",
    "integer(..9)",
    "one_of(standard, premium)",
    "one_of(是, 否, 也许)",
    "one_of(a_b, c)",
];

#[derive(Debug, Clone)]
struct CaptureGen {
    kind: usize,
    optional: bool,
    description: Written,
}

#[derive(Debug, Clone, Default)]
struct StepListen {
    /// `continue` (then the step has no capture, retry or silence branch).
    go_on: bool,
    captures: Vec<CaptureGen>,
    retry: Option<(u8, Dest)>,
    silence: Option<Dest>,
    hangup: bool,
}

#[derive(Debug, Clone)]
struct TransferGen {
    title: Option<Written>,
    say: Written,
    to: Option<Written>,
    fallback: Option<Dest>,
    requires: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
struct Listen {
    caller_first: bool,
    silence_timeout: Option<u32>,
    voicemail: Option<u8>,
    no_answer: bool,
    hangup: bool,
    silence: Option<Dest>,
    steps: Vec<StepListen>,
    transfer: Option<TransferGen>,
    when_requires: Vec<u8>,
}

fn dest() -> impl Strategy<Value = Dest> {
    prop_oneof![any::<u8>().prop_map(Dest::Step), Just(Dest::End), Just(Dest::Transfer)]
}

/// A target that is no transfer (a retry's, a fallback).
fn plain_dest() -> impl Strategy<Value = Dest> {
    prop_oneof![any::<u8>().prop_map(Dest::Step), Just(Dest::End)]
}

fn listen<S: Strategy<Value = Written> + 'static>(text: fn() -> S) -> impl Strategy<Value = Listen> {
    let capture = (0..KINDS.len(), any::<bool>(), text()).prop_map(|(kind, optional, description)| CaptureGen {
        kind,
        optional,
        description,
    });
    let step = (
        any::<bool>(),
        proptest::collection::vec(capture, 0..3),
        proptest::option::of((1u8..=9, plain_dest())),
        proptest::option::of(dest()),
        any::<bool>(),
    )
        .prop_map(|(go_on, captures, retry, silence, hangup)| StepListen {
            go_on,
            captures,
            retry,
            silence,
            hangup,
        });
    let transfer = (
        proptest::option::of(text()),
        text(),
        proptest::option::of(text()),
        proptest::option::of(plain_dest()),
        proptest::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(title, say, to, fallback, requires)| TransferGen {
            title,
            say,
            to,
            fallback,
            requires,
        });
    (
        (
            any::<bool>(),
            proptest::option::of(1u32..=600),
            proptest::option::of(any::<u8>()),
        ),
        (any::<bool>(), any::<bool>(), proptest::option::of(dest())),
        proptest::collection::vec(step, 0..3),
        proptest::option::of(transfer),
        proptest::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(
            |(
                (caller_first, silence_timeout, voicemail),
                (no_answer, hangup, silence),
                steps,
                transfer,
                when_requires,
            )| {
                Listen {
                    caller_first,
                    silence_timeout,
                    voicemail,
                    no_answer,
                    hangup,
                    silence,
                    steps,
                    transfer,
                    when_requires,
                }
            },
        )
}

impl Listen {
    /// The steps' extras, one per step (missing ones are plain steps).
    fn step(&self, i: usize) -> StepListen {
        self.steps.get(i).cloned().unwrap_or_default()
    }

    /// The ids of the captures, in source order: step by step.
    fn capture_ids(&self, steps: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for i in 0..steps {
            let s = self.step(i);
            if !s.go_on {
                for _ in &s.captures {
                    let n = ids.len();
                    ids.push(if n % 2 == 0 {
                        format!("cap{n}")
                    } else {
                        format!("邮箱{n}")
                    });
                }
            }
        }
        ids
    }

    /// `requires` of generated capture indices (deduplicated, in order).
    fn requires(&self, picks: &[u8], steps: usize) -> Option<String> {
        let ids = self.capture_ids(steps);
        if ids.is_empty() {
            return None;
        }
        let mut chosen: Vec<&str> = Vec::new();
        for &p in picks {
            let id = ids[usize::from(p) % ids.len()].as_str();
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        (!chosen.is_empty()).then(|| format!("requires {}", chosen.join(", ")))
    }

    fn target(&self, d: Dest, steps: usize) -> String {
        match d {
            Dest::Step(k) => format!("步骤{}", usize::from(k) % steps),
            Dest::Transfer if self.transfer.is_some() => String::from("transfer(转接0)"),
            Dest::End | Dest::Transfer => String::from("end(结束)"),
        }
    }
}

fn spec() -> impl Strategy<Value = Gen> {
    let step = (written(), proptest::collection::vec(written(), 1..4));
    let qa = (proptest::collection::vec(written(), 1..3), written());
    (
        (
            any::<bool>(),
            written(),
            written(),
            proptest::collection::vec(written(), 0..3),
        ),
        (written(), written(), written()),
        proptest::collection::vec(step, 1..4),
        proptest::collection::vec(qa, 0..3),
        (written(), written(), written()),
    )
        .prop_map(
            |((crlf, title, caller_name, knows), (concern, signal, opening), steps, faq, (w1, w2, closing))| Gen {
                crlf,
                title,
                caller_name,
                knows,
                concern,
                signal,
                opening,
                steps,
                faq,
                when: (w1, w2),
                closing,
                listen: Listen::default(),
            },
        )
}

impl Gen {
    /// The spec as source text.
    fn source(&self) -> String {
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let lit = |(t, b): &(String, bool), indent: &str| literal(t, *b, indent, nl);
        let mut s = String::new();
        let mut line = |depth: usize, text: &str| {
            s.push_str(&"  ".repeat(depth));
            s.push_str(text);
            s.push_str(nl);
        };
        line(0, "// 生成的规格 · generated");
        line(0, "call 生成 {");
        line(1, "locale \"zh-CN\"");
        let listen = &self.listen;
        let n = self.steps.len();
        if listen.caller_first {
            line(1, "first_speaker caller");
        }
        if let Some(t) = listen.silence_timeout {
            line(1, &format!("silence_timeout {t}"));
        }
        line(1, &format!("title {}", lit(&self.title, "  ")));
        line(1, "caller 李明 {");
        line(2, &format!("name {}", lit(&self.caller_name, "    ")));
        line(2, "knows {");
        for (i, k) in self.knows.iter().enumerate() {
            line(3, &format!("k{i} {}", lit(k, "      ")));
        }
        line(2, "}");
        line(1, "}");
        line(1, "callee 张强 {");
        line(2, "name \"张强\"");
        line(2, &format!("concern 价格 primary {}", lit(&self.concern, "    ")));
        line(1, "}");
        line(1, &format!("signal 忙 {}", lit(&self.signal, "  ")));
        line(1, &format!("opening {}", lit(&self.opening, "  ")));
        line(1, "flow {");
        line(2, "on 忙 -> end(结束)");
        if let Some(k) = listen.voicemail {
            line(2, &format!("on voicemail -> 步骤{}", usize::from(k) % n));
        }
        if listen.no_answer {
            line(2, "on no_answer -> end(结束)");
        }
        if listen.hangup {
            line(2, "on hangup -> end(结束)");
        }
        if let Some(d) = listen.silence {
            line(2, &format!("on silence -> {}", listen.target(d, n)));
        }
        let capture_ids = listen.capture_ids(n);
        let mut next_capture = 0;
        for (i, (title, says)) in self.steps.iter().enumerate() {
            let covers = if i == 0 { " covers 价格" } else { "" };
            line(2, &format!("step 步骤{i} {}{covers} {{", lit(title, "    ")));
            for say in says {
                line(3, &format!("say {}", lit(say, "      ")));
            }
            let extra = listen.step(i);
            if extra.go_on {
                line(3, "continue");
            } else {
                for c in &extra.captures {
                    let optional = if c.optional { " optional" } else { "" };
                    let id = &capture_ids[next_capture];
                    next_capture += 1;
                    line(
                        3,
                        &format!(
                            "capture {id} {}{optional} {}",
                            KINDS[c.kind],
                            lit(&c.description, "      ")
                        ),
                    );
                }
                if let Some(d) = extra.silence {
                    line(3, &format!("on silence -> {}", listen.target(d, n)));
                }
                if let Some((max, d)) = extra.retry {
                    line(3, &format!("retry {max} -> {}", listen.target(d, n)));
                }
            }
            if extra.hangup {
                line(3, "on hangup -> end");
            }
            line(2, "}");
        }
        line(1, "}");
        line(1, "faq {");
        for (i, (questions, answer)) in self.faq.iter().enumerate() {
            line(2, &format!("qa 问{i} {{"));
            for q in questions {
                line(3, &format!("q {}", lit(q, "      ")));
            }
            line(3, &format!("a {}", lit(answer, "      ")));
            line(2, "}");
        }
        line(1, "}");
        line(1, "end {");
        let requires = listen
            .requires(&listen.when_requires, n)
            .map_or(String::new(), |r| format!(" {r}"));
        line(
            2,
            &format!(
                "when 结束 {} callee {}{requires}",
                lit(&self.when.0, "    "),
                lit(&self.when.1, "    ")
            ),
        );
        if let Some(t) = &listen.transfer {
            let title = t
                .title
                .as_ref()
                .map_or(String::new(), |w| format!(" {}", lit(w, "    ")));
            line(2, &format!("transfer 转接0{title} {{"));
            line(3, &format!("say {}", lit(&t.say, "      ")));
            if let Some(to) = &t.to {
                line(3, &format!("to {}", lit(to, "      ")));
            }
            if let Some(d) = t.fallback {
                line(3, &format!("fallback {}", listen.target(d, n)));
            }
            if let Some(r) = listen.requires(&t.requires, n) {
                line(3, &r);
            }
            line(2, "}");
        }
        line(2, &format!("closing {}", lit(&self.closing, "    ")));
        line(1, "}");
        line(0, "}");
        s
    }

    /// Every generated text.
    fn texts(&self) -> Vec<&str> {
        let mut out = vec![
            self.title.0.as_str(),
            &self.caller_name.0,
            &self.concern.0,
            &self.signal.0,
            &self.opening.0,
            &self.when.0.0,
            &self.when.1.0,
            &self.closing.0,
        ];
        out.extend(self.knows.iter().map(|k| k.0.as_str()));
        for (title, says) in &self.steps {
            out.push(&title.0);
            out.extend(says.iter().map(|s| s.0.as_str()));
        }
        for (questions, answer) in &self.faq {
            out.extend(questions.iter().map(|q| q.0.as_str()));
            out.push(&answer.0);
        }
        out
    }
}

/// Compiles a generated spec, which must have no error.
fn compile(source: &str) -> callc::Compiled {
    let c = callc::compile("generated.call", source.as_bytes(), &LintLevels::default());
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "errors: {errors:#?}\n{source}");
    c
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // The cases live in the test: a failure prints the minimal spec.
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Every text comes back exactly from the JSON target.
    #[test]
    fn json_keeps_every_text(g in spec()) {
        let source = g.source();
        let c = compile(&source);
        let json = emit::json::emit(c.spec.as_ref().unwrap());
        let back: CallSpec = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.title.as_deref(), Some(g.title.0.as_str()));
        prop_assert_eq!(&back.caller.name.text, &g.caller_name.0);
        let knows: Vec<&str> = back.caller.knows.iter().map(|e| e.value.text.as_str()).collect();
        prop_assert_eq!(knows, g.knows.iter().map(|k| k.0.as_str()).collect::<Vec<_>>());
        prop_assert_eq!(&back.callees[0].concerns[0].text.text, &g.concern.0);
        prop_assert_eq!(back.signals[0].description.as_ref().map(|t| t.text.as_str()), Some(g.signal.0.as_str()));
        prop_assert_eq!(back.opening.as_ref().map(|t| t.text.as_str()), Some(g.opening.0.as_str()));
        prop_assert_eq!(back.flow.steps.len(), g.steps.len());
        for (step, (title, says)) in back.flow.steps.iter().zip(&g.steps) {
            prop_assert_eq!(step.title.as_deref(), Some(title.0.as_str()));
            prop_assert_eq!(&texts(&step.say), &says.iter().map(|s| s.0.clone()).collect::<Vec<_>>());
        }
        for (qa, (questions, answer)) in back.faq.iter().zip(&g.faq) {
            prop_assert_eq!(&texts(&qa.questions), &questions.iter().map(|q| q.0.clone()).collect::<Vec<_>>());
            prop_assert_eq!(&qa.answer.text, &answer.0);
        }
        let when = &back.end.conditions[0];
        prop_assert_eq!(when.caller.as_ref().map(|t| t.text.as_str()), Some(g.when.0.0.as_str()));
        prop_assert_eq!(when.callee.as_ref().map(|t| t.text.as_str()), Some(g.when.1.0.as_str()));
        prop_assert_eq!(&back.end.closing.text, &g.closing.0);
    }

    /// Every line the agent says comes back exactly from the Rasa domain's
    /// responses, once the braces doubled for Rasa's templates (and the word
    /// joiner after the `{` of an empty pair) are undone; no response holds
    /// what Rasa's validator rejects (`{\s*}`).
    #[test]
    fn rasa_responses_keep_every_line(g in spec()) {
        let source = g.source();
        let c = compile(&source);
        let spec = c.spec.as_ref().unwrap();
        let files = emit::emit(Target::Rasa, spec);
        let domain = files.iter().find(|f| f.path.ends_with("domain.yml")).unwrap();
        let yaml: serde_json::Value = serde_saphyr::from_str(&domain.contents)
            .unwrap_or_else(|e| panic!("domain.yml does not parse: {e}\n{}", domain.contents));
        let names = Names::new(spec);
        let response = |name: String| -> String {
            let text = yaml["responses"][&name][0]["text"]
                .as_str()
                .unwrap_or_else(|| panic!("no response `{name}`\n{}", domain.contents));
            // `response_text` doubles every brace (Rasa fills `{slot}`) and puts a word
            // joiner after the `{` of an empty pair (Rasa rejects `{\s*}`): undo exactly that.
            let said = text.replace("{{", "{").replace("}}", "}");
            let python_space = |c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c);
            let rejected = said.match_indices('{').any(|(i, _)| said[i + 1..].trim_start_matches(python_space).starts_with('}'));
            assert!(!rejected, "Rasa's validator rejects {text:?}");
            said.replace("{\u{2060}", "{")
        };
        prop_assert_eq!(response(names.name(Name::Opening)), g.opening.0.clone());
        prop_assert_eq!(response(names.name(Name::Closing)), g.closing.0.clone());
        for (i, (_, says)) in g.steps.iter().enumerate() {
            for (j, say) in says.iter().enumerate() {
                prop_assert_eq!(response(names.name(Name::Line { step: i, line: j })), say.0.clone());
            }
        }
        for (q, (_, answer)) in g.faq.iter().enumerate() {
            prop_assert_eq!(response(names.name(Name::Answer(q))), answer.0.clone());
        }
    }

    /// The Rust target parses as Rust, and its string literals decode to
    /// every text of the spec.
    #[test]
    fn rust_literals_decode_to_every_text(g in spec()) {
        let source = g.source();
        let c = compile(&source);
        let files = emit::emit(Target::Rust, c.spec.as_ref().unwrap());
        let rust = &files[0].contents;
        let file = syn::parse_file(rust).unwrap_or_else(|e| panic!("not Rust: {e}\n{rust}"));
        let mut literals = Literals::default();
        syn::visit::visit_file(&mut literals, &file);
        for text in g.texts() {
            prop_assert!(literals.0.contains(text), "{text:?} is not a string literal of the Rust output");
        }
    }
}

/// The `text` of each JSON text (none of the generated specs names a variable).
fn texts(v: &[callc::emit::json::Text]) -> Vec<String> {
    v.iter().map(|t| t.text.clone()).collect()
}

/// The values of every string literal in a Rust file.
#[derive(Default)]
struct Literals(BTreeSet<String>);

impl<'ast> syn::visit::Visit<'ast> for Literals {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.0.insert(lit.value());
    }
}

proptest! {
    #![proptest_config(config())]

    /// The formatter (`callc fmt`): formatting twice changes nothing more,
    /// and the formatted spec means the same (the same JSON, the same
    /// diagnostics). With comments and CRLF, as generated above.
    #[test]
    fn fmt_is_idempotent_and_keeps_the_meaning(g in spec()) {
        let source = g.source();
        let before = compile(&source);
        let once = callc::fmt::format(&source).unwrap_or_else(|e| panic!("fmt refused a valid spec: {e:?}\n{source}"));
        let twice = callc::fmt::format(&once).unwrap_or_else(|e| panic!("fmt refused its own output: {e:?}\n{once}"));
        prop_assert_eq!(&twice, &once, "not idempotent");
        let after = compile(&once);
        let json = |c: &callc::Compiled| emit::json::emit(c.spec.as_ref().unwrap());
        prop_assert_eq!(json(&after), json(&before), "the meaning changed");
        let codes = |c: &callc::Compiled| c.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>();
        prop_assert_eq!(codes(&after), codes(&before), "the diagnostics changed");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A flow parsed in pieces (src/syntax/split.rs) gives exactly the tree
    /// and diagnostics of the whole-file parse, whatever the strings hold
    /// (quotes, braces, escapes, `//`, blocks, CJK, emoji) and with CRLF.
    #[test]
    fn a_flow_parsed_in_pieces_is_the_whole_parse(g in spec()) {
        let source = g.source();
        let whole = format!("{:?}", callc::syntax::parse_in_pieces(&source, usize::MAX));
        let pieces = format!("{:?}", callc::syntax::parse_in_pieces(&source, 1));
        prop_assert_eq!(pieces, whole);
        // The flow is cut after every step (one step: not cut at all, unless
        // that step's body is cut between its statements).
        let steps = g.steps.len();
        let one = usize::from(callc::syntax::step_parts_used(&source, 1) > 0);
        prop_assert_eq!(callc::syntax::pieces_used(&source, 1), if steps > 1 { steps } else { one });
    }
}

/// The generator itself: a CRLF spec with every kind of text compiles with
/// no error and the texts survive (a fixed case, so a broken generator shows
/// here first).
#[test]
fn a_fixed_adversarial_spec_round_trips() {
    let t = |s: &str, block: bool| (s.to_owned(), block);
    let g = Gen {
        crlf: true,
        title: t("标题 \"#{{x}}", false),
        caller_name: t("李\u{202E}明", false),
        knows: vec![t(" lead\n\ttab\r\n\nlast ", true)],
        concern: t("yes", false),
        signal: t("*/ : # ~", true),
        opening: t("您好😀\u{FEFF}\0", false),
        // A block line of a full-width space or U+2028 is text, not a blank line.
        steps: vec![(
            t("步骤", false),
            vec![
                t("a\\b{c}", true),
                t("\n", true),
                t("", false),
                t("\u{3000}", true),
                t("x\n\u{2028}", true),
            ],
        )],
        faq: vec![(vec![t("有试用吗？", false)], t("null", false))],
        when: (t("\"\"\"", true), t("r#\"x\"#", false)),
        closing: t("再见 👨\u{200D}👩", true),
        listen: Listen::default(),
    };
    let source = g.source();
    let c = compile(&source);
    let json = emit::json::emit(c.spec.as_ref().unwrap());
    let back: CallSpec = serde_json::from_str(&json).unwrap();
    assert_eq!(back.caller.knows[0].value.text, " lead\n\ttab\r\n\nlast ");
    assert_eq!(
        texts(&back.flow.steps[0].say),
        ["a\\b{c}", "\n", "", "\u{3000}", "x\n\u{2028}"]
    );
    assert_eq!(
        back.end.conditions[0].caller.as_ref().map(|t| t.text.as_str()),
        Some("\"\"\"")
    );
    assert_eq!(back.caller.name.text, "李\u{202E}明");
}

// ---------------------------------------------------------------------------
// The Markdown target and `callc import` (issue 9)
// ---------------------------------------------------------------------------

/// Pieces of text that Markdown (`CommonMark`, GFM) or the importer would
/// read as structure.
const MARKDOWN_TRICKY: &[&str] = &[
    "```",
    "~~~",
    "```rust\nfn x() {}\n```",
    "# ",
    "## 标题",
    "#",
    "*",
    "**粗**",
    "_斜_",
    "<script>alert(1)</script>",
    "<b>",
    "![x](y)",
    "[a]: b",
    "[a](b)",
    "<http://x.y>",
    "&amp;",
    "&#38;",
    "&lt;",
    "&",
    "\\",
    "\\\\",
    "\\*",
    "1. ",
    "1) ",
    "- ",
    "+ ",
    "> ",
    "* ",
    "=",
    "---",
    "***",
    "| a | b |",
    "|---|",
    "~~删~~",
    "    缩进",
    "\t",
    "•",
    "1、",
    "（1）",
    "一、",
    "第1步",
    "Step 1:",
    "（如忙 → 转到第1步）",
    "→",
    "->",
    "答：",
    "问：",
    "Q: ",
    "结束语：",
    "反面教材：",
    "：",
    ":",
    "，",
    "。",
    "！",
    "？",
    "（",
    "）",
    "【】",
    "《》",
    "张强",
    "续约",
    "😀",
    "👨\u{200D}👩",
    "🇨🇳",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{FEFF}",
    "\r\n",
    "\n",
    "\r",
    "\0",
    "\u{7}",
    "\u{7F}",
    " ",
    "\u{3000}",
    "ａｂ",
    "１２",
];

/// One Markdown-hostile text: not empty, not blank, no quotation marks (a
/// spoken line is written in them) and no run of blank lines (Markdown has
/// one kind of paragraph break) — see docs/import.md.
fn markdown_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(MARKDOWN_TRICKY).prop_map(str::to_owned),
        1 => proptest::collection::vec(nasty_char(), 1..4).prop_map(|c| c.into_iter().collect::<String>()),
    ];
    proptest::collection::vec(piece, 1..5)
        .prop_map(|p| p.concat())
        .prop_filter("quotation marks, blank runs, blank text", |s| {
            let t = s.replace("\r\n", "\n").replace('\r', "\n");
            !s.contains(['"', '“', '”', '「', '」', '『', '』', '＂'])
                && !t.contains("\n\n")
                && !t.starts_with('\n')
                && !t.ends_with('\n')
                && !s.trim().is_empty()
        })
}

fn markdown_written() -> impl Strategy<Value = (String, bool)> {
    (markdown_text(), any::<bool>())
}

/// A generated spec whose every text is Markdown-hostile, with the
/// constructs of calls that listen.
fn markdown_spec() -> impl Strategy<Value = Gen> {
    let step = (markdown_written(), proptest::collection::vec(markdown_written(), 1..3));
    let qa = (proptest::collection::vec(markdown_written(), 1..3), markdown_written());
    (
        (
            any::<bool>(),
            markdown_written(),
            markdown_written(),
            proptest::collection::vec(markdown_written(), 0..3),
        ),
        (markdown_written(), markdown_written(), markdown_written()),
        proptest::collection::vec(step, 1..3),
        proptest::collection::vec(qa, 0..3),
        (markdown_written(), markdown_written(), markdown_written()),
        listen(markdown_written),
    )
        .prop_map(
            |((crlf, title, caller_name, knows), (concern, signal, opening), steps, faq, (w1, w2, closing), listen)| {
                Gen {
                    crlf,
                    title,
                    caller_name,
                    knows,
                    concern,
                    signal,
                    opening,
                    steps,
                    faq,
                    when: (w1, w2),
                    closing,
                    listen,
                }
            },
        )
}

/// The structure a `CommonMark` parser sees in the Markdown target's output:
/// headings (level, text), and every event the target never writes.
fn markdown_structure(md: &str) -> (Vec<(u8, String)>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let l = callc::layout::layout("zh-CN");
    let labels = [l.end_conditions, l.transfers, l.closing, l.avoid, l.prefer];
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS;
    let mut headings = Vec::new();
    let mut unwanted = Vec::new();
    let mut heading: Option<(u8, String)> = None;
    let mut strong: Option<String> = None;
    for event in Parser::new_ext(md, options) {
        match &event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((*level as u8, String::new())),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => {
                let text = strong.take().unwrap_or_default();
                if !labels.contains(&text.as_str()) {
                    unwanted.push(format!("strong {text:?}"));
                }
            }
            Event::Text(t) => {
                if let Some((_, h)) = &mut heading {
                    h.push_str(t);
                }
                if let Some(s) = &mut strong {
                    s.push_str(t);
                }
            }
            Event::Start(Tag::List(_) | Tag::Item | Tag::Paragraph)
            | Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::Paragraph)
            | Event::SoftBreak
            | Event::HardBreak => {}
            other => unwanted.push(format!("{other:?}")),
        }
    }
    (headings, unwanted)
}

proptest! {
    #![proptest_config(config())]

    /// The Markdown target's escaping (`emit::markdown::text`): whatever the
    /// texts hold (fences, `#`, `*`, HTML, images, link definitions, entities,
    /// backslashes, list and quote markers, table pipes, the importer's own
    /// markers and labels, CJK, full-width punctuation, emoji, bidi controls,
    /// CR and CRLF), a real `CommonMark` parser sees exactly the headings the
    /// layout intends and nothing the target does not write (no HTML, image,
    /// link, code, rule, quote, table or emphasis); and `callc import` reads
    /// every text back exactly.
    #[test]
    fn markdown_keeps_its_structure_and_imports_back_exactly(g in markdown_spec()) {
        let source = g.source();
        let c = compile(&source);
        let spec = c.spec.as_ref().unwrap();
        let md = emit::markdown::render(spec);
        let (headings, unwanted) = markdown_structure(&md);
        prop_assert!(unwanted.is_empty(), "unwanted Markdown {unwanted:?} in\n{md}");
        let l = callc::layout::layout("zh-CN");
        // CommonMark reads a NUL (raw or as a reference) as U+FFFD.
        let title = g.title.0.replace('\0', "\u{FFFD}");
        prop_assert_eq!(&headings[0], &(1u8, title), "{}", md);
        let parties: Vec<&str> = headings.iter().filter(|h| h.0 <= 2).skip(1).map(|h| h.1.as_str()).collect();
        prop_assert_eq!(parties, [l.caller, l.callee], "{}", md);
        let sections = [l.role, l.task, l.knows, l.flow, l.faq, l.opening, l.ending, l.background, l.concerns, l.behavior, l.style, l.callee_end];
        for (level, text) in headings.iter().filter(|h| h.0 > 2) {
            prop_assert!(*level == 3 && sections.contains(&text.as_str()), "heading {level} {text:?} in\n{md}");
        }

        let imported = callc::import::import(&md);
        let call = imported.call.clone().unwrap_or_else(|| panic!("{:#?}\n{md}", imported.diagnostics));
        let again = callc::compile("imported.call", call.as_bytes(), &LintLevels::default());
        let errors: Vec<String> = again.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{} {}", d.code.as_str(), d.message)).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{md}\n{call}");
        let back: CallSpec = serde_json::from_str(&emit::json::emit(again.spec.as_ref().unwrap())).unwrap();
        prop_assert_eq!(back.title.as_deref(), Some(g.title.0.as_str()), "{}", md);
        prop_assert_eq!(&back.caller.name.text, &g.caller_name.0, "{}", md);
        let knows: Vec<&str> = back.caller.knows.iter().map(|e| e.value.text.as_str()).collect();
        prop_assert_eq!(knows, g.knows.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(), "{}", md);
        prop_assert_eq!(&back.callees[0].concerns[0].text.text, &g.concern.0, "{}", md);
        prop_assert_eq!(back.opening.as_ref().map(|t| t.text.as_str()), Some(g.opening.0.as_str()), "{}", md);
        prop_assert_eq!(back.flow.steps.len(), g.steps.len(), "{}", md);
        for (step, (title, says)) in back.flow.steps.iter().zip(&g.steps) {
            prop_assert_eq!(step.title.as_deref(), Some(title.0.as_str()), "{}", md);
            prop_assert_eq!(&texts(&step.say), &says.iter().map(|s| s.0.clone()).collect::<Vec<_>>(), "{}", md);
        }
        prop_assert_eq!(back.faq.len(), g.faq.len(), "{}", md);
        for (qa, (questions, answer)) in back.faq.iter().zip(&g.faq) {
            prop_assert_eq!(&texts(&qa.questions), &questions.iter().map(|q| q.0.clone()).collect::<Vec<_>>(), "{}", md);
            prop_assert_eq!(&qa.answer.text, &answer.0, "{}", md);
        }
        let when = &back.end.conditions[0];
        prop_assert_eq!(when.caller.as_ref().map(|t| t.text.as_str()), Some(g.when.0.0.as_str()), "{}", md);
        prop_assert_eq!(when.callee.as_ref().map(|t| t.text.as_str()), Some(g.when.1.0.as_str()), "{}", md);
        prop_assert_eq!(&back.end.closing.text, &g.closing.0, "{}", md);
        // What makes the call listen means the same after the round trip.
        prop_assert_eq!(listening(again.spec.as_ref().unwrap()), listening(spec), "{}\n{}", md, call);
    }
}

/// What a spec says about listening, independent of ids the importer
/// derives again: who speaks first, the silence timeout, the events, each
/// step's waiting, captures and retry, the transfers and what the first end
/// condition requires. Targets as a step's index, `end`, or a transfer's
/// name (its title, else its id, as the Markdown names it).
fn listening(s: &callc::ir::Spec) -> String {
    use callc::ir::{On, Target};
    let target = |t: Target| match t {
        Target::Step(i) => format!("step {i}"),
        Target::End(_) => String::from("end"),
        Target::Transfer(k) => {
            let t = &s.transfers[k];
            format!("transfer {:?}", t.title.as_deref().unwrap_or(&t.id))
        }
    };
    let events = |branches: &mut dyn Iterator<Item = &callc::ir::Branch>| -> Vec<String> {
        branches
            .filter_map(|b| match b.on {
                On::Event(e) => Some(format!("{} -> {}", e.as_str(), target(b.target))),
                On::Signal(_) => None,
            })
            .collect()
    };
    let ids = |v: &[usize]| v.iter().map(|&c| s.captures[c].id.clone()).collect::<Vec<_>>();
    let mut out = format!(
        "{:?} silence {} {}\nglobal {:?}\n",
        s.first_speaker,
        s.silence_timeout,
        s.silence_timeout_explicit,
        events(&mut s.global_branches.iter())
    );
    for (i, step) in s.steps.iter().enumerate() {
        let captures: Vec<String> = step
            .captures
            .iter()
            .map(|&c| {
                let c = &s.captures[c];
                format!("{} {:?} {} {:?}", c.id, c.kind, c.optional, c.description)
            })
            .collect();
        let _ = writeln!(
            out,
            "step {i} waits {} {captures:?} retry {:?} {:?}",
            step.waits,
            step.retry.map(|r| (r.max, target(r.then))),
            events(&mut step.branches.iter())
        );
    }
    for t in &s.transfers {
        let _ = writeln!(
            out,
            "transfer {:?} {:?} {:?} -> {} requires {:?}",
            t.title.as_deref().unwrap_or(&t.id),
            t.say,
            t.to,
            target(t.fallback),
            ids(&t.requires)
        );
    }
    let _ = write!(out, "end requires {:?}", s.ends.first().map(|e| ids(&e.requires)));
    out
}

proptest! {
    #![proptest_config(config())]

    /// Whatever a text holds — also what the round trip above leaves out
    /// (quotation marks, runs of blank lines, blank texts) and any Unicode
    /// scalar — a `CommonMark` parser sees only the layout's structure.
    #[test]
    fn markdown_structure_holds_for_any_text(g in spec()) {
        let c = compile(&g.source());
        let md = emit::markdown::render(c.spec.as_ref().unwrap());
        let (headings, unwanted) = markdown_structure(&md);
        prop_assert!(unwanted.is_empty(), "unwanted Markdown {unwanted:?} in\n{md}");
        let l = callc::layout::layout("zh-CN");
        let parties: Vec<&str> = headings.iter().filter(|h| h.0 == 2).map(|h| h.1.as_str()).collect();
        prop_assert_eq!(parties, [l.caller, l.callee], "{}", md);
        prop_assert!(headings.iter().all(|h| h.0 >= 2 || h == &headings[0]), "{:?}", headings);
        // And what the importer writes from it always checks without a syntax error
        // or a raw bidi control (W0210 deny).
        let imported = callc::import::import(&md);
        let call = imported.call.unwrap();
        let again = callc::compile("imported.call", call.as_bytes(), &LintLevels::default());
        let bad: Vec<String> = again.diagnostics.iter().filter(|d| matches!(d.code.as_str(), "E0001" | "W0210")).map(|d| d.message.clone()).collect();
        prop_assert!(bad.is_empty(), "{bad:#?}\n{md}\n{call}");
    }
}
