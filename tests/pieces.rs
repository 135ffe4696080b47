//! Large flows are parsed in pieces (src/syntax/split.rs); the result must
//! be exactly that of parsing the file in one go: the same tree, the same
//! comments, the same diagnostics with the same spans. Every spec and
//! fixture in the repository, cut as small as possible and a little larger,
//! with CRLF line ends, and with comments at every cut.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;

use callc::ast::FlowItem;

#[path = "support/files.rs"]
mod files;

/// The whole-file parse and the parse in pieces of `piece` bytes, printed.
fn both(source: &str, piece: usize) -> (String, String) {
    let whole = callc::syntax::parse_in_pieces(source, usize::MAX);
    let pieces = callc::syntax::parse_in_pieces(source, piece);
    (format!("{whole:#?}"), format!("{pieces:#?}"))
}

fn variants(source: &str) -> Vec<String> {
    vec![
        source.to_owned(),
        source.replace("\r\n", "\n").replace('\n', "\r\n"),
        // A comment before and after every step and branch.
        source
            .replace("\n    step ", "\n    // 注释 before\n    step ")
            .replace("\n    on ", "\n    // after 😀\n    on "),
        // No space where the cuts are: `{step` and `}}`.
        source.replace("{\n    step ", "{step ").replace("}\n  }", "}}"),
    ]
}

#[test]
fn pieces_parse_exactly_as_the_whole_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = ["specs", "tests/fixtures", "tests/adversarial", "editors/vscode/test"]
        .iter()
        .flat_map(|dir| files::call_files(root.join(dir)))
        .collect();
    files.sort();
    assert!(files.len() > 50, "found only {} specs", files.len());
    let mut cut = 0;
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        }; // not UTF-8: never parsed
        for variant in variants(&source) {
            // A valid file is cut after every step of its first flow (and
            // once more when items follow the last step).
            let expected = callc::syntax::parse(&variant).0.and_then(|f| {
                f.call.items.iter().find_map(|i| match i {
                    callc::ast::CallItem::Flow(flow) => {
                        let steps = flow.items.iter().filter(|i| matches!(i, FlowItem::Step(_))).count();
                        let tail = !matches!(flow.items.last(), Some(FlowItem::Step(_)));
                        Some(steps + usize::from(tail && !flow.items.is_empty()))
                    }
                    _ => None,
                })
            });
            if let Some(n) = expected.filter(|&n| n > 1) {
                let used = callc::syntax::pieces_used(&variant, 1);
                assert_eq!(used, n, "{} was not cut after every step", path.display());
                cut += 1;
            }
            for piece in [1, 300] {
                let (whole, pieces) = both(&variant, piece);
                assert!(whole == pieces, "{} differs in pieces of {piece} bytes", path.display());
            }
        }
    }
    assert!(cut > files.len(), "only {cut} parses were cut into pieces");
}

#[test]
fn the_reference_spec_is_cut_and_checks_the_same() {
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/taishan_renewal.call")).unwrap();
    assert!(callc::syntax::pieces_used(&source, 1) >= 5);
    let (whole, pieces) = both(&source, 1);
    assert_eq!(whole, pieces);
}

#[test]
fn a_broken_piece_reports_the_error_of_the_whole_file() {
    let source =
        "call c {\n  flow {\n    step a { say \"x\" }\n    step b { say \"y\" oops }\n    step c { }\n  }\n}\n";
    // Without the error it is parsed in three pieces; with it, the pieces
    // are refused and the whole file is parsed for the error.
    assert_eq!(callc::syntax::pieces_used(&source.replace(" oops", ""), 1), 3);
    assert_eq!(callc::syntax::pieces_used(source, 1), 0);
    let (whole, pieces) = both(source, 1);
    assert_eq!(whole, pieces);
    let (tree, diags) = callc::syntax::parse_in_pieces(source, 1);
    assert!(tree.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(&source[diags[0].span.start..diags[0].span.end], "oops");
}

#[test]
fn diagnostics_found_while_parsing_keep_their_order() {
    // Decoding problems (E0103) before, inside and after the flow, and a
    // hidden character (W0210) in a comment inside it.
    let source = "call c {\n  title \"{\"\n  flow {\n    step a { say \"}\" }\n    // \u{202E}\n    step b { say \"{x\" }\n  }\n  end { when done \"}\" }\n}\n";
    assert_eq!(callc::syntax::pieces_used(source, 1), 2);
    let (whole, pieces) = both(source, 1);
    assert_eq!(whole, pieces);
    let (_, diags) = callc::syntax::parse_in_pieces(source, 1);
    let starts: Vec<usize> = diags.iter().map(|d| d.span.start).collect();
    assert_eq!(diags.len(), 5, "{diags:#?}");
    assert!(starts.is_sorted(), "{starts:?}");
}

#[test]
fn words_that_look_like_the_flow_keyword_are_not_cut() {
    // A party or signal called `flow`, a second flow, and `flow` inside
    // strings and comments: whatever the scan takes for the flow, the result
    // is the whole-file parse's.
    let sources = [
        "call c {\n  caller flow {\n    knows { a \"1\" }\n    knows { b \"2\" }\n  }\n  flow {\n    step a { }\n    step b { }\n  }\n}\n",
        "call c {\n  signal flow \"flow {\"\n  // flow {\n  flow {\n    step a { say \"flow { }\" }\n    step b { }\n  }\n  flow {\n    step c { }\n    step d { }\n  }\n}\n",
    ];
    for source in sources {
        let (whole, pieces) = both(source, 1);
        assert_eq!(whole, pieces, "{source}");
    }
    // The real flow of the second is cut after each of its steps.
    assert_eq!(callc::syntax::pieces_used(sources[1], 1), 2);
}

/// One step of thousands of statements (a dense spec): its body is cut
/// between statements and parsed part by part, with the same result.
#[test]
fn a_large_step_is_cut_between_its_statements() {
    let mut body = String::new();
    for i in 0..3000 {
        match i % 5 {
            0 => {
                let _ = write!(body, "    say \"第{i}句😀，带“引号”和 {{callee.name}}\"\r\n");
            }
            1 => {
                let _ = write!(body, "    // 注释 {i} say next on\r\n    on 忙 -> s{}\r\n", i % 3);
            }
            2 => body.push_str("    allow empty_text\r\n    say \"\"\r\n"),
            3 => body.push_str("    say \"\"\"\r\n      多行\r\n      say \"不是语句\"\r\n    \"\"\"\r\n"),
            _ => body.push_str("    say \"end\" on 闲 -> end\r\n"),
        }
    }
    let source = format!(
        "call t {{\r\n  locale \"zh-CN\"\r\n  caller a {{ name \"李明\" }}\r\n  callee b {{ name \"张强\" }}\r\n  \
         signal 忙 \"忙\"\r\n  signal 闲 \"闲\"\r\n  flow {{\r\n    step s0 {{ say \"开场\" }}\r\n    step s1 {{\r\n{body}    next s2 }}\r\n    \
         step s2 {{ say \"再见\" -> end }}\r\n  }}\r\n  end {{ closing \"再见\" }}\r\n}}\r\n"
    );
    let parts = callc::syntax::step_parts_used(&source, 4096);
    // (A statement every 4 KiB: the body is about 100 KB.)
    assert!(parts >= 3, "the large step was parsed in {parts} parts");
    for piece in [1, 300, 4096, 64 * 1024] {
        let (whole, pieces) = both(&source, piece);
        assert!(whole == pieces, "differs in pieces of {piece} bytes");
    }
}
