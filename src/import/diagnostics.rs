//! Diagnostics into the Markdown: E0301 (not a spec), W0302 (text with no
//! place) and W0303 (concerns whose `covers` Markdown cannot say).

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::doc::{Unplaced, Why};
use super::markdown::Line;

pub(super) fn not_a_spec(lines: &[Line<'_>], parties: [Option<Line<'_>>; 2]) -> Diagnostic {
    let d = match parties {
        [Some(l), None] => Diagnostic::new(
            Code::E0301,
            l.span(),
            "the Markdown has a caller section but no callee section",
        )
        .label("the caller section; no `## 电话接听方` or `## Callee` follows"),
        [None, Some(l)] => Diagnostic::new(
            Code::E0301,
            l.span(),
            "the Markdown has a callee section but no caller section",
        )
        .label("the callee section; no `## 电话拨打方` or `## Caller` comes with it"),
        _ => {
            let first = lines.iter().find(|l| !l.is_blank()).map(|l| l.trim());
            let span = first.map_or(Span::new(0, 0), Line::span);
            let label = if first.is_some() {
                "no caller or callee section in this document"
            } else {
                "the document is empty"
            };
            Diagnostic::new(
                Code::E0301,
                span,
                "this Markdown is not a call spec in the reference layout",
            )
            .label(label)
        }
    };
    d.note("a spec has a caller section (`## 电话拨打方` or `## Caller`) and a callee section (`## 电话接听方` or `## Callee`)")
        .help("add the missing section, with its title as a heading; `callc explain E0301` shows the layout")
}

pub(super) fn covers_not_imported(span: Span, ids: &[String]) -> Diagnostic {
    let list: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
    Diagnostic::new(
        Code::W0303,
        span,
        "Markdown cannot say which steps and FAQ answers cover these concerns",
    )
    .label("imported as concerns without `covers`")
    .note(format!("imported concerns: {}", list.join(", ")))
    .note("the imported spec says `warn uncovered_concern` in its callee block, so `callc check` reports uncovered primary concerns as warnings, not errors")
    .help("write `covers CONCERN` on the steps and FAQ entries that address each concern, then delete `warn uncovered_concern`")
}

pub(super) fn unplaced_diagnostic(u: &Unplaced) -> Diagnostic {
    let (message, label, help) = match &u.why {
        Why::Preamble => (
            "text before the caller section was not imported".to_owned(),
            "not inside any section",
            "move it into a section, or delete it",
        ),
        Why::PartyIntro => (
            "text between a party heading and its first section was not imported".to_owned(),
            "not inside any section of the party",
            "move it into the role section (`### 角色` / `### Role`) or another section",
        ),
        Why::SecondNote => (
            "a second flow note for the same signal (or a second \"then\", \"retry\" or \"go on\") in one place"
                .to_owned(),
            "the first note already says where this leads",
            "keep one note per signal in each step (and one before the steps)",
        ),
        Why::UnknownSection(t) => (
            format!("section `{t}` is not part of the layout"),
            "callc does not know where this section goes",
            "rename the heading to a section of the layout (see docs/import.md), or move its text into one",
        ),
        Why::NoParty(t) => (
            format!("section `{t}` comes before the caller and callee sections"),
            "not inside the caller or the callee section",
            "move it under `## 电话拨打方`/`## Caller` or `## 电话接听方`/`## Callee`",
        ),
        Why::Entry => (
            "this line is not a `label：value` entry".to_owned(),
            "no label before a colon",
            "write it as `- label：value`",
        ),
        Why::Concern => (
            "this concern has no priority".to_owned(),
            "not `首要问题：`, `次要问题：` or `潜在问题：` (`Primary concern:` …)",
            "start it with its priority: `- 首要问题：…`, `- 次要问题：…`, `- 潜在问题：…`",
        ),
        Why::Note => (
            "callc cannot read this flow note".to_owned(),
            "not a branch or a jump callc understands",
            "write `（如 信号 → 转到第N步）`, `（说完后 → 结束通话）` or their English forms (see docs/import.md)",
        ),
        Why::StepNumber(n) => (
            format!("this note leads to step {n}, which does not exist"),
            "no step has this number",
            "number the steps 1, 2, 3, … and point the note at one of them",
        ),
        Why::FlowText => (
            "text in the flow section outside any step".to_owned(),
            "not inside a numbered step",
            "put it inside a step, or delete it",
        ),
        Why::Question => (
            "a question without an answer".to_owned(),
            "no `答：` (`A:`) line follows",
            "add the answer on the next line: `  答：…`",
        ),
        Why::Answer => (
            "an answer without a question".to_owned(),
            "no `问：` (`Q:`) line before it",
            "put the question on the line before: `- 问：…`",
        ),
        Why::Ending => (
            "text in the end section that is neither an end condition nor the closing line".to_owned(),
            "not a `- ` condition and not a quoted closing line",
            "list the end conditions as `- ` items under `**结束条件：**` and quote the closing line under `**结束语：**`",
        ),
        Why::Identity(v) => (
            format!("`{v}` is not a gender or an age callc understands"),
            "not imported",
            "write the gender as 男/女/其他 (male/female/other) and the age as a number",
        ),
        Why::Second(t) => (
            format!("a second `{t}` section"),
            "only the first one is imported",
            "merge the two sections",
        ),
        Why::Invalid(reason) => (
            format!("this note is not imported: {reason}"),
            "the language would reject it here",
            "fix the note (docs/import.md lists what each note becomes), or write the construct in the imported spec",
        ),
        Why::Transfer => (
            "this transfer has no line to say".to_owned(),
            "not `名称：“要说的话”` (`Name: “line”`)",
            "write each transfer as `- 名称：“转接前要说的话”` under `**转接：**` (`**Transfers:**`), its notes on the lines below",
        ),
    };
    Diagnostic::new(Code::W0302, u.span, message)
        .label(label)
        .note("it is kept as a `//` comment in the imported spec")
        .help(help)
}
