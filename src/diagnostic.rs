//! The one neutral diagnostic type every stage produces and every surface
//! (terminal, short, JSON, language server) renders.

use crate::codes::{Code, Level};
use crate::source::Span;

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
            message: message.into(),
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
        self.label = message.into();
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets a fix (and, if there is no help yet, a help line describing it).
    #[must_use]
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
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
