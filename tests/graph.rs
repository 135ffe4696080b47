//! `callc graph`: the flow as Mermaid and DOT. Every edge of the checked
//! flow appears in the picture, the DOT is accepted by Graphviz, and the
//! Mermaid of every spec is snapshotted.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::emit::graph::{Format, emit};
use callc::ir::Target;
use std::io::Write;

fn spec(path: &str) -> callc::ir::Spec {
    let bytes = std::fs::read(path).unwrap();
    let c = callc::compile(path, &bytes, &LintLevels::default());
    c.spec_if_ok().unwrap().clone()
}

#[path = "support/files.rs"]
mod files;

#[path = "support/listening.rs"]
mod listening;

/// Every spec, and the spec that uses every construct of calls that listen
/// (a fixture until every target carries it).
fn specs() -> Vec<String> {
    listening::with_followup(files::call_files("specs"))
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

#[test]
fn mermaid_snapshots() {
    for path in specs() {
        let name = std::path::Path::new(&path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("mermaid_{name}"), emit(&spec(&path), Format::Mermaid));
    }
}

#[test]
fn every_edge_is_drawn() {
    let s = spec("specs/zh_broadband_retention.call");
    let out = emit(&s, Format::Mermaid);
    let names = callc::names::AsciiNames::new(s.steps.iter().map(|x| x.id.as_str()), &[]);
    let node = |t: Target| match t {
        Target::Step(i) => format!("s_{}", names.get(&s.steps[i].id)),
        Target::End(None) => String::from("stop"),
        Target::End(Some(i)) => format!("stop_{i}"),
        Target::Transfer(k) => format!("transfer_{k}"),
    };
    for (i, step) in s.steps.iter().enumerate() {
        let from = node(Target::Step(i));
        assert!(
            out.contains(&format!("    {from} --> {}\n", node(step.next))),
            "{from} default edge"
        );
        for b in &step.branches {
            let line = format!("    {from} -.->|\"{}\"| {}\n", s.on_name(b.on), node(b.target));
            assert!(out.contains(&line), "missing {line}");
        }
    }
    for b in &s.global_branches {
        // Voicemail and no answer are taken when the call starts, not at a step.
        let from = if b.is_at_start() { "start" } else { "any" };
        let line = format!("    {from} -.->|\"{}\"| {}\n", s.on_name(b.on), node(b.target));
        assert!(out.contains(&line), "missing {line}");
    }
    // A bounded retry: a loop label on the step and an edge to where it leads when spent.
    assert!(s.steps.iter().any(|x| x.retry.is_some()));
    // Concerns appear on the steps that cover them.
    assert!(out.contains("覆盖: 月费顾虑"));
}

#[test]
fn hostile_text_stays_inside_labels() {
    let src = r#"call t {
  locale "en"
  caller a { name "A" }
  callee b { name "B" }
  signal s "x"
  flow {
    step x "a\"] --> evil[\"<script>#1|" { say "hi" on s -> end }
  }
  end { closing "bye" }
}
"#;
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    let out = emit(c.spec_if_ok().unwrap(), Format::Mermaid);
    let label_line = out.lines().find(|l| l.contains("s_x[")).unwrap();
    assert_eq!(label_line.matches('"').count(), 2, "{label_line}");
    assert!(!out.contains("evil[\"") && !out.contains("<script>"), "{out}");
    let dot = emit(c.spec_if_ok().unwrap(), Format::Dot);
    assert!(dot.contains(r#"label="a\"] --> evil[\"<script>#1| (x)""#), "{dot}");
}

#[test]
fn graphviz_accepts_the_dot() {
    let Ok(out) = std::process::Command::new("dot").arg("-V").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Graphviz's `dot` (see .ci/run)"
        );
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    };
    assert!(out.status.success());
    for path in specs() {
        let text = emit(&spec(&path), Format::Dot);
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{path}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
    }
}

#[test]
fn the_cli_draws_and_refuses_broken_specs() {
    let bin = env!("CARGO_BIN_EXE_callc");
    let o = std::process::Command::new(bin)
        .args(["graph", "specs/taishan_renewal.call"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("flowchart TD\n"));
    let o = std::process::Command::new(bin)
        .args(["graph", "--to", "dot", "specs/taishan_renewal.call"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("digraph "));
    let o = std::process::Command::new(bin)
        .args(["graph", "tests/fixtures/check/E0102_unknown_next.call"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
}

/// A spec whose labels hold every character that could break DOT or
/// Mermaid: NUL, other C0 controls, DEL, a C1 control, a bidi override,
/// quotes, backslashes, `<>`, `&amp;`, `#`, `|`, a backtick, CJK,
/// full-width text, emoji and CRLF (issue 9: a NUL made Graphviz reject
/// the file).
const HOSTILE: &str = "call 敌意 {\r\n  locale \"zh-CN\"\r\n  caller a { name \"李明\" }\r\n  callee b { name \"张强\" }\r\n  \
    signal 忙 \"忙\"\r\n  flow {\r\n    step 问候 \"NUL\\0 SOH\\u{1} ESC\\u{1B} DEL\\u{7F} NEL\\u{85} RLO\\u{202E} \\\"引号\\\" \\\\反斜杠\\\\ \
    <b>&amp;</b> #1 | `code` 全角：＂ＡＢ＂ 😀👨\\u{200D}👩\\r\\n第二行\\r第三行\\t制表\" {\r\n      say \"您好\"\r\n      \
    on 忙 -> end(挂断)\r\n    }\r\n  }\r\n  end {\r\n    when 挂断 \"客户\\0挂断\\u{7}了 \\\"再见\\\"\"\r\n    closing \"再见\"\r\n  }\r\n}\r\n";

fn hostile() -> callc::ir::Spec {
    let c = callc::compile("hostile.call", HOSTILE.as_bytes(), &LintLevels::default());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    c.spec_if_ok().unwrap().clone()
}

#[test]
fn dot_labels_escape_every_control_character() {
    let dot = emit(&hostile(), Format::Dot);
    // Nothing raw that Graphviz could choke on or that would hide in the file.
    let raw: Vec<char> = dot
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || callc::syntax::is_bidi_control(c))
        .collect();
    assert!(raw.is_empty(), "raw controls {raw:?} in\n{dot}");
    // The label shows what the spec says, with the language's escapes.
    assert!(
        dot.contains(
            r#"label="NUL\\u{0} SOH\\u{1} ESC\\u{1B} DEL\\u{7F} NEL\\u{85} RLO\\u{202E} \"引号\" \\反斜杠\\ <b>&amp;amp;</b> #1 | `code` 全角：＂ＡＢ＂ 😀👨"#
        ),
        "{dot}"
    );
    assert!(dot.contains(r"\n第二行\n第三行\\u{9}制表 (问候)"), "{dot}");
    assert!(dot.contains(r#"客户\\u{0}挂断\\u{7}了 \"再见\""#), "{dot}");
    if std::process::Command::new("dot").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have Graphviz's `dot`");
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    }
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && stderr.is_empty(), "{stderr}\n{dot}");
    // Graphviz shows the entities as the characters of the spec.
    let svg = String::from_utf8_lossy(&o.stdout);
    assert!(svg.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"), "{svg}");
    assert!(svg.contains("NUL\\u{0} SOH\\u{1}"), "{svg}");
}

#[test]
fn mermaid_labels_escape_every_control_character_and_quote() {
    let out = emit(&hostile(), Format::Mermaid);
    let raw: Vec<char> = out
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || callc::syntax::is_bidi_control(c))
        .collect();
    assert!(raw.is_empty(), "raw controls {raw:?} in\n{out}");
    // Each node line opens and closes its one quoted label; no backtick
    // (a Markdown string in Mermaid), no `<` of the spec (HTML).
    for line in out.lines().filter(|l| l.contains("[\"") || l.contains("{{\"")) {
        assert_eq!(line.matches('"').count(), 2, "{line}");
        assert!(!line.contains('`'), "{line}");
    }
    assert!(out.contains("NUL\\u{0} SOH\\u{1} ESC\\u{1B} DEL\\u{7F} NEL\\u{85} RLO\\u{202E} #quot;引号#quot; \\反斜杠\\ #lt;b#gt;#amp;amp;#lt;/b#gt; #35;1 #124; #96;code#96; 全角：＂ＡＢ＂ 😀👨"), "{out}");
    assert!(out.contains("客户\\u{0}挂断\\u{7}了 #quot;再见#quot;"), "{out}");
}

/// A locale is one reading everywhere, case-insensitive as BCP 47 says:
/// `ZH-cn` drew English words while the Markdown target wrote Chinese.
#[test]
fn the_locale_is_read_the_same_way_by_every_output() {
    let text = std::fs::read_to_string("specs/taishan_renewal.call").unwrap();
    for (locale, chinese) in [
        ("zh-CN", true),
        ("ZH-CN", true),
        ("Zh-Hant-TW", true),
        ("zhx", false),
        ("en", false),
    ] {
        let source = text.replacen("locale \"zh-CN\"", &format!("locale \"{locale}\""), 1);
        let c = callc::compile("t.call", source.as_bytes(), &callc::check::LintLevels::default());
        let spec = c
            .spec_if_ok()
            .unwrap_or_else(|| panic!("{locale}: {:?}", c.diagnostics.first()));
        let graph = callc::emit::graph::emit(spec, callc::emit::graph::Format::Mermaid);
        let markdown = &callc::emit::emit(callc::emit::Target::Markdown, spec)[0].contents;
        assert_eq!(graph.contains("开始"), chinese, "{locale}: graph");
        assert_eq!(markdown.contains("电话拨打方"), chinese, "{locale}: markdown");
        assert_eq!(spec.language() == callc::ir::Language::Chinese, chinese, "{locale}");
    }
}

#[path = "support/followup_ir.rs"]
mod followup;

/// Runs Graphviz on a DOT text: its SVG, or `None` when `dot` is not
/// installed (CI must have it).
fn graphviz(dot: &str) -> Option<String> {
    if std::process::Command::new("dot").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have Graphviz's `dot`");
        eprintln!("skipped: Graphviz `dot` is not installed");
        return None;
    }
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && stderr.is_empty(), "{stderr}\n{dot}");
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Calls that listen: events, retries, transfers, captures, `continue` and the first
/// speaker are drawn — in Mermaid and in DOT, in both languages.
#[test]
fn the_constructs_of_calls_that_listen_are_drawn() {
    let zh = followup::listening("zh-CN");
    let out = emit(&zh, Format::Mermaid);
    for line in [
        // The start node says who speaks first; voicemail and no answer leave from it.
        "    start([\"开始<br/>对方先开口\"])\n",
        "    start -.->|\"voicemail\"| s_leave_message\n",
        "    start -.->|\"no_answer\"| stop_4\n",
        // Hang-up and silence (with its seconds) leave from the \"any step\" node.
        "    any[/\"任意步骤\"/]\n",
        "    any -.->|\"hangup\"| stop_5\n",
        "    any -.->|\"silence (8秒)\"| s_still_there\n",
        // A step that does not wait is rounded and marked.
        "    s_purpose(\"⏩ 说明来意 (purpose)\")\n",
        // Captures in the box, optional ones marked.
        "    s_offer[\"活动优势快报 (offer)<br/>覆盖: written_terms<br/>记录: package (可选), seats (可选)\"]\n",
        "    s_ask_email[\"确认接收邮箱 (ask_email)<br/>记录: email\"]\n",
        // A retry: a loop labelled with its bound and an edge for when it is spent.
        "    s_ask_email -.->|\"≤2\"| s_ask_email\n",
        "    s_ask_email -.->|\"重试用尽\"| stop_1\n",
        "    s_still_there -.->|\"≤1\"| s_still_there\n",
        "    s_still_there -.->|\"重试用尽\"| stop_5\n",
        // A transfer: a hexagon with its destination, and its fallback.
        "    transfer_0{{\"转接 (sales): 销售顾问<br/>至: queue:renewal_sales\"}}\n",
        "    any -.->|\"wants_human\"| transfer_0\n",
        "    transfer_0 -.->|\"转接失败\"| stop_2\n",
        // Required captures on the end node.
        "    stop_0([\"结束 (docs_by_email)<br/>张强留下邮箱，资料发邮箱<br/>需已记录: email\"])\n",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
    // Voicemail and no answer are not drawn from the \"any step\" node.
    assert!(!out.contains("any -.->|\"voicemail\"") && !out.contains("any -.->|\"no_answer\""));

    let mut en = followup::listening("en");
    en.first_speaker = callc::ir::Speaker::Caller;
    en.silence_timeout = 1;
    en.transfers[0].title = None;
    en.transfers[0].to = None;
    en.transfers[0].requires = vec![2];
    let dot = emit(&en, Format::Dot);
    for line in [
        "    start [shape=oval, label=\"start\\ncaller speaks first\"];\n",
        "    s_purpose [shape=box, style=rounded, label=\"⏩ 说明来意 (purpose)\"];\n",
        "    s_offer [shape=box, label=\"活动优势快报 (offer)\\ncovers: written_terms\\nrecords: package (optional), seats (optional)\"];\n",
        "    any [shape=parallelogram, label=\"any step\"];\n",
        "    transfer_0 [shape=hexagon, label=\"transfer (sales)\\nrequires: email\"];\n",
        "    any -> s_still_there [arrowhead=normal, style=dashed, label=\"silence (1 s)\"];\n",
        "    s_ask_email -> s_ask_email [arrowhead=normal, style=dashed, label=\"≤2\"];\n",
        "    s_ask_email -> stop_1 [arrowhead=normal, style=dashed, label=\"retries spent\"];\n",
        "    transfer_0 -> stop_2 [arrowhead=normal, style=dashed, label=\"transfer fails\"];\n",
        "    start -> s_leave_message [arrowhead=normal, style=dashed, label=\"voicemail\"];\n",
    ] {
        assert!(dot.contains(line), "{line:?} not in\n{dot}");
    }
    if let Some(svg) = graphviz(&dot) {
        assert!(svg.contains("retries spent") && svg.contains("⏩"), "{svg}");
    }
    if let Some(svg) = graphviz(&emit(&zh, Format::Dot)) {
        assert!(svg.contains("重试用尽") && svg.contains("对方先开口"), "{svg}");
    }
}

/// Every node line of the Mermaid output has one of the shapes the target
/// draws, with one quoted label; every edge line is one of its arrows.
#[test]
fn mermaid_lines_have_the_target_s_shapes() {
    let mut outs: Vec<String> = specs().iter().map(|p| emit(&spec(p), Format::Mermaid)).collect();
    outs.push(emit(&followup::listening("zh-CN"), Format::Mermaid));
    outs.push(emit(&followup::listening("en"), Format::Mermaid));
    for out in outs {
        for line in out.lines().skip(1) {
            let l = line.trim_start();
            let (id, rest) = l.split_at(l.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap());
            assert!(!id.is_empty(), "{line}");
            let shape = ["[\"", "(\"", "([\"", "[/\"", "{{\""]
                .iter()
                .any(|o| rest.starts_with(o))
                && ["\"]", "\")", "\"])", "\"/]", "\"}}"].iter().any(|c| rest.ends_with(c))
                && rest.matches('"').count() == 2;
            let edge = rest.starts_with(" --> ") || rest.starts_with(" -.->|\"");
            assert!(shape || edge, "{line}");
        }
    }
}
