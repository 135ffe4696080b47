//! ASCII names for Unicode ids, shared by the targets whose names must be
//! ASCII (Rasa's `[A-Za-z_][A-Za-z0-9_]*`, Rust identifiers).
//!
//! The name of an id is readable (`开场` → `kai_chang`, `Greet-Now` →
//! `greet_now`), deterministic, and unique within one [`AsciiNames`] table:
//! when two ids map to the same name, the later one (in the order given)
//! gets `_2`, `_3`, …. Each target then applies its own rules on top
//! (prefixes, case, keywords) in its one naming function.

use std::collections::{BTreeMap, BTreeSet};

/// The `snake_case` ASCII form of an id: letters and digits kept (lower
/// case), Han characters as toneless pinyin, other characters as `uXXXX`,
/// separated by `_`. Never empty; never starts with a digit.
#[must_use]
pub fn transliterate(id: &str) -> String {
    use pinyin::ToPinyin;
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    let mut previous = ' ';
    for c in id.chars() {
        let after_lower = previous.is_ascii_lowercase();
        previous = c;
        if c.is_ascii_alphanumeric() {
            // An upper-case letter after a lower-case one starts a word (camelCase).
            if c.is_ascii_uppercase() && after_lower {
                flush(&mut current, &mut words);
            }
            current.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            flush(&mut current, &mut words);
            words.push(p.plain().to_owned());
        } else if c == '_' || c == '-' || c.is_whitespace() {
            flush(&mut current, &mut words);
        } else {
            flush(&mut current, &mut words);
            words.push(format!("u{:x}", c as u32));
        }
    }
    flush(&mut current, &mut words);
    let mut name = words.join("_");
    if name.is_empty() {
        name.push('x');
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// A table of unique ASCII names for a list of ids.
#[derive(Debug, Default, Clone)]
pub struct AsciiNames {
    names: BTreeMap<String, String>,
}

impl AsciiNames {
    /// Names every id, in order; `reserved` names are never handed out
    /// (an id that would get one gets a suffix instead).
    #[must_use]
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>, reserved: &[&str]) -> Self {
        let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
        let mut names = BTreeMap::new();
        // The next suffix to try for each base: names only get taken, so the
        // ones tried before stay taken (linear, not quadratic, when thousands
        // of ids transliterate alike).
        let mut next: BTreeMap<String, usize> = BTreeMap::new();
        for id in ids {
            if names.contains_key(id) {
                continue;
            }
            let base = transliterate(id);
            let mut name = base.clone();
            if taken.contains(&name) {
                let n = next.entry(base.clone()).or_insert(2);
                loop {
                    name = format!("{base}_{n}");
                    *n += 1;
                    if !taken.contains(&name) {
                        break;
                    }
                }
            }
            taken.insert(name.clone());
            names.insert(id.to_owned(), name);
        }
        Self { names }
    }

    /// The name of an id given to [`AsciiNames::new`]; an unknown id gets
    /// its plain transliteration.
    #[must_use]
    pub fn get(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| transliterate(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_names() {
        assert_eq!(transliterate("开场"), "kai_chang");
        assert_eq!(transliterate("greet"), "greet");
        assert_eq!(transliterate("wrapUp-Now 2"), "wrap_up_now_2");
        assert_eq!(transliterate("报价2"), "bao_jia_2");
        assert_eq!(transliterate("😀"), "u1f600");
        assert_eq!(transliterate("9lives"), "_9lives");
        assert_eq!(transliterate("ｆｕｌｌ"), "uff46_uff55_uff4c_uff4c");
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        // 报价 and 保价 are both "bao jia".
        let t = AsciiNames::new(["报价", "保价", "bao_jia", "END"], &["end"]);
        assert_eq!(t.get("报价"), "bao_jia");
        assert_eq!(t.get("保价"), "bao_jia_2");
        assert_eq!(t.get("bao_jia"), "bao_jia_3");
        assert_eq!(t.get("END"), "end_2");
    }
}
