//! The compiler's [`Diagnostic`] as an LSP diagnostic: the same code,
//! message and severity as `callc check`; secondary labels as related
//! information in the same document; notes, help and the lint's level
//! appended to the message the way the terminal prints them; the lint name
//! and the fix in `data`. Quick fixes are built from the same `fix`.
//!
//! What one document publishes is bounded whatever the spec: at most
//! [`MAX_PUBLISHED`] diagnostics (errors first), texts cut at
//! [`MAX_MESSAGE_BYTES`] and [`MAX_LABEL_BYTES`], at most [`MAX_RELATED`]
//! related locations each. A spec with 50,000 broken references to ids of
//! 100 KB once made one `publishDiagnostics` of gigabytes (and the server
//! died building it).

use std::borrow::Cow;
use std::fmt::Write as _;

use lsp_types::{
    CodeAction, CodeActionKind, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

use crate::codes::{Code, Level};
use crate::diagnostic::{Diagnostic, Fix, Omitted, Severity};

use super::analysis::complete::cut;
use super::position::Map;

/// The most diagnostics published for one document; past it, the last one
/// says how many more there are.
pub const MAX_PUBLISHED: usize = 1000;

/// The longest message of a diagnostic, in bytes (cut with `…`).
pub const MAX_MESSAGE_BYTES: usize = 2048;

/// The longest related-information message and `data.label`, in bytes (cut with `…`).
pub const MAX_LABEL_BYTES: usize = 512;

/// The most related locations of one diagnostic; the message says how many more.
pub const MAX_RELATED: usize = 20;

/// `text` cut to at most `max` bytes on a character boundary, ending with `…` if cut.
#[must_use]
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

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
    // Every part is cut on its own first, so that no step holds more than the cap.
    let mut message = clip(&d.message, MAX_MESSAGE_BYTES).into_owned();
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(&clip(n, MAX_MESSAGE_BYTES));
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&clip(h, MAX_MESSAGE_BYTES));
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
        .take(MAX_RELATED)
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), map.range(l.span)),
            message: clip(&l.message, MAX_LABEL_BYTES).into_owned(),
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
    if let Some(more) = d.secondary.len().checked_sub(MAX_RELATED).filter(|n| *n > 0) {
        let _ = write!(message, "\n(and {more} more related locations)");
    }
    let message = clip(&message, MAX_MESSAGE_BYTES).into_owned();
    // A fix too long to quote is left out of `data`; the quick fix still applies it.
    let fix = d
        .fix
        .as_ref()
        .filter(|f| f.replacement.len() <= MAX_MESSAGE_BYTES)
        .map(|f| json!({ "range": map.range(f.span), "newText": f.replacement }));
    let tags = matches!(d.code, Code::W0201 | Code::W0204 | Code::W0218)
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
            "label": clip(&d.label, MAX_LABEL_BYTES),
            "fix": fix,
        })),
    })
}

/// The diagnostics to publish for a document: every one that is not
/// allowed, or, past [`MAX_PUBLISHED`], the first `MAX_PUBLISHED - 1`
/// errors and then warnings (each in file order) and one more saying how
/// many were left out, at the first of them. Only the published ones are
/// converted, so the work and memory stay bounded.
#[must_use]
pub fn publishable(
    all: &[Diagnostic],
    omitted: Omitted,
    uri: &Uri,
    map: &Map<'_>,
    support: Support,
) -> Vec<lsp_types::Diagnostic> {
    let shown = all.iter().filter(|d| d.severity().is_some()).count();
    if shown <= MAX_PUBLISHED && omitted.is_empty() {
        return all.iter().filter_map(|d| to_lsp(d, uri, map, support)).collect();
    }
    let keep = MAX_PUBLISHED - 1;
    let errors = all.iter().enumerate().filter(|(_, d)| d.is_error()).take(keep);
    let kept: Vec<usize> = errors.map(|(i, _)| i).collect();
    let warnings = all
        .iter()
        .enumerate()
        .filter(|(_, d)| d.severity() == Some(Severity::Warning))
        .take(keep - kept.len())
        .map(|(i, _)| i);
    let kept: Vec<usize> = kept.iter().copied().chain(warnings).collect();
    let mut published = vec![false; all.len()];
    for &i in &kept {
        published[i] = true;
    }
    let mut list: Vec<lsp_types::Diagnostic> = kept
        .iter()
        .filter_map(|&i| to_lsp(&all[i], uri, map, support))
        .collect();
    // The first left out, in file order, and whether any left out is an error.
    let mut left_out = all
        .iter()
        .zip(&published)
        .filter(|(d, p)| !**p && d.severity().is_some())
        .map(|(d, _)| d);
    let first = left_out.next();
    let any_error = omitted.errors > 0 || first.is_some_and(Diagnostic::is_error) || left_out.any(Diagnostic::is_error);
    let more = shown - kept.len() + omitted.total();
    list.push(lsp_types::Diagnostic {
        range: first.map(|d| map.range(d.span)).unwrap_or_default(),
        severity: Some(if any_error {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        source: Some("callc".to_owned()),
        message: format!(
            "{more} more diagnostics are not shown: the language server publishes at most {MAX_PUBLISHED} per file, errors first"
        ),
        ..lsp_types::Diagnostic::default()
    });
    list
}

/// The title of a quick fix, from what it replaces (the spaces an
/// insertion brings with it left out of the title).
#[must_use]
pub fn fix_title(source: &str, fix: &Fix) -> String {
    let old = cut(source.get(fix.span.range()).unwrap_or(""), 40);
    let trimmed = fix.replacement.trim();
    let new = cut(if trimmed.is_empty() { &fix.replacement } else { trimmed }, 40);
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
        let src = include_str!("../../tests/fixtures/check/E0102_unknown_next.call");
        let c = crate::compile("t.call", src.as_bytes(), &crate::check::LintLevels::default());
        let d = c.diagnostics.iter().find(|d| d.code == Code::E0102).expect("E0102");
        let lines = LineIndex::new(src);
        let map = Map {
            text: src,
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

    #[test]
    fn texts_are_cut_on_a_character_boundary() {
        assert_eq!(clip("短", 3), "短");
        assert_eq!(clip("长长长", 8), "长…");
        assert_eq!(clip("长长长", 6), "长…");
        assert_eq!(clip("长长长", 5), "…");
        assert_eq!(clip("ab长", 4), "a…");
        for max in 0..20 {
            assert!(clip("续约😀提前续约享8%", max).len() <= max.max(3));
        }
    }

    #[test]
    fn a_document_publishes_a_bounded_list_errors_first() {
        use crate::diagnostic::Diagnostic as D;
        use crate::source::Span;
        let src = "x".repeat(10);
        // 100 KB of Chinese in the first errors' texts, 100 related locations on each error.
        let huge = "名".repeat(33_333);
        let mut all = Vec::new();
        for i in 0..3000 {
            all.push(D::new(Code::W0204, Span::new(i % 10, i % 10 + 1), format!("警告 {i}")));
            if i % 2 == 0 {
                let text = if i < 20 { huge.as_str() } else { "短" };
                let mut e = D::new(Code::E0102, Span::new(1, 2), format!("unknown step `{text}`"))
                    .label(text)
                    .note(text);
                for _ in 0..100 {
                    e = e.with_secondary(Span::new(0, 1), text);
                }
                all.push(e);
            }
        }
        let lines = LineIndex::new(&src);
        let map = Map {
            text: &src,
            lines: &lines,
            encoding: Encoding::Utf16,
        };
        let uri: Uri = "file:///t.call".parse().expect("uri");
        for related in [true, false] {
            let support = Support {
                related,
                unnecessary_tag: true,
            };
            let list = publishable(&all, Omitted::default(), &uri, &map, support);
            assert_eq!(list.len(), MAX_PUBLISHED);
            assert!(
                list[..MAX_PUBLISHED - 1]
                    .iter()
                    .all(|d| d.severity == Some(DiagnosticSeverity::ERROR))
            );
            for d in &list {
                assert!(d.message.len() <= MAX_MESSAGE_BYTES);
                let related = d.related_information.as_deref().unwrap_or_default();
                assert!(related.len() <= MAX_RELATED);
                assert!(related.iter().all(|r| r.message.len() <= MAX_LABEL_BYTES));
            }
            let last = &list[MAX_PUBLISHED - 1];
            assert!(last.message.starts_with("3501 more diagnostics"), "{}", last.message);
            assert_eq!(last.severity, Some(DiagnosticSeverity::ERROR));
            let size = serde_json::to_string(&list).expect("json").len();
            assert!(size < 8 << 20, "{size}");
        }
        // Under the cap, everything is published, in file order.
        let few = publishable(&all[..10], Omitted::default(), &uri, &map, Support::default());
        assert_eq!(few.len(), 10);
    }
}
