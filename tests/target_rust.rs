//! The `rust` target: a snapshot of the generated file for every spec; the
//! generated file compiles warning-free with rustc as a library (editions
//! 2021 and 2024) and inside a binary (through `include!`) for every spec,
//! for a hostile spec, a minimal one and one whose flow never ends, and the
//! binary's walk of the flow, branch table and every static string equal
//! what the IR says, byte for byte; the usage example of
//! `docs/targets/rust.md` compiles and prints what the page says; and the
//! target's two escaping functions keep their promises.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use callc::check::LintLevels;
use callc::emit::rust::{string_literal, variant_names};
use callc::emit::{self, Target};
use callc::ir;

#[path = "support/files.rs"]
mod files;
#[path = "support/listening.rs"]
mod listening;
#[path = "support/rust_walk.rs"]
mod rust_walk;

fn specs() -> Vec<PathBuf> {
    let v = listening::with_followup(files::call_files("specs"));
    assert!(v.len() >= 3, "expected the reference spec and two more");
    v
}

/// Checks a spec that must have no error, and hands its IR to `f`.
fn with_spec<T>(name: &str, bytes: &[u8], f: impl FnOnce(&ir::Spec) -> T) -> T {
    let compiled = callc::compile(name, bytes, &LintLevels::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    f(compiled.spec_if_ok().unwrap())
}

fn emit_one(spec: &ir::Spec) -> String {
    let files = emit::emit(Target::Rust, spec);
    assert_eq!(files.len(), 1);
    files.into_iter().next().unwrap().contents
}

/// Every string and id that could break generated Rust, with CRLF line
/// endings (see `hostile()`). It passes `callc check` (lints allowed).
const HOSTILE: &str = r##"// Hostile spec: strings and ids that could break generated Rust. */ /*
call mod {
  title  "\"#; panic!(\"title\"); r#\" */ /* }} {{ \\ \u{202E}evil\u{202C} ' @RLO@raw"
  locale "zh-CN"
  allow warnings
  opening "第一行\r\n第二行\0NUL \u{2066}iso\u{2069} \u{200B}zwsp \u{FEFF}bom \u{2028}ls \u{7}bell 😀 \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} 🇨🇳 ｆｕｌｌ e\u{301}"
  caller crate {
    name   "李明 */ fn main() {{}} /*"
    gender other
    age    0
    org    "\\\\server\\share \"quoted\" \\"
    role   "}}\n}} fn evil() {{\n{{"
    persona """
      多行 persona with "quotes", a \\ backslash
        and indentation,\r
      and a tab:@TAB@end
      """
    task "{{placeholder}} braces, {knows.公司} and {caller.name}"
    knows {
      公司 "泰山公司\u{202E}"
      "label \"q\" */ #" "value\twith tab"
      match "r#\"raw\"#"
    }
  }
  callee super {
    name "张强@RLO@"
    age  150
    org  "{caller.org}"
    background { 身份 "x\0y" "/**/" "*/" }
    concern impl     primary   "concern */ text"
    concern 报价顾虑 secondary "二\n行"
    concern unsafe   latent    "\u{1F600}\u{FE0F}"
    behavior "behavior with ' single quote and \" double"
    behavior ""
    style { note "\\" avoid "/* unclosed" prefer "*/" prefer "///" prefer "//! inner" }
  }
  signal match "signal \"match\""
  signal 忙
  signal 拒绝 "拒绝"
  signal async
  flow {
    on match -> 报价
    on 拒绝  -> end(loop)
    step fn "fn title \"#" covers impl { say "fn main() {{ panic!() }}" on 忙 -> end }
    step self "self" { say "\r" say "\0" say "" }
    step Self { say "Self" on async -> 保价 on match -> end(while) }
    step 报价 covers 报价顾虑 { say "报价" }
    step 保价 { say "保价" }
    step bao_jia { }
    step baoJia { say "baoJia" }
    step bao_jia2 { say "bao_jia2" }
    step bao_jia_2 { say "bao_jia_2" }
    step _9lives { say "_9lives" }
    step _ { say "_" }
    step café { say "precomposed" }
    step @CAFE@ { say "decomposed" }
    step Ωmega { say "Ω" }
    step loop_back { say "back to the start" next fn }
  }
  faq {
    qa type covers impl {
      q "What's \"this\"?"
      q "  what's THIS  "
      a "answer */ \"#"
    }
    qa where covers unsafe {
      q "？？"
      a "no letters"
    }
    qa 价格 { q "多少钱？" q "多少钱" a "九十九元。" }
  }
  end {
    when loop  "caller \"side\"" callee "callee */"
    when while callee "only callee"
    when 完成  "only caller"
    closing "closing \"#"
  }
}
"##;

fn hostile() -> Vec<u8> {
    HOSTILE
        .replace("@RLO@", "\u{202E}")
        .replace("@TAB@", "\t")
        .replace("@CAFE@", "cafe\u{301}")
        .replace('\n', "\r\n")
        .into_bytes()
}

/// No signal, FAQ entry, concern or end condition: the empty enums and lists.
const MINIMAL: &str = r#"call 最小 {
  locale "en"
  caller a { name "A" }
  callee b { name "B" }
  flow { step 唯一 { say "hi" } }
  end { closing "bye" }
}
"#;

/// A call that can never end (W0202, a warning): no transition is an end.
const NO_END: &str = r#"call no_end {
  locale "en"
  caller c { name "A" }
  callee d { name "B" }
  signal again
  flow { step a { say "hi" on again -> b } step b { say "again" next a } }
  end { when never "never" closing "bye" }
}
"#;

#[test]
fn snapshot_of_every_spec() {
    let mut count = 0;
    insta::glob!("..", "specs/*.call", |path| {
        count += 1;
        let bytes = std::fs::read(path).unwrap();
        let out = with_spec(&path.display().to_string(), &bytes, emit_one);
        insta::assert_snapshot!(out);
    });
    assert!(count >= 3);
}

#[test]
fn snapshot_of_the_spec_with_every_construct() {
    // Named as `snapshot_of_every_spec` will name it once it is in `specs/`.
    let path = listening::followup_path();
    if !path.starts_with("specs") {
        let out = with_spec("zh_renewal_followup.call", &std::fs::read(&path).unwrap(), emit_one);
        insta::assert_snapshot!("snapshot_of_every_spec@zh_renewal_followup.call", out);
    }
}

#[test]
fn snapshot_of_a_spec_with_variables_and_three_callees() {
    let path = "tests/fixtures/targets/many_customers.call";
    insta::assert_snapshot!(with_spec(path, &std::fs::read(path).unwrap(), emit_one));
}

#[test]
fn snapshot_of_a_spec_with_every_construct() {
    insta::assert_snapshot!(emit_one(&listening::spec()));
}

#[test]
fn one_file_named_after_the_spec_and_deterministic() {
    for path in specs() {
        let bytes = std::fs::read(&path).unwrap();
        with_spec(&path.display().to_string(), &bytes, |spec| {
            let a = emit::emit(Target::Rust, spec);
            let b = emit::emit(Target::Rust, spec);
            assert_eq!(a, b, "{} differs between two builds", path.display());
            let name = a[0].path.to_str().unwrap();
            assert!(
                a[0].path.extension().is_some_and(|e| e == "rs") && name.is_ascii(),
                "{name}"
            );
            assert!(
                a[0].contents.starts_with(&format!(
                    "// @generated by callc from spec {} (target `rust`, format 3).\n",
                    string_literal(&spec.id)
                )),
                "{}",
                path.display()
            );
            assert!(a[0].contents.ends_with("}\n") && !a[0].contents.ends_with("\n\n"));
        });
    }
    let zh = std::fs::read("specs/zh_broadband_retention.call").unwrap();
    with_spec("zh", &zh, |spec| {
        assert_eq!(
            emit::emit(Target::Rust, spec)[0].path,
            Path::new("kuan_dai_xu_yue_wan_liu.rs")
        );
    });
}

#[test]
fn hostile_text_reaches_the_output_only_escaped() {
    let out = with_spec("hostile.call", &hostile(), emit_one) + &emit_one(&hostile_listening());
    for c in out.chars() {
        assert!(
            c == '\n'
                || !(c.is_control()
                    || ('\u{200B}'..='\u{200F}').contains(&c)
                    || ('\u{2028}'..='\u{202E}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)
                    || c == '\u{FEFF}'
                    || c == '\u{301}'),
            "raw {c:?} in the output"
        );
    }
    assert!(!out.contains('\r'));
    // Comments hold only the escaped ids: no spec text, so no `*/` or line break can escape one.
    for line in out.lines() {
        if let Some(i) = line.find("//") {
            let comment = &line[i..];
            if !line[..i].contains('"') {
                assert!(!comment.contains("*/") && !comment.contains("/*"), "{line}");
            }
        }
    }
    // The hostile ids became ASCII variants, keywords avoided, collisions resolved in order.
    for v in [
        "    Fn,",
        "    Self2,",
        "    Self3,",
        "    BaoJia,",
        "    BaoJia2,",
        "    BaoJia3,",
        "    BaoJia4,",
        "    BaoJia2_2,",
        "    BaoJia2_3,",
        "    _9lives,",
        "    X,",
        "    CafUe9,",
        "    CafeU301,",
        "    U3a9Mega,",
        "    Match,",
        "    Mang,",
        "    JuJue,",
        "    Async,",
        "    Loop,",
        "    While,",
        "    WanCheng,",
        // Captures, transfers and `one_of` words of the hand-built spec.
        "    Self2,",
        "    Self3,",
        "    BaoJia2,",
        "    BaoJia3,",
        "    _9,",
        "    Transfer,",
        "    Choice,",
        "    RU23U22RawU22U23,",
        "    BiaoZhun,",
        "    EU301,",
    ] {
        assert!(out.lines().any(|l| l == v), "no variant line {v:?}");
    }
}

/// The hand-built spec with every new construct, its new ids and text made
/// hostile: capture, transfer and `one_of` ids that are keywords, collide
/// once transliterated or hold non-ASCII, and text with `"#`, `*/`, CR,
/// NUL, bidi controls and emoji.
fn hostile_listening() -> ir::Spec {
    let mut spec = listening::spec();
    let ids = ["self", "Self", "报价", "保价", "bao_jia", "fn", "match", "_9"];
    for (c, id) in spec.captures.iter_mut().zip(ids) {
        id.clone_into(&mut c.id);
        c.description = format!("\"#; */ {id}\r\n\0\u{202E}😀 /*");
    }
    spec.captures[0].kind = ir::ValueType::OneOf(
        ["fn", "Self", "标准", "bao_jia", "baoJia", "é", "e\u{301}"]
            .map(str::to_owned)
            .to_vec(),
    );
    spec.captures[1].kind = ir::ValueType::OneOf(["标准", "r#\"raw\"#", "Choice"].map(str::to_owned).to_vec());
    spec.captures[7].kind = ir::ValueType::Integer {
        min: Some(i64::MIN),
        max: Some(i64::MAX),
    };
    let t = &mut spec.transfers[0];
    "Transfer".clone_into(&mut t.id);
    t.title = Some("*/ \u{2066}销售\u{2069}".to_owned());
    t.say = "\"); panic!(\"x\"); (\"\r\n👨\u{200D}👩\u{200D}👧".into();
    t.to = Some("sip:\"#@example.com".into());
    spec
}

/// Compiles the generated file (see `support/rust_walk.rs`) and compares
/// the binary's transcript of the static data with the IR's.
fn compile_and_walk(name: &str, spec: &ir::Spec) {
    let walker = rust_walk::Walker::build(name, &emit_one(spec));
    let got = walker.static_transcript();
    let want = rust_walk::expected_static(spec);
    rust_walk::assert_same(name, &String::from_utf8_lossy(&got), &String::from_utf8_lossy(&want));
}

#[test]
fn generated_code_compiles_and_runs_the_flow_of_the_spec() {
    let mut cases: Vec<(String, Vec<u8>)> = specs()
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    cases.push(("hostile.call".to_owned(), hostile()));
    cases.push(("minimal.call".to_owned(), MINIMAL.as_bytes().to_vec()));
    cases.push(("no_end.call".to_owned(), NO_END.as_bytes().to_vec()));
    // Per-call variables of every type, three callees, signal examples.
    for path in [
        "tests/fixtures/targets/many_customers.call",
        "tests/fixtures/every_word.call",
    ] {
        cases.push((path.to_owned(), std::fs::read(path).unwrap()));
    }
    std::thread::scope(|scope| {
        for (name, bytes) in &cases {
            scope.spawn(move || with_spec(name, bytes, |spec| compile_and_walk(name, spec)));
        }
        scope.spawn(|| compile_and_walk("listening (built by hand)", &listening::spec()));
        scope.spawn(|| compile_and_walk("hostile listening (built by hand)", &hostile_listening()));
    });
}

/// The code block after `marker` in `text`, without its fences.
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let body = &text[start + marker.len()..];
    &body[..=body.find("\n```").unwrap()]
}

/// Compiles the example program of `docs/targets/rust.md` that starts with
/// `// src/main.rs, beside src/MODULE.rs` beside the file generated for
/// `spec`, runs it and compares its output with the `prints` block after it.
fn documented_example(module: &str, spec: &std::path::Path) {
    let doc = std::fs::read_to_string("docs/targets/rust.md").unwrap();
    let marker = format!("```rust\n// src/main.rs, beside src/{module}.rs");
    let main = block_after(&doc, &marker);
    let main = format!("{}{main}", &marker["```rust\n".len()..]);
    let output = block_after(&doc[doc.find(&marker).unwrap()..], "prints\n\n```text\n");
    let bytes = std::fs::read(spec).unwrap();
    let source = with_spec(module, &bytes, emit_one);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{module}.rs")), source).unwrap();
    std::fs::write(dir.path().join("main.rs"), &main).unwrap();
    rust_walk::run(
        Command::new(rust_walk::rustc()).current_dir(dir.path()).args([
            "--edition",
            "2021",
            "-D",
            "warnings",
            "-o",
            "usage",
            "main.rs",
        ]),
        &format!("rustc on the documented example for {module}"),
    );
    let got = rust_walk::run(&mut Command::new(dir.path().join("usage")), "the documented example");
    assert_eq!(String::from_utf8(got).unwrap(), output, "{module}");
}

#[test]
fn the_usage_examples_in_the_docs_compile_and_print_what_they_say() {
    documented_example("taishan_renewal", "specs/taishan_renewal.call".as_ref());
    documented_example("renewal_followup", &listening::followup_path());
    documented_example("many_customers", "tests/fixtures/targets/many_customers.call".as_ref());
}

#[test]
fn the_hostile_walk_loops_and_its_branches_override_globals() {
    // What the transcript comparison relies on, stated directly.
    with_spec("hostile.call", &hostile(), |spec| {
        let last = spec.steps.last().unwrap();
        assert_eq!(last.next, ir::Target::Step(0), "loop_back goes back to the start");
        let own = &spec.steps[2].branches;
        let signal = |id: &str| spec.signals.iter().position(|s| s.id == id).unwrap();
        let first_match = own.iter().find(|b| b.signal() == Some(signal("match"))).unwrap();
        assert!(matches!(first_match.target, ir::Target::End(Some(_))));
        // The step's own branch is the one in force: it overrides the global one.
        let global = spec
            .global_branches
            .iter()
            .position(|b| b.signal() == Some(signal("match")))
            .unwrap();
        assert!(spec.steps[2].overrides.contains(&global));
        assert_eq!(
            spec.branches_at(2).find(|b| b.signal() == Some(signal("match"))),
            Some(first_match)
        );
        let out = emit_one(spec);
        assert!(out.contains("(Step::Self3, Signal::Match) => Some(Transition::End(Some(EndCondition::While))),"));
        assert!(!out.contains("(Step::Self3, Signal::Match) => Some(Transition::To("));
    });
}

// ---- string_literal ----

/// Reads a Rust string literal back (the escapes `Debug` produces), or `None`.
fn unescape(lit: &str) -> Option<String> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                'u' => {
                    if chars.next()? != '{' {
                        return None;
                    }
                    let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

fn hostile_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "\"#",
        "\"##",
        "r#\"",
        "\\",
        "\\\"",
        "*/",
        "/*",
        "/**/",
        "}",
        "{",
        "\"",
        "'",
        "\r",
        "\n",
        "\r\n",
        "\0",
        "\t",
        "\u{7f}",
        "\u{85}",
        "\u{202E}",
        "\u{202A}\u{202B}\u{202C}\u{202D}",
        "\u{2066}\u{2067}\u{2068}\u{2069}",
        "\u{200E}\u{200F}\u{061C}",
        "\u{200B}\u{200D}\u{FEFF}",
        "\u{2028}\u{2029}",
        "e\u{301}",
        "\u{301}",
        "😀",
        "👨\u{200D}👩\u{200D}👧",
        "🇨🇳",
        "✌\u{FE0F}",
        "ｆｕｌｌ　宽",
        "\u{10FFFF}",
        "\u{E000}",
        "\"); panic!(\"x\"); (\"",
        "老客户回馈活动 · 泰山公司续约跟进",
        "合同编号 {年份}-017",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Every control, format and separator character of the first planes, one by one.
    v.extend(
        (0..=0x3000u32)
            .chain(0xFE00..=0xFFFF)
            .filter_map(char::from_u32)
            .map(String::from),
    );
    v
}

#[test]
fn string_literal_round_trips_and_hides_every_invisible_character() {
    for s in hostile_strings() {
        let lit = string_literal(&s);
        assert_eq!(unescape(&lit).as_deref(), Some(s.as_str()), "{lit}");
        for c in lit.chars() {
            assert!(!c.is_control(), "raw control {c:?} in {lit}");
            assert!(
                !matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'),
                "raw invisible {c:?} in {lit}"
            );
        }
    }
}

#[test]
fn string_literal_exact_forms() {
    assert_eq!(string_literal(""), r#""""#);
    assert_eq!(string_literal("\"#"), r##""\"#""##);
    assert_eq!(string_literal("a\\b"), r#""a\\b""#);
    assert_eq!(string_literal("*/ }"), r#""*/ }""#);
    assert_eq!(string_literal("一\r\n二\0"), r#""一\r\n二\0""#);
    assert_eq!(string_literal("\u{202E}abc"), r#""\u{202e}abc""#);
    assert_eq!(string_literal("it's"), r#""it's""#);
    assert_eq!(string_literal("张强说“发邮箱就行”😀"), "\"张强说“发邮箱就行”😀\"");
    assert_eq!(string_literal("ｆｕｌｌ"), "\"ｆｕｌｌ\"");
}

// ---- variant_names ----

/// Every Rust keyword, strict, reserved and weak, in any edition.
const KEYWORDS: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "crate",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "async",
    "await",
    "dyn",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "union",
    "macro_rules",
    "raw",
    "safe",
    "_",
];

/// rustc's `non_camel_case_types` rule.
fn is_camel_case(name: &str) -> bool {
    let name = name.trim_matches('_');
    let chars: Vec<char> = name.chars().collect();
    name.is_empty()
        || (!chars[0].is_lowercase()
            && !name.contains("__")
            && !chars.windows(2).any(|w| {
                let has_case = |c: char| c.is_lowercase() || c.is_uppercase();
                (has_case(w[0]) && w[1] == '_') || (has_case(w[1]) && w[0] == '_')
            }))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

#[test]
fn variant_names_are_readable() {
    assert_eq!(
        variant_names([
            "greet",
            "wrap_up",
            "开场",
            "Greet-Now",
            "wrapUp",
            "报价2",
            "😀",
            "_9lives",
            "_",
            "ｆ"
        ]),
        [
            "Greet", "WrapUp", "KaiChang", "GreetNow", "WrapUp2", "BaoJia2", "U1f600", "_9lives", "X", "Uff46"
        ]
    );
}

#[test]
fn variant_names_avoid_keywords_and_resolve_collisions_in_order() {
    assert_eq!(variant_names(["self", "Self", "SELF"]), ["Self2", "Self3", "Self4"]);
    assert_eq!(variant_names(["fn", "match", "type"]), ["Fn", "Match", "Type"]);
    assert_eq!(
        variant_names(["报价", "保价", "bao_jia", "baoJia"]),
        ["BaoJia", "BaoJia2", "BaoJia3", "BaoJia4"]
    );
    // CamelCase merges `a_1` and `a1`: the later one gets a separated suffix.
    assert_eq!(variant_names(["a_1", "a1", "a1"]), ["A1", "A1_2", "A1_3"]);
    // Precomposed and decomposed forms, which rustc's NFC would merge, stay apart.
    assert_eq!(variant_names(["café", "cafe\u{301}"]), ["CafUe9", "CafeU301"]);
    assert!(variant_names(std::iter::empty()).is_empty());
}

#[test]
fn variant_names_are_always_unique_camel_case_ascii_identifiers() {
    let mut ids: Vec<String> = KEYWORDS.iter().map(|k| (*k).to_owned()).collect();
    for k in KEYWORDS {
        ids.push(k.to_uppercase());
        ids.push(format!("{k}_2"));
        ids.push(format!("{k}2"));
    }
    ids.extend(
        [
            "报价", "保价", "包价", "开场", "_", "__", "_0", "_9lives", "a__b", "Ωmega", "ǅ", "x_", "X", "x",
            "e\u{301}", "é",
        ]
        .map(str::to_owned),
    );
    for i in 0..40 {
        ids.push(format!("s{i}"));
        ids.push(format!("s_{i}"));
        ids.push(format!("S{i}_2"));
    }
    let names = variant_names(ids.iter().map(String::as_str));
    assert_eq!(names.len(), ids.len());
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "duplicate names");
    let mut report = String::new();
    for (id, name) in ids.iter().zip(&names) {
        if !is_identifier(name) || !is_camel_case(name) || KEYWORDS.contains(&name.as_str()) {
            let _ = writeln!(report, "{id:?} -> {name:?}");
        }
    }
    assert!(report.is_empty(), "bad names:\n{report}");
}
