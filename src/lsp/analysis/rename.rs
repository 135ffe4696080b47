//! Rename: which name is under the cursor (or why there is none that can be
//! renamed), whether a new name is acceptable, and the edits.
//!
//! Input: an [`Analysis`], a byte offset, a new name. Output: the span and
//! name to rename, or the edits, or a message for people saying why not.

use crate::check::symbols::Kind;
use crate::source::Span;

use super::Analysis;
use super::tokens::{TokenKind, is_identifier, tokenize};
use super::vars::PART_WORDS;
use crate::lang::{self, WordKind};

/// The name a rename at the cursor would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The name as written under the cursor (a quoted label includes its quotes).
    pub span: Span,
    /// The name.
    pub name: String,
    /// What it names.
    pub kind: Kind,
    /// The definition, in the checker's [`crate::check::Symbols`].
    pub symbol: usize,
}

/// The renamable name at `offset`, or why there is none.
///
/// # Errors
/// A message for people: the cursor is on a keyword, a string, a field, a
/// lint, an unknown name, or the file does not parse.
pub fn prepare(analysis: &Analysis, offset: usize) -> Result<Target, String> {
    let symbols = analysis
        .symbols()
        .ok_or("the file has a syntax error; fix it, then rename")?;
    let Some(occ) = symbols.at(offset) else {
        return Err(why_not(analysis.text(), offset));
    };
    let name = symbols.name(analysis.text(), occ);
    match (occ.kind(), occ.definition()) {
        (Kind::Lint, _) => Err(format!("`{name}` is a lint name; lint names are fixed")),
        (Kind::Event, _) => Err(format!(
            "`{name}` is a built-in telephony event; event names are fixed by the language"
        )),
        (Kind::Field(party), _) => {
            let field = name.split_once('.').map_or(&*name, |(_, field)| field);
            Err(format!(
                "`{field}` is a field of the {}; field names are fixed by the language",
                party.keyword()
            ))
        }
        (kind, None) => Err(format!(
            "no {} is called `{name}`, so there is nothing to rename (define it, or apply the suggested fix)",
            kind.name()
        )),
        (kind, Some(symbol)) => Ok(Target {
            span: occ.span(),
            name: name.into_owned(),
            kind,
            symbol,
        }),
    }
}

/// Why the cursor is on nothing that can be renamed.
fn why_not(source: &str, offset: usize) -> String {
    let tokens = tokenize(source);
    let i = tokens.partition_point(|t| t.span.end < offset);
    let Some(t) = tokens.get(i).filter(|t| t.span.start <= offset) else {
        return "there is no id here to rename".to_owned();
    };
    let text = t.text(source);
    match t.kind {
        TokenKind::Ident => match lang::word(text) {
            Some(w) if w.kind == WordKind::Keyword => {
                format!("`{text}` is a keyword, not an id; only ids can be renamed")
            }
            Some(w) if w.kind == WordKind::Contextual => {
                format!("`{text}` is a keyword here, not an id; only ids can be renamed")
            }
            Some(_) => format!("`{text}` is a field name; field names are fixed by the language"),
            None => format!("`{text}` is a fixed word, not an id; only ids can be renamed"),
        },
        TokenKind::String { .. } | TokenKind::Block { .. } => {
            "this is text inside a string; only ids, `{var.…}` variables and `{knows.…}`/`{background.…}` labels can \
             be renamed"
                .to_owned()
        }
        TokenKind::Comment => "this is a comment; only ids can be renamed".to_owned(),
        _ => "there is no id here to rename".to_owned(),
    }
}

/// The edits that rename the name at `offset` to `new_name` everywhere in the file.
///
/// # Errors
/// A message for people: nothing to rename here (see [`prepare`]), the new
/// name is not an identifier, is a keyword or is taken, or the result
/// would not parse.
pub fn rename(analysis: &Analysis, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
    let target = prepare(analysis, offset)?;
    let Some(symbols) = analysis.symbols() else {
        return Err("the file has a syntax error; fix it, then rename".to_owned());
    };
    if new_name == target.name {
        return Ok(Vec::new());
    }
    if !is_identifier(new_name) {
        return Err(format!(
            "`{new_name}` is not an identifier: a name starts with a letter or `_` and goes on with letters, \
             digits and `_` (no spaces, hyphens, punctuation or emoji)"
        ));
    }
    if lang::is_keyword(new_name) {
        return Err(format!("`{new_name}` is a keyword; choose another name"));
    }
    if target.kind == Kind::Var && (PART_WORDS.contains(&new_name) || lang::lint_level(new_name).is_some()) {
        return Err(format!(
            "`{new_name}` is a word of a variable's line (`ID TYPE required|optional|default V example V pii`); a \
             variable cannot take its name"
        ));
    }
    if target.kind.is_id() && crate::ir::Event::of(new_name).is_some() {
        return Err(format!(
            "`{new_name}` is a built-in telephony event; ids cannot take its name (E0108); choose another, such as \
             `mentions_{new_name}`"
        ));
    }
    let source = analysis.text();
    let taken = if target.kind.is_id() {
        symbols.first_id(source, new_name).map(|d| {
            format!(
                "`{new_name}` is already the id of a {}; ids of every kind share one namespace",
                symbols.definitions()[d].kind().name()
            )
        })
    } else {
        symbols
            .first(source, target.kind, new_name)
            .map(|_| format!("`{new_name}` is already a {}", target.kind.name()))
    };
    if let Some(message) = taken {
        return Err(message);
    }
    let edits: Vec<(Span, String)> = symbols
        .occurrences_of(target.symbol)
        .map(|o| (o.span(), new_name.to_owned()))
        .collect();
    // Belt and braces: the renamed file must still parse, and check with no new error.
    let mut text = source.to_owned();
    for (span, new) in edits.iter().rev() {
        text.replace_range(span.range(), new);
    }
    if crate::syntax::parse(&text).0.is_none() {
        return Err(format!("renaming to `{new_name}` would make the file fail to parse"));
    }
    let renamed = crate::compile("renamed.call", text.as_bytes(), &crate::check::LintLevels::default());
    let errors = |c: &crate::Compiled| c.diagnostics.iter().filter(|d| d.is_error()).count() + c.omitted.errors;
    if errors(&renamed) > errors(&analysis.compiled) {
        let before: Vec<(crate::codes::Code, &str)> = analysis
            .compiled
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        let new = renamed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .find(|d| !before.contains(&(d.code, d.message.as_str())));
        return Err(match new {
            Some(d) => format!(
                "renaming to `{new_name}` would break the spec: {} ({})",
                d.message,
                d.code.as_str()
            ),
            None => format!("renaming to `{new_name}` would add errors to the spec"),
        });
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"call t {
  locale "zh-CN"
  caller a { name "李明" knows { "公司 名" "泰山" } }
  callee b { name "张强😀" concern 价格 primary "价格" }
  signal 忙 "忙"
  opening "{knows.公司 名}{callee.name}"
  flow {
    on 忙 -> 发资料 // 注释
    step 开场 covers 价格 { say "您好" next 发资料 allow silent_step }
    step 发资料 { say "发" -> end(拒绝) on 忙 -> 开场 }
  }
  end { when 拒绝 "不要" closing "再见" }
}
"#;

    fn at(needle: &str) -> usize {
        SPEC.find(needle).expect("needle")
    }

    fn analysis() -> Analysis {
        Analysis::new("t.call", SPEC)
    }

    fn apply(edits: &[(Span, String)]) -> String {
        let mut s = SPEC.to_owned();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|(sp, _)| std::cmp::Reverse(sp.start));
        for (sp, new) in edits {
            s.replace_range(sp.range(), &new);
        }
        s
    }

    #[test]
    fn renames_a_step_from_a_reference() {
        let a = analysis();
        let edits = rename(&a, at("发资料 //"), "send_docs").expect("rename");
        assert_eq!(edits.len(), 3);
        let out = apply(&edits);
        assert!(
            !out.contains("发资料") && out.matches("send_docs").count() == 3,
            "{out}"
        );
        let c = crate::compile("t.call", out.as_bytes(), &crate::check::LintLevels::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
    }

    #[test]
    fn renames_signals_concerns_ends_and_quoted_labels() {
        let a = analysis();
        for (needle, new, count) in [("忙 \"", "busy", 3), ("价格 {", "price", 2), ("拒绝)", "declined", 2)] {
            let edits = rename(&a, at(needle), new).expect(needle);
            assert_eq!(edits.len(), count, "{needle}");
        }
        let edits = rename(&a, at("公司 名}"), "公司").expect("label");
        let out = apply(&edits);
        assert!(
            out.contains("knows { 公司 \"泰山\" }") && out.contains("{knows.公司}"),
            "{out}"
        );
    }

    #[test]
    fn refuses_with_a_reason() {
        let a = analysis();
        let err = |needle: &str| prepare(&a, at(needle)).expect_err(needle);
        assert!(err("step 开场").contains("keyword"));
        assert!(err("\"您好\"").contains("inside a string"));
        assert!(err("// 注释").contains("comment"));
        assert!(err("callee.name").contains("field of the callee"));
        assert!(err("silent_step").contains("lint name"));
        assert!(err("name \"李明\"").contains("field name"));
        assert!(err("primary").contains("fixed word"));
        let unknown = Analysis::new("t.call", &SPEC.replace("next 发资料", "next 发资"));
        let e = prepare(&unknown, at("next 发资料") + 5).expect_err("unknown");
        assert!(e.contains("no step is called `发资`"), "{e}");
        let broken = Analysis::new("t.call", &SPEC.replace("flow {", "flow"));
        assert!(
            prepare(&broken, at("开场"))
                .expect_err("broken")
                .contains("syntax error")
        );
    }

    const LISTEN: &str = r#"call t {
  locale "zh-CN"
  caller a { name "李明" }
  callee b { name "张强😀" }
  signal 忙 "忙"
  flow {
    on voicemail -> end(留邮箱)
    on 忙 -> transfer(销售)
    step 问 { say "邮箱？😀" capture 邮箱 email "邮箱" retry 1 -> transfer(销售) -> end(留邮箱) }
  }
  end {
    when 留邮箱 "留下" callee "给了" requires 邮箱
    transfer 销售 "销售" { say "请稍候" fallback end requires 邮箱 }
    closing "再见"
  }
}
"#;

    fn apply_to(src: &str, edits: &[(Span, String)]) -> String {
        let mut s = src.to_owned();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|(sp, _)| std::cmp::Reverse(sp.start));
        for (sp, new) in edits {
            s.replace_range(sp.range(), &new);
        }
        s
    }

    #[test]
    fn renames_captures_in_every_requires_and_transfers_in_every_target() {
        let a = Analysis::new("t.call", LISTEN);
        assert!(!a.compiled.has_errors(), "{:?}", a.compiled.diagnostics);
        // From a `requires` of a transfer: the definition and both `requires`.
        let at = LISTEN.find("requires 邮箱 }").expect("requires") + "requires ".len();
        let edits = rename(&a, at, "email").expect("rename");
        assert_eq!(edits.len(), 3);
        let out = apply_to(LISTEN, &edits);
        assert!(
            out.contains("capture email email") && out.matches("requires email").count() == 2,
            "{out}"
        );
        assert!(!out.contains("capture 邮箱") && !out.contains("requires 邮箱"), "{out}");
        let c = crate::compile("t.call", out.as_bytes(), &crate::check::LintLevels::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
        // A transfer from its definition: both `transfer(…)` targets follow.
        let edits = rename(&a, LISTEN.find("销售 \"").expect("transfer"), "转人工").expect("rename");
        assert_eq!(edits.len(), 3);
        let out = apply_to(LISTEN, &edits);
        assert_eq!(out.matches("transfer(转人工)").count(), 2, "{out}");
        let c = crate::compile("t.call", out.as_bytes(), &crate::check::LintLevels::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
    }

    #[test]
    fn events_are_neither_renamed_nor_taken() {
        let a = Analysis::new("t.call", LISTEN);
        let e = prepare(&a, LISTEN.find("voicemail").expect("event")).expect_err("event");
        assert!(e.contains("`voicemail` is a built-in telephony event"), "{e}");
        for new in ["voicemail", "no_answer", "silence", "hangup"] {
            for needle in ["邮箱 email", "销售 \"", "忙 \"", "问 {"] {
                let e = rename(&a, LISTEN.find(needle).expect(needle), new).expect_err(new);
                assert!(e.contains("built-in telephony event") && e.contains("E0108"), "{e}");
            }
        }
        // The new keywords are keywords.
        for new in [
            "continue", "capture", "retry", "transfer", "requires", "optional", "fallback",
        ] {
            let e = rename(&a, LISTEN.find("问 {").expect("step"), new).expect_err(new);
            assert!(e.contains("keyword"), "{new}: {e}");
        }
        // A capture type word, a `first_speaker` value: fixed words.
        let e = prepare(&a, LISTEN.find("email \"").expect("type")).expect_err("type");
        assert!(e.contains("fixed word"), "{e}");
        // Ids share one namespace with captures and transfers.
        let e = rename(&a, LISTEN.find("问 {").expect("step"), "邮箱").expect_err("taken");
        assert!(e.contains("already the id of a capture"), "{e}");
        let e = rename(&a, LISTEN.find("问 {").expect("step"), "销售").expect_err("taken");
        assert!(e.contains("already the id of a transfer"), "{e}");
    }

    #[test]
    fn validates_the_new_name() {
        let a = analysis();
        let on = at("开场 covers");
        assert!(
            rename(&a, on, "send docs")
                .expect_err("space")
                .contains("not an identifier")
        );
        assert!(
            rename(&a, on, "报价😀")
                .expect_err("emoji")
                .contains("not an identifier")
        );
        assert!(rename(&a, on, "end").expect_err("end").contains("keyword"));
        assert!(rename(&a, on, "step").expect_err("kw").contains("keyword"));
        let e = rename(&a, on, "忙").expect_err("taken");
        assert!(e.contains("already the id of a signal"), "{e}");
        assert_eq!(rename(&a, on, "开场"), Ok(Vec::new()));
        let t = prepare(&a, on).expect("target");
        assert_eq!((t.name.as_str(), t.kind, t.span.start), ("开场", Kind::Step, on));
    }

    use crate::lsp::analysis::fixtures::MANY;

    #[test]
    fn renames_a_variable_from_a_placeholder_and_from_its_line() {
        let a = Analysis::new("t.call", MANY);
        assert!(a.compiled.diagnostics.is_empty(), "{:?}", a.compiled.diagnostics);
        // From `{var.客户}` (on the name or its braces) and from the line: the line and both placeholders.
        for at in [
            MANY.find("{var.客户}").expect("ref") + "{var.".len(),
            MANY.find("客户   text").expect("def"),
        ] {
            let t = prepare(&a, at).expect("target");
            assert_eq!((t.name.as_str(), t.kind), ("客户", Kind::Var));
            let edits = rename(&a, at, "customer_name").expect("rename");
            assert_eq!(edits.len(), 3);
            let out = apply_to(MANY, &edits);
            assert_eq!(
                out,
                MANY.replace("客户   text", "customer_name   text")
                    .replace("{var.客户}", "{var.customer_name}")
            );
            let c = crate::compile("t.call", out.as_bytes(), &crate::check::LintLevels::default());
            assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        }
        // Variables have their own namespace: a step's id is free for one.
        assert!(rename(&a, MANY.find("回拨   phone").expect("def"), "开场").is_ok());
    }

    #[test]
    fn a_variable_takes_no_word_of_its_line_nor_another_variables_name() {
        let a = Analysis::new("t.call", MANY);
        let on = MANY.find("回拨   phone").expect("def");
        for word in ["required", "default", "example", "pii"] {
            let e = rename(&a, on, word).expect_err(word);
            assert!(e.contains("a word of a variable's line"), "{word}: {e}");
        }
        assert!(rename(&a, on, "optional").expect_err("kw").contains("keyword"));
        assert!(rename(&a, on, "allow").expect_err("kw").contains("keyword"));
        let e = rename(&a, on, "客户").expect_err("taken");
        assert!(e.contains("`客户` is already a variable"), "{e}");
        // Other ids may take a contextual keyword: it is a keyword in one place only.
        let edits = rename(&a, MANY.find("开场 \"").expect("step"), "default").expect("free");
        let out = apply_to(MANY, &edits);
        assert!(out.contains("step default ") && out.contains("next 报价"), "{out}");
    }

    #[test]
    fn renames_a_callee_with_the_extends_that_name_it() {
        let a = Analysis::new("t.call", MANY);
        let at = MANY.find("extends 忙碌").expect("ref") + "extends ".len();
        let t = prepare(&a, at).expect("target");
        assert_eq!((t.name.as_str(), t.kind), ("忙碌", Kind::Callee));
        let edits = rename(&a, at, "busy").expect("rename");
        assert_eq!(edits.len(), 2);
        let out = apply_to(MANY, &edits);
        assert!(
            out.contains("callee busy extends 张强") && out.contains("callee 比价 extends busy"),
            "{out}"
        );
        // A rename that would break the spec is refused with the error it would cause.
        let e = rename(&a, at, "比价").expect_err("taken");
        assert!(e.contains("already the id of a callee"), "{e}");
        let e = prepare(&a, MANY.find("extends").expect("kw")).expect_err("keyword");
        assert!(e.contains("`extends` is a keyword here"), "{e}");
    }

    #[test]
    fn a_rename_that_would_add_an_error_is_refused() {
        // Two callees that stand alone, each with the label the shared closing names: renaming one
        // callee's label (and the closing's, which names the first) leaves the other without it (E0103).
        let src = MANY
            .replace(
                "name \"{var.客户}\"",
                "name \"{var.客户}\" background { 情境 \"合同快到期\" }",
            )
            .replace(
                "  signal 忙",
                "  callee 独立 { name \"{var.客户}\" background { 情境 \"合同快到期\" } }\n  signal 忙",
            )
            .replace(
                "persona \"{callee.name}，{background.情境}\"\n    background { 情境 \"在开会😀\" }\n    ",
                "",
            )
            .replace(
                "closing \"再见，{var.客户}\"",
                "closing \"再见，{var.客户}，{background.情境}\"",
            );
        let a = Analysis::new("t.call", &src);
        assert!(!a.compiled.has_errors(), "{:?}", a.compiled.diagnostics);
        let e = rename(&a, src.find("情境 \"合同").expect("label"), "场合").expect_err("breaks");
        assert!(
            e.starts_with(
                "renaming to `场合` would break the spec: `{background.场合}` has no value for callee `独立`"
            ),
            "{e}"
        );
        assert!(e.ends_with("(E0103)"), "{e}");
        // From the other callee's label (which the closing does not resolve to): the same.
        let second = src.match_indices("情境 \"合同").nth(1).expect("label").0;
        let e = rename(&a, second, "场合").expect_err("breaks");
        assert!(e.contains("`{background.情境}` has no value for callee `独立`"), "{e}");
    }
}
