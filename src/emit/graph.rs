//! `callc graph`: the flow as a picture, in Mermaid or Graphviz DOT.
//!
//! Input: a checked [`ir::Spec`]. Output: one text. Steps are boxes
//! (title, id, the concerns the step covers and what it captures); a step
//! that does not wait (`continue`) is rounded and marked ⏩. The start node
//! says who speaks first. The default successor is a solid arrow, a branch
//! is a dashed arrow labelled with its signal or event (`silence` with its
//! seconds); ends are one terminal node per end condition named (plus a
//! plain `end`), with the captures it requires; a transfer is a hexagon
//! with a dashed arrow to its fallback. Global branches are drawn once,
//! from an "any step" node, not from every step — but `voicemail` and
//! `no_answer`, taken before any step runs, from the start node; a step
//! that overrides one draws its own arrow. A retried step has a loop
//! labelled `≤N` and an arrow to where the call goes when its retries are
//! spent.

use std::fmt::Write as _;

use crate::ir::{self, Target};
use crate::names::AsciiNames;

/// The graph formats. (The variants' docs are the command line's help:
/// `clap` reads them.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Mermaid `flowchart` (GitHub, GitLab and many editors render it).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
}

/// Words in the spec's locale.
struct Words {
    start: &'static str,
    end: &'static str,
    any_step: &'static str,
    covers: &'static str,
    /// Who speaks first: the callee, the caller.
    first: [&'static str; 2],
    records: &'static str,
    optional: &'static str,
    requires: &'static str,
    retries_spent: &'static str,
    transfer: &'static str,
    to: &'static str,
    transfer_fails: &'static str,
    /// After a silence's seconds.
    seconds: &'static str,
}

fn words(locale: &str) -> Words {
    if crate::ir::Language::of(locale) == crate::ir::Language::Chinese {
        Words {
            start: "开始",
            end: "结束",
            any_step: "任意步骤",
            covers: "覆盖",
            first: ["对方先开口", "我方先开口"],
            records: "记录",
            optional: "可选",
            requires: "需已记录",
            retries_spent: "重试用尽",
            transfer: "转接",
            to: "至",
            transfer_fails: "转接失败",
            seconds: "秒",
        }
    } else {
        Words {
            start: "start",
            end: "end",
            any_step: "any step",
            covers: "covers",
            first: ["callee speaks first", "caller speaks first"],
            records: "records",
            optional: "optional",
            requires: "requires",
            retries_spent: "retries spent",
            transfer: "transfer",
            to: "to",
            transfer_fails: "transfer fails",
            seconds: " s",
        }
    }
}

/// The mark before the title of a step that does not wait (`continue`).
const GO_ON: &str = "⏩ ";

/// A node or edge of the picture, before it is written in one syntax.
struct Node {
    id: String,
    label: Vec<String>,
    shape: Shape,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A step that waits for the reply.
    Step,
    /// A step that does not wait (`continue`): rounded.
    GoOn,
    Terminal,
    Any,
    Transfer,
}

struct Edge {
    from: String,
    to: String,
    label: Option<String>,
    branch: bool,
}

/// The nodes and edges of a spec's flow, in a fixed order.
#[allow(clippy::too_many_lines)] // one walk over the flow, node kind by node kind
fn layout(spec: &ir::Spec) -> (Vec<Node>, Vec<Edge>) {
    let w = words(&spec.locale);
    // Mermaid reads a node called `end` as the end of a subgraph: terminal
    // nodes are `stop…`, transfers `transfer_…`, and step nodes carry an
    // `s_` prefix.
    let steps = AsciiNames::new(spec.steps.iter().map(|s| s.id.as_str()), &[]);
    let node_of_step = |i: usize| format!("s_{}", steps.get(&spec.steps[i].id));
    let node_of_end = |c: Option<usize>| match c {
        None => String::from("stop"),
        Some(i) => format!("stop_{i}"),
    };
    let node_of_transfer = |k: usize| format!("transfer_{k}");
    let capture_ids = |ids: &[usize]| -> String {
        let names: Vec<&str> = ids
            .iter()
            .filter_map(|&c| spec.captures.get(c))
            .map(|c| c.id.as_str())
            .collect();
        format!("{}: {}", w.requires, names.join(", "))
    };
    let on_label = |on: ir::On| match on {
        ir::On::Event(ir::Event::Silence) => format!("silence ({}{})", spec.silence_timeout, w.seconds),
        on => spec.on_name(on).to_owned(),
    };
    let speaker = usize::from(spec.first_speaker == ir::Speaker::Caller);
    let mut nodes = vec![Node {
        id: String::from("start"),
        label: vec![w.start.to_owned(), w.first[speaker].to_owned()],
        shape: Shape::Terminal,
    }];
    for (i, s) in spec.steps.iter().enumerate() {
        let title = s
            .title
            .clone()
            .map_or_else(|| s.id.clone(), |t| format!("{t} ({})", s.id));
        let mut label = vec![if s.waits { title } else { format!("{GO_ON}{title}") }];
        if !s.covers.is_empty() {
            let names: Vec<&str> = s.covers.iter().map(|&c| spec.concerns[c].id.as_str()).collect();
            label.push(format!("{}: {}", w.covers, names.join(", ")));
        }
        if !s.captures.is_empty() {
            let names: Vec<String> = s
                .captures
                .iter()
                .filter_map(|&c| spec.captures.get(c))
                .map(|c| {
                    if c.optional {
                        format!("{} ({})", c.id, w.optional)
                    } else {
                        c.id.clone()
                    }
                })
                .collect();
            label.push(format!("{}: {}", w.records, names.join(", ")));
        }
        nodes.push(Node {
            id: node_of_step(i),
            label,
            shape: if s.waits { Shape::Step } else { Shape::GoOn },
        });
    }
    let target = |t: Target| match t {
        Target::Step(i) => node_of_step(i),
        Target::End(c) => node_of_end(c),
        Target::Transfer(k) => node_of_transfer(k),
    };
    let mut edges = Vec::new();
    let dashed = |from: String, to: Target, label: String| Edge {
        from,
        to: target(to),
        label: Some(label),
        branch: true,
    };
    if !spec.steps.is_empty() {
        edges.push(Edge {
            from: String::from("start"),
            to: node_of_step(0),
            label: None,
            branch: false,
        });
    }
    // The terminal nodes the picture needs: the ends and transfers some
    // edge leads to (a transfer's fallback counts once it is drawn).
    let mut ends: Vec<Option<usize>> = Vec::new();
    let mut transfers: Vec<usize> = Vec::new();
    let mut note_end = |t: Target| match t {
        Target::End(c) if !ends.contains(&c) => ends.push(c),
        Target::Transfer(k) if !transfers.contains(&k) => transfers.push(k),
        _ => {}
    };
    // Voicemail and no answer are taken before any step runs: from the start.
    for b in spec.start_branches() {
        note_end(b.target);
        edges.push(dashed(String::from("start"), b.target, on_label(b.on)));
    }
    if spec.global_branches.iter().any(|b| !b.is_at_start()) {
        nodes.push(Node {
            id: String::from("any"),
            label: vec![w.any_step.to_owned()],
            shape: Shape::Any,
        });
        for b in spec.global_branches.iter().filter(|b| !b.is_at_start()) {
            note_end(b.target);
            edges.push(dashed(String::from("any"), b.target, on_label(b.on)));
        }
    }
    for (i, s) in spec.steps.iter().enumerate() {
        note_end(s.next);
        edges.push(Edge {
            from: node_of_step(i),
            to: target(s.next),
            label: None,
            branch: false,
        });
        for b in &s.branches {
            note_end(b.target);
            edges.push(dashed(node_of_step(i), b.target, on_label(b.on)));
        }
        if let Some(r) = s.retry {
            // The step runs again at most N times, then the call goes on.
            edges.push(dashed(node_of_step(i), Target::Step(i), format!("≤{}", r.max)));
            note_end(r.then);
            edges.push(dashed(node_of_step(i), r.then, w.retries_spent.to_owned()));
        }
    }
    transfers.sort_unstable();
    for &k in &transfers {
        let t = &spec.transfers[k];
        let mut label = vec![match &t.title {
            Some(title) => format!("{} ({}): {title}", w.transfer, t.id),
            None => format!("{} ({})", w.transfer, t.id),
        }];
        label.extend(t.to.as_ref().map(|to| format!("{}: {to}", w.to)));
        if !t.requires.is_empty() {
            label.push(capture_ids(&t.requires));
        }
        nodes.push(Node {
            id: node_of_transfer(k),
            label,
            shape: Shape::Transfer,
        });
        // A fallback is never a transfer (the checker's rule).
        if let Target::End(c) = t.fallback
            && !ends.contains(&c)
        {
            ends.push(c);
        }
        edges.push(dashed(node_of_transfer(k), t.fallback, w.transfer_fails.to_owned()));
    }
    ends.sort_unstable();
    for c in ends {
        let label = match c {
            None => vec![w.end.to_owned()],
            Some(i) => {
                let e = &spec.ends[i];
                let mut label = vec![format!("{} ({})", w.end, e.id)];
                label.extend(e.caller.as_ref().or(e.callee.as_ref()).map(ToString::to_string));
                if !e.requires.is_empty() {
                    label.push(capture_ids(&e.requires));
                }
                label
            }
        };
        nodes.push(Node {
            id: node_of_end(c),
            label,
            shape: Shape::Terminal,
        });
    }
    (nodes, edges)
}

/// Every field of the IR and what this target does with it, as patterns the
/// compiler checks: a field added to the IR fails to compile here until the
/// flow picture says what it does with it (docs/ARCHITECTURE.md, "How to add a
/// statement").
#[rustfmt::skip]
const _: fn(&ir::Spec, &ir::Party, &ir::Style, &ir::Step, &ir::Branch, &ir::Qa, &ir::Concern, &ir::Signal, &ir::EndCondition) = |
    ir::Spec {
        id: _,              // the DOT graph's name
        title: _,           // the picture is the flow only
        locale: _,          // its words (`words`)
        caller: _,          // the flow only
        callees: _,         // the flow only
        concerns: _,        // the `covers` line of a step
        signals: _,         // edge labels
        vars: _,            // the flow only
        opening: _,         // the flow only
        steps: _,           // nodes and edges
        global_branches: _, // the "any step" node
        faq: _,             // the flow only
        ends: _,            // end nodes
        closing: _,         // the flow only
        first_speaker: _,            // the start node
        silence_timeout: _,          // the label of a `silence` edge
        silence_timeout_explicit: _, // the seconds are drawn either way
        transfers: _,                // hexagon terminals, with the fallback edge
        captures: _,                 // the step's `记录` line; `requires` lines
    },
    ir::Party {
        id: _,         // the flow only
        name: _,       // the flow only
        gender: _,     // the flow only
        age: _,        // the flow only
        org: _,        // the flow only
        role: _,       // the flow only
        persona: _,    // the flow only
        task: _,       // the flow only
        knows: _,      // the flow only
        background: _, // the flow only
        behavior: _,   // the flow only
        style: _,      // the flow only
        concerns: _,   // the flow only
        extends: _,    // the flow only
    },
    ir::Style {
        note: _,   // the flow only
        avoid: _,  // the flow only
        prefer: _, // the flow only
    },
    ir::Step {
        id: _,            // the node's name
        title: _,         // the node's label
        lines: _,         // the flow only
        covers: _,        // the node's label
        next: _,          // an edge
        next_explicit: _, // an edge either way
        branches: _,      // labelled edges
        overrides: _,     // the own branch is the edge drawn
        waits: _,         // a step that does not wait is rounded and marked ⏩
        captures: _,      // the node's label
        retry: _,         // a `≤N` loop and a `重试用尽` edge
    },
    ir::Branch {
        on: _,     // the edge's label
        target: _, // the edge's head
    },
    ir::Qa {
        id: _,        // the flow only
        questions: _, // the flow only
        answer: _,    // the flow only
        covers: _,    // the flow only
    },
    ir::Concern {
        id: _,       // the `covers` line
        steps: _,    // the flow only
        faq: _,      // the flow only
    },
    ir::Signal {
        id: _,          // edge labels
        description: _, // the flow only
        examples: _,    // the flow only
    },
    ir::EndCondition {
        id: _,       // the end node's label
        requires: _, // the end node's label
        caller: _,   // the end node's label
        callee: _,   // the end node's label, when it has no caller side
    },
| {};

/// The same for the parts of "calls that listen".
#[rustfmt::skip]
const _: fn(&ir::Transfer, &ir::Capture, &ir::Retry) = |
    ir::Transfer {
        id: _,       // the node's label
        title: _,    // the node's label
        say: _,      // the flow only
        to: _,       // the node's label
        fallback: _, // a dashed edge
        requires: _, // the node's label
    },
    ir::Capture {
        id: _,          // the step's label
        kind: _,        // the flow only
        optional: _,    // the step's label
        description: _, // the flow only
        step: _,        // the step it is drawn in
    },
    ir::Retry {
        max: _,  // the loop's label
        then: _, // the `重试用尽` edge
    },
| {};

/// The flow in the given format.
#[must_use]
pub fn emit(spec: &ir::Spec, format: Format) -> String {
    let (nodes, edges) = layout(spec);
    match format {
        Format::Mermaid => mermaid(&nodes, &edges),
        Format::Dot => dot(spec, &nodes, &edges),
    }
}

/// A character no label shows raw, as the `.call` escape an author writes
/// for it (`\u{0}`, `\u{1B}`, `\u{202E}`): control characters (C0, DEL,
/// C1; Graphviz rejects a NUL), bidi controls and invisible characters
/// (which would reorder or hide what the picture says). `None` for any
/// other character. Line breaks are each format's own business.
fn escaped(c: char) -> Option<String> {
    (c.is_control() || crate::syntax::is_bidi_control(c) || crate::syntax::is_invisible(c))
        .then(|| format!("\\u{{{:X}}}", u32::from(c)))
}

/// Mermaid label text: inside `"…"`, with entity codes for what Mermaid
/// would read as syntax, HTML or a Markdown string (a backtick), line breaks
/// as spaces and other control characters escaped ([`escaped`]).
fn mermaid_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.replace("\r\n", "\n").chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => match escaped(c) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out
}

fn mermaid(nodes: &[Node], edges: &[Edge]) -> String {
    let mut out = String::from("flowchart TD\n");
    for n in nodes {
        let label: Vec<String> = n.label.iter().map(|l| mermaid_text(l)).collect();
        let label = label.join("<br/>");
        let _ = match n.shape {
            Shape::Step => writeln!(out, "    {}[\"{label}\"]", n.id),
            Shape::GoOn => writeln!(out, "    {}(\"{label}\")", n.id),
            Shape::Terminal => writeln!(out, "    {}([\"{label}\"])", n.id),
            Shape::Any => writeln!(out, "    {}[/\"{label}\"/]", n.id),
            Shape::Transfer => writeln!(out, "    {}{{{{\"{label}\"}}}}", n.id),
        };
    }
    for e in edges {
        let _ = match (&e.label, e.branch) {
            (Some(l), _) => writeln!(out, "    {} -.->|\"{}\"| {}", e.from, mermaid_text(l), e.to),
            (None, _) => writeln!(out, "    {} --> {}", e.from, e.to),
        };
    }
    out
}

/// A DOT string literal: `"` and `\` escaped, a line break (LF, CRLF or CR)
/// as Graphviz's `\n`, `&` as `&amp;` (Graphviz reads HTML entities in any
/// label), other control characters escaped ([`escaped`], its backslash
/// doubled).
fn dot_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.replace("\r\n", "\n").chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            '&' => out.push_str("&amp;"),
            c => match escaped(c) {
                Some(e) => out.push_str(&e.replace('\\', "\\\\")),
                None => out.push(c),
            },
        }
    }
    out.push('"');
    out
}

fn dot(spec: &ir::Spec, nodes: &[Node], edges: &[Edge]) -> String {
    let mut out = format!("digraph {} {{\n", dot_string(&spec.id));
    out.push_str("    node [fontname=\"sans-serif\"];\n    edge [fontname=\"sans-serif\"];\n");
    for n in nodes {
        let shape = match n.shape {
            Shape::Step => "box",
            Shape::GoOn => "box, style=rounded",
            Shape::Terminal => "oval",
            Shape::Any => "parallelogram",
            Shape::Transfer => "hexagon",
        };
        let _ = writeln!(
            out,
            "    {} [shape={shape}, label={}];",
            n.id,
            dot_string(&n.label.join("\n"))
        );
    }
    for e in edges {
        let style = if e.branch { ", style=dashed" } else { "" };
        let label = e
            .label
            .as_ref()
            .map_or(String::new(), |l| format!(", label={}", dot_string(l)));
        let _ = writeln!(out, "    {} -> {} [arrowhead=normal{style}{label}];", e.from, e.to);
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_text_cannot_break_out_of_a_label() {
        assert_eq!(
            mermaid_text("a\"]-->x[\"<b>#&|"),
            "a#quot;]--#gt;x[#quot;#lt;b#gt;#35;#amp;#124;"
        );
    }

    #[test]
    fn dot_strings_escape_quotes_and_backslashes() {
        assert_eq!(dot_string("a\"b\\c\r\nd\re"), "\"a\\\"b\\\\c\\nd\\ne\"");
        assert_eq!(dot_string("\0&amp;\u{7F}张"), "\"\\\\u{0}&amp;amp;\\\\u{7F}张\"");
    }
}
