//! Ids: readable, stable ids derived from the text (Chinese text gives
//! Chinese ids, English `snake_case`), unique in the one namespace of a spec.

use std::collections::{BTreeMap, BTreeSet};

use crate::lang;

use super::markdown::is_han;
use super::text::decode;

/// The longest id derived from text: 12 Han characters, 5 words.
const MAX_HAN: usize = 12;
const MAX_WORDS: usize = 5;

/// The one naming function of the importer: a readable id from a text.
/// The first clause of the text (up to `，。：；！？、（` and the like) is
/// taken; letters, digits and Han characters are kept (ASCII letters in
/// lower case), anything else separates words with `_`; `a`, `an`, `the`
/// are dropped; at most 12 Han characters and 5 words. Chinese text gives
/// a Chinese id (`开场问候及身份确认`), English a `snake_case` one
/// (`greeting_and_identity_check`). An empty result is `fallback` (which,
/// being a keyword, is numbered: `step_1`); one that
/// starts with a digit or is a keyword gets `fallback_` in front. Unique
/// within `taken` (`_2`, `_3`, … in order of claiming).
pub(super) fn derive_id(text: &str, fallback: &str, taken: &mut Taken) -> String {
    const CLAUSE: &[char] = &[
        '，', ',', '。', '：', ':', '；', ';', '！', '!', '？', '?', '、', '（', '(', '）', ')', '·', '|', '/', '—',
        '–', '\n', '“', '”', '"', '「', '」', '《', '》', '【', '】', '[', ']',
    ];
    let decoded = decode(text);
    let clauses = decoded.split(". ").flat_map(|c| c.split(CLAUSE));
    let has_word = |s: &str| s.chars().any(|c| unicode_ident::is_xid_continue(c) && c != '_');
    let clause = clauses.map(str::trim).find(|c| has_word(c)).unwrap_or("");
    let mut words: Vec<String> = vec![String::new()];
    for c in clause.chars() {
        if unicode_ident::is_xid_continue(c) && c != '_' {
            if let Some(w) = words.last_mut() {
                w.push(c.to_ascii_lowercase());
            }
        } else if words.last().is_some_and(|w| !w.is_empty()) {
            words.push(String::new());
        }
    }
    words.retain(|w| !w.is_empty());
    if words.len() > 1 {
        words.retain(|w| !["a", "an", "the"].contains(&w.as_str()));
    }
    let mut han = 0;
    let mut kept: Vec<String> = Vec::new();
    for w in words.into_iter().take(MAX_WORDS) {
        let mut cut = String::new();
        for c in w.chars() {
            if is_han(c) {
                if han == MAX_HAN {
                    break;
                }
                han += 1;
            }
            cut.push(c);
        }
        if !cut.is_empty() {
            kept.push(cut);
        }
        if han == MAX_HAN {
            break;
        }
    }
    let mut id = kept.join("_");
    if id.is_empty() {
        fallback.clone_into(&mut id);
    } else if !crate::fmt::is_bare_word(&id) {
        id = format!("{fallback}_{id}");
    }
    claim(&id, taken)
}

/// The ids given so far, and for each base the next suffix to try, so that
/// a thousand steps called `开场` take linear time.
#[derive(Debug, Default)]
pub(super) struct Taken {
    ids: BTreeSet<String>,
    next: BTreeMap<String, usize>,
}

/// `id`, or `id_2`, `id_3`, … if taken; marks it taken. A keyword (`step`,
/// the fallback for a step with no words) or an event's name (`silence`,
/// reserved in the one namespace) is never an id itself: its first use is
/// `step_1`.
pub(super) fn claim(id: &str, taken: &mut Taken) -> String {
    let first = usize::from(lang::is_keyword(id) || crate::ir::Event::of(id).is_some());
    let mut n = taken.next.get(id).copied().unwrap_or(first);
    loop {
        let name = if n == 0 { id.to_owned() } else { format!("{id}_{n}") };
        n = n.max(1) + 1;
        if taken.ids.insert(name.clone()) {
            taken.next.insert(id.to_owned(), n);
            return name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_readable_and_unique() {
        let mut t = Taken::default();
        assert_eq!(derive_id("开场问候及身份确认", "step", &mut t), "开场问候及身份确认");
        assert_eq!(derive_id("回答细节问题，政策透明", "step", &mut t), "回答细节问题");
        assert_eq!(derive_id("回答细节问题：再来一次", "step", &mut t), "回答细节问题_2");
        assert_eq!(
            derive_id("优惠条款及价格明细能否直接发我？", "qa", &mut t),
            "优惠条款及价格明细能否直"
        );
        assert_eq!(
            derive_id("The patient confirms the appointment", "when", &mut t),
            "patient_confirms_appointment"
        );
        assert_eq!(
            derive_id("Greeting and identity check", "step", &mut t),
            "greeting_and_identity_check"
        );
        assert_eq!(derive_id("8%专属优惠", "step", &mut t), "step_8_专属优惠");
        assert_eq!(derive_id("End", "step", &mut t), "step_end");
        assert_eq!(derive_id("😀🎉", "signal", &mut t), "signal_1");
        assert_eq!(derive_id("", "signal", &mut t), "signal_2");
        assert_eq!(derive_id("ｆｕｌｌ width", "step", &mut t), "ｆｕｌｌ_width");
        assert_eq!(derive_id("Silence", "signal", &mut t), "silence_1");
        assert_eq!(derive_id("no answer", "signal", &mut t), "no_answer_1");
    }
}
