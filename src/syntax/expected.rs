//! pest's "positives" (the rules it could have matched) turned into words:
//! one exhaustive table, so a new grammar rule cannot reach users as a raw
//! rule name.

use std::sync::LazyLock;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::{Rule, token_at};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::lang::{self, Block};
use crate::source::Span;

/// "`primary`, `secondary` or `latent`".
static PRIORITIES: LazyLock<String> = LazyLock::new(|| lang::one_of(lang::PRIORITIES.iter().map(|(w, _)| *w)));

/// What the user could have written where a rule was expected.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE => "a space",
        Rule::COMMENT => "a comment",
        Rule::file | Rule::call | Rule::kw_call => "`call`",
        Rule::caller | Rule::kw_caller => "`caller`",
        Rule::callee | Rule::kw_callee => "`callee`",
        Rule::knows | Rule::kw_knows => "`knows`",
        Rule::background | Rule::kw_background => "`background`",
        Rule::entry | Rule::label_word => "a label",
        Rule::concern | Rule::kw_concern => "`concern`",
        Rule::priority => &PRIORITIES,
        Rule::style | Rule::kw_style => "`style`",
        Rule::signal | Rule::kw_signal => "`signal`",
        Rule::flow | Rule::kw_flow => "`flow`",
        Rule::flow_items => "`step`",
        Rule::step_items => "`say`",
        Rule::step | Rule::kw_step => "`step`",
        Rule::say | Rule::kw_say => "`say`",
        Rule::next | Rule::kw_next => "`next`",
        Rule::goto | Rule::arrow => "`->`",
        Rule::branch | Rule::kw_on => "`on`",
        Rule::target => "a step id, `end` or `transfer(…)`",
        Rule::continue_stmt | Rule::kw_continue => "`continue`",
        Rule::capture | Rule::kw_capture => "`capture`",
        Rule::capture_type | Rule::type_name => "a type",
        Rule::vars | Rule::kw_vars => "`vars`",
        Rule::var | Rule::var_id => "a variable id",
        Rule::var_need | Rule::kw_required => "`required`",
        Rule::kw_default => "`default`",
        Rule::var_example | Rule::kw_example => "`example`",
        Rule::var_pii | Rule::kw_pii => "`pii`",
        Rule::extends | Rule::kw_extends => "`extends`",
        Rule::base_id => "a callee id",
        Rule::type_range => "a range such as `1..500`",
        Rule::type_values | Rule::type_value => "a word",
        Rule::dots => "`..`",
        Rule::kw_optional => "`optional`",
        Rule::retry | Rule::kw_retry => "`retry`",
        Rule::retry_count => "a number",
        Rule::transfer | Rule::transfer_target | Rule::kw_transfer => "`transfer`",
        Rule::transfer_item => "`say`",
        Rule::requires | Rule::kw_requires => "`requires`",
        Rule::fallback | Rule::kw_fallback => "`fallback`",
        Rule::capture_id => "a capture id",
        Rule::transfer_id => "a transfer id",
        Rule::end_target | Rule::kw_end => "`end`",
        Rule::covers | Rule::kw_covers => "`covers`",
        Rule::faq | Rule::kw_faq => "`faq`",
        Rule::qa | Rule::kw_qa => "`qa`",
        Rule::end_block => "`end`",
        Rule::when | Rule::kw_when => "`when`",
        Rule::lint_attr | Rule::lint_level => "`allow`",
        Rule::lint_name => "a lint name",
        Rule::field | Rule::field_name => "a field name",
        Rule::integer => "a number",
        Rule::word => "a word",
        Rule::line_string | Rule::block_string => "a string",
        Rule::call_id => "the call's id",
        Rule::party_id => "an id",
        Rule::concern_id => "a concern id",
        Rule::signal_id => "a signal id",
        Rule::step_id => "a step id",
        Rule::qa_id => "an FAQ entry id",
        Rule::end_id => "an end condition id",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::comma => "`,`",
        // Silent rules never reach an error, but pest still gives them variants.
        Rule::call_item => "a part of the call",
        Rule::party_item => "a field",
        Rule::step_item => "`say`",
        Rule::label => "a label",
        Rule::value => "a value",
        Rule::string => "a string",
        Rule::ident | Rule::keyword => "an identifier",
    }
}

/// Joins descriptions as "a, b or c", without repeats.
fn join(words: &[&str]) -> String {
    let mut uniq: Vec<&str> = Vec::new();
    for w in words {
        if !uniq.contains(w) {
            uniq.push(w);
        }
    }
    if uniq.is_empty() {
        String::from("something else")
    } else {
        crate::diagnostic::or_list(&uniq)
    }
}

/// How the token at a position reads in a message.
fn found(source: &str, span: Span) -> String {
    let Some(c) = source[span.start..].chars().next() else {
        return String::from("the end of the file");
    };
    match c {
        '\0' => String::from("a NUL byte"),
        '\u{FFFD}' => String::from("a character that is not valid UTF-8"),
        '\n' | '\r' => String::from("the end of the line"),
        c if c.is_control() || bidi_or_invisible(c) => format!("the invisible character U+{:04X}", c as u32),
        _ => format!("`{}`", &source[span.range()]),
    }
}

/// Characters that change how text displays without showing themselves.
pub(crate) fn bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The one syntax error of a file that does not parse.
pub fn syntax_error(source: &str, err: &Error<super::Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(source.len()),
    };
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let rest = &source[pos..];
    let wants_string = positives
        .iter()
        .any(|r| matches!(r, Rule::line_string | Rule::block_string));
    if wants_string && rest.starts_with("\"\"\"") {
        return Diagnostic::new(Code::E0001, Span::new(pos, pos + 3), "unterminated block string")
            .label("this `\"\"\"` is never closed")
            .help("close the block with `\"\"\"` on a line of its own");
    }
    if wants_string && rest.starts_with('"') {
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let end = pos + line_end.min(200);
        let end = (end..=source.len())
            .find(|&e| source.is_char_boundary(e))
            .unwrap_or(source.len());
        return Diagnostic::new(Code::E0001, Span::new(pos, end), "unterminated string")
            .label("this string has no closing `\"` on its line")
            .help("close the string with `\"`; for text over several lines use a `\"\"\"` block");
    }
    let span = if pos >= source.len() {
        Span::new(pos, pos)
    } else {
        token_at(source, pos)
    };
    let mut positives: Vec<Rule> = positives
        .into_iter()
        .filter(|r| !matches!(r, Rule::COMMENT | Rule::WHITESPACE))
        .collect();
    // Statements first, then the generic alternatives, the closing brace last.
    positives.sort_by_key(|r| match r {
        Rule::rbrace => 3,
        Rule::lint_attr | Rule::lint_level => 2,
        Rule::field | Rule::field_name => 1,
        _ => 0,
    });
    let words: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
    let expected = join(&words);
    let found = found(source, span);
    let mut d = Diagnostic::new(Code::E0001, span, format!("expected {expected}, found {found}"))
        .label(format!("expected {expected}"));
    if positives == [Rule::EOI] {
        d = d.note("a file holds exactly one `call` block");
    }
    let token = &source[span.range()];
    if let Some(d2) = typed_in_chinese(source, span, &words, &d) {
        return d2;
    }
    if span.start >= source.len() && positives.contains(&Rule::rbrace) {
        return d.help("the file ends before every block is closed: add the missing `}`");
    }
    if outer(token) && positives.contains(&Rule::rbrace) && !words.iter().any(|w| w.contains(&format!("`{token}`"))) {
        d = d.help(format!(
            "is a `}}` missing before this `{token}`? An earlier block may not be closed"
        ));
    } else if let Some(best) = did_you_mean(token, &words) {
        d = d.help(format!("did you mean `{best}`?")).fix(span, best);
    } else if let Some(home) = lang::written_inside(token) {
        d = d.help(format!("`{}` is written {home}", &source[span.range()]));
    } else if positives.contains(&Rule::field) || positives.contains(&Rule::field_name) {
        d = d.note("`docs/language.md` lists what each block holds");
    }
    d
}

/// Punctuation typed with a Chinese input method: full-width forms of ASCII
/// punctuation (`｛`, `，`, `（`) and Chinese quotation marks around a string.
fn typed_in_chinese(source: &str, span: Span, words: &[&str], d: &Diagnostic) -> Option<Diagnostic> {
    let c = source[span.start..].chars().next()?;
    let wants_string = words.contains(&"a string");
    if wants_string && matches!(c, '“' | '”' | '‘' | '’' | '\'' | '「' | '『') {
        let close = match c {
            '“' | '”' => '”',
            '‘' | '’' => '’',
            '「' => '」',
            '『' => '』',
            _ => '\'',
        };
        let rest = &source[span.start + c.len_utf8()..];
        let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
        let mut out = d.clone().help(format!(
            "strings are written between ASCII double quotes `\"`; `{c}` is part of the text, not a delimiter"
        ));
        if let Some(end) = line.find(close) {
            let inner = &line[..end];
            let whole = Span::new(span.start, span.start + c.len_utf8() + end + close.len_utf8());
            let escaped = inner.replace('\\', "\\\\").replace('"', "\\\"");
            out = out.fix(whole, format!("\"{escaped}\""));
        }
        return Some(out);
    }
    // Full-width forms U+FF01..U+FF5E map to ASCII by a fixed offset.
    let ascii = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)?,
        '\u{3000}' => ' ',
        _ => return None,
    };
    let token = format!("`{ascii}`");
    if words.iter().any(|w| w.contains(&token)) {
        let width = c.len_utf8();
        return Some(
            d.clone()
                .help(format!("`{c}` is the full-width form of `{ascii}`; write `{ascii}`"))
                .fix(Span::new(span.start, span.start + width), ascii.to_string()),
        );
    }
    None
}

/// The expected keyword closest to a misspelt word.
fn did_you_mean(token: &str, words: &[&str]) -> Option<String> {
    if token.is_empty() || !token.chars().all(unicode_ident::is_xid_continue) {
        return None;
    }
    words
        .iter()
        .flat_map(|w| w.split('`').skip(1).step_by(2))
        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase()))
        .map(|k| (strsim::damerau_levenshtein(token, k), k))
        .filter(|(d, k)| *d > 0 && *d <= k.len().div_ceil(3))
        .min()
        .map(|(_, k)| k.to_owned())
}

/// Whether a word is written only directly in `call`, `flow` or `faq`
/// (`step`, `title`, `faq`…): found where `}` could go, it suggests that
/// the block before it is not closed.
fn outer(word: &str) -> bool {
    lang::word(word).is_some_and(|w| matches!(w.blocks, [Block::Call | Block::Flow | Block::Faq]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn outer_words_are_those_messages_named_before_the_table() {
        let outer: Vec<&str> = crate::lang::WORDS
            .iter()
            .map(|w| w.word)
            .filter(|w| super::outer(w))
            .collect();
        let mut want = [
            "caller",
            "callee",
            "signal",
            "flow",
            "faq",
            "end",
            "title",
            "locale",
            "opening",
            "step",
            "qa",
            "first_speaker",
            "silence_timeout",
            "vars",
        ];
        want.sort_unstable();
        let mut outer = outer;
        outer.sort_unstable();
        assert_eq!(outer, want);
    }
}
