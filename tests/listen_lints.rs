//! The lints of calls that listen (W0212–W0217, E0112) on whole specs:
//! the spec that uses every construct checks clean, and each lint appears
//! when one thing is changed in it (and with CRLF line ends); clean
//! counter-examples; lint levels in the spec and on the command line.
//! Each code's own fixture is in tests/fixtures/check/.

#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use callc::codes::Level;
use callc::diagnostic::{Diagnostic, Severity};

fn source() -> String {
    std::fs::read_to_string("specs/zh_renewal_followup.call").unwrap()
}

fn diagnostics_with(src: &str, cli: &LintLevels) -> Vec<Diagnostic> {
    callc::compile("listen.call", src.as_bytes(), cli).diagnostics
}

fn diagnostics(src: &str) -> Vec<Diagnostic> {
    diagnostics_with(src, &LintLevels::default())
}

/// (code, message) of every diagnostic.
fn found(src: &str) -> Vec<(String, String)> {
    diagnostics(src)
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect()
}

/// `src` with `from` replaced (which must be there) by `to`.
fn with(src: &str, from: &str, to: &str) -> String {
    assert!(src.contains(from), "`{from}` is not in the spec");
    src.replacen(from, to, 1)
}

#[test]
fn the_spec_with_every_construct_checks_clean_with_lf_and_crlf() {
    let src = source();
    assert_eq!(found(&src), Vec::<(String, String)>::new());
    assert_eq!(found(&src.replace('\n', "\r\n")), Vec::<(String, String)>::new());
}

#[test]
fn a_branch_past_the_email_step_misses_the_capture() {
    // The design's example: `busy` straight to the end skips `ask_email`.
    // `purpose` does not wait, so the shortest path takes `busy` at `offer`.
    let src = with(
        &source(),
        "on busy        -> ask_email",
        "on busy        -> end(docs_by_email)",
    );
    for text in [src.clone(), src.replace('\n', "\r\n")] {
        let d = diagnostics(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].code.as_str(), "W0215");
        assert_eq!(
            d[0].message,
            "`docs_by_email` requires `email`, but the path purpose → offer →(busy) end(docs_by_email) never captures it"
        );
        // At the `requires` item, with the branch that reaches the outcome.
        assert_eq!(&text[d[0].span.range()], "email");
        assert!(text[..d[0].span.start].ends_with("requires "));
        assert_eq!(&text[d[0].secondary[0].span.range()], "end(docs_by_email)");
    }
}

#[test]
fn one_change_one_lint() {
    let src = source();
    let cases = [
        // W0213: nothing leads to `unreached` any more.
        (
            "on no_answer   -> end(unreached)",
            "on no_answer   -> end(hung_up)",
            "W0213",
            "no path through the call reaches end condition `unreached`",
        ),
        // W0214: a branch to plain `end`.
        (
            "on not_now     -> end(declined)",
            "on not_now     -> end",
            "W0214",
            "`on not_now` ends the call without naming an end condition",
        ),
        // W0216: `still_there` loses its bound: silence at `offer` leads to
        // it, and it back to `offer` (reported at the loop's first step).
        (
            "      retry 1 -> end(hung_up)\n",
            "",
            "W0216",
            "steps `offer` →(silence) `still_there` → `offer` can repeat without limit",
        ),
        // W0217: the voicemail message waits for a reply.
        (
            "      continue\n      -> end(voicemail_left)",
            "      -> end(voicemail_left)",
            "W0217",
            "step `leave_message` is reached from `voicemail` but waits for a reply an answering machine never gives",
        ),
    ];
    // W0212: voicemail no longer handled (so the message step and its
    // outcome are left unreached).
    let got = found(&with(&src, "    on voicemail   -> leave_message\n", ""));
    let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["W0212", "W0201", "W0213"], "{got:#?}");
    assert_eq!(got[0].1, "the call never handles voicemail");
    for (from, to, code, message) in cases {
        let got = found(&with(&src, from, to));
        assert_eq!(got, [(code.to_owned(), message.to_owned())], "{code}");
    }
}

#[test]
fn a_loop_of_continue_steps_is_an_error() {
    let src = with(
        &source(),
        "      continue\n      -> end(voicemail_left)",
        "      continue\n      -> leave_message",
    );
    let d = diagnostics(&src);
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    // The loop (not also W0202 or W0216), and `voicemail_left` that nothing
    // reaches now.
    assert_eq!(codes, ["E0112", "W0213"], "{d:#?}");
    assert_eq!(
        d[0].message,
        "step `leave_message` leads back to itself without waiting for a reply: the caller would talk forever"
    );
    assert_eq!(d[0].severity(), Some(Severity::Error));
}

#[test]
fn clean_counter_examples() {
    let spec = |flow: &str, end: &str| {
        format!(
            "call 续约 {{\n  locale \"zh-CN\"\n  caller 李明 {{ name \"李明\" }}\n  callee 张强 {{ name \"张强\" }}\n  signal 犹豫 \"张强犹豫\"\n  flow {{\n{flow}\n  }}\n  end {{\n{end}\n    closing \"再见😀\"\n  }}\n}}\n"
        )
    };
    let cases = [
        // A loop bounded by `retry` (neither W0216 nor W0202).
        spec(
            "    on voicemail -> end\n    step 挽留 { say \"再减二十元\" }\n    step 确认 { say \"可以吗？\" on 犹豫 -> 挽留 retry 2 -> end }",
            "",
        ),
        // Voicemail through a `continue` step to another one that ends.
        spec(
            "    on voicemail -> 问候\n    on 犹豫 -> end\n    step 问候 { say \"您好\" continue }\n    step 留言 { say \"请回电\" continue -> end }",
            "",
        ),
        // Every path to `发邮件` passes the step that captures `邮箱`, even
        // the branch taken after it.
        spec(
            "    on voicemail -> end(没联系上)\n    on 犹豫 -> end(没联系上)\n    step 问 { say \"邮箱？\" capture 邮箱 email \"邮箱\" retry 1 -> end(没联系上) on 犹豫 -> end(没联系上) }\n    step 确认 { say \"好的\" on 犹豫 -> end(发邮件) -> end(发邮件) }",
            "    when 发邮件 \"发邮件\" requires 邮箱\n    when 没联系上 \"没联系上\"",
        ),
        // Events without a branch are not unnamed ends (W0214), and a
        // transfer without `fallback` is its own outcome.
        spec(
            "    on voicemail -> end(没联系上)\n    on 犹豫 -> transfer(人工)\n    step 问候 { say \"您好\" -> end(没联系上) }",
            "    when 没联系上 \"没联系上\"\n    transfer 人工 \"销售\" { say \"为您转接\" }",
        ),
    ];
    for src in cases {
        assert_eq!(found(&src), Vec::<(String, String)>::new(), "\n{src}");
    }
}

#[test]
fn levels_in_the_spec_and_on_the_command_line() {
    let src = with(&source(), "      retry 1 -> end(hung_up)\n", "");
    let levels = |src: &str, cli: &LintLevels| -> Vec<(String, Option<Severity>)> {
        diagnostics_with(src, cli)
            .iter()
            .map(|d| (d.code.as_str().to_owned(), d.severity()))
            .collect()
    };
    let w0216 = |sev| vec![("W0216".to_owned(), Some(sev))];
    assert_eq!(levels(&src, &LintLevels::default()), w0216(Severity::Warning));
    // In the step the diagnostic points at (the loop's first: `offer`).
    let at_offer = "step offer \"活动优势快报\" covers written_terms {\n";
    let allowed = with(&src, at_offer, &format!("{at_offer}      allow unbounded_retry\n"));
    assert_eq!(levels(&allowed, &LintLevels::default()), vec![]);
    // In `flow`, by name; the command line is overridden by the spec.
    let denied = with(&src, "  flow {\n", "  flow {\n    deny unbounded_retry\n");
    let mut cli = LintLevels::default();
    cli.set("unbounded_retry", Level::Allow).unwrap();
    assert_eq!(levels(&denied, &cli), w0216(Severity::Error));
    // On the command line alone, by code or by `warnings`.
    let mut cli = LintLevels::default();
    cli.set("W0216", Level::Deny).unwrap();
    assert_eq!(levels(&src, &cli), w0216(Severity::Error));
    let mut cli = LintLevels::default();
    cli.set("warnings", Level::Allow).unwrap();
    assert_eq!(levels(&src, &cli), vec![]);
    // W0212 is reported at `flow`, so `allow` there covers it.
    let no_voicemail = with(
        &source(),
        "    on voicemail   -> leave_message\n",
        "    allow unhandled_voicemail\n",
    );
    let no_voicemail = with(
        &no_voicemail,
        "      continue\n      -> end(voicemail_left)",
        "      continue\n      -> end(declined)",
    );
    assert_eq!(
        levels(&no_voicemail, &LintLevels::default()),
        vec![
            ("W0201".to_owned(), Some(Severity::Warning)),
            ("W0213".to_owned(), Some(Severity::Warning)),
        ]
    );
}
