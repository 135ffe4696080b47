//! Scalar fields of a block: which names a block accepts, of which kind,
//! how often — and the E0105/E0106/E0107 diagnostics when a block breaks
//! those rules.

use std::collections::BTreeMap;

use crate::ast::{Field, Value};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;

use super::suggest;

/// The kind of value a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A whole number.
    Integer,
    /// A bare word.
    Word,
}

/// One field a block accepts.
pub struct FieldSpec {
    /// The field's name.
    pub name: &'static str,
    /// Its kind of value.
    pub kind: Kind,
    /// Whether it may be given more than once.
    pub repeat: bool,
}

const fn one(name: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        repeat: false,
    }
}

const fn many(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        kind: Kind::Text,
        repeat: true,
    }
}

/// Fields of `call`.
pub const CALL: &[FieldSpec] = &[
    one("title", Kind::Text),
    one("locale", Kind::Text),
    one("opening", Kind::Text),
];
/// Fields common to both parties.
pub const PARTY: &[FieldSpec] = &[
    one("name", Kind::Text),
    one("gender", Kind::Word),
    one("age", Kind::Integer),
    one("org", Kind::Text),
    one("role", Kind::Text),
    one("persona", Kind::Text),
];
/// Fields only the caller has.
pub const CALLER_ONLY: &[FieldSpec] = &[one("task", Kind::Text)];
/// Fields only the callee has.
pub const CALLEE_ONLY: &[FieldSpec] = &[many("behavior")];
/// Fields of `style`.
pub const STYLE: &[FieldSpec] = &[one("note", Kind::Text), many("avoid"), many("prefer")];
/// Fields of `qa`.
pub const QA: &[FieldSpec] = &[many("q"), one("a", Kind::Text)];
/// Fields of `end`.
pub const END: &[FieldSpec] = &[one("closing", Kind::Text)];

/// Where every field (and block keyword) that is not a plain field lives,
/// for "`task` belongs in …" messages.
fn home(name: &str) -> Option<&'static str> {
    Some(match name {
        "title" | "locale" | "opening" => "directly in `call`",
        "name" | "gender" | "age" | "org" | "role" | "persona" => "in `caller` or `callee`",
        "task" | "knows" => "in `caller`",
        "behavior" | "concern" | "background" | "style" => "in `callee`",
        "note" | "avoid" | "prefer" => "in `style`",
        "q" | "a" => "in a `qa` entry",
        "closing" | "when" => "in `end`",
        "say" | "next" => "in a `step`",
        _ => return None,
    })
}

/// The fields of one block, grouped by name, in source order.
pub type Collected<'a> = BTreeMap<&'static str, Vec<&'a Field>>;

/// Sorts a block's fields by name, reporting unknown, misplaced, repeated
/// and wrongly typed ones. `block` names the block in messages.
pub fn collect<'a>(
    block: &str,
    fields: impl IntoIterator<Item = &'a Field>,
    accepted: &[&[FieldSpec]],
    diags: &mut super::diags::Diags,
) -> Collected<'a> {
    let mut out: Collected<'a> = BTreeMap::new();
    let specs = || accepted.iter().flat_map(|s| s.iter());
    for field in fields {
        let name = field.name.name.as_str();
        let Some(spec) = specs().find(|s| s.name == name) else {
            let mut d = Diagnostic::new(
                Code::E0107,
                field.name.span,
                format!("`{name}` is not a field of `{block}`"),
            );
            if let Some(place) = home(name) {
                d = d.label(format!("`{name}` belongs {place}"));
            } else if let Some(best) = suggest(name, specs().map(|s| s.name)) {
                d = d
                    .label("unknown field")
                    .help(format!("did you mean `{best}`?"))
                    .fix(field.name.span, best);
            } else {
                d = d.label("unknown field");
            }
            let names: Vec<String> = specs().map(|s| format!("`{}`", s.name)).collect();
            diags.push(d.note(format!("`{block}` accepts {}", names.join(", "))));
            continue;
        };
        let kind = match &field.value {
            Value::Text(_) => Kind::Text,
            Value::Integer(..) => Kind::Integer,
            Value::Word(_) => Kind::Word,
        };
        if kind != spec.kind {
            let want = match spec.kind {
                Kind::Text => "a string",
                Kind::Integer => "a whole number",
                Kind::Word => "a word",
            };
            diags.push(
                Diagnostic::new(Code::E0106, field.value.span(), format!("`{name}` takes {want}"))
                    .label(format!("expected {want}")),
            );
            continue;
        }
        let entry = out.entry(spec.name).or_default();
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
