//! The names the checker resolved, for tools that navigate a spec (the
//! language server): every definition and every reference of an id, of a
//! `knows`/`background` label and of a party field named by a placeholder,
//! and every lint name in `allow`/`warn`/`deny`, each with its span, its
//! kind and what it resolved to: a definition, and that definition's item in
//! the IR. Recorded while checking, so it agrees with the diagnostics: a
//! reference resolves to what the checker resolved it to. Names in parts
//! the checker skips (a block given twice, a concern outside the callee, a
//! rejected field) are recorded too, with no IR item, so an editor can
//! still go to them; a reference the checker reports unknown leads to such
//! a definition when one has its name.
//!
//! Names are not stored: they are read from the source by span (a quoted
//! label, whose text differs from its source, keeps its text). Offsets are
//! `u32` (sources are at most [`crate::source::MAX_SOURCE_BYTES`]), so an
//! occurrence costs 16 bytes and a definition 16.

use std::borrow::Cow;

use crate::ast::PartyKind;
use crate::source::Span;

use crate::lang::PLACEHOLDER_FIELDS;

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `call ID`.
    Call,
    /// `caller ID`.
    Caller,
    /// `callee ID`.
    Callee,
    /// `concern ID`.
    Concern,
    /// `signal ID`.
    Signal,
    /// `step ID`.
    Step,
    /// `qa ID`.
    Qa,
    /// `when ID` (an end condition).
    End,
    /// `capture ID` in a step.
    Capture,
    /// `transfer ID` in `end`.
    Transfer,
    /// A built-in telephony event named in `on EVENT -> …` (never a
    /// definition).
    Event,
    /// A `knows` label, named by `{knows.LABEL}`.
    Knows,
    /// A `background` label, named by `{background.LABEL}`.
    Background,
    /// A per-call variable in `vars`, named by `{var.NAME}`.
    Var,
    /// A field of a party named by a placeholder (`{caller.name}`).
    Field(PartyKind),
    /// A lint name in `allow`/`warn`/`deny` (never a definition).
    Lint,
}

impl Kind {
    /// The kind in words: "step", "end condition".
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Caller => "caller",
            Kind::Callee => "callee",
            Kind::Concern => "concern",
            Kind::Signal => "signal",
            Kind::Step => "step",
            Kind::Qa => "FAQ entry",
            Kind::End => "end condition",
            Kind::Capture => "capture",
            Kind::Transfer => "transfer",
            Kind::Event => "event",
            Kind::Knows => "`knows` entry",
            Kind::Background => "`background` entry",
            Kind::Var => "variable",
            Kind::Field(_) => "field",
            Kind::Lint => "lint",
        }
    }

    /// The kind with an article, for messages: "a step", "the caller".
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            Kind::Call => "the call",
            Kind::Caller => "the caller",
            Kind::Callee => "a callee",
            Kind::Concern => "a concern",
            Kind::Signal => "a signal",
            Kind::Step => "a step",
            Kind::Qa => "an FAQ entry",
            Kind::End => "an end condition",
            Kind::Capture => "a capture",
            Kind::Transfer => "a transfer",
            Kind::Event => "a telephony event",
            Kind::Knows => "a `knows` entry",
            Kind::Background => "a `background` entry",
            Kind::Var => "a per-call variable",
            Kind::Field(_) => "a field",
            Kind::Lint => "a lint",
        }
    }

    /// Whether names of this kind share the call's one namespace of ids.
    #[must_use]
    pub const fn is_id(self) -> bool {
        matches!(
            self,
            Kind::Call
                | Kind::Caller
                | Kind::Callee
                | Kind::Concern
                | Kind::Signal
                | Kind::Step
                | Kind::Qa
                | Kind::End
                | Kind::Capture
                | Kind::Transfer
        )
    }
}

/// No definition, no item.
const NONE: u32 = u32::MAX;

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

fn index(n: u32) -> Option<usize> {
    (n != NONE).then_some(n as usize)
}

/// One definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Definition {
    start: u32,
    end: u32,
    item: u32,
    kind: Kind,
}

impl Definition {
    /// What it defines.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The name as written at the definition (a quoted label with its quotes).
    #[must_use]
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// Its item in the IR: the index in the spec's vector of its kind
    /// (`steps`, `concerns`, `signals`, `faq`, `ends`, the caller's `knows`,
    /// the callee's `background`), in [`PLACEHOLDER_FIELDS`] for a field, 0 for
    /// the call and the parties (the spec and its `caller`/`callee`);
    /// `None` when it made no item (a label given twice).
    #[must_use]
    pub fn item(&self) -> Option<usize> {
        index(self.item)
    }
}

/// One place a name is written: a definition or a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    start: u32,
    end: u32,
    definition: u32,
    kind: Kind,
    is_definition: bool,
    /// How far the cursor's span reaches before and after the name (the
    /// braces and the root of a placeholder).
    before: u8,
    after: u8,
}

impl Occurrence {
    /// The name as written (what a rename replaces).
    #[must_use]
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// Where the cursor finds it: the name, or a whole `{placeholder}`.
    #[must_use]
    pub fn hit(&self) -> Span {
        Span::new(
            (self.start - u32::from(self.before)) as usize,
            (self.end + u32::from(self.after)) as usize,
        )
    }

    /// What it names (or would name: an unknown name has a kind too).
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The definition it resolves to (an index into
    /// [`Symbols::definitions`]); `None` for an unknown name and a lint.
    #[must_use]
    pub fn definition(&self) -> Option<usize> {
        index(self.definition)
    }

    /// Whether this is the definition itself.
    #[must_use]
    pub fn is_definition(&self) -> bool {
        self.is_definition
    }
}

/// Every definition and every reference the checker resolved in one file.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    definitions: Vec<Definition>,
    /// Sorted by position once checking is done.
    occurrences: Vec<Occurrence>,
    /// The text of each quoted label, by definition, ascending.
    quoted: Vec<(u32, Box<str>)>,
}

impl Symbols {
    /// The definitions, in the order the checker declared them.
    #[must_use]
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// The `n` definitions from `first` on (the ids of one kind), or none.
    pub(crate) fn run(&self, first: u32, n: usize) -> &[Definition] {
        let first = first as usize;
        self.definitions.get(first..first + n).unwrap_or_default()
    }

    /// Every occurrence, sorted by position.
    #[must_use]
    pub fn occurrences(&self) -> &[Occurrence] {
        &self.occurrences
    }

    /// The occurrence under the cursor at byte `offset`. A cursor just after
    /// a name counts as on it, as editors expect.
    #[must_use]
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let after = self.occurrences.partition_point(|o| o.hit().start <= offset);
        // Occurrences never overlap, so only the last one starting at or before the cursor can hold it.
        after
            .checked_sub(1)
            .map(|i| &self.occurrences[i])
            .filter(|o| offset <= o.hit().end)
    }

    /// Every occurrence of a definition (itself and its references), in order.
    pub fn occurrences_of(&self, definition: usize) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.definition() == Some(definition))
    }

    /// The definitions of one kind (indices into [`Self::definitions`]).
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = usize> + '_ {
        (0..self.definitions.len()).filter(move |&d| self.definitions[d].kind == kind)
    }

    /// The name an occurrence writes, read from `source` (the text checked).
    /// A field's name includes its party: `caller.name`.
    #[must_use]
    pub fn name<'a>(&'a self, source: &'a str, o: &Occurrence) -> Cow<'a, str> {
        match o.definition() {
            Some(d) if o.is_definition => self.definition_name(source, d),
            _ => Cow::Borrowed(source.get(o.span().range()).unwrap_or_default()),
        }
    }

    /// The name a definition defines, read from `source` (the text checked).
    #[must_use]
    pub fn definition_name<'a>(&'a self, source: &'a str, definition: usize) -> Cow<'a, str> {
        let d = &self.definitions[definition];
        let written = source.get(d.span().range()).unwrap_or_default();
        match d.kind {
            Kind::Field(party) => Cow::Owned(format!("{}.{written}", party.keyword())),
            Kind::Knows | Kind::Background => {
                let key = offset(definition);
                match self.quoted.binary_search_by_key(&key, |(d, _)| *d) {
                    Ok(i) => Cow::Borrowed(&self.quoted[i].1),
                    Err(_) => Cow::Borrowed(written),
                }
            }
            _ => Cow::Borrowed(written),
        }
    }

    /// The first definition (in the file) of `name` as a `kind`: the one its
    /// references resolve to.
    #[must_use]
    pub fn first(&self, source: &str, kind: Kind, name: &str) -> Option<usize> {
        self.first_where(source, name, |k| k == kind)
    }

    /// The first definition (in the file) of `name` among the ids, which
    /// share one namespace.
    #[must_use]
    pub fn first_id(&self, source: &str, name: &str) -> Option<usize> {
        self.first_where(source, name, Kind::is_id)
    }

    fn first_where(&self, source: &str, name: &str, kind: impl Fn(Kind) -> bool) -> Option<usize> {
        (0..self.definitions.len())
            .filter(|&d| kind(self.definitions[d].kind) && self.definition_name(source, d) == name)
            .min_by_key(|&d| self.definitions[d].start)
    }

    /// Records a definition and its occurrence; `item` is its IR item.
    /// Returns the definition's index.
    pub(crate) fn define(&mut self, kind: Kind, span: Span, item: Option<usize>) -> u32 {
        let d = offset(self.definitions.len());
        grow(&mut self.definitions);
        self.definitions.push(Definition {
            start: offset(span.start),
            end: offset(span.end),
            item: item.map_or(NONE, offset),
            kind,
        });
        self.push(kind, span, span, Some(d), true);
        d
    }

    /// Records a quoted label's definition, with its text.
    pub(crate) fn define_quoted(&mut self, kind: Kind, span: Span, text: &str) -> u32 {
        let d = self.define(kind, span, None);
        self.quoted.push((d, text.into()));
        d
    }

    /// Sets the IR item of a definition.
    pub(crate) fn set_item(&mut self, definition: u32, item: usize) {
        if let Some(d) = self.definitions.get_mut(definition as usize) {
            d.item = offset(item);
        }
    }

    /// Records a reference written at `span` (found by the cursor at `hit`,
    /// which holds it; only on the name when `hit` reaches more than 255
    /// bytes further), resolved to `definition` or unknown.
    pub(crate) fn refer(&mut self, kind: Kind, span: Span, hit: Span, definition: Option<u32>) {
        self.push(kind, span, hit, definition, false);
    }

    fn push(&mut self, kind: Kind, span: Span, hit: Span, definition: Option<u32>, is_definition: bool) {
        // A name the parser could not read is not a place to navigate from.
        if span.start == span.end {
            return;
        }
        let (before, after) = match (
            u8::try_from(span.start.saturating_sub(hit.start)),
            u8::try_from(hit.end.saturating_sub(span.end)),
        ) {
            (Ok(before), Ok(after)) => (before, after),
            _ => (0, 0),
        };
        grow(&mut self.occurrences);
        self.occurrences.push(Occurrence {
            start: offset(span.start),
            end: offset(span.end),
            definition: definition.unwrap_or(NONE),
            kind,
            is_definition,
            before,
            after,
        });
    }

    /// The index the next definition will get.
    pub(crate) fn next_definition(&self) -> u32 {
        offset(self.definitions.len())
    }

    /// Adds the references recorded in `other` (the renderer's placeholders).
    pub(crate) fn absorb(&mut self, other: Symbols) {
        for o in other.occurrences {
            grow(&mut self.occurrences);
            self.occurrences.push(o);
        }
    }

    /// Sorts the occurrences by position, once every one is recorded.
    pub(crate) fn finish(&mut self) {
        // No two occurrences start at the same place, so an unstable sort
        // (no scratch memory) gives the one order.
        self.occurrences.sort_unstable_by_key(|o| o.start);
    }
}

/// Makes room for one more item, never with a block of between 64 KiB and
/// 512 KiB: the binary's allocator (mimalloc) serves those from 4 MiB pages
/// of their own size, so each doubling through that range would commit a
/// page (measured: +4 to 7 MB resident for a 10 MB spec whose tables hold
/// 1 MB). A larger block is taken from the OS, resident only as it is written.
fn grow<T>(v: &mut Vec<T>) {
    const SMALL: usize = 64 * 1024;
    const LARGE: usize = 512 * 1024;
    let size = std::mem::size_of::<T>();
    if v.len() == v.capacity() && (SMALL..=LARGE).contains(&(v.len() * size)) {
        v.reserve((LARGE / size + 1).saturating_sub(v.len()));
    }
}

/// A field's index in [`PLACEHOLDER_FIELDS`].
pub(crate) fn field_index(name: &str) -> Option<usize> {
    PLACEHOLDER_FIELDS.iter().position(|f| *f == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"call t {
  locale "zh-CN"
  caller 李明 { name "李明😀" org "长江" knows { 公司 "泰山" "历史 互动" "两年" } }
  callee 张强 {
    name "张强"
    background { 情境 "忙" }
    concern 价格 primary "价格是否透明"
    concern 试用 latent "试用"
  }
  signal 忙 "张强说忙"
  opening "您好，{callee.name}，我是{ caller.org }的{knows.公司}{knows.历史 互动}{background.情境}"
  flow {
    on 忙 -> 发资料
    step 开场 "问候" covers 价格 { say "😀您好" next 报价 }
    step 报价 { say "8%" on 忙 -> end(拒绝) allow silent_step }
    step 发资料 { say "发" -> end }
  }
  faq { qa 条款 covers 价格, 试用 { q "有吗" a "有" } }
  end { when 拒绝 "不要" callee "不要" closing "再见" }
}
"#;

    fn symbols_of(src: &str) -> Symbols {
        let c = crate::compile("t.call", src.as_bytes(), &crate::check::LintLevels::default());
        c.symbols.expect("parses")
    }

    fn offset_of(needle: &str, nth: usize) -> usize {
        SPEC.match_indices(needle).nth(nth).map(|(i, _)| i).expect("needle")
    }

    fn names_at(s: &Symbols, d: usize) -> Vec<(usize, bool)> {
        s.occurrences_of(d)
            .map(|o| (o.span().start, o.is_definition()))
            .collect()
    }

    #[test]
    fn an_occurrence_is_small() {
        assert_eq!(std::mem::size_of::<Occurrence>(), 16);
        assert_eq!(std::mem::size_of::<Definition>(), 16);
    }

    #[test]
    fn steps_resolve_from_next_arrow_and_on() {
        let s = symbols_of(SPEC);
        let d = s.first(SPEC, Kind::Step, "发资料").expect("step");
        let occ = names_at(&s, d);
        assert_eq!(occ, [(offset_of("发资料", 0), false), (offset_of("发资料", 1), true)]);
        assert_eq!(s.definitions()[d].item(), Some(2), "the third step of the IR");
        let at = s.at(offset_of("报价", 0) + 3).expect("occurrence inside `报价`");
        assert_eq!(
            (at.kind(), at.definition()),
            (Kind::Step, s.first(SPEC, Kind::Step, "报价"))
        );
    }

    #[test]
    fn signals_concerns_ends_and_qas() {
        let s = symbols_of(SPEC);
        let busy = s.first(SPEC, Kind::Signal, "忙").expect("signal");
        assert_eq!(s.occurrences_of(busy).count(), 3);
        let price = s.first(SPEC, Kind::Concern, "价格").expect("concern");
        assert_eq!(s.occurrences_of(price).filter(|o| !o.is_definition()).count(), 2);
        let refuse = s.first(SPEC, Kind::End, "拒绝").expect("end");
        let occ: Vec<_> = s.occurrences_of(refuse).collect();
        assert_eq!(occ.len(), 2);
        assert_eq!(&SPEC[occ[0].span().range()], "拒绝");
        assert_eq!(
            s.definitions()[s.first(SPEC, Kind::Qa, "条款").expect("qa")].item(),
            Some(0)
        );
        assert!(s.first(SPEC, Kind::Caller, "李明").is_some());
        assert!(s.first(SPEC, Kind::Callee, "张强").is_some());
        assert!(s.first(SPEC, Kind::Call, "t").is_some());
        assert_eq!(s.first_id(SPEC, "试用"), s.first(SPEC, Kind::Concern, "试用"));
    }

    #[test]
    fn placeholders_name_labels_and_fields() {
        let s = symbols_of(SPEC);
        let label = s.first(SPEC, Kind::Knows, "历史 互动").expect("quoted label");
        assert_eq!(s.definitions()[label].item(), Some(1));
        let refs: Vec<_> = s.occurrences_of(label).filter(|o| !o.is_definition()).collect();
        assert_eq!(refs.len(), 1);
        assert_eq!(&SPEC[refs[0].span().range()], "历史 互动");
        assert_eq!(&SPEC[refs[0].hit().range()], "{knows.历史 互动}");
        let org = s
            .first(SPEC, Kind::Field(PartyKind::Caller), "caller.org")
            .expect("field");
        assert_eq!(s.definitions()[org].item(), field_index("org"));
        let refs: Vec<_> = s.occurrences_of(org).filter(|o| !o.is_definition()).collect();
        assert_eq!(&SPEC[refs[0].span().range()], "caller.org");
        // The cursor on the braces or the root finds the placeholder.
        let on_brace = s.at(offset_of("{background.情境}", 0)).expect("brace");
        assert_eq!(on_brace.definition(), s.first(SPEC, Kind::Background, "情境"));
    }

    #[test]
    fn lints_and_unknown_references() {
        let src = SPEC.replace("next 报价", "next 报介");
        let s = symbols_of(&src);
        let unknown = s.occurrences().iter().find(|o| s.name(&src, o) == "报介").expect("ref");
        assert_eq!((unknown.definition(), unknown.is_definition()), (None, false));
        let lint = s.occurrences().iter().find(|o| o.kind() == Kind::Lint).expect("lint");
        assert_eq!(s.name(&src, lint), "silent_step");
    }

    #[test]
    fn duplicates_resolve_to_the_first_definition() {
        let src = SPEC.replace("step 发资料 {", "step 开场 {");
        let s = symbols_of(&src);
        let defs: Vec<_> = s
            .of_kind(Kind::Step)
            .filter(|&d| s.definition_name(&src, d) == "开场")
            .collect();
        assert_eq!(defs.len(), 2);
        assert_eq!(s.first(&src, Kind::Step, "开场"), Some(defs[0]));
        assert_eq!(s.definitions()[defs[1]].item(), Some(2), "the IR keeps both");
        // A name repeated where it may appear once still names its definition.
        let src = SPEC.replace("covers 价格, 试用", "covers 价格, 价格");
        let s = symbols_of(&src);
        let price = s.first(&src, Kind::Concern, "价格").expect("concern");
        assert_eq!(s.occurrences_of(price).count(), 4);
    }

    #[test]
    fn cursor_just_after_a_name_finds_it() {
        let s = symbols_of(SPEC);
        let end = offset_of("报价 }", 0) + "报价".len();
        assert_eq!(s.at(end).map(|o| s.name(SPEC, o)), Some("报价".into()));
        assert!(s.at(offset_of("locale", 0)).is_none());
    }
}
