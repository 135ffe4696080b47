//! `callc graph`: the flow as a picture, in Mermaid or Graphviz DOT.
//!
//! Input: a checked [`ir::Spec`]. Output: one text. Steps are boxes
//! (title, id and the concerns the step covers), the default successor is a
//! solid arrow, a branch is a dashed arrow labelled with its signal, ends are
//! one terminal node per end condition named (plus a plain `end`). Global
//! branches are drawn once, from an "any step" node, not from every step;
//! a step that overrides one draws its own arrow.

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
}

fn words(locale: &str) -> Words {
    if crate::ir::Language::of(locale) == crate::ir::Language::Chinese {
        Words {
            start: "开始",
            end: "结束",
            any_step: "任意步骤",
            covers: "覆盖",
        }
    } else {
        Words {
            start: "start",
            end: "end",
            any_step: "any step",
            covers: "covers",
        }
    }
}

/// A node or edge of the picture, before it is written in one syntax.
struct Node {
    id: String,
    label: Vec<String>,
    shape: Shape,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Step,
    Terminal,
    Any,
}

struct Edge {
    from: String,
    to: String,
    label: Option<String>,
    branch: bool,
}

/// The nodes and edges of a spec's flow, in a fixed order.
fn layout(spec: &ir::Spec) -> (Vec<Node>, Vec<Edge>) {
    let w = words(&spec.locale);
    // Mermaid reads a node called `end` as the end of a subgraph: terminal
    // nodes are `stop…`, and step nodes carry an `s_` prefix.
    let steps = AsciiNames::new(spec.steps.iter().map(|s| s.id.as_str()), &[]);
    let node_of_step = |i: usize| format!("s_{}", steps.get(&spec.steps[i].id));
    let node_of_end = |c: Option<usize>| match c {
        None => String::from("stop"),
        Some(i) => format!("stop_{i}"),
    };
    let mut nodes = vec![Node {
        id: String::from("start"),
        label: vec![w.start.to_owned()],
        shape: Shape::Terminal,
    }];
    for (i, s) in spec.steps.iter().enumerate() {
        let mut label = vec![
            s.title
                .clone()
                .map_or_else(|| s.id.clone(), |t| format!("{t} ({})", s.id)),
        ];
        if !s.covers.is_empty() {
            let names: Vec<&str> = s.covers.iter().map(|&c| spec.concerns[c].id.as_str()).collect();
            label.push(format!("{}: {}", w.covers, names.join(", ")));
        }
        nodes.push(Node {
            id: node_of_step(i),
            label,
            shape: Shape::Step,
        });
    }
    let target = |t: Target| match t {
        Target::Step(i) => node_of_step(i),
        Target::End(c) => node_of_end(c),
        Target::Transfer(_) => node_of_end(None), // issue 11: transfers not yet drawn
    };
    let mut edges = Vec::new();
    if !spec.steps.is_empty() {
        edges.push(Edge {
            from: String::from("start"),
            to: node_of_step(0),
            label: None,
            branch: false,
        });
    }
    let mut ends: Vec<Option<usize>> = Vec::new();
    let mut note_end = |t: Target| {
        if let Target::End(c) = t
            && !ends.contains(&c)
        {
            ends.push(c);
        }
    };
    if !spec.global_branches.is_empty() {
        nodes.push(Node {
            id: String::from("any"),
            label: vec![w.any_step.to_owned()],
            shape: Shape::Any,
        });
        for b in &spec.global_branches {
            note_end(b.target);
            edges.push(Edge {
                from: String::from("any"),
                to: target(b.target),
                label: Some(spec.on_name(b.on).to_owned()),
                branch: true,
            });
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
            edges.push(Edge {
                from: node_of_step(i),
                to: target(b.target),
                label: Some(spec.on_name(b.on).to_owned()),
                branch: true,
            });
        }
    }
    ends.sort_unstable();
    for c in ends {
        let label = match c {
            None => vec![w.end.to_owned()],
            Some(i) => {
                let e = &spec.ends[i];
                vec![format!("{} ({})", w.end, e.id)]
                    .into_iter()
                    .chain(e.caller.clone().or_else(|| e.callee.clone()))
                    .collect()
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
        callee: _,          // the flow only
        concerns: _,        // the `covers` line of a step
        signals: _,         // edge labels
        opening: _,         // the flow only
        steps: _,           // nodes and edges
        global_branches: _, // the "any step" node
        faq: _,             // the flow only
        ends: _,            // end nodes
        closing: _,         // the flow only
        first_speaker: _, // issue 11: not yet carried
        silence_timeout: _, // issue 11: not yet carried
        silence_timeout_explicit: _, // issue 11: not yet carried
        transfers: _, // issue 11: not yet carried
        captures: _, // issue 11: not yet carried
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
        waits: _, // issue 11: not yet carried
        captures: _, // issue 11: not yet carried
        retry: _, // issue 11: not yet carried
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
        priority: _, // the flow only
        text: _,     // the flow only
        steps: _,    // the flow only
        faq: _,      // the flow only
    },
    ir::Signal {
        id: _,          // edge labels
        description: _, // the flow only
    },
    ir::EndCondition {
        id: _,     // the end node's label
        requires: _, // issue 11: not yet carried
        caller: _, // the flow only
        callee: _, // the flow only
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
            Shape::Terminal => writeln!(out, "    {}([\"{label}\"])", n.id),
            Shape::Any => writeln!(out, "    {}{{{{\"{label}\"}}}}", n.id),
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
            Shape::Terminal => "oval",
            Shape::Any => "hexagon",
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
