//! The caller's system prompt for the voice-runtime targets (Pipecat's role
//! message, Retell's global prompt, …): who the caller is, the task, what it
//! knows, the FAQ, how the call opens and how it ends — in the spec's
//! language, with the [`Layout`]'s words (the same titles and labels as the
//! Markdown target's caller half).
//!
//! The script itself is not here: each runtime target writes the steps as
//! its own nodes. Texts go through a [`Template`], the runtime's one escaping
//! function: literal text comes back exactly from the runtime's template
//! engine, and each per-call variable is the runtime's own markup. Unlike the
//! Markdown target's text, nothing is escaped for `CommonMark`: an LLM reads
//! this, `callc import` never does.

use std::fmt::Write as _;

use crate::ir::{self, Piece, VarRef};
use crate::layout::{Layout, layout};

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
