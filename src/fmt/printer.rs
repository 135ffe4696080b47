//! The printer: walks a syntax tree in order (parts are never reordered)
//! and knows the layout of each construct: which tokens a construct has,
//! which start a line, which align with their neighbours. The tree is a
//! parsed one (`callc fmt`) or a built one (`callc import`), which differ
//! only in where the comments, the blank lines and the spelling of strings
//! come from ([`Origin`]); its child `trivia` places the comments.

mod trivia;

use crate::ast::{self, CallItem, Field, FlowItem, LintAttr, PartyItem, StepItem, Target, Text, Value};

use super::INDENT;
use super::built::Built;
use super::lines::{self, Align, Line};
use super::literal::{self, Written};

pub(super) use trivia::trim_comment;

/// The statement being printed.
struct Stmt {
    /// Its first line, in `Printer::lines`.
    first: usize,
    /// The indentation of its first line; continuation lines get one more level.
    indent: usize,
    /// A comment ended the current line: the next token starts a continuation line.
    broken: bool,
}

/// Where the tree being printed comes from.
#[derive(Clone, Copy)]
pub(super) enum Origin<'a> {
    /// Parsed from this text: every token is found in it (which checks the
    /// tree against it), strings and quoted labels are printed as written,
    /// and comments and blank lines stay where the author put them.
    Parsed(&'a str),
    /// Built in memory: spans are positions in the order of printing,
    /// strings and labels are spelled from their values, and the built tree
    /// says which comments end a line and where blank lines go.
    Built(&'a Built),
}

/// Prints one tree: the lines collected so far and where it is in the tree.
pub(super) struct Printer<'a> {
    origin: Origin<'a>,
    comments: &'a [ast::Comment],
    /// The first comment not printed yet.
    next_comment: usize,
    /// Just after the last token printed.
    cursor: usize,
    /// Just after the last token or comment printed (blank lines are counted from here).
    last_end: usize,
    lines: Vec<Line>,
    stmt: Option<Stmt>,
    /// The lines that open the blocks being printed (`… {`).
    openers: Vec<usize>,
    /// At the start of the file or of a block, where no blank line goes.
    fresh: bool,
    /// The next item (with its leading comments) is separated by a blank line.
    force_blank: bool,
    /// Every token was found where the tree says it is.
    ok: bool,
}

impl<'a> Printer<'a> {
    pub(super) fn new(origin: Origin<'a>, comments: &'a [ast::Comment]) -> Self {
        Printer {
            origin,
            comments,
            next_comment: 0,
            cursor: 0,
            last_end: 0,
            lines: Vec::new(),
            stmt: None,
            openers: Vec::new(),
            fresh: true,
            force_blank: false,
            ok: true,
        }
    }

    /// Prints the whole file; `None` if a parsed tree and its source disagree.
    pub(super) fn print(mut self, call: &ast::Call) -> Option<String> {
        self.item(0, None, call.span);
        self.tok("call");
        self.tok(&call.id.name);
        self.open();
        let mut after_block = false;
        for item in &call.items {
            let block = matches!(
                item,
                CallItem::Party(_) | CallItem::Flow(_) | CallItem::Faq(_) | CallItem::End(_)
            );
            self.force_blank = block || after_block;
            self.call_item(item, INDENT);
            after_block = block;
        }
        self.close(0, call.span);
        // Comments after the `call` block.
        self.flush(usize::MAX, 0, false);
        if !self.at_end() || !self.ok || !self.openers.is_empty() {
            return None;
        }
        let src = match self.origin {
            Origin::Parsed(src) => Some(src),
            Origin::Built(_) => None,
        };
        Some(lines::render(&self.lines, src))
    }

    // ----- the constructs -------------------------------------------------

    fn call_item(&mut self, item: &CallItem, indent: usize) {
        match item {
            CallItem::Field(f) => self.field(f, indent),
            CallItem::Lint(l) => self.lint(l, indent),
            CallItem::Party(p) => {
                self.item(indent, None, p.span);
                self.tok(p.kind.keyword());
                self.tok(&p.id.name);
                self.open();
                for item in &p.items {
                    self.party_item(item, indent + INDENT);
                }
                self.close(indent, p.span);
            }
            CallItem::Signal(s) => {
                self.item(indent, Some(Align::Signal), s.span);
                self.tok("signal");
                self.tok(&s.id.name);
                if let Some(d) = &s.description {
                    self.string(d);
                }
            }
            CallItem::Flow(f) => {
                self.item(indent, None, f.span);
                self.tok("flow");
                self.open();
                for item in &f.items {
                    match item {
                        FlowItem::Step(s) => self.step(s, indent + INDENT),
                        FlowItem::Branch(b) => self.branch(b, indent + INDENT),
                        FlowItem::Lint(l) => self.lint(l, indent + INDENT),
                    }
                }
                self.close(indent, f.span);
            }
            CallItem::Faq(f) => {
                self.item(indent, None, f.span);
                self.tok("faq");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> = f.entries.iter().map(|q| (q.span.start, Part::Qa(q))).collect();
                parts.extend(lints(&f.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent, f.span);
            }
            CallItem::End(e) => {
                self.item(indent, None, e.span);
                self.tok("end");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> =
                    e.conditions.iter().map(|w| (w.span.start, Part::When(w))).collect();
                parts.extend(fields(&e.fields));
                parts.extend(lints(&e.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent, e.span);
            }
        }
    }

    fn party_item(&mut self, item: &PartyItem, indent: usize) {
        match item {
            PartyItem::Field(f) => self.field(f, indent),
            PartyItem::Lint(l) => self.lint(l, indent),
            PartyItem::Knows(e) => self.entries("knows", e, indent),
            PartyItem::Background(e) => self.entries("background", e, indent),
            PartyItem::Concern(c) => {
                self.item(indent, Some(Align::Concern), c.span);
                self.tok("concern");
                self.tok(&c.id.name);
                self.tok(c.priority.as_str());
                self.string(&c.text);
            }
            PartyItem::Style(s) => {
                self.item(indent, None, s.span);
                self.tok("style");
                self.open();
                let mut parts: Vec<(usize, Part<'_>)> = fields(&s.fields).collect();
                parts.extend(lints(&s.lints));
                self.parts(parts, indent + INDENT);
                self.close(indent, s.span);
            }
        }
    }

    fn entries(&mut self, keyword: &str, e: &ast::Entries, indent: usize) {
        self.item(indent, None, e.span);
        self.tok(keyword);
        self.open();
        let mut parts: Vec<(usize, Part<'_>)> = e
            .entries
            .iter()
            .map(|en| (en.label_span.start, Part::Entry(en)))
            .collect();
        parts.extend(lints(&e.lints));
        self.parts(parts, indent + INDENT);
        self.close(indent, e.span);
    }

    /// Prints the parts of a block whose tree keeps them in separate lists, in source order.
    fn parts(&mut self, mut parts: Vec<(usize, Part<'_>)>, indent: usize) {
        parts.sort_by_key(|(start, _)| *start);
        for (_, part) in parts {
            match part {
                Part::Field(f) => self.field(f, indent),
                Part::Lint(l) => self.lint(l, indent),
                Part::Entry(en) => {
                    self.item(indent, Some(Align::Entry), en.label_span);
                    match self.origin {
                        Origin::Parsed(src) if en.quoted_label => {
                            self.tok(src.get(en.label_span.range()).unwrap_or_default());
                        }
                        Origin::Parsed(_) => self.tok(&en.label),
                        Origin::Built(_) => self.tok(&literal::label(&en.label)),
                    }
                    self.string(&en.value);
                }
                Part::Qa(q) => {
                    self.item(indent, None, q.span);
                    self.tok("qa");
                    self.tok(&q.id.name);
                    self.covers(&q.covers);
                    self.open();
                    let mut inner: Vec<(usize, Part<'_>)> = fields(&q.fields).collect();
                    inner.extend(lints(&q.lints));
                    self.parts(inner, indent + INDENT);
                    self.close(indent, q.span);
                }
                Part::When(w) => {
                    self.item(indent, Some(Align::When), w.span);
                    self.tok("when");
                    self.tok(&w.id.name);
                    if let Some(t) = &w.caller {
                        self.string(t);
                    }
                    if let Some(t) = &w.callee {
                        if w.caller.is_some() {
                            // Both sides: the callee's on a line of its own, under the caller's.
                            self.break_line();
                        }
                        self.tok("callee");
                        self.string(t);
                    }
                }
            }
        }
    }

    fn step(&mut self, s: &ast::Step, indent: usize) {
        self.item(indent, None, s.span);
        self.tok("step");
        self.tok(&s.id.name);
        if let Some(t) = &s.title {
            self.string(t);
        }
        self.covers(&s.covers);
        self.open();
        let inner = indent + INDENT;
        for item in &s.items {
            match item {
                StepItem::Say(t) => {
                    self.item(inner, None, t.span);
                    self.tok("say");
                    self.string(t);
                }
                StepItem::Next(tr) => {
                    self.item(inner, None, tr.span);
                    self.tok(if tr.arrow { "->" } else { "next" });
                    self.target(&tr.target);
                }
                StepItem::Branch(b) => self.branch(b, inner),
                StepItem::Lint(l) => self.lint(l, inner),
            }
        }
        self.close(indent, s.span);
    }

    fn covers(&mut self, covers: &[ast::Ident]) {
        if covers.is_empty() {
            return;
        }
        self.tok("covers");
        for (i, c) in covers.iter().enumerate() {
            self.tok(&c.name);
            if i + 1 < covers.len() {
                self.punct(",", true);
            }
        }
    }

    fn branch(&mut self, b: &ast::Branch, indent: usize) {
        self.item(indent, Some(Align::Branch), b.span);
        self.tok("on");
        self.tok(&b.signal.name);
        self.tok("->");
        self.target(&b.target);
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Step(id) => self.tok(&id.name),
            Target::End { condition, .. } => {
                self.tok("end");
                if let Some(c) = condition {
                    self.punct("(", true);
                    self.glued(&c.name);
                    self.punct(")", true);
                }
            }
        }
    }

    fn field(&mut self, f: &Field, indent: usize) {
        self.item(indent, Some(Align::Field), f.span);
        self.tok(&f.name.name);
        match &f.value {
            Value::Text(t) => self.string(t),
            Value::Integer(digits, _) => self.tok(digits),
            Value::Word(w) => self.tok(&w.name),
        }
    }

    fn lint(&mut self, l: &LintAttr, indent: usize) {
        self.item(indent, None, l.span);
        self.tok(l.level.as_str());
        self.tok(&l.lint.name);
    }

    /// A string: one line, or a `"""` block re-indented under its line; a
    /// parsed one as written, a built one spelled from its value.
    fn string(&mut self, t: &Text) {
        let written = match self.origin {
            Origin::Parsed(src) => match src.get(t.span.range()) {
                Some(raw) => literal::as_written(raw),
                None => {
                    self.ok = false;
                    return;
                }
            },
            Origin::Built(_) => literal::string(t),
        };
        let content = match written {
            Written::Line(line) => return self.tok(&line),
            Written::Block(content) => content,
        };
        self.tok("\"\"\"");
        self.unalign();
        let indent = match self.lines.last() {
            Some(Line::Code { indent, .. }) => indent + INDENT,
            _ => {
                self.ok = false;
                return;
            }
        };
        for text in content {
            self.lines.push(Line::Content { indent, text });
        }
        self.lines.push(Line::Code {
            indent,
            cells: vec!["\"\"\"".to_owned()],
            trailing: None,
            align: None,
        });
        self.skip_to(t.span.end);
    }
}

/// A part of a block whose tree keeps parts of different kinds in separate lists.
enum Part<'t> {
    Field(&'t Field),
    Lint(&'t LintAttr),
    Entry(&'t ast::Entry),
    Qa(&'t ast::Qa),
    When(&'t ast::When),
}

fn fields(fields: &[Field]) -> impl Iterator<Item = (usize, Part<'_>)> {
    fields.iter().map(|f| (f.span.start, Part::Field(f)))
}

fn lints(lints: &[LintAttr]) -> impl Iterator<Item = (usize, Part<'_>)> {
    lints.iter().map(|l| (l.span.start, Part::Lint(l)))
}
