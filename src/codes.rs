//! The registry of diagnostic codes: one row per code, with its lint name,
//! its default level, a one-line title and the long explanation that
//! `callc explain` prints (from `docs/errors/CODE.md`).
//!
//! Codes are stable and never reused. A new check gets a new code here, a
//! new explanation file, and a fixture in `tests/fixtures/check/`.

use serde::Serialize;

/// How loudly a lint speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning; the run still succeeds.
    Warn,
    /// Reported as an error; the run fails.
    Deny,
}

impl Level {
    /// The level's name as written in `allow`/`warn`/`deny` and `-A/-W/-D`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

macro_rules! codes {
    ($($code:ident, $lint:expr, $level:ident, $title:literal;)*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $title]
                $code,
            )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written: `E0102`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// The lint name, for codes whose level can be changed.
            #[must_use]
            pub const fn lint(self) -> Option<&'static str> {
                match self { $(Code::$code => $lint,)* }
            }

            /// The default level (some lints refine it per diagnostic).
            #[must_use]
            pub const fn default_level(self) -> Level {
                match self { $(Code::$code => Level::$level,)* }
            }

            /// A one-line title.
            #[must_use]
            pub const fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }

            /// The long explanation, in Markdown.
            #[must_use]
            pub const fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("../docs/errors/", stringify!($code), ".md")),)*
                }
            }
        }
    };
}

codes! {
    E0001, None, Deny, "syntax error";
    E0002, None, Deny, "the file is not valid UTF-8";
    E0003, None, Deny, "the file is larger than callc reads";
    E0101, None, Deny, "duplicate id";
    E0102, None, Deny, "unknown reference";
    E0103, None, Deny, "unknown or malformed placeholder";
    E0104, None, Deny, "missing required part";
    E0105, None, Deny, "a field given twice";
    E0106, None, Deny, "invalid value";
    E0107, None, Deny, "unknown or misplaced field";
    E0108, None, Deny, "a built-in telephony event declared as an id";
    E0109, None, Deny, "an event branch where the event cannot happen";
    E0110, None, Deny, "an event branch to a target nobody can hear";
    E0111, None, Deny, "a step that does not wait, asked to listen";
    E0112, None, Deny, "a loop of `continue` steps: the call never waits for a reply";
    E0113, None, Deny, "a per-call variable where the text is fixed when the spec is compiled";
    E0114, None, Deny, "a callee that extends itself, directly or through others";
    W0201, Some("unreachable_step"), Warn, "no path from the first step reaches this step";
    W0202, Some("dead_end"), Warn, "from this step no path reaches the end of the call";
    W0203, Some("uncovered_concern"), Warn, "a callee concern that no step or FAQ entry covers";
    W0204, Some("unused_signal"), Warn, "a signal that no transition uses";
    W0205, Some("end_mismatch"), Warn, "caller and callee end conditions do not correspond";
    W0206, Some("duplicate_question"), Warn, "two FAQ questions that are the same after normalisation";
    W0207, Some("empty_text"), Warn, "an empty or whitespace-only string where text is expected";
    W0208, Some("silent_step"), Warn, "a step with no line to say";
    W0209, Some("unknown_lint"), Warn, "an unknown lint name in `allow`, `warn` or `deny`";
    W0210, Some("invisible_character"), Warn, "a bidi control or invisible character written raw in a string or comment";
    W0211, Some("confusable_id"), Warn, "two ids that look the same but are spelt with different characters";
    W0212, Some("unhandled_voicemail"), Warn, "the call has no `on voicemail` branch";
    W0213, Some("unreached_outcome"), Warn, "no path through the call reaches this end condition or transfer";
    W0214, Some("unnamed_end"), Warn, "a path ends the call without naming an end condition";
    W0215, Some("missing_capture"), Warn, "a path reaches an outcome without a capture it requires";
    W0216, Some("unbounded_retry"), Warn, "a loop of steps none of which has `retry`";
    W0217, Some("voicemail_waits"), Warn, "a step reached from `voicemail` waits for a reply";
    W0218, Some("unused_var"), Warn, "a per-call variable that no text uses";
    W0219, Some("missing_example"), Warn, "a required per-call variable with no example";
    W0220, Some("uncovered_on_path"), Warn, "a path on which no step addresses a callee's primary concern";
    E0301, None, Deny, "the Markdown is not a call spec in the reference layout";
    W0302, Some("unplaced_markdown"), Warn, "Markdown text the importer could not place";
    W0303, Some("covers_not_imported"), Warn, "Markdown cannot say which steps cover which concerns";
    E0401, None, Deny, "a required variable has no column in the call list";
    E0402, None, Deny, "a column or key of the call list that no variable declares";
    E0403, None, Deny, "a call in the list without a value its spec requires";
    E0404, None, Deny, "a value of the call list that is not of its variable's type";
    E0405, None, Deny, "a value of the call list outside its variable's `one_of` set";
    E0406, None, Deny, "a row of the call list that repeats an earlier row";
    E0407, None, Deny, "a row of the call list that its format cannot read";
}

impl Code {
    /// Finds a code by its name (`E0102`, `e0102`) or by its lint name
    /// (`unreachable_step`).
    #[must_use]
    pub fn lookup(name: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(name) || c.lint() == Some(name))
    }

    /// Finds the code of a lint name.
    #[must_use]
    pub fn from_lint(lint: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.lint() == Some(lint))
    }

    /// Every lint name, in code order.
    pub fn lint_names() -> impl Iterator<Item = &'static str> {
        Code::ALL.iter().filter_map(|c| c.lint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_lints_are_unique_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c:?} twice");
            if let Some(l) = c.lint() {
                assert!(seen.insert(l), "lint {l} twice");
            }
            let first = c.explanation().lines().next().unwrap_or_default();
            assert!(first.starts_with(&format!("# {}", c.as_str())), "{c:?}: {first}");
        }
    }

    #[test]
    fn lookup_by_code_or_lint() {
        assert_eq!(Code::lookup("e0102"), Some(Code::E0102));
        assert_eq!(Code::lookup("dead_end"), Some(Code::W0202));
        assert_eq!(Code::lookup("E9999"), None);
    }
}
