//! The words of the language, in one table: every keyword and scalar field
//! with the blocks it is written in, the kind of value a field takes,
//! whether it repeats, a one-line explanation and a completion snippet; and
//! the fixed words written as values (priorities, genders, lint levels).
//!
//! Everything that names a word reads it here: the keyword list
//! ([`KEYWORDS`]; `tests/lang.rs` proves it is the `keyword` rule of
//! `grammar/call.pest`), the parser's and the checker's "`task` belongs in
//! `caller`", the checker's field rules (`check/fields.rs`), the printer's
//! and the importer's quoting of keywords, completion, hover and rename
//! (`src/lsp/analysis/`) and the VS
//! Code grammar, through `editors/vscode/syntaxes/words.json`, which
//! `tests/lang.rs` writes from this table. No IO.

use crate::ast::Priority;
use crate::codes::Level;

/// A block of the language: where a word may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Outside any block (the file holds one `call`).
    Top,
    /// `call ID { … }`.
    Call,
    /// `caller ID { … }`.
    Caller,
    /// `callee ID { … }`.
    Callee,
    /// `knows { … }` or `background { … }`: free labels.
    Entries,
    /// `style { … }`.
    Style,
    /// `flow { … }`.
    Flow,
    /// `step ID { … }`.
    Step,
    /// `faq { … }`.
    Faq,
    /// `qa ID { … }`.
    Qa,
    /// `end { … }`.
    End,
    /// `transfer ID { … }` (in `end`).
    Transfer,
    /// `signal ID "…" { … }`.
    Signal,
    /// `vars { … }`.
    Vars,
    /// A block a reader of unparsed text cannot tell (a typo before `{`);
    /// no word belongs to it.
    Unknown,
}

impl Block {
    /// Where a word of this block belongs, as the checker says it
    /// ("`task` belongs in `caller`").
    const fn place(self) -> Option<&'static str> {
        Some(match self {
            Block::Call => "directly in `call`",
            Block::Caller => "in `caller`",
            Block::Callee => "in `callee`",
            Block::Style => "in `style`",
            Block::Flow => "in `flow`",
            Block::Step => "in a `step`",
            Block::Faq => "in `faq`",
            Block::Qa => "in a `qa` entry",
            Block::End => "in `end`",
            Block::Transfer => "in a `transfer`",
            Block::Signal => "in a `signal`'s braces",
            Block::Vars => "in `vars`",
            Block::Top | Block::Entries | Block::Unknown => return None,
        })
    }

    /// Where a word of this block is written, as the parser says it
    /// ("`task` is written inside `caller { … }`").
    const fn inside(self) -> Option<&'static str> {
        Some(match self {
            Block::Call => "directly inside `call ID { … }`",
            Block::Caller => "inside `caller { … }`",
            Block::Callee => "inside `callee { … }`",
            Block::Flow => "inside `flow { … }`",
            Block::Step => "inside `step ID { … }`",
            Block::Faq => "inside `faq { … }`",
            Block::Qa => "inside `qa ID { … }`",
            Block::End => "inside `end { … }`",
            Block::Transfer => "inside `transfer ID { … }`",
            Block::Signal => "inside `signal ID \"…\" { … }`",
            Block::Vars => "inside `vars { … }`",
            // The parser has never named `style` as a home (see `written_inside`).
            Block::Style | Block::Top | Block::Entries | Block::Unknown => return None,
        })
    }
}

/// Whether a word is a keyword or a field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    /// Opens a block or statement (the grammar's `keyword` rule); cannot be
    /// a field name, and ids should avoid it.
    Keyword,
    /// A scalar field (`NAME VALUE`), parsed generically and checked after
    /// parsing (`check/fields.rs`).
    Field,
    /// A keyword only in one place (`extends` after a callee's id; the words
    /// of a variable's line): elsewhere a free id or field name (see
    /// [`CONTEXTUAL_KEYWORDS`]).
    Contextual,
}

/// The kind of value a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A string.
    Text,
    /// A whole number.
    Integer,
    /// A bare word.
    Word,
}

/// One word of the language.
#[derive(Debug)]
pub struct Word {
    /// The word.
    pub word: &'static str,
    /// Keyword or field.
    pub kind: WordKind,
    /// The kind of value a field takes; `None` for a keyword.
    pub value: Option<ValueKind>,
    /// Whether a field may be given more than once in its block (E0105
    /// otherwise); always `false` for a keyword.
    pub repeat: bool,
    /// Whether a placeholder may name this field of a party
    /// (`{caller.name}`); always `false` for a keyword.
    pub placeholder: bool,
    /// The blocks it may be written in (none for `covers`, which belongs to
    /// a header, not a block).
    pub blocks: &'static [Block],
    /// A snippet (LSP syntax: `$1`, `${1:id}`, `$0`).
    pub snippet: &'static str,
    /// What it means, in one line.
    pub doc: &'static str,
}

impl Word {
    const fn keyword(word: &'static str, blocks: &'static [Block], snippet: &'static str, doc: &'static str) -> Self {
        Word {
            word,
            kind: WordKind::Keyword,
            value: None,
            repeat: false,
            placeholder: false,
            blocks,
            snippet,
            doc,
        }
    }

    const fn contextual(word: &'static str, snippet: &'static str, doc: &'static str) -> Self {
        Word {
            word,
            kind: WordKind::Contextual,
            value: None,
            repeat: false,
            placeholder: false,
            blocks: &[],
            snippet,
            doc,
        }
    }

    const fn field(
        word: &'static str,
        value: ValueKind,
        blocks: &'static [Block],
        snippet: &'static str,
        doc: &'static str,
    ) -> Self {
        Word {
            word,
            kind: WordKind::Field,
            value: Some(value),
            repeat: false,
            placeholder: false,
            blocks,
            snippet,
            doc,
        }
    }

    /// The same field, allowed more than once.
    const fn repeats(mut self) -> Self {
        self.repeat = true;
        self
    }

    /// The same field, which placeholders may name.
    const fn in_placeholders(mut self) -> Self {
        self.placeholder = true;
        self
    }
}

use Block::{Call, Callee, Caller, End, Entries, Faq, Flow, Qa, Signal, Step, Style, Top, Transfer, Vars};
use ValueKind::{Integer, Text};

const PARTIES: &[Block] = &[Caller, Callee];
const ANY: &[Block] = &[
    Call, Caller, Callee, Entries, Style, Flow, Step, Faq, Qa, End, Transfer, Signal, Vars,
];

/// Every word, with where it goes, in canonical order (the order completion
/// offers a block's words in, and the order of each block's fields in
/// messages).
#[rustfmt::skip]
pub const WORDS: &[Word] = &[
    Word::keyword("call", &[Top], "call ${1:id} {\n\tlocale \"${2:zh-CN}\"\n\t$0\n}",
        "`call ID { … }`: the whole specification of one outbound call."),
    Word::field("title", Text, &[Call], "title \"$1\"",
        "`title \"…\"`: a human title for the call (optional)."),
    Word::field("locale", Text, &[Call], "locale \"${1:zh-CN}\"",
        "`locale \"…\"`: the language of the spec's text, a BCP-47 tag such as `\"zh-CN\"` (required)."),
    Word::field("opening", Text, &[Call], "opening \"$1\"",
        "`opening \"…\"`: the first line of the call."),
    Word::field("first_speaker", ValueKind::Word, &[Call], "first_speaker ${1|callee,caller|}",
        "`first_speaker callee|caller`: who speaks first once the line connects; `callee` (the default) picks \
         up and speaks first, then the opening is said."),
    Word::field("silence_timeout", Integer, &[Call], "silence_timeout ${1:7}",
        "`silence_timeout N`: seconds of callee silence after a caller turn before `silence` fires, 1 to 600 \
         (default 7)."),
    Word::keyword("caller", &[Call], "caller ${1:id} {\n\tname \"$2\"\n\t$0\n}",
        "`caller ID { … }`: the party that places the call."),
    Word::keyword("callee", &[Call], "callee ${1:id} {\n\tname \"$2\"\n\t$0\n}",
        "`callee ID [extends BASE] { … }`: a party that is called, a simulated customer; a spec may have \
         several, each played against the same script."),
    Word::contextual("extends", "extends ${0:callee}",
        "`extends BASE`: after a callee's id, the callee this one is a variant of; it takes every field, \
         `background` entry, concern and `style` it does not write itself."),
    Word::keyword("signal", &[Call], "signal ${1:id} \"$2\" {\n\texample \"$0\"\n}",
        "`signal ID \"…\" { example \"…\" }`: something the callee may say or do that moves the flow, with \
         example utterances."),
    Word::field("example", Text, &[Signal], "example \"$1\"",
        "`example \"…\"`: something the callee might say that gives the signal (repeatable); recognisers \
         and simulators use them.").repeats(),
    Word::keyword("vars", &[Call], "vars {\n\t${1:customer_name} ${2:text} required example \"$0\"\n}",
        "`vars { ID TYPE … }`: the per-call variables, filled for each call from the call list; \
         `{var.ID}` puts one in a text."),
    Word::contextual("required", "required",
        "`required`: in a variable's line, every call must give a value (the default)."),
    Word::contextual("default", "default ${0:value}",
        "`default VALUE`: in a variable's line, the value a call that gives none takes."),
    Word::contextual("pii", "pii",
        "`pii`: in a variable's line, the value is personal data, to be masked in logs and transcripts."),
    Word::keyword("flow", &[Call], "flow {\n\tstep ${1:id} \"${2:title}\" {\n\t\tsay \"$0\"\n\t}\n}",
        "`flow { … }`: the caller's steps in order, and global branches."),
    Word::keyword("faq", &[Call], "faq {\n\tqa ${1:id} {\n\t\tq \"$2\"\n\t\ta \"$0\"\n\t}\n}",
        "`faq { qa … }`: answers the caller may give at any point of the call."),
    Word::keyword("end", &[Call], "end {\n\twhen ${1:id} \"$2\" callee \"$3\"\n\tclosing \"$0\"\n}",
        "`end { when … closing \"…\" }`: how the call may end. As a target, `end` or `end(ID)` ends the call."),
    Word::field("name", Text, PARTIES, "name \"$1\"",
        "`name \"…\"`: the party's name (required).").in_placeholders(),
    Word::field("gender", ValueKind::Word, PARTIES, "gender ${1|male,female,other|}",
        "`gender male|female|other`.").in_placeholders(),
    Word::field("age", Integer, PARTIES, "age $1",
        "`age N`: a whole number from 0 to 150.").in_placeholders(),
    Word::field("org", Text, PARTIES, "org \"$1\"",
        "`org \"…\"`: the party's organisation.").in_placeholders(),
    Word::field("role", Text, PARTIES, "role \"$1\"",
        "`role \"…\"`: the party's role.").in_placeholders(),
    Word::field("persona", Text, PARTIES, "persona \"\"\"\n\t$0\n\"\"\"",
        "`persona \"\"\"…\"\"\"`: who the party is, usually a block string."),
    Word::field("task", Text, &[Caller], "task \"$1\"",
        "`task \"…\"`: the call's task in one sentence (caller only)."),
    Word::keyword("knows", &[Caller], "knows {\n\t${1:label} \"$0\"\n}",
        "`knows { LABEL \"…\" }`: what the caller knows about the callee; `{knows.LABEL}` names an entry."),
    Word::keyword("background", &[Callee], "background {\n\t${1:label} \"$0\"\n}",
        "`background { LABEL \"…\" }`: the callee's background; `{background.LABEL}` names an entry."),
    Word::keyword("concern", &[Callee], "concern ${1:id} ${2|primary,secondary,latent|} \"$0\"",
        "`concern ID primary|secondary|latent \"…\"`: something the callee cares about; a step or FAQ entry \
         should `covers` it."),
    Word::field("behavior", Text, &[Callee], "behavior \"$1\"",
        "`behavior \"…\"`: one typical behaviour of the callee (repeatable).").repeats(),
    Word::keyword("style", &[Callee], "style {\n\tprefer \"$0\"\n}",
        "`style { note avoid prefer }`: how the callee talks."),
    Word::field("note", Text, &[Style], "note \"$1\"",
        "`note \"…\"`: a remark about the style examples."),
    Word::field("avoid", Text, &[Style], "avoid \"$1\"",
        "`avoid \"…\"`: an example not to imitate (repeatable).").repeats(),
    Word::field("prefer", Text, &[Style], "prefer \"$1\"",
        "`prefer \"…\"`: an example to imitate (repeatable).").repeats(),
    Word::keyword("step", &[Flow], "step ${1:id} \"${2:title}\" {\n\tsay \"$0\"\n}",
        "`step ID \"title\" covers C, … { … }`: one step of the script."),
    Word::keyword("on", &[Flow, Step], "on ${1:signal} -> ${0:step}",
        "`on SIGNAL -> TARGET`: where the call goes when the callee gives a signal (in `flow`: at every step)."),
    Word::keyword("say", &[Step], "say \"$0\"",
        "`say \"…\"`: a line the caller says in this step (repeatable, in order)."),
    Word::keyword("next", &[Step], "next ${0:step}",
        "`next TARGET`: the step that follows this one, instead of the next written (`-> TARGET` is the same)."),
    Word::keyword("continue", &[Step], "continue",
        "`continue`: the step says its lines and goes on at once, without waiting for a reply."),
    Word::keyword("capture", &[Step], "capture ${1:id} ${2|text,email,phone,date,yes_no,integer,one_of|} \"$0\"",
        "`capture ID TYPE [optional] \"…\"`: typed data the step asks for (text, email, phone, date, yes_no, \
         integer(A..B), one_of(a, b)); the step asks again until the reply gives it, unless `optional`."),
    Word::keyword("optional", &[], "optional",
        "`optional`: after a capture's type, the call goes on whether or not the reply gives the value; in a \
         variable's line, a call may leave the variable out."),
    Word::keyword("retry", &[Step], "retry ${1:2} -> ${0:end}",
        "`retry N -> TARGET`: the step runs at most 1 + N times in one call (N from 1 to 9); once more goes to \
         TARGET."),
    Word::keyword("covers", &[], "covers ${0:concern}",
        "`covers C, …`: the callee concerns a step or FAQ entry addresses."),
    Word::keyword("qa", &[Faq], "qa ${1:id} {\n\tq \"$2\"\n\ta \"$0\"\n}",
        "`qa ID covers C { q \"…\" a \"…\" }`: one question (or several phrasings) and its answer."),
    Word::field("q", Text, &[Qa], "q \"$1\"",
        "`q \"…\"`: a phrasing of the question (at least one).").repeats(),
    Word::field("a", Text, &[Qa], "a \"$1\"",
        "`a \"…\"`: the answer (exactly one)."),
    Word::keyword("when", &[End], "when ${1:id} \"$2\" callee \"$0\"",
        "`when ID \"caller side\" callee \"callee side\"`: one reason the call may end; `end(ID)` names it."),
    Word::keyword("requires", &[Transfer], "requires ${0:capture}",
        "`requires C, …`: the captures that must be made before this outcome (after a `when`, or in a `transfer`)."),
    Word::keyword("transfer", &[End], "transfer ${1:id} \"${2:title}\" {\n\tsay \"$0\"\n}",
        "`transfer ID \"title\" { say to fallback }`: hands the call to a person or queue; as a target, \
         `transfer(ID)`."),
    Word::field("to", Text, &[Transfer], "to \"$1\"",
        "`to \"…\"`: where a transfer goes (a number, SIP URI or queue); without it the deployment fills it in."),
    Word::keyword("fallback", &[Transfer], "fallback ${0:end}",
        "`fallback TARGET`: where the call goes if the transfer fails (default `end`)."),
    Word::field("closing", Text, &[End], "closing \"$1\"",
        "`closing \"…\"`: the line the caller ends the call with (required)."),
    Word::keyword("allow", ANY, "allow ${0:lint}",
        "`allow LINT`: do not report this lint inside the enclosing block."),
    Word::keyword("warn", ANY, "warn ${0:lint}",
        "`warn LINT`: report this lint as a warning inside the enclosing block."),
    Word::keyword("deny", ANY, "deny ${0:lint}",
        "`deny LINT`: report this lint as an error inside the enclosing block."),
];

/// The priorities a concern may have, as written (the grammar's `priority`
/// rule), most pressing first.
pub const PRIORITIES: &[(&str, Priority)] = &[
    ("primary", Priority::Primary),
    ("secondary", Priority::Secondary),
    ("latent", Priority::Latent),
];

/// The genders a party may have (`gender male`).
pub const GENDERS: &[&str] = &["male", "female", "other"];

/// Who may speak first (`first_speaker callee`), the default first.
pub const SPEAKERS: &[(&str, crate::ir::Speaker)] = &[
    ("callee", crate::ir::Speaker::Callee),
    ("caller", crate::ir::Speaker::Caller),
];

/// Words a writer may mean by a speaker, with the one they mean.
pub const SPEAKER_ALIASES: &[(&str, &str)] = &[
    ("agent", "caller"),
    ("assistant", "caller"),
    ("bot", "caller"),
    ("user", "callee"),
    ("customer", "callee"),
    ("human", "callee"),
];

/// The levels a lint attribute sets, as written (the grammar's `lint_level`
/// rule): `allow LINT`, `warn LINT`, `deny LINT`.
pub const LINT_LEVELS: &[(&str, Level)] = &[("allow", Level::Allow), ("warn", Level::Warn), ("deny", Level::Deny)];

/// Which words a derived list holds.
#[derive(Clone, Copy)]
enum Select {
    Keywords,
    Placeholders,
}

const fn selected(w: &Word, which: Select) -> bool {
    match which {
        Select::Keywords => matches!(w.kind, WordKind::Keyword),
        Select::Placeholders => w.placeholder,
    }
}

/// How many words of the table `which` holds.
const fn count(which: Select) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < WORDS.len() {
        if selected(&WORDS[i], which) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The words `which` holds, in the table's order (computed at compile time,
/// so that the lists below are plain `&[&str]`).
const fn select<const N: usize>(which: Select) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut j) = (0, 0);
    while i < WORDS.len() {
        if selected(&WORDS[i], which) {
            out[j] = WORDS[i].word;
            j += 1;
        }
        i += 1;
    }
    out
}

const KEYWORD_ARRAY: [&str; count(Select::Keywords)] = select(Select::Keywords);
const PLACEHOLDER_ARRAY: [&str; count(Select::Placeholders)] = select(Select::Placeholders);

/// The words that open a block or a statement, in the table's order: they
/// cannot be field names (the grammar's `keyword` rule), and ids should
/// avoid them.
pub const KEYWORDS: &[&str] = &KEYWORD_ARRAY;

/// The words the grammar matches as keywords in one place only (its
/// `kw_*` rules outside the `keyword` rule): `extends` after a callee's id,
/// and the words of a variable's line (`example` is also a signal's field).
/// Elsewhere they are free ids and field names.
pub const CONTEXTUAL_KEYWORDS: &[&str] = &["extends", "required", "default", "example", "pii"];

/// The party fields a placeholder may name: `{caller.name}`, `{callee.age}`.
pub const PLACEHOLDER_FIELDS: &[&str] = &PLACEHOLDER_ARRAY;

/// The entry for a word, if it is one of the language's.
#[must_use]
pub fn word(word: &str) -> Option<&'static Word> {
    WORDS.iter().find(|w| w.word == word)
}

/// Whether `s` is a keyword (cannot be a field name; ids should avoid it).
#[must_use]
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// The words a block accepts, keywords and fields, in the table's order.
pub fn words_in(block: Block) -> impl Iterator<Item = &'static Word> {
    WORDS.iter().filter(move |w| w.blocks.contains(&block))
}

/// The scalar fields a block accepts, in the table's order.
pub fn fields_of(block: Block) -> impl Iterator<Item = &'static Word> {
    words_in(block).filter(|w| w.kind == WordKind::Field)
}

/// Where a word belongs, for the checker's "`task` belongs in `caller`"
/// (E0107): "directly in `call`", "in `caller` or `callee`", "in a `step`".
#[must_use]
pub fn home(name: &str) -> Option<&'static str> {
    match word(name)?.blocks {
        [Caller, Callee] => Some("in `caller` or `callee`"),
        [block] => block.place(),
        _ => None,
    }
}

/// Where a word is written, for the parser's help on a word found in the
/// wrong block: "inside `caller { … }`", "directly inside `call ID { … }`".
/// Only for words of one block, and neither for `end`, which is also a
/// target written in steps, nor for the fields of `style` (which the
/// parser has never named a home for).
#[must_use]
pub fn written_inside(name: &str) -> Option<&'static str> {
    match word(name)?.blocks {
        _ if name == "end" => None,
        [block] => block.inside(),
        _ => None,
    }
}

/// The priority a word names (`primary` …).
#[must_use]
pub fn priority(word: &str) -> Option<Priority> {
    PRIORITIES.iter().find(|(w, _)| *w == word).map(|&(_, p)| p)
}

/// The lint level a word names (`allow` …).
#[must_use]
pub fn lint_level(word: &str) -> Option<Level> {
    LINT_LEVELS.iter().find(|(w, _)| *w == word).map(|&(_, l)| l)
}

/// Words as a choice in a message: "`male`, `female` or `other`".
#[must_use]
pub fn one_of<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = words.into_iter().map(|w| format!("`{w}`")).collect();
    crate::diagnostic::or_list(&quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unique_and_well_formed() {
        for (i, w) in WORDS.iter().enumerate() {
            assert!(WORDS[..i].iter().all(|v| v.word != w.word), "{} twice", w.word);
            assert!(w.snippet.starts_with(w.word), "{}", w.word);
            assert!(w.doc.starts_with(&format!("`{}", w.word)), "{}", w.word);
            assert!(!w.blocks.contains(&Block::Unknown), "{}", w.word);
            let field = w.kind == WordKind::Field;
            assert_eq!(w.value.is_some(), field, "{}: only fields take a value", w.word);
            assert!(
                field || !(w.repeat || w.placeholder),
                "{}: a keyword neither repeats nor is a placeholder",
                w.word
            );
            assert!(
                !w.placeholder || w.blocks == PARTIES,
                "{}: placeholders name party fields",
                w.word
            );
        }
        let contextual = WORDS.iter().filter(|w| w.kind == WordKind::Contextual).count();
        assert_eq!(KEYWORDS.len() + count_fields() + contextual, WORDS.len());
        for w in WORDS.iter().filter(|w| w.kind == WordKind::Contextual) {
            assert!(CONTEXTUAL_KEYWORDS.contains(&w.word), "{}", w.word);
        }
        assert_eq!(PLACEHOLDER_FIELDS, ["name", "gender", "age", "org", "role"]);
    }

    fn count_fields() -> usize {
        WORDS.iter().filter(|w| w.kind == WordKind::Field).count()
    }

    #[test]
    fn value_words_agree_with_snippets_docs_and_the_syntax_tree() {
        let priorities: Vec<&str> = PRIORITIES.iter().map(|(w, _)| *w).collect();
        // A snippet's choice: `${2|primary,secondary,latent|}`.
        let choice = |words: &[&str]| format!("|{}|}}", words.join(","));
        let concern = word("concern").expect("concern");
        assert!(concern.snippet.contains(&choice(&priorities)), "{}", concern.snippet);
        assert!(concern.doc.contains(&priorities.join("|")));
        let gender = word("gender").expect("gender");
        assert!(gender.snippet.contains(&choice(GENDERS)), "{}", gender.snippet);
        assert!(gender.doc.contains(&GENDERS.join("|")));
        for &(w, p) in PRIORITIES {
            assert_eq!((p.as_str(), priority(w)), (w, Some(p)));
        }
        for &(w, l) in LINT_LEVELS {
            assert_eq!((l.as_str(), lint_level(w)), (w, Some(l)));
            assert_eq!(word(w).map(|w| w.kind), Some(WordKind::Keyword));
        }
        assert_eq!(priority("urgent"), None);
        assert_eq!(one_of(GENDERS.iter().copied()), "`male`, `female` or `other`");
        assert_eq!(one_of(["a"]), "`a`");
    }

    #[test]
    fn blocks_offer_what_language_md_lists() {
        let step: Vec<_> = words_in(Step).map(|w| w.word).collect();
        assert_eq!(
            step,
            [
                "on", "say", "next", "continue", "capture", "retry", "allow", "warn", "deny"
            ]
        );
        let callee: Vec<_> = words_in(Callee).map(|w| w.word).collect();
        assert!(callee.contains(&"concern") && !callee.contains(&"task") && !callee.contains(&"knows"));
        let caller: Vec<_> = words_in(Caller).map(|w| w.word).collect();
        assert!(caller.contains(&"knows") && caller.contains(&"task") && !caller.contains(&"concern"));
        let fields = |b| fields_of(b).map(|w| w.word).collect::<Vec<_>>();
        assert_eq!(
            fields(Caller),
            ["name", "gender", "age", "org", "role", "persona", "task"]
        );
        assert_eq!(
            fields(Callee),
            ["name", "gender", "age", "org", "role", "persona", "behavior"]
        );
        assert_eq!(fields(Style), ["note", "avoid", "prefer"]);
        assert_eq!(fields(Qa), ["q", "a"]);
        assert_eq!(fields(End), ["closing"]);
        assert_eq!(fields(Transfer), ["to"]);
        assert_eq!(
            fields(Call),
            ["title", "locale", "opening", "first_speaker", "silence_timeout"]
        );
    }

    /// The homes messages named before the table existed, word for word.
    #[test]
    fn homes_are_the_messages_of_before() {
        let checker = [
            (
                "directly in `call`",
                "title locale opening first_speaker silence_timeout",
            ),
            ("in `caller` or `callee`", "name gender age org role persona"),
            ("in `caller`", "task knows"),
            ("in `callee`", "behavior concern background style"),
            ("in `style`", "note avoid prefer"),
            ("in a `qa` entry", "q a"),
            ("in `end`", "closing when transfer"),
            ("in a `step`", "say next continue capture retry"),
            ("in a `transfer`", "to fallback requires"),
        ];
        for (home_, words) in checker {
            for w in words.split(' ') {
                assert_eq!(home(w), Some(home_), "{w}");
            }
        }
        assert_eq!(home("covers"), None);
        assert_eq!(home("optional"), None);
        let parser = [
            ("inside `callee { … }`", "concern background style behavior"),
            ("inside `caller { … }`", "knows task"),
            ("inside `flow { … }`", "step"),
            ("inside `faq { … }`", "qa"),
            ("inside `qa ID { … }`", "q a"),
            ("inside `end { … }`", "when closing transfer"),
            ("inside `step ID { … }`", "say next continue capture retry"),
            ("inside `transfer ID { … }`", "to fallback requires"),
            ("inside `signal ID \"…\" { … }`", "example"),
            (
                "directly inside `call ID { … }`",
                "signal opening title locale caller callee flow faq first_speaker silence_timeout vars",
            ),
        ];
        for w in WORDS {
            let want = parser
                .iter()
                .find(|(_, words)| words.split(' ').any(|x| x == w.word))
                .map(|(h, _)| *h);
            assert_eq!(written_inside(w.word), want, "{}", w.word);
        }
    }
}
