//! The `vapi` target: a checked [`ir::Spec`] → a directory in the layout of
//! Vapi GitOps (`github.com/VapiAI/gitops`, `resources/<org>/`): the
//! assistant as Markdown with a YAML header, its structured outputs, and
//! its simulations (personalities, scenarios, simulations, a suite) built
//! from the scenario set ([`scenarios::model`]).
//!
//! Vapi's assistant is one prompt: no flow nodes. The header holds what
//! Vapi does by itself — the first message and who speaks first, the end-call
//! phrase (the closing), a hook that tells the model about a silence, the
//! transfer and end-call tools, the captures as structured outputs, the
//! per-call variables in `metadata` — and the body is the caller's prompt
//! ([`prompt::caller`]) followed by the script ([`prompt::script`]).
//!
//! Vapi fills variables with `LiquidJS` in the assistant's text fields; every
//! text callc writes goes through [`Liquid`], this target's one escaping
//! function: a literal `{{`/`{%` comes back exactly, each variable is
//! `{{ name }}`. Names come from [`vapi_names`], the one naming function.
//! Pure and deterministic; docs/targets/vapi.md documents the mapping.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::prompt::{self, Template};
use super::{Approximation, EmitError, OutputFile, Vendor, rasa};
use crate::ir::{self, Language, Need, VarRef};
use crate::names::transliterate;

mod sim;

pub use sim::left_out;

/// The package this target's output is checked against in CI.
pub const CHECKED_AGAINST: Vendor = Vendor {
    package: "vapi-server-sdk",
    version: "3.0.0",
    requirements: "tests/e2e/vapi/requirements.txt",
};

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// target says what it does with it (docs/ARCHITECTURE.md, "How to add a
/// statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,                       // the resource names (`Names::call`), the suite's name when there is no title
        title: _,                    // the assistant's and the suite's `name` (at most 40 UTF-16 units)
        locale: _,                   // the prompts' words (`crate::layout`), the simulations' words
        caller: _,                   // the prompt (`prompt::caller`); the scenarios say who calls
        callees: _,                  // one personality each (via the scenario set)
        concerns: _,                 // each personality's prompt (via the scenario set)
        signals: _,                  // the script's branch notes; the scenarios' instructions (examples)
        vars: _,                     // `{{ name }}` in every text; `metadata.variables`; each scenario's `variableValues`
        opening: _,                  // `firstMessage`
        steps: _,                    // the script (`prompt::script`)
        global_branches: _,          // the script, before the steps
        faq: _,                      // the prompt's FAQ section
        ends: _,                     // the prompt's ending; the `outcome` structured output's values
        closing: _,                  // the prompt's ending; `endCallPhrases`
        first_speaker: _,            // `firstMessageMode`; the personalities' `firstMessageMode`
        silence_timeout: _,          // the `customer.speech.timeout` hook, when a branch is taken on silence
        silence_timeout_explicit: _, // the wait rule
        transfers: _,                // the script; the `transferCall` tool's destinations; outcomes
        captures: _,                 // the script's notes; a structured output each (value, and whether given)
    },
    ir::Party {
        id: _,         // the personality's resource name
        name: _,       // the prompts (caller); the personality's name and prompt (callee)
        gender: _,     // the prompts
        age: _,        // the prompts
        org: _,        // the prompts
        role: _,       // the prompts
        persona: _,    // the prompts
        task: _,       // the caller's prompt
        knows: _,      // the caller's prompt
        background: _, // the personality's prompt
        behavior: _,   // the personality's prompt
        style: _,      // the personality's prompt
        concerns: _,   // the personality's prompt
        extends: _,    // each personality is whole (the scenario set fills in what it inherits)
    },
    ir::Style {
        note: _,   // the personality's prompt
        avoid: _,  // the personality's prompt
        prefer: _, // the personality's prompt
    },
    ir::Step {
        id: _,            // the prompts name no ids
        title: _,         // the script
        lines: _,         // the script, quoted; the scenarios' instructions
        covers: _,        // the caller is not told the callee's concerns
        next: _,          // the script, when written and not the default
        next_explicit: _, // the script
        branches: _,      // the script
        overrides: _,     // the step's own branch is the one written
        waits: _,         // the script: the `continue` note
        captures: _,      // the script: a capture note each
        retry: _,         // the script: the retry note
    },
    ir::Branch {
        on: _,     // the script
        target: _, // the script
    },
    ir::Qa {
        id: _,        // the prompts name no ids
        questions: _, // the prompt's FAQ
        answer: _,    // the prompt's FAQ
        covers: _,    // the caller is not told the callee's concerns
    },
    ir::Concern {
        id: _,    // the prompts name no ids
        steps: _, // the callee does not see the script
        faq: _,   // the callee does not see the script
    },
    ir::Signal {
        id: _,          // the script, when it has no description
        description: _, // the script's notes; the scenarios' instructions
        examples: _,    // the scenarios' instructions
    },
    ir::EndCondition {
        id: _,       // the `outcome` value's name
        caller: _,   // the prompt's ending; the `outcome` description
        callee: _,   // the scenarios' instructions
        requires: _, // the script's requires notes
    },
| {};

/// The same for the parts of "calls that listen".
#[rustfmt::skip]
const _: fn(&ir::Transfer, &ir::Capture, &ir::Retry, &ir::Var) = |
    ir::Transfer {
        id: _,       // the outcome's name; the script when there is no title
        title: _,    // the script; the destination's description
        say: _,      // the script; the destination's `message`
        to: _,       // the script; a `number` or `sip` destination when it is one
        fallback: _, // the script's note
        requires: _, // the script's requires note
    },
    ir::Capture {
        id: _,          // the script's note; the structured outputs' names
        kind: _,        // the script's note; the structured output's schema
        optional: _,    // the script's note; whether a scenario expects it given
        description: _, // the script's note; the structured outputs' descriptions
        step: _,        // the note is in that step
    },
    ir::Retry {
        max: _,  // the script's note
        then: _, // the script's note
    },
    ir::Var {
        id: _,          // `metadata.variables[].id`; the Liquid name (`Names::var`)
        kind: _,        // `metadata.variables[].type`; how a default is said
        need: _,        // `metadata.variables[].need`; a default is Liquid's `default` filter
        example: _,     // `metadata.variables[].example`; the scenarios' `variableValues`
        pii: _,         // `metadata.variables[].pii`
        description: _, // `metadata.variables[].description`
    },
| {};

/// "checked against vapi-server-sdk 3.0.0": recorded in every file.
#[must_use]
pub fn checked_against() -> String {
    format!(
        "checked against {} {}",
        CHECKED_AGAINST.package, CHECKED_AGAINST.version
    )
}

/// The model written into the assistant and the personalities: Vapi's own
/// default (the model Vapi uses when none is given), to be chosen by the
/// user (docs/targets/vapi.md).
const MODEL: (&str, &str) = ("openai", "gpt-4.1");

/// The longest `name` Vapi takes (GitOps' `validate` refuses longer ones),
/// in UTF-16 code units.
pub const NAME_MAX: usize = 40;

/// The longest name [`vapi_names`] gives (file names, Liquid variables).
pub const MAX_NAME: usize = 64;

/// The seconds Vapi's `customer.speech.timeout` hook can wait.
pub const SILENCE_RANGE: (u32, u32) = (2, 1000);

/// The outcome of a call that ends by a plain `end` (no end condition).
pub const PLAIN_END: &str = "end";

/// Names no Liquid variable may take: Liquid's literals and loop objects,
/// and the variables Vapi fills itself (`{{now}}`, `{{customer.number}}`…).
pub const VAR_RESERVED: &[&str] = &[
    "true",
    "false",
    "nil",
    "null",
    "empty",
    "blank",
    "forloop",
    "tablerowloop",
    "now",
    "date",
    "time",
    "month",
    "day",
    "year",
    "customer",
    "call",
    "transport",
    "assistant",
    "phone_number",
];

/// File names some systems refuse (Windows' device names).
const FILE_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The one naming function of this target: a name for each key, derived
/// from [`transliterate`] (the crate's naming function: pinyin for Chinese,
/// `snake_case`), as Vapi and GitOps take names: `[a-z_][a-z0-9_]*` (a
/// `LiquidJS` identifier, a GitOps resource id, a file name), at most
/// [`MAX_NAME`] characters, never one of `reserved`, unique among the keys
/// (a later key that would repeat a name gets `_2`, `_3`, …, in order).
#[must_use]
pub fn vapi_names<S: AsRef<str>>(keys: &[S], reserved: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
    let mut next: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let ascii: String = transliterate(key.as_ref())
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let base = cut_ascii(&ascii, MAX_NAME);
        let mut name = base.clone();
        if taken.contains(&name) {
            let n = next.entry(base.clone()).or_insert(2);
            loop {
                let suffix = format!("_{n}");
                *n += 1;
                name = format!("{}{suffix}", cut_ascii(&base, MAX_NAME - suffix.len()));
                if !taken.contains(&name) {
                    break;
                }
            }
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

/// The first `max` bytes of an ASCII name.
fn cut_ascii(s: &str, max: usize) -> String {
    s.get(..max).unwrap_or(s).to_owned()
}

/// The names of everything the output names (see [`vapi_names`]).
#[derive(Debug, Clone)]
pub struct Names {
    call: String,
    vars: Vec<String>,
    captures: Vec<String>,
    callees: Vec<String>,
    ends: Vec<String>,
    transfers: Vec<String>,
}

impl Names {
    /// The names of a spec.
    #[must_use]
    pub fn new(spec: &ir::Spec) -> Self {
        let call = vapi_names(&[&spec.id], FILE_RESERVED).pop().unwrap_or_default();
        let ids = |v: Vec<&str>, reserved: &[&str]| vapi_names(&v, reserved);
        let mut outcome_reserved: Vec<&str> = FILE_RESERVED.to_vec();
        outcome_reserved.push(PLAIN_END);
        let outcome_keys: Vec<String> = spec
            .ends
            .iter()
            .map(|e| e.id.clone())
            .chain(spec.transfers.iter().map(|t| format!("transfer {}", t.id)))
            .collect();
        let mut outcomes = vapi_names(&outcome_keys, &outcome_reserved);
        let transfers = outcomes.split_off(spec.ends.len());
        Names {
            call,
            vars: ids(spec.vars.iter().map(|v| v.id.as_str()).collect(), VAR_RESERVED),
            captures: ids(spec.captures.iter().map(|c| c.id.as_str()).collect(), FILE_RESERVED),
            callees: ids(spec.callees.iter().map(|p| p.id.as_str()).collect(), FILE_RESERVED),
            ends: outcomes,
            transfers,
        }
    }

    /// The call's name: the assistant's file and resource id, the folder of
    /// its other resources.
    #[must_use]
    pub fn call(&self) -> &str {
        &self.call
    }

    /// The Liquid name of the variable at `index` in [`ir::Spec::vars`].
    #[must_use]
    pub fn var(&self, index: usize) -> &str {
        self.vars.get(index).map_or("", String::as_str)
    }

    /// The name of the capture at `index` in [`ir::Spec::captures`].
    #[must_use]
    pub fn capture(&self, index: usize) -> &str {
        self.captures.get(index).map_or("", String::as_str)
    }

    /// The name of the callee at `index` in [`ir::Spec::callees`].
    #[must_use]
    pub fn callee(&self, index: usize) -> &str {
        self.callees.get(index).map_or("", String::as_str)
    }

    /// The `outcome` value of the end condition at `index`.
    #[must_use]
    pub fn end(&self, index: usize) -> &str {
        self.ends.get(index).map_or("", String::as_str)
    }

    /// The `outcome` value of the transfer at `index`.
    #[must_use]
    pub fn transfer(&self, index: usize) -> &str {
        self.transfers.get(index).map_or("", String::as_str)
    }

    /// The assistant's resource id.
    #[must_use]
    pub fn assistant_id(&self) -> String {
        self.call.clone()
    }

    /// The resource id of the `outcome` structured output.
    #[must_use]
    pub fn outcome_id(&self) -> String {
        format!("{}/outcome", self.call)
    }

    /// The resource id of the structured output holding a capture's value.
    #[must_use]
    pub fn capture_id(&self, index: usize) -> String {
        format!("{}/captures/{}", self.call, self.capture(index))
    }

    /// The resource id of the structured output saying whether a capture
    /// was given.
    #[must_use]
    pub fn given_id(&self, index: usize) -> String {
        format!("{}/given/{}", self.call, self.capture(index))
    }
}

/// The Liquid markup that renders as nothing: put before a text that is
/// one `{{ name }}`, which GitOps would otherwise take for one of its own
/// managed variables (see [`gitops_safe`]).
pub const EMPTY_RAW: &str = "{% raw %}{% endraw %}";

/// This target's one escaping function: texts as `LiquidJS` templates, the
/// syntax Vapi fills variables with.
///
/// - A variable is `{{ name }}`; one with a default is `{{ name | default:
///   "…" }}`, the default as it is said (`8%`), in a Liquid string (`\\`,
///   `\"`, `\n`, `\r` escaped), so that a call that leaves it out says it.
/// - Literal text is written as it is, except a `{` that starts `{{` or
///   `{%` (or ends the text, where markup could follow): that one is
///   `{% raw %}{{% endraw %}`. `LiquidJS` reads only `{{` and `{%` as markup,
///   so the text comes back exactly. Undo: replace each
///   `{% raw %}{{% endraw %}` with `{`.
#[derive(Debug, Clone, Copy)]
pub struct Liquid<'a> {
    names: &'a Names,
    vars: &'a [ir::Var],
    language: Language,
}

impl<'a> Liquid<'a> {
    /// The template of a spec with these names.
    #[must_use]
    pub fn new(spec: &'a ir::Spec, names: &'a Names) -> Self {
        Liquid {
            names,
            vars: &spec.vars,
            language: spec.language(),
        }
    }

    /// A text of the spec, safe as a whole YAML string value ([`gitops_safe`]).
    fn text(&self, t: &ir::Text) -> String {
        gitops_safe(prompt::text(t, self))
    }

    /// A text of the spec outside the assistant (a structured output's
    /// description), where no variable is filled: each variable is its
    /// name in angle brackets (`<customer_name>`), the rest as [`Liquid::text`].
    fn named(&self, t: &ir::Text) -> String {
        let mut out = String::new();
        for piece in t.pieces() {
            match piece {
                ir::Piece::Lit(s) => out.push_str(&liquid_literal(s)),
                ir::Piece::Var(v) => {
                    out.push('<');
                    out.push_str(self.names.var(v.index));
                    out.push('>');
                }
            }
        }
        gitops_safe(out)
    }

    /// Literal text, safe as a whole YAML string value.
    fn lit(&self, s: &str) -> String {
        gitops_safe(self.literal(s))
    }
}

impl Template for Liquid<'_> {
    fn var(&self, var: &VarRef) -> String {
        let name = self.names.var(var.index);
        match self.vars.get(var.index) {
            Some(v) => match &v.need {
                Need::Default(d) => {
                    let said = v.kind.parse(d).map_or_else(|_| d.clone(), |x| x.spoken(self.language));
                    format!("{{{{ {name} | default: \"{}\" }}}}", liquid_string(&said))
                }
                Need::Required | Need::Optional => format!("{{{{ {name} }}}}"),
            },
            None => format!("{{{{ {name} }}}}"),
        }
    }

    fn literal(&self, s: &str) -> String {
        liquid_literal(s)
    }
}

/// Literal text as `LiquidJS` template text (see [`Liquid`]).
#[must_use]
pub fn liquid_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && matches!(chars.peek(), None | Some('{' | '%')) {
            out.push_str("{% raw %}{{% endraw %}");
        } else {
            out.push(c);
        }
    }
    out
}

/// The inside of a Liquid string literal in double quotes.
fn liquid_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// White space as JavaScript's `trim` and `\s` read it.
#[must_use]
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Whether GitOps reads a string value as one of its own managed
/// variables: the whole value, trimmed, is `{{ NAME }}` with `NAME` of
/// `[A-Za-z0-9_.-]` (GitOps' `src/variables.ts`). At push it would replace
/// it with the value in its state file (or, without one, warn).
#[must_use]
pub fn is_gitops_placeholder(s: &str) -> bool {
    let s = s.trim_matches(is_js_space);
    let Some(inner) = s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) else {
        return false;
    };
    let name = inner.trim_matches(is_js_space);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A string value GitOps passes through as it is: one that would read as a
/// GitOps managed variable gets [`EMPTY_RAW`] before it (Liquid renders
/// it as nothing).
#[must_use]
pub fn gitops_safe(s: String) -> String {
    if is_gitops_placeholder(&s) {
        format!("{EMPTY_RAW}{s}")
    } else {
        s
    }
}

/// A display name as Vapi takes it: at most [`NAME_MAX`] UTF-16 code
/// units once written through [`liquid_literal`] (the longest prefix that
/// fits; the name is never empty if `s` is not).
fn display_name(s: &str) -> String {
    let mut best = String::new();
    let mut prefix = String::new();
    for c in s.chars().take(NAME_MAX) {
        prefix.push(c);
        let written = gitops_safe(liquid_literal(&prefix));
        if written.encode_utf16().count() > NAME_MAX {
            break;
        }
        best = written;
    }
    best
}

/// Whether the runtime can express the spec: an [`EmitError`] names what it
/// cannot (the build then writes nothing).
///
/// # Errors
/// What the runtime cannot express.
pub fn limits(spec: &ir::Spec) -> Result<(), EmitError> {
    let silence = |b: &ir::Branch| b.on == ir::On::Event(ir::Event::Silence);
    let on_silence =
        spec.global_branches.iter().any(silence) || spec.steps.iter().any(|s| s.branches.iter().any(silence));
    let (lo, hi) = SILENCE_RANGE;
    if on_silence && !(lo..=hi).contains(&spec.silence_timeout) {
        return Err(EmitError {
            message: format!(
                "Vapi's `customer.speech.timeout` hook, which tells the assistant about a silence, waits {lo} to {hi} seconds; the spec's `silence_timeout` is {}",
                spec.silence_timeout
            ),
            help: format!("write `silence_timeout` from {lo} to {hi}, or take no branch on `silence`"),
        });
    }
    // The simulations pass each variable's sample as it is said; GitOps would
    // take a value that reads `{{ NAME }}` for one of its own variables.
    let language = spec.language();
    for v in &spec.vars {
        if let Some(sample) = v.sample() {
            let said = v
                .kind
                .parse(sample)
                .map_or_else(|_| sample.to_owned(), |x| x.spoken(language));
            if is_gitops_placeholder(&said) {
                return Err(EmitError {
                    message: format!(
                        "the value `{said}` of variable `{}` reads as a Vapi GitOps variable (`{{{{ NAME }}}}`): GitOps would replace it in the simulations",
                        v.id
                    ),
                    help: "give the variable another `example`".to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// What the output leaves to the model or cannot run (`callc build` says
/// each as a warning; `emit::approximations` dispatches here): Vapi's
/// assistant is one prompt, so what the spec enforces the model only
/// follows.
#[must_use]
pub fn approximations(spec: &ir::Spec) -> Vec<Approximation> {
    let mut out = Vec::new();
    let on = |e: ir::Event| -> Vec<String> {
        let mut at: Vec<String> = Vec::new();
        if spec.global_branches.iter().any(|b| b.on == ir::On::Event(e)) {
            at.push("`flow`".to_owned());
        }
        at.extend(
            spec.steps
                .iter()
                .filter(|s| s.branches.iter().any(|b| b.on == ir::On::Event(e)))
                .map(|s| format!("step `{}`", s.id)),
        );
        at
    };
    for (e, why) in [
        (ir::Event::NoAnswer, "when the line never connects"),
        (ir::Event::Hangup, "when the callee hangs up"),
    ] {
        let at = on(e);
        if !at.is_empty() {
            out.push(Approximation {
                message: format!(
                    "the vapi target writes `on {}` (in {}) into the script only: {why}, Vapi ends the call and the model gets no turn",
                    e.as_str(),
                    at.join(", ")
                ),
                help: "Vapi records it as the call's `endedReason` (the end-of-call report): handle the outcome in your server"
                    .to_owned(),
            });
        }
    }
    let voicemail = on(ir::Event::Voicemail);
    if !voicemail.is_empty() {
        out.push(Approximation {
            message: "the vapi target writes `on voicemail` into the script: the model takes the branch when it hears a voicemail greeting"
                .to_owned(),
            help: "turn on the assistant's `voicemailDetection` for Vapi to detect answering machines itself".to_owned(),
        });
    }
    let retries: Vec<String> = spec
        .steps
        .iter()
        .filter(|s| s.retry.is_some())
        .map(|s| format!("`{}`", s.id))
        .collect();
    let requires =
        spec.ends.iter().any(|e| !e.requires.is_empty()) || spec.transfers.iter().any(|t| !t.requires.is_empty());
    if !retries.is_empty() || requires {
        let mut what = Vec::new();
        if !retries.is_empty() {
            what.push(format!("`retry` (in {})", list(&retries)));
        }
        if requires {
            what.push("`requires`".to_owned());
        }
        out.push(Approximation {
            message: format!(
                "the vapi target writes {} into the script: the model follows them, nothing counts the tries or checks the captures",
                what.join(" and ")
            ),
            help: "Vapi's assistant is one prompt with no flow nodes; the pipecat and rasa targets enforce them".to_owned(),
        });
    }
    let names = Names::new(spec);
    let liquid = Liquid::new(spec, &names);
    let no_destination: Vec<String> = spec
        .transfers
        .iter()
        .filter(|t| destination(t, &liquid).is_none())
        .map(|t| format!("`{}`", t.id))
        .collect();
    if !no_destination.is_empty() {
        out.push(Approximation {
            message: format!(
                "the vapi target writes no destination for transfer {}: its `to` is not a fixed phone number (`+` and digits) or `sip:` URI",
                list(&no_destination)
            ),
            help: "Vapi then asks your server for one (`transfer-destination-request`); give `to` a number or a SIP URI to dial it directly"
                .to_owned(),
        });
    }
    let set = super::scenarios::model(spec, &super::scenarios::Options::default());
    let left: Vec<String> = set
        .scenarios
        .iter()
        .filter(|s| left_out(&s.moments, s.start).is_some())
        .map(|s| format!("`{}`", s.id))
        .collect();
    if !left.is_empty() {
        out.push(Approximation {
            message: format!(
                "the vapi target leaves out {} scenario(s) whose path needs a transfer to fail or the call never to connect ({}): a Vapi simulation cannot make either happen",
                left.len(),
                list(&left)
            ),
            help: format!(
                "each is named, with its reason, in the header of simulations/suites/{}.yml",
                names.call()
            ),
        });
    }
    out
}

/// The first few of a list of names, and how many more.
fn list(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        s = format!("{s} and {} more", items.len() - 5);
    }
    s
}

/// The files of the target (see the module's documentation).
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    let names = Names::new(spec);
    let liquid = Liquid::new(spec, &names);
    let set = super::scenarios::model(spec, &super::scenarios::Options::default());
    let mut files = vec![OutputFile {
        path: PathBuf::from(format!("assistants/{}.md", names.call())),
        contents: assistant(spec, &names, &liquid),
    }];
    files.extend(sim::files(spec, &names, &liquid, &set));
    files
}

/// The header comment of every YAML file.
fn header(what: &str) -> String {
    format!(
        "# {what}: written by callc (--target vapi), {}.\n# Vapi GitOps resource; docs/targets/vapi.md says how to load it.\n",
        checked_against()
    )
}

/// A YAML file: the header comment and the value (serde-saphyr, through
/// the rasa target's writer: strings that would read as something else are
/// quoted, multi-line strings are literal blocks).
fn yaml<T: Serialize>(what: &str, value: &T) -> String {
    rasa::yaml(&header(what), value)
}

/// The assistant file: `---`, the YAML header, `---`, the system prompt.
fn assistant(spec: &ir::Spec, names: &Names, liquid: &Liquid<'_>) -> String {
    let title = spec
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&spec.id);
    let mode = match (spec.first_speaker, spec.opening.is_some()) {
        (ir::Speaker::Callee, _) => "assistant-waits-for-user",
        (ir::Speaker::Caller, true) => "assistant-speaks-first",
        (ir::Speaker::Caller, false) => "assistant-speaks-first-with-model-generated-message",
    };
    let mut tools = vec![Tool::EndCall];
    let destinations: Vec<Destination> = spec.transfers.iter().filter_map(|t| destination(t, liquid)).collect();
    if !spec.transfers.is_empty() {
        tools.push(Tool::TransferCall { destinations });
    }
    let silence = |b: &ir::Branch| b.on == ir::On::Event(ir::Event::Silence);
    let on_silence =
        spec.global_branches.iter().any(silence) || spec.steps.iter().any(|s| s.branches.iter().any(silence));
    let l = prompt::words(spec);
    let hooks = if on_silence {
        vec![Hook {
            on: "customer.speech.timeout",
            options: HookOptions {
                timeout_seconds: spec.silence_timeout,
                trigger_reset_mode: "onUserSpeech",
            },
            actions: vec![HookAction::MessageAdd {
                message: Message {
                    role: "system",
                    content: liquid.lit(&format!(
                        "{}{}{}",
                        l.brackets[0],
                        l.event_words(ir::Event::Silence, spec.silence_timeout),
                        l.brackets[1]
                    )),
                },
                trigger_response_enabled: true,
            }],
        }]
    } else {
        Vec::new()
    };
    let header_value = Assistant {
        name: display_name(title),
        first_message: spec.opening.as_ref().map(|o| liquid.text(o)),
        first_message_mode: mode,
        model: Model {
            provider: MODEL.0,
            name: MODEL.1,
            messages: Vec::new(),
            tools,
        },
        end_call_phrases: if spec.closing.is_blank() {
            Vec::new()
        } else {
            vec![liquid.text(&spec.closing)]
        },
        hooks,
        artifact_plan: (!spec.captures.is_empty()).then(|| ArtifactPlan {
            structured_output_ids: (0..spec.captures.len()).map(|c| names.capture_id(c)).collect(),
        }),
        metadata: metadata(spec, names, liquid),
    };
    let yaml = rasa::yaml(
        &format!(
            "# The assistant: written by callc (--target vapi), {}.\n# The body below is its system prompt. `model`: Vapi's default, choose yours; voice and\n# transcriber: Vapi's defaults (English), choose ones for the spec's language. docs/targets/vapi.md.\n",
            checked_against()
        ),
        &header_value,
    );
    let body = format!("{}\n{}", prompt::caller(spec, liquid), prompt::script(spec, liquid));
    format!("---\n{yaml}---\n\n{body}")
}

/// A transfer's destination, when its `to` is one Vapi dials as it is: a
/// phone number (`+` and 6 to 15 digits, E.164) or a SIP URI (`sip:…`),
/// with no variable. Any other transfer has none: Vapi then asks the
/// server for it (`transfer-destination-request`).
fn destination(t: &ir::Transfer, liquid: &Liquid<'_>) -> Option<Destination> {
    let to = t.to.as_ref()?.as_lit()?.trim();
    let message = Some(liquid.text(&t.say)).filter(|_| !t.say.is_blank());
    let description = liquid.lit(t.title.as_deref().unwrap_or(&t.id));
    if let Some(digits) = to.strip_prefix('+')
        && (6..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Destination::Number {
            number: liquid.lit(to),
            message,
            description,
        });
    }
    let sip = to.starts_with("sip:") || to.starts_with("sips:");
    (sip && !to.contains(char::is_whitespace)).then(|| Destination::Sip {
        sip_uri: liquid.lit(to),
        message,
        description,
    })
}

/// `metadata`: callc's record of the call (the version checked against,
/// the per-call variables a call passes in `assistantOverrides.variableValues`).
fn metadata(spec: &ir::Spec, names: &Names, liquid: &Liquid<'_>) -> Metadata {
    let language = spec.language();
    let said = |v: &ir::Var, s: &str| v.kind.parse(s).map_or_else(|_| s.to_owned(), |x| x.spoken(language));
    Metadata {
        generator: liquid.lit(&format!("callc, {}", checked_against())),
        call: liquid.lit(&spec.id),
        locale: liquid.lit(&spec.locale),
        variables: spec
            .vars
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    names.var(i).to_owned(),
                    VarMeta {
                        id: liquid.lit(&v.id),
                        kind: liquid.lit(&v.kind.written()),
                        need: v.need.word(),
                        default: match &v.need {
                            Need::Default(d) => Some(liquid.lit(&said(v, d))),
                            Need::Required | Need::Optional => None,
                        },
                        example: v.example.as_deref().map(|e| liquid.lit(&said(v, e))),
                        pii: v.pii,
                        description: v.description.as_deref().map(|d| liquid.lit(d)),
                    },
                )
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// The assistant's header, as Vapi's `CreateAssistantDto` (camelCase keys)
// ---------------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Assistant {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_message: Option<String>,
    first_message_mode: &'static str,
    model: Model,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    end_call_phrases: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hooks: Vec<Hook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    artifact_plan: Option<ArtifactPlan>,
    metadata: Metadata,
}

/// `model`: the provider and model, the system prompt (a personality's;
/// the assistant's is the file's body), the tools.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Model {
    provider: &'static str,
    #[serde(rename = "model")]
    name: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool>,
}

#[derive(Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Tool {
    EndCall,
    TransferCall {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        destinations: Vec<Destination>,
    },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Destination {
    Number {
        number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        description: String,
    },
    Sip {
        #[serde(rename = "sipUri")]
        sip_uri: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        description: String,
    },
}

#[derive(Serialize)]
struct Hook {
    on: &'static str,
    options: HookOptions,
    #[serde(rename = "do")]
    actions: Vec<HookAction>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HookOptions {
    timeout_seconds: u32,
    trigger_reset_mode: &'static str,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum HookAction {
    #[serde(rename = "message.add", rename_all = "camelCase")]
    MessageAdd {
        message: Message,
        trigger_response_enabled: bool,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactPlan {
    structured_output_ids: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    generator: String,
    call: String,
    locale: String,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "pairs")]
    variables: Vec<(String, VarMeta)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VarMeta {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    need: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    example: Option<String>,
    pii: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// Key–value pairs as a mapping, in their order.
fn pairs<S: serde::Serializer, V: Serialize>(pairs: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}
