//! The outline of a file: the call, its parties (with `knows`, `background`
//! and concerns), signals, the flow with its steps (and their captures), the
//! FAQ, the end conditions and transfers, as a tree with the span of each
//! node and of its name.
//!
//! Input: an [`ast::File`]. Output: the root [`Node`] (the call).

use crate::ast::{self, CallItem, EndItem, FlowItem, PartyItem, Target, Text, TextPart, TypeArgs, Value, VarPart};
use crate::source::Span;

use super::complete::cut;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// The `call` block.
    Call,
    /// `caller` or `callee`.
    Party,
    /// `knows`, `background`, `flow`, `faq`, `end`: a group.
    Group,
    /// A labelled entry of `knows` or `background`.
    Entry,
    /// A concern.
    Concern,
    /// A signal.
    Signal,
    /// A step.
    Step,
    /// A global branch `on S -> T`.
    Branch,
    /// An FAQ entry.
    Qa,
    /// An end condition.
    When,
    /// A capture, under its step.
    Capture,
    /// A transfer, in `end`.
    Transfer,
    /// A per-call variable, in `vars`.
    Var,
}

/// One node of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The name shown (never empty).
    pub name: String,
    /// A short description (a title, a wording), one line.
    pub detail: Option<String>,
    /// What it is.
    pub kind: NodeKind,
    /// The whole construct.
    pub span: Span,
    /// The part to select: its id or keyword (inside `span`).
    pub selection: Span,
    /// Nested nodes, in source order.
    pub children: Vec<Node>,
}

impl Node {
    fn new(name: &str, kind: NodeKind, span: Span, selection: Span) -> Self {
        Self {
            name: if name.is_empty() {
                "?".to_owned()
            } else {
                name.to_owned()
            },
            detail: None,
            kind,
            span,
            selection: if span.contains(selection) { selection } else { span },
            children: Vec::new(),
        }
    }

    fn detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail.filter(|d| !d.is_empty());
        self
    }
}

/// A text as one short line, placeholders as written.
#[must_use]
pub fn text_preview(t: &Text) -> String {
    let mut s = String::new();
    for p in &t.parts {
        match p {
            TextPart::Literal(l) => s.push_str(l),
            TextPart::Placeholder(p) => {
                s.push('{');
                s.push_str(&p.path);
                s.push('}');
            }
        }
    }
    let line = s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    cut(line, 60)
}

fn field_text<'a>(fields: impl IntoIterator<Item = &'a ast::Field>, name: &str) -> Option<String> {
    fields
        .into_iter()
        .find(|f| f.name.name == name)
        .map(|f| match &f.value {
            Value::Text(t) => text_preview(t),
            Value::Integer(n, _) => n.clone(),
            Value::Word(w) => w.name.clone(),
        })
}

/// The outline of a parsed file.
#[must_use]
pub fn outline(file: &ast::File) -> Node {
    let call = &file.call;
    let mut root =
        Node::new(&call.id.name, NodeKind::Call, call.span, call.id.span).detail(field_text(call.fields(), "title"));
    for item in &call.items {
        match item {
            CallItem::Party(p) => root.children.push(party(p)),
            CallItem::Signal(s) => {
                let mut detail = s.description.as_ref().map(text_preview).unwrap_or_default();
                let examples = s.fields().filter(|f| f.name.name == "example").count();
                if examples > 0 {
                    let n = if examples == 1 {
                        "1 example".to_owned()
                    } else {
                        format!("{examples} examples")
                    };
                    detail = if detail.is_empty() {
                        n
                    } else {
                        format!("{detail} ({n})")
                    };
                }
                root.children
                    .push(Node::new(&s.id.name, NodeKind::Signal, s.span, s.id.span).detail(Some(detail)));
            }
            CallItem::Flow(f) => root.children.push(flow(f)),
            CallItem::Faq(f) => {
                let mut group = Node::new("faq", NodeKind::Group, f.span, f.keyword);
                for q in f.qas() {
                    group.children.push(
                        Node::new(&q.id.name, NodeKind::Qa, q.span, q.id.span).detail(field_text(q.fields(), "q")),
                    );
                }
                root.children.push(group);
            }
            CallItem::End(e) => {
                let mut group = Node::new("end", NodeKind::Group, e.span, e.keyword);
                for item in &e.items {
                    match item {
                        EndItem::When(w) => {
                            let wording = w.caller.as_ref().or(w.callee.as_ref()).map(text_preview);
                            group
                                .children
                                .push(Node::new(&w.id.name, NodeKind::When, w.span, w.id.span).detail(wording));
                        }
                        EndItem::Transfer(t) => group.children.push(
                            Node::new(&t.id.name, NodeKind::Transfer, t.span, t.id.span)
                                .detail(t.title.as_ref().map(text_preview)),
                        ),
                        EndItem::Field(_) | EndItem::Lint(_) => {}
                    }
                }
                root.children.push(group);
            }
            CallItem::Vars(v) => {
                let mut group = Node::new("vars", NodeKind::Group, v.span, v.keyword);
                for var in v.vars() {
                    group.children.push(
                        Node::new(&var.id.name, NodeKind::Var, var.span, var.id.span).detail(Some(var_detail(var))),
                    );
                }
                root.children.push(group);
            }
            CallItem::Field(_) | CallItem::Lint(_) => {}
        }
    }
    root
}

/// A variable's type, whether a call must give it, its example and what it
/// is: `date · required · example 2026-12-31 · 合同到期日`.
fn var_detail(v: &ast::Var) -> String {
    let value = |v: &Value| match v {
        Value::Text(t) => text_preview(t),
        Value::Integer(n, _) => n.clone(),
        Value::Word(w) => w.name.clone(),
    };
    let mut need = "required".to_owned();
    let mut parts = Vec::new();
    for part in &v.parts {
        match part {
            VarPart::Required(_) => "required".clone_into(&mut need),
            VarPart::Optional(_) => "optional".clone_into(&mut need),
            VarPart::Default(_, d) => need = format!("default {}", value(d)),
            VarPart::Example(_, e) => parts.push(format!("example {}", value(e))),
            VarPart::Pii(_) => parts.push("pii".to_owned()),
            VarPart::Description(t) => parts.push(text_preview(t)),
        }
    }
    let mut out = format!("{} · {need}", capture_type(&v.kind));
    for p in parts {
        out.push_str(" · ");
        out.push_str(&p);
    }
    out
}

fn party(p: &ast::Party) -> Node {
    let name = field_text(p.fields(), "name");
    let what = match &p.extends {
        Some(base) => format!("{} extends {}", p.kind.keyword(), base.name),
        None => p.kind.keyword().to_owned(),
    };
    let mut node = Node::new(&p.id.name, NodeKind::Party, p.span, p.id.span).detail(Some(match name {
        Some(n) => format!("{what} · {n}"),
        None => what,
    }));
    for item in &p.items {
        match item {
            PartyItem::Knows(e) | PartyItem::Background(e) => {
                let word = if matches!(item, PartyItem::Knows(_)) {
                    "knows"
                } else {
                    "background"
                };
                let mut group = Node::new(word, NodeKind::Group, e.span, e.keyword);
                for entry in e.entries() {
                    let span = entry.label_span.to(entry.value.span);
                    group.children.push(
                        Node::new(&entry.label, NodeKind::Entry, span, entry.label_span)
                            .detail(Some(text_preview(&entry.value))),
                    );
                }
                node.children.push(group);
            }
            PartyItem::Concern(c) => node.children.push(
                Node::new(&c.id.name, NodeKind::Concern, c.span, c.id.span).detail(Some(format!(
                    "{} · {}",
                    c.priority.as_str(),
                    text_preview(&c.text)
                ))),
            ),
            PartyItem::Field(_) | PartyItem::Lint(_) | PartyItem::Style(_) => {}
        }
    }
    node
}

fn flow(f: &ast::Flow) -> Node {
    let mut group = Node::new("flow", NodeKind::Group, f.span, f.keyword);
    for item in &f.items {
        match item {
            FlowItem::Step(s) => {
                let mut step =
                    Node::new(&s.id.name, NodeKind::Step, s.span, s.id.span).detail(s.title.as_ref().map(text_preview));
                for c in s.captures() {
                    let mut detail = capture_type(&c.kind);
                    if c.optional.is_some() {
                        detail.push_str(", optional");
                    }
                    if let Some(d) = &c.description {
                        detail.push_str(" · ");
                        detail.push_str(&text_preview(d));
                    }
                    step.children
                        .push(Node::new(&c.id.name, NodeKind::Capture, c.span, c.id.span).detail(Some(detail)));
                }
                group.children.push(step);
            }
            FlowItem::Branch(b) => {
                let to = match &b.target {
                    Target::Step(id) => id.name.clone(),
                    Target::End { condition: Some(c), .. } => format!("end({})", c.name),
                    Target::End { condition: None, .. } => "end".to_owned(),
                    Target::Transfer { id, .. } => format!("transfer({})", id.name),
                };
                // `voicemail` and `no_answer` are taken before any step runs.
                let when = match crate::ir::Event::of(&b.signal.name) {
                    Some(e) if !e.in_step() => "when the call starts",
                    Some(_) => "at every step (event)",
                    None => "at every step",
                };
                group.children.push(
                    Node::new(
                        &format!("on {} -> {to}", b.signal.name),
                        NodeKind::Branch,
                        b.span,
                        b.signal.span,
                    )
                    .detail(Some(when.to_owned())),
                );
            }
            FlowItem::Lint(_) => {}
        }
    }
    group
}

/// A capture's type as written: `email`, `integer(1..500)`, `one_of(a, b)`.
fn capture_type(t: &ast::CaptureType) -> String {
    let args = match &t.args {
        None => String::new(),
        Some(TypeArgs::Empty(_)) => "()".to_owned(),
        Some(TypeArgs::Range { min, max, .. }) => format!(
            "({}..{})",
            min.as_ref().map_or("", |(n, _)| n.as_str()),
            max.as_ref().map_or("", |(n, _)| n.as_str())
        ),
        Some(TypeArgs::Values { values, .. }) => {
            format!(
                "({})",
                values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
            )
        }
    };
    format!("{}{args}", t.name.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(n: &Node) {
        assert!(n.span.contains(n.selection), "{n:?}");
        assert!(!n.name.is_empty());
        for c in &n.children {
            assert!(n.span.contains(c.span), "{} does not contain {}", n.name, c.name);
            walk(c);
        }
    }

    #[test]
    fn the_reference_spec_has_the_expected_shape() {
        let src = include_str!("../../../specs/taishan_renewal.call");
        let (file, _) = crate::syntax::parse(src);
        let root = outline(&file.expect("parses"));
        assert_eq!(root.name, "taishan_renewal");
        assert_eq!(root.kind, NodeKind::Call);
        let top: Vec<(&str, NodeKind)> = root.children.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        assert!(top.contains(&("li_ming", NodeKind::Party)), "{top:?}");
        assert!(
            top.contains(&("flow", NodeKind::Group)) && top.contains(&("faq", NodeKind::Group)),
            "{top:?}"
        );
        let flow = root.children.iter().find(|c| c.name == "flow").expect("flow");
        assert!(
            flow.children
                .iter()
                .any(|c| c.kind == NodeKind::Step && c.name == "greet")
        );
        let callee = root.children.iter().find(|c| c.name == "zhang_qiang").expect("callee");
        let concern = callee
            .children
            .iter()
            .find(|c| c.kind == NodeKind::Concern)
            .expect("concern");
        assert!(
            concern.detail.as_deref().is_some_and(|d| d.starts_with("primary · ")),
            "{concern:?}"
        );
        walk(&root);
    }

    #[test]
    fn captures_sit_under_their_step_and_transfers_in_end() {
        let src = r#"call 续约 {
  locale "zh-CN"
  caller a { name "李明" }
  callee b { name "张强" }
  flow {
    on voicemail -> 留言
    on hangup -> end
    step 问 "确认😀" {
      say "邮箱？"
      capture 邮箱 email "张强的邮箱😀"
      capture 套餐 one_of(标准, 高级) optional "套餐"
      capture 席位 integer(1..500) "席位"
    }
    step 留言 { say "请回电" continue }
  }
  end {
    when 留邮箱 "留下" callee "给了" requires 邮箱
    transfer 销售 "销售顾问😀" { say "请稍候" }
    when 挂断 "挂断" callee "挂了"
    closing "再见"
  }
}
"#;
        let (file, _) = crate::syntax::parse(src);
        let root = outline(&file.expect("parses"));
        walk(&root);
        let flow = root.children.iter().find(|c| c.name == "flow").expect("flow");
        let named: Vec<(&str, Option<&str>)> = flow
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.detail.as_deref()))
            .collect();
        assert_eq!(
            named[..2],
            [
                ("on voicemail -> 留言", Some("when the call starts")),
                ("on hangup -> end", Some("at every step (event)"))
            ]
        );
        let step = flow.children.iter().find(|c| c.name == "问").expect("step");
        let captures: Vec<(&str, NodeKind, Option<&str>)> = step
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.kind, c.detail.as_deref()))
            .collect();
        assert_eq!(
            captures,
            [
                ("邮箱", NodeKind::Capture, Some("email · 张强的邮箱😀")),
                ("套餐", NodeKind::Capture, Some("one_of(标准, 高级), optional · 套餐")),
                ("席位", NodeKind::Capture, Some("integer(1..500) · 席位")),
            ]
        );
        assert_eq!(&src[step.children[0].selection.range()], "邮箱");
        let end = root.children.iter().find(|c| c.name == "end").expect("end");
        let items: Vec<(&str, NodeKind)> = end.children.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        assert_eq!(
            items,
            [
                ("留邮箱", NodeKind::When),
                ("销售", NodeKind::Transfer),
                ("挂断", NodeKind::When)
            ]
        );
        assert_eq!(end.children[1].detail.as_deref(), Some("销售顾问😀"));
    }

    #[test]
    fn variables_sit_in_vars_and_callees_say_what_they_extend() {
        let src = crate::lsp::analysis::fixtures::many_with_background();
        let (file, _) = crate::syntax::parse(&src);
        let root = outline(&file.expect("parses"));
        walk(&root);
        let top: Vec<(&str, Option<&str>)> = root
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.detail.as_deref()))
            .collect();
        assert_eq!(
            top[..6],
            [
                ("李明", Some("caller · 李明")),
                ("张强", Some("callee · {var.客户}")),
                ("忙碌", Some("callee extends 张强")),
                ("比价", Some("callee extends 忙碌")),
                ("忙", Some("张强说忙😀 (2 examples)")),
                ("vars", None),
            ]
        );
        let vars = &root.children[5];
        let lines: Vec<(&str, NodeKind, Option<&str>)> = vars
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.kind, c.detail.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "客户",
                    NodeKind::Var,
                    Some("text · required · example 张强 · 客户姓名😀")
                ),
                ("到期日", NodeKind::Var, Some("date · required · example 2026-12-31")),
                ("优惠", NodeKind::Var, Some("percent · default 8")),
                ("费用", NodeKind::Var, Some("money(CNY) · optional · example 1299.00")),
                ("套餐", NodeKind::Var, Some("one_of(标准, 高级) · default 标准")),
                ("回拨", NodeKind::Var, Some("phone · optional · pii")),
            ]
        );
        assert_eq!(&src[vars.children[1].selection.range()], "到期日");
        assert_eq!(&src[vars.selection.range()], "vars");
        let busy = &root.children[2];
        assert_eq!(
            busy.children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["background", "价格"]
        );
    }
}
