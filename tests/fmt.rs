//! `callc fmt`: the layout of every construct (a snapshot per messy input,
//! input and output together), every comment kept in its place, idempotence
//! and unchanged meaning (the JSON output and the diagnostics) for every spec,
//! every fixture that parses and generated inputs, syntax errors, and the
//! command line (`--check`, directories, standard input).

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use callc::check::LintLevels;
use callc::fmt::format;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// What a spec means: its JSON output and its diagnostics (code and message;
/// spans move when the layout changes).
fn meaning(src: &str) -> (String, Vec<(String, String)>) {
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    let json = c.spec.as_ref().map(callc::emit::json::emit).unwrap_or_default();
    let mut diagnostics: Vec<(String, String)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect();
    diagnostics.sort();
    (json, diagnostics)
}

/// Every comment of a file (found by [`tokens`], independently of the
/// parser's side table), whether it has a line of its own (or ends a line of
/// code), and what comes between it and the comment before it.
fn comments(src: &str) -> Vec<(String, bool, String)> {
    let mut previous_end = 0;
    tokens(src)
        .into_iter()
        .filter(|t| t.starts_with("//"))
        .map(|t| {
            let start = t.as_ptr() as usize - src.as_ptr() as usize;
            let before = &src[..start];
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            let own = line.chars().all(|ch| matches!(ch, ' ' | '\t' | '\r' | '\u{FEFF}'));
            let between: String = src[previous_end..start].split_whitespace().collect();
            previous_end = start + t.len();
            (t.trim_end().to_owned(), own, between)
        })
        .collect()
}

/// The comments of the output are those of the input, in the same order,
/// and each keeps its position: on a line of its own, or at the end of a
/// line of code. One exception: a trailing comment that follows another
/// comment with only punctuation between them (`x // a` `{ // b`) cannot
/// share its line (`x { // a`), so it gets a line of its own.
fn assert_comments_kept(name: &str, input: &str, output: &str) {
    let (before, after) = (comments(input), comments(output));
    let texts = |c: &[(String, bool, String)]| c.iter().map(|(t, _, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(
        texts(&before),
        texts(&after),
        "{name}: a comment was lost or moved\n{output}"
    );
    for (i, ((text, own, between), (_, own_after, _))) in before.iter().zip(&after).enumerate() {
        let punctuation_only = i > 0 && between.chars().all(|c| "{(),".contains(c));
        assert!(
            own == own_after || (!own && punctuation_only),
            "{name}: `{text}` {} a line of its own\n{output}",
            if *own { "lost" } else { "got" }
        );
    }
}

/// Formats `src` and checks the promises: idempotent, same meaning, every
/// comment kept in order and in its position (own line or end of a line).
fn check_promises(name: &str, src: &str) -> String {
    let once = format(src).unwrap_or_else(|e| panic!("{name} does not format: {e:?}"));
    let twice = format(&once).unwrap();
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(meaning(src), meaning(&once), "{name}: formatting changed the meaning");
    assert_comments_kept(name, src, &once);
    once
}

/// Source text as a snapshot shows it: carriage returns, tabs and the BOM made visible.
fn show(s: &str) -> String {
    s.replace('\r', "␍").replace('\t', "⇥").replace('\u{FEFF}', "<BOM>")
}

#[path = "support/files.rs"]
mod files;

/// Every spec and every fixture, as (name, text).
fn corpus() -> Vec<(String, String)> {
    [
        "specs",
        "tests/fixtures/check",
        "tests/fixtures/cli",
        "tests/fixtures/fmt",
    ]
    .iter()
    .flat_map(files::call_files)
    .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
    .collect()
}

// ---------------------------------------------------------------------------
// The layout, construct by construct
// ---------------------------------------------------------------------------

#[test]
fn snapshots_of_messy_inputs() {
    let mut count = 0;
    insta::glob!("fixtures/fmt/*.call", |path| {
        count += 1;
        let src = std::fs::read_to_string(path).unwrap();
        let out = check_promises(&path.display().to_string(), &src);
        assert_ne!(out, src, "a messy fixture should need formatting");
        insta::assert_snapshot!(format!("{}\n=== formatted ===\n{}", show(&src), show(&out)));
    });
    assert!(count >= 6, "fixtures missing: found {count}");
}

#[test]
fn the_specs_are_formatted_and_the_reference_is_a_fixed_point() {
    for path in files::call_files("specs") {
        let src = std::fs::read_to_string(&path).unwrap();
        assert_eq!(format(&src).unwrap(), src, "{} is not formatted", path.display());
    }
}

#[test]
fn every_comment_position_survives() {
    let src = std::fs::read_to_string("tests/fixtures/fmt/comments_everywhere.call").unwrap();
    let out = check_promises("comments_everywhere", &src);
    let lines: Vec<&str> = out.lines().collect();
    let line_of = |needle: &str| {
        *lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("`{needle}` is lost:\n{out}"))
    };
    // Own-line comments stay on lines of their own, before what they describe.
    for own in [
        "// 文件开头的注释",
        "// 第一项之前",
        "// 两个空行之后",
        "// 条目之间",
        "// knows 结尾，右括号之前",
        "// caller 结尾",
        "// flow 结尾",
        "// call 结尾",
        "// 文件末尾的注释",
        "// 文件末尾的第二个注释",
    ] {
        assert!(
            line_of(own).trim_start().starts_with("//"),
            "{own} is not on its own line:\n{out}"
        );
    }
    // Trailing comments stay at the end of their line.
    for (code, trailing) in [
        ("call 注释 {", "// call 头部的行尾注释"),
        ("title  \"注释测试\"", "// title 行尾"),
        ("caller 李明 {", "// caller 头部"),
        ("name \"李明\"", "// name 行尾"),
        ("knows {", "// knows 头部"),
        ("公司 \"泰山公司\"", "// 条目行尾"),
        ("}", "// knows 右括号之后"),
        ("signal 忙 \"张强表示很忙\"", "// 信号行尾"),
        ("}", "// 步骤之后"),
        ("}", "// 最后的右括号之后"),
        ("when 已发送 \"资料已发送\"", "// 两边之间"),
    ] {
        let line = line_of(trailing);
        assert_eq!(line.trim(), format!("{code} {trailing}"), "{out}");
    }
    // A comment between the parts of one statement ends its line; the statement goes on below.
    assert!(out.contains("  on 忙 // 信号之后、箭头之前\n      -> 发送\n"), "{out}");
    assert!(
        out.contains("      say // say 之后、字符串之前\n        \"资料稍后发您邮箱。\"\n"),
        "{out}"
    );
    assert!(
        out.contains("    concern 价格 primary // 优先级之后、文本之前\n      \"价格是否透明\"\n"),
        "{out}"
    );
    // The order of the comments is the order of the source.
    let strict = |s: &str| comments(s).into_iter().map(|(t, own, _)| (t, own)).collect::<Vec<_>>();
    assert_eq!(strict(&src), strict(&out));
    // Blank lines: two become one; none at the start of a block.
    assert!(out.contains("// 第二行\n\n// 空行之后的注释，紧贴 call\ncall"), "{out}");
    assert!(out.contains("\"李明\" // name 行尾\n\n    // 两个空行之后"), "{out}");
    assert!(out.contains("// 文件末尾的注释\n\n// 文件末尾的第二个注释\n"), "{out}");
    assert!(out.ends_with("二个注释\n"), "{out}");
}

#[test]
fn crlf_bom_and_escapes() {
    let src = std::fs::read_to_string("tests/fixtures/fmt/crlf_bom_tabs.call").unwrap();
    let out = check_promises("crlf", &src);
    assert!(out.starts_with('\u{FEFF}'), "the byte-order mark is kept");
    assert_eq!(
        out.matches('\n').count(),
        out.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    assert!(
        !out.contains('\t') || out.contains("\t多一个制表符"),
        "tabs left only inside the block's text"
    );
    assert!(
        out.contains(r#"say "您好！\t制表符转义保留""#),
        "escapes are kept as written"
    );
    // A file whose first line ends in LF gets LF everywhere.
    let lf = "call x {\n  locale \"en\"\r\n  caller a { name \"A\" }\r\n}\r\n";
    let out = format(lf).unwrap();
    assert!(!out.contains('\r'), "{out:?}");
    // A one-line file gets LF.
    assert!(!format("call x { locale \"en\" }").unwrap().contains('\r'));
}

#[test]
fn block_strings_keep_their_text_at_any_indentation() {
    let src = std::fs::read_to_string("tests/fixtures/fmt/block_strings.call").unwrap();
    let out = check_promises("blocks", &src);
    // Content one level deeper than the field, closing quotes with it.
    assert!(out.contains("    persona \"\"\"\n      第一行在第 0 列。\n        第二行多两个空格。\n\n      第四行"));
    // Trailing spaces inside a block are text, not layout: kept.
    assert!(out.contains("        采购负责人   \n"), "{out}");
    // One-line blocks stay as written.
    assert!(out.contains(r#"behavior """  前后的空格  """"#), "{out}");
    // The same text wherever the block starts: indent the whole spec and format again.
    let shifted: String = out.lines().flat_map(|l| ["\t   ", l, "\n"]).collect();
    assert_eq!(format(&shifted).unwrap(), out);
}

#[test]
fn alignment_counts_display_width() {
    let src = std::fs::read_to_string("tests/fixtures/fmt/alignment.call").unwrap();
    let out = check_promises("alignment", &src);
    let col = |needle: &str| {
        let line = out.lines().find(|l| l.contains(needle)).unwrap();
        let at = line.find(needle).unwrap();
        unicode_width::UnicodeWidthStr::width(&line[..at])
    };
    assert_eq!(col("\"泰山公司\""), col("\"两年\""));
    assert_eq!(col("\"两年\""), col("\"引号里的标签\""));
    assert_eq!(col("primary"), col("secondary"));
    assert_eq!(col("\"价格是否透明\""), col("\"合同节点灵活性\""));
    assert_eq!(col("-> 发送"), col("-> end(已发送)"));
    // A comment line and a blank line end a run; a multi-line item too.
    assert_ne!(col("\"短\""), col("\"两年\""));
    assert!(out.contains("    concern 空行之后 latent \"新的一组\"\n"), "{out}");
    assert!(out.contains("    role \"专员\"\n    age  29\n"), "{out}");
}

#[test]
fn short_steps_are_expanded_and_empty_blocks_close_on_their_line() {
    let out = format("call x { locale \"en\" flow { step a { say \"hi\" } step b {} } }").unwrap();
    assert_eq!(
        out,
        "call x {\n  locale \"en\"\n\n  flow {\n    step a {\n      say \"hi\"\n    }\n    step b {}\n  }\n}\n"
    );
}

// ---------------------------------------------------------------------------
// Idempotence and meaning over every spec and fixture, and generated inputs
// ---------------------------------------------------------------------------

#[test]
fn every_spec_and_parseable_fixture_keeps_its_meaning() {
    let mut formatted = 0;
    for (name, src) in corpus() {
        let has_syntax_error = meaning(&src).1.iter().any(|(code, _)| code == "E0001");
        match format(&src) {
            Ok(_) => {
                assert!(!has_syntax_error, "{name} has a syntax error but was formatted");
                check_promises(&name, &src);
                formatted += 1;
            }
            Err(errors) => {
                assert!(has_syntax_error, "{name} was refused: {errors:?}");
                assert!(
                    !errors.is_empty() && errors.iter().all(|d| d.code.as_str() == "E0001"),
                    "{name}"
                );
            }
        }
    }
    assert!(formatted >= 40, "only {formatted} files formatted");
}

/// A tiny deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The tokens of a spec (strings and comments whole, whitespace dropped).
fn tokens(src: &str) -> Vec<&str> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = src.strip_prefix('\u{FEFF}').map_or(0, |_| 3);
    while i < b.len() {
        let start = i;
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'}' | b'(' | b')' | b',' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'>') => i += 2,
            _ => {
                while i < b.len() && !b" \t\r\n{}(),\"/-".contains(&b[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
            }
        }
        out.push(&src[start..i.min(b.len())]);
    }
    out
}

/// The same tokens with random whitespace, line breaks (LF and CRLF), tabs
/// and new comments between them.
fn mess(src: &str, rng: &mut Rng) -> String {
    let punct = |t: &str| matches!(t, "{" | "}" | "(" | ")" | "," | "->");
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for t in tokens(src) {
        if let Some(p) = prev {
            let sep = if p.starts_with("//") {
                rng.pick(&["\n", "\r\n", "\n\n\t", "\n      ", "\r\n\r\n\r\n"])
            } else if punct(p) || punct(t) {
                rng.pick(&["", " ", "\n", "\t", "\r\n  ", "   "])
            } else {
                rng.pick(&[" ", "\t", "\n", "  \n\t ", "\r\n", "\n\n\n"])
            };
            out.push_str(sep);
            if rng.chance(8) {
                out.push_str(rng.pick(&[" // 生成的注释😀", "// generated", " //", "\n// 独占一行"]));
                out.push_str(rng.pick(&["\n", "\r\n"]));
            }
        }
        out.push_str(t);
        prev = Some(t);
    }
    out
}

#[test]
fn generated_inputs_format_idempotently_and_keep_their_meaning() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for (name, src) in corpus() {
        if format(&src).is_err() {
            continue;
        }
        for round in 0..6 {
            let messy = mess(&src, &mut rng);
            let name = format!("{name} (messed up, round {round})");
            let out = check_promises(&name, &messy);
            assert_eq!(meaning(&src), meaning(&out), "{name}: the meaning changed\n{messy}");
            runs += 1;
        }
    }
    assert!(runs > 200, "only {runs} runs");
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

#[test]
fn syntax_errors_are_returned_and_nothing_is_formatted() {
    for (src, what) in [
        ("call x {", "the end of the file"),
        ("call x { say \"hi\" }", "`say`"),
        ("call x { locale \"zh\\q\" }", "unknown escape"),
        ("call x { flow { step end {} } }", "`end` cannot be used as an id"),
    ] {
        let errors = format(src).unwrap_err();
        assert!(errors.iter().all(|d| d.code.as_str() == "E0001"), "{errors:?}");
        assert!(errors.iter().any(|d| d.message.contains(what)), "{src}: {errors:?}");
    }
    // Placeholder problems (E0103) are not syntax errors: the file is formatted.
    assert!(format("call x {locale \"{nope\"}").is_ok());
}

#[test]
fn truncated_and_mutilated_specs_never_panic() {
    let src = std::fs::read_to_string("specs/taishan_renewal.call").unwrap();
    let cuts = (0..src.len()).step_by(37).filter(|&i| src.is_char_boundary(i));
    for cut in cuts {
        for variant in [
            src[..cut].to_owned(),
            format!("{}{}", &src[..cut], &src[cut..].replacen('\n', "", 1)),
        ] {
            if let Ok(out) = format(&variant) {
                assert_eq!(format(&out).unwrap(), out, "cut at {cut}");
            }
        }
    }
}

#[test]
fn a_large_spec_formats_in_linear_time() {
    // About 1 MB: the reference spec with 4,400 more steps, each with a comment.
    let src = std::fs::read_to_string("specs/taishan_renewal.call").unwrap();
    let mut steps = String::new();
    for i in 0..4400 {
        write!(
            steps,
            "    step s{i} \"第{i}步：补充信息😀\" covers upgrade_details {{\n      say \"整理了主流服务商最新报价和功能表，方便您比对。我们在定制报表和技术响应速度有优势。\" // 注释 {i}\n      on busy -> docs\n    }}\n"
        )
        .unwrap();
    }
    let big = src.replacen("    step greet", &format!("{steps}    step greet"), 1);
    assert!(big.len() > 1_000_000);
    // Every line flush left: the whole file to re-indent.
    let messy: String = big.lines().flat_map(|l| [l.trim_start(), "\n"]).collect();
    let start = Instant::now();
    let out = format(&messy).unwrap();
    let took = start.elapsed();
    assert_eq!(out, big);
    // A guard against quadratic behaviour, not a benchmark (this is a debug
    // build; release formats 1 MB in about 0.3 s).
    assert!(took < Duration::from_secs(60), "{took:?}");
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn callc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callc")).args(args).output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("callc was killed by a signal")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const MESSY: &str = "call x{locale \"zh-CN\" caller a{name \"李明\"}callee b{name \"张强\"}flow{step s{say \"您好\"}}end{closing \"再见\"}}";

#[test]
fn cli_check_names_the_files_that_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let formatted = format(MESSY).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("a.call"), &formatted).unwrap();
    std::fs::write(d.join("b.call"), MESSY).unwrap();
    std::fs::write(d.join("sub/c.call"), MESSY).unwrap();
    std::fs::write(d.join("notes.txt"), MESSY).unwrap();
    let dir_arg = d.to_str().unwrap();

    let o = callc(&["fmt", "--check", dir_arg]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("would reformat {}", d.join("b.call").display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("would reformat {}", d.join("sub/c.call").display())),
        "{err}"
    );
    assert!(!err.contains("a.call") && !err.contains("notes.txt"), "{err}");
    assert!(o.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(d.join("b.call")).unwrap(),
        MESSY,
        "--check changes nothing"
    );

    let o = callc(&["fmt", dir_arg]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in ["a.call", "b.call", "sub/c.call"] {
        assert_eq!(std::fs::read_to_string(d.join(f)).unwrap(), formatted, "{f}");
    }
    assert_eq!(std::fs::read_to_string(d.join("notes.txt")).unwrap(), MESSY);

    let o = callc(&["fmt", "--check", dir_arg]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stderr.is_empty() && o.stdout.is_empty());
}

#[test]
fn cli_leaves_a_file_with_syntax_errors_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.call");
    let text = "call x {\n  flow { step a { say \"您好\" }\n";
    std::fs::write(&bad, text).unwrap();
    let o = callc(&["fmt", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("error[E0001]") && err.contains("was not formatted"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), text);
}

#[test]
fn cli_formats_standard_input_to_standard_output() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callc"))
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), MESSY.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), format(MESSY).unwrap());
}

#[test]
fn cli_check_passes_on_the_specs() {
    let o = callc(&["fmt", "--check", "specs/"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(Path::new("specs/taishan_renewal.call").exists());
}

#[test]
fn the_before_and_after_in_the_documentation_is_true() {
    let md = std::fs::read_to_string("docs/fmt.md").unwrap();
    let section = &md[md.find("## Before and after").unwrap()..];
    let fenced = |info: &str| {
        let open = format!("```{info}\n");
        let start = section.find(&open).unwrap() + open.len();
        let len = section[start..].find("```\n").unwrap();
        section[start..start + len].to_owned()
    };
    let (before, after) = (fenced("text"), fenced("call"));
    assert_eq!(format(&before).unwrap(), after);
    check_promises("docs/fmt.md", &before);
}

#[test]
fn a_lone_carriage_return_stays_inside_its_comment() {
    // The grammar reads a comment to the line feed; the formatter took a
    // lone CR for its end and lost its place (found by fuzzing).
    let src = "// a\r\0b\r\ncall c {\r____\n  local \r\n}\r\n";
    let out = callc::fmt::format(src).unwrap();
    assert_eq!(out, "// a\r\0b\r\ncall c {\r\n  ____ local\r\n}\r\n");
    assert_eq!(callc::fmt::format(&out).unwrap(), out);
}

#[test]
fn a_byte_order_mark_after_blank_lines_or_comments() {
    // The grammar takes the mark before `call` after blank lines and comments
    // too (`SOI ~ "\u{FEFF}"? ~ call`, with trivia between); the formatter
    // looked for it only at offset 0, took it for a token and failed on a file
    // that parses (found by fuzzing: `fmt` target). It is dropped there: only
    // a mark at the very start is an encoding marker worth keeping.
    for (src, formatted) in [
        ("\n\u{FEFF}call n{}", "call n {}\n"),
        ("// c\n\u{FEFF}call n {}\n", "// c\ncall n {}\n"),
        ("\u{FEFF}// c\ncall n {}\n", "\u{FEFF}// c\ncall n {}\n"),
    ] {
        let out = check_promises(&show(src), src);
        assert_eq!(show(&out), show(formatted));
    }
}
