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

fn specs() -> Vec<PathBuf> {
    let v = files::call_files("specs");
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
                    "// @generated by callc from spec {} (target `rust`, format 1).\n",
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
    let out = with_spec("hostile.call", &hostile(), emit_one);
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
    ] {
        assert!(out.lines().any(|l| l == v), "no variant line {v:?}");
    }
}

/// The binary that walks the generated module: everything it prints is a
/// tagged record, strings length-prefixed, so the transcript compares byte
/// for byte with the one `expected` computes from the IR.
const MAIN: &str = r#"mod spec {
    include!("spec.rs");
}

use spec::*;
use std::io::Write;

fn raw(o: &mut Vec<u8>, text: &str) {
    o.extend_from_slice(text.as_bytes());
}

fn s(o: &mut Vec<u8>, tag: &str, v: &str) {
    raw(o, &format!("{tag} {}:", v.len()));
    raw(o, v);
    raw(o, "\n");
}

fn opt(o: &mut Vec<u8>, tag: &str, v: Option<&str>) {
    match v {
        Some(v) => s(o, tag, v),
        None => raw(o, &format!("{tag} -\n")),
    }
}

fn list(o: &mut Vec<u8>, tag: &str, v: &[&str]) {
    raw(o, &format!("{tag} [{}]\n", v.len()));
    for x in v {
        s(o, tag, x);
    }
}

fn tr(o: &mut Vec<u8>, tag: &str, t: Option<Transition>) {
    match t {
        None => raw(o, &format!("{tag} -\n")),
        Some(Transition::To(x)) => s(o, &format!("{tag} step"), x.id()),
        Some(Transition::End(None)) => raw(o, &format!("{tag} end\n")),
        Some(Transition::End(Some(c))) => s(o, &format!("{tag} end"), c.id()),
    }
}

fn party(o: &mut Vec<u8>, tag: &str, p: &Party) {
    s(o, tag, p.id);
    s(o, tag, p.name);
    opt(o, tag, p.gender);
    raw(o, &format!("{tag} age {:?}\n", p.age));
    opt(o, tag, p.org);
    opt(o, tag, p.role);
    opt(o, tag, p.persona);
    opt(o, tag, p.task);
    for (kind, entries) in [("knows", p.knows), ("background", p.background)] {
        raw(o, &format!("{tag} {kind} [{}]\n", entries.len()));
        for (label, value) in entries {
            s(o, tag, label);
            s(o, tag, value);
        }
    }
    list(o, tag, p.behavior);
    opt(o, tag, p.style.note);
    list(o, tag, p.style.avoid);
    list(o, tag, p.style.prefer);
}

fn main() {
    let mut o = Vec::new();
    raw(&mut o, &format!("format {FORMAT_VERSION}\n"));
    s(&mut o, "call", CALL_ID);
    opt(&mut o, "title", TITLE);
    s(&mut o, "locale", LOCALE);
    opt(&mut o, "opening", OPENING);
    s(&mut o, "closing", CLOSING);
    party(&mut o, "caller", &CALLER);
    party(&mut o, "callee", &CALLEE);
    for p in Priority::ALL {
        s(&mut o, "priority", p.as_str());
    }
    for c in CONCERNS {
        s(&mut o, "concern", c.id);
        s(&mut o, "concern", c.priority.as_str());
        s(&mut o, "concern", c.text);
        let steps: Vec<&str> = c.steps.iter().map(|x| x.id()).collect();
        list(&mut o, "concern", &steps);
        list(&mut o, "concern", c.faq);
        assert!(std::ptr::eq(concern(c.id).unwrap(), c));
    }
    for x in Signal::ALL {
        s(&mut o, "signal", x.id());
        opt(&mut o, "signal", x.description());
        assert_eq!(Signal::from_id(x.id()), Some(*x));
    }
    for x in Step::ALL {
        s(&mut o, "step", x.id());
        opt(&mut o, "step", x.title());
        list(&mut o, "step", x.lines());
        list(&mut o, "step", x.covers());
        tr(&mut o, "step", Some(x.successor()));
        assert_eq!(Step::from_id(x.id()), Some(*x));
    }
    s(&mut o, "start", START.id());
    let mut step = START;
    let mut visits = 0;
    loop {
        if visits == Step::ALL.len() + 1 {
            raw(&mut o, "walk loops\n");
            break;
        }
        visits += 1;
        s(&mut o, "walk", step.id());
        match next(step, None) {
            Transition::To(x) => step = x,
            end => {
                tr(&mut o, "walk", Some(end));
                break;
            }
        }
    }
    for x in Step::ALL {
        for y in Signal::ALL {
            s(&mut o, "at", x.id());
            s(&mut o, "on", y.id());
            tr(&mut o, "branch", x.branch(*y));
            tr(&mut o, "next", Some(next(*x, Some(*y))));
        }
    }
    for qa in FAQ {
        s(&mut o, "qa", qa.id);
        list(&mut o, "qa", qa.questions);
        s(&mut o, "qa", qa.answer);
        list(&mut o, "qa", qa.covers);
        assert!(std::ptr::eq(faq(qa.id).unwrap(), qa));
        for q in qa.questions {
            opt(&mut o, "find", find_answer(q).map(|a| a.id));
            opt(&mut o, "find padded", find_answer(&format!(" \t{q}\r\n")).map(|a| a.id));
        }
    }
    opt(&mut o, "find nothing", find_answer(" ").map(|a| a.id));
    for x in EndCondition::ALL {
        s(&mut o, "end", x.id());
        opt(&mut o, "end", x.caller());
        opt(&mut o, "end", x.callee());
        assert_eq!(EndCondition::from_id(x.id()), Some(*x));
    }
    assert!(Step::from_id("no such step").is_none() && Signal::from_id("").is_none());
    assert!(EndCondition::from_id("end").is_none() && faq("").is_none() && concern("").is_none());
    std::io::stdout().write_all(&o).unwrap();
}
"#;

/// The transcript `MAIN` must print, computed from the IR.
fn expected(spec: &ir::Spec) -> Vec<u8> {
    struct O(Vec<u8>);
    impl O {
        fn raw(&mut self, text: &str) {
            self.0.extend_from_slice(text.as_bytes());
        }
        fn s(&mut self, tag: &str, v: &str) {
            self.raw(&format!("{tag} {}:{v}\n", v.len()));
        }
        fn opt(&mut self, tag: &str, v: Option<&String>) {
            match v {
                Some(v) => self.s(tag, v),
                None => self.raw(&format!("{tag} -\n")),
            }
        }
        fn list<S: AsRef<str>>(&mut self, tag: &str, v: &[S]) {
            self.raw(&format!("{tag} [{}]\n", v.len()));
            for x in v {
                self.s(tag, x.as_ref());
            }
        }
        fn tr(&mut self, spec: &ir::Spec, tag: &str, t: Option<ir::Target>) {
            match t {
                None => self.raw(&format!("{tag} -\n")),
                Some(ir::Target::Step(i)) => self.s(&format!("{tag} step"), &spec.steps[i].id),
                Some(ir::Target::End(None)) => self.raw(&format!("{tag} end\n")),
                Some(ir::Target::End(Some(c))) => self.s(&format!("{tag} end"), &spec.ends[c].id),
                Some(ir::Target::Transfer(t)) => self.s(&format!("{tag} transfer"), &spec.transfers[t].id),
            }
        }
        fn party(&mut self, tag: &str, p: &ir::Party) {
            self.s(tag, &p.id);
            self.s(tag, &p.name);
            self.opt(tag, p.gender.as_ref());
            self.raw(&format!("{tag} age {:?}\n", p.age));
            self.opt(tag, p.org.as_ref());
            self.opt(tag, p.role.as_ref());
            self.opt(tag, p.persona.as_ref());
            self.opt(tag, p.task.as_ref());
            for (kind, entries) in [("knows", &p.knows), ("background", &p.background)] {
                self.raw(&format!("{tag} {kind} [{}]\n", entries.len()));
                for (label, value) in entries {
                    self.s(tag, label);
                    self.s(tag, value);
                }
            }
            self.list(tag, &p.behavior);
            self.opt(tag, p.style.note.as_ref());
            self.list(tag, &p.style.avoid);
            self.list(tag, &p.style.prefer);
        }
    }
    // The documented semantics: a signal takes the first branch listed for it
    // (the step's own, then the global one), else the step's successor.
    let branch = |i: usize, sig: usize| spec.branches_at(i).find(|b| b.signal() == Some(sig)).map(|b| b.target);
    let key = |q: &str| -> String {
        q.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let find = |q: &str| -> Option<&String> {
        let k = key(q);
        if k.is_empty() {
            return None;
        }
        spec.faq
            .iter()
            .find(|qa| qa.questions.iter().any(|x| key(x) == k))
            .map(|qa| &qa.id)
    };

    let mut o = O(Vec::new());
    o.raw("format 1\n");
    o.s("call", &spec.id);
    o.opt("title", spec.title.as_ref());
    o.s("locale", &spec.locale);
    o.opt("opening", spec.opening.as_ref());
    o.s("closing", &spec.closing);
    o.party("caller", &spec.caller);
    o.party("callee", &spec.callee);
    for p in ["primary", "secondary", "latent"] {
        o.s("priority", p);
    }
    for c in &spec.concerns {
        o.s("concern", &c.id);
        o.s("concern", c.priority.as_str());
        o.s("concern", &c.text);
        o.list(
            "concern",
            &c.steps.iter().map(|&i| &spec.steps[i].id).collect::<Vec<_>>(),
        );
        o.list("concern", &c.faq.iter().map(|&i| &spec.faq[i].id).collect::<Vec<_>>());
    }
    for sig in &spec.signals {
        o.s("signal", &sig.id);
        o.opt("signal", sig.description.as_ref());
    }
    for step in &spec.steps {
        o.s("step", &step.id);
        o.opt("step", step.title.as_ref());
        o.list("step", &step.lines);
        o.list(
            "step",
            &step.covers.iter().map(|&c| &spec.concerns[c].id).collect::<Vec<_>>(),
        );
        o.tr(spec, "step", Some(step.next));
    }
    o.s("start", &spec.steps[0].id);
    let mut at = 0;
    let mut visits = 0;
    loop {
        if visits == spec.steps.len() + 1 {
            o.raw("walk loops\n");
            break;
        }
        visits += 1;
        o.s("walk", &spec.steps[at].id);
        match spec.steps[at].next {
            ir::Target::Step(i) => at = i,
            end @ (ir::Target::End(_) | ir::Target::Transfer(_)) => {
                o.tr(spec, "walk", Some(end));
                break;
            }
        }
    }
    for (i, step) in spec.steps.iter().enumerate() {
        for (j, sig) in spec.signals.iter().enumerate() {
            o.s("at", &step.id);
            o.s("on", &sig.id);
            o.tr(spec, "branch", branch(i, j));
            o.tr(spec, "next", Some(branch(i, j).unwrap_or(step.next)));
        }
    }
    for qa in &spec.faq {
        o.s("qa", &qa.id);
        o.list("qa", &qa.questions);
        o.s("qa", &qa.answer);
        o.list(
            "qa",
            &qa.covers.iter().map(|&c| &spec.concerns[c].id).collect::<Vec<_>>(),
        );
        for q in &qa.questions {
            o.opt("find", find(q));
            o.opt("find padded", find(&format!(" \t{q}\r\n")));
        }
    }
    o.opt("find nothing", None);
    for e in &spec.ends {
        o.s("end", &e.id);
        o.opt("end", e.caller.as_ref());
        o.opt("end", e.callee.as_ref());
    }
    o.0
}

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned())
}

fn run(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Compiles the generated file as a library (edition 2021 and 2024, type
/// check only) and inside `MAIN` (edition 2021), all with `-D warnings`,
/// runs the binary and compares its transcript with the IR's.
fn compile_and_walk(name: &str, bytes: &[u8]) {
    let (source, want) = with_spec(name, bytes, |spec| (emit_one(spec), expected(spec)));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.rs"), &source).unwrap();
    std::fs::write(dir.path().join("main.rs"), MAIN).unwrap();
    for edition in ["2021", "2024"] {
        run(
            Command::new(rustc())
                .current_dir(dir.path())
                .args([
                    "--edition",
                    edition,
                    "-D",
                    "warnings",
                    "--crate-type",
                    "lib",
                    "--emit",
                    "metadata",
                ])
                .args(["--crate-name", "call_spec", "spec.rs"]),
            &format!("{name}: rustc --edition {edition} --crate-type lib"),
        );
    }
    run(
        Command::new(rustc()).current_dir(dir.path()).args([
            "--edition",
            "2021",
            "-D",
            "warnings",
            "-o",
            "walk",
            "main.rs",
        ]),
        &format!("{name}: rustc main.rs"),
    );
    let got = run(&mut Command::new(dir.path().join("walk")), &format!("{name}: the walk"));
    if got != want {
        let (got, want) = (String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!("{name}: transcript differs at line {first:?}\n--- got ---\n{got}\n--- want ---\n{want}");
    }
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
    std::thread::scope(|scope| {
        for (name, bytes) in &cases {
            scope.spawn(move || compile_and_walk(name, bytes));
        }
    });
}

/// The code block after `marker` in `text`, without its fences.
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let body = &text[start + marker.len()..];
    &body[..=body.find("\n```").unwrap()]
}

#[test]
fn the_usage_example_in_the_docs_compiles_and_prints_what_it_says() {
    let doc = std::fs::read_to_string("docs/targets/rust.md").unwrap();
    let main = block_after(&doc, "```rust\n// src/main.rs");
    let main = format!("// src/main.rs{main}");
    let output = block_after(&doc[doc.find(&main[..40]).unwrap()..], "prints\n\n```text\n");
    let bytes = std::fs::read("specs/taishan_renewal.call").unwrap();
    let source = with_spec("taishan", &bytes, emit_one);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taishan_renewal.rs"), source).unwrap();
    std::fs::write(dir.path().join("main.rs"), &main).unwrap();
    run(
        Command::new(rustc()).current_dir(dir.path()).args([
            "--edition",
            "2021",
            "-D",
            "warnings",
            "-o",
            "usage",
            "main.rs",
        ]),
        "rustc on the documented example",
    );
    let got = run(&mut Command::new(dir.path().join("usage")), "the documented example");
    assert_eq!(String::from_utf8(got).unwrap(), output);
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
