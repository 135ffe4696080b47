//! Scalar fields of a block: the E0105/E0106/E0107 diagnostics when a
//! block breaks the rules of [`crate::lang`] (which names a block accepts,
//! of which kind, how often, and where the others belong).

use std::collections::BTreeMap;

use crate::ast::{Field, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::lang::{self, Block, ValueKind};

use super::suggest;

/// The fields of one block, grouped by name, in source order.
pub type Collected<'a> = BTreeMap<&'static str, Vec<&'a Field>>;

/// Sorts the fields of a block of kind `accepted` by name, reporting
/// unknown, misplaced, repeated and wrongly typed ones. `block` names the
/// block in messages.
pub fn collect<'a>(
    block: &str,
    fields: impl IntoIterator<Item = &'a Field>,
    accepted: Block,
    diags: &mut super::diags::Diags,
) -> Collected<'a> {
    let mut out: Collected<'a> = BTreeMap::new();
    let specs = || lang::fields_of(accepted);
    for field in fields {
        let name = field.name.name.as_str();
        let Some(spec) = specs().find(|s| s.word == name) else {
            let mut d = Diagnostic::new(
                Code::E0107,
                field.name.span,
                format!("`{name}` is not a field of `{block}`"),
            );
            if let Some(place) = lang::home(name) {
                d = d.label(format!("`{name}` belongs {place}"));
            } else if let Some(best) = suggest(name, specs().map(|s| s.word)) {
                d = d
                    .label("unknown field")
                    .help(format!("did you mean `{best}`?"))
                    .fix(field.name.span, best);
            } else {
                d = d.label("unknown field");
            }
            let names: Vec<String> = specs().map(|s| format!("`{}`", s.word)).collect();
            diags.push(d.note(format!("`{block}` accepts {}", names.join(", "))));
            continue;
        };
        let kind = match &field.value {
            Value::Text(_) => ValueKind::Text,
            Value::Integer(..) => ValueKind::Integer,
            Value::Word(_) => ValueKind::Word,
        };
        if let Some(want) = spec.value.filter(|&want| want != kind) {
            let want = match want {
                ValueKind::Text => "a string",
                ValueKind::Integer => "a whole number",
                ValueKind::Word => "a word",
            };
            diags.push(
                Diagnostic::new(Code::E0106, field.value.span(), format!("`{name}` takes {want}"))
                    .label(format!("expected {want}")),
            );
            continue;
        }
        let entry = out.entry(spec.word).or_default();
        if let (false, Some(first)) = (spec.repeat, entry.first()) {
            diags.push(
                Diagnostic::new(
                    Code::E0105,
                    field.name.span,
                    format!("`{name}` is given twice in `{block}`"),
                )
                .label("given again here")
                .with_secondary(first.name.span, "first given here")
                .help("keep one of them"),
            );
            continue;
        }
        entry.push(field);
    }
    out
}
