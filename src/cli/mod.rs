//! The command line: arguments, files, output and exit codes. The only
//! module (with the language server) that touches the file system,
//! standard streams, the environment or the process.
//!
//! Exit codes: 0 success (warnings allowed), 1 the input has an error,
//! 2 usage or IO problems (clap's own usage errors exit 2 as well).

// The command line is where callc meets the outside world (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod check_calls;
mod input;
mod output;
mod scenarios;

use output::{FileId, Sink};

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::check::LintLevels;
use crate::codes::{Code, Level};
use crate::{Compiled, compile, emit, render};

/// Compiles what [`input::read`] read: an input over the size limit is
/// reported without being read whole.
fn compile_input(input: input::Input, levels: &LintLevels) -> Compiled {
    match input.too_large {
        Some(t) => crate::compile_too_large(&input.name, &input.bytes, t.size()),
        None => crate::compile_owned(&input.name, input.bytes, levels),
    }
}

/// callc — check and compile `.call` specifications of outbound phone calls.
#[derive(Parser, Debug)]
#[command(name = "callc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How to print diagnostics.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Snippets with labels, for people (on standard error).
    Human,
    /// One line per diagnostic: `file:line:col: severity[CODE]: message` (on standard error).
    Short,
    /// One JSON object per line (on standard output); see docs/diagnostics.md.
    Json,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Color {
    /// When standard error is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options shared by the commands that check.
#[derive(clap::Args, Debug)]
struct CheckOptions {
    /// Allow a lint (repeatable; `warnings` means every lint).
    #[arg(short = 'A', long = "allow", value_name = "LINT")]
    allow: Vec<String>,
    /// Make a lint a warning (repeatable).
    #[arg(short = 'W', long = "warn", value_name = "LINT")]
    warn: Vec<String>,
    /// Make a lint an error (repeatable).
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    deny: Vec<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check specs and report every problem. A directory means every `*.call` below it; `-` reads standard input.
    Check {
        /// Files or directories.
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Check a call list (CSV or JSON Lines, one call a row) against a spec's per-call variables.
    CheckCalls {
        /// The spec whose `vars` the list fills (`-` reads standard input).
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// The call list: `.csv` (with a header row), `.jsonl` or `.ndjson` (`-` reads standard input).
        #[arg(value_name = "LIST")]
        list: PathBuf,
        /// The list's format, when its name does not say it.
        #[arg(long = "list-format", value_enum, value_name = "FORMAT")]
        list_format: Option<crate::calls::ListFormat>,
        /// How many diagnostics of each code to show; the rest are counted in the summary.
        #[arg(long, default_value_t = 20, value_name = "N")]
        max: usize,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Compile a spec. Nothing is written when it has an error.
    Build {
        /// The spec to compile (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// What to produce.
        #[arg(long, short = 't', value_enum)]
        target: emit::Target,
        /// Where to write (standard output when absent). Written atomically.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Fill every per-call variable with its `example` (else its `default`),
        /// said for the spec's locale, instead of keeping it a runtime variable.
        #[arg(long)]
        preview: bool,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Draw a spec's flow: steps, branches, global branches, ends and the concerns each step covers.
    Graph {
        /// The spec (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The picture's language.
        #[arg(long = "to", value_enum, default_value_t = emit::graph::Format::Mermaid, value_name = "FORMAT")]
        to: emit::graph::Format,
        /// Where to write (standard output when absent). Written atomically.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Turn a Markdown spec in the reference layout into a `.call` file.
    Import {
        /// The Markdown file (`-` reads standard input).
        #[arg(value_name = "FILE.md")]
        file: PathBuf,
        /// Where to write the `.call` file (standard output when absent). Written atomically.
        #[arg(long, short = 'o', value_name = "FILE.call")]
        output: Option<PathBuf>,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Format specs in the one canonical layout (comments kept). A directory means every `*.call` below it.
    Fmt {
        /// Files or directories; `-` formats standard input to standard output.
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if any would.
        #[arg(long)]
        check: bool,
        /// When to use colour (for syntax errors).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Explain a diagnostic code (`E0102`) or lint (`dead_end`); without one, list them all.
    Explain {
        /// The code or lint name.
        code: Option<String>,
    },
    /// Write a spec's scenario set as JSON: each callee played against each path of the flow (docs/scenarios.md).
    Scenarios {
        /// The spec (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write (standard output when absent). Written atomically.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// List every path up to this many; past it, a set that covers every move and outcome (0: one path per outcome).
        #[arg(long, value_name = "N", default_value_t = emit::scenarios::DEFAULT_MAX_PATHS)]
        max_paths: usize,
        /// Also follow the branches on `hangup` and `no_answer` (by default only `voicemail` and `silence`).
        #[arg(long)]
        all_events: bool,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Print a JSON Schema: of `build --target json` output (`spec`, the default) or of `callc scenarios` output.
    Schema {
        /// Which output.
        #[arg(value_enum, default_value_t = SchemaOf::Spec)]
        of: SchemaOf,
    },
}

/// The outputs `callc schema` describes.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum SchemaOf {
    /// `callc build --target json`.
    Spec,
    /// `callc scenarios`.
    Scenarios,
}

/// Runs the command line and returns the process exit code.
#[must_use]
pub fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::from(e.use_stderr()) * 2);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    match cli.command {
        Command::Check { paths, options } => run_check(&paths, &options, sub),
        Command::CheckCalls {
            spec,
            list,
            list_format,
            max,
            options,
        } => check_calls::run(
            &check_calls::Args {
                spec: &spec,
                list: &list,
                list_format,
                max,
                options: &options,
            },
            sub,
        ),
        Command::Build {
            file,
            target,
            output,
            preview,
            options,
        } => run_build(&file, target, output.as_deref(), preview, &options, sub),
        Command::Graph {
            file,
            to,
            output,
            options,
        } => run_graph(&file, to, output.as_deref(), &options, sub),
        Command::Import { file, output, options } => run_import(&file, output.as_deref(), &options, sub),
        Command::Fmt { paths, check, color } => run_fmt(&paths, check, color),
        Command::Lsp => match crate::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => tool_error(&format!("language server: {e}")),
        },
        Command::Explain { code } => run_explain(code.as_deref()),
        Command::Scenarios {
            file,
            output,
            max_paths,
            all_events,
            options,
        } => scenarios::run(&file, output.as_deref(), max_paths, all_events, &options, sub),
        Command::Schema { of } => {
            print!(
                "{}",
                match of {
                    SchemaOf::Spec => emit::json::schema(),
                    SchemaOf::Scenarios => emit::scenarios::schema(),
                }
            );
            ExitCode::SUCCESS
        }
    }
}

/// A problem with the tool's own work (arguments, files): exit 2.
fn tool_error(message: &str) -> ExitCode {
    eprintln!("callc: error: {message}");
    ExitCode::from(2)
}

/// `-A/-W/-D` in command-line order, so that the last one wins.
fn lint_levels(matches: Option<&ArgMatches>) -> Result<LintLevels, String> {
    let mut all: Vec<(usize, &str, Level)> = Vec::new();
    if let Some(m) = matches {
        for (id, level) in [("allow", Level::Allow), ("warn", Level::Warn), ("deny", Level::Deny)] {
            if let (Some(values), Some(indices)) = (m.get_many::<String>(id), m.indices_of(id)) {
                for (v, i) in values.zip(indices) {
                    all.push((i, v.as_str(), level));
                }
            }
        }
    }
    all.sort_by_key(|(i, _, _)| *i);
    let mut levels = LintLevels::default();
    for (_, lint, level) in all {
        levels.set(lint, level)?;
    }
    Ok(levels)
}

/// The lint levels of the command line and the input they apply to, or
/// the exit code of a tool error (already reported).
fn levels_and_input(path: &Path, matches: Option<&ArgMatches>) -> Result<(LintLevels, input::Input), ExitCode> {
    let levels = lint_levels(matches).map_err(|e| tool_error(&e))?;
    let read = input::read(path).map_err(|e| tool_error(&e))?;
    Ok((levels, read))
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Prints the diagnostics of one file; returns (errors, warnings), counting
/// those left out. `hex_name` is the file's name in hex when it is not UTF-8.
/// The problems found in one file, whichever command found them.
struct Found<'a> {
    file: &'a crate::source::SourceFile,
    diagnostics: &'a [crate::diagnostic::Diagnostic],
    omitted: crate::diagnostic::Omitted,
}

impl<'a> From<&'a Compiled> for Found<'a> {
    fn from(c: &'a Compiled) -> Self {
        Found {
            file: &c.file,
            diagnostics: &c.diagnostics,
            omitted: c.omitted,
        }
    }
}

/// Prints one file's diagnostics in the chosen format; the counts of
/// errors and warnings.
fn report(
    c: &Found<'_>,
    options: &CheckOptions,
    color: bool,
    hex_name: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> (usize, usize) {
    let (mut errors, mut warnings) = (c.omitted.errors, c.omitted.warnings);
    let mut hidden = c.omitted.total();
    let mut shown = 0;
    for d in c.diagnostics {
        if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
        }
        shown += 1;
        let _ = match options.format {
            // A person reads the first few hundred.
            Format::Human if shown > MAX_HUMAN_DIAGNOSTICS => {
                hidden += 1;
                Ok(())
            }
            Format::Human => write!(err, "{}", render::human(c.file, d, color)),
            Format::Short => writeln!(err, "{}", render::short(c.file, d)),
            Format::Json => {
                let mut record = render::json(c.file, d);
                record.file_hex = hex_name.map(str::to_owned);
                let line = serde_json::to_string(&record).unwrap_or_default();
                writeln!(out, "{line}")
            }
        };
    }
    if hidden > 0 {
        let shown = c.diagnostics.len().min(if options.format == Format::Human {
            MAX_HUMAN_DIAGNOSTICS
        } else {
            usize::MAX
        });
        let line = format!(
            "callc: {hidden} more diagnostics in `{}` not shown (the first {shown} are)",
            render::visible(&c.file.name)
        );
        let _ = match options.format {
            Format::Json => {
                let record = serde_json::json!({
                    "omitted": hidden,
                    "file": c.file.name,
                    "message": line.trim_start_matches("callc: "),
                });
                writeln!(out, "{record}")
            }
            _ => writeln!(err, "{line}\n"),
        };
    }
    (errors, warnings)
}

/// The most diagnostics of one file the human format shows (of the
/// [`crate::diagnostic::MAX_PER_FILE`] every format keeps).
const MAX_HUMAN_DIAGNOSTICS: usize = 500;

fn summary(options: &CheckOptions, errors: usize, warnings: usize, color: bool, err: &mut impl Write) {
    if options.format != Format::Human || errors + warnings == 0 {
        return;
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let text = match (errors, warnings) {
        (0, w) => format!("{} emitted", plural(w, "warning")),
        (e, 0) => format!("{} found", plural(e, "error")),
        (e, w) => format!("{} and {} found", plural(e, "error"), plural(w, "warning")),
    };
    let (bold, reset) = if color { ("\x1b[1m", "\x1b[0m") } else { ("", "") };
    let _ = writeln!(err, "{bold}callc: {text}{reset}");
}

fn run_check(paths: &[PathBuf], options: &CheckOptions, matches: Option<&ArgMatches>) -> ExitCode {
    use rayon::prelude::*;

    let levels = match lint_levels(matches) {
        Ok(l) => l,
        Err(e) => return tool_error(&e),
    };
    let color = use_color(options.color);
    // Every file first (an entry that cannot be used keeps its place in
    // the order), then all of them checked on every core, then the reports
    // printed in the order the files were named.
    let jobs: Vec<input::Entry> = paths.iter().flat_map(|p| input::expand(p)).collect();
    let reports: Vec<FileReport> = jobs
        .into_par_iter()
        .map(|job| {
            let mut r = FileReport::default();
            match job.and_then(|file| input::read(&file).map(|i| (file, i))) {
                Ok((path, read)) => {
                    let compiled = compile_input(read, &levels);
                    let hex = input::name_hex(&path);
                    (r.errors, r.warnings) = report(
                        &(&compiled).into(),
                        options,
                        color,
                        hex.as_deref(),
                        &mut r.out,
                        &mut r.err,
                    );
                }
                Err(e) => {
                    let _ = writeln!(r.err, "callc: error: {}", render::visible(&e));
                    r.io_failed = true;
                }
            }
            r
        })
        .collect();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let (mut errors, mut warnings, mut io_failed) = (0, 0, false);
    for r in reports {
        let _ = out.write_all(&r.out);
        let _ = err.write_all(&r.err);
        errors += r.errors;
        warnings += r.warnings;
        io_failed |= r.io_failed;
    }
    summary(options, errors, warnings, color, &mut err);
    if io_failed {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What checking one file printed and found, gathered so that files checked
/// in parallel are reported in order.
#[derive(Default)]
struct FileReport {
    out: Vec<u8>,
    err: Vec<u8>,
    errors: usize,
    warnings: usize,
    io_failed: bool,
}

fn run_build(
    path: &Path,
    target: emit::Target,
    output: Option<&Path>,
    preview: bool,
    options: &CheckOptions,
    matches: Option<&ArgMatches>,
) -> ExitCode {
    let name = clap::ValueEnum::to_possible_value(&target).map_or_else(String::new, |v| v.get_name().to_owned());
    if target.is_directory() && !output.is_some_and(|o| matches!(Sink::parse(o), Sink::Path(_))) {
        return tool_error(&format!(
            "`--target {name}` writes a directory of files: give it with `-o DIR`"
        ));
    }
    checked_output(
        path,
        output,
        options,
        matches,
        |spec| {
            let spec = if preview { &spec.preview() } else { spec };
            let files = emit::try_emit(target, spec)?;
            // What the runtime cannot express is said each time it is left out.
            let mut err = std::io::stderr().lock();
            for a in emit::approximations(target, spec) {
                let _ = writeln!(err, "callc: warning: {}\n  = help: {}", a.message, a.help);
            }
            Ok(files)
        },
        target.is_directory(),
    )
}

fn run_graph(
    path: &Path,
    format: emit::graph::Format,
    output: Option<&Path>,
    options: &CheckOptions,
    matches: Option<&ArgMatches>,
) -> ExitCode {
    let ext = if format == emit::graph::Format::Dot {
        "dot"
    } else {
        "mmd"
    };
    checked_output(
        path,
        output,
        options,
        matches,
        |spec| {
            Ok(vec![emit::OutputFile {
                path: PathBuf::from(format!("{}.{ext}", spec.id)),
                contents: emit::graph::emit(spec, format),
            }])
        },
        false,
    )
}

/// Checks a spec, reports its diagnostics and, when it has no error, writes
/// what `produce` makes of it: to standard output, to a file, or (for a
/// directory target) to files below a directory.
fn checked_output(
    path: &Path,
    output: Option<&Path>,
    options: &CheckOptions,
    matches: Option<&ArgMatches>,
    produce: impl FnOnce(&crate::ir::Spec) -> Result<Vec<emit::OutputFile>, emit::EmitError>,
    directory: bool,
) -> ExitCode {
    let (levels, read) = match levels_and_input(path, matches) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = use_color(options.color);
    let input_id = read.id;
    let compiled = compile_input(read, &levels);
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let hex = input::name_hex(path);
    let (errors, warnings) = report(&(&compiled).into(), options, color, hex.as_deref(), &mut out, &mut err);
    summary(options, errors, warnings, color, &mut err);
    let name = render::visible(&compiled.file.name);
    let Some(spec) = compiled.spec_if_ok() else {
        let _ = writeln!(err, "callc: nothing was written: `{name}` has errors");
        return ExitCode::from(1);
    };
    let files = match produce(spec) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "callc: error: {}\n  = help: {}", e.message, e.help);
            let _ = writeln!(err, "callc: nothing was written");
            return ExitCode::from(1);
        }
    };
    drop(compiled);
    write_outputs(output, &files, directory, options, input_id, &mut out)
}

/// Writes generated files: one file to standard output or to `output`, or
/// every file below the directory `output`, as `output::write_file` and
/// `output::write_directory` say (nothing is lost when a write fails).
fn write_outputs(
    output: Option<&Path>,
    files: &[emit::OutputFile],
    directory: bool,
    options: &CheckOptions,
    input: Option<FileId>,
    out: &mut impl Write,
) -> ExitCode {
    let sink = output.map_or(Sink::Stdout, Sink::parse);
    let stream = |w: &mut dyn Write| {
        for f in files {
            w.write_all(f.contents.as_bytes())?;
        }
        w.flush()
    };
    let result = match sink {
        Sink::Stdout => {
            if options.format == Format::Json {
                // Diagnostics own standard output in this format.
                return tool_error("with `--format json`, give the output with `-o FILE` (not standard output)");
            }
            stream(out).map_err(|e| output::WriteError {
                path: PathBuf::from("<stdout>"),
                message: e.to_string(),
            })
        }
        Sink::Stderr => stream(&mut std::io::stderr().lock()).map_err(|e| output::WriteError {
            path: PathBuf::from("<stderr>"),
            message: e.to_string(),
        }),
        Sink::Path(root) if directory => {
            let pairs: Vec<(PathBuf, &[u8])> = files.iter().map(|f| (f.path.clone(), f.contents.as_bytes())).collect();
            output::write_directory(&root, &pairs, input)
        }
        Sink::Path(path) => match files.first() {
            Some(f) => output::write_file(&path, f.contents.as_bytes(), input),
            None => Ok(()),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => tool_error(&format!(
            "cannot write `{}`: {}",
            render::visible(&input::display_name(&e.path)),
            e.message
        )),
    }
}

fn run_import(path: &Path, output: Option<&Path>, options: &CheckOptions, matches: Option<&ArgMatches>) -> ExitCode {
    // Lint levels apply to the importer's own warnings (W0302, W0303).
    let (levels, read) = match levels_and_input(path, matches) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let color = use_color(options.color);
    let input_id = read.id;
    let name = read.name.clone();
    let (file, mut imported) = if read.too_large.is_some() {
        let c = compile_input(read, &levels);
        let imported = crate::import::Imported {
            call: None,
            diagnostics: c.diagnostics,
        };
        (c.file, imported)
    } else {
        let (text, problem) = crate::source::decode(&read.bytes);
        let file = crate::source::SourceFile::new(&name, text);
        let imported = if problem.is_some() {
            // Decoding problems are reported the same way `check` reports them.
            let c = compile(&name, &read.bytes, &levels);
            crate::import::Imported {
                call: None,
                diagnostics: c.diagnostics,
            }
        } else {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| s != "-");
            crate::import::import_named(&file.text, stem.as_deref())
        };
        (file, imported)
    };
    levels.apply_to(&mut imported.diagnostics);
    crate::diagnostic::sort(&mut imported.diagnostics);
    let omitted = crate::diagnostic::cap(&mut imported.diagnostics, crate::diagnostic::MAX_PER_FILE);
    let found = Found {
        file: &file,
        diagnostics: &imported.diagnostics,
        omitted,
    };
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let hex = input::name_hex(path);
    let (errors, warnings) = report(&found, options, color, hex.as_deref(), &mut out, &mut err);
    summary(options, errors, warnings, color, &mut err);
    match imported.call {
        Some(call) if errors == 0 => {
            let file = emit::OutputFile {
                path: PathBuf::from("imported.call"),
                contents: call,
            };
            write_outputs(output, std::slice::from_ref(&file), false, options, input_id, &mut out)
        }
        _ => {
            let _ = writeln!(
                err,
                "callc: nothing was written: `{}` could not be imported",
                render::visible(&name)
            );
            ExitCode::from(1)
        }
    }
}

fn run_fmt(paths: &[PathBuf], check: bool, color: Color) -> ExitCode {
    let color = use_color(color);
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let (mut io_failed, mut syntax_errors, mut changed) = (false, false, Vec::new());
    for entry in paths.iter().flat_map(|p| input::expand(p)) {
        let file = match entry {
            Ok(f) => f,
            Err(e) => {
                let _ = writeln!(err, "callc: error: {}", render::visible(&e));
                io_failed = true;
                continue;
            }
        };
        let read = match input::read(&file) {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(err, "callc: error: {}", render::visible(&e));
                io_failed = true;
                continue;
            }
        };
        let name = read.name.clone();
        // A file that does not decode or parse is reported like `check` does, and left alone.
        let (text, problem) = if read.too_large.is_some() {
            (String::new(), true)
        } else {
            let (t, p) = crate::source::decode(&read.bytes);
            (t, p.is_some())
        };
        let formatted = if problem {
            Err(Vec::new())
        } else {
            crate::fmt::format(&text)
        };
        let formatted = match formatted {
            Ok(f) => f,
            Err(errors) => {
                // Only why it cannot be formatted (every diagnostic when it does not even decode).
                let c = compile_input(read, &LintLevels::default());
                let shown = if errors.is_empty() {
                    c.diagnostics.clone()
                } else {
                    errors
                };
                for d in shown.iter().filter(|d| d.is_error()).take(MAX_HUMAN_DIAGNOSTICS) {
                    let _ = write!(err, "{}", render::human(&c.file, d, color));
                }
                let _ = writeln!(
                    err,
                    "callc: `{}` was not formatted: it has syntax errors",
                    render::visible(&name)
                );
                syntax_errors = true;
                continue;
            }
        };
        if file.as_os_str() == "-" {
            let mut out = std::io::stdout().lock();
            if out.write_all(formatted.as_bytes()).and_then(|()| out.flush()).is_err() {
                let _ = writeln!(err, "callc: error: cannot write to standard output");
                io_failed = true;
            }
            continue;
        }
        if formatted == text {
            continue;
        }
        if check {
            let _ = writeln!(err, "would reformat {}", render::visible(&name));
            changed.push(name);
        } else if let Err(e) = output::write_file(&file, formatted.as_bytes(), None) {
            let _ = writeln!(
                err,
                "callc: error: cannot write `{}`: {}",
                render::visible(&name),
                e.message
            );
            io_failed = true;
        }
    }
    if io_failed {
        ExitCode::from(2)
    } else if syntax_errors || !changed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_explain(code: Option<&str>) -> ExitCode {
    let Some(name) = code else {
        println!("Every code callc reports; `callc explain CODE` prints its explanation.\n");
        for c in Code::ALL {
            let lint = c.lint().map_or(String::new(), |l| format!(" ({l})"));
            println!("{}  {}{lint}", c.as_str(), c.title());
        }
        return ExitCode::SUCCESS;
    };
    match Code::lookup(name.trim()) {
        Some(c) => {
            print!("{}", c.explanation());
            ExitCode::SUCCESS
        }
        None => {
            let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).chain(Code::lint_names()).collect();
            let hint = crate::check::suggest_name(&name.to_ascii_uppercase(), &names)
                .or_else(|| crate::check::suggest_name(name, &names))
                .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
            tool_error(&format!(
                "no diagnostic code or lint is called `{name}`{hint} (`callc explain` lists them)"
            ))
        }
    }
}
