//! The `markdown` target: a checked [`ir::Spec`] → one Markdown file holding
//! the two role prompts, caller then callee, in the layout of the reference
//! document (`tests/fixtures/seeds/taishan_renewal.md`), with the section
//! titles of the spec's locale.
//!
//! Pure and deterministic. The flow information the reference layout has no
//! place for (branches, jumps, endings) is written as parenthesised notes in
//! the steps, in the locale's words, so that an agent reading the prompt can
//! follow it; `callc import` reads those notes back. The layout tables
//! ([`crate::layout`]) are shared with the importer, so the two directions
//! cannot drift apart. docs/targets/markdown.md documents the mapping.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::OutputFile;
use crate::ast::Priority;
use crate::ir::{self, Target};
use crate::layout::{Layout, counted, layout, read_event};

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// Markdown target says what it does with it (docs/ARCHITECTURE.md, "How to add a
/// statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,                       // the file name
        title: _,                    // the `#` heading
        locale: _,                   // the layout (`layout`)
        caller: _,                   // `caller`
        callees: _,                  // `callee`: one prompt each, headed with its id when there are several
        concerns: _,                 // `callee`
        signals: _,                  // `flow`, the branch notes
        vars: _,                     // `vars_table` before the prompts; `{{id}}` in the texts
        opening: _,                  // `caller`
        steps: _,                    // `flow`
        global_branches: _,          // `flow`, before the steps
        faq: _,                      // `caller`
        ends: _,                     // `caller` and `callee`, each its own side
        closing: _,                  // `caller`
        first_speaker: _,            // `opening` (caller) and `callee`, the answering line
        silence_timeout: _,          // the silence notes, and the wait rule when written
        silence_timeout_explicit: _, // `wait_rule`
        transfers: _,                // `caller`'s ending, and note targets
        captures: _,                 // `capture_note`, `requires_note`
    },
    ir::Party {
        id: _,         // the prompts name no ids
        name: _,       // `role`
        gender: _,     // `role`
        age: _,        // `role`
        org: _,        // `role`
        role: _,       // `role`
        persona: _,    // `role`
        task: _,       // `caller`
        knows: _,      // `caller`
        background: _, // `callee`
        behavior: _,   // `callee`
        style: _,      // `callee`
        concerns: _,   // `callee`
        extends: _,    // each callee prompt is whole (what it inherits is in it)
    },
    ir::Style {
        note: _,   // `callee`
        avoid: _,  // `callee`
        prefer: _, // `callee`
    },
    ir::Step {
        id: _,            // the prompts name no ids
        title: _,         // `flow`
        lines: _,         // `flow`
        covers: _,        // the caller is not told the callee's concerns
        next: _,          // `flow`, when written and not the default
        next_explicit: _, // `flow`
        branches: _,      // `flow`
        overrides: _,     // the own branch is the one written
        waits: _,         // `flow`: the `go_on` note when it does not wait
        captures: _,      // `flow`: a capture note each
        retry: _,         // `flow`: the retry note
    },
    ir::Branch {
        on: _,     // `flow`
        target: _, // `flow`
    },
    ir::Qa {
        id: _,        // the prompts name no ids
        questions: _, // `caller`
        answer: _,    // `caller`
        covers: _,    // the caller is not told the callee's concerns
    },
    ir::Concern {
        id: _,       // the prompts name no ids
        steps: _,    // the callee does not see the script
        faq: _,      // the callee does not see the script
    },
    ir::Signal {
        id: _,          // `flow`, when it has no description
        description: _, // `flow`
        examples: _,    // `callee`: the section of things the callee might say
    },
    ir::EndCondition {
        id: _,       // the prompts name no ids
        caller: _,   // `caller`
        callee: _,   // `callee`
        requires: _, // `caller`: the requires note after the condition
    },
| {};

/// The same for the parts of "calls that listen".
#[rustfmt::skip]
const _: fn(&ir::Transfer, &ir::Capture, &ir::Retry) = |
    ir::Transfer {
        id: _,       // named in notes when it has no title
        title: _,    // `caller`'s ending, and note targets
        say: _,      // `caller`'s ending
        to: _,       // `caller`'s ending, the destination note
        fallback: _, // `caller`'s ending, the fallback note
        requires: _, // `caller`'s ending, the requires note
    },
    ir::Capture {
        id: _,          // the capture note: the name the runtime records it under
        kind: _,        // the capture note, in the locale's words
        optional: _,    // the capture note's first words
        description: _, // the capture note
        step: _,        // the note is in that step
    },
    ir::Retry {
        max: _,  // the retry note
        then: _, // the retry note's target
    },
| {};

/// The Markdown role prompts, as one file `ID.md`.
#[must_use]
pub fn emit(spec: &ir::Spec) -> Vec<OutputFile> {
    vec![OutputFile {
        path: PathBuf::from(format!("{}.md", spec.id)),
        contents: render(spec),
    }]
}

/// The Markdown text of a spec.
#[must_use]
pub fn render(spec: &ir::Spec) -> String {
    let l = layout(&spec.locale);
    let mut out = String::new();
    if let Some(title) = &spec.title {
        let mut heading = line_text(title);
        // A title that reads as a section's title has its first character as a reference.
        if crate::import::is_layout_title(&heading)
            && let Some(c) = heading.chars().next()
        {
            heading.replace_range(..c.len_utf8(), &format!("&#x{:X};", u32::from(c)));
        }
        let _ = writeln!(out, "# {heading}\n");
    }
    vars_table(&mut out, spec, l);
    caller(&mut out, spec, l);
    for p in &spec.callees {
        callee(&mut out, spec, l, p);
    }
    // One line break at the end, whatever the last section wrote.
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

fn section(out: &mut String, title: &str) {
    let _ = write!(out, "### {title}\n\n");
}

fn caller(out: &mut String, spec: &ir::Spec, l: &Layout) {
    let p = &spec.caller;
    let _ = write!(out, "## {}\n\n", l.caller);
    role(out, p, l);
    if let Some(task) = &p.task {
        section(out, l.task);
        let _ = write!(out, "{}\n\n", prose(task, ""));
    }
    labelled(out, l.knows, &p.knows, l);
    flow(out, spec, l);
    if !spec.faq.is_empty() {
        section(out, l.faq);
        for qa in &spec.faq {
            let mut lines: Vec<String> = qa
                .questions
                .iter()
                .map(|q| format!("{}{}{}", l.qa[0], l.colon, prose(q, "  ")))
                .collect();
            lines.push(format!("{}{}{}", l.qa[1], l.colon, prose(&qa.answer, "  ")));
            let _ = write!(out, "- {}\n\n", hard_breaks(&lines, "  "));
        }
    }
    // Who speaks first is said above the opening line, so the section is
    // written even without one.
    section(out, l.opening);
    let speaker = usize::from(spec.first_speaker == ir::Speaker::Caller);
    let _ = write!(out, "{}{}{}\n\n", l.brackets[0], l.opening_note[speaker], l.brackets[1]);
    if let Some(opening) = &spec.opening {
        let _ = write!(out, "{}\n\n", quoted(opening, "", l));
    }
    section(out, l.ending);
    let conditions: Vec<&ir::EndCondition> = spec.ends.iter().filter(|e| e.caller.is_some()).collect();
    if !conditions.is_empty() {
        let _ = writeln!(out, "**{}**", l.end_conditions);
        for e in conditions {
            let mut item = bullet(e.caller.as_ref().unwrap_or(&ir::Text::default()));
            if !e.requires.is_empty() {
                let _ = write!(item, "  \n  {}", requires_note(spec, l, &e.requires));
            }
            let _ = writeln!(out, "- {item}");
        }
        out.push('\n');
    }
    if !spec.transfers.is_empty() {
        let _ = writeln!(out, "**{}**", l.transfers);
        for t in &spec.transfers {
            let mut lines = vec![format!(
                "{}{}{}",
                label_text(transfer_name(t)),
                l.colon,
                quoted(&t.say, "  ", l)
            )];
            if let Some(to) = &t.to {
                lines.push(format!(
                    "{}{}{}{}",
                    l.brackets[0],
                    l.destination,
                    prose_line(to),
                    l.brackets[1]
                ));
            }
            if t.fallback != Target::End(None) {
                lines.push(note(l, [l.transfer_failed, ""], None, t.fallback, spec));
            }
            if !t.requires.is_empty() {
                lines.push(requires_note(spec, l, &t.requires));
            }
            let _ = writeln!(out, "- {}", hard_breaks(&lines, "  "));
        }
        out.push('\n');
    }
    if !spec.closing.is_blank() {
        let _ = write!(out, "**{}**\n{}\n\n", l.closing, quoted(&spec.closing, "", l));
    }
}

/// The prompt of callee `p`: headed `## 电话接听方`, or with its id
/// after the title when the spec has several (`## 电话接听方：忙碌的张总`).
fn callee(out: &mut String, spec: &ir::Spec, l: &Layout, p: &ir::Party) {
    if spec.callees.len() > 1 {
        let _ = write!(out, "\n## {}{}{}\n\n", l.callee, l.colon, line_text(&p.id));
    } else {
        let _ = write!(out, "\n## {}\n\n", l.callee);
    }
    // The simulated person is told they were called, and who speaks first.
    let speaker = usize::from(spec.first_speaker == ir::Speaker::Caller);
    let _ = write!(out, "{}\n\n", l.answering[speaker]);
    role(out, p, l);
    labelled(out, l.background, &p.background, l);
    if !p.concerns.is_empty() {
        section(out, l.concerns);
        for c in &p.concerns {
            let label = match c.priority {
                Priority::Primary => l.priorities[0],
                Priority::Secondary => l.priorities[1],
                Priority::Latent => l.priorities[2],
            };
            let _ = writeln!(out, "- {label}{}{}", l.colon, prose(&c.text, "  "));
        }
        out.push('\n');
    }
    if !p.behavior.is_empty() {
        section(out, l.behavior);
        for b in &p.behavior {
            let _ = writeln!(out, "- {}", bullet(b));
        }
        out.push('\n');
    }
    signal_examples(out, spec, l);
    let s = &p.style;
    if s.note.is_some() || !s.avoid.is_empty() || !s.prefer.is_empty() {
        section(out, l.style);
        if let Some(note) = &s.note {
            let _ = write!(out, "{}\n\n", prose(note, ""));
        }
        for (label, lines) in [(l.avoid, &s.avoid), (l.prefer, &s.prefer)] {
            if lines.is_empty() {
                continue;
            }
            let mut all = vec![format!("**{label}**")];
            all.extend(lines.iter().map(|x| quoted(x, "  ", l)));
            let _ = write!(out, "- {}\n\n", hard_breaks(&all, "  "));
        }
    }
    let conditions: Vec<&ir::Text> = spec.ends.iter().filter_map(|e| e.callee.as_ref()).collect();
    if !conditions.is_empty() {
        section(out, l.callee_end);
        for c in conditions {
            let _ = writeln!(out, "- {}", bullet(c));
        }
        out.push('\n');
    }
}

/// The per-call variables, before the prompts: a `##` section with a note
/// on `{{name}}` and a table (variable, type, whether a call must give it,
/// example, personal data, description) in the locale's words.
fn vars_table(out: &mut String, spec: &ir::Spec, l: &Layout) {
    if spec.vars.is_empty() {
        return;
    }
    // The note is the layout's own words, written as they are.
    let _ = write!(out, "## {}\n\n{}\n\n", l.vars, l.vars_note);
    let _ = writeln!(out, "| {} |", l.var_columns.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(l.var_columns.len()));
    for v in &spec.vars {
        let need = match &v.need {
            ir::Need::Required => l.need[0].to_owned(),
            ir::Need::Optional => l.need[1].to_owned(),
            ir::Need::Default(d) => format!("{}{}", l.need[2], cell(d)),
        };
        let cells = [
            cell(&v.id),
            cell(&kind_words(l, &v.kind)),
            need,
            v.example.as_deref().map(cell).unwrap_or_default(),
            if v.pii { l.pii.to_owned() } else { String::new() },
            v.description.as_deref().map(cell).unwrap_or_default(),
        ];
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// A table cell: [`line_text`], which escapes `|` and writes spaces at
/// the ends as references.
fn cell(s: &str) -> String {
    line_text(s)
}

/// The things a callee might say that give a signal (the signals'
/// `example`s): one bullet per signal with examples, its words (its
/// description, else its id) then the examples in quotation marks.
fn signal_examples(out: &mut String, spec: &ir::Spec, l: &Layout) {
    let with: Vec<&ir::Signal> = spec.signals.iter().filter(|s| !s.examples.is_empty()).collect();
    if with.is_empty() {
        return;
    }
    section(out, l.signals);
    for s in with {
        let words = s.description.as_ref().map_or_else(|| one_line(&s.id), one_line_text);
        let examples: Vec<String> = s
            .examples
            .iter()
            .map(|e| format!("{}{}{}", l.quotes[0], line_text(e), l.quotes[1]))
            .collect();
        let _ = writeln!(
            out,
            "- {}{}{}",
            words.replace(':', "&#x3A;").replace('：', "&#xFF1A;"),
            l.colon,
            examples.join(l.list_sep)
        );
    }
    out.push('\n');
}

/// The role section: identity bullets for what the persona does not
/// mention, then the persona.
fn role(out: &mut String, p: &ir::Party, l: &Layout) {
    section(out, l.role);
    let persona = p.persona.as_ref().map(ToString::to_string).unwrap_or_default();
    let persona = persona.as_str();
    let (name, org, role) = (
        p.name.to_string(),
        p.org.as_ref().map(ToString::to_string),
        p.role.as_ref().map(ToString::to_string),
    );
    let texts = [Some(&p.name), None, None, p.org.as_ref(), p.role.as_ref()];
    let gender = p.gender.as_deref().map(|g| match g {
        "male" => l.genders[0],
        "female" => l.genders[1],
        _ => l.genders[2],
    });
    let age = p.age.map(|a| format!("{a}{}", l.age_unit));
    let fields = [
        Some(name.as_str()),
        gender,
        age.as_deref(),
        org.as_deref(),
        role.as_deref(),
    ];
    let mut any = false;
    for ((label, value), t) in l.identity.iter().zip(fields).zip(texts) {
        // A field that names a variable is always written: the persona
        // naming the same `{{id}}` does not say which field it is.
        let variable = t.is_some_and(|t| !t.is_lit());
        if let Some(v) = value.filter(|v| variable || !mentions(persona, v)) {
            let written = t.map_or_else(|| line_text(v), prose_line);
            let _ = writeln!(out, "- {label}{}{written}", l.colon);
            any = true;
        }
    }
    if any {
        out.push('\n');
    }
    if let Some(persona) = p.persona.as_ref().filter(|t| !t.is_blank()) {
        let _ = write!(out, "{}\n\n", prose(persona, ""));
    }
}

/// Whether the persona already says `value`: as a substring, or for ASCII
/// words as a whole word (so that `male` is not found in `female`).
fn mentions(persona: &str, value: &str) -> bool {
    if value.trim().is_empty() {
        return true;
    }
    let word = |c: char| c.is_alphanumeric() && c.is_ascii();
    persona.match_indices(value).any(|(i, _)| {
        let before = persona[..i].chars().next_back();
        let after = persona[i + value.len()..].chars().next();
        let first = value.chars().next().is_some_and(word);
        let last = value.chars().next_back().is_some_and(word);
        !(first && before.is_some_and(word) || last && after.is_some_and(word))
    })
}

fn labelled(out: &mut String, title: &str, entries: &[(String, ir::Text)], l: &Layout) {
    if entries.is_empty() {
        return;
    }
    section(out, title);
    for (label, value) in entries {
        let _ = writeln!(out, "- {}{}{}", label_text(label), l.colon, prose(value, "  "));
    }
    out.push('\n');
}

fn flow(out: &mut String, spec: &ir::Spec, l: &Layout) {
    section(out, l.flow);
    let _ = write!(out, "{}\n\n", wait_rule(spec, l));
    if !spec.global_branches.is_empty() {
        let notes: Vec<String> = spec
            .global_branches
            .iter()
            .map(|b| branch_note(spec, l, b, true))
            .collect();
        let _ = write!(out, "{}\n\n", hard_breaks(&notes, ""));
    }
    for (i, step) in spec.steps.iter().enumerate() {
        let marker = format!("{}. ", i + 1);
        let indent = " ".repeat(marker.len());
        let mut lines: Vec<String> = Vec::new();
        if let Some(title) = &step.title {
            lines.push(step_title(title));
        }
        lines.extend(step.lines.iter().map(|s| quoted(s, &indent, l)));
        if !step.waits {
            lines.push(format!("{}{}{}", l.brackets[0], l.go_on, l.brackets[1]));
        }
        lines.extend(
            step.captures
                .iter()
                .filter_map(|&c| spec.captures.get(c))
                .map(|c| capture_note(l, c)),
        );
        for b in &step.branches {
            lines.push(branch_note(spec, l, b, false));
        }
        if let Some(r) = step.retry {
            let words = counted(l.retry, u32::from(r.max));
            lines.push(note(l, [&words, ""], None, r.then, spec));
        }
        if step.next_explicit && step.next != Target::default_after(i, spec.steps.len()) {
            lines.push(note(l, [l.then, ""], None, step.next, spec));
        }
        let _ = write!(out, "{marker}{}\n\n", hard_breaks(&lines, &indent));
    }
}

/// The rule at the top of the flow: wait after every step (but those that
/// say not to); with an FAQ, answer and come back; with a `silence_timeout`
/// written, how long a silence is. (Layout words only: the voice-runtime
/// prompts, `prompt::script`, write the same rule.)
pub(crate) fn wait_rule(spec: &ir::Spec, l: &Layout) -> String {
    let mut rule = l.wait_rule[0].to_owned();
    if spec.steps.iter().any(|s| !s.waits) {
        rule.push_str(l.wait_rule[1]);
    }
    rule.push_str(l.wait_rule[2]);
    if !spec.faq.is_empty() {
        rule.push_str(l.faq_rule);
    }
    if spec.silence_timeout_explicit {
        rule.push_str(&counted(l.silence_rule, spec.silence_timeout));
    }
    rule
}

/// A branch's note: a global one (before the steps) or a step's own; a
/// branch on `voicemail` or `no_answer` is taken after dialling.
fn branch_note(spec: &ir::Spec, l: &Layout, b: &ir::Branch, global: bool) -> String {
    match b.on {
        ir::On::Signal(i) => {
            let frame = if global { l.global_branch } else { l.branch };
            let mut cause = spec.signals.get(i).map_or_else(String::new, |s| {
                s.description.as_ref().map_or_else(|| one_line(&s.id), one_line_text)
            });
            // Unquoted words that read as an event would come back as one.
            if frame[1].is_empty()
                && read_event(&cause).is_some()
                && let Some(c) = cause.chars().next()
            {
                cause.replace_range(..c.len_utf8(), &format!("&#x{:X};", u32::from(c)));
            }
            format!(
                "{}{}{cause}{}{}{}{}",
                l.brackets[0],
                frame[0],
                frame[1],
                l.arrow,
                target_words(l, b.target, spec),
                l.brackets[1]
            )
        }
        ir::On::Event(e) => {
            let frame = if b.is_at_start() {
                l.start_branch
            } else if global {
                l.event_global
            } else {
                l.event_branch
            };
            let words = l.event_words(e, spec.silence_timeout);
            note(l, frame, Some(&words), b.target, spec)
        }
    }
}

/// A capture note: `（需记录 email：邮箱地址——张强接收资料的邮箱地址）`. The
/// capture is named by its id (the name the runtime records the value
/// under, and the one `requires` notes use); the description is written
/// whole, its line breaks as references.
fn capture_note(l: &Layout, c: &ir::Capture) -> String {
    format!(
        "{}{}{}{}{}{}{}{}",
        l.brackets[0],
        l.record[usize::from(c.optional)],
        line_text(&c.id),
        l.colon,
        kind_words(l, &c.kind),
        l.type_sep,
        line_text(&c.description),
        l.brackets[1]
    )
}

/// A capture type in the locale's words.
fn kind_words(l: &Layout, kind: &ir::ValueType) -> String {
    l.kind_words(kind, &line_text)
}

/// The captures an end condition or a transfer requires, by id:
/// `（需已记录：email、seats）`.
fn requires_note(spec: &ir::Spec, l: &Layout, requires: &[usize]) -> String {
    let ids: Vec<String> = requires
        .iter()
        .filter_map(|&c| spec.captures.get(c))
        .map(|c| line_text(&c.id))
        .collect();
    format!(
        "{}{}{}{}",
        l.brackets[0],
        l.requires,
        ids.join(l.list_sep),
        l.brackets[1]
    )
}

/// How a transfer is named in the prompt: its title, else its id.
fn transfer_name(t: &ir::Transfer) -> &str {
    t.title.as_deref().unwrap_or(&t.id)
}

/// Words on one line for a flow note: line breaks inside the words become
/// spaces and one final full stop is dropped, so that the note stays one
/// line that the importer reads back.
fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line_as_is(s.strip_suffix(['。', '.']).unwrap_or(&s))
}

/// [`one_line`] of a text of the spec, its variables `{{id}}` as in
/// [`prose`].
fn one_line_text(t: &ir::Text) -> String {
    let (s, marks) = marked(t);
    // Runs of white space become one space, none at the ends.
    let (mut line, mut line_marks) = (String::new(), Vec::new());
    let mut space = false;
    for (c, m) in s.chars().zip(marks) {
        if c.is_whitespace() && !m {
            space = !line.is_empty();
            continue;
        }
        if space {
            line.push(' ');
            line_marks.push(false);
            space = false;
        }
        line.push(c);
        line_marks.push(m);
    }
    if line.ends_with(['。', '.']) && line_marks.last() == Some(&false) {
        line.pop();
        line_marks.pop();
        while line.ends_with(char::is_whitespace) && line_marks.last() == Some(&false) {
            line.pop();
            line_marks.pop();
        }
    }
    let mut out = String::new();
    escape_line(&line, &line_marks, Place::First, &mut out);
    out.replace('→', "&#x2192;").replace('⇒', "&#x21D2;")
}

/// [`one_line`] keeping a final full stop: for a transfer's title, which
/// the note names whole (a title may be nothing but the full stop).
fn one_line_as_is(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // An arrow in the words would end the condition early.
    line_text(&s).replace('→', "&#x2192;").replace('⇒', "&#x21D2;")
}

/// Where a note leads: `转到第9步`, `结束通话：…`, `转接：销售顾问`.
fn target_words(l: &Layout, target: Target, spec: &ir::Spec) -> String {
    match target {
        Target::Step(n) => format!("{}{}{}", l.goto[0], n + 1, l.goto[1]),
        Target::End(None) => l.end_call.to_owned(),
        Target::End(Some(c)) => {
            let e = &spec.ends[c];
            let why = e
                .caller
                .as_ref()
                .or(e.callee.as_ref())
                .map_or_else(|| one_line(&e.id), one_line_text);
            format!("{}{}{}", l.end_call, l.colon, why)
        }
        Target::Transfer(t) => {
            let name = spec.transfers.get(t).map_or("", transfer_name);
            format!("{}{}", l.transfer_to, one_line_as_is(name))
        }
    }
}

/// A flow note: `（如张强表示时间紧 → 转到第9步）`.
fn note(l: &Layout, frame: [&str; 2], cause: Option<&str>, target: Target, spec: &ir::Spec) -> String {
    let cause = cause.map_or(String::new(), one_line);
    format!(
        "{}{}{cause}{}{}{}{}",
        l.brackets[0],
        frame[0],
        frame[1],
        l.arrow,
        target_words(l, target, spec),
        l.brackets[1]
    )
}

/// Lines of one list item: every line but the last ends with two spaces (a
/// Markdown hard line break); lines after the first are indented.
fn hard_breaks(lines: &[String], indent: &str) -> String {
    let mut s = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            s.push_str("  \n");
            s.push_str(indent);
        }
        s.push_str(line);
    }
    s
}

/// A spoken line in quotation marks.
fn quoted(t: &ir::Text, indent: &str, l: &Layout) -> String {
    format!("{}{}{}", l.quotes[0], prose(t, indent), l.quotes[1])
}

/// The one escaping function of this target: spec text as `CommonMark`
/// lines, which render as the text and which `callc import` reads back as
/// exactly the text (docs/targets/markdown.md, "Text").
///
/// Each line feed starts a new line, indented by `indent` so that it stays
/// inside its list item; inside a line ([`escape_line`]) ASCII punctuation
/// that could open or change structure gets a backslash, and what a
/// backslash cannot escape is a numeric character reference (`&#x202E;`).
/// Chinese, full-width punctuation and emoji are written as they are.
#[must_use]
pub fn text(s: &str, indent: &str) -> String {
    text_marked(s, &[], indent)
}

/// [`text`] of a string some of whose characters are variable markup
/// (`marks[k]` for the `k`-th character; none when `marks` is empty),
/// written as they are.
fn text_marked(s: &str, marks: &[bool], indent: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        let place = match (i, indent.is_empty()) {
            (0, _) => Place::First,
            (_, false) => Place::InItem,
            (_, true) => Place::InParagraph,
        };
        let n = line.chars().count();
        escape_line(line, marks.get(at..at + n).unwrap_or(&[]), place, &mut out);
        at += n + 1;
    }
    out
}

/// A text of the spec with each per-call variable as Mustache, `{{id}}`
/// (what a runtime fills in), and which characters are that markup.
fn marked(t: &ir::Text) -> (String, Vec<bool>) {
    let (mut s, mut marks) = (String::new(), Vec::new());
    for piece in t.pieces() {
        let (part, var) = match piece {
            ir::Piece::Lit(lit) => (lit.clone(), false),
            ir::Piece::Var(v) => (format!("{{{{{}}}}}", v.id), true),
        };
        marks.extend(std::iter::repeat_n(var, part.chars().count()));
        s.push_str(&part);
    }
    (s, marks)
}

/// A text of the spec as Markdown ([`text`]), each per-call variable
/// `{{id}}`. A literal `{` that another literal `{` follows is written
/// `\{`, so that `callc import` never reads literal braces as a variable.
fn prose(t: &ir::Text, indent: &str) -> String {
    let (s, marks) = marked(t);
    text_marked(&s, &marks, indent)
}

/// [`line_text`] of a text of the spec (see [`prose`]).
fn prose_line(t: &ir::Text) -> String {
    let (s, marks) = marked(t);
    let mut out = String::new();
    escape_line(&s, &marks, Place::First, &mut out);
    out
}

/// Where a line of text is: the first line of the text, or a later line
/// inside a list item (indented) or a paragraph (not indented).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    First,
    InItem,
    InParagraph,
}

/// [`text`] for a place that holds one line (a heading, a label, a flow
/// note): a line feed is written as the reference `&#xA;`.
#[must_use]
pub fn line_text(s: &str) -> String {
    let mut out = String::new();
    escape_line(s, &[], Place::First, &mut out);
    out
}

/// [`text`] as a list item `- …`: an empty first line would leave a bare
/// `-`, which after a paragraph line (`**结束条件：**`) is a heading's
/// underline; it is written as a space reference instead (so a blank text
/// reads back as a space, see docs/import.md).
fn bullet(t: &ir::Text) -> String {
    let out = prose(t, "  ");
    if out.is_empty() || out.starts_with('\n') {
        format!("&#x20;{out}")
    } else {
        out
    }
}

/// [`line_text`] for a step's title, the first line of its item: a final
/// colon or dash (which the importer drops from a title) is a reference.
fn step_title(s: &str) -> String {
    let mut out = line_text(s);
    if let Some(c) = s.chars().next_back().filter(|c| matches!(c, ':' | '：' | '-' | '—')) {
        out.truncate(out.len() - c.len_utf8());
        // A backslash that escaped the character goes with it.
        let backslashes = out.len() - out.trim_end_matches('\\').len();
        if backslashes % 2 == 1 {
            out.pop();
        }
        let _ = write!(out, "&#x{:X};", u32::from(c));
    }
    out
}

/// [`line_text`] for the label of a `label：value` line: its colons are
/// references too, so that the value starts after the written colon.
fn label_text(s: &str) -> String {
    line_text(s).replace(':', "&#x3A;").replace('：', "&#xFF1A;")
}

/// ASCII punctuation, as `CommonMark` defines it: what a backslash escapes.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// One line of text (no line feed unless it is to be escaped). The rules:
///
/// - a control character (CR, NUL, … but the tab), a bidi control or an
///   invisible character, and whitespace at either end of the line (which
///   Markdown would drop), are character references: `&#xD;`, `&#x20;`;
/// - `` ` `` `*` `[` `]` `<` `>` `~` `|` `#` get a backslash wherever they
///   are (`>` also keeps `->` from reading as a flow note's arrow);
///   `\` unless a letter or digit follows it (where it is literal); `_` unless it is between two letters or digits; `&` when
///   it starts something shaped like an entity (`&amp;`, `&#9;`);
/// - at the start of the line, `-` `+` `=` `(` `"` get a backslash,
///   and a `.` or `)` after leading digits (`1.`); any other start that
///   `callc import` reads as structure (a bullet `•`, `1、`, `（`, `“`,
///   `第1步`, a label such as `答：`) has its first character written as a
///   reference;
/// - a later line of a paragraph that ends with a colon (which the importer
///   reads as a label starting a new paragraph) has it as a reference.
fn escape_line(line: &str, marks: &[bool], place: Place, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let markup = |k: usize| marks.get(k).copied().unwrap_or(false);
    let last = chars.len().saturating_sub(1);
    let reference = |c: char, out: &mut String| {
        let _ = write!(out, "&#x{:X};", u32::from(c));
    };
    let importer_structure = crate::import::reads_as_structure(line);
    let colon_label = place == Place::InParagraph && line.ends_with([':', '：']);
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (k, &c) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(k + 1).copied();
        if markup(k) || (c == '\t' && k != 0 && k != last) {
            out.push(c);
        } else if c.is_control()
            || crate::syntax::is_bidi_control(c)
            || crate::syntax::is_invisible(c)
            || (c.is_whitespace() && (k == 0 || k == last))
            || (colon_label && k == last)
            || (k == 0 && importer_structure && !is_punctuation(c))
        {
            reference(c, out);
        } else if match c {
            '`' | '*' | '[' | ']' | '<' | '>' | '~' | '|' | '#' => true,
            // Before a letter or digit a backslash is literal; before anything
            // else it could escape what follows (in the output, a reference).
            '\\' => !next.is_some_and(char::is_alphanumeric),
            '_' => !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)),
            '&' => entity_follows(&chars[k + 1..]),
            '-' | '+' | '=' | '(' | '"' => k == 0,
            // `{{` would read as a variable's markup.
            '{' => next == Some('{') && !markup(k + 1),
            '.' | ')' => digits > 0 && k == digits,
            _ => k == 0 && importer_structure && is_punctuation(c),
        } {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
}

/// Whether the characters after a `&` make it an entity or a character
/// reference (`amp;`, `#38;`, `#x26;`).
fn entity_follows(rest: &[char]) -> bool {
    let body = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    body > 0 && rest.get(body) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_only_what_opens_structure() {
        assert_eq!(text("一行，全角：“引号”😀", "  "), "一行，全角：“引号”😀");
        assert_eq!(text("# 不是标题", ""), "\\# 不是标题");
        assert_eq!(text("a\r\n  #b\rc\n\nd", "   "), "a&#xD;\n   &#x20; \\#b&#xD;c\n\n   d");
        assert_eq!(text("\\n 字面 \\*", ""), "\\n 字面 \\\\\\*");
        assert_eq!(
            text("*重点* 和 _下划线_ snake_case", ""),
            "\\*重点\\* 和 \\_下划线\\_ snake_case"
        );
        assert_eq!(text("```rust", ""), "\\`\\`\\`rust");
        assert_eq!(
            text("![x](y) [a]: b <script>", ""),
            "!\\[x\\](y) \\[a\\]: b \\<script\\>"
        );
        assert_eq!(text("&amp; & &#9; a&b", ""), "\\&amp; & \\&\\#9; a&b");
        assert_eq!(
            text("1. 一\n- 二\n> 三\n12) 四", "   "),
            "1\\. 一\n   \\- 二\n   \\> 三\n   12\\) 四"
        );
        assert_eq!(text("| a | b |\n\u{202E}x\0", ""), "\\| a \\| b \\|\n&#x202E;x&#x0;");
        assert_eq!(text("•列表\n（注）", ""), "&#x2022;列表\n&#xFF08;注）");
        assert_eq!(text("", "  "), "");
        assert_eq!(line_text("两\n行 "), "两&#xA;行&#x20;");
    }

    #[test]
    fn mentions_respects_ascii_words() {
        assert!(mentions("张强，泰山公司采购负责人，35岁", "35岁"));
        assert!(!mentions("She is female.", "male"));
        assert!(mentions("A male nurse", "male"));
        assert!(mentions("李明（男）", "男"));
        assert!(!mentions("Maria drives", "Maria Gonzalez"));
        assert!(mentions("anything", " "));
    }

    #[test]
    fn chinese_locales_get_the_reference_titles() {
        assert_eq!(layout("zh-CN").caller, "电话拨打方");
        assert_eq!(layout("zh-Hant-TW").caller, "电话拨打方");
        assert_eq!(layout("en-US").caller, "Caller");
        assert_eq!(layout("fr").caller, "Caller");
    }
}
