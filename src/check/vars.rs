//! The per-call variables (`vars`): each id declared once (E0101), its type
//! (E0106), whether a call must give it (`required`, `optional`,
//! `default V`; E0105 for two), its `example` and `default` read as its
//! type (E0106), `pii`, and a description (fixed text). Lints:
//! W0218 `unused_var` and W0219 `missing_example`.

use std::collections::HashMap;

use crate::ast::{self, Value, VarPart};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::source::Span;

use super::Checker;
use super::render::Renderer;
use super::symbols::Kind;

impl<'a> Checker<'a> {
    /// Declares the variables of the `vars` block (their own namespace,
    /// named by `{var.ID}`): the ones the IR keeps, in order, with their
    /// definitions; a second of an id is E0101 and left out.
    pub(super) fn declare_vars(&mut self, block: Option<&'a ast::Vars>) -> Vec<(&'a ast::Var, u32)> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::new();
        for v in block.into_iter().flat_map(ast::Vars::vars) {
            if let Some(first) = seen.get(v.id.name.as_str()) {
                self.symbols.define(Kind::Var, v.id.span, None);
                self.diags.push(
                    Diagnostic::new(
                        Code::E0101,
                        v.id.span,
                        format!("variable `{}` is declared twice", v.id.name),
                    )
                    .label("declared again here")
                    .with_secondary(*first, "first declared here")
                    .help("keep one of them, or give them different ids"),
                );
                continue;
            }
            seen.insert(&v.id.name, v.id.span);
            let d = self.symbols.define(Kind::Var, v.id.span, Some(out.len()));
            out.push((v, d));
        }
        out
    }

    /// W0218 for each declared variable no text names.
    pub(super) fn unused_vars(&mut self, declared: &[(&'a ast::Var, u32)], used: &[bool]) {
        for ((v, _), used) in declared.iter().zip(used) {
            if !used {
                self.diags.push(
                    Diagnostic::new(Code::W0218, v.id.span, format!("variable `{}` is never used", v.id.name))
                        .label("no text names it")
                        .help(format!(
                            "put `{{var.{}}}` in a line that needs it, or remove it (a call list may still carry the column)",
                            v.id.name
                        )),
                );
            }
        }
    }

    /// The IR of each declared variable.
    pub(super) fn vars(&mut self, r: &mut Renderer<'_>, declared: &[(&'a ast::Var, u32)]) -> Vec<ir::Var> {
        declared.iter().map(|(v, _)| self.var(r, v)).collect()
    }

    fn var(&mut self, r: &mut Renderer<'_>, v: &ast::Var) -> ir::Var {
        let kind = self.value_type(&v.kind, "variable");
        let mut need: Option<(ir::Need, Span)> = None;
        let mut example: Option<(String, Span)> = None;
        let mut pii: Option<Span> = None;
        let mut description: Option<(String, Span)> = None;
        for part in &v.parts {
            let at = part.span();
            let twice = |this: &mut Self, what: &str, first: Span, help: &str| {
                this.diags.push(
                    Diagnostic::new(Code::E0105, at, format!("variable `{}` {what}", v.id.name))
                        .label("given again here")
                        .with_secondary(first, "first given here")
                        .help(help.to_owned()),
                );
            };
            match part {
                VarPart::Required(_) | VarPart::Optional(_) | VarPart::Default(..) => {
                    if let Some((n, first)) = &need {
                        let what = format!("says both `{}` and `{}`", n.word(), need_word(part));
                        twice(
                            self,
                            &what,
                            *first,
                            "a variable is `required`, `optional`, or has a `default` (and so may be left out)",
                        );
                        continue;
                    }
                    let n = match part {
                        VarPart::Required(_) => ir::Need::Required,
                        VarPart::Optional(_) => ir::Need::Optional,
                        VarPart::Default(_, value) => {
                            ir::Need::Default(self.typed(&kind, value, "default", &v.id.name))
                        }
                        _ => continue,
                    };
                    need = Some((n, at));
                }
                VarPart::Example(_, value) => {
                    if let Some((_, first)) = &example {
                        twice(self, "has two examples", *first, "keep the one previews should use");
                        continue;
                    }
                    example = Some((self.typed(&kind, value, "example", &v.id.name), at));
                }
                VarPart::Pii(_) => {
                    if let Some(first) = pii {
                        twice(self, "is marked `pii` twice", first, "remove one");
                        continue;
                    }
                    pii = Some(at);
                }
                VarPart::Description(t) => {
                    if let Some((_, first)) = &description {
                        twice(self, "has two descriptions", *first, "merge them into one string");
                        continue;
                    }
                    description = Some((self.fixed(r, t, "a variable's description"), at));
                }
            }
        }
        let need = need.map_or(ir::Need::Required, |(n, _)| n);
        if need == ir::Need::Required && example.is_none() {
            let sample = sample_of(&kind);
            self.diags.push(
                Diagnostic::new(
                    Code::W0219,
                    v.id.span,
                    format!("required variable `{}` has no example", v.id.name),
                )
                .label("previews and simulations have no value to fill in")
                .help(format!("add `example {sample}` to the line"))
                .fix(
                    Span::new(v.kind.span.end, v.kind.span.end),
                    format!(" example {sample}"),
                ),
            );
        }
        ir::Var {
            id: v.id.name.clone(),
            kind,
            need,
            example: example.map(|(e, _)| e),
            pii: pii.is_some(),
            description: description.map(|(d, _)| d),
        }
    }

    /// A `default` or `example` value, read as the variable's type (E0106
    /// when it is not one); the value as written.
    fn typed(&mut self, kind: &ir::ValueType, value: &Value, what: &str, var: &str) -> String {
        let written = match value {
            Value::Text(t) => t
                .parts
                .iter()
                .map(|p| match p {
                    ast::TextPart::Literal(s) => s.clone(),
                    ast::TextPart::Placeholder(p) => format!("{{{}}}", p.path),
                })
                .collect(),
            Value::Integer(n, _) => n.clone(),
            Value::Word(w) => w.name.clone(),
        };
        if let Value::Text(t) = value
            && t.as_literal().is_none()
        {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    t.span,
                    format!("the {what} of `{var}` cannot hold a placeholder"),
                )
                .label("write the value itself")
                .help(format!(
                    "a variable's {what} is a value of its type, such as {}",
                    sample_of(kind)
                )),
            );
            return written;
        }
        if let Err(why) = kind.parse(&written) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    value.span(),
                    format!("the {what} of `{var}` is not a {}", kind.written()),
                )
                .label(format!("`{written}`: {why}"))
                .help(format!("write a {} such as {}", kind.word(), sample_of(kind))),
            );
        }
        written
    }
}

/// The keyword of a need part.
fn need_word(part: &VarPart) -> &'static str {
    match part {
        VarPart::Optional(_) => "optional",
        VarPart::Default(..) => "default",
        _ => "required",
    }
}

/// A value of a type, as written in a spec, for help messages.
fn sample_of(kind: &ir::ValueType) -> String {
    match kind {
        ir::ValueType::Text => "\"张强\"".to_owned(),
        ir::ValueType::Number => "12.5".to_owned(),
        ir::ValueType::Integer { min, max } => min.or(*max).unwrap_or(3).to_string(),
        ir::ValueType::Percent => "8".to_owned(),
        ir::ValueType::Money { .. } => "\"1299.00\"".to_owned(),
        ir::ValueType::Date => "\"2026-12-31\"".to_owned(),
        ir::ValueType::Time => "\"09:30\"".to_owned(),
        ir::ValueType::Phone => "\"+8613800138000\"".to_owned(),
        ir::ValueType::Email => "\"zhang@example.com\"".to_owned(),
        ir::ValueType::YesNo => "yes".to_owned(),
        ir::ValueType::OneOf(words) => words.first().cloned().unwrap_or_else(|| "word".to_owned()),
    }
}
