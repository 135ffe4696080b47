//! Where the checker's diagnostics go. Each gets its final level as it
//! arrives and an allowed one is dropped; past a few times
//! [`MAX_PER_FILE`], the list is cut back to the [`MAX_PER_FILE`] that will
//! be shown (errors first, then by position) and the rest are only counted.
//! So a spec that raises a million diagnostics (a line of a million unknown
//! placeholders) costs memory for a few thousand, not a million.

use std::rc::Rc;

use crate::codes::Level;
use crate::diagnostic::{self, Diagnostic, MAX_PER_FILE, Omitted};

use super::levels::Resolver;

/// How many diagnostics are held before the list is cut back.
const HELD: usize = 4 * MAX_PER_FILE;

/// A bounded list of diagnostics with final levels (see the module).
#[derive(Default)]
pub(crate) struct Diags {
    kept: Vec<Diagnostic>,
    omitted: Omitted,
    /// Lint levels; without them (a checker made for a unit test) every
    /// diagnostic keeps its default level and nothing is cut.
    levels: Option<Rc<Resolver>>,
}

impl Diags {
    /// An empty list that sets levels with `levels`.
    pub(crate) fn new(levels: Rc<Resolver>) -> Self {
        Self {
            kept: Vec::new(),
            omitted: Omitted::default(),
            levels: Some(levels),
        }
    }

    /// An empty list with the same levels, for a part of the checker that
    /// collects its own.
    pub(crate) fn sibling(&self) -> Self {
        Self {
            kept: Vec::new(),
            omitted: Omitted::default(),
            levels: self.levels.clone(),
        }
    }

    /// Adds a diagnostic (dropped when its level is `allow`).
    pub(crate) fn push(&mut self, mut d: Diagnostic) {
        let Some(levels) = &self.levels else {
            self.kept.push(d);
            return;
        };
        levels.set(&mut d);
        if d.level == Level::Allow {
            return;
        }
        self.kept.push(d);
        if self.kept.len() >= HELD {
            self.cut();
        }
    }

    /// Adds every diagnostic of `other`, and what it counted.
    pub(crate) fn absorb(&mut self, other: Diags) {
        self.omitted.errors += other.omitted.errors;
        self.omitted.warnings += other.omitted.warnings;
        for d in other.kept {
            self.push(d);
        }
    }

    /// Counts a diagnostic that is not described (see
    /// [`crate::ast::File::overflow`]): `default` is its default level.
    pub(crate) fn count(&mut self, code: crate::codes::Code, span: crate::source::Span, default: Level) {
        let level = self.levels.as_ref().map_or(default, |l| l.level(code, span, default));
        match level {
            Level::Allow => {}
            Level::Warn => self.omitted.warnings += 1,
            Level::Deny => self.omitted.errors += 1,
        }
    }

    /// Keeps the [`MAX_PER_FILE`] that would be shown, counting the rest.
    fn cut(&mut self) {
        let o = diagnostic::cap(&mut self.kept, MAX_PER_FILE);
        self.omitted.errors += o.errors;
        self.omitted.warnings += o.warnings;
    }

    /// The diagnostics kept, sorted by position, and how many were left out.
    pub(crate) fn finish(mut self) -> (Vec<Diagnostic>, Omitted) {
        diagnostic::sort(&mut self.kept);
        if self.levels.is_some() {
            self.cut();
        }
        (self.kept, self.omitted)
    }
}
