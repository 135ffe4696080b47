//! Sections: the party sections and the sections inside them, found by
//! their headings' titles (whatever their level). `read.rs` reads a whole
//! document with them.

use crate::source::Span;

use super::doc::{Kind, Party};
use super::markdown::{Line, Marker, marker};

const CALLER_TITLES: &[&str] = &[
    "电话拨打方",
    "拨打方",
    "主叫方",
    "外呼方",
    "caller",
    "the caller",
    "calling party",
];
const CALLEE_TITLES: &[&str] = &["电话接听方", "接听方", "被叫方", "callee", "the callee", "called party"];

/// Titles after [`normalize`]: the layouts' own and common variants.
const KIND_TITLES: &[(Kind, &[&str])] = &[
    (Kind::Role, &["角色", "角色设定", "人设", "role", "persona"]),
    (Kind::Task, &["核心任务", "任务", "core task", "task"]),
    (
        Kind::Knows,
        &[
            "目标客户画像",
            "客户画像",
            "客户信息",
            "customer profile",
            "target customer profile",
            "profile",
        ],
    ),
    (
        Kind::Flow,
        &[
            "分步流程和话术",
            "分步流程与话术",
            "流程和话术",
            "流程与话术",
            "分步流程",
            "通话流程",
            "流程",
            "话术",
            "step-by-step flow and script",
            "step-by-step flow",
            "call flow",
            "flow",
            "script",
            "steps",
        ],
    ),
    (
        Kind::Faq,
        &["问答知识库", "问答", "常见问题", "知识库", "faq", "faqs", "q&a"],
    ),
    (Kind::Opening, &["开场白", "开场", "opening line", "opening"]),
    (
        Kind::Ending,
        &[
            "结束条件与结束语",
            "结束条件和结束语",
            "结束条件及结束语",
            "end conditions and closing line",
            "end conditions and closing",
            "ending",
        ],
    ),
    (Kind::EndConditions, &["结束条件", "end conditions"]),
    (Kind::Closing, &["结束语", "closing line", "closing"]),
    (Kind::Background, &["背景信息", "背景", "background"]),
    (
        Kind::Concerns,
        &["核心关切点", "关切点", "核心关切", "关切", "core concerns", "concerns"],
    ),
    (
        Kind::Behavior,
        &[
            "对话中的典型行为模式",
            "典型行为模式",
            "行为模式",
            "typical behaviour in the conversation",
            "typical behavior in the conversation",
            "typical behaviour",
            "typical behavior",
            "behaviour",
            "behavior",
        ],
    ),
    (
        Kind::Style,
        &[
            "回复风格示例",
            "回复风格",
            "说话风格",
            "reply style examples",
            "reply style",
            "speaking style",
            "style",
        ],
    ),
    (
        Kind::Signals,
        &[
            "你可能的说法",
            "可能的说法",
            "things you might say",
            "what you might say",
        ],
    ),
];

/// Titles of the per-call variables' section, after [`normalize`].
const VARS_TITLES: &[&str] = &["每通电话的变量", "变量", "per-call variables", "variables"];

/// A title as compared: bold marks, a leading number, a trailing
/// parenthesised note and colons removed, spaces collapsed, lower case.
pub(super) fn normalize(title: &str) -> String {
    let unbold = title.replace("**", "").replace("__", "");
    let mut s = unbold.trim();
    if let Some((Marker::Number(_), len)) = marker(s) {
        s = s[len..].trim();
    }
    s = s.trim_end_matches([':', '：']).trim_end();
    if s.ends_with([')', '）'])
        && let Some(i) = s.rfind(['(', '（'])
        && i > 0
    {
        s = s[..i].trim_end();
    }
    s = s.trim_end_matches([':', '：']).trim_end();
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(super) fn party_of(title: &str) -> Option<Party> {
    party_heading(title).map(|(p, _)| p)
}

/// The party a heading opens, and for a callee the id written after its
/// title and a colon (`电话接听方：忙碌的张总`, `Callee: busy_buyer`), which
/// a document with several callees gives each (still escaped Markdown).
pub(super) fn party_heading(title: &str) -> Option<(Party, Option<String>)> {
    let t = normalize(title);
    if CALLER_TITLES.contains(&t.as_str()) {
        return Some((Party::Caller, None));
    }
    if CALLEE_TITLES.contains(&t.as_str()) {
        return Some((Party::Callee, None));
    }
    let unbold = title.replace("**", "").replace("__", "");
    let (head, label) = unbold.split_once([':', '：'])?;
    let label = label.trim();
    (CALLEE_TITLES.contains(&normalize(head).as_str()) && !label.is_empty())
        .then(|| (Party::Callee, Some(label.to_owned())))
}

/// Whether a heading opens the per-call variables' table.
pub(super) fn is_vars_title(title: &str) -> bool {
    VARS_TITLES.contains(&normalize(title).as_str())
}

pub(super) fn kind_of(title: &str) -> Option<Kind> {
    let t = normalize(title);
    KIND_TITLES
        .iter()
        .find(|(_, titles)| titles.contains(&t.as_str()))
        .map(|(k, _)| *k)
}

/// Whether a heading with this title would open a party or a section of the
/// layout (so the `markdown` target must not write a spec's title as it is).
pub(crate) fn is_layout_title(title: &str) -> bool {
    party_of(title).is_some() || kind_of(title).is_some() || is_vars_title(title)
}

/// A section: its party, kind and heading, and the lines under it.
pub(super) struct Section<'a> {
    pub(super) party: Party,
    /// Which callee (0 for the first, and for the caller's sections).
    pub(super) callee: usize,
    pub(super) kind: Option<Kind>,
    pub(super) heading: Option<Line<'a>>,
    pub(super) body: Vec<Line<'a>>,
}

/// The span of a section: its heading and every non-blank line of it.
pub(super) fn section_span(s: &Section<'_>) -> Span {
    let first = s.heading.or_else(|| s.body.iter().copied().find(|l| !l.is_blank()));
    let last = s.body.iter().rev().copied().find(|l| !l.is_blank()).or(s.heading);
    match (first, last) {
        (Some(a), Some(b)) => a.span().to(b.span()),
        _ => Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{EN, ZH};

    #[test]
    fn layout_titles_are_recognised() {
        for l in [&ZH, &EN] {
            assert_eq!(party_of(l.caller), Some(Party::Caller));
            assert_eq!(party_of(l.callee), Some(Party::Callee));
            for (title, kind) in [
                (l.role, Kind::Role),
                (l.task, Kind::Task),
                (l.knows, Kind::Knows),
                (l.flow, Kind::Flow),
                (l.faq, Kind::Faq),
                (l.opening, Kind::Opening),
                (l.ending, Kind::Ending),
                (l.background, Kind::Background),
                (l.concerns, Kind::Concerns),
                (l.behavior, Kind::Behavior),
                (l.style, Kind::Style),
                (l.callee_end, Kind::EndConditions),
                (l.signals, Kind::Signals),
            ] {
                assert_eq!(kind_of(title), Some(kind), "{title}");
            }
        }
        assert_eq!(kind_of("**一、角色：**"), Some(Kind::Role));
        assert_eq!(kind_of("2. 核心任务 (一句话)"), Some(Kind::Task));
        assert_eq!(kind_of("Reply Style"), Some(Kind::Style));
        assert_eq!(kind_of("角色扮演"), None);
        assert_eq!(
            party_heading("电话接听方：忙碌的张总"),
            Some((Party::Callee, Some("忙碌的张总".into())))
        );
        assert_eq!(
            party_heading("Callee: busy"),
            Some((Party::Callee, Some("busy".into())))
        );
        assert_eq!(party_heading("电话拨打方：李明"), None);
        assert!(is_vars_title(ZH.vars) && is_vars_title(EN.vars));
    }
}
