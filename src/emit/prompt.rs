//! The caller's system prompt for the voice-runtime targets (Pipecat's role
//! message, Retell's global prompt, …): who the caller is, the task, what it
//! knows, the FAQ, how the call opens and how it ends — in the spec's
//! language, with the [`Layout`]'s words (the same titles and labels as the
//! Markdown target's caller half).
//!
//! The script is [`script`], for a runtime whose agent is one prompt (Vapi);
//! a runtime with flow nodes writes the steps as its own nodes instead.
//! Texts go through a [`Template`], the runtime's one escaping function:
//! literal text comes back exactly from the runtime's template engine, and
//! each per-call variable is the runtime's own markup. Unlike the Markdown
//! target's text, nothing is escaped for `CommonMark`: an LLM reads
//! this, `callc import` never does.

use std::fmt::Write as _;

use crate::ir::{self, Piece, VarRef};
use crate::layout::{Layout, counted, layout};

/// How a runtime's template engine reads a prompt or a line.
pub trait Template {
    /// The markup of a per-call variable (`{{ customer_name }}`).
    fn var(&self, var: &VarRef) -> String;
    /// Literal text, written so that the template engine gives back exactly
    /// `s` (a literal `{{` is never read as a variable).
    fn literal(&self, s: &str) -> String;
}

/// A text of the spec through a [`Template`]: literal pieces escaped, each
/// variable as the runtime's markup.
#[must_use]
pub fn text(t: &ir::Text, template: &dyn Template) -> String {
    let mut out = String::new();
    for piece in t.pieces() {
        match piece {
            Piece::Lit(s) => out.push_str(&template.literal(s)),
            Piece::Var(v) => out.push_str(&template.var(v)),
        }
    }
    out
}

/// The caller's system prompt (see the module's documentation), ending in
/// one line feed. Sections without content are left out.
#[must_use]
pub fn caller(spec: &ir::Spec, template: &dyn Template) -> String {
    let l = layout(&spec.locale);
    let t = |x: &ir::Text| text(x, template);
    let lit = |s: &str| template.literal(s);
    let p = &spec.caller;
    let mut out = String::new();

    section(&mut out, l.role);
    let gender = p.gender.as_deref().map(|g| {
        lit(match g {
            "male" => l.genders[0],
            "female" => l.genders[1],
            _ => l.genders[2],
        })
    });
    let age = p.age.map(|a| lit(&format!("{a}{}", l.age_unit)));
    let fields = [
        Some(t(&p.name)),
        gender,
        age,
        p.org.as_ref().map(t),
        p.role.as_ref().map(t),
    ];
    for (label, value) in l.identity.iter().zip(fields) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let _ = writeln!(out, "- {}{}{v}", lit(label), lit(l.colon));
        }
    }
    if let Some(persona) = p.persona.as_ref().filter(|x| !x.is_blank()) {
        let _ = write!(out, "\n{}\n", t(persona));
    }

    if let Some(task) = p.task.as_ref().filter(|x| !x.is_blank()) {
        section(&mut out, l.task);
        let _ = writeln!(out, "{}", t(task));
    }

    if !p.knows.is_empty() {
        section(&mut out, l.knows);
        for (label, value) in &p.knows {
            let _ = writeln!(out, "- {}{}{}", lit(label), lit(l.colon), t(value));
        }
    }

    if !spec.faq.is_empty() {
        section(&mut out, l.faq);
        for qa in &spec.faq {
            for q in &qa.questions {
                let _ = writeln!(out, "- {}{}{}", lit(l.qa[0]), lit(l.colon), t(q));
            }
            let _ = writeln!(out, "  {}{}{}", lit(l.qa[1]), lit(l.colon), t(&qa.answer));
        }
    }

    section(&mut out, l.opening);
    let speaker = usize::from(spec.first_speaker == ir::Speaker::Caller);
    let _ = writeln!(
        out,
        "{}",
        lit(&format!(
            "{}{}{}",
            l.brackets[0], l.opening_note[speaker], l.brackets[1]
        ))
    );
    if let Some(opening) = &spec.opening {
        let _ = writeln!(out, "{}{}{}", lit(l.quotes[0]), t(opening), lit(l.quotes[1]));
    }

    let conditions: Vec<&ir::Text> = spec.ends.iter().filter_map(|e| e.caller.as_ref()).collect();
    if !conditions.is_empty() || !spec.closing.is_blank() {
        section(&mut out, l.ending);
    }
    if !conditions.is_empty() {
        let _ = writeln!(out, "{}", lit(l.end_conditions));
        for c in conditions {
            let _ = writeln!(out, "- {}", t(c));
        }
    }
    if !spec.closing.is_blank() {
        let _ = writeln!(
            out,
            "{}\n{}{}{}",
            lit(l.closing),
            lit(l.quotes[0]),
            t(&spec.closing),
            lit(l.quotes[1])
        );
    }
    out
}

/// The script of the call, for a runtime whose agent is one prompt with no
/// flow nodes (Vapi's assistant): the flow section of the caller's half of
/// the Markdown target, through a [`Template`] — the wait rule; the branches
/// taken at the start and at any step; each step numbered, with its title,
/// its lines quoted, and notes for `continue`, captures, its own branches
/// (the signal's description, else its id, and where it leads), `retry` and
/// an explicit successor; then the transfers (line, destination, fallback,
/// required captures) and the captures each end condition requires. The
/// words are the [`Layout`]'s, as the Markdown target writes them (the same
/// wait rule and capture-type words, `markdown::wait_rule` and
/// `Layout::kind_words`).
///
/// A text's later lines are indented under its item (a global note's by
/// two spaces), so that no text can start a step of its own: undo by
/// removing that indentation after each line feed. Ends in one line feed.
#[must_use]
pub fn script(spec: &ir::Spec, template: &dyn Template) -> String {
    let l = layout(&spec.locale);
    let t = |x: &ir::Text| text(x, template);
    let lit = |s: &str| template.literal(s);
    let mut out = String::new();
    section(&mut out, l.flow);
    let _ = writeln!(out, "{}", lit(&super::markdown::wait_rule(spec, l)));
    if !spec.global_branches.is_empty() {
        out.push('\n');
        for b in &spec.global_branches {
            let _ = writeln!(out, "{}", branch_note(spec, l, b, true, template).replace('\n', "\n  "));
        }
    }
    for (i, step) in spec.steps.iter().enumerate() {
        let marker = format!("{}. ", i + 1);
        let indent = " ".repeat(marker.len());
        let mut lines: Vec<String> = Vec::new();
        if let Some(title) = &step.title {
            lines.push(lit(title));
        }
        for s in &step.lines {
            lines.push(format!("{}{}{}", lit(l.quotes[0]), t(s), lit(l.quotes[1])));
        }
        if !step.waits {
            lines.push(lit(&format!("{}{}{}", l.brackets[0], l.go_on, l.brackets[1])));
        }
        for c in step.captures.iter().filter_map(|&c| spec.captures.get(c)) {
            let kind = l.kind_words(&c.kind, &|s| s.to_owned());
            lines.push(lit(&format!(
                "{}{}{}{}{kind}{}{}{}",
                l.brackets[0],
                l.record[usize::from(c.optional)],
                c.id,
                l.colon,
                l.type_sep,
                c.description,
                l.brackets[1]
            )));
        }
        for b in &step.branches {
            lines.push(branch_note(spec, l, b, false, template));
        }
        if let Some(r) = step.retry {
            let words = lit(&counted(l.retry, u32::from(r.max)));
            lines.push(note(l, &words, r.then, spec, template));
        }
        if step.next_explicit && step.next != ir::Target::default_after(i, spec.steps.len()) {
            lines.push(note(l, &lit(l.then), step.next, spec, template));
        }
        out.push('\n');
        let item = lines.join("\n");
        let _ = writeln!(out, "{marker}{}", item.replace('\n', &format!("\n{indent}")));
    }
    if !spec.transfers.is_empty() {
        let _ = write!(out, "\n{}\n", lit(l.transfers));
        for tr in &spec.transfers {
            let name = tr.title.as_deref().unwrap_or(&tr.id);
            let mut lines = vec![format!(
                "{}{}{}",
                lit(&format!("{name}{}{}", l.colon, l.quotes[0])),
                t(&tr.say),
                lit(l.quotes[1])
            )];
            if let Some(to) = &tr.to {
                lines.push(format!(
                    "{}{}{}",
                    lit(&format!("{}{}", l.brackets[0], l.destination)),
                    t(to),
                    lit(l.brackets[1])
                ));
            }
            if tr.fallback != ir::Target::End(None) {
                lines.push(note(l, &lit(l.transfer_failed), tr.fallback, spec, template));
            }
            if !tr.requires.is_empty() {
                lines.push(lit(&requires_note(spec, l, &tr.requires)));
            }
            let _ = writeln!(out, "- {}", lines.join("\n").replace('\n', "\n  "));
        }
    }
    if spec.ends.iter().any(|e| !e.requires.is_empty()) {
        let _ = write!(out, "\n{}\n", lit(l.end_conditions));
        for e in spec.ends.iter().filter(|e| !e.requires.is_empty()) {
            let words = e.caller.as_ref().or(e.callee.as_ref()).map_or_else(|| lit(&e.id), &t);
            let item = format!("{words}\n{}", lit(&requires_note(spec, l, &e.requires)));
            let _ = writeln!(out, "- {}", item.replace('\n', "\n  "));
        }
    }
    out
}

/// A branch's note in the script (see [`script`]): a global one or a step's
/// own; a branch on `voicemail` or `no_answer` is taken after dialling.
fn branch_note(spec: &ir::Spec, l: &Layout, b: &ir::Branch, global: bool, template: &dyn Template) -> String {
    let lit = |s: &str| template.literal(s);
    let (frame, cause) = match b.on {
        ir::On::Signal(i) => {
            let frame = if global { l.global_branch } else { l.branch };
            let cause = spec.signals.get(i).map_or_else(String::new, |s| {
                s.description.as_ref().map_or_else(|| lit(&s.id), |d| text(d, template))
            });
            (frame, cause)
        }
        ir::On::Event(e) => {
            let frame = if b.is_at_start() {
                l.start_branch
            } else if global {
                l.event_global
            } else {
                l.event_branch
            };
            (frame, lit(&l.event_words(e, spec.silence_timeout)))
        }
    };
    let condition = format!("{}{cause}{}", lit(frame[0]), lit(frame[1]));
    note(l, &condition, b.target, spec, template)
}

/// A note: `（CONDITION → TARGET）`, the condition already written.
fn note(l: &Layout, condition: &str, target: ir::Target, spec: &ir::Spec, template: &dyn Template) -> String {
    let lit = |s: &str| template.literal(s);
    let target = match target {
        ir::Target::Step(n) => lit(&format!("{}{}{}", l.goto[0], n + 1, l.goto[1])),
        ir::Target::End(None) => lit(l.end_call),
        ir::Target::End(Some(c)) => {
            let e = &spec.ends[c];
            let why = e
                .caller
                .as_ref()
                .or(e.callee.as_ref())
                .map_or_else(|| lit(&e.id), |w| text(w, template));
            format!("{}{why}", lit(&format!("{}{}", l.end_call, l.colon)))
        }
        ir::Target::Transfer(k) => {
            let name = spec
                .transfers
                .get(k)
                .map_or("", |tr| tr.title.as_deref().unwrap_or(&tr.id));
            lit(&format!("{}{name}", l.transfer_to))
        }
    };
    format!(
        "{}{condition}{}{target}{}",
        lit(l.brackets[0]),
        lit(l.arrow),
        lit(l.brackets[1])
    )
}

/// The captures an end condition or a transfer requires, by id:
/// `（需已记录：email、seats）`.
fn requires_note(spec: &ir::Spec, l: &Layout, requires: &[usize]) -> String {
    let ids: Vec<&str> = requires
        .iter()
        .filter_map(|&c| spec.captures.get(c))
        .map(|c| c.id.as_str())
        .collect();
    format!(
        "{}{}{}{}",
        l.brackets[0],
        l.requires,
        ids.join(l.list_sep),
        l.brackets[1]
    )
}

/// Starts a section: `### TITLE`, after a blank line unless it is the first.
fn section(out: &mut String, title: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "### {title}");
}

/// The words of the spec's language, for targets that write their own
/// notes around the prompt.
#[must_use]
pub fn words(spec: &ir::Spec) -> &'static Layout {
    layout(&spec.locale)
}

/// The form of a value of `kind`, as an extractor LLM is told it after a
/// capture's description (` (a date, YYYY-MM-DD)`; empty for `text`); a
/// yes/no value is described by `yes_no` (` (yes or no)`, or how the
/// runtime stores it). The one owner of these words for the targets whose
/// LLM fills captures (Rasa, Retell).
#[must_use]
pub fn value_form(kind: &ir::ValueType, yes_no: &str) -> String {
    match kind {
        ir::ValueType::Text => String::new(),
        ir::ValueType::Email => " (an e-mail address)".to_owned(),
        ir::ValueType::Phone => " (a phone number: + and 6 to 15 digits, no spaces)".to_owned(),
        ir::ValueType::Date => " (a date, YYYY-MM-DD)".to_owned(),
        ir::ValueType::Time => " (a time of day, HH:MM, 24-hour)".to_owned(),
        ir::ValueType::Number => " (a number)".to_owned(),
        ir::ValueType::Percent => " (a percentage, as a number without %)".to_owned(),
        ir::ValueType::Money { currency } => format!(" (an amount in {currency}, as a number)"),
        ir::ValueType::YesNo => format!(" ({yes_no})"),
        ir::ValueType::Integer { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!(" (a whole number from {a} to {b})"),
            (Some(a), None) => format!(" (a whole number, at least {a})"),
            (None, Some(b)) => format!(" (a whole number, at most {b})"),
            (None, None) => " (a whole number)".to_owned(),
        },
        ir::ValueType::OneOf(values) => format!(" (one of: {})", values.join(", ")),
    }
}
