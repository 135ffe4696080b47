//! `callc check-calls SPEC LIST`: checks a call list (CSV or JSON Lines)
//! against the spec's per-call variables before a campaign starts.
//!
//! The spec is checked as `callc check` does; a spec with errors is
//! reported and the list is not read. The list is streamed through
//! [`crate::calls::check`]: each record with a problem is rendered as soon
//! as it is read (human, short or JSON, as every diagnostic), at most
//! `--max` of each code; a summary ends the output. A progress line is
//! drawn on standard error while it is a terminal.

// The command line is where callc meets the outside world (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::ArgMatches;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{
    CheckOptions, Format, Found, compile_input, input, levels_and_input, report, summary, tool_error, use_color,
};
use crate::calls::{self, Finding, ListFormat, Progress, Sink, Summary};
use crate::codes::Code;
use crate::render;

/// What `check-calls` was asked.
pub(super) struct Args<'a> {
    pub spec: &'a Path,
    pub list: &'a Path,
    pub list_format: Option<ListFormat>,
    pub max: usize,
    pub options: &'a CheckOptions,
}

/// Runs `check-calls`.
pub(super) fn run(args: &Args<'_>, matches: Option<&ArgMatches>) -> ExitCode {
    if args.spec.as_os_str() == "-" && args.list.as_os_str() == "-" {
        return tool_error("the spec and the call list cannot both be read from standard input");
    }
    let format = match args.list_format {
        Some(f) => f,
        None => match args
            .list
            .extension()
            .and_then(|e| e.to_str())
            .and_then(ListFormat::of_extension)
        {
            Some(f) => f,
            None => {
                return tool_error(&format!(
                    "cannot tell the format of `{}` from its name: give it with `--list-format csv` or `--list-format jsonl`",
                    render::visible(&input::display_name(args.list))
                ));
            }
        },
    };
    let (levels, read) = match levels_and_input(args.spec, matches) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let options = args.options;
    let color = use_color(options.color);
    let compiled = compile_input(read, &levels);
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let spec_name = render::visible(&compiled.file.name);
    let Some(spec) = compiled.spec_if_ok() else {
        // The spec's problems, as `callc check` shows them.
        let (mut out, mut err) = (stdout.lock(), stderr.lock());
        let hex = input::name_hex(args.spec);
        let (errors, warnings) = report(&(&compiled).into(), options, color, hex.as_deref(), &mut out, &mut err);
        summary(options, errors, warnings, color, &mut err);
        let _ = writeln!(err, "callc: the call list was not checked: `{spec_name}` has errors");
        return ExitCode::from(1);
    };
    let stream = match input::open(args.list) {
        Ok(s) => s,
        Err(e) => return tool_error(&render::visible(&e)),
    };
    let list_name = stream.name.clone();
    let progress = std::io::stderr().is_terminal().then(|| progress_bar(stream.size));
    let mut sink = Printer {
        options,
        color,
        hex: input::name_hex(args.list),
        out: stdout.lock(),
        err: stderr.lock(),
        progress,
        started: Instant::now(),
    };
    let check_options = calls::Options {
        format,
        name: list_name.clone(),
        max_per_code: args.max,
    };
    let result = calls::check(stream.reader, &spec.vars, &check_options, &mut sink);
    if let Some(bar) = sink.progress.take() {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = sink.out.flush();
            drop(sink);
            return tool_error(&format!("cannot read `{}`: {e}", render::visible(&list_name)));
        }
    };
    sink.summary(&summary, &list_name, args.max);
    if summary.problems() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The progress line: rows, rows a second, bytes read (of how many).
fn progress_bar(size: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr_with_hz(10));
    // Short enough for an 80-column terminal: a line that wraps is redrawn badly.
    let template = if size.is_some() {
        "{spinner} {msg} · {bytes} of {total_bytes}"
    } else {
        "{spinner} {msg} · {bytes} read"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Prints findings as they come, in the chosen format.
struct Printer<'a, O: Write, E: Write> {
    options: &'a CheckOptions,
    color: bool,
    hex: Option<String>,
    out: O,
    err: E,
    progress: Option<ProgressBar>,
    started: Instant,
}

impl<O: Write, E: Write> Sink for Printer<'_, O, E> {
    fn finding(&mut self, finding: Finding) {
        let found = Found {
            file: &finding.file,
            diagnostics: &finding.diagnostics,
            omitted: crate::diagnostic::Omitted::default(),
        };
        let (options, color, hex) = (self.options, self.color, self.hex.as_deref());
        let (out, err) = (&mut self.out, &mut self.err);
        match &self.progress {
            // The progress line is taken off the screen while a finding is printed.
            Some(bar) => bar.suspend(|| {
                report(&found, options, color, hex, out, err);
                let _ = err.flush();
            }),
            None => {
                report(&found, options, color, hex, out, err);
            }
        }
    }

    fn progress(&mut self, p: Progress) {
        if let Some(bar) = &self.progress {
            let secs = self.started.elapsed().as_secs_f64();
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let per_sec = if secs > 0.0 { (p.rows as f64 / secs) as u64 } else { 0 };
            bar.set_position(p.bytes);
            bar.set_message(format!("{} rows, {}/s", grouped(p.rows), grouped(per_sec)));
        }
    }
}

impl<O: Write, E: Write> Printer<'_, O, E> {
    /// The lines that end the output: what was not shown, and the counts.
    fn summary(&mut self, s: &Summary, name: &str, max: usize) {
        let name = render::visible(name);
        let rows = |n: u64| format!("{} row{}", grouped(n), if n == 1 { "" } else { "s" });
        let counts: Vec<String> = s
            .counts
            .iter()
            .map(|(c, n)| format!("{} {}", grouped(*n), c.as_str()))
            .collect();
        let mut line = format!("checked {} of `{name}`", rows(s.rows));
        if s.stopped {
            line.push_str(" (then stopped: see E0407)");
        }
        let problems = s.problems();
        if problems == 0 {
            line.push_str(": no problems");
        } else {
            let places = match (s.header_has_problems, s.rows_with_problems) {
                (true, 0) => "the header".to_owned(),
                (true, n) => format!("the header and {}", rows(n)),
                (false, n) => rows(n),
            };
            let _ = write!(
                line,
                ": {} problem{} in {places} ({})",
                grouped(problems),
                if problems == 1 { "" } else { "s" },
                counts.join(", ")
            );
        }
        let max = u64::try_from(max).unwrap_or(u64::MAX);
        let hidden: Vec<(Code, u64)> = s
            .counts
            .iter()
            .filter(|(_, n)| *n > max)
            .map(|(c, n)| (*c, n - max))
            .collect();
        if self.options.format == Format::Json {
            let counts: serde_json::Map<String, serde_json::Value> = s
                .counts
                .iter()
                .map(|(c, n)| (c.as_str().to_owned(), (*n).into()))
                .collect();
            let omitted: serde_json::Map<String, serde_json::Value> = hidden
                .iter()
                .map(|(c, n)| (c.as_str().to_owned(), (*n).into()))
                .collect();
            let record = serde_json::json!({
                "file": name,
                "rows": s.rows,
                "rows_with_problems": s.rows_with_problems,
                "header_has_problems": s.header_has_problems,
                "bytes": s.bytes,
                "counts": counts,
                "omitted": omitted,
                "stopped": s.stopped,
                "message": line,
            });
            let _ = writeln!(self.out, "{record}");
            let _ = self.out.flush();
            return;
        }
        let (bold, reset) = if self.color { ("\x1b[1m", "\x1b[0m") } else { ("", "") };
        for (code, n) in &hidden {
            let _ = writeln!(
                self.err,
                "callc: and {} more {} ({}) not shown; `--max N` shows more",
                grouped(*n),
                code.as_str(),
                code.title()
            );
        }
        let _ = writeln!(self.err, "{bold}callc: {line}{reset}");
        let _ = self.err.flush();
    }
}

/// A count with its thousands grouped: `1,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1_000), "1,000");
        assert_eq!(super::grouped(12_345_678), "12,345,678");
    }
}
