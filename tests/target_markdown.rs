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
    // The customer's facts are per-call variables: the preview fills in
    // their examples, which are the seed's.
    let path = "specs/taishan_renewal.call";
    let spec = spec_of(path, &std::fs::read_to_string(path).unwrap()).preview();
    let out = emit::emit(emit::Target::Markdown, &spec).remove(0).contents;
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
    // 报价 (step 4): its own branch overrides the global one, its retry bound says where it
    // goes when spent (挽留, step 7), and `next 确认` (step 9) jumps ahead.
    let offer = out.split("\n4. ").nth(1).unwrap().split("\n\n").next().unwrap();
    assert_eq!(
        offer,
        "续约优惠方案  \n   “作为老用户，续约两年月费99元，免费提速到500M，没有任何额外收费。”  \n   \
         （如用户嫌月费贵，或拿别家价格来比 → 转到第5步）  \n   （最多再问2次，仍不成 → 转到第7步）  \n   \
         （说完后 → 转到第9步）"
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
    assert!(out.contains("(Then → end the call: The patient confirms the appointment)"));
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
         After each step, stop and wait for the callee's answer, then go on according to it.\n\n\
         1. “Bonjour\n   sur deux lignes”  \n   “\\* pas une liste \\*”\n\n\
         ### Opening line\n\n\
         (When the call connects, let the callee speak first, then say the opening line)\n\n\
         ### End conditions and closing line\n\n**Closing line:**\n“Au revoir”\n\n\n\
         ## Callee\n\n\
         You are answering a call the caller placed; speak first when you pick up (for example “Hello?”).\n\n\
         ### Role\n\n- Name: Bo\n- Age: 30\n"
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
    // The spec that uses every construct of calls that listen, while it is
    // a fixture (in specs/, the glob above has it).
    let followup = listening::followup_path();
    if followup.starts_with("tests") {
        insta::assert_snapshot!("zh_renewal_followup", build(followup.to_str().unwrap()));
    }
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
    assert_eq!(back.callees[0].persona, spec.callees[0].persona);
    assert_eq!(back.steps[0].title, spec.steps[0].title);
    assert_eq!(back.steps[0].lines, spec.steps[0].lines);
    assert_eq!(markdown::render(&back), out, "the round trip is an identity");
}

#[path = "support/followup_ir.rs"]
mod followup;
#[path = "support/listening.rs"]
mod listening;

/// The step of a rendered flow numbered `n`, up to the blank line after it.
fn step_text(out: &str, n: usize) -> &str {
    out.split(&format!("\n{n}. "))
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
}

/// Calls that listen: the caller's prompt says to wait after each step, what to
/// record where, how often a step may run again, what the telephony events
/// lead to, what each outcome requires and when to transfer; the callee's
/// prompt says they were called and answer first.
#[test]
fn the_prompts_say_how_a_call_that_listens_runs() {
    let out = markdown::render(&followup::listening("zh-CN"));
    // The rule at the top of the flow: wait, with the exception, the FAQ and the silence.
    assert!(out.contains(
        "### 分步流程和话术（最重要）\n\n每一步说完后都停下来，等对方回答，再按对方的回答继续（注明“说完不等回答”的步骤除外）。\
         对方问到问答知识库里的问题时，先回答，再回到这一步。对方8秒不说话，算作沉默。\n\n"
    ));
    // Events: voicemail and no answer after dialling, hang-up and silence at any step.
    assert!(out.contains(
        "（拨出后，如进入语音信箱 → 转到第5步）  \n（拨出后，如电话未接通 → 结束通话：电话未接通）  \n\
         （任何一步中，如对方挂断 → 结束通话：张强挂断或长时间无回应）  \n\
         （任何一步中，如对方沉默8秒 → 转到第4步）  \n"
    ));
    assert!(out.contains("（任何一步中，如张强要求直接和销售顾问沟通 → 转接：销售顾问）"));
    assert_eq!(
        step_text(&out, 1),
        "说明来意  \n   “上周和您介绍过本季度的老客户回馈活动，今天想再跟进一下。”  \n   （说完不等回答，直接继续）"
    );
    assert_eq!(
        step_text(&out, 2),
        "活动优势快报  \n   “提前续约享8%专属优惠😀。您更倾向标准续约还是高级套餐？”  \n   \
         （可选记录 package：以下之一：standard、premium——张强倾向的套餐：standard（标准续约）或 premium（高级套餐））  \n   \
         （可选记录 seats：整数，1到500——预计使用的席位数）"
    );
    assert_eq!(
        step_text(&out, 3),
        "确认接收邮箱  \n   “明细和合同模板发到哪个邮箱方便？”  \n   （需记录 email：邮箱地址——张强接收资料的邮箱地址）  \n   \
         （最多再问2次，仍不成 → 结束通话：多次未获得邮箱，改用其他渠道）  \n   （说完后 → 结束通话：张强留下邮箱，资料发邮箱）"
    );
    assert!(step_text(&out, 4).contains("（最多再问1次，仍不成 → 结束通话：张强挂断或长时间无回应）"));
    // Who speaks first, in both prompts.
    assert!(
        out.contains("### 开场白\n\n（电话接通后，先等对方开口，再说开场白）\n\n“您好，请问是泰山公司的张强吗？”\n\n")
    );
    assert!(out.contains("\n## 电话接听方\n\n这通电话是对方打给你的；接起后由你先开口（例如“喂？”）。\n\n### 角色\n"));
    // What an outcome requires; the transfers with their line, destination and fallback.
    assert!(out.contains("**结束条件：**\n- 张强留下邮箱，资料发邮箱  \n  （需已记录：email）\n- 多次未获得邮箱"));
    assert!(out.contains(
        "**转接：**\n- 销售顾问：“好的，我这就为您转接负责贵司的销售顾问，请稍候。”  \n  （转接到：queue:renewal_sales）  \n  \
         （转接失败 → 结束通话：张强明确表示暂不考虑）\n\n**结束语：**\n"
    ));
    // The callee does not see the script's mechanics.
    let callee = out.split("\n## 电话接听方\n").nth(1).unwrap();
    assert!(!callee.contains("需记录") && !callee.contains("转接") && !callee.contains("说完不等"));
    insta::assert_snapshot!("listening_zh", out);
}

#[test]
fn the_english_prompts_of_a_call_where_the_caller_speaks_first() {
    let mut s = followup::listening("en");
    s.first_speaker = callc::ir::Speaker::Caller;
    s.silence_timeout = 1;
    s.silence_timeout_explicit = false;
    s.steps[0].waits = true;
    s.steps[4].waits = true;
    s.transfers[0].title = None;
    s.transfers[0].to = None;
    s.transfers[0].fallback = callc::ir::Target::End(None);
    s.transfers[0].requires = vec![2, 0];
    let out = markdown::render(&s);
    // No step goes on without waiting, no silence_timeout written: the plain rule.
    assert!(out.contains(
        "(most important)\n\nAfter each step, stop and wait for the callee's answer, then go on according to it. \
         If the callee asks a question from the FAQ, answer it, then return to the step.\n\n"
    ));
    assert!(!out.contains("Go straight on"));
    assert!(out.contains("(After dialling, if voicemail answers → go to step 5)  \n"));
    assert!(out.contains("(After dialling, if nobody answers → end the call: 电话未接通)  \n"));
    assert!(out.contains("(At any step, if the callee hangs up → end the call: 张强挂断或长时间无回应)  \n"));
    assert!(out.contains("(At any step, if the callee is silent for 1 second → go to step 4)  \n"));
    assert!(out.contains("(At any step, if “张强要求直接和销售顾问沟通” → transfer: sales)  \n"));
    assert!(out.contains("   (Optionally record seats: a whole number from 1 to 500 — 预计使用的席位数)"));
    assert!(out.contains("   (Record email: an e-mail address — 张强接收资料的邮箱地址)  \n"));
    assert!(out.contains("   (At most 2 more tries, then → end the call: 多次未获得邮箱，改用其他渠道)  \n"));
    assert!(out.contains("   (At most 1 more try, then → end the call: 张强挂断或长时间无回应)  \n"));
    assert!(out.contains(
        "### Opening line\n\n(Say the opening line as soon as the call connects; don't wait for the callee)\n\n"
    ));
    assert!(out.contains(
        "## Callee\n\nYou are answering a call the caller placed; they speak first as soon as you pick up, so listen, then reply.\n\n"
    ));
    // An untitled transfer is named by its id; a plain `end` fallback is the default and gets no note.
    assert!(out.contains(
        "**Transfers:**\n- sales: “好的，我这就为您转接负责贵司的销售顾问，请稍候。”  \n  (Only once these are recorded: email, package)\n\n"
    ));
    assert!(out.contains("  (Only once these are recorded: email)\n"));
    insta::assert_snapshot!("listening_en_caller_first", out);
}

/// Every capture type in both languages, and texts that must stay inside
/// their note: a description with a line break, CRLF, an arrow and
/// Markdown; a signal whose words read as an event.
#[test]
fn capture_types_and_hostile_notes() {
    use callc::ir::ValueType as K;
    let kinds = [
        (K::Text, "文字", "text"),
        (K::Email, "邮箱地址", "an e-mail address"),
        (K::Phone, "电话号码", "a phone number"),
        (K::Date, "日期（年-月-日）", "a date (YYYY-MM-DD)"),
        (K::YesNo, "是或否", "yes or no"),
        (K::Integer { min: None, max: None }, "整数", "a whole number"),
        (
            K::Integer {
                min: Some(0),
                max: Some(9),
            },
            "整数，0到9",
            "a whole number from 0 to 9",
        ),
        (
            K::Integer {
                min: Some(18),
                max: None,
            },
            "整数，不小于18",
            "a whole number, at least 18",
        ),
        (
            K::Integer {
                min: None,
                max: Some(3),
            },
            "整数，不大于3",
            "a whole number, at most 3",
        ),
        (
            K::OneOf(vec!["是_的".into(), "b_".into()]),
            "以下之一：是_的、b\\_",
            "one of 是_的, b\\_",
        ),
    ];
    for (locale, zh) in [("zh-CN", true), ("en", false)] {
        let mut s = followup::listening(locale);
        let base = s.captures[0].clone();
        s.captures = kinds
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| callc::ir::Capture {
                id: format!("c{i}"),
                kind: k.clone(),
                description: format!("第{i}项 *重点*\r\n→ 下一行 😀"),
                ..base.clone()
            })
            .collect();
        s.steps[1].captures = (0..kinds.len()).collect();
        s.steps[2].captures.clear();
        s.ends.iter_mut().for_each(|e| e.requires.clear());
        // A signal described with an event's words.
        s.signals[0].description = Some("对方挂断".into());
        let out = markdown::render(&s);
        for (i, (_, zh_words, en_words)) in kinds.iter().enumerate() {
            let note = if zh {
                format!("（可选记录 c{i}：{zh_words}——第{i}项 \\*重点\\*&#xD;&#xA;→ 下一行 😀）")
            } else {
                format!("(Optionally record c{i}: {en_words} — 第{i}项 \\*重点\\*&#xD;&#xA;→ 下一行 😀)")
            };
            assert!(out.contains(&note), "{note} not in\n{out}");
        }
        if zh {
            assert!(out.contains("（任何一步中，如&#x5BF9;方挂断 → 转到第3步）"), "{out}");
        } else {
            assert!(out.contains("(At any step, if “对方挂断” → go to step 3)"), "{out}");
        }
    }
}

/// The per-call variables: `{{id}}` in the prompts and a table of them
/// before the prompts, in the locale's words; several callees get one
/// prompt each, headed with the callee's id; the signals' examples are in
/// every callee prompt.
#[test]
fn variables_are_a_table_and_each_callee_a_prompt() {
    let source = std::fs::read_to_string("tests/e2e/rasa/vars.call").unwrap();
    let zh = markdown::render(&spec_of("vars.call", &source));
    insta::assert_snapshot!("vars_zh", zh);
    assert!(zh.starts_with("# 续约 · 变量\n\n## 每通电话的变量\n\n"), "{zh}");
    assert!(zh.contains("\n| 变量 | 类型 | 填写 | 示例 | 个人信息 | 说明 |\n|---|---|---|---|---|---|\n"));
    for row in [
        "| 客户 | 文字 | 必填 | 张强 |  | 客户的称呼 |",
        "| discount | 百分比 | 默认：8 |  |  |  |",
        "| fee | 金额（CNY） | 必填 | ¥1,299 |  |  |",
        "| seats | 整数，1到500 | 可不填 | 12 |  |  |",
        "| tier | 以下之一：std、gold | 默认：std |  |  |  |",
        "| callback | 电话号码 | 可不填 |  | 是 |  |",
        "| slot | 时刻（时:分） | 可不填 | 14:30 |  |  |",
    ] {
        assert!(zh.contains(&format!("\n{row}\n")), "{row}");
    }
    assert!(zh.contains("“{{客户}}您好，我是泰山软件的李明。”"));
    let headings: Vec<&str> = zh.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## 每通电话的变量",
            "## 电话拨打方",
            "## 电话接听方：张总",
            "## 电话接听方：忙碌的张总",
            "## 电话接听方：王经理"
        ]
    );
    // Each prompt is whole: the extending callee has its base's role and its own concerns.
    let busy = &zh[zh.find("## 电话接听方：忙碌的张总").unwrap()..zh.find("## 电话接听方：王经理").unwrap()];
    assert!(busy.contains("- 职务：采购负责人\n"), "{busy}");
    assert!(
        busy.contains("- 潜在问题：价格无所谓\n- 次要问题：售后响应\n"),
        "{busy}"
    );
    assert_eq!(
        zh.matches("### 你可能的说法（拨打方会这样理解）\n\n- 对方说现在很忙：“我现在很忙，发邮箱吧”、“没空😀”\n- 对方明确拒绝：“不续了”\n")
            .count(),
        3
    );

    let en = markdown::render(&spec_of(
        "vars.call",
        &source.replacen("locale \"zh-CN\"", "locale \"en\"", 1),
    ));
    insta::assert_snapshot!("vars_en", en);
    assert!(en.contains("\n| Variable | Type | Value | Example | Personal data | Description |\n"));
    for row in [
        "| discount | a percentage | default: 8 |  |  |  |",
        "| fee | an amount in CNY | required | ¥1,299 |  |  |",
        "| seats | a whole number from 1 to 500 | optional | 12 |  |  |",
        "| callback | a phone number | optional |  | yes |  |",
    ] {
        assert!(en.contains(&format!("\n{row}\n")), "{row}");
    }
    assert!(en.contains("\n## Callee: 忙碌的张总\n"));
    assert!(en.contains("\n### Things you might say (and how the caller takes them)\n\n- 对方说现在很忙: “我现在很忙，发邮箱吧”, “没空😀”\n"));
}

/// One callee: the prompt is headed as before, with no id.
#[test]
fn a_single_callee_keeps_the_plain_heading() {
    let out = build("specs/taishan_renewal.call");
    assert_eq!(out.matches("\n## 电话接听方\n").count(), 1);
    assert!(!out.contains("## 每通电话的变量"));
}
