//! A checked spec that uses every construct of "calls that listen", built
//! by hand: a spec in the syntax the checker already reads (Chinese text,
//! emoji, CRLF line endings), then the new IR fields set directly. It has
//! every capture type (bounded and unbounded integers), a step that does
//! not wait, retries, a transfer with a destination, fallback and required
//! capture, branches on all four events (two at the start), an own event
//! branch overriding a global one, and a caller who speaks first — what
//! `specs/zh_renewal_followup.call` does not cover.

#![allow(dead_code)] // each test file uses part of it

use callc::check::LintLevels;
use callc::ir::{self, Branch, Capture, Event, On, Retry, Speaker, Target, Transfer, ValueType};

/// The spec's text before the new fields are set.
pub const BASE: &str = r#"call 回访 {
  title  "续约回访 😀"
  locale "zh-CN"
  allow warnings
  caller li_ming { name "李明" org "长江公司" }
  callee zhang_qiang { name "张强" org "泰山公司" }
  signal busy        "张强说忙，要求资料发邮箱"
  signal wants_human "张强要求转人工"
  opening "您好，请问是{callee.name}吗？"
  flow {
    on busy -> ask_email
    step intro "说明来意" { say "我是{caller.org}的{caller.name}😀。" }
    step offer "报价" { say "您看标准版还是高级版？" }
    step ask_email "邮箱" { say "资料发到哪个邮箱？" on busy -> end(other_channel) next end(docs) }
    step still_there "在吗" { say "张总，您还在听吗？" next offer }
    step leave_message "留言" { say "稍后发您邮箱👋。" next end(voicemail_left) }
  }
  faq { qa price { q "多少钱？" a "九十九元。" } }
  end {
    when docs           "资料发邮箱" callee "同意发邮箱"
    when other_channel  "改用其他渠道"
    when declined       "暂不考虑"
    when voicemail_left "已留言"
    when unreached      "未接通"
    when hung_up        "挂断"
    closing "感谢您的时间，再见👋"
  }
}
"#;

/// Step indices of [`BASE`].
pub const INTRO: usize = 0;
/// `offer`.
pub const OFFER: usize = 1;
/// `ask_email`.
pub const ASK_EMAIL: usize = 2;
/// `still_there`.
pub const STILL_THERE: usize = 3;
/// `leave_message`.
pub const LEAVE_MESSAGE: usize = 4;

fn end(spec: &ir::Spec, id: &str) -> Target {
    Target::End(Some(spec.ends.iter().position(|e| e.id == id).unwrap()))
}

fn capture(id: &str, kind: ValueType, optional: bool, description: &str, step: usize) -> Capture {
    Capture {
        id: id.to_owned(),
        kind,
        optional,
        description: description.to_owned(),
        step,
    }
}

/// The spec, checked, with every new construct set.
pub fn spec() -> ir::Spec {
    let bytes = BASE.replace('\n', "\r\n").into_bytes();
    let compiled = callc::compile("listening.call", &bytes, &LintLevels::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut spec = compiled.spec_if_ok().unwrap().clone();
    assert_eq!(spec.steps[ASK_EMAIL].id, "ask_email");
    assert_eq!(
        spec.steps[ASK_EMAIL].overrides,
        [0],
        "own `busy` overrides the global one"
    );
    spec.first_speaker = Speaker::Caller;
    spec.silence_timeout = 8;
    spec.silence_timeout_explicit = true;
    for s in &mut spec.steps {
        s.waits = true;
    }
    spec.steps[INTRO].waits = false;
    spec.steps[LEAVE_MESSAGE].waits = false;
    spec.captures = vec![
        capture(
            "package",
            ValueType::OneOf(vec!["standard".to_owned(), "premium".to_owned()]),
            true,
            "倾向的套餐：standard 或 premium",
            OFFER,
        ),
        capture(
            "seats",
            ValueType::Integer {
                min: Some(1),
                max: Some(500),
            },
            true,
            "预计席位数",
            OFFER,
        ),
        capture("consent", ValueType::YesNo, false, "是否同意销售回访", OFFER),
        capture("email", ValueType::Email, false, "接收资料的邮箱😀", ASK_EMAIL),
        capture("phone", ValueType::Phone, true, "备用电话", ASK_EMAIL),
        capture("callback", ValueType::Date, true, "约定的回访日期", ASK_EMAIL),
        capture("note", ValueType::Text, true, "其他备注\r\n（原话）", ASK_EMAIL),
        capture(
            "budget",
            ValueType::Integer { min: None, max: None },
            true,
            "预算（元）",
            STILL_THERE,
        ),
    ];
    spec.steps[OFFER].captures = vec![0, 1, 2];
    spec.steps[ASK_EMAIL].captures = vec![3, 4, 5, 6];
    spec.steps[STILL_THERE].captures = vec![7];
    spec.steps[ASK_EMAIL].retry = Some(Retry {
        max: 2,
        then: end(&spec, "other_channel"),
    });
    spec.steps[STILL_THERE].retry = Some(Retry {
        max: 1,
        then: end(&spec, "hung_up"),
    });
    spec.transfers = vec![Transfer {
        id: "sales".to_owned(),
        title: Some("销售顾问".to_owned()),
        say: "好的，我这就为您转接销售顾问，请稍候😀。".into(),
        to: Some("queue:renewal_sales".into()),
        fallback: end(&spec, "declined"),
        requires: vec![2],
    }];
    let docs = spec.ends.iter().position(|e| e.id == "docs").unwrap();
    spec.ends[docs].requires = vec![3];
    let wants_human = spec.signals.iter().position(|s| s.id == "wants_human").unwrap();
    let global = [
        (On::Event(Event::Voicemail), Target::Step(LEAVE_MESSAGE)),
        (On::Event(Event::NoAnswer), end(&spec, "unreached")),
        (On::Event(Event::Hangup), end(&spec, "hung_up")),
        (On::Event(Event::Silence), Target::Step(STILL_THERE)),
        (On::Signal(wants_human), Target::Transfer(0)),
    ];
    for (on, target) in global {
        spec.global_branches.push(Branch { on, target });
    }
    // `still_there` ends the call on silence instead of asking again.
    let silence = spec
        .global_branches
        .iter()
        .position(|b| b.on == On::Event(Event::Silence))
        .unwrap();
    let hung_up = end(&spec, "hung_up");
    spec.steps[STILL_THERE].branches.push(Branch {
        on: On::Event(Event::Silence),
        target: hung_up,
    });
    spec.steps[STILL_THERE].overrides = vec![silence];
    spec
}

/// The spec that uses every construct.
pub fn followup_path() -> std::path::PathBuf {
    std::path::PathBuf::from("specs/zh_renewal_followup.call")
}

/// `specs`, with the spec that uses every construct (already among them:
/// kept so that callers need not know).
pub fn with_followup(mut specs: Vec<std::path::PathBuf>) -> Vec<std::path::PathBuf> {
    let path = followup_path();
    if !specs.contains(&path) {
        specs.push(path);
    }
    specs
}
