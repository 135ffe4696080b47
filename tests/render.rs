//! The terminal renderer: carets line up under the labelled text however
//! wide the characters before it are (CJK, emoji, full-width forms).

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::check::LintLevels;
use unicode_width::UnicodeWidthStr;

/// Renders the first diagnostic of `src` and returns (source line as shown,
/// caret line) from the snippet.
fn snippet(src: &str) -> (String, String) {
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    let d = c.diagnostics.first().expect("a diagnostic");
    let out = callc::render::human(&c.file, d, false);
    let lines: Vec<&str> = out.lines().collect();
    let caret = lines.iter().position(|l| l.contains('^')).expect("a caret line");
    (lines[caret - 1].to_owned(), lines[caret].to_owned())
}

fn check_alignment(src: &str, target: &str) {
    let (shown, carets) = snippet(src);
    let start = shown.find(target).unwrap_or_else(|| panic!("{target} not in {shown}"));
    let want = UnicodeWidthStr::width(&shown[..start]);
    let got = UnicodeWidthStr::width(&carets[..carets.find('^').unwrap()]);
    assert_eq!(got, want, "\n{shown}\n{carets}");
    let width = carets.matches('^').count();
    assert_eq!(width, UnicodeWidthStr::width(target), "\n{shown}\n{carets}");
}

fn spec_with(step_line: &str) -> String {
    format!(
        "call t {{\n  locale \"zh-CN\"\n  caller a {{ name \"李明\" }}\n  callee b {{ name \"张强\" }}\n  flow {{\n{step_line}\n    on voicemail -> end\n  }}\n  end {{ closing \"再见\" }}\n}}\n"
    )
}

#[test]
fn carets_line_up_after_chinese_text() {
    check_alignment(
        &spec_with("    step 开场 \"开场问候\" { say \"您好，请问是张强吗？\"  next 结尾 }"),
        "结尾",
    );
}

#[test]
fn carets_line_up_after_emoji_and_full_width_forms() {
    check_alignment(
        &spec_with("    step 开场 \"😀👍 ＡＢＣ\" { say \"ｆｕｌｌ　ｗｉｄｔｈ😀\"  next nowhere }"),
        "nowhere",
    );
}

#[test]
fn carets_line_up_on_a_crlf_line_and_in_a_placeholder() {
    let src = spec_with("    step 开场 { say \"您好😀{callee.nmae}\" }").replace('\n', "\r\n");
    check_alignment(&src, "{callee.nmae}");
}

#[test]
fn a_very_long_line_is_shown_as_a_window() {
    let long = "长".repeat(100_000);
    let src = spec_with(&format!("    step 开场 {{ say \"{long}\"  next nowhere }}"));
    let c = callc::compile("t.call", src.as_bytes(), &LintLevels::default());
    let out = callc::render::human(&c.file, &c.diagnostics[0], false);
    assert!(out.len() < 2_000, "{} bytes", out.len());
    assert!(out.contains("nowhere") && out.contains('…'), "{out}");
    // The header still names the real line and column.
    assert!(out.contains("t.call:6:"), "{out}");
    check_alignment(&src, "nowhere");
}
