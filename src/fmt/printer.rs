//! The printer: walks a syntax tree in order (parts are never reordered)
//! and knows the layout of each construct: which tokens a construct has,
//! which start a line, which align with their neighbours. The tree is a
//! parsed one (`callc fmt`) or a built one (`callc import`), which differ
//! only in where the comments, the blank lines and the spelling of strings
//! come from ([`Origin`]); its child `trivia` places the comments.

mod trivia;

use crate::ast::{
    self, CallItem, EndItem, EntriesItem, FaqItem, Field, FlowItem, LintAttr, PartyItem, QaItem, SignalItem, StepItem,
    StyleItem, Target, Text, TransferItem, TypeArgs, Value, VarsItem,
};
use crate::source::Span;

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
                if let Some(base) = &p.extends {
                    self.tok("extends");
                    self.tok(&base.name);
                }
                self.body(&p.items, indent, p.span, Self::party_item);
            }
            CallItem::Signal(s) => {
                let align = if s.body.is_some() { None } else { Some(Align::Signal) };
                self.item(indent, align, s.span);
                self.tok("signal");
                self.tok(&s.id.name);
                if let Some(d) = &s.description {
                    self.string(d);
                }
                if s.body.is_some() {
                    self.body(&s.items, indent, s.span, |p, item, indent| match item {
                        SignalItem::Field(f) => p.field(f, indent),
                        SignalItem::Lint(l) => p.lint(l, indent),
                    });
                }
            }
            CallItem::Vars(v) => {
                self.item(indent, None, v.span);
                self.tok("vars");
                self.body(&v.items, indent, v.span, |p, item, indent| match item {
                    VarsItem::Var(var) => p.var(var, indent),
                    VarsItem::Lint(l) => p.lint(l, indent),
                });
            }
            CallItem::Flow(f) => {
                self.item(indent, None, f.span);
                self.tok("flow");
                self.body(&f.items, indent, f.span, |p, item, indent| match item {
                    FlowItem::Step(s) => p.step(s, indent),
                    FlowItem::Branch(b) => p.branch(b, indent),
                    FlowItem::Lint(l) => p.lint(l, indent),
                });
            }
            CallItem::Faq(f) => {
                self.item(indent, None, f.span);
                self.tok("faq");
                self.body(&f.items, indent, f.span, |p, item, indent| match item {
                    FaqItem::Qa(q) => p.qa(q, indent),
                    FaqItem::Lint(l) => p.lint(l, indent),
                });
            }
            CallItem::End(e) => {
                self.item(indent, None, e.span);
                self.tok("end");
                self.body(&e.items, indent, e.span, |p, item, indent| match item {
                    EndItem::When(w) => p.when(w, indent),
                    EndItem::Transfer(t) => p.transfer(t, indent),
                    EndItem::Field(f) => p.field(f, indent),
                    EndItem::Lint(l) => p.lint(l, indent),
                });
            }
        }
    }

    /// `{`, a block's items one level in, `}`; `block` is the block's span.
    fn body<T>(&mut self, items: &[T], indent: usize, block: Span, print: fn(&mut Self, &T, usize)) {
        self.open();
        for item in items {
            print(self, item, indent + INDENT);
        }
        self.close(indent, block);
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
                self.body(&s.items, indent, s.span, |p, item, indent| match item {
                    StyleItem::Field(f) => p.field(f, indent),
                    StyleItem::Lint(l) => p.lint(l, indent),
                });
            }
        }
    }

    fn entries(&mut self, keyword: &str, e: &ast::Entries, indent: usize) {
        self.item(indent, None, e.span);
        self.tok(keyword);
        self.body(&e.items, indent, e.span, |p, item, indent| match item {
            EntriesItem::Entry(en) => p.entry(en, indent),
            EntriesItem::Lint(l) => p.lint(l, indent),
        });
    }

    fn entry(&mut self, en: &ast::Entry, indent: usize) {
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

    fn qa(&mut self, q: &ast::Qa, indent: usize) {
        self.item(indent, None, q.span);
        self.tok("qa");
        self.tok(&q.id.name);
        self.covers(&q.covers);
        self.body(&q.items, indent, q.span, |p, item, indent| match item {
            QaItem::Field(f) => p.field(f, indent),
            QaItem::Next(tr) => p.transition(tr, indent),
            QaItem::Branch(b) => p.branch(b, indent),
            QaItem::Lint(l) => p.lint(l, indent),
        });
    }

    fn transfer(&mut self, t: &ast::Transfer, indent: usize) {
        self.item(indent, None, t.span);
        self.tok("transfer");
        self.tok(&t.id.name);
        if let Some(title) = &t.title {
            self.string(title);
        }
        self.body(&t.items, indent, t.span, |p, item, indent| match item {
            TransferItem::Say(text) => p.say(text, indent),
            TransferItem::Fallback(tr) => {
                p.item(indent, Some(Align::Field), tr.span);
                p.tok("fallback");
                p.target(&tr.target);
            }
            TransferItem::Requires(r) => {
                p.item(indent, None, r.span);
                p.requires(r);
            }
            TransferItem::Field(f) => p.field(f, indent),
            TransferItem::Lint(l) => p.lint(l, indent),
        });
    }

    /// `requires C, …`, continuing the statement being printed.
    fn requires(&mut self, r: &ast::Requires) {
        self.tok("requires");
        self.list(&r.ids);
    }

    /// `a, b, c`: ids separated by commas.
    fn list(&mut self, ids: &[ast::Ident]) {
        for (i, c) in ids.iter().enumerate() {
            self.tok(&c.name);
            if i + 1 < ids.len() {
                self.punct(",", true);
            }
        }
    }

    fn say(&mut self, t: &Text, indent: usize) {
        self.item(indent, None, t.span);
        self.tok("say");
        self.string(t);
    }

    /// `next TARGET`, `-> TARGET`.
    fn transition(&mut self, tr: &ast::Transition, indent: usize) {
        self.item(indent, None, tr.span);
        self.tok(if tr.arrow { "->" } else { "next" });
        self.target(&tr.target);
    }

    /// `ID TYPE required example "…" pii "…"` in `vars`.
    fn var(&mut self, v: &ast::Var, indent: usize) {
        // A type of several words (`one_of(a, b)`) is several cells: such a
        // line does not line up with the others.
        let words = matches!(&v.kind.args, Some(TypeArgs::Values { values, .. }) if values.len() > 1);
        self.item(indent, if words { None } else { Some(Align::Var) }, v.span);
        self.tok(&v.id.name);
        self.type_expr(&v.kind);
        for part in &v.parts {
            match part {
                ast::VarPart::Required(_) => self.tok("required"),
                ast::VarPart::Optional(_) => self.tok("optional"),
                ast::VarPart::Pii(_) => self.tok("pii"),
                ast::VarPart::Default(_, value) | ast::VarPart::Example(_, value) => {
                    self.tok(if matches!(part, ast::VarPart::Default(..)) {
                        "default"
                    } else {
                        "example"
                    });
                    match value {
                        Value::Text(t) => self.string(t),
                        Value::Integer(digits, _) => self.tok(digits),
                        Value::Word(w) => self.tok(&w.name),
                    }
                }
                ast::VarPart::Description(t) => self.string(t),
            }
        }
    }

    fn capture(&mut self, c: &ast::Capture, indent: usize) {
        self.item(indent, None, c.span);
        self.tok("capture");
        self.tok(&c.id.name);
        self.type_expr(&c.kind);
        if c.optional.is_some() {
            self.tok("optional");
        }
        if let Some(d) = &c.description {
            self.string(d);
        }
    }

    /// A type: `email`, `integer(1..5)`, `one_of(a, b)`, `money(CNY)`.
    fn type_expr(&mut self, kind: &ast::CaptureType) {
        self.tok(&kind.name.name);
        match &kind.args {
            None => {}
            Some(TypeArgs::Empty(_)) => {
                self.punct("(", true);
                self.punct(")", true);
            }
            Some(TypeArgs::Range { min, max, .. }) => {
                self.punct("(", true);
                if let Some((digits, _)) = min {
                    self.glued(digits);
                }
                self.punct("..", true);
                if let Some((digits, _)) = max {
                    self.glued(digits);
                }
                self.punct(")", true);
            }
            Some(TypeArgs::Values { values, .. }) => {
                self.punct("(", true);
                for (i, v) in values.iter().enumerate() {
                    if i == 0 {
                        self.glued(&v.name);
                    } else {
                        self.punct(",", true);
                        self.tok(&v.name);
                    }
                }
                self.punct(")", true);
            }
        }
    }

    fn when(&mut self, w: &ast::When, indent: usize) {
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
        if let Some(r) = &w.requires {
            self.requires(r);
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
        self.body(&s.items, indent, s.span, |p, item, indent| match item {
            StepItem::Say(t) => p.say(t, indent),
            StepItem::Next(tr) => p.transition(tr, indent),
            StepItem::Branch(b) => p.branch(b, indent),
            StepItem::Continue(span) => {
                p.item(indent, None, *span);
                p.tok("continue");
            }
            StepItem::Capture(c) => p.capture(c, indent),
            StepItem::Retry(r) => {
                p.item(indent, None, r.span);
                p.tok("retry");
                p.tok(&r.count);
                p.tok("->");
                p.target(&r.target);
            }
            StepItem::Lint(l) => p.lint(l, indent),
        });
    }

    fn covers(&mut self, covers: &[ast::Ident]) {
        if covers.is_empty() {
            return;
        }
        self.tok("covers");
        self.list(covers);
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
            Target::Transfer { id, .. } => {
                self.tok("transfer");
                self.punct("(", true);
                self.glued(&id.name);
                self.punct(")", true);
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
