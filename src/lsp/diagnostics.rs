//! The compiler's [`Diagnostic`] as an LSP diagnostic: the same code,
//! message and severity as `callc check`; secondary labels as related
//! information in the same document; notes, help and the lint's level
//! appended to the message the way the terminal prints them; the lint name
//! and the fix in `data`. Quick fixes are built from the same `fix`.

use std::fmt::Write as _;

use lsp_types::{
    CodeAction, CodeActionKind, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

use crate::codes::{Code, Level};
use crate::diagnostic::{Diagnostic, Fix, Severity};

use super::analysis::complete::cut;
use super::position::Map;

/// What the client can show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Support {
    /// `relatedInformation` is shown (else secondary labels go into the message).
    pub related: bool,
    /// The `unnecessary` tag is shown (faded text).
    pub unnecessary_tag: bool,
}

/// Converts one diagnostic; `None` for an allowed one.
#[must_use]
pub fn to_lsp(d: &Diagnostic, uri: &Uri, map: &Map<'_>, support: Support) -> Option<lsp_types::Diagnostic> {
    let severity = match d.severity()? {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    let mut message = d.message.clone();
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    if let Some(lint) = d.code.lint() {
        let word = |l: Level| match l {
            Level::Allow => "allowed",
            Level::Warn => "a warning",
            Level::Deny => "an error",
        };
        if d.level == d.default_level {
            let _ = write!(message, "\nnote: `{lint}` is {} by default", word(d.level));
        } else {
            let _ = write!(message, "\nnote: `{lint}` is set to {} here", word(d.level));
        }
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), map.range(l.span)),
            message: l.message.clone(),
        })
        .collect();
    if !support.related {
        for r in &related {
            let _ = write!(
                message,
                "\n{}:{}: {}",
                r.location.range.start.line + 1,
                r.location.range.start.character + 1,
                r.message
            );
        }
    }
    let tags = matches!(d.code, Code::W0201 | Code::W0204)
        .then_some(support.unnecessary_tag)
        .filter(|s| *s)
        .map(|_| vec![DiagnosticTag::UNNECESSARY]);
    Some(lsp_types::Diagnostic {
        range: map.range(d.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        code_description: None,
        source: Some("callc".to_owned()),
        message,
        related_information: (support.related && !related.is_empty()).then_some(related),
        tags,
        data: Some(json!({
            "lint": d.code.lint(),
            "label": d.label,
            "fix": d.fix.as_ref().map(|f| json!({ "range": map.range(f.span), "newText": f.replacement })),
        })),
    })
}

/// The title of a quick fix, from what it replaces.
#[must_use]
pub fn fix_title(source: &str, fix: &Fix) -> String {
    let old = cut(source.get(fix.span.range()).unwrap_or(""), 40);
    let new = cut(&fix.replacement, 40);
    match (old.is_empty(), new.is_empty()) {
        (true, _) => format!("Insert `{new}`"),
        (false, true) => format!("Remove `{old}`"),
        (false, false) => format!("Replace `{old}` with `{new}`"),
    }
}

/// A quick fix applying a diagnostic's fix, with the diagnostic attached.
#[must_use]
pub fn quick_fix(d: &Diagnostic, uri: &Uri, map: &Map<'_>, support: Support) -> Option<CodeAction> {
    let fix = d.fix.as_ref()?;
    let diagnostic = to_lsp(d, uri, map, support)?;
    let edit = TextEdit::new(map.range(fix.span), fix.replacement.clone());
    #[allow(clippy::mutable_key_type)] // `Uri` hashes its string; nothing in it changes.
    let changes = std::iter::once((uri.clone(), vec![edit])).collect();
    Some(CodeAction {
        title: fix_title(map.text, fix),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        command: None,
        is_preferred: Some(true),
        disabled: None,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use line_index::LineIndex;

    use crate::lsp::position::Encoding;

    #[test]
    fn a_did_you_mean_becomes_a_related_diagnostic_and_a_fix() {
        let src = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/check/E0102_unknown_next.call"
        ))
        .expect("fixture");
        let c = crate::compile("t.call", src.as_bytes(), &crate::check::LintLevels::default());
        let d = c.diagnostics.iter().find(|d| d.code == Code::E0102).expect("E0102");
        let lines = LineIndex::new(&src);
        let map = Map {
            text: &src,
            lines: &lines,
            encoding: Encoding::Utf16,
        };
        let uri: Uri = "file:///t.call".parse().expect("uri");
        let support = Support {
            related: true,
            unnecessary_tag: true,
        };
        let l = to_lsp(d, &uri, &map, support).expect("converted");
        assert_eq!(l.code, Some(NumberOrString::String("E0102".to_owned())));
        assert!(l.message.starts_with(&d.message) && l.message.contains("help: did you mean `docs`?"));
        // The line holds 😀 before `dcos`: the column counts it as two UTF-16 units.
        let line = src.lines().nth(l.range.start.line as usize).expect("line");
        let before = &line[..line.find("dcos").expect("dcos")];
        assert_eq!(l.range.start.character as usize, before.encode_utf16().count());
        let action = quick_fix(d, &uri, &map, support).expect("fix");
        assert_eq!(action.title, "Replace `dcos` with `docs`");
        let plain = to_lsp(d, &uri, &map, Support::default()).expect("converted");
        assert!(plain.related_information.is_none());
    }
}
