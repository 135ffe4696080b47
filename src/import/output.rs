//! Writing `.call`: the document model, with ids and names, becomes the
//! `.call` text; the importer's comments (headings, TODOs, what it could
//! not place) go with it, in the spec's language.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::emit::markdown::ZH;
use crate::emit::names::transliterate;
use crate::source::Span;
use crate::syntax::KEYWORDS;

use super::diagnostics::{covers_not_imported, unplaced_diagnostic};
use super::doc::{Block, Doc, PartyDoc, RawNote, RawTarget, Unplaced, Why};
use super::ids::{Taken, claim, derive_id};
use super::names::{NameFrom, names};
use super::sections::Kind;
use super::text::decode;

/// Comments the importer writes, in the spec's language.
struct Words {
    header: &'static str,
    names: [&'static str; 4],
    covers: [&'static str; 3],
    unplaced: &'static str,
    no_closing: &'static str,
    no_steps: &'static str,
    paired: &'static str,
}

const ZH_WORDS: Words = Words {
    header: "由 callc import 从 Markdown 导入。请核对标有 TODO 的地方。",
    names: [
        "取自“角色”的第一句，请核对",
        "取自开场白或第一步里的自我介绍，请核对",
        "取自拨打方的问候，请核对",
        "TODO: Markdown 没有单独写出姓名，请填写",
    ],
    covers: [
        "TODO(W0303): Markdown 无法说明哪一步或哪条问答回应了哪个关切点。",
        "请在回应它们的步骤和问答上写 `covers`，再删除下面的 `warn uncovered_concern`",
        "（它让未被回应的首要关切点暂时只报警告，而不是错误）。",
    ],
    unplaced: "未能导入（Markdown 第 {} 行）：",
    no_closing: "TODO: Markdown 里没有结束语",
    no_steps: "TODO: Markdown 里没有编号的步骤",
    paired: "拨打方与接听方的结束条件一样多，已按顺序一一配对，请核对",
};

const EN_WORDS: Words = Words {
    header: "Imported from Markdown by callc import. Review the places marked TODO.",
    names: [
        "taken from the first words of the role; please check",
        "taken from the self-introduction in the opening or the first step; please check",
        "taken from the caller's greeting; please check",
        "TODO: the Markdown does not give the name on its own; fill it in",
    ],
    covers: [
        "TODO(W0303): Markdown cannot say which step or FAQ answer addresses which concern.",
        "Write `covers` on the steps and answers that address them, then delete the `warn uncovered_concern` below",
        "(it makes uncovered primary concerns warnings instead of errors until then).",
    ],
    unplaced: "Not imported (Markdown line {}):",
    no_closing: "TODO: the Markdown has no closing line",
    no_steps: "TODO: the Markdown has no numbered steps",
    paired: "The caller's and the callee's lists of end conditions are as long as each other: paired in order; please check",
};

/// The one escaping function for `.call` string literals: a `"…"` string
/// with `\\`, `\"`, `\n`, `\r`, `\0`, `\u{…}` for other control characters
/// and `{{`/`}}` for braces (which would otherwise open a placeholder); a
/// text of several lines becomes a `"""` block indented by `indent` when
/// the block reads back to exactly the same text (no `"""`, no CR, no blank
/// first or last line, no trailing spaces, some line not indented: the
/// block's trim and dedent would take them), and a one-line string with
/// `\n` otherwise.
fn lit(s: &str, indent: &str) -> String {
    let decoded = decode(s);
    let s = decoded.as_str();
    let block = s.contains('\n')
        && !s.contains("\"\"\"")
        && !s.contains('\r')
        && s.lines().next().is_some_and(|l| !l.trim().is_empty())
        && s.lines().last().is_some_and(|l| !l.trim().is_empty())
        && !s.ends_with('\n')
        && s.lines()
            .all(|l| l.is_empty() || (!l.trim().is_empty() && l.trim_end() == l))
        // The block's dedent takes the indentation common to its lines.
        && s.lines().any(|l| !l.is_empty() && !l.starts_with([' ', '\t']));
    let mut out = String::new();
    out.push_str(if block { "\"\"\"\n" } else { "\"" });
    let mut at_line_start = block;
    for c in s.chars() {
        if block && at_line_start && c != '\n' {
            out.push_str(indent);
            out.push_str("  ");
        }
        at_line_start = false;
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if !block => out.push_str("\\\""),
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            '\n' if block => {
                out.push('\n');
                at_line_start = true;
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push('\t'),
            c if c.is_control() || crate::syntax::is_bidi_control(c) || crate::syntax::is_invisible(c) => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    if block {
        let _ = write!(out, "\n{indent}  \"\"\"");
    } else {
        out.push('"');
    }
    out
}

/// A label of `knows`/`background`: a word when it is an identifier, a
/// string otherwise.
fn label(s: &str) -> String {
    let ident = s.starts_with(|c: char| unicode_ident::is_xid_start(c) || c == '_')
        && s.chars().all(unicode_ident::is_xid_continue)
        && !KEYWORDS.contains(&s);
    if ident { s.to_owned() } else { lit(s, "") }
}

/// Text for a `//` comment: one line, whatever the text holds.
fn comment_text(s: &str) -> String {
    s.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

struct Out {
    text: String,
    depth: usize,
}

impl Out {
    fn indent(&self) -> String {
        "  ".repeat(self.depth)
    }

    fn line(&mut self, s: &str) {
        if s.is_empty() {
            self.text.push('\n');
        } else {
            let _ = writeln!(self.text, "{}{s}", self.indent());
        }
    }

    fn comment(&mut self, s: &str) {
        self.line(&format!("// {}", comment_text(s)));
    }

    fn open(&mut self, s: &str) {
        self.line(&format!("{s} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.line("}");
    }

    fn field(&mut self, name: &str, value: &str) {
        let v = lit(value, &self.indent());
        self.line(&format!("{name} {v}"));
    }
}

pub(super) fn write(doc: &Doc, md: &str, name: Option<&str>, diags: &mut Vec<Diagnostic>) -> String {
    // By locale, not by address: `ZH` is a constant, and two `&ZH` in
    // different codegen units need not be the same address.
    let words = if doc.layout.locale == ZH.locale {
        &ZH_WORDS
    } else {
        &EN_WORDS
    };
    let mut taken = Taken::default();
    let call_id = derive_id(name.or(doc.title.as_deref()).unwrap_or(""), "imported", &mut taken);
    let [(caller_name, caller_from), (callee_name, callee_from)] = names(doc);
    let caller_id = claim(&transliterate(&decode(&caller_name)), &mut taken);
    let callee_id = claim(&transliterate(&decode(&callee_name)), &mut taken);
    let step_ids: Vec<String> = doc
        .steps
        .iter()
        .map(|s| {
            let text = s.title.as_deref().or(s.says.first().map(String::as_str)).unwrap_or("");
            derive_id(text, "step", &mut taken)
        })
        .collect();
    let concern_ids: Vec<String> = doc
        .concerns
        .iter()
        .map(|(_, t)| derive_id(t, "concern", &mut taken))
        .collect();
    // Signals, by their words, in order of first use.
    let mut signals: Vec<(String, String)> = Vec::new();
    let mut signal_ids: BTreeMap<&str, String> = BTreeMap::new();
    for n in doc.global.iter().chain(doc.steps.iter().flat_map(|s| s.notes.iter())) {
        if let Some(cause) = &n.cause
            && !signal_ids.contains_key(cause.as_str())
        {
            let id = derive_id(cause, "signal", &mut taken);
            signal_ids.insert(cause, id.clone());
            signals.push((id, cause.clone()));
        }
    }
    let qa_ids: Vec<String> = doc
        .faq
        .iter()
        .map(|q| derive_id(q.questions.first().map_or("", String::as_str), "qa", &mut taken))
        .collect();
    // End conditions: the two lists pair up when they are as long as each other.
    let mut ends: Vec<(Option<String>, Option<String>)> = if doc.caller_ends.len() == doc.callee_ends.len() {
        doc.caller_ends
            .iter()
            .zip(&doc.callee_ends)
            .map(|(a, b)| (Some(a.clone()), Some(b.clone())))
            .collect()
    } else {
        let mut v: Vec<_> = doc.caller_ends.iter().map(|a| (Some(a.clone()), None)).collect();
        v.extend(doc.callee_ends.iter().map(|b| (None, Some(b.clone()))));
        v
    };
    // Notes that end the call for a reason name a condition (by its caller
    // side, else its callee side, spaces and a final full stop ignored); an
    // unknown reason becomes one.
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<String>()
            .trim_end_matches(['。', '.'])
            .to_owned()
    };
    let mut by_wording: [BTreeMap<String, usize>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (i, (a, b)) in ends.iter().enumerate() {
        for (side, text) in [a, b].into_iter().enumerate() {
            if let Some(t) = text {
                by_wording[side].entry(key(t)).or_insert(i);
            }
        }
    }
    for n in doc.global.iter().chain(doc.steps.iter().flat_map(|s| s.notes.iter())) {
        if let RawTarget::End(Some(why)) = &n.target {
            let k = key(why);
            if !by_wording[0].contains_key(&k) && !by_wording[1].contains_key(&k) {
                by_wording[0].insert(k, ends.len());
                ends.push((Some(why.clone()), None));
            }
        }
    }
    let end_ids: Vec<String> = ends
        .iter()
        .map(|(a, b)| derive_id(a.as_deref().or(b.as_deref()).unwrap_or(""), "when", &mut taken))
        .collect();
    let end_of = |why: &str| {
        let k = key(why);
        by_wording[0]
            .get(&k)
            .or_else(|| by_wording[1].get(&k))
            .map(|&i| end_ids[i].clone())
    };
    // Step numbers in notes: the number written on a step, else its position.
    let mut bad_notes: Vec<Unplaced> = Vec::new();
    let mut numbered: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, s) in doc.steps.iter().enumerate() {
        if let Some(n) = s.number {
            numbered.entry(n).or_insert(i);
        }
    }
    let step_of = |n: u32| {
        numbered.get(&n).copied().or_else(|| {
            usize::try_from(n)
                .ok()
                .filter(|&i| (1..=doc.steps.len()).contains(&i))
                .map(|i| i - 1)
        })
    };
    let mut target_text = |n: &RawNote, block: Block| -> Option<String> {
        match &n.target {
            RawTarget::Step(k, written) => match k.and_then(step_of) {
                Some(i) => Some(step_ids[i].clone()),
                None => {
                    // The span of the number itself: the last place the note writes it.
                    let span = md
                        .get(n.span.range())
                        .and_then(|note| note.rfind(written.as_str()))
                        .map_or(n.span, |at| {
                            Span::new(n.span.start + at, n.span.start + at + written.len())
                        });
                    bad_notes.push(Unplaced {
                        span,
                        block,
                        why: Why::StepNumber(written.clone()),
                    });
                    None
                }
            },
            RawTarget::End(None) => Some("end".to_owned()),
            RawTarget::End(Some(why)) => Some(end_of(why).map_or_else(|| "end".to_owned(), |id| format!("end({id})"))),
        }
    };
    let signal_of = |cause: &str| signal_ids.get(cause).cloned();
    let globals: Vec<(String, Option<String>)> = doc
        .global
        .iter()
        .map(|n| {
            (
                signal_of(n.cause.as_deref().unwrap_or("")).unwrap_or_default(),
                target_text(n, Block::Flow),
            )
        })
        .collect();
    let step_notes: Vec<Vec<(Option<String>, Option<String>)>> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.notes
                .iter()
                .map(|n| (n.cause.as_deref().and_then(signal_of), target_text(n, Block::Step(i))))
                .collect()
        })
        .collect();
    let leftovers = Leftovers::new(md, doc.unplaced.iter().chain(&bad_notes));

    let mut o = Out {
        text: String::new(),
        depth: 0,
    };
    o.comment(words.header);
    o.open(&format!("call {call_id}"));
    if let Some(t) = &doc.title {
        o.field("title", t);
    }
    o.field("locale", doc.layout.locale);
    leftovers.write(&mut o, Block::Top, words);

    // The caller.
    o.line("");
    if let Some((h, _)) = &doc.caller.heading {
        o.comment(h);
    }
    o.open(&format!("caller {caller_id}"));
    party_fields(&mut o, &doc.caller, &caller_name, caller_from, words);
    if let Some(task) = &doc.task {
        heading_comment(&mut o, doc, Kind::Task);
        o.field("task", task);
    }
    if !doc.knows.is_empty() {
        heading_comment(&mut o, doc, Kind::Knows);
        entries(&mut o, "knows", &doc.knows);
    }
    leftovers.write(&mut o, Block::Caller, words);
    o.close();

    // The callee.
    o.line("");
    if let Some((h, _)) = &doc.callee.heading {
        o.comment(h);
    }
    o.open(&format!("callee {callee_id}"));
    party_fields(&mut o, &doc.callee, &callee_name, callee_from, words);
    if !doc.background.is_empty() {
        heading_comment(&mut o, doc, Kind::Background);
        entries(&mut o, "background", &doc.background);
    }
    if !doc.concerns.is_empty() {
        heading_comment(&mut o, doc, Kind::Concerns);
        for line in words.covers {
            o.comment(line);
        }
        o.line("warn uncovered_concern");
        for ((priority, text), id) in doc.concerns.iter().zip(&concern_ids) {
            let v = lit(text, &o.indent());
            o.line(&format!("concern {id} {} {v}", priority.as_str()));
        }
        if let Some(span) = doc.concerns_span {
            diags.push(covers_not_imported(span, &concern_ids));
        }
    }
    if !doc.behavior.is_empty() {
        heading_comment(&mut o, doc, Kind::Behavior);
        for b in &doc.behavior {
            o.field("behavior", b);
        }
    }
    if doc.style_note.is_some() || !doc.avoid.is_empty() || !doc.prefer.is_empty() {
        heading_comment(&mut o, doc, Kind::Style);
        o.open("style");
        if let Some(n) = &doc.style_note {
            o.field("note", n);
        }
        for a in &doc.avoid {
            o.field("avoid", a);
        }
        for p in &doc.prefer {
            o.field("prefer", p);
        }
        o.close();
    }
    leftovers.write(&mut o, Block::Callee, words);
    o.close();

    if !signals.is_empty() {
        o.line("");
        for (id, cause) in &signals {
            let v = lit(cause, &o.indent());
            o.line(&format!("signal {id} {v}"));
        }
    }
    if let Some(opening) = &doc.opening {
        o.line("");
        o.field("opening", opening);
    }

    // The flow.
    o.line("");
    heading_comment(&mut o, doc, Kind::Flow);
    o.open("flow");
    for (signal, target) in &globals {
        if let Some(t) = target {
            o.line(&format!("on {signal} -> {t}"));
        }
    }
    leftovers.write(&mut o, Block::Flow, words);
    if doc.steps.is_empty() {
        o.comment(words.no_steps);
        o.open(&format!("step {}", claim("step", &mut taken)));
        o.close();
    }
    for (i, s) in doc.steps.iter().enumerate() {
        let title = s
            .title
            .as_deref()
            .map(|t| format!(" {}", lit(t, "")))
            .unwrap_or_default();
        o.open(&format!("step {}{title}", step_ids[i]));
        for say in &s.says {
            o.field("say", say);
        }
        for (k, n) in s.notes.iter().enumerate() {
            let (signal, target) = &step_notes[i][k];
            match (n.cause.is_some(), signal, target) {
                (true, Some(sig), Some(t)) => o.line(&format!("on {sig} -> {t}")),
                (false, _, Some(t)) => o.line(&format!("-> {t}")),
                _ => {}
            }
        }
        leftovers.write(&mut o, Block::Step(i), words);
        o.close();
    }
    o.close();

    if !doc.faq.is_empty() || leftovers.any(Block::Faq) {
        o.line("");
        heading_comment(&mut o, doc, Kind::Faq);
        o.open("faq");
        for (qa, id) in doc.faq.iter().zip(&qa_ids) {
            o.open(&format!("qa {id}"));
            for q in &qa.questions {
                o.field("q", q);
            }
            o.field("a", qa.answer.as_deref().unwrap_or_default());
            o.close();
        }
        leftovers.write(&mut o, Block::Faq, words);
        o.close();
    }

    o.line("");
    heading_comment(&mut o, doc, Kind::Ending);
    o.open("end");
    if ends.iter().any(|(a, b)| a.is_some() && b.is_some()) {
        o.comment(words.paired);
    }
    for ((a, b), id) in ends.iter().zip(&end_ids) {
        let mut line = format!("when {id}");
        if let Some(a) = a {
            let _ = write!(line, " {}", lit(a, &o.indent()));
        }
        o.line(&line);
        if let Some(b) = b {
            o.depth += 1;
            let v = lit(b, &o.indent());
            o.line(&format!("callee {v}"));
            o.depth -= 1;
        }
    }
    match &doc.closing {
        Some(c) => o.field("closing", c),
        None => {
            o.comment(words.no_closing);
            o.field("closing", "");
        }
    }
    leftovers.write(&mut o, Block::End, words);
    o.close();
    o.close();

    diags.extend(doc.unplaced.iter().chain(&bad_notes).map(unplaced_diagnostic));
    o.text
}

fn party_fields(o: &mut Out, p: &PartyDoc, name: &str, from: NameFrom, words: &Words) {
    let note = match from {
        NameFrom::Bullet => None,
        NameFrom::Persona => Some(words.names[0]),
        NameFrom::Introduction => Some(words.names[1]),
        NameFrom::Greeting => Some(words.names[2]),
        NameFrom::Missing => Some(words.names[3]),
    };
    let mut line = format!("name {}", lit(name, &o.indent()));
    if let Some(n) = note {
        let _ = write!(line, "  // {n}");
    }
    o.line(&line);
    if let Some(g) = p.gender {
        o.line(&format!("gender {g}"));
    }
    if let Some(a) = p.age {
        o.line(&format!("age {a}"));
    }
    if let Some(org) = &p.org {
        o.field("org", org);
    }
    if let Some(role) = &p.role {
        o.field("role", role);
    }
    if let Some(persona) = &p.persona {
        o.field("persona", persona);
    }
}

fn heading_comment(o: &mut Out, doc: &Doc, kind: Kind) {
    let kinds: &[Kind] = match kind {
        Kind::Ending => &[Kind::Ending, Kind::EndConditions, Kind::Closing],
        _ => std::slice::from_ref(&kind),
    };
    if let Some((_, h)) = doc.headings.iter().find(|(k, _)| kinds.contains(k)) {
        o.comment(h);
    }
}

fn entries(o: &mut Out, block: &str, entries: &[(String, String)]) {
    o.open(block);
    let mut seen = Taken::default();
    for (l, v) in entries {
        // The same label twice would be E0105: the second gets a suffix.
        let l = claim(l, &mut seen);
        let value = lit(v, &o.indent());
        o.line(&format!("{} {value}", label(&l)));
    }
    o.close();
}

/// The texts that were not placed, by the block their comments go in.
struct Leftovers<'a> {
    by_block: BTreeMap<Block, Vec<&'a Unplaced>>,
    /// Where each line of the Markdown starts, for line numbers.
    line_starts: Vec<usize>,
    md: &'a str,
}

impl<'a> Leftovers<'a> {
    fn new(md: &'a str, unplaced: impl IntoIterator<Item = &'a Unplaced>) -> Self {
        let mut by_block: BTreeMap<Block, Vec<&Unplaced>> = BTreeMap::new();
        for u in unplaced {
            by_block.entry(u.block).or_default().push(u);
        }
        let line_starts = std::iter::once(0)
            .chain(md.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            by_block,
            line_starts,
            md,
        }
    }

    fn any(&self, block: Block) -> bool {
        self.by_block.contains_key(&block)
    }

    /// The unplaced texts of one block, as `//` comments holding the
    /// Markdown lines as written.
    fn write(&self, o: &mut Out, block: Block, words: &Words) {
        for u in self.by_block.get(&block).into_iter().flatten() {
            let line = self.line_starts.partition_point(|&s| s <= u.span.start);
            o.comment(&words.unplaced.replace("{}", &line.to_string()));
            for l in self.md[u.span.range()].lines() {
                o.comment(l.trim_end_matches('\r'));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_back() {
        assert_eq!(lit("a\"b\\c{d}", ""), "\"a\\\"b\\\\c{{d}}\"");
        assert_eq!(
            lit("一\n  二\n\n三", "  "),
            "\"\"\"\n    一\n      二\n\n    三\n    \"\"\""
        );
        assert_eq!(lit("\n开头换行", ""), "\"\\n开头换行\"");
        assert_eq!(lit(" 一\n  二", ""), "\" 一\\n  二\"");
        assert_eq!(lit("a\u{202E}b\u{200B}", ""), "\"a\\u{202E}b\\u{200B}\"");
        assert_eq!(lit("a\u{7}\tb\r", ""), "\"a\\u{7}\tb\\r\"");
        assert_eq!(lit("他说\"\"\"\n好", ""), "\"他说\\\"\\\"\\\"\\n好\"");
    }
}
