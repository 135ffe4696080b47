//! Content lints over the gathered parts: W0205 `end_mismatch` (an end
//! condition worded for one side only) and W0206 `duplicate_question` (the
//! same question twice in the FAQ).

use std::collections::BTreeMap;

use crate::ast::{self, Text, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::Checker;

impl Checker<'_> {
    /// W0205 `end_mismatch` and W0206 `duplicate_question` (W0208
    /// `silent_step` is found in [`Self::flow`], which reads every step anyway).
    pub(super) fn content_lints(&mut self, qas: &[&ast::Qa], whens: &[&ast::When]) {
        let with_callee = whens.iter().find(|w| w.callee.is_some());
        for w in whens {
            if w.caller.is_some() && w.callee.is_none() {
                if let Some(other) = with_callee {
                    self.diags.push(
                        Diagnostic::new(
                            Code::W0205,
                            w.id.span,
                            format!("end condition `{}` has no callee side", w.id.name),
                        )
                        .label("the simulated callee does not know this ending")
                        .with_secondary(other.id.span, "other end conditions give the callee's wording")
                        .help(format!(
                            "add `callee \"…\"` after the caller's wording of `{}`",
                            w.id.name
                        )),
                    );
                }
            } else if w.caller.is_none() && w.callee.is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::W0205,
                        w.id.span,
                        format!("end condition `{}` has only the callee's side", w.id.name),
                    )
                    .label("the caller does not know this ending")
                    .help(format!(
                        "write the caller's wording: `when {} \"…\" callee \"…\"`",
                        w.id.name
                    )),
                );
            }
        }
        let mut seen: BTreeMap<String, (Span, &str)> = BTreeMap::new();
        for q in qas {
            for f in q.fields().filter(|f| f.name.name == "q") {
                let Value::Text(t) = &f.value else { continue };
                let key = normalise_question(t);
                if key.is_empty() {
                    continue;
                }
                if let Some((first, id)) = seen.get(&key) {
                    self.diags.push(
                        Diagnostic::new(Code::W0206, t.span, "this question is asked twice in the FAQ")
                            .label("the same question as an earlier one")
                            .with_secondary(*first, format!("first asked in `{id}`"))
                            .note("questions are compared after Unicode (NFKC) normalisation, ignoring case, spaces and punctuation")
                            .help("merge the answers into one entry, or make the questions distinct"),
                    );
                } else {
                    seen.insert(key, (t.span, &q.id.name));
                }
            }
        }
    }
}

/// A question's comparison key: NFKC, lower case, letters and digits only.
fn normalise_question(t: &Text) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut raw = String::new();
    for p in &t.parts {
        match p {
            ast::TextPart::Literal(s) => raw.push_str(s),
            ast::TextPart::Placeholder(p) => raw.push_str(&p.path),
        }
    }
    raw.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}
