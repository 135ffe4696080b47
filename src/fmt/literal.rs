//! How string literals are written: the lines of a `"""` block, re-indented
//! as the decoder (`syntax/text.rs`) reads them.

/// The lines of a multi-line `"""` block (raw, quotes included) after its
/// common indentation, `None` for blank ones; `None` for a one-line block or a
/// one-line string, which are printed as written.
///
/// This follows the decoder (`syntax/text.rs`) rule for rule: printing these
/// lines at any indentation, between a `"""` that ends its line and a `"""` on
/// a line of its own, gives the same value.
pub(super) fn block_lines(raw: &str) -> Option<Vec<Option<&str>>> {
    if raw.len() < 6 {
        return None;
    }
    let body = raw.strip_prefix("\"\"\"")?.strip_suffix("\"\"\"")?;
    if !body.contains('\n') {
        return None;
    }
    let mut lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    for line in &mut lines[..last] {
        *line = line.strip_suffix('\r').unwrap_or(line);
    }
    // Blank as the decoder means it: spaces and tabs only (a full-width space is text).
    let blank = |l: &str| l.trim_matches([' ', '\t']).is_empty();
    let mut from = 0;
    if lines.len() > 1 && blank(lines[0]) {
        from = 1;
    }
    let mut to = lines.len();
    if to - from > 1 && blank(lines[to - 1]) {
        to -= 1;
    }
    let lines = &lines[from..to];
    let mut common: Option<&str> = None;
    for line in lines.iter().filter(|l| !blank(l)) {
        let ws = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        common = Some(match common {
            None => ws,
            Some(c) => &c[..c.bytes().zip(ws.bytes()).take_while(|(a, b)| a == b).count()],
        });
    }
    let cut = common.map_or(0, str::len);
    Some(
        lines
            .iter()
            .map(|l| (!blank(l)).then(|| &l[cut.min(l.len())..]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_lines_follow_the_decoder() {
        assert_eq!(block_lines("\"\"\"x\"\"\""), None);
        assert_eq!(
            block_lines("\"\"\"\r\n    a\r\n      b\r\n\r\n    c\r\n    \"\"\""),
            Some(vec![Some("a"), Some("  b"), None, Some("c")])
        );
        assert_eq!(
            block_lines("\"\"\"first\n    second\"\"\""),
            Some(vec![Some("first"), Some("    second")])
        );
        assert_eq!(block_lines("\"\"\"\n\"\"\""), Some(vec![None]));
    }
}
