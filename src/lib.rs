//! callc: the compiler for `.call` specifications of outbound phone calls.
//!
//! The pipeline, each stage pure (no IO outside `cli`):
//!
//! ```text
//! &str ─syntax::parse─▶ ast::File ─check::check─▶ ir::Spec + symbols + diagnostics ─emit─▶ output
//! ```

// pest is built without its `std` feature (which checks the stack on every
// rule call and costs 13% of a parse); its generated parser then names `alloc`.
extern crate alloc;

pub mod ast;
pub mod calls;
pub mod check;
pub mod codes;
pub mod diagnostic;
pub mod emit;
pub mod fmt;
pub mod import;
pub mod ir;
pub mod lang;
pub mod layout;
pub mod lsp;
pub mod names;
pub mod render;
pub mod source;
pub mod syntax;

use check::LintLevels;
use diagnostic::Diagnostic;
use source::{DecodeProblem, SourceFile, Span};

/// The result of checking one file.
#[derive(Debug)]
pub struct Compiled {
    /// The file, as text.
    pub file: SourceFile,
    /// The syntax tree, when the file parsed.
    pub ast: Option<ast::File>,
    /// The checked spec, when the file parsed (complete only without errors).
    pub spec: Option<ir::Spec>,
    /// Every definition and reference the checker resolved, when the file parsed.
    pub symbols: Option<check::Symbols>,
    /// The problems found, final levels applied, sorted by position: at most
    /// [`diagnostic::MAX_PER_FILE`] of them, errors kept first.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more there were, left out of `diagnostics`.
    pub omitted: diagnostic::Omitted,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.omitted.errors > 0 || self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The checked spec, only when there is no error.
    #[must_use]
    pub fn spec_if_ok(&self) -> Option<&ir::Spec> {
        if self.has_errors() { None } else { self.spec.as_ref() }
    }
}

/// Checks one file given as bytes: decode, parse, check.
#[must_use]
pub fn compile(name: &str, bytes: &[u8], levels: &LintLevels) -> Compiled {
    let (text, problem) = source::decode(bytes);
    compile_decoded(name, text, problem, levels)
}

/// [`compile`] for bytes the caller no longer needs: they are freed as soon
/// as they are decoded, before the syntax tree is built (peak memory).
#[must_use]
pub fn compile_owned(name: &str, bytes: Vec<u8>, levels: &LintLevels) -> Compiled {
    let (text, problem) = source::decode(&bytes);
    drop(bytes);
    compile_decoded(name, text, problem, levels)
}

fn compile_decoded(name: &str, text: String, problem: Option<DecodeProblem>, levels: &LintLevels) -> Compiled {
    let file = SourceFile::new(name, text);
    if let Some(problem) = problem {
        let d = match problem {
            DecodeProblem::InvalidUtf8(span) => {
                Diagnostic::new(codes::Code::E0002, span, "the file is not valid UTF-8")
                    .label("this byte sequence is not UTF-8")
                    .help("save the file as UTF-8 (callc reads no other encoding)")
            }
            DecodeProblem::TooLarge { len } => too_large_diagnostic(&file, Some(len as u64)),
        };
        return Compiled {
            file,
            ast: None,
            spec: None,
            symbols: None,
            diagnostics: vec![d],
            omitted: diagnostic::Omitted::default(),
        };
    }
    compile_text(file, levels)
}

/// The result for an input over [`source::MAX_SOURCE_BYTES`] of which only
/// `head` (its first bytes) was read; `len` is its size when known (a
/// regular file), `None` for a stream that was not read to its end.
#[must_use]
pub fn compile_too_large(name: &str, head: &[u8], len: Option<u64>) -> Compiled {
    let head = &head[..head.len().min(200)];
    let line = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let file = SourceFile::new(name, String::from_utf8_lossy(&head[..line]).into_owned());
    let d = too_large_diagnostic(&file, len);
    Compiled {
        file,
        ast: None,
        spec: None,
        symbols: None,
        diagnostics: vec![d],
        omitted: diagnostic::Omitted::default(),
    }
}

fn too_large_diagnostic(file: &SourceFile, len: Option<u64>) -> Diagnostic {
    let end = file.text.chars().next().map_or(0, char::len_utf8);
    let size = len.map_or_else(
        || format!("more than {}", mebibytes(source::MAX_SOURCE_BYTES as u64)),
        mebibytes,
    );
    Diagnostic::new(
        codes::Code::E0003,
        Span::new(0, end),
        format!(
            "the file is {size}; callc reads files of at most {}",
            mebibytes(source::MAX_SOURCE_BYTES as u64)
        ),
    )
    .label("this file is too large")
    .help("split the call into several specs")
}

/// A size for people: `52.4 MiB`.
fn mebibytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

/// Checks a file that is already text.
#[must_use]
pub fn compile_text(file: SourceFile, levels: &LintLevels) -> Compiled {
    let (ast, parsed) = syntax::parse(&file.text);
    // Lints found while parsing (W0210) get their levels with the checker's own.
    let (lints, mut diagnostics): (Vec<Diagnostic>, Vec<Diagnostic>) =
        parsed.into_iter().partition(|d| d.code.lint().is_some());
    let mut spec = None;
    let mut symbols = None;
    let mut omitted = diagnostic::Omitted::default();
    if let Some(tree) = &ast {
        let mut checked = check::check_with(tree, levels, lints);
        diagnostics.append(&mut checked.diagnostics);
        spec = Some(checked.spec);
        symbols = Some(checked.symbols);
        omitted = checked.omitted;
    }
    diagnostic::sort(&mut diagnostics);
    let cut = diagnostic::cap(&mut diagnostics, diagnostic::MAX_PER_FILE);
    omitted.errors += cut.errors;
    omitted.warnings += cut.warnings;
    Compiled {
        file,
        ast,
        spec,
        symbols,
        diagnostics,
        omitted,
    }
}
pub mod cli;
