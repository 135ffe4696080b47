//! Trees built in memory rather than parsed (the importer's), for the
//! printer: a [`Builder`] hands out the spans of the nodes, in the order
//! they are printed (positions, not bytes of any text), and collects what a
//! parsed tree's source would otherwise tell the printer: the comments (in
//! the tree's side table), which of them end the line before them, and
//! where a blank line goes. Strings are spelled from their values by
//! `literal`, so a built tree needs no text at all.

use std::collections::BTreeSet;

use crate::ast::{self, Comment, Ident, Text, TextPart, TextParts};
use crate::source::Span;

use super::literal;

/// A syntax tree built in memory, with its comments and blank lines, ready
/// for [`super::print`].
#[derive(Debug)]
pub(crate) struct Built {
    /// The tree; its comments are in its side table.
    pub(super) file: ast::File,
    /// Where each comment that ends the line before it starts.
    pub(super) trailing: BTreeSet<usize>,
    /// The positions of blank lines.
    pub(super) blank: BTreeSet<usize>,
}

/// Hands out the positions of a tree being built, in the order of printing,
/// and collects its comments and blank lines. Build the nodes in the order
/// they are printed: a node's position is the order of its first line.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    next: usize,
    comments: Vec<Comment>,
    trailing: BTreeSet<usize>,
    blank: BTreeSet<usize>,
}

impl Builder {
    /// The next position.
    fn position(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    /// The span of the next statement, or of the start of a block (see
    /// [`Builder::close`]).
    pub(crate) fn at(&mut self) -> Span {
        let p = self.position();
        Span::new(p, p + 1)
    }

    /// The span of a block opened at `start`: it closes after everything
    /// built since (comments included).
    pub(crate) fn close(&mut self, start: Span) -> Span {
        let p = self.position();
        Span::new(start.start, p + 1)
    }

    /// A comment on a line of its own. Line breaks in `text` become spaces.
    pub(crate) fn comment(&mut self, text: &str) {
        self.push_comment(text);
    }

    /// A comment at the end of the line before it (of the statement built
    /// last).
    pub(crate) fn trailing(&mut self, text: &str) {
        let p = self.push_comment(text);
        self.trailing.insert(p);
    }

    fn push_comment(&mut self, text: &str) -> usize {
        let p = self.position();
        let text = format!("// {}", text.replace(['\n', '\r'], " "));
        self.comments.push(Comment {
            span: Span::new(p, p + 1),
            text,
        });
        p
    }

    /// A blank line (where the layout allows one: never at the start of a
    /// block, never two in a row).
    pub(crate) fn blank(&mut self) {
        let p = self.position();
        self.blank.insert(p);
    }

    /// The built tree of `call`, with the comments and blank lines.
    pub(crate) fn finish(self, call: ast::Call) -> Built {
        Built {
            file: ast::File {
                call,
                comments: self.comments,
                overflow: Vec::new(),
            },
            trailing: self.trailing,
            blank: self.blank,
        }
    }
}

/// An id (or a field's name) at `at`.
pub(crate) fn ident(name: impl Into<String>, at: Span) -> Ident {
    Ident {
        name: name.into(),
        span: at,
    }
}

/// A string whose value is `value` (no placeholders), at `at`: a `"""`
/// block when the value has several lines and reads back from one.
pub(crate) fn text(value: &str, at: Span) -> Text {
    let mut parts = TextParts::new();
    if !value.is_empty() {
        parts.push(TextPart::Literal(value.to_owned()));
    }
    Text {
        parts,
        span: at,
        block: literal::fits_block(value),
    }
}

/// `label "value"` in `knows` or `background`, at `at`: the label is a
/// string when it cannot be a bare word.
pub(crate) fn entry(label: &str, value: Text, at: Span) -> ast::Entry {
    ast::Entry {
        label: label.to_owned(),
        label_span: at,
        quoted_label: !literal::is_bare_word(label),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{
        Call, CallItem, EndBlock, EndItem, Entries, EntriesItem, Field, Flow, FlowItem, Party, PartyItem, PartyKind,
        Step, StepItem, Value, When,
    };

    fn field(b: &mut Builder, name: &str, value: &str) -> Field {
        let at = b.at();
        Field {
            name: ident(name, at),
            value: Value::Text(text(value, at)),
            span: at,
        }
    }

    /// A tree with every hard case of spelling and layout: what the printer
    /// writes parses back to it (comments included), and `callc fmt` leaves
    /// it as it is.
    #[test]
    fn a_built_tree_prints_as_fmt_would_and_reads_back() {
        let mut b = Builder::default();
        b.comment("header\nwith a line break");
        let call = b.at();
        let mut items = vec![CallItem::Field(field(&mut b, "locale", "zh-CN"))];
        b.blank();
        b.comment("the caller");
        let open = b.at();
        let mut party = vec![PartyItem::Field(field(&mut b, "name", "王芳"))];
        b.trailing("where the name came from");
        party.push(PartyItem::Field(field(
            &mut b,
            "persona",
            "第一行\n  缩进的第二行\n\n第四行 \"引号\" {括号} \\",
        )));
        party.push(PartyItem::Field(field(&mut b, "role", "  每行\n  都缩进")));
        party.push(PartyItem::Field(field(&mut b, "org", "含\"\"\"三个引号\n和换行")));
        party.push(PartyItem::Field(field(
            &mut b,
            "task",
            "控制\u{7}字符\t制表符\u{202E}双向",
        )));
        let knows = b.at();
        let entries = ["公司", "Open ticket", "call", "1st", "a\"b"]
            .iter()
            .map(|label| {
                let at = b.at();
                EntriesItem::Entry(entry(label, text("值", at), at))
            })
            .collect();
        party.push(PartyItem::Knows(Entries {
            items: entries,
            keyword: knows,
            span: b.close(knows),
        }));
        b.comment("left over, at the end of the block");
        items.push(CallItem::Party(Party {
            kind: PartyKind::Caller,
            id: ident("wang_fang", open),
            extends: None,
            items: party,
            span: b.close(open),
        }));
        b.blank();
        let flow = b.at();
        let step = b.at();
        let say = text("您好{{", b.at());
        let first = FlowItem::Step(Step {
            id: ident("开场", step),
            title: Some(text("标题", step)),
            covers: Vec::new(),
            items: vec![StepItem::Say(say)],
            span: b.close(step),
        });
        let empty = b.at();
        let second = FlowItem::Step(Step {
            id: ident("空", empty),
            title: None,
            covers: Vec::new(),
            items: Vec::new(),
            span: b.close(empty),
        });
        let steps = vec![first, second];
        items.push(CallItem::Flow(Flow {
            items: steps,
            keyword: flow,
            span: b.close(flow),
        }));
        let end = b.at();
        let both = b.at();
        let callee = b.at();
        let mut end_items = vec![
            EndItem::When(When {
                id: ident("两边", both),
                caller: Some(text("拨打方", both)),
                callee: Some(text("接听方", both)),
                requires: None,
                span: both,
            }),
            EndItem::When(When {
                id: ident("一边", callee),
                caller: None,
                callee: Some(text("只有接听方", callee)),
                requires: None,
                span: callee,
            }),
        ];
        end_items.push(EndItem::Field(field(&mut b, "closing", "")));
        items.push(CallItem::End(EndBlock {
            items: end_items,
            keyword: end,
            span: b.close(end),
        }));
        let span = b.close(call);
        b.comment("after the call");
        let built = b.finish(Call {
            id: ident("t", call),
            items,
            span,
        });
        let out = crate::fmt::print(&built);
        assert!(crate::fmt::meaning::same_meaning(&built.file, &out), "{out}");
        assert_eq!(crate::fmt::format(&out).as_deref(), Ok(out.as_str()));
        for expected in [
            "// header with a line break\ncall t {\n",
            "    name \"王芳\" // where the name came from\n",
            "    persona \"\"\"\n      第一行\n        缩进的第二行\n\n      第四行 \"引号\" {{括号}} \\\\\n      \"\"\"\n",
            "    role \"  每行\\n  都缩进\"\n    org  \"含\\\"\\\"\\\"三个引号\\n和换行\"\n",
            "      \"Open ticket\" \"值\"\n      \"call\"        \"值\"\n",
            "    task \"控制\\u{7}字符\t制表符\\u{202E}双向\"\n",
            "    // left over, at the end of the block\n  }\n",
            "    step 空 {}\n",
            "    when 两边 \"拨打方\"\n      callee \"接听方\"\n    when 一边 callee \"只有接听方\"\n",
            "}\n// after the call\n",
        ] {
            assert!(out.contains(expected), "{expected:?} not in:\n{out}");
        }
    }
}
