//! The `rust` target's `Call` state machine, compiled and driven (see
//! `support/rust_walk.rs`): walks with the exact transitions written out —
//! the first step that does not wait, waiting at every waiting step, an FAQ
//! answer that stays, a capture asked again until its value is valid, a
//! retry running out, the events, a transfer and its fallback — the checks
//! of every capture type, and, for every spec, a walk to each of its
//! outcomes with the transcript the IR gives.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::emit::rust::source;
use callc::ir;

#[path = "support/files.rs"]
mod files;
#[path = "support/listening.rs"]
mod listening;
#[path = "support/rust_walk.rs"]
mod rust_walk;

use rust_walk::{Model, Walker, assert_same};

/// Checks a spec that must have no error.
fn checked(name: &str, bytes: &[u8]) -> ir::Spec {
    let compiled = callc::compile(name, bytes, &LintLevels::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    compiled.spec_if_ok().unwrap().clone()
}

/// Runs `script` (the left side of each `=>` of `want`) and compares.
fn walk(walker: &Walker, name: &str, want: &str) {
    let script: String = want
        .lines()
        .map(|l| l.split_once(" => ").map_or(l, |(command, _)| command).to_owned() + "\n")
        .collect();
    assert_same(name, &walker.drive(&script), want);
}

/// `zh_renewal_followup.call`, the spec with every construct.
fn followup() -> ir::Spec {
    checked(
        "zh_renewal_followup.call",
        &std::fs::read(listening::followup_path()).unwrap(),
    )
}

/// The call of the design's worked example (docs/design/calls-that-listen.md §8).
#[test]
fn the_spec_with_every_construct_walks_as_the_design_says() {
    let walker = Walker::build("zh_renewal_followup", &source(&followup()));
    // 张强 picks up; `purpose` says its line and goes on; `offer` waits. An
    // FAQ question is answered in place; "发我邮箱吧" (`busy`) goes to
    // `ask_email`, which asks again until it has the e-mail, then ends
    // with `docs_by_email`.
    walk(
        &walker,
        "docs by email",
        "reply other => to offer @ offer #1
reply faq term => stay @ offer #1
capture seats 600 => error OutOfRange @ offer #1
capture package premium => ok choice premium @ offer #1
reply signal busy => to ask_email @ ask_email #1
reply other => stay @ ask_email #2
capture email zhang@taishan.com => ok text \"zhang@taishan.com\" @ ask_email #2
reply other => end docs_by_email @ -
value package => choice premium @ -
value seats => none @ -
",
    );
    walk(
        &walker,
        "voicemail and no answer",
        "event voicemail => to leave_message @ leave_message #1
reply other => end voicemail_left @ -
new => new @ purpose #1
event no_answer => end unreached @ -
",
    );
    // Eight seconds of silence at `offer` go to `still_there`; silence again
    // is its second run; a third would exceed `retry 1`: `end(hung_up)`.
    walk(
        &walker,
        "silence",
        "reply faq term => to offer @ offer #1
event silence => to still_there @ still_there #1
event silence => to still_there @ still_there #2
event silence => end hung_up @ -
new => new @ purpose #1
event silence => stay @ purpose #1
reply other => to offer @ offer #1
event silence => to still_there @ still_there #1
reply other => to offer @ offer #2
event silence => to still_there @ still_there #2
reply other => to offer @ offer #3
event silence => end hung_up @ -
",
    );
    // `retry 2` on `ask_email`: three runs without an e-mail, then `other_channel`.
    walk(
        &walker,
        "no e-mail",
        "reply other => to offer @ offer #1
reply other => to ask_email @ ask_email #1
reply other => stay @ ask_email #2
capture email 张强的邮箱 => error NotEmail @ ask_email #2
reply other => stay @ ask_email #3
reply other => end other_channel @ -
",
    );
    walk(
        &walker,
        "transfer, decline and hang-up",
        "reply other => to offer @ offer #1
reply signal wants_human => transfer sales @ -
transfer_failed => end declined @ -
new => new @ purpose #1
reply other => to offer @ offer #1
reply signal not_now => end declined @ -
new => new @ purpose #1
event hangup => end hung_up @ -
",
    );
}

#[test]
fn the_listening_call_walks_as_documented() {
    let spec = listening::spec();
    let walker = Walker::build("listening", &source(&spec));
    // Voicemail when the call starts: the message step, which does not wait.
    walk(
        &walker,
        "voicemail",
        "event voicemail => to leave_message @ leave_message #1
reply other => end voicemail_left @ -
reply other => end voicemail_left @ -
event hangup => end voicemail_left @ -
capture email zhang@taishan.com => error NotAsked @ -
transfer_failed => end voicemail_left @ -
",
    );
    walk(
        &walker,
        "no answer",
        "event no_answer => end unreached @ -
new => new @ intro #1
event silence => stay @ intro #1
event hangup => end hung_up @ -
",
    );
    // `intro` says its line and goes on whatever the reply; `offer` waits:
    // an FAQ answer stays, a late voicemail changes nothing, the required
    // `consent` is asked again (a run) until it is valid.
    walk(
        &walker,
        "captures and a retry",
        "reply faq price => to offer @ offer #1
event voicemail => stay @ offer #1
reply faq price => stay @ offer #1
reply other => stay @ offer #2
capture consent 也许 => error NotYesNo @ offer #2
capture email zhang@taishan.com => error NotAsked @ offer #2
value consent => none @ offer #2
capture consent 是。 => ok yes_no true @ offer #2
capture seats 501 => error OutOfRange @ offer #2
capture seats 42 => ok integer 42 @ offer #2
capture package Premium => error NotAChoice @ offer #2
capture package premium => ok choice premium @ offer #2
value package => choice premium @ offer #2
reply other => to ask_email @ ask_email #1
",
    );
}

#[test]
fn the_listening_call_retries_events_and_transfers() {
    let spec = listening::spec();
    let walker = Walker::build("listening", &source(&spec));
    // `ask_email` has `retry 2`: asked again twice, then `end(other_channel)`.
    walk(
        &walker,
        "retry runs out",
        "reply other => to offer @ offer #1
capture consent no => ok yes_no false @ offer #1
reply other => to ask_email @ ask_email #1
reply other => stay @ ask_email #2
capture email zhang@@taishan.com => error NotEmail @ ask_email #2
reply faq price => stay @ ask_email #2
reply other => stay @ ask_email #3
reply other => end other_channel @ -
value consent => yes_no false @ -
",
    );
    // Every optional capture, then the e-mail: `end(docs)`, which requires it.
    walk(
        &walker,
        "docs",
        "reply other => to offer @ offer #1
capture consent 对 => ok yes_no true @ offer #1
reply signal busy => to ask_email @ ask_email #1
capture phone +86 138 => error NotPhone @ ask_email #1
capture phone +8613800138000 => ok text \"+8613800138000\" @ ask_email #1
capture callback 2027-02-29 => error NotDate @ ask_email #1
capture callback 2028-02-29 => ok date 2028-02-29 @ ask_email #1
capture note  第一行\\r\\n第二行😀  => ok text \"第一行\\r\\n第二行😀\" @ ask_email #1
capture email  Zhang.Qiang@taishan.com。 => ok text \"Zhang.Qiang@taishan.com\" @ ask_email #1
reply other => end docs @ -
",
    );
    // The step's own `on busy` overrides the global one.
    walk(
        &walker,
        "own branch",
        "reply other => to offer @ offer #1
reply signal busy => to ask_email @ ask_email #1
reply signal busy => end other_channel @ -
",
    );
    // Silence at `offer` goes to `still_there` (`retry 1`, own `on silence`).
    walk(
        &walker,
        "silence",
        "reply other => to offer @ offer #1
event silence => to still_there @ still_there #1
capture budget -12 => ok integer -12 @ still_there #1
reply other => to offer @ offer #2
event silence => to still_there @ still_there #2
reply faq price => stay @ still_there #2
reply other => to offer @ offer #3
event silence => end hung_up @ -
new => new @ intro #1
reply other => to offer @ offer #1
event silence => to still_there @ still_there #1
event silence => end hung_up @ -
",
    );
    // A transfer ends the call until it fails; then its fallback.
    walk(
        &walker,
        "transfer",
        "reply other => to offer @ offer #1
reply signal wants_human => transfer sales @ -
reply other => transfer sales @ -
event silence => transfer sales @ -
transfer_failed => end declined @ -
transfer_failed => end declined @ -
",
    );
}

#[test]
fn every_capture_type_checks_its_text() {
    let spec = listening::spec();
    let walker = Walker::build("listening", &source(&spec));
    let table = "parse email zhang@taishan.com => ok text \"zhang@taishan.com\" @ intro #1
parse email   zhang@taishan.com。  => ok text \"zhang@taishan.com\" @ intro #1
parse email 张强@泰山.中国 => ok text \"张强@泰山.中国\" @ intro #1
parse email zhang@taishan => error NotEmail @ intro #1
parse email zhang@taishan. => error NotEmail @ intro #1
parse email @taishan.com => error NotEmail @ intro #1
parse email zhang@.com => error NotEmail @ intro #1
parse email zhang@@taishan.com => error NotEmail @ intro #1
parse email zh ang@taishan.com => error NotEmail @ intro #1
parse email  => error Empty @ intro #1
parse email  。 => error Empty @ intro #1
parse phone +8613800138000 => ok text \"+8613800138000\" @ intro #1
parse phone +123456 => ok text \"+123456\" @ intro #1
parse phone +123456789012345 => ok text \"+123456789012345\" @ intro #1
parse phone +12345 => error NotPhone @ intro #1
parse phone +1234567890123456 => error NotPhone @ intro #1
parse phone 8613800138000 => error NotPhone @ intro #1
parse phone +86 138 0013 8000 => error NotPhone @ intro #1
parse phone +８６１３８００１３８０００ => error NotPhone @ intro #1
parse callback 2028-02-29 => ok date 2028-02-29 @ intro #1
parse callback 2000-02-29 => ok date 2000-02-29 @ intro #1
parse callback 2025-12-31。 => ok date 2025-12-31 @ intro #1
parse callback 0001-01-01 => ok date 0001-01-01 @ intro #1
parse callback 2027-02-29 => error NotDate @ intro #1
parse callback 1900-02-29 => error NotDate @ intro #1
parse callback 2025-04-31 => error NotDate @ intro #1
parse callback 2025-13-01 => error NotDate @ intro #1
parse callback 2025-00-10 => error NotDate @ intro #1
parse callback 2025-01-00 => error NotDate @ intro #1
parse callback 0000-01-01 => error NotDate @ intro #1
parse callback 2025-1-01 => error NotDate @ intro #1
parse callback 2025/01/01 => error NotDate @ intro #1
parse callback +025-01-01 => error NotDate @ intro #1
parse callback ２０２５-01-01 => error NotDate @ intro #1
parse callback 下周三 => error NotDate @ intro #1
parse consent 是 => ok yes_no true @ intro #1
parse consent 是的 => ok yes_no true @ intro #1
parse consent 对的。 => ok yes_no true @ intro #1
parse consent YES! => ok yes_no true @ intro #1
parse consent 否 => ok yes_no false @ intro #1
parse consent 不 => ok yes_no false @ intro #1
parse consent 不是。 => ok yes_no false @ intro #1
parse consent No => ok yes_no false @ intro #1
parse consent 也许 => error NotYesNo @ intro #1
parse consent y => ok yes_no true @ intro #1
parse seats 1 => ok integer 1 @ intro #1
parse seats 500 => ok integer 500 @ intro #1
parse seats +42 => ok integer 42 @ intro #1
parse seats 42。 => ok integer 42 @ intro #1
parse seats 0 => error OutOfRange @ intro #1
parse seats 501 => error OutOfRange @ intro #1
parse seats -5 => error OutOfRange @ intro #1
parse seats 4 2 => error NotInteger @ intro #1
parse seats 四十二 => error NotInteger @ intro #1
parse seats １２ => error NotInteger @ intro #1
parse seats 4.5 => error NotInteger @ intro #1
parse seats 99999999999999999999 => error NotInteger @ intro #1
parse budget -9223372036854775808 => ok integer -9223372036854775808 @ intro #1
parse budget 9223372036854775807 => ok integer 9223372036854775807 @ intro #1
parse package standard => ok choice standard @ intro #1
parse package  premium。 => ok choice premium @ intro #1
parse package Premium => error NotAChoice @ intro #1
parse package 标准 => error NotAChoice @ intro #1
parse note  第一行\\r\\n第二行😀\\t => ok text \"第一行\\r\\n第二行😀\" @ intro #1
parse note 好的。 => ok text \"好的。\" @ intro #1
parse note \\r\\n => error Empty @ intro #1
parse note ！？ => error Empty @ intro #1
";
    walk(&walker, "parse", table);
}

/// A spec with no branch, capture, retry or transfer: the events fall back
/// to the documented defaults.
const NO_BRANCHES: &str = "call 最小 {\r\n  locale \"zh-CN\"\r\n  caller a { name \"李明\" }\r\n  callee b { name \"张强\" }\r\n  \
                           flow { step 唯一 { say \"您好😀\" } step 第二 { say \"再见\" } }\r\n  end { closing \"再见👋\" }\r\n}\r\n";

#[test]
fn without_branches_the_events_take_the_runtime_defaults() {
    let spec = checked("no_branches.call", NO_BRANCHES.as_bytes());
    let walker = Walker::build("no branches", &source(&spec));
    walk(
        &walker,
        "no branches",
        "event voicemail => end @ -
new => new @ 唯一 #1
event no_answer => end @ -
new => new @ 唯一 #1
event silence => stay @ 唯一 #1
event voicemail => stay @ 唯一 #1
reply other => to 第二 @ 第二 #1
event hangup => end @ -
new => new @ 唯一 #1
reply other => to 第二 @ 第二 #1
reply other => end @ -
",
    );
}

/// The states explored per spec (each spec here has far fewer).
const STATES: usize = 5_000;

/// Every spec in `specs/`, the hand-built one and the minimal one: every
/// move at every state the IR's model of `Call` reaches (breadth first)
/// gives in the compiled `Call` exactly the transcript the model gives;
/// every end condition and transfer is reached by some walk; and on the
/// way, every waiting step stays for an FAQ answer while a step that does
/// not wait goes on.
#[test]
fn every_outcome_of_every_spec_is_reached_by_a_walk() {
    let mut cases: Vec<(String, ir::Spec)> = listening::with_followup(files::call_files("specs"))
        .into_iter()
        .map(|p| {
            let name = p.display().to_string();
            let spec = checked(&name, &std::fs::read(&p).unwrap());
            (name, spec)
        })
        .collect();
    let hand_built = [
        ("listening (built by hand)".to_owned(), listening::spec()),
        (
            "no branches".to_owned(),
            checked("no_branches.call", NO_BRANCHES.as_bytes()),
        ),
    ];
    // These reach every outcome they declare.
    for (name, spec) in hand_built.iter().chain([&("followup".to_owned(), followup())]) {
        let walks = rust_walk::walks(spec, STATES).outcomes;
        for o in rust_walk::outcomes(spec) {
            assert!(walks.contains_key(&rust_walk::show(spec, Some(o))), "{name}: {o:?}");
        }
    }
    cases.extend(hand_built);
    std::thread::scope(|scope| {
        for (name, spec) in &cases {
            scope.spawn(move || {
                let walks = rust_walk::walks(spec, STATES);
                // Every outcome the flow graph reaches (an outcome it does not
                // reach is the checker's to report: W0213 `unreached_outcome`).
                let want: Vec<String> = rust_walk::graph_outcomes(spec)
                    .into_iter()
                    .map(|t| rust_walk::show(spec, Some(t)))
                    .collect();
                let missing: Vec<&String> = want.iter().filter(|o| !walks.outcomes.contains_key(*o)).collect();
                assert!(missing.is_empty(), "{name}: no walk reaches {missing:?}");
                let mut script = walks.every_move;
                // With an FAQ entry, ask it at every step a walk passes.
                if let Some(qa) = spec.faq.first() {
                    let with_faq: String = script
                        .lines()
                        .flat_map(|l| [l.to_owned(), format!("reply faq {}", qa.id)])
                        .map(|l| l + "\n")
                        .collect();
                    script = with_faq;
                }
                let want = Model::transcript(spec, &script);
                let walker = Walker::build(name, &source(spec));
                assert_same(name, &walker.drive(&script), &want);
                // An FAQ answer stays at a waiting step; a step that does not wait goes on.
                let mut at: Option<&ir::Step> = None;
                for line in want.lines() {
                    if let (Some(step), true) = (at, line.starts_with("reply faq ")) {
                        assert_eq!(line.contains("=> stay @"), step.waits, "{name}: {line}");
                    }
                    at = line
                        .rsplit_once(" @ ")
                        .and_then(|(_, w)| w.split_once(" #"))
                        .and_then(|(id, _)| spec.steps.iter().find(|s| s.id == id));
                }
            });
        }
    });
}

// ---- per-call variables ----

/// The fixture with variables of every type, three callees and signal examples.
const MANY: &str = "tests/fixtures/targets/many_customers.call";

/// An English spec whose variables are said the English way.
const EN_VARS: &str = "call en_vars {
  locale \"en-US\"
  caller a { name \"Sam\" }
  callee b { name \"{var.name}\" }
  vars {
    name  text       required example \"María 😀\"
    day   date       required example \"2026-12-31\"
    at    time       optional example \"00:05\"
    usd   money(USD) optional example \"$1,299\"
    eur   money(EUR) optional
    cny   money(CNY) optional
    gbp   money(GBP) optional
    chf   money(CHF) optional
    seats integer    optional example 12000
    ok    yes_no     default  yes
    pct   percent    optional example \"8.5%\"
    rate  number     optional
  }
  flow {
    step s {
      say \"Hi {callee.name}, see you on {var.day} at {var.at}: {var.usd} {var.eur} {var.cny} {var.gbp} {var.chf}, {var.seats} seats, {var.ok}, {var.pct}, {var.rate}.\"
    }
  }
  end { closing \"Bye, {var.name}!\" }
}
";

#[test]
fn a_call_is_said_with_its_own_values() {
    let spec = checked("many_customers.call", &std::fs::read(MANY).unwrap());
    let walker = Walker::build("many_customers", &source(&spec));
    let rows = "customer_name=王芳😀|contract_end=2027-02-28|fee=¥1,299|seats=12|call_window=14:00|rate=+007.50|vip=是|tier=premium|mailbox=wang@例子.中国|callback=+8613800138000
customer_name=张强|contract_end=2026-12-31
customer_name= 张强 |contract_end= 2026-12-31 |discount=|fee=  |unknown=x
customer_name=李\\r\\n四👨\u{200D}👩|contract_end=2028-02-29|discount=8.5%|call_window=9:05|fee=RMB 12,000.5|vip=对的
customer_name=张强|contract_end=2026-02-30
contract_end=2026-12-31
customer_name=  |contract_end=2026-12-31
customer_name=张强|contract_end=2026-12-31|seats=501
customer_name=张强|contract_end=2026-12-31|tier=gold
customer_name=张强|contract_end=2026-12-31|rate=1e5|seats=0
customer_name=张强|contract_end=2026-12-31|rate=1e5
";
    let got = walker.vars(rows);
    assert_same("vars", &got, &rust_walk::expected_vars(&spec, rows));
    // What the model says, stated directly: the values said the Chinese way,
    // an optional value left out said as nothing, defaults applied.
    for want in [
        "您好，王芳😀。合同2月28日到期，续约享8%优惠。\n",
        "年费1,299.00元，12个席位，费率7.50，14点前回复即可。\n",
        "合同发到wang@例子.中国吗？\n",
        "感谢王芳😀的时间，再见👋\n",
        "您好，张强。合同12月31日到期，续约享8%优惠。\n",
        "年费，个席位，费率，前回复即可。\n",
        "续约享8.5%优惠。\n",
        "年费12,000.50元，个席位，费率，9点5分前回复即可。\n",
        "李\r\n四👨\u{200D}👩您好，合同2月29日到期，请回电。\n",
        "error Invalid(ContractEnd, NotDate): `contract_end`: not a date: expected `YYYY-MM-DD`, such as `2026-12-31`\n",
        "error Missing(CustomerName): `customer_name` is required, and the call gives no value\n",
        "error Invalid(Seats, OutOfRange)",
        "error Invalid(Tier, NotAChoice)",
        "error Invalid(Rate, NotNumber)",
        "vip = true\n",
        "tier = standard\n",
    ] {
        assert!(got.contains(want), "{want:?} not in\n{got}");
    }
    assert_eq!(got.matches("error Missing(CustomerName)").count(), 2, "{got}");
    // The first problem in the order the variables are declared (`seats` before `rate`).
    assert_eq!(got.matches("error Invalid(Seats, OutOfRange)").count(), 2, "{got}");
}

#[test]
fn an_english_call_says_its_values_the_english_way() {
    let spec = checked("en_vars.call", EN_VARS.as_bytes());
    let walker = Walker::build("en_vars", &source(&spec));
    let rows = "name=María 😀|day=2026-12-31|at=00:05|usd=$1,299|eur=€5|cny=¥12,000|gbp=£0.5|chf=CHF 1000|seats=-12000|ok=no|pct=8|rate=-0.50
name=Bob|day=2027-01-01|at=12:30|seats=9999
";
    let got = walker.vars(rows);
    assert_same("en vars", &got, &rust_walk::expected_vars(&spec, rows));
    for want in [
        "Hi María 😀, see you on December 31 at 12:05 am: $1,299.00 €5.00 ¥12,000.00 £0.50 CHF 1,000.00, -12,000 seats, no, 8%, -0.50.\n",
        "Hi Bob, see you on January 1 at 12:30 pm:     , 9999 seats, yes, , .\n",
        "Bye, Bob!\n",
    ] {
        assert!(got.contains(want), "{want:?} not in\n{got}");
    }
}

/// Texts that probe every rule of every value type.
const PROBES: &[&str] = &[
    "",
    " ",
    "张强",
    "😀",
    "12",
    "+12",
    "-5",
    "+-5",
    "++5",
    "007.50",
    "-0",
    "12.",
    ".5",
    "1e5",
    "8%",
    "8.5％",
    "8 %",
    "８",
    "¥1,299",
    "1,299.00",
    "12,99",
    "1.999",
    "1.",
    "RMB 12",
    "12元",
    "USD 5",
    "$5",
    "€5",
    "£5",
    "5 CNY",
    "2026-12-31",
    "2028-02-29",
    "2027-02-29",
    "1900-02-29",
    "2000-02-29",
    "0000-01-01",
    "2026-1-01",
    "２０２６-01-01",
    "9:05",
    "09:30",
    "24:00",
    "00:00",
    "12:00",
    "23:59",
    "9:5",
    "+8613800138000",
    "+86 138",
    "+12345",
    "zhang@taishan.com",
    "a@b",
    "张强@泰山.中国",
    "zh ang@a.cn",
    "yes",
    "Y",
    "TRUE",
    "1",
    "0",
    "是",
    "是的",
    "对的",
    "不对",
    "否",
    "不",
    "也许",
    "standard",
    "premium",
    "Premium",
    " standard ",
    "12000",
    "-12000",
    "9223372036854775807",
    "9223372036854775808",
    "500",
    "501",
    "\\t42\\r\\n",
];

#[test]
fn variables_read_values_as_the_call_list_check_does() {
    for (name, spec) in [
        (
            "many_customers",
            checked("many_customers.call", &std::fs::read(MANY).unwrap()),
        ),
        ("en_vars", checked("en_vars.call", EN_VARS.as_bytes())),
    ] {
        let walker = Walker::build(name, &source(&spec));
        let lines: String = spec
            .vars
            .iter()
            .flat_map(|v| PROBES.iter().map(move |p| format!("{} {p}\n", v.id)))
            .collect();
        let got = walker.values(&lines);
        assert_same(name, &got, &rust_walk::expected_values(&spec, &lines));
        assert!(got.contains(" => ok "), "{got}");
        assert!(got.contains(" => error "), "{got}");
    }
}

#[test]
fn the_new_capture_types_check_their_text() {
    let spec = checked("many_customers.call", &std::fs::read(MANY).unwrap());
    let walker = Walker::build("many_customers", &source(&spec));
    walk(
        &walker,
        "captures",
        "reply other => to offer @ offer #1
capture budget_cap ¥1,299。 => ok money 1299.00 CNY @ offer #1
capture budget_cap 1.999 => error NotMoney @ offer #1
capture rate_seen 8.5%。 => ok percent 8.5 @ offer #1
capture rate_seen 八 => error NotPercent @ offer #1
capture best_time 9:05 => ok time 09:05 @ offer #1
capture best_time 24:00 => error NotTime @ offer #1
capture growth +007.50 => ok number 7.50 @ offer #1
capture growth 1e5 => error NotNumber @ offer #1
capture growth 。 => error Empty @ offer #1
value budget_cap => money 1299.00 CNY @ offer #1
reply other => to ask_email @ ask_email #1
capture growth 1 => error NotAsked @ ask_email #1
",
    );
}
