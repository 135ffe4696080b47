//! The sentences of the seed document, shared by the tests that prove an
//! output holds every one of them (`tests/json_target.rs`,
//! `tests/target_markdown.rs`).

/// The content sentences of a Markdown spec in the seed's layout, without
/// Markdown and without the fixed section titles (those are templates).
pub fn seed_sentences(seed: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in seed.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || (line.starts_with("**") && line.ends_with("**")) {
            continue;
        }
        if line.starts_with("- **") {
            continue;
        }
        let mut text = line.trim_start_matches("- ").trim();
        if let Some((num, rest)) = text.split_once(". ")
            && num.chars().all(|c| c.is_ascii_digit())
        {
            text = rest;
        }
        let text = text.trim().trim_start_matches('“').trim_end_matches('”');
        let parts: Vec<&str> = match text.split_once('：') {
            Some((label, value)) if label.chars().count() <= 6 => {
                let template = ["问", "答", "首要问题", "次要问题", "潜在问题"].contains(&label);
                if template { vec![value] } else { vec![label, value] }
            }
            _ => vec![text],
        };
        for p in parts {
            let mut sentence = String::new();
            for c in p.chars() {
                sentence.push(c);
                if matches!(c, '。' | '！' | '？') {
                    out.push(std::mem::take(&mut sentence));
                }
            }
            if !sentence.trim().is_empty() {
                out.push(sentence);
            }
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
