//! Hover: what the id (or keyword, or lint) under the cursor is, in
//! Markdown, with its text rendered the way the targets will say it.
//!
//! Input: an [`Analysis`] of a file that parsed and a byte offset. Output:
//! the span hovered and Markdown.

use std::fmt::Write as _;

use crate::ast::PartyKind;
use crate::check::symbols::Kind;
use crate::codes::Code;
use crate::ir;
use crate::lang::PLACEHOLDER_FIELDS;
use crate::source::Span;

use super::Analysis;
use super::complete::cut;
use super::tokens::{TokenKind, tokenize};
use crate::lang;

/// The longest text shown in full in a hover, in characters.
const MAX_TEXT: usize = 400;

/// The span hovered and what to show, in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The word hovered.
    pub span: Span,
    /// The content, in Markdown.
    pub markdown: String,
}

/// What is at `offset`, if anything worth showing.
#[must_use]
pub fn hover(analysis: &Analysis, offset: usize) -> Option<Hover> {
    let symbols = analysis.symbols()?;
    let Some(occ) = symbols.at(offset) else {
        return keyword_at(analysis.text(), offset);
    };
    let spec = analysis.compiled.spec.as_ref()?;
    let name = symbols.name(analysis.text(), occ);
    let markdown = match (occ.kind(), occ.definition()) {
        (Kind::Lint, _) => lint(&name)?,
        (kind, None) => format!("unknown {} `{name}`", kind.name()),
        (kind, Some(d)) => describe(spec, kind, symbols.definitions()[d].item()?, &name)?,
    };
    Some(Hover {
        span: occ.hit(),
        markdown,
    })
}

/// Hover on a keyword: its one-line explanation.
fn keyword_at(source: &str, offset: usize) -> Option<Hover> {
    let tokens = tokenize(source);
    let i = tokens.partition_point(|t| t.span.end < offset);
    let t = tokens
        .get(i)
        .filter(|t| t.span.start <= offset && t.kind == TokenKind::Ident)?;
    let w = lang::word(t.text(source))?;
    let kind = match w.kind {
        lang::WordKind::Keyword => "keyword",
        lang::WordKind::Field => "field",
    };
    Some(Hover {
        span: t.span,
        markdown: format!("{kind} `{}`\n\n{}", w.word, w.doc),
    })
}

fn lint(name: &str) -> Option<String> {
    let code = Code::from_lint(name)?;
    Some(format!(
        "lint `{name}` ({}, {} by default)\n\n{}",
        code.as_str(),
        code.default_level().as_str(),
        code.title()
    ))
}

/// A header line, then sections, for the IR's `item` of its kind, named `name`.
fn describe(spec: &ir::Spec, kind: Kind, item: usize, name: &str) -> Option<String> {
    let mut out = String::new();
    match kind {
        Kind::Call => {
            let _ = write!(out, "**call** `{name}`");
            if let Some(t) = &spec.title {
                let _ = write!(out, " — {}", escape(t));
            }
            let _ = write!(out, "\n\nlocale `{}`", spec.locale);
        }
        Kind::Caller | Kind::Callee => {
            let party = if kind == Kind::Caller {
                &spec.caller
            } else {
                &spec.callee
            };
            let _ = write!(out, "**{}** `{name}` — {}", kind.name(), escape(&party.name));
            let facts: Vec<String> = [&party.role, &party.org]
                .into_iter()
                .flatten()
                .map(|s| escape(s))
                .chain(party.gender.clone())
                .chain(party.age.map(|a| a.to_string()))
                .collect();
            if !facts.is_empty() {
                let _ = write!(out, " ({})", facts.join(", "));
            }
            if let Some(t) = &party.task {
                let _ = write!(out, "\n\ntask:\n{}", quote(t));
            }
        }
        Kind::Concern => {
            let c = spec.concerns.get(item)?;
            let _ = write!(
                out,
                "**concern** `{name}` · {}\n\n{}",
                c.priority.as_str(),
                quote(&c.text)
            );
            let by: Vec<String> = c
                .steps
                .iter()
                .map(|&s| format!("step `{}`", spec.steps[s].id))
                .chain(c.faq.iter().map(|&q| format!("FAQ `{}`", spec.faq[q].id)))
                .collect();
            if by.is_empty() {
                let _ = write!(out, "\n\ncovered by nothing yet");
            } else {
                let _ = write!(out, "\n\ncovered by {}", by.join(", "));
            }
        }
        Kind::Signal => {
            let (i, s) = (item, spec.signals.get(item)?);
            let _ = write!(out, "**signal** `{name}`");
            if let Some(d) = &s.description {
                let _ = write!(out, "\n\n{}", quote(d));
            }
            let mut uses = Vec::new();
            for b in spec.global_branches.iter().filter(|b| b.signal() == Some(i)) {
                uses.push(format!("at every step → {}", target(spec, b.target)));
            }
            for step in &spec.steps {
                for b in step.branches.iter().filter(|b| b.signal() == Some(i)) {
                    uses.push(format!("at `{}` → {}", step.id, target(spec, b.target)));
                }
            }
            if !uses.is_empty() {
                let _ = write!(out, "\n\n{}", bullets(&uses));
            }
        }
        Kind::Step => {
            let step = spec.steps.get(item)?;
            let _ = write!(out, "**step** `{name}`");
            if let Some(t) = &step.title {
                let _ = write!(out, " — {}", escape(t));
            }
            for line in &step.lines {
                let _ = write!(out, "\n\n{}", quote(line));
            }
            let mut facts = Vec::new();
            if !step.covers.is_empty() {
                let names: Vec<String> = step
                    .covers
                    .iter()
                    .map(|&c| format!("`{}`", spec.concerns[c].id))
                    .collect();
                facts.push(format!("covers {}", names.join(", ")));
            }
            facts.push(format!("then {}", target(spec, step.next)));
            for b in &step.branches {
                facts.push(format!("on `{}` → {}", spec.on_name(b.on), target(spec, b.target)));
            }
            let _ = write!(out, "\n\n{}", bullets(&facts));
        }
        Kind::Qa => {
            let qa = spec.faq.get(item)?;
            let _ = write!(out, "**FAQ entry** `{name}`");
            let questions: Vec<String> = qa
                .questions
                .iter()
                .map(|q| format!("Q: {}", escape(&cut(q, MAX_TEXT))))
                .collect();
            if !questions.is_empty() {
                let _ = write!(out, "\n\n{}", bullets(&questions));
            }
            let _ = write!(out, "\n\nA:\n{}", quote(&qa.answer));
        }
        Kind::End => {
            let end = spec.ends.get(item)?;
            let _ = write!(out, "**end condition** `{name}`");
            if let Some(c) = &end.caller {
                let _ = write!(out, "\n\ncaller side:\n{}", quote(c));
            }
            if let Some(c) = &end.callee {
                let _ = write!(out, "\n\ncallee side:\n{}", quote(c));
            }
        }
        Kind::Knows | Kind::Background => {
            let (root, entries) = if kind == Kind::Knows {
                ("knows", &spec.caller.knows)
            } else {
                ("background", &spec.callee.background)
            };
            let (_, value) = entries.get(item)?;
            let _ = write!(out, "`{{{root}.{name}}}`\n\n{}", quote(value));
        }
        Kind::Field(party) => {
            let p = match party {
                PartyKind::Caller => &spec.caller,
                PartyKind::Callee => &spec.callee,
            };
            let value = match *PLACEHOLDER_FIELDS.get(item)? {
                "name" => Some(p.name.clone()),
                "gender" => p.gender.clone(),
                "age" => p.age.map(|a| a.to_string()),
                "org" => p.org.clone(),
                "role" => p.role.clone(),
                _ => None,
            }?;
            let _ = write!(out, "`{{{name}}}`\n\n{}", quote(&value));
        }
        Kind::Capture => {
            let c = spec.captures.get(item)?;
            let optional = if c.optional { ", optional" } else { "" };
            let _ = write!(out, "**capture** `{name}`: {}{optional}", capture_type(&c.kind));
            if let Some(step) = spec.steps.get(c.step) {
                let _ = write!(out, " — asked at step `{}`", step.id);
            }
            let _ = write!(out, "\n\n{}", quote(&c.description));
        }
        Kind::Transfer => {
            let t = spec.transfers.get(item)?;
            let _ = write!(out, "**transfer** `{name}`");
            if let Some(title) = &t.title {
                let _ = write!(out, " — {}", escape(title));
            }
            let _ = write!(out, "\n\n{}", quote(&t.say));
            let mut facts = vec![format!(
                "to {}",
                t.to.as_deref().map_or_else(
                    || "the deployment's destination".to_owned(),
                    |to| format!("`{}`", escape(to))
                )
            )];
            facts.push(format!("if it fails → {}", target(spec, t.fallback)));
            let _ = write!(out, "\n\n{}", bullets(&facts));
        }
        Kind::Event => {
            let e = ir::Event::of(name)?;
            let _ = write!(out, "**event** `{name}` (built in)\n\nfires when {}", e.doc());
        }
        Kind::Lint => return lint(name),
    }
    Some(out)
}

fn target(spec: &ir::Spec, t: ir::Target) -> String {
    match t {
        ir::Target::Step(i) => format!("`{}`", spec.steps[i].id),
        ir::Target::End(None) => "`end`".to_owned(),
        ir::Target::End(Some(i)) => format!("`end({})`", spec.ends[i].id),
        ir::Target::Transfer(i) => format!("`transfer({})`", spec.transfers[i].id),
    }
}

/// A capture type as written: `integer(1..500)`, `one_of(a, b)`.
fn capture_type(t: &ir::CaptureType) -> String {
    match t {
        ir::CaptureType::Integer { min, max } if min.is_some() || max.is_some() => format!(
            "`integer({}..{})`",
            min.map(|n| n.to_string()).unwrap_or_default(),
            max.map(|n| n.to_string()).unwrap_or_default()
        ),
        ir::CaptureType::OneOf(values) => format!("`one_of({})`", values.join(", ")),
        other => format!("`{}`", other.word()),
    }
}

fn bullets(items: &[String]) -> String {
    items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")
}

/// Text as a Markdown block quote, cut when long.
fn quote(text: &str) -> String {
    let text = cut(text, MAX_TEXT);
    if text.trim().is_empty() {
        return "> *(empty)*".to_owned();
    }
    text.lines()
        .map(|l| format!("> {}", escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes the characters Markdown would read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"call t {
  title "续约 * 跟进"
  locale "zh-CN"
  caller 李明 { name "李明" org "长江" role "专员" knows { 公司 "泰山" } }
  callee 张强 { name "张强" background { 情境 "很忙😀" } concern 价格 primary "价格是否透明" }
  signal 忙 "张强说忙"
  opening "您好{knows.公司}{background.情境}{caller.org}"
  flow {
    on 忙 -> 发资料
    step 开场 "问候" covers 价格 { say "😀您好，{callee.name}" say "第二句" next 发资料 }
    step 发资料 { say "发" on 忙 -> end(拒绝) allow silent_step }
  }
  faq { qa 条款 covers 价格 { q "有吗？" a "有。" } }
  end { when 拒绝 "不要" callee "真不要" closing "再见" }
}
"#;

    fn hover_at(needle: &str, nth: usize) -> String {
        let a = Analysis::new("t.call", SPEC);
        let at = SPEC.match_indices(needle).nth(nth).expect("needle").0;
        hover(&a, at).map(|h| h.markdown).unwrap_or_default()
    }

    #[test]
    fn steps_show_title_lines_and_edges() {
        let h = hover_at("开场", 0);
        assert!(h.starts_with("**step** `开场` — 问候"), "{h}");
        assert!(h.contains("> 😀您好，张强"), "placeholders are rendered: {h}");
        assert!(
            h.contains("> 第二句") && h.contains("covers `价格`") && h.contains("then `发资料`"),
            "{h}"
        );
        let h = hover_at("发资料", 0);
        assert!(h.contains("on `忙` → `end(拒绝)`"), "from a reference: {h}");
    }

    #[test]
    fn concerns_signals_faq_ends_parties() {
        let h = hover_at("价格", 0);
        assert!(h.contains("· primary") && h.contains("> 价格是否透明"), "{h}");
        assert!(h.contains("covered by step `开场`, FAQ `条款`"), "{h}");
        let h = hover_at("忙 \"张强", 0);
        assert!(
            h.contains("> 张强说忙") && h.contains("at every step → `发资料`"),
            "{h}"
        );
        assert!(h.contains("at `发资料` → `end(拒绝)`"), "{h}");
        let h = hover_at("条款", 0);
        assert!(h.contains("Q: 有吗？") && h.contains("> 有。"), "{h}");
        let h = hover_at("拒绝", 1);
        assert!(
            h.contains("caller side:\n> 不要") && h.contains("callee side:\n> 真不要"),
            "{h}"
        );
        let h = hover_at("李明", 0);
        assert!(h.starts_with("**caller** `李明` — 李明 (专员, 长江)"), "{h}");
        let h = hover_at("call t", 0);
        assert!(h.contains("keyword `call`"), "{h}");
        let h = hover_at("t {", 0);
        assert!(h.contains("续约 \\* 跟进"), "markdown is escaped: {h}");
    }

    #[test]
    fn placeholders_and_lints() {
        assert!(hover_at("{knows.公司}", 0).contains("> 泰山"));
        assert!(hover_at("background.情境", 0).contains("> 很忙😀"));
        assert!(hover_at("caller.org", 0).contains("> 长江"));
        let h = hover_at("silent_step", 0);
        assert!(h.contains("W0208") && h.contains("warn by default"), "{h}");
        assert!(hover_at("say", 0).contains("a line the caller says"));
        assert_eq!(hover_at("\"再见\"", 0), "");
    }
}
