//! The one neutral diagnostic type every stage produces and every surface
//! (terminal, short, JSON, language server) renders.

use crate::codes::{Code, Level};
use crate::source::Span;

/// The longest text (in bytes) a diagnostic keeps in its message, a label,
/// a note or its help. A longer one (it quotes a 1 MB id) keeps its start
/// and its end around a `…` that says how much was left out, so that one
/// diagnostic never prints more than a few kilobytes.
pub const MAX_TEXT_BYTES: usize = 512;

/// The longest replacement a [`Fix`] may carry; a longer fix is dropped
/// (the help still says what to do).
pub const MAX_FIX_BYTES: usize = 4096;

/// The most secondary labels one diagnostic keeps.
pub const MAX_SECONDARY: usize = 16;

/// Items as a message lists alternatives: "a", "a or b", "a, b or c".
#[must_use]
pub fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", init.join(", "), last.as_ref())
        }
    }
}

/// `text` cut to at most about [`MAX_TEXT_BYTES`]: its head and its tail,
/// on character boundaries, around a `…` that says how many bytes are left out.
#[must_use]
pub fn bound_text(text: String) -> String {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut head = MAX_TEXT_BYTES * 2 / 3;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - MAX_TEXT_BYTES / 4;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}…({} bytes)…{}", &text[..head], tail - head, &text[tail..])
}

/// How serious a reported diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported; the run still succeeds.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a message, pointing at a related place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// A machine-applicable fix: replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// A problem found in one source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// The current level: the default, then lint settings; for errors always `Deny`.
    pub level: Level,
    /// The level before lint settings applied (the code's default, or the
    /// case's, as for primary concerns).
    pub default_level: Level,
    /// The headline.
    pub message: String,
    /// The primary span.
    pub span: Span,
    /// What the primary span shows (may be empty).
    pub label: String,
    /// Related places.
    pub secondary: Vec<Label>,
    /// Extra facts, each one line.
    pub notes: Vec<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// A fix an editor may apply.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default level.
    #[must_use]
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            level: code.default_level(),
            default_level: code.default_level(),
            message: bound_text(message.into()),
            span,
            label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// Sets the primary label.
    #[must_use]
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.label = bound_text(message.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        if self.secondary.len() < MAX_SECONDARY {
            self.secondary.push(Label {
                span,
                message: bound_text(message.into()),
            });
        }
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(bound_text(note.into()));
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(bound_text(help.into()));
        self
    }

    /// Sets a fix an editor may apply; one longer than [`MAX_FIX_BYTES`] is dropped.
    #[must_use]
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        if replacement.len() <= MAX_FIX_BYTES {
            self.fix = Some(Fix { span, replacement });
        }
        self
    }

    /// Overrides the default level (used where a lint's default depends on
    /// the case, such as primary concerns).
    #[must_use]
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self.default_level = level;
        self
    }

    /// The severity at the current level; `None` when allowed.
    #[must_use]
    pub fn severity(&self) -> Option<Severity> {
        match self.level {
            Level::Allow => None,
            Level::Warn => Some(Severity::Warning),
            Level::Deny => Some(Severity::Error),
        }
    }

    /// Whether this is an error at its current level.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity() == Some(Severity::Error)
    }
}

/// Sorts diagnostics by position, then code, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(b.span.start, b.span.end, b.code, &b.message))
    });
}

/// The most diagnostics kept for one file, in every format (terminal,
/// short, JSON, language server). Past it, errors are kept before warnings
/// and the rest are counted in [`Omitted`].
pub const MAX_PER_FILE: usize = 1000;

/// How many diagnostics of a file were left out by [`cap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Errors left out.
    pub errors: usize,
    /// Warnings left out.
    pub warnings: usize,
}

impl Omitted {
    /// Whether nothing was left out.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.errors == 0 && self.warnings == 0
    }

    /// How many were left out.
    #[must_use]
    pub fn total(self) -> usize {
        self.errors + self.warnings
    }
}

/// Keeps at most `max` of `diagnostics`: the errors first (by position),
/// up to `max`, then warnings; what is kept ends up sorted by position.
/// Returns how many were left out.
pub fn cap(diagnostics: &mut Vec<Diagnostic>, max: usize) -> Omitted {
    if diagnostics.len() <= max {
        return Omitted::default();
    }
    sort(diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let keep_errors = errors.min(max);
    let keep_warnings = (max - keep_errors).min(warnings);
    let (mut e, mut w) = (0, 0);
    diagnostics.retain(|d| {
        let (seen, limit) = if d.is_error() {
            (&mut e, keep_errors)
        } else {
            (&mut w, keep_warnings)
        };
        *seen += 1;
        *seen <= limit
    });
    diagnostics.shrink_to_fit();
    Omitted {
        errors: errors - keep_errors,
        warnings: warnings - keep_warnings,
    }
}

/// The syntax stage's diagnostics: one can be raised per character (a raw
/// control or bidi character, a bad escape), so past [`MAX_DESCRIBED`]
/// only each one's code, place and default level is kept (24 bytes, not a
/// kilobyte): the checker counts them at their final level.
#[derive(Debug, Default)]
pub struct Collector {
    /// The diagnostics described in full.
    pub full: Vec<Diagnostic>,
    /// The ones past [`MAX_DESCRIBED`]: code, place, default level.
    pub overflow: Vec<(Code, Span, Level)>,
}

/// How many diagnostics of the syntax stage are described in full.
pub const MAX_DESCRIBED: usize = 4 * MAX_PER_FILE;

impl Collector {
    /// Adds a diagnostic, described in full while there is room.
    pub fn push(&mut self, d: Diagnostic) {
        if self.full.len() < MAX_DESCRIBED {
            self.full.push(d);
        } else {
            self.overflow.push((d.code, d.span, d.level));
        }
    }
}
