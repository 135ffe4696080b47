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
use super::complete::{VAR_EXAMPLE, cut, speaker_doc};
use super::tokens::{Token, TokenKind, tokenize};
use super::vars::{self, Role};
use crate::ast;
use crate::lang;

/// The longest text shown in full in a hover, in characters.
const MAX_TEXT: usize = 400;

/// The most example utterances a signal's hover lists.
const MAX_EXAMPLES: usize = 5;

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
        (Kind::Event, _) => event(spec, &name)?,
        (kind, None) => format!("unknown {} `{name}`", kind.name()),
        (kind, Some(d)) => {
            let at = At {
                analysis,
                spec,
                definition: d,
            };
            describe(&at, kind, symbols.definitions()[d].item()?, &name)?
        }
    };
    Some(Hover {
        span: occ.hit(),
        markdown,
    })
}

/// What a definition is hovered in: the analysis, its spec, the definition.
struct At<'a> {
    analysis: &'a Analysis,
    spec: &'a ir::Spec,
    definition: usize,
}

impl At<'_> {
    /// The callee blocks, in the order of the spec's callees.
    fn callees(&self) -> Vec<&ast::Party> {
        self.analysis.compiled.ast.as_ref().map_or_else(Vec::new, |f| {
            f.call
                .items
                .iter()
                .filter_map(|i| match i {
                    ast::CallItem::Party(p) if p.kind == PartyKind::Callee => Some(p),
                    _ => None,
                })
                .collect()
        })
    }

    /// The callee whose block holds the definition (its index in the spec's callees).
    fn owner(&self) -> Option<usize> {
        let symbols = self.analysis.symbols()?;
        let span = symbols.definitions().get(self.definition)?.span();
        self.callees().iter().position(|p| p.span.contains(span))
    }
}

/// Hover on a word that is not an id: a keyword or field (its one-line
/// explanation), a value type, a value of `first_speaker`.
fn keyword_at(source: &str, offset: usize) -> Option<Hover> {
    let tokens = tokenize(source);
    let i = tokens.partition_point(|t| t.span.end < offset);
    let t = tokens
        .get(i)
        .filter(|t| t.span.start <= offset && t.kind == TokenKind::Ident)?;
    let text = t.text(source);
    // The words of a variable's line: its type, `example`.
    let role = vars::read(source, &tokens[..=i]).role(i);
    if role == Some(Role::Type)
        && let Some((_, what)) = crate::ir::value::TYPES.iter().find(|(w, _)| *w == text)
    {
        return Some(Hover {
            span: t.span,
            markdown: format!("**type** `{text}`\n\n{what}"),
        });
    }
    if role == Some(Role::Keyword) && text == "example" {
        return Some(Hover {
            span: t.span,
            markdown: format!("keyword `example`\n\n{VAR_EXAMPLE}"),
        });
    }
    let mut prev = tokens[..i].iter().rev().filter(|t| t.kind != TokenKind::Comment);
    let (p0, p1) = (prev.next(), prev.next());
    let word = |t: Option<&Token>| t.filter(|t| t.kind == TokenKind::Ident).map(|t| t.text(source));
    if word(p0) == Some("first_speaker")
        && let Some(&(_, speaker)) = lang::SPEAKERS.iter().find(|(w, _)| *w == text)
    {
        let default = if speaker == ir::Speaker::default() {
            " (the default)"
        } else {
            ""
        };
        return Some(Hover {
            span: t.span,
            markdown: format!("**first speaker** `{text}`{default}\n\n{}", speaker_doc(speaker)),
        });
    }
    if word(p1) == Some("capture")
        && word(p0).is_some()
        && let Some((_, what)) = crate::ir::value::TYPES.iter().find(|(w, _)| *w == text)
    {
        return Some(Hover {
            span: t.span,
            markdown: format!("**capture type** `{text}`\n\n{what}"),
        });
    }
    let w = lang::word(text)?;
    let kind = match w.kind {
        lang::WordKind::Keyword | lang::WordKind::Contextual => "keyword",
        lang::WordKind::Field => "field",
    };
    Some(Hover {
        span: t.span,
        markdown: format!("{kind} `{}`\n\n{}", w.word, w.doc),
    })
}

/// A built-in telephony event: when it fires, and every branch taken on it.
fn event(spec: &ir::Spec, name: &str) -> Option<String> {
    let e = ir::Event::of(name)?;
    let mut out = format!("**event** `{name}` (built in)\n\nfires when {}", e.doc());
    if e == ir::Event::Silence {
        let how = if spec.silence_timeout_explicit {
            "`silence_timeout`"
        } else {
            "the default `silence_timeout`"
        };
        let _ = write!(out, " ({how}: {} s)", spec.silence_timeout);
    }
    let uses = uses(spec, ir::On::Event(e));
    if !uses.is_empty() {
        let _ = write!(out, "\n\n{}", bullets(&uses));
    }
    Some(out)
}

/// Every branch taken on a signal or an event: at the start, at every
/// step (global), at one step.
fn uses(spec: &ir::Spec, on: ir::On) -> Vec<String> {
    let mut uses = Vec::new();
    for b in spec.global_branches.iter().filter(|b| b.on == on) {
        let when = if b.is_at_start() {
            "when the call starts"
        } else {
            "at every step"
        };
        uses.push(format!("{when} → {}", target(spec, b.target)));
    }
    for step in &spec.steps {
        for b in step.branches.iter().filter(|b| b.on == on) {
            uses.push(format!("at `{}` → {}", step.id, target(spec, b.target)));
        }
    }
    uses
}

/// The end conditions and transfers that require capture `c`.
fn required_by(spec: &ir::Spec, c: usize) -> Vec<String> {
    let ends = spec
        .ends
        .iter()
        .filter(|e| e.requires.contains(&c))
        .map(|e| format!("`end({})`", e.id));
    let transfers = spec
        .transfers
        .iter()
        .filter(|t| t.requires.contains(&c))
        .map(|t| format!("`transfer({})`", t.id));
    ends.chain(transfers).collect()
}

/// "requires `邮箱`, `席位`", or nothing.
fn requires(spec: &ir::Spec, captures: &[usize]) -> Option<String> {
    let names: Vec<String> = captures
        .iter()
        .filter_map(|&c| spec.captures.get(c))
        .map(|c| format!("`{}`", c.id))
        .collect();
    (!names.is_empty()).then(|| format!("requires {}", names.join(", ")))
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
fn describe(at: &At<'_>, kind: Kind, item: usize, name: &str) -> Option<String> {
    let spec = at.spec;
    let mut out = String::new();
    match kind {
        Kind::Call => {
            let _ = write!(out, "**call** `{name}`");
            if let Some(t) = &spec.title {
                let _ = write!(out, " — {}", escape(t));
            }
            let _ = write!(
                out,
                "\n\nlocale `{}` · first speaker `{}` · silence after {} s",
                spec.locale,
                spec.first_speaker.as_str(),
                spec.silence_timeout
            );
        }
        Kind::Caller | Kind::Callee => {
            let party = if kind == Kind::Caller {
                &spec.caller
            } else {
                spec.callees.get(item)?
            };
            let _ = write!(out, "**{}** `{name}` — {}", kind.name(), escape(&said(&party.name)));
            let facts: Vec<String> = [&party.role, &party.org]
                .into_iter()
                .flatten()
                .map(|s| escape(&said(s)))
                .chain(party.gender.clone())
                .chain(party.age.map(|a| a.to_string()))
                .collect();
            if !facts.is_empty() {
                let _ = write!(out, " ({})", facts.join(", "));
            }
            if let Some(t) = &party.task {
                let _ = write!(out, "\n\ntask:\n{}", quote(&said(t)));
            }
            if kind == Kind::Callee {
                callee(at, item, &mut out);
            }
        }
        Kind::Concern => {
            let c = spec.concerns.get(item)?;
            let _ = write!(out, "**concern** `{name}`");
            let blocks = at.callees();
            let writes = |k: usize| blocks.get(k).is_some_and(|b| b.concerns().any(|x| x.id.name == c.id));
            // Each callee's stance: quoted where written, named where inherited.
            let mut inherited = Vec::new();
            for (k, p) in spec.callees.iter().enumerate() {
                let Some(st) = p.concerns.iter().find(|st| st.concern == item) else {
                    continue;
                };
                if writes(k) || blocks.is_empty() {
                    let _ = write!(
                        out,
                        "\n\n`{}` · {}\n{}",
                        p.id,
                        st.priority.as_str(),
                        quote(&said(&st.text))
                    );
                } else {
                    let from = ancestors(spec, k)
                        .find(|&b| writes(b))
                        .and_then(|b| spec.callees.get(b));
                    inherited.push(match from {
                        Some(b) => format!("`{}` · {}, as `{}`", p.id, st.priority.as_str(), b.id),
                        None => format!("`{}` · {}", p.id, st.priority.as_str()),
                    });
                }
            }
            if !inherited.is_empty() {
                let _ = write!(out, "\n\ninherited:\n{}", bullets(&inherited));
            }
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
            let s = spec.signals.get(item)?;
            let _ = write!(out, "**signal** `{name}`");
            if let Some(d) = &s.description {
                let _ = write!(out, "\n\n{}", quote(&said(d)));
            }
            // What the callee might say: at most a few, one line each.
            if !s.examples.is_empty() {
                let mut said: Vec<String> = s
                    .examples
                    .iter()
                    .take(MAX_EXAMPLES)
                    .map(|e| format!("“{}”", escape(&cut(e, 80))))
                    .collect();
                if s.examples.len() > MAX_EXAMPLES {
                    said.push(format!("and {} more", s.examples.len() - MAX_EXAMPLES));
                }
                let _ = write!(out, "\n\nexamples:\n{}", bullets(&said));
            }
            let uses = uses(spec, ir::On::Signal(item));
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
                let _ = write!(out, "\n\n{}", quote(&said(line)));
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
            facts.push(if step.waits {
                "waits for a reply".to_owned()
            } else {
                "does not wait for a reply (`continue`)".to_owned()
            });
            let captures: Vec<String> = step
                .captures
                .iter()
                .filter_map(|&c| spec.captures.get(c))
                .map(|c| {
                    let optional = if c.optional { ", optional" } else { "" };
                    format!("`{}` ({}{optional})", c.id, capture_type(&c.kind))
                })
                .collect();
            if !captures.is_empty() {
                facts.push(format!("captures {}", captures.join(", ")));
            }
            facts.push(format!("then {}", target(spec, step.next)));
            for b in &step.branches {
                facts.push(format!("on `{}` → {}", spec.on_name(b.on), target(spec, b.target)));
            }
            if let Some(r) = step.retry {
                let times = if r.max == 1 { "once" } else { "times" };
                let n = if r.max == 1 {
                    String::new()
                } else {
                    format!("{} ", r.max)
                };
                facts.push(format!(
                    "retry: runs again at most {n}{times}, then → {}",
                    target(spec, r.then)
                ));
            }
            let _ = write!(out, "\n\n{}", bullets(&facts));
        }
        Kind::Qa => {
            let qa = spec.faq.get(item)?;
            let _ = write!(out, "**FAQ entry** `{name}`");
            let questions: Vec<String> = qa
                .questions
                .iter()
                .map(|q| format!("Q: {}", escape(&cut(&said(q), MAX_TEXT))))
                .collect();
            if !questions.is_empty() {
                let _ = write!(out, "\n\n{}", bullets(&questions));
            }
            let _ = write!(out, "\n\nA:\n{}", quote(&said(&qa.answer)));
        }
        Kind::End => {
            let end = spec.ends.get(item)?;
            let _ = write!(out, "**end condition** `{name}`");
            if let Some(c) = &end.caller {
                let _ = write!(out, "\n\ncaller side:\n{}", quote(&said(c)));
            }
            if let Some(c) = &end.callee {
                let _ = write!(out, "\n\ncallee side:\n{}", quote(&said(c)));
            }
            if let Some(r) = requires(spec, &end.requires) {
                let _ = write!(out, "\n\n- {r}");
            }
        }
        Kind::Knows => {
            let (_, value) = spec.caller.knows.get(item)?;
            let _ = write!(out, "`{{knows.{name}}}`\n\n{}", quote(&said(value)));
        }
        Kind::Background => {
            // The label of the callee whose block writes it (its item counts that block's own labels).
            let k = at.owner().unwrap_or(0);
            let p = spec.callees.get(k)?;
            let (_, value) = p.background.iter().find(|(l, _)| l == name)?;
            let _ = write!(out, "`{{background.{name}}}`\n\n{}", quote(&said(value)));
            if spec.callees.len() > 1 {
                let _ = write!(out, "\n\n- in the `background` of callee `{}`", p.id);
            }
        }
        Kind::Field(party) => {
            let p = match party {
                PartyKind::Caller => &spec.caller,
                PartyKind::Callee => spec.callees.get(at.owner().unwrap_or(0))?,
            };
            let value = match *PLACEHOLDER_FIELDS.get(item)? {
                "name" => Some(said(&p.name)),
                "gender" => p.gender.clone(),
                "age" => p.age.map(|a| a.to_string()),
                "org" => p.org.as_ref().map(said),
                "role" => p.role.as_ref().map(said),
                _ => None,
            }?;
            let _ = write!(out, "`{{{name}}}`\n\n{}", quote(&value));
            if party == PartyKind::Callee && spec.callees.len() > 1 {
                let _ = write!(out, "\n\n- given by callee `{}`", p.id);
            }
        }
        Kind::Var => {
            let v = spec.vars.get(item)?;
            let _ = write!(out, "**variable** `{{var.{name}}}` · {}", code(&v.kind.written()));
            // How a value is said in the spec's language: `2026-12-31` is 12月31日 in Chinese.
            let spoken = |value: &str| {
                v.kind
                    .parse(value)
                    .map(|x| x.spoken(spec.language()))
                    .ok()
                    .filter(|s| s != value)
                    .map_or_else(String::new, |s| format!(" (said “{}”)", escape(&s)))
            };
            let mut facts = vec![match &v.need {
                ir::Need::Required => "required: every call gives it".to_owned(),
                ir::Need::Optional => "optional: a call may leave it out".to_owned(),
                ir::Need::Default(d) => {
                    format!("default {}{}: a call that gives none takes it", code(d), spoken(d))
                }
            }];
            if let Some(e) = &v.example {
                facts.push(format!("example {}{}", code(e), spoken(e)));
            }
            if v.pii {
                facts.push("personal data (`pii`): masked in logs and transcripts".to_owned());
            }
            facts.push(used(at));
            if let Some(d) = &v.description {
                let _ = write!(out, "\n\n{}", quote(d));
            }
            let _ = write!(out, "\n\n{}", bullets(&facts));
        }
        Kind::Capture => {
            let c = spec.captures.get(item)?;
            let optional = if c.optional { ", optional" } else { "" };
            let _ = write!(out, "**capture** `{name}`: {}{optional}", capture_type(&c.kind));
            if let Some(step) = spec.steps.get(c.step) {
                let _ = write!(out, " — asked at step `{}`", step.id);
            }
            let _ = write!(out, "\n\n{}", quote(&c.description));
            let by = required_by(spec, item);
            if !by.is_empty() {
                let _ = write!(out, "\n\n- required by {}", by.join(", "));
            }
        }
        Kind::Transfer => {
            let t = spec.transfers.get(item)?;
            let _ = write!(out, "**transfer** `{name}`");
            if let Some(title) = &t.title {
                let _ = write!(out, " — {}", escape(title));
            }
            let _ = write!(out, "\n\n{}", quote(&said(&t.say)));
            let mut facts = vec![format!(
                "to {}",
                t.to.as_ref().map_or_else(
                    || "the deployment's destination".to_owned(),
                    |to| format!("`{}`", escape(&said(to)))
                )
            )];
            facts.push(format!("if it fails → {}", target(spec, t.fallback)));
            facts.extend(requires(spec, &t.requires));
            let _ = write!(out, "\n\n{}", bullets(&facts));
        }
        Kind::Event => return event(spec, name),
        Kind::Lint => return lint(name),
    }
    Some(out)
}

/// A callee's part of its hover: what it extends (the whole chain), who
/// extends it, and its concerns with its own priorities (those it inherits
/// marked with the callee it takes them from).
fn callee(at: &At<'_>, item: usize, out: &mut String) {
    let spec = at.spec;
    let Some(party) = spec.callees.get(item) else {
        return;
    };
    let mut facts = Vec::new();
    let chain: Vec<String> = ancestors(spec, item)
        .filter_map(|b| spec.callees.get(b))
        .map(|b| format!("`{}`", b.id))
        .collect();
    if !chain.is_empty() {
        facts.push(format!("extends {}", chain.join(" → ")));
    }
    let heirs: Vec<String> = spec
        .callees
        .iter()
        .filter(|p| p.extends == Some(item))
        .map(|p| format!("`{}`", p.id))
        .collect();
    if !heirs.is_empty() {
        facts.push(format!("extended by {}", heirs.join(", ")));
    }
    if !facts.is_empty() {
        let _ = write!(out, "\n\n{}", bullets(&facts));
    }
    let blocks = at.callees();
    let writes = |k: usize, id: &str| blocks.get(k).is_some_and(|b| b.concerns().any(|c| c.id.name == id));
    let concerns: Vec<String> = party
        .concerns
        .iter()
        .filter_map(|st| {
            let c = spec.concerns.get(st.concern)?;
            let mut line = format!(
                "`{}` · {} — {}",
                c.id,
                st.priority.as_str(),
                escape(&cut(&said(&st.text), 80))
            );
            if !writes(item, &c.id)
                && let Some(from) = ancestors(spec, item)
                    .find(|&b| writes(b, &c.id))
                    .and_then(|b| spec.callees.get(b))
            {
                let _ = write!(line, " (from `{}`)", from.id);
            }
            Some(line)
        })
        .collect();
    if !concerns.is_empty() {
        let _ = write!(out, "\n\nconcerns:\n{}", bullets(&concerns));
    }
}

/// The callees callee `k` extends, nearest first (bounded: the checker
/// broke any cycle, E0114).
fn ancestors(spec: &ir::Spec, k: usize) -> impl Iterator<Item = usize> + '_ {
    let mut at = spec.callees.get(k).and_then(|p| p.extends);
    let mut hops = 0;
    std::iter::from_fn(move || {
        let b = at.filter(|_| hops < spec.callees.len())?;
        hops += 1;
        at = spec.callees.get(b).and_then(|p| p.extends);
        Some(b)
    })
}

/// A text as the spec writes it: a per-call variable as `{var.NAME}`.
fn said(t: &ir::Text) -> String {
    t.render(|v, out| {
        out.push_str("{var.");
        out.push_str(&v.id);
        out.push('}');
    })
}

/// Where a variable is named: how many times, and in which parts of the spec.
fn used(at: &At<'_>) -> String {
    let (Some(symbols), Some(file)) = (at.analysis.symbols(), at.analysis.compiled.ast.as_ref()) else {
        return String::new();
    };
    let mut count = 0;
    let mut places: Vec<String> = Vec::new();
    for o in symbols.occurrences_of(at.definition).filter(|o| !o.is_definition()) {
        count += 1;
        let place = place(&file.call, o.span().start);
        if !places.contains(&place) {
            places.push(place);
        }
    }
    match count {
        0 => "not used yet (W0218 `unused_var`)".to_owned(),
        1 => format!("used once, in {}", places.join(", ")),
        n => format!("used {n} times, in {}", places.join(", ")),
    }
}

/// The part of the call that holds `offset`, in words: "step `greet`",
/// "callee `zhang`", "`opening`".
fn place(call: &ast::Call, offset: usize) -> String {
    let inside = |span: crate::source::Span| span.start <= offset && offset < span.end;
    for item in &call.items {
        match item {
            ast::CallItem::Party(p) if inside(p.span) => return format!("{} `{}`", p.kind.keyword(), p.id.name),
            ast::CallItem::Signal(s) if inside(s.span) => return format!("signal `{}`", s.id.name),
            ast::CallItem::Flow(f) if inside(f.span) => {
                return f
                    .steps()
                    .find(|s| inside(s.span))
                    .map_or_else(|| "`flow`".to_owned(), |s| format!("step `{}`", s.id.name));
            }
            ast::CallItem::Faq(f) if inside(f.span) => {
                return f
                    .qas()
                    .find(|q| inside(q.span))
                    .map_or_else(|| "`faq`".to_owned(), |q| format!("FAQ `{}`", q.id.name));
            }
            ast::CallItem::End(e) if inside(e.span) => {
                for i in &e.items {
                    match i {
                        ast::EndItem::When(w) if inside(w.span) => return format!("`end({})`", w.id.name),
                        ast::EndItem::Transfer(t) if inside(t.span) => return format!("`transfer({})`", t.id.name),
                        ast::EndItem::Field(f) if inside(f.span) => return format!("`{}`", f.name.name),
                        _ => {}
                    }
                }
                return "`end`".to_owned();
            }
            ast::CallItem::Field(f) if inside(f.span) => return format!("`{}`", f.name.name),
            _ => {}
        }
    }
    "the call".to_owned()
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
fn capture_type(t: &ir::ValueType) -> String {
    match t {
        ir::ValueType::Integer { min, max } if min.is_some() || max.is_some() => format!(
            "`integer({}..{})`",
            min.map(|n| n.to_string()).unwrap_or_default(),
            max.map(|n| n.to_string()).unwrap_or_default()
        ),
        ir::ValueType::OneOf(values) => format!("`one_of({})`", values.join(", ")),
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

/// Text as a Markdown code span (which takes no escapes: a backtick in it
/// takes a longer fence).
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
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

    const LISTEN: &str = r#"call 续约 {
  locale "zh-CN"
  first_speaker caller
  caller 李明 { name "李明" }
  callee 张强 { name "张强" }
  signal 忙 "张强说忙😀"
  flow {
    on voicemail -> 留言
    on silence -> 要邮箱
    on 忙 -> transfer(销售)
    step 说明 "说明😀" { say "您好😀" continue }
    step 要邮箱 "确认邮箱" {
      say "邮箱是？"
      capture 邮箱 email "张强的邮箱😀"
      capture 席位 integer(1..500) optional "席位数"
      retry 2 -> end(挂断)
      on hangup -> end(挂断)
      -> end(留邮箱)
    }
    step 留言 { say "请回电😀" continue -> end }
  }
  end {
    when 留邮箱 "留下邮箱" callee "给了邮箱" requires 邮箱
    when 挂断 "挂断" callee "挂了"
    transfer 销售 "销售顾问😀" {
      say "请稍候。"
      fallback end(挂断)
      requires 邮箱, 席位
    }
    closing "再见"
  }
}
"#;

    fn listen_hover(needle: &str, nth: usize) -> String {
        let a = Analysis::new("t.call", LISTEN);
        assert!(!a.compiled.has_errors(), "{:?}", a.compiled.diagnostics);
        let at = LISTEN.match_indices(needle).nth(nth).expect("needle").0;
        hover(&a, at).map(|h| h.markdown).unwrap_or_default()
    }

    #[test]
    fn events_say_when_they_fire_and_where_they_lead() {
        let h = listen_hover("voicemail", 0);
        assert!(
            h.starts_with("**event** `voicemail` (built in)\n\nfires when an answering machine"),
            "{h}"
        );
        assert!(h.contains("- when the call starts → `留言`"), "{h}");
        let h = listen_hover("silence", 0);
        assert!(h.contains("(the default `silence_timeout`: 7 s)"), "{h}");
        assert!(h.contains("- at every step → `要邮箱`"), "{h}");
        let h = listen_hover("hangup", 0);
        assert!(h.contains("- at `要邮箱` → `end(挂断)`"), "{h}");
        let explicit = LISTEN.replace("first_speaker caller", "silence_timeout 12");
        let a = Analysis::new("t.call", &explicit);
        let h = hover(&a, explicit.find("silence ->").expect("silence"))
            .expect("hover")
            .markdown;
        assert!(h.contains("(`silence_timeout`: 12 s)"), "{h}");
    }

    #[test]
    fn steps_say_whether_they_wait_what_they_capture_and_their_retry() {
        let h = listen_hover("要邮箱 \"", 0);
        for part in [
            "- waits for a reply",
            "- captures `邮箱` (`email`), `席位` (`integer(1..500)`, optional)",
            "- then `end(留邮箱)`",
            "- on `hangup` → `end(挂断)`",
            "- retry: runs again at most 2 times, then → `end(挂断)`",
        ] {
            assert!(h.contains(part), "{part}: {h}");
        }
        let h = listen_hover("说明", 0);
        assert!(h.contains("- does not wait for a reply (`continue`)"), "{h}");
        assert!(!h.contains("captures") && !h.contains("retry"), "{h}");
    }

    #[test]
    fn captures_transfers_and_requirements() {
        // From the definition and from a `requires`.
        let a = Analysis::new("t.call", LISTEN);
        let def = LISTEN.find("邮箱 email").expect("definition");
        let reference = LISTEN.find("requires 邮箱\n").expect("reference") + "requires ".len();
        for at in [def, reference] {
            let h = hover(&a, at).expect("hover").markdown;
            assert!(
                h.starts_with("**capture** `邮箱`: `email` — asked at step `要邮箱`"),
                "{h}"
            );
            assert!(h.contains("> 张强的邮箱😀"), "{h}");
            assert!(h.contains("- required by `end(留邮箱)`, `transfer(销售)`"), "{h}");
        }
        let h = listen_hover("席位", 0);
        assert!(
            h.contains("`integer(1..500)`, optional") && h.contains("required by `transfer(销售)`"),
            "{h}"
        );
        for nth in [0, 1] {
            let h = listen_hover("销售", nth);
            assert!(h.starts_with("**transfer** `销售` — 销售顾问😀"), "{h}");
            assert!(
                h.contains("> 请稍候。") && h.contains("- to the deployment's destination"),
                "{h}"
            );
            assert!(
                h.contains("- if it fails → `end(挂断)`") && h.contains("- requires `邮箱`, `席位`"),
                "{h}"
            );
        }
        let h = listen_hover("留邮箱 \"", 0);
        assert!(h.ends_with("- requires `邮箱`"), "{h}");
        let h = listen_hover("续约", 0);
        assert!(h.contains("first speaker `caller` · silence after 7 s"), "{h}");
    }

    #[test]
    fn capture_types_speakers_and_the_new_keywords() {
        let h = listen_hover("email \"", 0);
        assert_eq!(h, "**capture type** `email`\n\nan e-mail address");
        let h = listen_hover("integer", 0);
        assert!(h.starts_with("**capture type** `integer`"), "{h}");
        let h = listen_hover("caller\n", 0);
        assert!(
            h.starts_with("**first speaker** `caller`\n\nthe opening is said"),
            "{h}"
        );
        for (word, doc) in [
            ("continue", "without waiting for a reply"),
            ("retry", "at most 1 + N times"),
            ("optional", "whether or not the reply gives the value"),
            ("requires", "the captures that must be made"),
            ("fallback", "if the transfer fails"),
            ("first_speaker", "who speaks first"),
        ] {
            let h = listen_hover(word, 0);
            assert!(
                h.starts_with(&format!("keyword `{word}`")) || h.starts_with(&format!("field `{word}`")),
                "{h}"
            );
            assert!(h.contains(doc), "{word}: {h}");
        }
        // `transfer` in a target is the keyword.
        assert!(listen_hover("transfer(", 0).starts_with("keyword `transfer`"));
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

    use crate::lsp::analysis::fixtures::MANY;

    fn many_hover(needle: &str, delta: usize) -> String {
        hover_in(MANY, needle, delta)
    }

    fn hover_in(src: &str, needle: &str, delta: usize) -> String {
        let a = Analysis::new("t.call", src);
        assert!(a.compiled.diagnostics.is_empty(), "{:?}", a.compiled.diagnostics);
        let at = src.find(needle).expect("needle") + delta;
        hover(&a, at).map(|h| h.markdown).unwrap_or_default()
    }

    #[test]
    fn variables_say_their_type_need_example_and_uses() {
        // From the definition and from a `{var.…}`.
        for (needle, delta) in [("到期日 date", 0), ("{var.到期日}", 0), ("{var.到期日}", 6)] {
            let h = many_hover(needle, delta);
            assert_eq!(
                h,
                "**variable** `{var.到期日}` · `date`\n\n- required: every call gives it\n- example `2026-12-31` \
                 (said “12月31日”)\n- used once, in step `开场`",
                "{needle}+{delta}"
            );
        }
        let h = many_hover("客户   text", 0);
        assert!(h.contains("> 客户姓名😀") && h.contains("- example `张强`\n"), "{h}");
        assert!(h.contains("- used 2 times, in callee `张强`, `closing`"), "{h}");
        let h = many_hover("优惠   percent", 0);
        assert!(
            h.contains("- default `8` (said “8%”): a call that gives none takes it"),
            "{h}"
        );
        let h = many_hover("套餐   one_of", 0);
        assert!(h.starts_with("**variable** `{var.套餐}` · `one_of(标准, 高级)`"), "{h}");
        let h = many_hover("回拨   phone", 0);
        assert!(
            h.contains("- optional: a call may leave it out\n- personal data (`pii`)"),
            "{h}"
        );
        let h = many_hover("费用   money", 0);
        assert!(h.contains("example `1299.00` (said “"), "{h}");
        // An unused variable says so; a variable declared twice has its first's hover.
        let src = MANY.replace("    回拨   phone", "    闲置 text optional\n    回拨   phone");
        let a = Analysis::new("t.call", &src);
        let h = hover(&a, src.find("闲置").expect("var")).expect("hover").markdown;
        assert!(h.contains("- not used yet (W0218 `unused_var`)"), "{h}");
    }

    #[test]
    fn callees_show_their_chain_heirs_and_own_priorities() {
        let h = many_hover("比价 extends", 0);
        assert!(h.starts_with("**callee** `比价` — {var.客户}"), "{h}");
        assert!(h.contains("- extends `忙碌` → `张强`"), "{h}");
        assert!(
            h.contains("concerns:\n- `条款` · primary — 条款是否有书面明细😀 (from `张强`)\n- `价格` · primary — 只关心最终价格"),
            "{h}"
        );
        let h = many_hover("忙碌 extends", 0);
        assert!(h.contains("- extends `张强`\n- extended by `比价`"), "{h}");
        assert!(h.contains("- `价格` · latent — 价格之后再看"), "{h}");
        // From an `extends`: the callee it names.
        let h = many_hover("extends 张强", "extends ".len());
        assert!(
            h.starts_with("**callee** `张强`") && h.contains("- extended by `忙碌`"),
            "{h}"
        );
        assert!(h.contains("- `价格` · secondary — 价格是否透明"), "{h}");
    }

    #[test]
    fn a_concern_shows_each_callees_stance() {
        let h = many_hover("价格 latent", 0);
        for part in [
            "`张强` · secondary\n> 价格是否透明",
            "`忙碌` · latent\n> 价格之后再看",
            "`比价` · primary\n> 只关心最终价格",
            "covered by step `报价`",
        ] {
            assert!(h.contains(part), "{part}: {h}");
        }
        let h = many_hover("条款 primary", 0);
        assert!(
            h.contains("inherited:\n- `忙碌` · primary, as `张强`\n- `比价` · primary, as `张强`"),
            "{h}"
        );
    }

    #[test]
    fn placeholders_name_the_callee_that_gives_the_value() {
        let src = crate::lsp::analysis::fixtures::many_with_background();
        let h = hover_in(&src, "{callee.name}，", 1);
        assert_eq!(h, "`{callee.name}`\n\n> {var.客户}\n\n- given by callee `张强`");
        let h = hover_in(&src, "{background.情境}", 1);
        assert_eq!(
            h,
            "`{background.情境}`\n\n> 在开会😀\n\n- in the `background` of callee `忙碌`"
        );
        // A line that names a variable shows it as written.
        let h = many_hover("报价 covers", 0);
        assert!(h.contains("> 享{var.优惠}优惠"), "{h}");
    }

    #[test]
    fn a_signal_shows_its_examples() {
        let h = many_hover("忙 \"", 0);
        assert_eq!(
            h,
            "**signal** `忙`\n\n> 张强说忙😀\n\nexamples:\n- “我现在很忙，发邮箱吧”\n- “在开会😀”\n\n- at every step → \
             `end(拒绝)`"
        );
        let many = (0..7).fold(String::new(), |mut s, i| {
            let _ = write!(s, "example \"第{i}句\" ");
            s
        });
        let src = MANY.replace("example \"在开会😀\"", &many);
        let a = Analysis::new("t.call", &src);
        let h = hover(&a, src.find("忙 \"").expect("signal")).expect("hover").markdown;
        assert!(h.contains("- “第3句”\n- and 3 more"), "{h}");
    }

    #[test]
    fn the_words_of_variable_lines_callees_and_signals() {
        assert_eq!(
            many_hover("money(CNY)", 0),
            "**type** `money`\n\nan amount in one currency, `money(CNY)`"
        );
        assert!(many_hover("date ", 0).starts_with("**type** `date`"));
        let h = many_hover("example \"张强\"", 0);
        assert!(h.starts_with("keyword `example`") && h.contains("previews"), "{h}");
        let h = many_hover("example \"在开会", 0);
        assert!(
            h.starts_with("field `example`") && h.contains("gives the signal"),
            "{h}"
        );
        for (word, doc) in [
            ("extends", "the callee this one is a variant of"),
            ("required", "every call must give a value"),
            ("default", "the value a call that gives none takes"),
            ("pii", "personal data"),
            ("optional pii", "a call may leave the variable out"),
            ("vars", "per-call variables"),
        ] {
            let h = many_hover(word, 0);
            assert!(h.contains(doc), "{word}: {h}");
        }
    }
}
