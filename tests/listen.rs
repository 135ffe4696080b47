//! The front end of "calls that listen": the spec that uses every construct
//! (first speaker, silence timeout, the four events, `continue`, captures
//! of every kind of type, `retry`, `transfer` with `to`/`fallback`,
//! `requires`) parses, checks clean, keeps its layout under `callc fmt`, and
//! becomes exactly the IR the targets read; CRLF gives the same IR; and the
//! flow graph follows the new edges.

#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::ir::{self, Event, On, Speaker, Target, ValueType};

const SPEC: &str = "specs/zh_renewal_followup.call";

fn source() -> String {
    std::fs::read_to_string(SPEC).unwrap()
}

fn spec_of(src: &str) -> ir::Spec {
    let c = callc::compile("listen.call", src.as_bytes(), &LintLevels::default());
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.level == callc::codes::Level::Deny)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c.spec.unwrap()
}

fn step(s: &ir::Spec, id: &str) -> usize {
    s.steps.iter().position(|x| x.id == id).unwrap()
}

fn end(s: &ir::Spec, id: &str) -> Target {
    Target::End(Some(s.ends.iter().position(|x| x.id == id).unwrap()))
}

#[test]
fn the_spec_with_every_construct_becomes_the_ir_the_targets_read() {
    let s = spec_of(&source());
    assert_eq!(s.first_speaker, Speaker::Callee);
    assert_eq!((s.silence_timeout, s.silence_timeout_explicit), (8, true));

    let purpose = &s.steps[step(&s, "purpose")];
    assert!(!purpose.waits, "`continue` makes a step that does not wait");
    assert!(
        s.steps
            .iter()
            .filter(|x| x.id != "purpose" && x.id != "leave_message")
            .all(|x| x.waits)
    );

    let kinds: Vec<(&str, &ValueType, bool, &str)> = s
        .captures
        .iter()
        .map(|c| (c.id.as_str(), &c.kind, c.optional, s.steps[c.step].id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "package",
                &ValueType::OneOf(vec!["standard".into(), "premium".into()]),
                true,
                "offer"
            ),
            (
                "seats",
                &ValueType::Integer {
                    min: Some(1),
                    max: Some(500)
                },
                true,
                "offer"
            ),
            ("email", &ValueType::Email, false, "ask_email"),
        ]
    );
    assert_eq!(s.steps[step(&s, "offer")].captures, [0, 1]);
    assert!(s.captures[2].description.contains("邮箱"));

    let ask = &s.steps[step(&s, "ask_email")];
    assert_eq!(
        ask.retry,
        Some(ir::Retry {
            max: 2,
            then: end(&s, "other_channel")
        })
    );
    assert_eq!(ask.next, end(&s, "docs_by_email"));
    let still = &s.steps[step(&s, "still_there")];
    assert_eq!(
        still.retry,
        Some(ir::Retry {
            max: 1,
            then: end(&s, "hung_up")
        })
    );

    let docs = &s.ends[s.ends.iter().position(|e| e.id == "docs_by_email").unwrap()];
    assert_eq!(docs.requires, [2]);

    let [t] = s.transfers.as_slice() else {
        panic!("one transfer")
    };
    assert_eq!(t.id, "sales");
    assert_eq!(t.title.as_deref(), Some("销售顾问"));
    assert!(t.say.to_string().starts_with("好的，我这就为您转接"));
    assert_eq!(
        t.to.as_ref().map(ToString::to_string).as_deref(),
        Some("queue:renewal_sales")
    );
    assert_eq!(t.fallback, end(&s, "declined"));

    let on: Vec<(On, Target)> = s.global_branches.iter().map(|b| (b.on, b.target)).collect();
    assert_eq!(
        on[0],
        (On::Event(Event::Voicemail), Target::Step(step(&s, "leave_message")))
    );
    assert_eq!(on[1], (On::Event(Event::NoAnswer), end(&s, "unreached")));
    assert_eq!(on[2], (On::Event(Event::Hangup), end(&s, "hung_up")));
    assert_eq!(
        on[3],
        (On::Event(Event::Silence), Target::Step(step(&s, "still_there")))
    );
    assert!(on.contains(&(On::Signal(1), Target::Transfer(0))));

    // Voicemail and no_answer are taken at the start, not at a step's turn.
    let starts: Vec<On> = s.start_branches().map(|b| b.on).collect();
    assert_eq!(starts, [On::Event(Event::Voicemail), On::Event(Event::NoAnswer)]);
    let at_offer: Vec<On> = s.branches_at(step(&s, "offer")).map(|b| b.on).collect();
    assert!(!at_offer.contains(&On::Event(Event::Voicemail)));
    assert!(at_offer.contains(&On::Event(Event::Silence)) && at_offer.contains(&On::Signal(0)));
    // A step that does not wait hears only `hangup`.
    let at_purpose: Vec<On> = s.branches_at(step(&s, "purpose")).map(|b| b.on).collect();
    assert_eq!(at_purpose, [On::Event(Event::Hangup)]);
}

#[test]
fn the_spec_checks_clean_and_keeps_its_layout_with_lf_and_crlf() {
    let src = source();
    let c = callc::compile("listen.call", src.as_bytes(), &LintLevels::default());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(callc::fmt::format(&src).unwrap(), src);
    let crlf = src.replace('\n', "\r\n");
    let (a, b) = (spec_of(&src), spec_of(&crlf));
    assert_eq!(
        callc::emit::json::emit(&a),
        callc::emit::json::emit(&b),
        "CRLF line ends change nothing"
    );
}

#[test]
fn the_flow_graph_follows_events_retries_and_transfers() {
    // `rescue` is reached only as a transfer's fallback, `again` only through
    // a retry, `message` only through voicemail: none is unreachable, and
    // the loop between `ask` and `again` can end (through the retry).
    let src = r#"call g {
  locale "zh-CN"
  caller a { name "甲" }
  callee b { name "乙" }
  signal human "要求人工"
  flow {
    on voicemail -> message
    on human -> transfer(desk)
    step ask "问" { say "请问？😀" -> again }
    step again "再问" { say "再问？" retry 1 -> end -> ask }
    step message "留言" { say "留言。" continue -> end }
    step rescue "补救" { say "转接失败，稍后回电。" -> end }
  }
  end {
    transfer desk "人工" { say "请稍候。" fallback rescue }
    closing "再见"
  }
}"#;
    let c = callc::compile("g.call", src.as_bytes(), &LintLevels::default());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(!codes.contains(&"W0201"), "every step is reached: {codes:?}");
    assert!(!codes.contains(&"W0202"), "the retried loop can end: {codes:?}");
    let s = c.spec.unwrap();
    let g = callc::ir::graph::FlowGraph::new(&s);
    assert!(g.reachable().iter().all(|&r| r));
    assert!(g.can_end().iter().all(|&e| e));
}

#[test]
fn an_event_is_told_apart_from_a_signal_of_another_name() {
    // A signal may be called `silenced`; only the four words are events.
    let src = r#"call g {
  locale "en"
  caller a { name "A" }
  callee b { name "B" }
  signal silenced "the callee says they were muted"
  flow {
    on silenced -> end
    on silence  -> end
    on hangup   -> end
    step one "one" { say "Hello?" }
  }
  end { closing "Bye" }
}"#;
    let s = spec_of(src);
    let on: Vec<On> = s.global_branches.iter().map(|b| b.on).collect();
    assert_eq!(on, [On::Signal(0), On::Event(Event::Silence), On::Event(Event::Hangup)]);
}

#[test]
fn a_plain_end_before_a_brace_is_spanned_without_the_space() {
    // pest's span of `end` also held the spaces it skipped looking for a `(`.
    let src = "call g {\n  locale \"zh-CN\"\n  caller a { name \"甲\" }\n  callee b { name \"乙\" }\n  flow {\n    on voicemail -> end(x)\n    step s \"步😀\" { say \"您好\" -> end(x) }\n    on hangup -> end }\n  end { when x \"x\" closing \"再见\" }\n}\n";
    for text in [src.to_owned(), src.replace('\n', "\r\n")] {
        let c = callc::compile("g.call", text.as_bytes(), &LintLevels::default());
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "W0214")
            .expect("W0214");
        assert_eq!(&text[d.span.range()], "end");
    }
}
