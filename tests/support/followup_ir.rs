//! A spec that uses every construct of "calls that listen", built as IR:
//! `specs/zh_renewal_followup.call` without the new
//! syntax is compiled, then its new fields are set by hand (first speaker,
//! silence timeout, the four events, `continue`, captures, retries, a
//! transfer with `to` and a fallback, `requires`). Shared by the Markdown
//! and graph tests, so that they test the targets on the IR alone.

use callc::check::LintLevels;
use callc::ir::{self, Branch, Capture, Event, On, Retry, Speaker, Target, Transfer, ValueType};

pub const BASE: &str = r#"call renewal_followup {
  title  "老客户回馈活动 · 泰山公司续约跟进（第二通）"
  locale "zh-CN"
  caller li_ming {
    name "李明"
    org  "长江公司"
    role "老客户回馈活动专员"
    task "跟进上周的续约活动介绍。"
  }
  callee zhang_qiang {
    name "张强"
    org  "泰山公司"
    role "采购负责人"
    concern written_terms primary   "政策条款和优惠是否有书面明细"
    concern contract_term secondary "合同期限能否灵活调整"
  }
  signal busy        "张强表示时间紧，要求资料发邮箱"
  signal wants_human "张强要求直接和销售顾问沟通"
  signal not_now     "张强表示暂不考虑续约"
  opening "您好，请问是{callee.org}的{callee.name}吗？"
  flow {
    on busy        -> ask_email
    on wants_human -> end(declined)
    on not_now     -> end(declined)
    step purpose "说明来意" {
      say "上周和您介绍过本季度的老客户回馈活动，今天想再跟进一下。"
    }
    step offer "活动优势快报" covers written_terms {
      say "提前续约享8%专属优惠😀。您更倾向标准续约还是高级套餐？"
    }
    step ask_email "确认接收邮箱" {
      say "明细和合同模板发到哪个邮箱方便？"
      -> end(docs_by_email)
    }
    step still_there "确认对方在线" {
      say "张总，您还在听吗？"
      -> offer
    }
    step leave_message "语音信箱留言" {
      say "张总您好，我是长江公司的李明，有问题请回电。"
      -> end(voicemail_left)
    }
  }
  faq {
    qa term covers contract_term {
      q "合同期限能改成半年吗？"
      a "可以。"
    }
  }
  end {
    when docs_by_email  "张强留下邮箱，资料发邮箱" callee "同意把资料发到邮箱"
    when other_channel  "多次未获得邮箱，改用其他渠道" callee "没有给出邮箱"
    when declined       "张强明确表示暂不考虑" callee "表示暂不考虑续约"
    when voicemail_left "已在语音信箱留言"
    when unreached      "电话未接通"
    when hung_up        "张强挂断或长时间无回应"
    closing "感谢张总抽空沟通。"
  }
}
"#;

fn end(spec: &ir::Spec, id: &str) -> Target {
    Target::End(Some(spec.ends.iter().position(|e| e.id == id).unwrap()))
}

/// The spec with every new construct, in the given locale.
pub fn listening(locale: &str) -> ir::Spec {
    let source = BASE.replacen("locale \"zh-CN\"", &format!("locale \"{locale}\""), 1);
    let c = callc::compile("listening.call", source.as_bytes(), &LintLevels::default());
    let mut s = c.spec_if_ok().unwrap().clone();
    s.first_speaker = Speaker::Callee;
    s.silence_timeout = 8;
    s.silence_timeout_explicit = true;
    let signal = |id: &str| s.signals.iter().position(|x| x.id == id).unwrap();
    let events = vec![
        Branch {
            on: On::Event(Event::Voicemail),
            target: Target::Step(4),
        },
        Branch {
            on: On::Event(Event::NoAnswer),
            target: end(&s, "unreached"),
        },
        Branch {
            on: On::Event(Event::Hangup),
            target: end(&s, "hung_up"),
        },
        Branch {
            on: On::Event(Event::Silence),
            target: Target::Step(3),
        },
    ];
    let wants_human = signal("wants_human");
    let mut globals = events;
    for mut b in std::mem::take(&mut s.global_branches) {
        if b.on == On::Signal(wants_human) {
            b.target = Target::Transfer(0);
        }
        globals.push(b);
    }
    s.global_branches = globals;
    s.steps[0].waits = false;
    s.steps[4].waits = false;
    s.captures = vec![
        Capture {
            id: "package".into(),
            kind: ValueType::OneOf(vec!["standard".into(), "premium".into()]),
            optional: true,
            description: "张强倾向的套餐：standard（标准续约）或 premium（高级套餐）".into(),
            step: 1,
        },
        Capture {
            id: "seats".into(),
            kind: ValueType::Integer {
                min: Some(1),
                max: Some(500),
            },
            optional: true,
            description: "预计使用的席位数".into(),
            step: 1,
        },
        Capture {
            id: "email".into(),
            kind: ValueType::Email,
            optional: false,
            description: "张强接收资料的邮箱地址".into(),
            step: 2,
        },
    ];
    s.steps[1].captures = vec![0, 1];
    s.steps[2].captures = vec![2];
    s.steps[2].retry = Some(Retry {
        max: 2,
        then: end(&s, "other_channel"),
    });
    s.steps[3].retry = Some(Retry {
        max: 1,
        then: end(&s, "hung_up"),
    });
    let docs = s.ends.iter().position(|e| e.id == "docs_by_email").unwrap();
    s.ends[docs].requires = vec![2];
    s.transfers = vec![Transfer {
        id: "sales".into(),
        title: Some("销售顾问".into()),
        say: "好的，我这就为您转接负责贵司的销售顾问，请稍候。".into(),
        to: Some("queue:renewal_sales".into()),
        fallback: end(&s, "declined"),
        requires: Vec::new(),
    }];
    s
}
