//! `callc import`: a Markdown spec becomes `.call` text that checks with no
//! error, is already in `callc fmt`'s layout, and builds back (target
//! `markdown`) to Markdown holding every sentence of the original. Round
//! trips on the seed, on two specs of other domains written in varied
//! formatting, and on the Markdown of every spec in specs/; ids are unique
//! and stable; E0301, W0302 and W0303 carry spans into the Markdown; the
//! import codes' explanations show Markdown examples that raise exactly
//! their code.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use callc::check::LintLevels;
use callc::codes::Code;
use callc::emit::{json, markdown};
use callc::import::{Imported, import, import_named};
use callc::source::{SourceFile, Span};

#[path = "support/markdown.rs"]
mod fenced;
use fenced::blocks;

/// Imports and asserts there is no error; returns the `.call` text.
fn import_ok(md: &str) -> (String, Imported) {
    let imported = import(md);
    assert!(!imported.has_errors(), "{:#?}", imported.diagnostics);
    (imported.call.clone().unwrap(), imported)
}

/// Checks imported `.call` text: no error (warnings allowed).
fn check(call: &str) -> callc::Compiled {
    let c = callc::compile("imported.call", call.as_bytes(), &LintLevels::default());
    let errors = errors(&c);
    assert!(errors.is_empty(), "{}\n{call}", errors.concat());
    c
}

/// The errors of a check, rendered for a failure message.
fn errors(c: &callc::Compiled) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| callc::render::human(&c.file, d, false))
        .collect()
}

fn rebuild(call: &str) -> String {
    markdown::render(check(call).spec_if_ok().unwrap())
}

/// Strips a list marker: `- `, `* `, `+ `, `• `, `1. `, `1、`, `1) `, `第1步：`, `Step 1: `.
fn strip_marker(line: &str) -> &str {
    for b in ["- ", "* ", "+ ", "• "] {
        if let Some(r) = line.strip_prefix(b) {
            return r.trim_start();
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        for sep in [". ", "、", ") ", "."] {
            if let Some(r) = line[digits..].strip_prefix(sep) {
                return r.trim_start();
            }
        }
    }
    if let Some(r) = line.strip_prefix('第')
        && let Some(i) = r.find('步')
    {
        return r[i + '步'.len_utf8()..].trim_start_matches(['：', ':']).trim_start();
    }
    if let Some(r) = line.strip_prefix("Step ")
        && let Some(i) = r.find(':')
    {
        return r[i + 1..].trim_start();
    }
    line
}

/// The content of a Markdown spec, one sentence at a time: headings, label
/// lines and flow notes left out (they are layout, not content), markers,
/// bold marks, quotation marks and the fixed labels removed; `label：value`
/// gives both; split after 。！？ and after `. `, `? `, `! `.
fn sentences(md: &str) -> Vec<String> {
    const TEMPLATE: &[&str] = &[
        "问",
        "答",
        "首要问题",
        "次要问题",
        "潜在问题",
        "Q",
        "A",
        "Primary concern",
        "Secondary concern",
        "Latent concern",
        "姓名",
        "性别",
        "Name",
        "Gender",
        "Organisation",
    ];
    let mut out = Vec::new();
    for line in md.lines() {
        let line = line.trim();
        let unbold = line.replace("**", "");
        let unbold = unbold.trim();
        let is_label = line.starts_with("**") || strip_marker(line).starts_with("**");
        let is_note =
            (unbold.starts_with('（') || unbold.starts_with('(')) && (unbold.contains('→') || unbold.contains("->"));
        if line.is_empty() || line.starts_with('#') || is_label || is_note {
            continue;
        }
        let text = strip_marker(unbold);
        let text = text
            .trim_start_matches(['“', '「', '"'])
            .trim_end_matches(['”', '」', '"']);
        let parts: Vec<&str> = match text.split_once(['：', ':']) {
            Some((label, value)) if label.chars().count() <= 20 && !label.contains(['，', ',', '。']) => {
                let value = value
                    .trim()
                    .trim_start_matches(['“', '「', '"'])
                    .trim_end_matches(['”', '」', '"']);
                if TEMPLATE.contains(&label) {
                    vec![value]
                } else {
                    vec![label, value]
                }
            }
            _ => vec![text],
        };
        for p in parts {
            let mut sentence = String::new();
            let mut chars = p.chars().peekable();
            while let Some(c) = chars.next() {
                sentence.push(c);
                let ascii_end = matches!(c, '.' | '?' | '!') && chars.peek() == Some(&' ');
                if matches!(c, '。' | '！' | '？') || ascii_end {
                    out.push(std::mem::take(&mut sentence));
                }
            }
            out.push(sentence);
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Import → check (no error) → build Markdown: every sentence survives.
fn round_trip(md: &str, at_least: usize) -> String {
    let (call, _) = import_ok(md);
    let back = rebuild(&call);
    let wanted = sentences(md);
    assert!(
        wanted.len() >= at_least,
        "the sentence reader lost the text: {wanted:#?}"
    );
    let missing: Vec<&String> = wanted.iter().filter(|s| !back.contains(s.as_str())).collect();
    assert!(
        missing.is_empty(),
        "{} sentences lost: {missing:#?}\n{back}",
        missing.len()
    );
    back
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/import/{name}")).unwrap()
}

fn seed() -> String {
    std::fs::read_to_string("tests/fixtures/seeds/taishan_renewal.md").unwrap()
}

#[test]
fn the_seed_round_trips() {
    round_trip(&seed(), 100);
}

#[test]
fn an_insurance_spec_in_varied_chinese_formatting_round_trips() {
    let md = fixture("zh_insurance_renewal.md");
    let back = round_trip(&md, 50);
    // The flow notes were read: a global branch, a step's branch, an ending.
    assert!(back.contains("（任何一步中，如赵磊说在开车 → 转到第5步）"));
    assert!(back.contains("（如赵磊嫌贵 → 转到第4步）"));
    assert!(back.contains("（说完后 → 结束通话：赵磊同意先看短信明细）"));
    assert!(back.contains("- 问：续保要去门店吗？  \n  问：能不能线上办理？  \n  答：不用去门店"));
}

#[test]
fn a_saas_spec_in_english_with_crlf_round_trips() {
    let md = fixture("en_saas_renewal.md");
    assert!(md.contains("\r\n"), "the fixture is meant to have CRLF line breaks");
    let back = round_trip(&md, 40);
    assert!(back.contains("(At any step, if “The customer says they are busy” → go to step 5)"));
    assert!(back.contains("(If “The customer asks about the export issue” → go to step 4)"));
    assert!(back.contains("(Then → end the call: The customer agrees to review the quote)"));
    // A brace in the text is a brace, not a placeholder.
    assert!(back.contains("today {no obligation}."));
    let (call, _) = import_ok(&md);
    assert!(call.contains("locale \"en\""));
    assert!(call.contains("name    \"Priya Shah\"\n    gender  female\n    org     \"Cloudly\"\n"));
}

/// Markdown built from every spec imports back to a spec whose Markdown is
/// the same, byte for byte: everything the layout shows survives, the flow
/// notes included. The same holds for the fixtures after one round.
#[test]
fn markdown_of_every_spec_imports_back_to_the_same_markdown() {
    let mut n = 0;
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let c = callc::compile("spec", text.as_bytes(), &LintLevels::default());
        let md = markdown::render(c.spec_if_ok().unwrap());
        let (call, _) = import_ok(&md);
        assert_eq!(rebuild(&call), md, "{}", path.display());
        n += 1;
    }
    assert!(n >= 3);
    for name in ["zh_insurance_renewal.md", "en_saas_renewal.md"] {
        let once = rebuild(&import_ok(&fixture(name)).0);
        assert_eq!(rebuild(&import_ok(&once).0), once, "{name}");
    }
}

#[test]
fn the_imported_seed_snapshot() {
    let (call, imported) = import_ok(&seed());
    // Only W0303: everything else of the seed has its place.
    let codes: Vec<&str> = imported.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W0303"]);
    insta::assert_snapshot!(call);
}

/// Every fixture: its diagnostics rendered against the Markdown, and the
/// `.call` text. A fixture named after a code raises exactly that code;
/// the others are specs with concerns and raise exactly W0303.
#[test]
fn import_fixtures() {
    let mut count = 0;
    insta::glob!("fixtures/import/*.md", |path| {
        count += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let md = std::fs::read_to_string(path).unwrap();
        let imported = import(&md);
        let codes: BTreeSet<&str> = imported.diagnostics.iter().map(|d| d.code.as_str()).collect();
        let prefix = name.split('_').next().unwrap();
        let want = if Code::lookup(prefix).is_some() {
            prefix
        } else {
            "W0303"
        };
        assert_eq!(codes, BTreeSet::from([want]), "{name}");
        assert_eq!(imported.call.is_none(), want == "E0301", "{name}");
        if let Some(call) = &imported.call {
            check(call);
        }
        let file = SourceFile::new(format!("tests/fixtures/import/{name}"), md.clone());
        let rendered: String = imported
            .diagnostics
            .iter()
            .map(|d| callc::render::human(&file, d, false))
            .collect();
        let call = imported.call.as_deref().unwrap_or("(nothing imported)\n");
        insta::assert_snapshot!(format!(
            "{}\n=== diagnostics ===\n{rendered}\n=== .call ===\n{call}",
            md.replace('\r', "␍")
        ));
    });
    assert!(count >= 6, "fixtures missing: found {count}");
}

/// What `callc import` writes is already in `callc fmt`'s layout (both print
/// through the one printer): for every Markdown the tests use (the import
/// fixtures, the seeds, `../shared/seeds/` when it is there, and the Markdown
/// of every spec), `fmt::format` leaves the imported text exactly as it is,
/// and the text compiles to the same meaning (JSON target and diagnostics)
/// before and after formatting.
#[test]
fn every_imported_spec_is_already_formatted() {
    let mut docs: Vec<(String, String)> = Vec::new();
    for dir in ["tests/fixtures/import", "tests/fixtures/seeds", "../shared/seeds"] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            assert_eq!(dir, "../shared/seeds", "{dir} is missing");
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                docs.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        let c = callc::compile("spec", &std::fs::read(&path).unwrap(), &LintLevels::default());
        docs.push((path.display().to_string(), markdown::render(c.spec_if_ok().unwrap())));
    }
    let meaning = |call: &str| {
        let c = callc::compile("imported.call", call.as_bytes(), &LintLevels::default());
        let diagnostics: Vec<(Code, String)> = c.diagnostics.iter().map(|d| (d.code, d.message.clone())).collect();
        (c.spec_if_ok().map(json::emit), diagnostics)
    };
    let mut imported = 0;
    for (name, md) in &docs {
        let Some(call) = import_named(md, Some("imported")).call else {
            assert!(name.contains("E0301"), "{name} did not import");
            continue;
        };
        let formatted = callc::fmt::format(&call).unwrap_or_else(|e| panic!("{name}: fmt refused the import: {e:?}"));
        assert_eq!(formatted, call, "{name}: `callc fmt` would change the imported text");
        let (json, diagnostics) = meaning(&call);
        assert!(json.is_some(), "{name}: the imported text has errors: {diagnostics:?}");
        assert_eq!(meaning(&formatted), (json, diagnostics), "{name}");
        imported += 1;
    }
    assert!(imported >= 8, "only {imported} documents imported");
}

fn text_at(md: &str, span: Span) -> &str {
    &md[span.range()]
}

#[test]
fn w0303_points_at_the_concerns_section() {
    let md = fixture("W0303_concerns.md");
    let imported = import(&md);
    let d = &imported.diagnostics[0];
    assert_eq!(d.code, Code::W0303);
    assert_eq!(
        text_at(&md, d.span),
        "### 核心关切点\n- 首要问题：续约后的月费是否比别家贵\n- 潜在问题：明年可能搬家"
    );
    assert!(!d.is_error());
    let call = imported.call.unwrap();
    // The concerns are there, uncovered, and a primary one is only a warning.
    assert!(call.contains(
        "    warn uncovered_concern\n    concern 续约后的月费是否比别家贵 primary \"续约后的月费是否比别家贵\"\n"
    ));
    assert!(call.contains("// TODO(W0303)"));
    let c = check(&call);
    let w0203: Vec<_> = c.diagnostics.iter().filter(|d| d.code == Code::W0203).collect();
    assert_eq!(w0203.len(), 2);
    assert!(w0203.iter().all(|d| !d.is_error()));
}

#[test]
fn w0302_points_at_each_text_it_could_not_place() {
    let md = fixture("W0302_unplaced_text.md");
    let imported = import(&md);
    let found: Vec<(&str, &str)> = imported
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), text_at(&md, d.span)))
        .collect();
    assert_eq!(
        found,
        [
            ("W0302", "草稿，请勿外传。"),
            ("W0302", "### 备注\n话术还要请主管再审一遍。"),
            ("W0302", "（语气放缓）"),
            ("W0302", "- 问：月费多少？"),
        ]
    );
    let call = imported.call.unwrap();
    // Each is kept as a comment, in the block it came from.
    assert!(call.contains("  // 未能导入（Markdown 第 1 行）：\n  // 草稿，请勿外传。\n"));
    assert!(
        call.contains("    // 未能导入（Markdown 第 8 行）：\n    // ### 备注\n    // 话术还要请主管再审一遍。\n  }")
    );
    assert!(call.contains("      // 未能导入（Markdown 第 14 行）：\n      // （语气放缓）\n    }"));
    assert!(call.contains("    // 未能导入（Markdown 第 17 行）：\n    // - 问：月费多少？\n  }"));
    check(&call);
}

#[test]
fn e0301_for_what_is_not_a_spec() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "# 会议纪要\n\n- 讨论了续约\n",
            "# 会议纪要",
            "no caller or callee section in this document",
        ),
        (
            "\n\n  随便写点什么😀\r\n",
            "随便写点什么😀",
            "no caller or callee section in this document",
        ),
        ("", "", "the document is empty"),
        (
            "## 电话拨打方\n### 角色\n王芳。\n",
            "## 电话拨打方",
            "the caller section",
        ),
        ("intro\n## Callee\n### Role\nTom.\n", "## Callee", "the callee section"),
    ];
    for (md, at, label) in cases {
        let imported = import(md);
        assert!(imported.call.is_none(), "{md:?}");
        assert_eq!(imported.diagnostics.len(), 1, "{md:?}");
        let d = &imported.diagnostics[0];
        assert_eq!(d.code, Code::E0301);
        assert!(d.is_error());
        assert_eq!(text_at(md, d.span), at, "{md:?}");
        assert!(d.label.starts_with(label), "{md:?}: {}", d.label);
    }
}

#[test]
fn ids_are_unique_readable_and_stable() {
    // Two steps with the same title, a question like a step title, a
    // signal like an end condition: one namespace, suffixes in order.
    let md = "## 电话拨打方\n### 角色\n客服王芳。\n### 分步流程和话术\n\
              （任何一步中，如客户拒绝 → 结束通话：客户拒绝）\n\
              1. 开场\n   “您好，我是城联宽带的王芳。”\n2. 开场\n   “再说一遍开场。”\n3. End\n   “再见。”\n\
              ### 问答知识库\n- 问：开场？\n  答：是的。\n\
              ### 结束条件与结束语\n**结束条件：**\n- 客户拒绝\n**结束语：**\n“再见！”\n\
              ## 电话接听方\n### 角色\n刘建国，用户。\n";
    let (call, _) = import_ok(md);
    assert_eq!(import(md).call.unwrap(), call, "the import is deterministic");
    let spec = check(&call).spec_if_ok().unwrap().clone();
    let steps: Vec<&str> = spec.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(steps, ["开场", "开场_2", "step_end"]);
    assert_eq!(spec.faq[0].id, "开场_3");
    assert_eq!(spec.signals[0].id, "客户拒绝");
    assert_eq!(spec.ends[0].id, "客户拒绝_2");
    assert_eq!(
        (spec.caller.id.as_str(), spec.callees[0].id.as_str()),
        ("wang_fang", "liu_jian_guo")
    );
    let mut all: Vec<&str> = vec![spec.id.as_str(), &spec.caller.id, &spec.callees[0].id];
    all.extend(steps);
    all.extend(spec.faq.iter().map(|q| q.id.as_str()));
    all.extend(spec.signals.iter().map(|s| s.id.as_str()));
    all.extend(spec.ends.iter().map(|e| e.id.as_str()));
    all.extend(spec.concerns.iter().map(|c| c.id.as_str()));
    let unique: BTreeSet<&&str> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{all:?}");
    // Across the seed too.
    let seed_spec = check(&import_ok(&seed()).0).spec_if_ok().unwrap().clone();
    let mut ids: Vec<String> = seed_spec.steps.iter().map(|s| s.id.clone()).collect();
    ids.extend(seed_spec.faq.iter().map(|q| q.id.clone()));
    ids.extend(seed_spec.ends.iter().map(|e| e.id.clone()));
    ids.extend(seed_spec.concerns.iter().map(|c| c.id.clone()));
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn the_call_id_comes_from_the_name_the_title_or_a_default() {
    let md = fixture("W0303_concerns.md");
    assert!(
        import_named(&md, Some("broadband-2024"))
            .call
            .unwrap()
            .contains("\ncall broadband_2024 {\n")
    );
    assert!(import(&md).call.unwrap().contains("\ncall imported {\n"));
    let titled = format!("# 宽带续约 · 测试\n\n{md}");
    let call = import(&titled).call.unwrap();
    assert!(
        call.contains("\ncall 宽带续约 {\n  title  \"宽带续约 · 测试\"\n  locale \"zh-CN\"\n"),
        "{call}"
    );
}

/// Formatting variations import to exactly the same spec as the layout the
/// `markdown` target writes.
#[test]
fn formatting_variations_import_to_the_same_spec() {
    let canonical = "## 电话拨打方\n\n### 角色\n\n客服王芳，负责续约。\n\n### 分步流程和话术（最重要）\n\n\
        （任何一步中，如用户说忙 → 转到第3步）\n\n\
        1. 开场问候  \n   “您好，我是城联宽带的王芳。”\n\n\
        2. 报价  \n   “续约两年月费99元。”  \n   “没有额外收费。”  \n   （如用户嫌贵 → 结束通话：用户拒绝）\n\n\
        3. 约回电  \n   “那我明天再打给您。”\n\n\
        ### 问答知识库（常见的客户问题和答案）\n\n- 问：有隐藏费用吗？  \n  答：没有。\n\n\
        ### 结束条件与结束语\n\n**结束条件：**\n- 用户拒绝\n\n**结束语：**\n“感谢接听！”\n\n\n\
        ## 电话接听方\n\n### 角色\n\n刘建国，宽带用户。\n\n\
        ### 对话中的典型行为模式（包括了情绪变化，不确定性，环境因素）\n\n- 不爱寒暄\n";
    let variant = "\u{feff}# 电话拨打方\r\n####角色：\r\n客服王芳，负责续约。\r\n## 分步流程与话术\r\n\
        (任何一步中，如“用户说忙”->第3步)\r\n\
        1、开场问候\r\n    「您好，我是城联宽带的王芳。」\r\n\
        第2步：报价\r\n   \"续约两年月费99元。\"\r\n   - “没有额外收费。”\r\n   （如用户嫌贵 → 结束：用户拒绝）\r\n\
        3) 约回电：『那我明天再打给您。』\r\n\
        ## 问答\r\n* **问**：有隐藏费用吗？\r\n  **答**：没有。\r\n\
        ## 结束条件\r\n• 用户拒绝\r\n## 结束语\r\n“感谢接听！”\r\n\
        # 电话接听方 #\r\n　角色是刘建国？\r\n### 角色\r\n刘建国，宽带用户。\r\n### 行为模式\r\n+ 不爱寒暄\r\n";
    let json_of = |md: &str| {
        let imported = import_named(md, Some("same"));
        let call = imported.call.unwrap();
        json::emit(check(&call).spec_if_ok().unwrap())
    };
    let variant_import = import(variant);
    // The stray line under the callee heading is the only thing left over.
    let leftovers: Vec<&str> = variant_import
        .diagnostics
        .iter()
        .map(|d| &variant[d.span.range()])
        .collect();
    assert_eq!(leftovers, ["　角色是刘建国？"]);
    let variant_fixed = variant.replace("　角色是刘建国？\r\n", "");
    assert_eq!(json_of(canonical), json_of(&variant_fixed));
}

#[test]
fn names_are_found_or_left_as_a_todo() {
    // From the persona's first words; from a self-introduction; else a TODO.
    let md = "## 电话拨打方\n### 角色\n负责续约的客服。\n### 分步流程和话术\n1. 开场\n   “您好。”\n\
              ## 电话接听方\n### 角色\n张强，采购负责人。\n";
    let (call, _) = import_ok(md);
    assert!(
        call.contains(
            "caller dian_hua_bo_da_fang {\n    name    \"电话拨打方\" // TODO: Markdown 没有单独写出姓名，请填写\n"
        ),
        "{call}"
    );
    assert!(call.contains("callee zhang_qiang {\n    name    \"张强\" // 取自“角色”的第一句，请核对\n"));
    // An identity bullet is taken as it is.
    let md = md.replace(
        "负责续约的客服。",
        "- 姓名：王芳\n- 性别：女\n- 年龄：29岁\n\n负责续约的客服。",
    );
    let (call, _) = import_ok(&md);
    assert!(call.contains(
        "caller wang_fang {\n    name    \"王芳\"\n    gender  female\n    age     29\n    persona \"负责续约的客服。\"\n"
    ));
}

#[test]
fn missing_parts_become_todos_that_still_check() {
    let md = "## Caller\n### Role\nSam from the clinic.\n## Callee\n### Role\nMaria, a patient.\n";
    let (call, imported) = import_ok(md);
    assert!(imported.diagnostics.is_empty());
    assert!(call.contains("// TODO: the Markdown has no numbered steps"));
    assert!(call.contains("// TODO: the Markdown has no closing line"));
    let c = check(&call);
    let codes: BTreeSet<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // The empty step and its missing line; and no `on voicemail` yet (W0212).
    assert_eq!(codes, BTreeSet::from(["W0207", "W0208", "W0212"]));
}

#[test]
fn text_that_looks_like_markdown_or_call_syntax_survives() {
    // `#` at a line start, backslashes, braces, quotes, emoji, a tab.
    let call = "call t {\n  locale \"zh-CN\"\n  caller a { name \"王芳\" persona \"# 不是标题\\n\\\\ 反斜杠 {{花括号}} \\\"引号\\\"\\t😀\" }\n  \
                callee b { name \"刘建国\" }\n  flow { step s { say \"第一行\\n# 第二行\" } }\n  end { closing \"再见\" }\n}\n";
    let md = rebuild(call);
    let (again, _) = import_ok(&md);
    let spec = check(&again).spec_if_ok().unwrap().clone();
    assert_eq!(
        spec.caller.persona.as_ref().and_then(|p| p.as_lit()),
        Some("# 不是标题\n\\ 反斜杠 {花括号} \"引号\"\t😀")
    );
    assert_eq!(spec.steps[0].lines, ["第一行\n# 第二行"]);
}

/// The import codes' explanations (`callc explain E0301`) show Markdown:
/// the first ```` ```markdown ```` block raises exactly the code, every
/// ```` ```markdown ok ```` block imports with no diagnostic at all, and
/// each shows a fix, in Markdown or (for W0303, fixed in the imported
/// spec) as a ```` ```call ok ```` block that `tests/explain_examples.rs`
/// checks.
#[test]
fn import_code_explanations_have_markdown_examples() {
    let import_codes: Vec<&Code> = Code::ALL.iter().filter(|c| c.as_str()[1..].starts_with("03")).collect();
    assert_eq!(import_codes.len(), 3);
    for code in import_codes {
        let blocks = blocks(code.explanation());
        let (_, example) = blocks
            .iter()
            .find(|(info, _)| info == "markdown")
            .unwrap_or_else(|| panic!("{code:?}: no ```markdown example"));
        let got: BTreeSet<&str> = import(example).diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(got, BTreeSet::from([code.as_str()]), "{code:?}");
        let fixed: Vec<&String> = blocks
            .iter()
            .filter(|(i, _)| i == "markdown ok")
            .map(|(_, b)| b)
            .collect();
        let fixed_call = blocks.iter().any(|(i, _)| i == "call ok");
        assert!(
            !fixed.is_empty() || fixed_call,
            "{code:?}: no ```markdown ok or ```call ok block"
        );
        for body in fixed {
            let imported = import(body);
            assert!(imported.diagnostics.is_empty(), "{code:?}: {:#?}", imported.diagnostics);
            check(&imported.call.unwrap());
        }
    }
}

#[test]
fn every_import_code_has_a_fixture_named_after_it() {
    let names: Vec<String> = std::fs::read_dir("tests/fixtures/import")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL.iter().filter(|c| c.as_str()[1..].starts_with("03")) {
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{}_", code.as_str()))),
            "no fixture for {code:?}"
        );
    }
}

/// A small deterministic generator, so the property test below is the same
/// on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap() % n.max(1)
    }
}

/// Whatever the Markdown, the import does not panic, and the `.call` text
/// it gives checks with no error: fixtures cut, spliced and sprinkled with
/// the characters that mean something to either language.
#[test]
fn any_markdown_imports_to_a_spec_without_errors() {
    const TOKENS: &[&str] = &[
        "#",
        "## 电话拨打方\n",
        "## 电话接听方\n",
        "### 角色\n",
        "### 分步流程和话术\n",
        "### 问答知识库\n",
        "### 核心关切点\n",
        "### 结束条件与结束语\n",
        "**结束语：**\n",
        "- 问：",
        "  答：",
        "- 首要问题：",
        "“",
        "”",
        "「",
        "\"",
        "（如",
        "（任何一步中，如",
        "→",
        "->",
        " → 转到第3步）",
        " → 结束通话：",
        "第99步",
        "1. ",
        "1、",
        "- ",
        "* ",
        "**",
        "：",
        ":",
        "{",
        "}",
        "{callee.name}",
        "\\",
        "\\#",
        "\r\n",
        "\n",
        "\n\n",
        "\t",
        "\u{0}",
        "\u{7}",
        "😀",
        "　",
        "end",
        "step",
        "\"\"\"",
        "- 姓名：",
        "- 年龄：200",
        "- 性别：保密",
    ];
    let sources: Vec<String> = [
        seed(),
        fixture("zh_insurance_renewal.md"),
        fixture("en_saas_renewal.md"),
        fixture("W0302_unplaced_text.md"),
    ]
    .into();
    let mut rng = Lcg(0x5EED);
    for round in 0..600 {
        let mut text: Vec<char> = sources[round % sources.len()].chars().collect();
        for _ in 0..=rng.below(12) {
            let at = rng.below(text.len() + 1);
            match rng.below(3) {
                0 => {
                    let len = rng.below(80).min(text.len() - at);
                    text.drain(at..at + len);
                }
                1 => text
                    .splice(at..at, TOKENS[rng.below(TOKENS.len())].chars())
                    .for_each(drop),
                _ => {
                    let from = rng.below(text.len());
                    let len = rng.below(200).min(text.len() - from);
                    let piece: Vec<char> = text[from..from + len].to_vec();
                    text.splice(at..at, piece).for_each(drop);
                }
            }
        }
        let md: String = text.into_iter().collect();
        let imported = import(&md);
        for d in &imported.diagnostics {
            assert!(md.is_char_boundary(d.span.start) && md.is_char_boundary(d.span.end) && d.span.end <= md.len());
        }
        if let Some(call) = &imported.call {
            let c = callc::compile("fuzz.call", call.as_bytes(), &LintLevels::default());
            let errors = errors(&c);
            assert!(
                errors.is_empty(),
                "round {round}:\n{}\n--- markdown ---\n{md}\n--- call ---\n{call}",
                errors.concat()
            );
        } else {
            assert!(imported.has_errors(), "round {round}: no call and no error");
        }
    }
}

/// Large documents take time in proportion to their size: thousands of
/// steps with the same title, of unclosed quotations, of notes and of
/// leftovers.
#[test]
fn large_documents_import() {
    let n = 3000;
    let mut md = String::from("## 电话拨打方\n### 角色\n客服王芳。\n### 分步流程和话术\n");
    for i in 1..=n {
        let _ = write!(
            md,
            "{i}. 开场\n   “您好\n   （如客户忙 → 转到第{}步）\n   （语气放缓）\n",
            n - i + 1
        );
    }
    md.push_str("## 电话接听方\n### 角色\n刘建国。\n");
    let started = std::time::Instant::now();
    let imported = import(&md);
    let call = imported.call.unwrap();
    let spec = check(&call).spec_if_ok().unwrap().clone();
    assert_eq!(spec.steps.len(), n);
    assert_eq!(spec.steps[n - 1].id, format!("开场_{n}"));
    assert_eq!(imported.diagnostics.len(), n, "one W0302 per `（语气放缓）`");
    // Generous: a quadratic pass would take minutes here.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

/// A step number in a flow note is read whole: `转到第12345步` is not step
/// 1234, and a number that does not fit is reported as written, with the
/// span of the number (issue 9).
#[test]
fn step_numbers_in_notes_are_read_whole() {
    let mut steps = String::new();
    for i in 1..=3 {
        let _ = write!(steps, "{i}. 第{i}步  \n   “说第{i}句”\n\n");
    }
    let doc = |target: &str| {
        format!(
            "## 电话拨打方\n\n### 角色\n\n- 姓名：李明\n\n### 分步流程和话术\n\n（任何一步中，如客户很忙 → {target}）\n\n{steps}\
             1234. 第一二三四步  \n   “第1234步😀”\n\n## 电话接听方\n\n- 姓名：张强\n"
        )
    };
    for (target, number) in [
        ("转到第12345步", "12345"),
        ("go to step 12345", "12345"),
        ("转到第99999999999999999999步", "99999999999999999999"),
        ("转到第５步", ""),
    ] {
        let md = doc(target);
        let imported = import(&md);
        let call = imported.call.clone().unwrap();
        assert!(!call.contains("-> 第一二三四步"), "{target}: read as step 1234\n{call}");
        if number.is_empty() {
            continue;
        }
        let d = imported
            .diagnostics
            .iter()
            .find(|d| d.code == Code::W0302)
            .unwrap_or_else(|| panic!("{target}: no diagnostic: {:#?}", imported.diagnostics));
        assert_eq!(text_at(&md, d.span), number, "{target}: {d:#?}");
        assert!(d.message.contains(number), "{target}: {}", d.message);
        check(&call);
    }
    // A number that exists still leads there, in both languages and with CRLF.
    let md = doc("转到第1234步").replace('\n', "\r\n");
    let (call, imported) = import_ok(&md);
    assert!(call.contains("on 客户很忙 -> 第一二三四步"), "{call}");
    assert!(
        imported.diagnostics.iter().all(|d| d.code != Code::W0302),
        "{:#?}",
        imported.diagnostics
    );
}

/// Calls that listen: a spec that uses every construct of calls that listen (and its
/// English and caller-first variants) builds to Markdown that imports back
/// to a spec with the same Markdown, byte for byte, and the same meaning:
/// first speaker, silence timeout, events, `continue`, captures, retries,
/// the transfer and `requires`.
#[test]
fn calls_that_listen_import_back_to_the_same_markdown() {
    let source = std::fs::read_to_string(listening::followup_path()).unwrap();
    let variants = [
        source.clone(),
        source.replacen("locale          \"zh-CN\"", "locale          \"en\"", 1),
        source.replacen("first_speaker   callee", "first_speaker   caller", 1),
        source.replacen("\n  silence_timeout 8 ", "\n  // ", 1),
    ];
    for (v, text) in variants.iter().enumerate() {
        assert!(v == 0 || *text != source, "variant {v} changed nothing");
        let original = check(text);
        let spec = original.spec_if_ok().unwrap();
        let md = markdown::render(spec);
        let (call, imported) = import_ok(&md);
        let codes: Vec<&str> = imported.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["W0303"], "variant {v}:\n{md}\n{call}");
        assert_eq!(rebuild(&call), md, "variant {v}:\n{call}");
        let back = check(&call);
        same_listening(back.spec_if_ok().unwrap(), spec);
        for line in [
            "      continue\n",
            "      capture package one_of(standard, premium) optional ",
            "      capture seats integer(1..500) optional \"预计使用的席位数\"\n",
            "      capture email email \"张强接收资料的邮箱地址\"\n",
            "      retry 2 -> end(",
            "    on voicemail ",
            "    on no_answer ",
            "    on silence ",
            "    on hangup ",
            "-> transfer(",
            " requires email\n",
            "      to       \"queue:renewal_sales\"\n",
        ] {
            assert!(call.contains(line), "variant {v}: {line:?} not in\n{call}");
        }
        assert_eq!(call.contains("first_speaker   caller"), v == 2, "variant {v}");
        assert_eq!(call.contains("silence_timeout 8"), v != 3, "variant {v}");
    }
}

#[path = "support/listening.rs"]
mod listening;

/// What makes two specs listen the same way, ids aside: who speaks first,
/// the silence timeout, each step's waiting, captures and retry bound, the
/// events (global and each step's own) and where they lead (by kind of
/// target), the transfers and what the first end condition requires.
fn same_listening(back: &callc::ir::Spec, spec: &callc::ir::Spec) {
    use callc::ir::{On, Spec, Target};
    assert_eq!(back.first_speaker, spec.first_speaker);
    assert_eq!(
        (back.silence_timeout, back.silence_timeout_explicit),
        (spec.silence_timeout, spec.silence_timeout_explicit)
    );
    let waits = |s: &Spec| s.steps.iter().map(|x| x.waits).collect::<Vec<_>>();
    assert_eq!(waits(back), waits(spec));
    let captures = |s: &Spec| {
        s.captures
            .iter()
            .map(|c| (c.id.clone(), c.kind.clone(), c.optional, c.description.clone(), c.step))
            .collect::<Vec<_>>()
    };
    assert_eq!(captures(back), captures(spec));
    let retries = |s: &Spec| s.steps.iter().map(|x| x.retry.map(|r| r.max)).collect::<Vec<_>>();
    assert_eq!(retries(back), retries(spec));
    let kind = |t: Target| match t {
        Target::Step(i) => format!("step {i}"),
        Target::End(_) => String::from("end"),
        Target::Transfer(k) => format!("transfer {k}"),
    };
    let events = |s: &Spec| {
        let own = s
            .steps
            .iter()
            .enumerate()
            .flat_map(|(i, x)| x.branches.iter().map(move |b| (Some(i), b)));
        s.global_branches
            .iter()
            .map(|b| (None, b))
            .chain(own)
            .filter_map(|(at, b)| match b.on {
                On::Event(e) => Some((at, e, kind(b.target))),
                On::Signal(_) => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(events(back), events(spec));
    let transfers = |s: &Spec| {
        s.transfers
            .iter()
            .map(|t| {
                (
                    t.title.clone(),
                    t.say.clone(),
                    t.to.clone(),
                    kind(t.fallback),
                    t.requires.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(transfers(back), transfers(spec));
    assert_eq!(back.ends[0].requires, spec.ends[0].requires);
}

/// The hand-built spec of the other targets' tests (an own event branch
/// overriding a global one, a caller who speaks first, every capture type)
/// imports back from its Markdown to the same Markdown and meaning.
#[test]
fn a_hand_built_spec_with_every_construct_imports_back() {
    let spec = listening::spec();
    let md = markdown::render(&spec);
    let (call, _) = import_ok(&md);
    assert_eq!(rebuild(&call), md, "{call}");
    let back = check(&call);
    same_listening(back.spec_if_ok().unwrap(), &spec);
    assert!(call.contains("first_speaker   caller"), "{call}");
}

/// Hand-written notes, in the layout's words and common variants, become
/// the constructs; notes the language would reject where they stand are
/// reported (W0302) at each note and kept as comments, and what is written
/// still checks.
#[test]
fn notes_of_calls_that_listen_written_by_hand() {
    let (call, _) = import_ok(&fixture("zh_listening_handwritten.md"));
    for line in [
        "  first_speaker   caller\n  silence_timeout 10\n",
        "    on voicemail    -> 语音留言\n",
        "    on hangup       -> end(用户挂断)\n",
        "    on 用户要求人工 -> transfer(人工客服)\n",
        "      on silence -> 确认在线\n",
        "      capture renew yes_no \"用户是否续约\"\n      capture phone phone optional \"方便联系的手机号\"\n",
        "      retry 2 -> end(用户未表态)\n      -> end(用户同意续约)\n",
        "      continue\n      -> end(已留言)\n",
        "    when 用户同意续约 \"用户同意续约\" requires renew\n",
        "    transfer 人工客服 \"人工客服\" {\n      say \"好的，马上为您转接人工客服。\"\n      to       \"queue:broadband\"\n      fallback end(用户未表态)\n    }\n",
    ] {
        assert!(call.contains(line), "{line:?} not in\n{call}");
    }
    check(&call);

    let md = fixture("W0302_listening_notes.md");
    assert!(md.contains("\r\n"), "the fixture is meant to have CRLF line breaks");
    let (call, imported) = import_ok(&md);
    let at: Vec<&str> = imported.diagnostics.iter().map(|d| text_at(&md, d.span)).collect();
    assert_eq!(
        at,
        [
            "（任何一步中，如对方挂断 → 转到第2步）",
            "（拨出后，如电话未接通 → 转接：人工）",
            "（如进入语音信箱 → 结束通话）",
            "（最多再问12次，仍不成 → 结束通话）",
            "（需记录 choice：以下之一：a——只有一个选项）",
            "（说完不等回答，直接继续）",
            "（说完不等回答，直接继续）",
            "（需已记录：nothing）",
        ],
        "{:#?}",
        imported.diagnostics
    );
    assert!(imported.diagnostics.iter().all(|d| d.code.as_str() == "W0302"));
    // Kept as comments, in their blocks; the capture of a step that said it
    // goes on is kept, and the step waits.
    assert!(call.contains("// （最多再问12次，仍不成 → 结束通话）"), "{call}");
    assert!(call.contains("      capture email email \"邮箱 📧\"\n"), "{call}");
    assert!(!call.contains("continue"), "{call}");
    check(&call);
}

/// The per-call variables, several callees and the signals' examples
/// survive Markdown and back: the table becomes the `vars` block, `{{id}}`
/// the variable again, each callee prompt a callee of its id (whole: what
/// it extended is written out), and the examples go back to their signals.
#[test]
fn variables_callees_and_signal_examples_import_back() {
    let vars = std::fs::read_to_string("tests/e2e/rasa/vars.call").unwrap();
    let every = std::fs::read_to_string("tests/fixtures/every_word.call").unwrap();
    let variants = [
        vars.clone(),
        vars.replacen("locale \"zh-CN\"", "locale \"en\"", 1),
        every.clone(),
    ];
    for (v, text) in variants.iter().enumerate() {
        assert!(v != 1 || *text != vars, "the English variant changed nothing");
        let original = check(text);
        let spec = original.spec_if_ok().unwrap();
        let md = markdown::render(spec);
        let (call, _) = import_ok(&md);
        assert_eq!(rebuild(&call), md, "variant {v}:\n{call}");
        let back = check(&call);
        let back = back.spec_if_ok().unwrap();
        let var = |s: &callc::ir::Spec| {
            s.vars
                .iter()
                .map(|x| {
                    (
                        x.id.clone(),
                        x.kind.clone(),
                        x.need.clone(),
                        x.example.clone(),
                        x.pii,
                        x.description.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(var(back), var(spec), "variant {v}");
        // Every text says the same, its variables as variables.
        assert_eq!(back.opening, spec.opening, "variant {v}");
        assert_eq!(back.closing, spec.closing, "variant {v}");
        for (a, b) in back.steps.iter().zip(&spec.steps) {
            assert_eq!(a.lines, b.lines, "variant {v}");
        }
        assert_eq!(back.caller.task, spec.caller.task, "variant {v}");
        // Each callee, by its id, whole: name, behaviour and its stances.
        let callees = |s: &callc::ir::Spec| {
            s.callees
                .iter()
                .map(|c| {
                    let stances: Vec<_> = c.concerns.iter().map(|st| (st.priority, st.text.clone())).collect();
                    (c.id.clone(), c.name.clone(), c.behavior.clone(), stances)
                })
                .collect::<Vec<_>>()
        };
        if spec.callees.len() > 1 {
            assert_eq!(callees(back), callees(spec), "variant {v}");
        }
        assert!(back.callees.iter().all(|c| c.extends.is_none()), "variant {v}");
        // The examples of the signals, by the signals' words.
        let examples = |s: &callc::ir::Spec| {
            let mut e: Vec<_> = s
                .signals
                .iter()
                .filter(|x| !x.examples.is_empty())
                .map(|x| (x.description.clone(), x.examples.clone()))
                .collect();
            e.sort_by_key(|(d, _)| d.as_ref().map(ToString::to_string));
            e
        };
        assert_eq!(examples(back), examples(spec), "variant {v}");
        assert!(!examples(spec).is_empty());
    }
}

/// Literal braces next to or around a variable's name stay literal: the
/// target escapes a literal `{{` (`\{{`), so only a variable's own markup
/// reads as one; `{{name}}` of no declared variable is literal too.
#[test]
fn literal_braces_never_read_as_variables() {
    let source = r#"call braces {
  locale "zh-CN"
  caller a { name "甲" }
  callee b { name "乙" concern c primary "价格" }
  vars {
    客户 text required example "张强"
  }
  flow {
    on voicemail -> end
    step s covers c {
      say "字面{{{{客户}}}}，变量{var.客户}，挨着{{{var.客户}}}，未声明{{{{别的}}}}，单个{{x}}"
    }
  }
  end { closing "再见" }
}
"#;
    let original = check(source);
    let spec = original.spec_if_ok().unwrap();
    let md = markdown::render(spec);
    assert!(
        md.contains("“字面\\{{客户}}，变量{{客户}}，挨着{{{客户}}}，未声明\\{{别的}}，单个{x}”"),
        "{md}"
    );
    let (call, _) = import_ok(&md);
    assert!(
        call.contains(r#"say "字面{{{{客户}}}}，变量{var.客户}，挨着{{{var.客户}}}，未声明{{{{别的}}}}，单个{{x}}""#),
        "{call}"
    );
    assert_eq!(rebuild(&call), md);
}

/// A row of the variables' table that is no variable (a bad id, an unknown
/// type, a value column that says nothing known, a row of too few cells) is
/// not imported: W0302 at the row; the others are.
#[test]
fn a_broken_variables_table_is_reported_row_by_row() {
    let md = "\
## 每通电话的变量

| 变量 | 类型 | 填写 | 示例 | 个人信息 | 说明 |
|---|---|---|---|---|---|
| 客户 | 文字 | 必填 | 张强 |  | 称呼 |
| 坏 id | 文字 | 必填 |  |  |  |
| 金额 | 钞票 | 必填 |  |  |  |
| 日期 | 日期（年-月-日） | 也许 |  |  |  |
| 少 | 文字 |
| 日期 | 日期（年-月-日） | 默认：2026-12-31 |  | 是 |  |

## 电话拨打方

- 姓名：李明

### 分步流程和话术（最重要）

1. “{{客户}}您好，{{金额}}元”

## 电话接听方

- 姓名：张强
";
    let (call, imported) = import_ok(md);
    let w0302: Vec<&str> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::W0302)
        .map(|d| text_at(md, d.span))
        .collect();
    assert_eq!(
        w0302,
        [
            "| 坏 id | 文字 | 必填 |  |  |  |",
            "| 金额 | 钞票 | 必填 |  |  |  |",
            "| 日期 | 日期（年-月-日） | 也许 |  |  |  |",
            "| 少 | 文字 |",
        ],
        "{call}"
    );
    let spaced: String = call.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    assert!(
        spaced.contains("\n 客户 text required example \"张强\" \"称呼\"\n"),
        "{call}"
    );
    assert!(spaced.contains("\n 日期 date default \"2026-12-31\" pii\n"), "{call}");
    // `金额` is no variable: its markup stays literal.
    assert!(call.contains(r#"say "{var.客户}您好，{{{{金额}}}}元""#), "{call}");
    check(&call);
}
