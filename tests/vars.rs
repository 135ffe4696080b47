//! The front end of "one script, many customers": per-call variables
//! (declared, typed, named by `{var.…}`, kept as variables in the IR,
//! previewed for the locale), several callees (`extends`, inheritance
//! rendered as the inheriting callee's own, concerns per callee, the shared
//! script's placeholders meaning one thing) and signal examples — as the
//! checker reports them and as the IR gives them to the targets.

#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::ast::Priority;
use callc::check::LintLevels;
use callc::codes::{Code, Level};
use callc::ir::{self, Need, Piece, ValueType};

fn compile(src: &str) -> callc::Compiled {
    callc::compile("vars.call", src.as_bytes(), &LintLevels::default())
}

/// The spec, which must have no error (warnings allowed).
fn spec_of(src: &str) -> ir::Spec {
    let c = compile(src);
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Deny)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c.spec.unwrap()
}

/// Every diagnostic: code, message and the text its span covers.
fn diags(src: &str) -> Vec<(Code, String, String)> {
    compile(src)
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone(), src[d.span.range()].to_owned()))
        .collect()
}

/// A spec around the given parts: `parties` (callees; the caller is
/// given), `vars`, extra call items, and a step's line.
fn spec(callees: &str, vars: &str, say: &str) -> String {
    format!(
        r#"call campaign {{
  locale "zh-CN"
  caller li_ming {{ name "李明" org "长江网络" }}
  {callees}
  vars {{
{vars}
  }}
  flow {{
    on voicemail -> end
    on hangup    -> end
    step greet "开场" {{
      say "{say}"
      -> end
    }}
  }}
  end {{ closing "再见😀" }}
}}
"#
    )
}

const ONE: &str = r#"callee zhang { name "{var.customer_name}" org "泰山公司" }"#;
const NAME: &str = r#"    customer_name text required example "张强" "客户姓名""#;

#[test]
fn a_variable_stays_a_variable_through_compile_time_placeholders() {
    let s = spec_of(&spec(ONE, NAME, "您好，请问是{callee.org}的{callee.name}吗？"));
    assert_eq!(s.vars.len(), 1);
    let v = &s.vars[0];
    assert_eq!(
        (v.id.as_str(), &v.kind, &v.need),
        ("customer_name", &ValueType::Text, &Need::Required)
    );
    assert_eq!(
        (v.example.as_deref(), v.description.as_deref()),
        (Some("张强"), Some("客户姓名"))
    );
    let line = &s.steps[0].lines[0];
    assert_eq!(
        line.pieces(),
        [
            Piece::Lit("您好，请问是泰山公司的".to_owned()),
            Piece::Var(ir::VarRef {
                index: 0,
                id: "customer_name".to_owned()
            }),
            Piece::Lit("吗？".to_owned()),
        ]
    );
    assert_eq!(line.to_string(), "您好，请问是泰山公司的{{customer_name}}吗？");
    assert_eq!(s.preview().steps[0].lines[0], "您好，请问是泰山公司的张强吗？");
}

#[test]
fn types_defaults_and_examples_are_checked_and_said_for_the_locale() {
    let vars = r#"    contract_end date       required example "2026-12-31"
    discount     percent    default 8
    fee          money(CNY) optional example "¥1,299"
    tier         one_of(standard, premium) default standard
    window       time       optional example "9:30"
    callback     phone      optional pii"#;
    let s = spec_of(&spec(
        ONE.replace("{var.customer_name}", "张强").as_str(),
        vars,
        "合同{var.contract_end}到期，享{var.discount}优惠，年费{var.fee}，{var.tier}，{var.window}，{var.callback}",
    ));
    let kinds: Vec<String> = s.vars.iter().map(|v| v.kind.written()).collect();
    assert_eq!(
        kinds,
        [
            "date",
            "percent",
            "money(CNY)",
            "one_of(standard, premium)",
            "time",
            "phone"
        ]
    );
    assert!(s.vars[5].pii && !s.vars[0].pii);
    assert_eq!(s.vars[1].need, Need::Default("8".to_owned()));
    assert_eq!(
        s.preview().steps[0].lines[0].to_string(),
        "合同12月31日到期，享8%优惠，年费1,299.00元，standard，9点30分，{{callback}}"
    );
    let mut en = s.clone();
    en.locale = "en".to_owned();
    assert_eq!(
        en.preview().steps[0].lines[0].to_string(),
        "合同December 31到期，享8%优惠，年费¥1,299.00，standard，9:30 am，{{callback}}"
    );

    // Values that are not of their type, each at its place.
    let bad = r#"    contract_end date       required example "2026-02-30"
    discount     percent    default 八
    tier         one_of(standard, premium) default gold
    fee          money(cny) optional"#;
    let got = diags(&spec(
        ONE,
        &format!("{NAME}\n{bad}"),
        "{var.customer_name}{var.contract_end}{var.discount}{var.tier}{var.fee}",
    ));
    let e0106: Vec<(&str, &str)> = got
        .iter()
        .filter(|(c, ..)| *c == Code::E0106)
        .map(|(_, m, at)| (m.as_str(), at.as_str()))
        .collect();
    assert_eq!(
        e0106,
        [
            ("the example of `contract_end` is not a date", "\"2026-02-30\""),
            ("the default of `discount` is not a percent", "八"),
            ("the default of `tier` is not a one_of(standard, premium)", "gold"),
            ("`cny` is not a currency code", "cny"),
        ]
    );
}

#[test]
fn unknown_unused_repeated_and_misplaced_variables_are_reported() {
    let vars = format!("{NAME}\n    unused text optional\n    customer_name text optional");
    let got = diags(&spec(ONE, &vars, "您好，{var.custmer_name}！"));
    let codes: Vec<(Code, &str)> = got.iter().map(|(c, _, at)| (*c, at.as_str())).collect();
    assert_eq!(
        codes,
        [
            (Code::W0218, "unused"),
            (Code::E0101, "customer_name"),
            (Code::E0103, "{var.custmer_name}"),
        ]
    );
    let fix = compile(&spec(ONE, &vars, "您好，{var.custmer_name}！"))
        .diagnostics
        .into_iter()
        .find(|d| d.code == Code::E0103)
        .unwrap();
    assert_eq!(fix.help.as_deref(), Some("did you mean `{var.customer_name}`?"));
    assert_eq!(
        fix.fix.as_ref().map(|f| f.replacement.as_str()),
        Some("{var.customer_name}")
    );

    // Fixed texts refuse variables.
    let titled = spec(ONE, NAME, "您好").replace(
        "locale \"zh-CN\"",
        "locale \"zh-CN\"\n  title \"{var.customer_name}的续约\"",
    );
    let got = diags(&titled);
    assert_eq!(got[0].0, Code::E0113, "{got:#?}");
    assert_eq!(got[0].2, "{var.customer_name}");

    // Variables have their own namespace: a step may be called like one.
    let s = spec_of(&spec(ONE, NAME, "您好{var.customer_name}").replace("step greet", "step customer_name"));
    assert_eq!(s.steps[0].id, "customer_name");

    // A required variable without an example: W0219, whose fix adds one.
    let got = diags(&spec(ONE, "    customer_name text", "{var.customer_name}"));
    assert_eq!(got.iter().map(|d| d.0).collect::<Vec<_>>(), [Code::W0219]);
}

const THREE: &str = r#"callee busy {
    name    "{var.customer_name}"
    org     "泰山公司"
    persona "{callee.name}，{callee.org}{callee.role}，很忙。"
    role    "采购负责人"
    background { 合同 "年底到期"  情境 "在开会" }
    concern terms primary   "条款是否书面"
    concern price secondary "价格"
    behavior "回答简短"
  }
  callee thrifty extends busy {
    role "财务经理"
    background { 情境 "在核对账单"  预算 "已定" }
    concern price  primary "价格是否上涨"
    concern budget primary "预算能否分期"
  }
  callee refuser extends thrifty {
    behavior "一开口就说不续了"
  }"#;

#[test]
fn a_callee_that_extends_another_inherits_what_it_does_not_write_as_its_own() {
    let src = spec(THREE, NAME, "您好，{callee.name}").replace(
        "step greet \"开场\" {",
        "step greet \"开场\" covers terms, price, budget {",
    );
    let s = spec_of(&src);
    assert_eq!(s.callees.len(), 3);
    let [busy, thrifty, refuser] = [&s.callees[0], &s.callees[1], &s.callees[2]];
    assert_eq!(
        (thrifty.extends, refuser.extends, busy.extends),
        (Some(0), Some(1), None)
    );
    // Every callee names the same variable.
    assert!(
        s.callees
            .iter()
            .all(|p| p.name.pieces().len() == 1 && p.name.vars().all(|v| v.id == "customer_name"))
    );
    // The base's persona, rendered as each callee's own: its own role.
    assert_eq!(
        busy.persona.as_ref().unwrap().to_string(),
        "{{customer_name}}，泰山公司采购负责人，很忙。"
    );
    assert_eq!(
        thrifty.persona.as_ref().unwrap().to_string(),
        "{{customer_name}}，泰山公司财务经理，很忙。"
    );
    assert_eq!(
        refuser.persona.as_ref().unwrap().to_string(),
        "{{customer_name}}，泰山公司财务经理，很忙。"
    );
    // Background: the base's labels in the base's order, restated ones
    // replaced, new ones after.
    let bg: Vec<(&str, String)> = refuser
        .background
        .iter()
        .map(|(l, v)| (l.as_str(), v.to_string()))
        .collect();
    assert_eq!(
        bg,
        [
            ("合同", "年底到期".to_owned()),
            ("情境", "在核对账单".to_owned()),
            ("预算", "已定".to_owned())
        ]
    );
    // Behaviour: the callee's own replaces the base's.
    assert_eq!(refuser.behavior, ["一开口就说不续了"]);
    assert_eq!(thrifty.behavior, ["回答简短"]);
    // Concerns: one id across callees, a stance per callee.
    let ids: Vec<&str> = s.concerns.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["terms", "price", "budget"]);
    let stances = |p: &ir::Party| -> Vec<(&str, Priority)> {
        p.concerns
            .iter()
            .map(|st| (s.concerns[st.concern].id.as_str(), st.priority))
            .collect()
    };
    assert_eq!(
        stances(busy),
        [("terms", Priority::Primary), ("price", Priority::Secondary)]
    );
    assert_eq!(
        stances(refuser),
        [
            ("terms", Priority::Primary),
            ("price", Priority::Primary),
            ("budget", Priority::Primary)
        ]
    );
    assert_eq!(s.concerns[1].steps, [0], "`covers price` covers it for every callee");
}

#[test]
fn concerns_are_checked_per_callee() {
    // `budget` is only thrifty's, and primary for it: no step covers it.
    let got = diags(
        &spec(THREE, NAME, "您好，{callee.name}")
            .replace("step greet \"开场\" {", "step greet \"开场\" covers terms, price {"),
    );
    let w0203: Vec<&(Code, String, String)> = got.iter().filter(|d| d.0 == Code::W0203).collect();
    assert_eq!(w0203.len(), 1, "{got:#?}");
    assert_eq!(w0203[0].1, "primary concern `budget` is never addressed");
    let c = compile(
        &spec(THREE, NAME, "您好").replace("step greet \"开场\" {", "step greet \"开场\" covers terms, price {"),
    );
    let d = c.diagnostics.iter().find(|d| d.code == Code::W0203).unwrap();
    assert_eq!(d.level, Level::Deny);
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`thrifty` (primary), `refuser` (primary)")),
        "{d:#?}"
    );
}

#[test]
fn the_shared_script_names_one_value_for_every_callee() {
    let two = r#"callee zhang { name "张强" org "泰山公司" }
  callee wang { name "王芳" }"#;
    let got = diags(&spec(two, "", "您好，请问是{callee.org}的{callee.name}吗？"));
    let msgs: Vec<(&str, &str)> = got
        .iter()
        .filter(|d| d.0 == Code::E0103)
        .map(|d| (d.1.as_str(), d.2.as_str()))
        .collect();
    assert_eq!(
        msgs,
        [
            ("`{callee.org}` has no value for callee `wang`", "{callee.org}"),
            ("`{callee.name}` is not the same for every callee", "{callee.name}"),
        ]
    );
    let c = compile(&spec(two, "", "{callee.name}"));
    let d = c.diagnostics.iter().find(|d| d.code == Code::E0103).unwrap();
    assert_eq!(d.label, "`张强` for `zhang`, `王芳` for `wang`");
}

#[test]
fn extends_names_a_callee_and_never_closes_a_cycle() {
    let got = diags(&spec(
        r#"callee a extends c { name "甲" }
  callee b extends a { }
  callee c extends b { }
  callee d extends li_ming { name "丁" }
  callee e extends zhnag { name "戊" }"#,
        "",
        "您好",
    ));
    let codes: Vec<(Code, &str, &str)> = got.iter().map(|(c, m, at)| (*c, m.as_str(), at.as_str())).collect();
    assert!(
        codes.contains(&(Code::E0114, "callee `a` extends itself through c → b", "c")),
        "{codes:#?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, m, at)| *c == Code::E0102 && *at == "li_ming" && m.contains("is the caller, not a callee")),
        "{codes:#?}"
    );
    assert!(
        codes.iter().any(|(c, _, at)| *c == Code::E0102 && *at == "zhnag"),
        "{codes:#?}"
    );
}

#[test]
fn signal_examples_are_fixed_text_in_the_ir() {
    let src = spec(ONE, NAME, "{var.customer_name}").replace(
        "  vars {",
        "  signal busy \"很忙\" {\r\n    example \"我在开会😀\"\r\n    example \"发我邮箱吧\"\r\n  }\r\n  vars {",
    );
    let src = src.replace("on hangup    -> end", "on hangup    -> end\n    on busy -> end");
    let s = spec_of(&src);
    assert_eq!(s.signals[0].examples, ["我在开会😀", "发我邮箱吧"]);
}
