//! Checked text: what a string of the spec says once its compile-time
//! placeholders are put in, with the per-call variables it names left as
//! variables, to be filled by the runtime (or by a preview).

/// A string of the spec, rendered: literal text and per-call variables.
/// Adjacent literals are merged, so a text without variables is one
/// [`Piece::Lit`] (or none, when empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pieces: Vec<Piece>,
}

/// A part of a [`Text`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text said or shown as it is.
    Lit(String),
    /// The value of a per-call variable.
    Var(VarRef),
}

/// A per-call variable named in a text: its index in
/// [`super::Spec::vars`] and its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    /// The index in [`super::Spec::vars`].
    pub index: usize,
    /// The variable's id, as placeholders name it.
    pub id: String,
}

impl Text {
    /// A text without variables.
    #[must_use]
    pub fn lit(s: impl Into<String>) -> Self {
        let mut t = Text::default();
        t.push_str(&s.into());
        t
    }

    /// Appends literal text.
    pub fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Piece::Lit(last)) = self.pieces.last_mut() {
            last.push_str(s);
        } else {
            self.pieces.push(Piece::Lit(s.to_owned()));
        }
    }

    /// Appends a variable.
    pub fn push_var(&mut self, var: VarRef) {
        self.pieces.push(Piece::Var(var));
    }

    /// Appends another text.
    pub fn push_text(&mut self, other: &Text) {
        for p in &other.pieces {
            match p {
                Piece::Lit(s) => self.push_str(s),
                Piece::Var(v) => self.push_var(v.clone()),
            }
        }
    }

    /// The pieces, in order.
    #[must_use]
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The text, when it names no variable.
    #[must_use]
    pub fn as_lit(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Whether it names no variable.
    #[must_use]
    pub fn is_lit(&self) -> bool {
        self.as_lit().is_some()
    }

    /// Whether it is empty or only white space.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.pieces
            .iter()
            .all(|p| matches!(p, Piece::Lit(s) if s.trim().is_empty()))
    }

    /// The variables it names, in order (repeats kept).
    pub fn vars(&self) -> impl Iterator<Item = &VarRef> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            Piece::Lit(_) => None,
        })
    }

    /// The length of its literal text, in bytes.
    #[must_use]
    pub fn lit_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => s.len(),
                Piece::Var(_) => 0,
            })
            .sum()
    }

    /// The text with each variable written by `var` (the variable, and
    /// the string to write into): `{customer_name}` for Rasa, a Rust
    /// format argument, the example for a preview. (`to_string` writes
    /// Mustache, `{{customer_name}}`.)
    pub fn render(&self, mut var: impl FnMut(&VarRef, &mut String)) -> String {
        let mut out = String::with_capacity(self.lit_len() + 16 * self.pieces.len());
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var(v) => var(v, &mut out),
            }
        }
        out
    }

    /// The text with every variable `value` gives a string for replaced by
    /// it (used to fill in examples for a preview).
    #[must_use]
    pub fn fill(&self, value: &impl Fn(&VarRef) -> Option<String>) -> Text {
        let mut t = Text::default();
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => t.push_str(s),
                Piece::Var(v) => match value(v) {
                    Some(s) => t.push_str(&s),
                    None => t.push_var(v.clone()),
                },
            }
        }
        t
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// Mustache: every variable as `{{id}}` (the placeholder syntax of Pipecat,
/// Retell and Vapi, and of the Markdown target).
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => f.write_str(s)?,
                Piece::Var(v) => write!(f, "{{{{{}}}}}", v.id)?,
            }
        }
        Ok(())
    }
}

/// A text equals a string when it names no variable and says the same.
impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_lit() == Some(other)
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_lit() == Some(*other)
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_lit() == Some(other.as_str())
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        other == self
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        other == self
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::lit(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::lit(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_merge_and_variables_stay() {
        let mut t = Text::lit("您好，");
        t.push_str("");
        t.push_var(VarRef {
            index: 0,
            id: "v0".to_owned(),
        });
        t.push_str("先生");
        t.push_str("！");
        assert_eq!(t.pieces().len(), 3);
        assert_eq!(t.as_lit(), None);
        assert_eq!(t.to_string(), "您好，{{v0}}先生！");
        assert_eq!(
            t.render(|v, out| {
                out.push('<');
                out.push_str(&v.id);
                out.push('>');
            }),
            "您好，<v0>先生！"
        );
        let filled = t.fill(&|_| Some("张强".to_owned()));
        assert_eq!(filled.as_lit(), Some("您好，张强先生！"));
        assert!(Text::default().is_blank());
        assert!(!t.is_blank());
    }
}
