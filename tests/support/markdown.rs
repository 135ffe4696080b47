//! Reading Markdown in tests: the fenced blocks of the docs and of the
//! error explanations (`tests/explain_examples.rs`, `tests/import.rs`).

/// The fenced blocks of a Markdown text: (info string, body).
pub fn blocks(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in md.lines() {
        if let Some(info) = line.strip_prefix("```") {
            match current.take() {
                Some(block) => out.push(block),
                None => current = Some((info.trim().to_owned(), String::new())),
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}
