//! The compiled walk of the `rust` target's output, shared by
//! `tests/target_rust.rs` and `tests/rust_call.rs`.
//!
//! [`Walker::build`] compiles a generated file with `rustc -D warnings` as a
//! library (editions 2021 and 2024) and inside [`MAIN`], a binary that uses
//! every item of the API (so a dead-code warning is an error). The binary
//! prints a transcript of the static data ([`Walker::static_transcript`],
//! compared byte for byte with [`expected_static`], computed from the IR),
//! and drives the `Call` state machine through a script of commands
//! ([`Walker::drive`]), one per line:
//!
//! - `new` — a new call;
//! - `reply signal ID`, `reply faq ID`, `reply other`;
//! - `event WORD` (`voicemail`, `no_answer`, `silence`, `hangup`);
//! - `capture ID TEXT` and `parse ID TEXT` (`\n`, `\r`, `\t`, `\\` escaped);
//! - `value ID`; `transfer_failed`.
//!
//! Two more modes read per-call variables: `vars` takes call-list rows
//! (`id=value|id=value`, escaped as above) and prints each variable's value
//! (canonical and said) and the call's lines said with them, or the
//! `VarError`; `values` takes `ID TEXT` lines and prints what
//! `ValueType::parse` of the variable `ID`'s type makes of `TEXT`
//! ([`expected_vars`] and [`expected_values`] compute both from the IR and
//! `ir::value`).
//!
//! Each command prints `COMMAND => RESULT @ WHERE`: the transition (`to
//! STEP`, `stay`, `end`, `end CONDITION`, `transfer ID`) or the value, then
//! the step the call is at with its run count (`offer #2`), or `-` once it
//! is over. [`Model`] computes the same transcript from the IR, for the
//! walks [`walks`] finds.

#![allow(dead_code)] // each test file uses part of it

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use callc::ir::{self, Event, Need, On, Target, ValueType};

/// The binary that walks the generated module (written beside it as `spec.rs`).
pub const MAIN: &str = r#"mod spec {
    include!("spec.rs");
}

use spec::*;
use std::collections::HashMap;
use std::io::{Read, Write};

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

fn show(t: Transition) -> String {
    match t {
        Transition::To(x) => format!("to {}", x.id()),
        Transition::Stay => "stay".to_owned(),
        Transition::End(None) => "end".to_owned(),
        Transition::End(Some(c)) => format!("end {}", c.id()),
        Transition::Transfer(x) => format!("transfer {}", x.id()),
    }
}

fn tr(o: &mut Vec<u8>, tag: &str, t: Option<Transition>) {
    match t {
        None => raw(o, &format!("{tag} -\n")),
        Some(t) => s(o, tag, &show(t)),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("text {t:?}"),
        Value::Number(n) => format!("number {}", n.as_str()),
        Value::Integer(n) => format!("integer {n}"),
        Value::Percent(n) => format!("percent {}", n.as_str()),
        Value::Money(m) => format!("money {} {}", m.amount.as_str(), m.currency),
        Value::Date(d) => format!("date {:04}-{:02}-{:02}", d.year, d.month, d.day),
        Value::Time(t) => format!("time {:02}:{:02}", t.hour, t.minute),
        Value::YesNo(b) => format!("yes_no {b}"),
        Value::Choice(c) => format!("choice {}", c.id()),
    }
}

fn result(r: Result<Value, ValueError>) -> String {
    match r {
        Ok(v) => format!("ok {}", value(&v)),
        Err(e) => format!("error {e:?}"),
    }
}

fn captured(r: Result<Value, CaptureError>) -> String {
    match r {
        Ok(v) => format!("ok {}", value(&v)),
        Err(CaptureError::NotAsked) => "error NotAsked".to_owned(),
        Err(CaptureError::Invalid(e)) => format!("error {e:?}"),
    }
}

/// A text: its template, then, with the example values, as said.
fn txt(o: &mut Vec<u8>, tag: &str, t: Text, ex: Option<&Vars>) {
    s(o, tag, &t.template());
    if let Some(vars) = ex {
        s(o, &format!("{tag} said"), &t.render(vars));
    }
    assert_eq!(t.as_str().is_some(), t.pieces().iter().all(|p| matches!(p, Piece::Lit(_))));
    for p in t.pieces() {
        match p {
            Piece::Lit(l) => assert!(!l.is_empty()),
            Piece::Var(v) => assert_eq!(Var::from_id(v.id()), Some(*v)),
        }
    }
}

fn opt_txt(o: &mut Vec<u8>, tag: &str, t: Option<Text>, ex: Option<&Vars>) {
    match t {
        Some(t) => txt(o, tag, t, ex),
        None => raw(o, &format!("{tag} -\n")),
    }
}

fn need(n: Need) -> &'static str {
    match n {
        Need::Required => "required",
        Need::Optional => "optional",
        Need::Default => "default",
    }
}

fn ids(captures: &[Capture]) -> Vec<&'static str> {
    captures.iter().map(|c| c.id()).collect()
}

fn texts(o: &mut Vec<u8>, tag: &str, v: &[Text], ex: Option<&Vars>) {
    raw(o, &format!("{tag} [{}]\n", v.len()));
    for t in v {
        txt(o, tag, *t, ex);
    }
}

fn party(o: &mut Vec<u8>, tag: &str, p: &Party, ex: Option<&Vars>) {
    s(o, tag, p.id);
    opt(o, tag, p.extends);
    txt(o, tag, p.name, ex);
    opt(o, tag, p.gender);
    raw(o, &format!("{tag} age {:?}\n", p.age));
    opt_txt(o, tag, p.org, ex);
    opt_txt(o, tag, p.role, ex);
    opt_txt(o, tag, p.persona, ex);
    opt_txt(o, tag, p.task, ex);
    for (kind, entries) in [("knows", p.knows), ("background", p.background)] {
        raw(o, &format!("{tag} {kind} [{}]\n", entries.len()));
        for (label, value) in entries {
            s(o, tag, label);
            txt(o, tag, *value, ex);
        }
    }
    raw(o, &format!("{tag} concerns [{}]\n", p.concerns.len()));
    for st in p.concerns {
        s(o, tag, st.concern);
        s(o, tag, st.priority.as_str());
        txt(o, tag, st.text, ex);
        assert!(concern(st.concern).is_some());
    }
    texts(o, tag, p.behavior, ex);
    opt_txt(o, tag, p.style.note, ex);
    texts(o, tag, p.style.avoid, ex);
    texts(o, tag, p.style.prefer, ex);
}

fn statics(o: &mut Vec<u8>) {
    raw(o, &format!("format {FORMAT_VERSION}\n"));
    let example = Vars::example();
    let ex = example.as_ref();
    raw(o, &format!("example {}\n", ex.is_some()));
    s(o, "call", CALL_ID);
    opt(o, "title", TITLE);
    s(o, "locale", LOCALE);
    opt_txt(o, "opening", OPENING, ex);
    txt(o, "closing", CLOSING, ex);
    for v in Var::ALL {
        s(o, "var", v.id());
        s(o, "var", v.kind().as_str());
        s(o, "var", need(v.need()));
        opt(o, "var default", v.default_value());
        opt(o, "var example", v.example());
        raw(o, &format!("var pii {}\n", v.pii()));
        opt(o, "var", v.description());
        if let Some(vars) = ex {
            opt(o, "var canonical", vars.get(*v).map(|x| x.canonical()).as_deref());
            s(o, "var said", &vars.spoken(*v));
        }
        assert_eq!(Var::from_id(v.id()), Some(*v));
    }
    for x in Speaker::ALL {
        s(o, "speaker", x.as_str());
    }
    s(o, "first speaker", FIRST_SPEAKER.as_str());
    raw(o, &format!("silence timeout {SILENCE_TIMEOUT_SECS}\n"));
    party(o, "caller", &CALLER, ex);
    for p in CALLEES {
        party(o, "callee", p, ex);
        assert!(std::ptr::eq(callee(p.id).unwrap(), p));
    }
    for p in Priority::ALL {
        s(o, "priority", p.as_str());
    }
    for c in CONCERNS {
        s(o, "concern", c.id);
        let steps: Vec<&str> = c.steps.iter().map(|x| x.id()).collect();
        list(o, "concern", &steps);
        list(o, "concern", c.faq);
        assert!(std::ptr::eq(concern(c.id).unwrap(), c));
    }
    for x in Signal::ALL {
        s(o, "signal", x.id());
        opt_txt(o, "signal", x.description(), ex);
        list(o, "signal examples", x.examples());
        assert_eq!(Signal::from_id(x.id()), Some(*x));
    }
    for e in Event::ALL {
        s(o, "event", e.id());
        raw(o, &format!("event at start {}\n", e.at_start()));
        tr(o, "start branch", start_branch(*e));
        assert_eq!(Event::from_id(e.id()), Some(*e));
    }
    for x in Step::ALL {
        s(o, "step", x.id());
        opt(o, "step", x.title());
        texts(o, "step", x.lines(), ex);
        if let Some(vars) = ex {
            let said = x.say(vars);
            list(o, "step say", &said.iter().map(String::as_str).collect::<Vec<_>>());
        }
        list(o, "step", x.covers());
        raw(o, &format!("step waits {}\n", x.waits()));
        list(o, "step captures", &ids(x.captures()));
        match x.retry() {
            Some(Retry { max, then }) => {
                raw(o, &format!("step retry {max}\n"));
                tr(o, "step retry then", Some(then));
            }
            None => raw(o, "step retry -\n"),
        }
        tr(o, "step", Some(x.successor()));
        for e in Event::ALL {
            tr(o, &format!("step on {}", e.id()), x.on_event(*e));
        }
        assert_eq!(Step::from_id(x.id()), Some(*x));
    }
    s(o, "start", START.id());
    let mut step = START;
    let mut visits = 0;
    loop {
        if visits == Step::ALL.len() + 1 {
            raw(o, "walk loops\n");
            break;
        }
        visits += 1;
        s(o, "walk", step.id());
        match next(step, None) {
            Transition::To(x) => step = x,
            end => {
                tr(o, "walk", Some(end));
                break;
            }
        }
    }
    for x in Step::ALL {
        for y in Signal::ALL {
            s(o, "at", x.id());
            s(o, "on", y.id());
            tr(o, "branch", x.branch(*y));
            tr(o, "next", Some(next(*x, Some(*y))));
        }
    }
    for c in Capture::ALL {
        s(o, "capture", c.id());
        s(o, "capture", c.description());
        kind(o, "capture", c.kind());
        raw(o, &format!("capture optional {}\n", c.optional()));
        s(o, "capture step", c.step().id());
        assert_eq!(Capture::from_id(c.id()), Some(*c));
    }
    for w in Choice::ALL {
        s(o, "choice", w.id());
        assert_eq!(Choice::from_id(w.id()), Some(*w));
    }
    for qa in FAQ {
        s(o, "qa", qa.id);
        texts(o, "qa", qa.questions, ex);
        txt(o, "qa", qa.answer, ex);
        list(o, "qa", qa.covers);
        assert!(std::ptr::eq(faq(qa.id).unwrap(), qa));
        if let Some(vars) = ex {
            for q in qa.questions {
                let q = q.render(vars);
                opt(o, "find", find_answer(&q, vars).map(|a| a.id));
                opt(o, "find padded", find_answer(&format!(" \t{q}\r\n"), vars).map(|a| a.id));
            }
            opt(o, "find nothing", find_answer(" ", vars).map(|a| a.id));
        }
    }
    for x in EndCondition::ALL {
        s(o, "end", x.id());
        opt_txt(o, "end", x.caller(), ex);
        opt_txt(o, "end", x.callee(), ex);
        list(o, "end requires", &ids(x.requires()));
        assert_eq!(EndCondition::from_id(x.id()), Some(*x));
    }
    for x in Transfer::ALL {
        s(o, "transfer", x.id());
        opt(o, "transfer", x.title());
        txt(o, "transfer", x.say(), ex);
        opt_txt(o, "transfer", x.to(), ex);
        tr(o, "transfer fallback", Some(x.fallback()));
        list(o, "transfer requires", &ids(x.requires()));
        assert_eq!(Transfer::from_id(x.id()), Some(*x));
    }
    assert!(Step::from_id("no such step").is_none() && Signal::from_id("").is_none());
    assert!(EndCondition::from_id("end").is_none() && faq("").is_none() && concern("").is_none());
    assert!(Event::from_id("busy").is_none() && Capture::from_id("").is_none() && Transfer::from_id("").is_none());
    assert!(Choice::from_id("").is_none() && Var::from_id("").is_none() && callee("").is_none());
}

/// A value type: its word, and its arguments.
fn kind(o: &mut Vec<u8>, tag: &str, k: ValueType) {
    s(o, tag, k.as_str());
    match k {
        ValueType::Integer { min, max } => raw(o, &format!("{tag} bounds {min:?} {max:?}\n")),
        ValueType::Money { currency } => s(o, &format!("{tag} currency"), currency),
        ValueType::OneOf(words) => {
            let words: Vec<&str> = words.iter().map(|w| w.id()).collect();
            list(o, &format!("{tag} words"), &words);
        }
        ValueType::Text
        | ValueType::Number
        | ValueType::Percent
        | ValueType::Date
        | ValueType::Time
        | ValueType::Phone
        | ValueType::Email
        | ValueType::YesNo => {}
    }
}

/// `vars`: each line a call-list row, `id=value|id=value`.
#[allow(unreachable_code, unused_variables, irrefutable_let_patterns)]
fn vars(script: &str, o: &mut Vec<u8>) {
    for line in script.lines() {
        let row: HashMap<String, String> = line
            .split('|')
            .filter(|cell| !cell.is_empty())
            .map(|cell| {
                let (k, v) = cell.split_once('=').unwrap_or((cell, ""));
                (k.to_owned(), unescape(v))
            })
            .collect();
        raw(o, &format!("row {line}\n"));
        match Vars::from_map(&row) {
            Err(e) => {
                raw(o, &format!("error {e:?}: {e}\n"));
                assert!(Var::ALL.contains(&e.var()));
                if let VarError::Invalid(_, v) = e {
                    raw(o, &format!("because {v}\n"));
                }
            }
            Ok(vars) => {
                for v in Var::ALL {
                    let value = vars.get(*v);
                    raw(o, &format!("{} = {}\n", v.id(), value.as_ref().map_or_else(|| "-".to_owned(), |x| x.canonical())));
                    s(o, "said", &vars.spoken(*v));
                }
                if let Some(t) = OPENING {
                    s(o, "opening", &t.render(&vars));
                }
                for x in Step::ALL {
                    for line in x.say(&vars) {
                        s(o, x.id(), &line);
                    }
                }
                s(o, "closing", &CLOSING.render(&vars));
            }
        }
    }
}

/// `values`: each line `ID TEXT`, read as the variable `ID`'s type reads it.
#[allow(unreachable_code, unused_variables)]
fn values(script: &str, o: &mut Vec<u8>) {
    for line in script.lines() {
        let (id, text) = line.split_once(' ').unwrap_or((line, ""));
        let var = Var::from_id(id).unwrap_or_else(|| panic!("no variable {id}"));
        let out = match var.kind().parse(&unescape(text)) {
            Ok(v) => {
                if let Value::Number(n) | Value::Percent(n) = &v {
                    assert!(n.to_f64().is_finite());
                }
                format!("ok {} = {} / {}", value(&v), v.canonical(), v.spoken())
            }
            Err(e) => format!("error {e:?} ({e})"),
        };
        raw(o, &format!("{line} => {out}\n"));
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape {other:?}"),
        }
    }
    out
}

// The driver is the same for every spec; with no capture or no signal, the
// look-ups below return an empty enum and rustc calls what follows
// unreachable. That is the driver's concern, not the generated file's (whose
// lints stay errors).
#[allow(unreachable_code, unused_variables)]
fn capture_named(id: &str) -> Capture {
    Capture::from_id(id).unwrap_or_else(|| panic!("no capture {id}"))
}

#[allow(unreachable_code, unused_variables)]
fn reply(rest: &str) -> Reply {
    let (kind, id) = rest.split_once(' ').unwrap_or((rest, ""));
    let r = match kind {
        "signal" => Reply::Signal(Signal::from_id(id).unwrap_or_else(|| panic!("no signal {id}"))),
        "faq" => Reply::Faq(faq(id).unwrap_or_else(|| panic!("no faq {id}"))),
        "other" => Reply::Other,
        _ => panic!("bad reply {rest}"),
    };
    // A reply reads back as what it was made from.
    match r {
        Reply::Signal(x) => assert_eq!(x.id(), id),
        Reply::Faq(qa) => assert_eq!(qa.id, id),
        Reply::Other => assert!(id.is_empty()),
    }
    r
}

#[allow(unreachable_code, unused_variables)]
fn drive(script: &str, o: &mut Vec<u8>) {
    let mut call = Call::new();
    for line in script.lines() {
        let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
        let result = match command {
            "new" => {
                call = Call::default();
                "new".to_owned()
            }
            "reply" => show(call.reply(reply(rest))),
            "event" => show(call.event(Event::from_id(rest).unwrap_or_else(|| panic!("no event {rest}")))),
            "capture" | "parse" => {
                let (id, text) = rest.split_once(' ').unwrap_or((rest, ""));
                let (c, text) = (capture_named(id), unescape(text));
                if command == "capture" { captured(call.capture(c, &text)) } else { result(c.parse(&text)) }
            }
            "value" => call.value(capture_named(rest)).map_or_else(|| "none".to_owned(), value),
            "transfer_failed" => show(call.transfer_failed()),
            _ => panic!("bad command {line}"),
        };
        assert_eq!(call.step().is_none(), call.outcome().is_some(), "{line}");
        let at = call.step().map_or_else(|| "-".to_owned(), |x| format!("{} #{}", x.id(), call.visits(x)));
        raw(o, &format!("{line} => {result} @ {at}\n"));
    }
}

fn main() {
    let mut o = Vec::new();
    match std::env::args().nth(1).as_deref() {
        Some("static") => statics(&mut o),
        Some(mode @ ("call" | "vars" | "values")) => {
            let mut script = String::new();
            std::io::stdin().read_to_string(&mut script).unwrap();
            match mode {
                "call" => drive(&script, &mut o),
                "vars" => vars(&script, &mut o),
                _ => values(&script, &mut o),
            }
        }
        other => panic!("bad mode {other:?}"),
    }
    std::io::stdout().write_all(&o).unwrap();
}
"#;

/// The values a preview of the call uses (`Vars::example`): each
/// variable's example, else its default, else nothing; `None` when a
/// required variable has neither.
pub fn example_values(spec: &ir::Spec) -> Option<Vec<Option<ir::Value>>> {
    spec.vars
        .iter()
        .map(|v| match v.sample() {
            Some(text) => Some(Some(v.kind.parse(text).expect("an example or default of its type"))),
            None if v.need == Need::Required => None,
            None => Some(None),
        })
        .collect()
}

/// A text said with the values given (as `Text::render`).
pub fn said(spec: &ir::Spec, t: &ir::Text, values: &[Option<ir::Value>]) -> String {
    let language = spec.language();
    t.render(|v, out| {
        if let Some(value) = &values[v.index] {
            out.push_str(&value.spoken(language));
        }
    })
}

/// The transcript `MAIN static` must print, computed from the IR.
pub fn expected_static(spec: &ir::Spec) -> Vec<u8> {
    struct O<'a> {
        bytes: Vec<u8>,
        spec: &'a ir::Spec,
        ex: Option<Vec<Option<ir::Value>>>,
    }
    impl O<'_> {
        fn raw(&mut self, text: &str) {
            self.bytes.extend_from_slice(text.as_bytes());
        }
        fn s(&mut self, tag: &str, v: &(impl std::fmt::Display + ?Sized)) {
            let v = v.to_string();
            self.raw(&format!("{tag} {}:{v}\n", v.len()));
        }
        fn opt(&mut self, tag: &str, v: Option<&impl std::fmt::Display>) {
            match v {
                Some(v) => self.s(tag, v),
                None => self.raw(&format!("{tag} -\n")),
            }
        }
        fn list<S: std::fmt::Display>(&mut self, tag: &str, v: &[S]) {
            self.raw(&format!("{tag} [{}]\n", v.len()));
            for x in v {
                self.s(tag, x);
            }
        }
        fn txt(&mut self, tag: &str, t: &ir::Text) {
            self.s(tag, t);
            if let Some(values) = self.ex.clone() {
                let said = said(self.spec, t, &values);
                self.s(&format!("{tag} said"), &said);
            }
        }
        fn opt_txt(&mut self, tag: &str, t: Option<&ir::Text>) {
            match t {
                Some(t) => self.txt(tag, t),
                None => self.raw(&format!("{tag} -\n")),
            }
        }
        fn texts(&mut self, tag: &str, v: &[ir::Text]) {
            self.raw(&format!("{tag} [{}]\n", v.len()));
            for t in v {
                self.txt(tag, t);
            }
        }
        fn tr(&mut self, spec: &ir::Spec, tag: &str, t: Option<Target>) {
            match t {
                None => self.raw(&format!("{tag} -\n")),
                Some(t) => self.s(tag, &show(spec, Some(t))),
            }
        }
        fn kind(&mut self, tag: &str, k: &ValueType) {
            self.s(tag, k.word());
            match k {
                ValueType::Integer { min, max } => self.raw(&format!("{tag} bounds {min:?} {max:?}\n")),
                ValueType::Money { currency } => self.s(&format!("{tag} currency"), currency),
                ValueType::OneOf(words) => self.list(&format!("{tag} words"), words),
                _ => {}
            }
        }
        fn party(&mut self, tag: &str, p: &ir::Party) {
            self.s(tag, &p.id);
            let base = p.extends.map(|i| self.spec.callees[i].id.clone());
            self.opt(tag, base.as_ref());
            self.txt(tag, &p.name);
            self.opt(tag, p.gender.as_ref());
            self.raw(&format!("{tag} age {:?}\n", p.age));
            self.opt_txt(tag, p.org.as_ref());
            self.opt_txt(tag, p.role.as_ref());
            self.opt_txt(tag, p.persona.as_ref());
            self.opt_txt(tag, p.task.as_ref());
            for (kind, entries) in [("knows", &p.knows), ("background", &p.background)] {
                self.raw(&format!("{tag} {kind} [{}]\n", entries.len()));
                for (label, value) in entries {
                    self.s(tag, label);
                    self.txt(tag, value);
                }
            }
            self.raw(&format!("{tag} concerns [{}]\n", p.concerns.len()));
            for st in &p.concerns {
                let id = self.spec.concerns[st.concern].id.clone();
                self.s(tag, &id);
                self.s(tag, st.priority.as_str());
                self.txt(tag, &st.text);
            }
            self.texts(tag, &p.behavior);
            self.opt_txt(tag, p.style.note.as_ref());
            self.texts(tag, &p.style.avoid);
            self.texts(tag, &p.style.prefer);
        }
    }
    // The documented semantics: a signal takes the first branch in force
    // for it (the step's own, then the global one), else the step's successor.
    let branch = |i: usize, sig: usize| spec.branches_at(i).find(|b| b.on == On::Signal(sig)).map(|b| b.target);
    let on_event = |i: usize, e: Event| spec.branches_at(i).find(|b| b.on == On::Event(e)).map(|b| b.target);
    let key = |q: &str| -> String {
        q.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let capture_ids = |list: &[usize]| list.iter().map(|&c| spec.captures[c].id.clone()).collect::<Vec<_>>();
    let language = spec.language();

    let mut o = O {
        bytes: Vec::new(),
        spec,
        ex: example_values(spec),
    };
    o.raw("format 3\n");
    o.raw(&format!("example {}\n", o.ex.is_some()));
    o.s("call", &spec.id);
    o.opt("title", spec.title.as_ref());
    o.s("locale", &spec.locale);
    o.opt_txt("opening", spec.opening.as_ref());
    o.txt("closing", &spec.closing);
    for (i, v) in spec.vars.iter().enumerate() {
        o.s("var", &v.id);
        o.s("var", v.kind.word());
        o.s("var", v.need.word());
        let default = match &v.need {
            Need::Default(d) => Some(v.kind.parse(d).unwrap().canonical()),
            Need::Required | Need::Optional => None,
        };
        o.opt("var default", default.as_ref());
        o.opt("var example", v.example.as_ref());
        o.raw(&format!("var pii {}\n", v.pii));
        o.opt("var", v.description.as_ref());
        if let Some(values) = o.ex.clone() {
            let canonical = values[i].as_ref().map(ir::Value::canonical);
            o.opt("var canonical", canonical.as_ref());
            let spoken = values[i].as_ref().map(|x| x.spoken(language)).unwrap_or_default();
            o.s("var said", &spoken);
        }
    }
    o.s("speaker", "callee");
    o.s("speaker", "caller");
    o.s("first speaker", spec.first_speaker.as_str());
    o.raw(&format!("silence timeout {}\n", spec.silence_timeout));
    o.party("caller", &spec.caller);
    for p in &spec.callees {
        o.party("callee", p);
    }
    for p in ["primary", "secondary", "latent"] {
        o.s("priority", p);
    }
    for c in &spec.concerns {
        o.s("concern", &c.id);
        o.list(
            "concern",
            &c.steps.iter().map(|&i| &spec.steps[i].id).collect::<Vec<_>>(),
        );
        o.list("concern", &c.faq.iter().map(|&i| &spec.faq[i].id).collect::<Vec<_>>());
    }
    for sig in &spec.signals {
        o.s("signal", &sig.id);
        o.opt_txt("signal", sig.description.as_ref());
        o.list("signal examples", &sig.examples);
    }
    for e in Event::ALL {
        o.s("event", e.as_str());
        let at_start = matches!(e, Event::Voicemail | Event::NoAnswer);
        o.raw(&format!("event at start {at_start}\n"));
        let start = spec.start_branches().find(|b| b.on == On::Event(e)).map(|b| b.target);
        o.tr(spec, "start branch", start);
    }
    for (i, step) in spec.steps.iter().enumerate() {
        o.s("step", &step.id);
        o.opt("step", step.title.as_ref());
        o.texts("step", &step.lines);
        if let Some(values) = o.ex.clone() {
            let said: Vec<String> = step.lines.iter().map(|l| said(spec, l, &values)).collect();
            o.list("step say", &said);
        }
        o.list(
            "step",
            &step.covers.iter().map(|&c| &spec.concerns[c].id).collect::<Vec<_>>(),
        );
        o.raw(&format!("step waits {}\n", step.waits));
        o.list("step captures", &capture_ids(&step.captures));
        match step.retry {
            Some(r) => {
                o.raw(&format!("step retry {}\n", r.max));
                o.tr(spec, "step retry then", Some(r.then));
            }
            None => o.raw("step retry -\n"),
        }
        o.tr(spec, "step", Some(step.next));
        for e in Event::ALL {
            o.tr(spec, &format!("step on {}", e.as_str()), on_event(i, e));
        }
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
            Target::Step(i) => at = i,
            end => {
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
    for c in &spec.captures {
        o.s("capture", &c.id);
        o.s("capture", &c.description);
        o.kind("capture", &c.kind);
        o.raw(&format!("capture optional {}\n", c.optional));
        o.s("capture step", &spec.steps[c.step].id);
    }
    let mut words = BTreeSet::new();
    for kind in spec
        .captures
        .iter()
        .map(|c| &c.kind)
        .chain(spec.vars.iter().map(|v| &v.kind))
    {
        if let ValueType::OneOf(list) = kind {
            for w in list {
                if words.insert(w.clone()) {
                    o.s("choice", w);
                }
            }
        }
    }
    for qa in &spec.faq {
        o.s("qa", &qa.id);
        o.texts("qa", &qa.questions);
        o.txt("qa", &qa.answer);
        o.list(
            "qa",
            &qa.covers.iter().map(|&c| &spec.concerns[c].id).collect::<Vec<_>>(),
        );
        if let Some(values) = o.ex.clone() {
            let find = |q: &str| -> Option<&String> {
                let k = key(q);
                if k.is_empty() {
                    return None;
                }
                spec.faq
                    .iter()
                    .find(|qa| qa.questions.iter().any(|x| key(&said(spec, x, &values)) == k))
                    .map(|qa| &qa.id)
            };
            for q in &qa.questions {
                let q = said(spec, q, &values);
                o.opt("find", find(&q));
                o.opt("find padded", find(&format!(" \t{q}\r\n")));
            }
            o.opt("find nothing", None::<&String>);
        }
    }
    for e in &spec.ends {
        o.s("end", &e.id);
        o.opt_txt("end", e.caller.as_ref());
        o.opt_txt("end", e.callee.as_ref());
        o.list("end requires", &capture_ids(&e.requires));
    }
    for t in &spec.transfers {
        o.s("transfer", &t.id);
        o.opt("transfer", t.title.as_ref());
        o.txt("transfer", &t.say);
        o.opt_txt("transfer", t.to.as_ref());
        o.tr(spec, "transfer fallback", Some(t.fallback));
        o.list("transfer requires", &capture_ids(&t.requires));
    }
    o.bytes
}

/// How `MAIN` shows a transition (`None`: `stay`).
pub fn show(spec: &ir::Spec, t: Option<Target>) -> String {
    match t {
        None => "stay".to_owned(),
        Some(Target::Step(i)) => format!("to {}", spec.steps[i].id),
        Some(Target::End(None)) => "end".to_owned(),
        Some(Target::End(Some(c))) => format!("end {}", spec.ends[c].id),
        Some(Target::Transfer(t)) => format!("transfer {}", spec.transfers[t].id),
    }
}

pub fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned())
}

pub fn run(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A generated file compiled into [`MAIN`].
pub struct Walker {
    name: String,
    _dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Walker {
    /// Compiles `source` as a library (editions 2021 and 2024, type check
    /// only) and inside `MAIN` (edition 2021), all with `-D warnings`.
    pub fn build(name: &str, source: &str) -> Walker {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("spec.rs"), source).unwrap();
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
        let bin = dir.path().join("walk");
        Walker {
            name: name.to_owned(),
            _dir: dir,
            bin,
        }
    }

    /// What `MAIN static` prints.
    pub fn static_transcript(&self) -> Vec<u8> {
        run(
            Command::new(&self.bin).arg("static"),
            &format!("{}: the walk", self.name),
        )
    }

    /// What `MAIN call` prints for `script`.
    pub fn drive(&self, script: &str) -> String {
        let mut child = Command::new(&self.bin)
            .arg("call")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}: the call walk failed:\n{}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Compares two transcripts, showing the first line that differs.
pub fn assert_same(name: &str, got: &str, want: &str) {
    if got != want {
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!("{name}: transcript differs at line {first:?}\n--- got ---\n{got}\n--- want ---\n{want}");
    }
}

/// A valid text for a capture type, and how `MAIN` shows its value.
pub fn sample(kind: &ValueType) -> (String, String) {
    match kind {
        ValueType::Text => (
            "张强说：下周再联系😀".to_owned(),
            "text \"张强说：下周再联系😀\"".to_owned(),
        ),
        ValueType::Email => ("zhang@taishan.com".to_owned(), "text \"zhang@taishan.com\"".to_owned()),
        ValueType::Phone => ("+8613800138000".to_owned(), "text \"+8613800138000\"".to_owned()),
        ValueType::Date => ("2028-02-29".to_owned(), "date 2028-02-29".to_owned()),
        ValueType::YesNo => ("是".to_owned(), "yes_no true".to_owned()),
        ValueType::Integer { min, max } => {
            let n = min.or(*max).unwrap_or(42);
            (n.to_string(), format!("integer {n}"))
        }
        ValueType::OneOf(words) => (words[0].clone(), format!("choice {}", words[0])),
        ValueType::Number => ("+012.50。".to_owned(), "number 12.50".to_owned()),
        ValueType::Percent => ("8.5%".to_owned(), "percent 8.5".to_owned()),
        ValueType::Money { currency } => (format!("{currency} 1,299"), format!("money 1299.00 {currency}")),
        ValueType::Time => ("9:05".to_owned(), "time 09:05".to_owned()),
    }
}

/// The `Call` machine's documented semantics, computed from the IR: the
/// transcript `MAIN call` must print for a script of `new`, `reply …`,
/// `event …`, `capture ID TEXT` (with [`sample`] texts) and
/// `transfer_failed`.
#[derive(Clone)]
pub struct Model {
    at: Option<usize>,
    started: bool,
    outcome: Option<Target>,
    visits: Vec<u32>,
    captured: Vec<bool>,
}

impl Model {
    pub fn new(spec: &ir::Spec) -> Model {
        let mut visits = vec![0; spec.steps.len()];
        visits[0] = 1;
        Model {
            at: Some(0),
            started: false,
            outcome: None,
            visits,
            captured: vec![false; spec.captures.len()],
        }
    }

    fn go(&mut self, spec: &ir::Spec, mut to: Target) -> Option<Target> {
        for _ in 0..=spec.steps.len() {
            match to {
                Target::Step(i) => match spec.steps[i].retry {
                    Some(r) if self.visits[i] > u32::from(r.max) => to = r.then,
                    _ => {
                        self.visits[i] += 1;
                        self.at = Some(i);
                        return Some(to);
                    }
                },
                end => {
                    self.at = None;
                    self.outcome = Some(end);
                    return Some(end);
                }
            }
        }
        self.at = None;
        self.outcome = Some(Target::End(None));
        self.outcome
    }

    /// Runs one command; `None` from a transition is `stay`.
    pub fn step(&mut self, spec: &ir::Spec, line: &str) -> String {
        let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
        let over = self.outcome;
        let result = match command {
            "new" => {
                *self = Model::new(spec);
                "new".to_owned()
            }
            "reply" => {
                let t = match self.at {
                    None => over,
                    Some(i) => {
                        self.started = true;
                        let step = &spec.steps[i];
                        let (kind, id) = rest.split_once(' ').unwrap_or((rest, ""));
                        let branch = (kind == "signal")
                            .then(|| spec.signals.iter().position(|s| s.id == id).unwrap())
                            .and_then(|s| spec.branches_at(i).find(|b| b.on == On::Signal(s)));
                        if !step.waits {
                            self.go(spec, step.next)
                        } else if let Some(b) = branch {
                            self.go(spec, b.target)
                        } else if kind == "faq" {
                            None
                        } else if step
                            .captures
                            .iter()
                            .any(|&c| !spec.captures[c].optional && !self.captured[c])
                        {
                            match self.go(spec, Target::Step(i)) {
                                Some(Target::Step(j)) if j == i => None,
                                t => t,
                            }
                        } else {
                            self.go(spec, step.next)
                        }
                    }
                };
                show(spec, t)
            }
            "event" => {
                let e = Event::of(rest).unwrap();
                let t = match self.at {
                    None => over,
                    Some(i) if matches!(e, Event::Voicemail | Event::NoAnswer) => {
                        if self.started {
                            None
                        } else {
                            self.started = true;
                            self.visits[i] -= 1;
                            let to = spec
                                .start_branches()
                                .find(|b| b.on == On::Event(e))
                                .map_or(Target::End(None), |b| b.target);
                            self.go(spec, to)
                        }
                    }
                    Some(i) => {
                        self.started = true;
                        match spec.branches_at(i).find(|b| b.on == On::Event(e)) {
                            Some(b) => self.go(spec, b.target),
                            None if e == Event::Hangup => self.go(spec, Target::End(None)),
                            None => None,
                        }
                    }
                };
                show(spec, t)
            }
            "capture" => {
                let (id, _) = rest.split_once(' ').unwrap();
                let c = spec.captures.iter().position(|c| c.id == id).unwrap();
                if self.at == Some(spec.captures[c].step) {
                    self.started = true;
                    self.captured[c] = true;
                    format!("ok {}", sample(&spec.captures[c].kind).1)
                } else {
                    "error NotAsked".to_owned()
                }
            }
            "transfer_failed" => match self.outcome {
                Some(Target::Transfer(t)) => {
                    self.outcome = None;
                    let to = self.go(spec, spec.transfers[t].fallback);
                    show(spec, to)
                }
                _ => show(spec, over),
            },
            _ => panic!("the model has no {line}"),
        };
        let at = self.at.map_or_else(
            || "-".to_owned(),
            |i| format!("{} #{}", spec.steps[i].id, self.visits[i]),
        );
        format!("{line} => {result} @ {at}\n")
    }

    /// The transcript of a whole script.
    pub fn transcript(spec: &ir::Spec, script: &str) -> String {
        let mut m = Model::new(spec);
        script.lines().map(|line| m.step(spec, line)).collect()
    }

    /// The state as far as the future is concerned: run counts matter only
    /// for steps with `retry`, and only up to their bound.
    fn key(&self, spec: &ir::Spec) -> String {
        let visits: Vec<u32> = self
            .visits
            .iter()
            .enumerate()
            .map(|(i, &v)| spec.steps[i].retry.map_or(0, |r| v.min(u32::from(r.max) + 1)))
            .collect();
        format!(
            "{:?} {} {} {visits:?} {:?}",
            self.at,
            self.started,
            show(spec, self.outcome),
            self.captured
        )
    }
}

/// What the callee can do at the model's state, as script lines.
fn moves(spec: &ir::Spec, m: &Model) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    if matches!(m.outcome, Some(Target::Transfer(_))) {
        out.push(vec!["transfer_failed".to_owned()]);
    }
    let Some(i) = m.at else { return out };
    if !m.started {
        out.push(vec!["event voicemail".to_owned()]);
        out.push(vec!["event no_answer".to_owned()]);
    }
    // Every capture the step asks for, then a reply.
    let mut captured: Vec<String> = spec.steps[i]
        .captures
        .iter()
        .map(|&c| format!("capture {} {}", spec.captures[c].id, sample(&spec.captures[c].kind).0))
        .collect();
    captured.push("reply other".to_owned());
    out.push(captured);
    out.push(vec!["reply other".to_owned()]);
    for s in &spec.signals {
        out.push(vec![format!("reply signal {}", s.id)]);
    }
    out.push(vec!["event silence".to_owned()]);
    out.push(vec!["event hangup".to_owned()]);
    out
}

/// The outcomes of a spec: every end condition and transfer, and the plain end.
pub fn outcomes(spec: &ir::Spec) -> Vec<Target> {
    (0..spec.ends.len())
        .map(|c| Target::End(Some(c)))
        .chain((0..spec.transfers.len()).map(Target::Transfer))
        .collect()
}

/// The outcomes the flow graph reaches from the start: through every
/// successor, branch in force, retry target, start branch and transfer
/// fallback (what the checker's reachability sees).
pub fn graph_outcomes(spec: &ir::Spec) -> Vec<Target> {
    let mut seen_steps = vec![false; spec.steps.len()];
    let mut seen_transfers = vec![false; spec.transfers.len()];
    let mut found = Vec::new();
    let mut todo: Vec<Target> = vec![Target::Step(0)];
    todo.extend(spec.start_branches().map(|b| b.target));
    while let Some(t) = todo.pop() {
        match t {
            Target::Step(i) if !seen_steps[i] => {
                seen_steps[i] = true;
                todo.extend(spec.targets_at(i));
            }
            Target::Transfer(x) if !seen_transfers[x] => {
                seen_transfers[x] = true;
                found.push(t);
                todo.push(spec.transfers[x].fallback);
            }
            Target::End(Some(_)) if !found.contains(&t) => found.push(t),
            _ => {}
        }
    }
    found
}

/// Walks found breadth first over the states of [`Model`].
pub struct Walks {
    /// For each outcome reached, the shortest script reaching it.
    pub outcomes: BTreeMap<String, String>,
    /// For every state reached and every move there, a script (from `new`)
    /// that reaches the state and makes the move: every transition the
    /// model can take, once.
    pub every_move: String,
}

/// The walks of a spec (at most `limit` states are explored).
pub fn walks(spec: &ir::Spec, limit: usize) -> Walks {
    let mut outcomes: BTreeMap<String, String> = BTreeMap::new();
    let mut every_move = String::new();
    let start = Model::new(spec);
    let mut seen = BTreeSet::from([start.key(spec)]);
    let mut queue = VecDeque::from([(start, String::new())]);
    while let Some((m, script)) = queue.pop_front() {
        for lines in moves(spec, &m) {
            let mut next = m.clone();
            let mut text = script.clone();
            for line in &lines {
                next.step(spec, line);
                text.push_str(line);
                text.push('\n');
            }
            every_move.push_str("new\n");
            every_move.push_str(&text);
            if let Some(end) = next.outcome {
                outcomes.entry(show(spec, Some(end))).or_insert_with(|| text.clone());
            }
            if seen.len() < limit && seen.insert(next.key(spec)) {
                queue.push_back((next, text));
            }
        }
    }
    Walks { outcomes, every_move }
}

/// What `MAIN vars` must print for call-list rows (`id=value|…`, values
/// escaped as for `capture`), computed from the IR and `ir::value`: a
/// blank value is an absent one; the first variable in declared order that
/// is missing or invalid is the error.
pub fn expected_vars(spec: &ir::Spec, rows: &str) -> String {
    let language = spec.language();
    let mut out = String::new();
    let s = |out: &mut String, tag: &str, v: &str| {
        let _ = writeln!(out, "{tag} {}:{v}", v.len());
    };
    for line in rows.lines() {
        let _ = writeln!(out, "row {line}");
        let row: BTreeMap<&str, String> = line
            .split('|')
            .filter(|c| !c.is_empty())
            .map(|c| {
                let (k, v) = c.split_once('=').unwrap_or((c, ""));
                (k, unescape(v))
            })
            .collect();
        let mut values = Vec::new();
        let mut error = None;
        for (i, v) in spec.vars.iter().enumerate() {
            let given = row.get(v.id.as_str()).map(|t| t.trim()).filter(|t| !t.is_empty());
            let value = match (given, &v.need) {
                (Some(t), _) => match v.kind.parse(t) {
                    Ok(x) => Some(x),
                    Err(e) => {
                        let variant = error_variant(&v.kind, &e);
                        error = Some(format!(
                            "error Invalid({}, {variant}): `{}`: {}\nbecause {}\n",
                            variant_name(spec, i),
                            v.id,
                            message(variant),
                            message(variant)
                        ));
                        break;
                    }
                },
                (None, Need::Required) => {
                    error = Some(format!(
                        "error Missing({}): `{}` is required, and the call gives no value\n",
                        variant_name(spec, i),
                        v.id
                    ));
                    break;
                }
                (None, Need::Optional) => None,
                (None, Need::Default(d)) => Some(v.kind.parse(d).unwrap()),
            };
            values.push(value);
        }
        if let Some(e) = error {
            out.push_str(&e);
            continue;
        }
        for (v, value) in spec.vars.iter().zip(&values) {
            let _ = writeln!(
                out,
                "{} = {}",
                v.id,
                value.as_ref().map_or_else(|| "-".to_owned(), ir::Value::canonical)
            );
            s(
                &mut out,
                "said",
                &value.as_ref().map(|x| x.spoken(language)).unwrap_or_default(),
            );
        }
        if let Some(t) = &spec.opening {
            s(&mut out, "opening", &said(spec, t, &values));
        }
        for step in &spec.steps {
            for l in &step.lines {
                s(&mut out, &step.id, &said(spec, l, &values));
            }
        }
        s(&mut out, "closing", &said(spec, &spec.closing, &values));
    }
    out
}

/// What `MAIN values` must print for `ID TEXT` lines: `ir::value`'s reading
/// of `TEXT` as the variable `ID`'s type.
pub fn expected_values(spec: &ir::Spec, lines: &str) -> String {
    let language = spec.language();
    let mut out = String::new();
    for line in lines.lines() {
        let (id, text) = line.split_once(' ').unwrap_or((line, ""));
        let v = spec.vars.iter().find(|v| v.id == id).unwrap();
        let shown = match v.kind.parse(&unescape(text)) {
            Ok(x) => format!("ok {} = {} / {}", shown_value(&x), x.canonical(), x.spoken(language)),
            Err(e) => {
                let variant = error_variant(&v.kind, &e);
                format!("error {variant} ({})", message(variant))
            }
        };
        let _ = writeln!(out, "{line} => {shown}");
    }
    out
}

/// How `MAIN` shows a value (`value()`).
fn shown_value(v: &ir::Value) -> String {
    match v {
        ir::Value::Text(t) | ir::Value::Phone(t) | ir::Value::Email(t) => format!("text {t:?}"),
        ir::Value::Number(n) => format!("number {n}"),
        ir::Value::Integer(n) => format!("integer {n}"),
        ir::Value::Percent(n) => format!("percent {n}"),
        ir::Value::Money { amount, currency } => format!("money {amount} {currency}"),
        ir::Value::Date { .. } => format!("date {}", v.canonical()),
        ir::Value::Time { .. } => format!("time {}", v.canonical()),
        ir::Value::YesNo(b) => format!("yes_no {b}"),
        ir::Value::Word(w) => format!("choice {w}"),
    }
}

/// The generated `ValueError` variant for `ir::value`'s phrase.
fn error_variant(kind: &ValueType, phrase: &str) -> &'static str {
    if phrase == "empty" {
        return "Empty";
    }
    match kind {
        ValueType::Text => "Empty",
        ValueType::Number => "NotNumber",
        ValueType::Integer { .. } if phrase == "not a whole number" => "NotInteger",
        ValueType::Integer { .. } => "OutOfRange",
        ValueType::Percent => "NotPercent",
        ValueType::Money { .. } => "NotMoney",
        ValueType::Date => "NotDate",
        ValueType::Time => "NotTime",
        ValueType::Phone => "NotPhone",
        ValueType::Email => "NotEmail",
        ValueType::YesNo => "NotYesNo",
        ValueType::OneOf(_) => "NotAChoice",
    }
}

/// The generated `ValueError`'s message.
fn message(variant: &str) -> &'static str {
    match variant {
        "Empty" => "empty",
        "NotNumber" => "not a number: expected digits with an optional `.`, such as `12.5`",
        "NotInteger" => "not a whole number",
        "OutOfRange" => "a whole number outside the bounds allowed",
        "NotPercent" => "not a percentage: expected a number such as `8` or `8.5%`",
        "NotMoney" => "not an amount: expected digits with at most two decimals, such as `1299.00`",
        "NotDate" => "not a date: expected `YYYY-MM-DD`, such as `2026-12-31`",
        "NotTime" => "not a time of day: expected `HH:MM` (24-hour), such as `09:30`",
        "NotPhone" => "not a phone number: expected `+` and 6 to 15 digits, such as `+8613800138000`",
        "NotEmail" => "not an e-mail address",
        "NotYesNo" => "not yes or no",
        _ => "not one of the words allowed",
    }
}

/// The `Var` variant of variable `i`.
fn variant_name(spec: &ir::Spec, i: usize) -> String {
    callc::emit::rust::variant_names(spec.vars.iter().map(|v| v.id.as_str())).swap_remove(i)
}

/// `\n`, `\r`, `\t` and `\\` unescaped (as `MAIN` does).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape {other:?}"),
        }
    }
    out
}

impl Walker {
    /// What `MAIN vars` prints for call-list rows.
    pub fn vars(&self, rows: &str) -> String {
        self.feed("vars", rows)
    }

    /// What `MAIN values` prints for `ID TEXT` lines.
    pub fn values(&self, lines: &str) -> String {
        self.feed("values", lines)
    }

    fn feed(&self, mode: &str, input: &str) -> String {
        let mut child = Command::new(&self.bin)
            .arg(mode)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}: MAIN {mode} failed:\n{}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}
