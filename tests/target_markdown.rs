//! The `markdown` target: one file with the two role prompts in the layout
//! of the reference document. The reference spec's output holds every
//! sentence of the seed, with the seed's section titles in the seed's
//! order; flow the layout has no place for is written as notes; every spec
//! in specs/ is snapshotted.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::emit::{self, markdown};

fn spec_of(name: &str, text: &str) -> callc::ir::Spec {
    let c = callc::compile(name, text.as_bytes(), &LintLevels::default());
    assert!(!c.has_errors(), "{name}: {:#?}", c.diagnostics);
    c.spec_if_ok().unwrap().clone()
}

fn build(path: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let files = emit::emit(emit::Target::Markdown, &spec_of(path, &text));
    assert_eq!(files.len(), 1);
    files[0].contents.clone()
}

#[path = "support/seed.rs"]
mod seed_support;

use seed_support::seed_sentences;

fn seed() -> String {
    std::fs::read_to_string("tests/fixtures/seeds/taishan_renewal.md").unwrap()
}

#[test]
fn the_reference_spec_holds_every_sentence_of_the_seed() {
    let sentences = seed_sentences(&seed());
    assert!(
        sentences.len() > 100,
        "the seed parser lost the seed: {}",
        sentences.len()
    );
    let out = build("specs/taishan_renewal.call");
    let missing: Vec<&String> = sentences.iter().filter(|s| !out.contains(s.as_str())).collect();
    assert!(missing.is_empty(), "{} sentences missing: {missing:#?}", missing.len());
}

#[test]
fn the_reference_spec_has_the_seed_sections_in_the_seed_order() {
    let seed = seed();
    let out = build("specs/taishan_renewal.call");
    // Every heading and bold label of the seed, in order.
    let marks: Vec<&str> = seed
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#') || l.starts_with("**") || l.starts_with("- **"))
        .collect();
    assert_eq!(marks.len(), 19, "{marks:#?}");
    // Each must be a whole line of the output (a hard line break's two
    // trailing spaces allowed), after the previous one.
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut from = 0;
    for m in marks {
        let at = lines[from..]
            .iter()
            .position(|l| *l == m)
            .unwrap_or_else(|| panic!("`{m}` missing after line {from}"));
        from += at + 1;
    }
    // The headings are whole lines, at the seed's levels.
    assert!(out.contains("\n## 电话拨打方\n") && out.contains("\n## 电话接听方\n"));
    assert!(out.contains("\n### 分步流程和话术（最重要）\n"));
}

#[test]
fn the_reference_steps_keep_the_seed_layout_and_gain_flow_notes() {
    let out = build("specs/taishan_renewal.call");
    assert!(out.contains("1. 开场问候及身份确认  \n   “您好，请问是泰山公司的张强吗？我是长江公司的李明。”\n"));
    assert!(out.contains("10. 总结并建立后续沟通  \n    “感谢沟通，"));
    // Global branches come once, before the steps; a step's own branches in the step.
    assert!(out.contains("（任何一步中，如张强表示时间紧，要求资料发邮箱 → 转到第9步）  \n"));
    assert!(out.contains(
        "（任何一步中，如张强表示暂不考虑续约，或要交管理层决定 → 结束通话：张强明确表示暂不考虑，或需管理层决策）\n"
    ));
    assert!(
        out.contains("   （如张强表示时间紧，要求资料发邮箱 → 结束通话：张强要求完整资料发邮箱，转为内部分析）  \n")
    );
    assert!(out.contains("- 问：优惠条款及价格明细能否直接发我？有合同模板吗？  \n  答：可以，"));
    assert!(out.starts_with("# 老客户回馈活动 · 泰山公司续约跟进\n\n## 电话拨打方\n"));
}

#[test]
fn jumps_and_endings_are_notes_in_the_step() {
    let out = build("specs/zh_broadband_retention.call");
    // 报价 (step 4): its own branch overrides the global one, and `next 确认` (step 9) jumps ahead.
    let offer = out.split("\n4. ").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(
        offer,
        "续约优惠方案  \n   “作为老用户，续约两年月费99元，免费提速到500M，没有任何额外收费。”  \n   \
         （如用户嫌月费贵，或拿别家价格来比 → 转到第5步）  \n   （说完后 → 转到第9步）"
    );
    // `-> end(已续约)` on a step that is not the last.
    assert!(out.contains("（说完后 → 结束通话：用户同意续约，短信确认已发送）"));
    // Several `say` lines: one quoted line each.
    assert!(out.contains("“友邦第一年七十九，第二年就回到一百三十九，两年算下来比我们续约还多花四百多。”  \n   “而且"));
    // Several phrasings of one question.
    assert!(out.contains("- 问：续约以后还有别的收费吗？  \n  问：有没有隐藏费用？  \n  答：没有，"));
}

#[test]
fn english_specs_get_english_titles_and_identity_lines() {
    let out = build("specs/en_dental_reminder.call");
    for title in [
        "## Caller",
        "### Role",
        "### Core task (one sentence)",
        "### Step-by-step flow and script (most important)",
        "### FAQ (common customer questions and answers)",
        "### Opening line",
        "### End conditions and closing line",
        "## Callee",
        "### Core concerns (primary, secondary and latent)",
    ] {
        assert!(out.contains(&format!("\n{title}\n")), "{title}");
    }
    assert!(!out.contains("电话"));
    // The persona does not name Sam nor his clinic: the role section says
    // so; his role it mentions already.
    assert!(
        out.contains("### Role\n\n- Name: Sam Patel\n- Gender: male\n- Organisation: Bright Smile Dental\n\nFriendly")
    );
    assert!(out.contains("(If “The patient cannot make the booked time” → go to step 7)"));
    assert!(out.contains("(Then → end the call)"));
    assert!(out.contains("- Q: How much will I have to pay?  \n  Q: What's my copay?  \n  A: Your estimate"));
    assert!(out.contains("- Primary concern: How much she will pay herself after insurance\n"));
}

const EDGE: &str = "call 边界 {\r\n  locale \"fr\"\r\n  caller a { name \"Amélie\" persona \"# pas un titre\\nligne 2 😀\\r\\n\\\\fin\" }\r\n  callee b { name \"Bo\" age 30 }\r\n  flow {\r\n    step s1 { say \"Bonjour\\nsur deux lignes\" say \"* pas une liste *\" -> end }\r\n  }\r\n  end { closing \"Au revoir\" }\r\n}\r\n";

#[test]
fn other_locales_fall_back_to_english_and_text_is_escaped_once() {
    let out = markdown::render(&spec_of("edge.call", EDGE));
    assert_eq!(
        out,
        "## Caller\n\n### Role\n\n- Name: Amélie\n\n\\# pas un titre\nligne 2 😀&#xD;\n\\fin\n\n\
         ### Step-by-step flow and script (most important)\n\n\
         1. “Bonjour\n   sur deux lignes”  \n   “\\* pas une liste \\*”\n\n\
         ### End conditions and closing line\n\n**Closing line:**\n“Au revoir”\n\n\n\
         ## Callee\n\n### Role\n\n- Name: Bo\n- Age: 30\n"
    );
}

#[test]
fn output_is_deterministic_and_named_after_the_call() {
    for path in ["specs/taishan_renewal.call", "specs/zh_broadband_retention.call"] {
        let text = std::fs::read_to_string(path).unwrap();
        let a = emit::emit(emit::Target::Markdown, &spec_of(path, &text));
        let b = emit::emit(emit::Target::Markdown, &spec_of(path, &text));
        assert_eq!(a, b);
    }
    let files = emit::emit(emit::Target::Markdown, &spec_of("edge.call", EDGE));
    assert_eq!(files[0].path, std::path::PathBuf::from("边界.md"));
}

#[test]
fn every_spec_snapshot() {
    insta::glob!("..", "specs/*.call", |path| {
        insta::assert_snapshot!(build(path.to_str().unwrap()));
    });
}

/// Issue 9: a persona holding a code fence turned every later section (the
/// callee's prompt included) into one code block, and HTML, images and
/// headings in spec text came out as structure. Now every section heading
/// stays a heading, and `callc import` reads every text back, writing the
/// bidi control as an escape (not raw, which its own checker rejects).
#[test]
fn hostile_text_cannot_open_structure_and_imports_back() {
    let persona = "```\\r\\n# 假标题\\n<script>alert(1)</script> ![图](x.png) [a]: b &amp; \\\\* 1. 全角：（括号）😀\\u{202E}反转";
    let src = format!(
        "call 敌意 {{\n  locale \"zh-CN\"\n  caller a {{ name \"李明\" persona \"{persona}\" }}\n  callee b {{ name \"张强\" persona \"- 列表\\n> 引用\\n| a | b |\" }}\n  \
         flow {{ step s \"问候：\" {{ say \"“您好”```\" }} }}\n  end {{ closing \"再见\" }}\n}}\n"
    );
    let spec = spec_of("hostile.call", &src);
    let out = markdown::render(&spec);
    assert!(out.contains("\n## 电话接听方\n"), "{out}");
    assert!(
        !out.contains("\n```") && !out.contains("\n# 假标题") && !out.contains("<script>"),
        "{out}"
    );
    assert!(out.contains("&#x202E;"), "{out}");
    let imported = callc::import::import(&out);
    let call = imported.call.unwrap();
    assert!(!call.contains('\u{202E}') && call.contains("\\u{202E}"), "{call}");
    let back = spec_of("back.call", &call);
    assert_eq!(back.caller.persona, spec.caller.persona);
    assert_eq!(back.callee.persona, spec.callee.persona);
    assert_eq!(back.steps[0].title, spec.steps[0].title);
    assert_eq!(back.steps[0].lines, spec.steps[0].lines);
    assert_eq!(markdown::render(&back), out, "the round trip is an identity");
}
