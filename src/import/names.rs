//! The parties' names: from an identity bullet, the persona's first words,
//! a self-introduction or a greeting, else a TODO.

use super::doc::{CalleeDoc, Doc, PartyDoc};
use super::markdown::is_han;

/// Common Chinese surnames, to find a name at the end of
/// `长江公司专员李明`.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

/// Where a party's name came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NameFrom {
    Bullet,
    Persona,
    Introduction,
    Greeting,
    Missing,
}

/// Two-character surnames, for four-character names (`欧阳娜娜`).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯", "公孙",
];

/// Whether `s` reads as a whole Chinese name: 2 or 3 Han characters, or 4
/// that start with a two-character surname.
fn whole_han_name(s: &str) -> bool {
    let n = s.chars().count();
    s.chars().all(is_han) && ((2..=3).contains(&n) || (n == 4 && COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c))))
}

/// A Chinese name at the end of `s`: the whole of `s` when it reads as a
/// name, else its last 2 (or 3) characters when they start with a common
/// surname (`客户维系专员王芳` → `王芳`).
fn han_name(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    if !chars.iter().all(|c| is_han(*c)) || chars.len() < 2 {
        return None;
    }
    if whole_han_name(s) {
        return Some(s.to_owned());
    }
    for n in [2, 3] {
        let tail = &chars[chars.len() - n..];
        if SURNAMES.contains(tail[0]) {
            return Some(tail.iter().collect());
        }
    }
    None
}

/// Capitalised words at the start of `s` (at most 3): `Sam Patel`.
fn latin_name(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.', '?', '!', ';', ':']))
        .take_while(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
        .take(3)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The name at the start of a persona: `张强，泰山公司…`, `Maria Gonzalez,
/// 47, …`, or a name at the end of its first clause
/// (`长江公司专员李明（男），…`) when `elsewhere` (the rest of the spec)
/// mentions it too.
fn persona_name(persona: &str, elsewhere: &str) -> Option<String> {
    let end = persona
        .find(['，', ',', '（', '(', '。', '\n'])
        .unwrap_or(persona.len());
    let clause = persona[..end].trim();
    if clause.chars().all(is_han) {
        if whole_han_name(clause) {
            return Some(clause.to_owned());
        }
        return han_name(clause).filter(|n| elsewhere.contains(n.as_str()));
    }
    latin_name(clause).filter(|n| n == clause)
}

/// The name after one of `cues` in `lines`: `我是长江公司的李明`,
/// `this is Sam Patel`.
fn introduced(lines: &[&str], cues: &[&str], honorifics: &[&str]) -> Option<String> {
    for line in lines {
        let lower = line.to_lowercase();
        for cue in cues {
            let Some(i) = lower.find(cue) else { continue };
            // Lower-casing keeps byte offsets for the ASCII cues and the Han text.
            let Some(after) = line.get(i + cue.len()..) else {
                continue;
            };
            let after = after.trim_start();
            if after.starts_with(is_han) {
                let end = after
                    .find(['，', ',', '。', '！', '？', '?', '!', '；', '、', ' ', '吗', '呢'])
                    .unwrap_or(after.len());
                let mut seg = &after[..end];
                if let Some(j) = seg.rfind('的') {
                    seg = &seg[j + '的'.len_utf8()..];
                }
                for h in honorifics {
                    seg = seg.strip_suffix(h).unwrap_or(seg);
                }
                if let Some(n) = han_name(seg) {
                    return Some(n);
                }
            } else {
                let mut words = after;
                for t in ["Mr. ", "Ms. ", "Mrs. ", "Dr. ", "Mr ", "Ms ", "Mrs ", "Dr "] {
                    words = words.strip_prefix(t).unwrap_or(words);
                }
                if let Some(n) = latin_name(words) {
                    return Some(n);
                }
            }
        }
    }
    None
}

pub(super) fn names(doc: &Doc) -> [(String, NameFrom); 2] {
    let mut lines: Vec<&str> = doc.opening.iter().map(String::as_str).collect();
    if let Some(first) = doc.steps.first() {
        lines.extend(first.says.iter().map(String::as_str));
    }
    // What the spec says besides the personas, to confirm a name found in one.
    let mut elsewhere: Vec<&str> = doc
        .steps
        .iter()
        .flat_map(|s| s.says.iter().map(String::as_str))
        .collect();
    elsewhere.extend(doc.opening.as_deref());
    elsewhere.extend(doc.task.as_deref());
    elsewhere.extend(doc.knows.iter().map(|(_, v)| v.as_str()));
    elsewhere.extend(doc.caller_ends.iter().chain(&doc.callee_ends).map(String::as_str));
    let elsewhere = elsewhere.join("\n");
    let pick = |p: &PartyDoc, cues: &[&str], honorifics: &[&str], from: NameFrom, fallback: &str| {
        if let Some(n) = &p.name {
            return (n.clone(), NameFrom::Bullet);
        }
        let persona = p.persona.as_deref().unwrap_or_default();
        if let Some(n) = persona_name(persona, &elsewhere) {
            return (n, NameFrom::Persona);
        }
        if let Some(n) =
            introduced(&lines, cues, honorifics).filter(|n| persona.is_empty() || persona.contains(n.as_str()))
        {
            return (n, from);
        }
        (fallback.to_owned(), NameFrom::Missing)
    };
    [
        pick(
            &doc.caller,
            &["我是", "我叫", "this is ", "i'm ", "i am ", "my name is "],
            &[],
            NameFrom::Introduction,
            doc.layout.caller,
        ),
        pick(
            doc.callees.first().map_or(&doc.callee, |c| &c.party),
            &[
                "请问是",
                "请问您是",
                "您是",
                "speaking with ",
                "speak with ",
                "speak to ",
                "is this ",
            ],
            &["先生", "女士", "小姐", "总", "经理", "老师"],
            NameFrom::Greeting,
            doc.layout.callee,
        ),
    ]
}

/// The name of a callee after the first (whose name may come from the
/// caller's greeting): its identity bullet, else the persona's first
/// words, else the first callee's.
pub(super) fn other_callee_name(c: &CalleeDoc, first: (&str, NameFrom)) -> (String, NameFrom) {
    if let Some(n) = &c.party.name {
        return (n.clone(), NameFrom::Bullet);
    }
    if let Some(n) = c.party.persona.as_deref().and_then(|p| persona_name(p, p)) {
        return (n, NameFrom::Persona);
    }
    (first.0.to_owned(), first.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_text() {
        assert_eq!(han_name("客户维系专员王芳").as_deref(), Some("王芳"));
        assert_eq!(han_name("专员王建国").as_deref(), Some("王建国"));
        assert_eq!(han_name("李明").as_deref(), Some("李明"));
        assert_eq!(han_name("客服王芳").as_deref(), Some("王芳"));
        assert_eq!(han_name("欧阳娜娜").as_deref(), Some("欧阳娜娜"));
        assert_eq!(persona_name("张强，泰山公司采购负责人", "").as_deref(), Some("张强"));
        let caller = "长江公司老客户回馈活动专员李明（男），负责";
        assert_eq!(persona_name(caller, "我是长江公司的李明").as_deref(), Some("李明"));
        assert_eq!(persona_name(caller, "").as_deref(), None);
        // A surname-like ending must be confirmed by the rest of the spec.
        assert_eq!(persona_name("做事周到，理性", "服务").as_deref(), None);
        assert_eq!(
            persona_name("Tom Becker, 45, IT lead", "").as_deref(),
            Some("Tom Becker")
        );
        assert_eq!(
            introduced(&["您好，我是长江公司的李明，今天"], &["我是"], &[]).as_deref(),
            Some("李明")
        );
        assert_eq!(
            introduced(&["Hi, this is Sam Patel calling"], &["this is "], &[]).as_deref(),
            Some("Sam Patel")
        );
        assert_eq!(
            introduced(&["请问是刘建国先生吗？"], &["请问是"], &["先生"]).as_deref(),
            Some("刘建国")
        );
    }
}
