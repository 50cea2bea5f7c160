//! Output: every command builds a value that is both a table for people and JSON for programs,
//! and hands it to the one [`Printer`].
//!
//! Data goes to stdout; summaries, hints and warnings go to stderr, so a pipe carries only data.

pub mod lead;
mod style;
pub mod table;
pub mod text;
pub mod untrusted;

pub use style::Style;

use std::io::{self, IsTerminal, Write};

use chrono::{DateTime, FixedOffset, Utc};
use dialoguer::console::Term;
use serde::Serialize;

use crate::error::{CliError, Exit};

/// How data is written to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tables and cards, for a person at a terminal.
    Human,
    /// Tab-separated records without decoration, for `cut`, `awk` and `while read`.
    Plain,
    Json,
}

/// Something a command prints: the same value as a table (or card), as plain lines, and as JSON.
pub trait Report: Serialize {
    fn human(&self, style: &Style) -> String;

    /// Plain text for pipes: by default the human form, coloured only when colour is forced
    /// (`--color always`, CLICOLOR_FORCE). Records (list, history, results) ignore the style:
    /// they are data for other programs.
    fn plain(&self, style: &Style) -> String {
        self.human(style)
    }
}

#[derive(Clone, Debug)]
pub struct Printer {
    pub format: Format,
    /// Colour and width for stdout.
    pub style: Style,
    /// Colour for stderr, decided separately: `leads list | less` still gets a red error.
    pub err_style: Style,
    /// The local offset times are shown in.
    pub offset: FixedOffset,
    /// `-q`: no summaries on stderr (warnings and errors still show).
    pub quiet: bool,
}

impl Printer {
    pub fn new(json: bool, plain: bool, color: ColorChoice, offset: FixedOffset) -> Printer {
        let tty = io::stdout().is_terminal();
        let format = if json {
            Format::Json
        } else if plain || !tty {
            Format::Plain
        } else {
            Format::Human
        };
        Printer {
            format,
            style: Style::new(color.enabled(tty)).with_width(terminal_width(&Term::stdout())),
            err_style: Style::stderr(color),
            offset,
            quiet: false,
        }
    }

    /// Writes `report` to stdout in the chosen format.
    pub fn emit<R: Report>(&self, report: &R) -> Result<(), CliError> {
        let text = match self.format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(report)
                    .map_err(|e| CliError::new(Exit::Failure, format!("cannot write JSON: {e}")))?;
                s.push('\n');
                return write_stdout(&untrusted::json(s));
            }
            Format::Human => report.human(&self.style),
            Format::Plain => report.plain(&self.style),
        };
        write_stdout(&untrusted::guard(&text, self.style.color))
    }

    /// A line for the person, on stderr: summaries and notices, which `-q` silences.
    pub fn note(&self, line: &str) {
        if !self.quiet {
            self.warn(line);
        }
    }

    /// A line on stderr that `-q` does not silence: a warning, or the hint that goes with it.
    /// Wrapped at word boundaries on a terminal. Plain text: what it quotes (an id, a customer's
    /// name, the platform's words) is shown harmlessly, and it carries no colour.
    pub fn warn(&self, line: &str) {
        let line = untrusted::lines(line);
        // A closed stderr is no reason to fail a command that did its work.
        let _ = writeln!(
            io::stderr().lock(),
            "{}",
            self.err_style.wrap_hanging(&line)
        );
    }

    pub fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.offset)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// Writes to stdout; a reader that went away (`leads list | head -1`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    write_stdout_all([text])
}

/// Writes `texts` to stdout one after another, as [`write_stdout`] does one: for a long list
/// of records, which is not copied into one more string first.
pub fn write_stdout_all<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<(), CliError> {
    // Stdout writes at each line break, even to a pipe: this buffer makes it a write for each
    // 64 KB (a pipe's capacity) instead of one for each record.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = texts
        .into_iter()
        .try_for_each(|text| out.write_all(text.as_bytes()))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(
            Exit::Failure,
            format!("cannot write to stdout: {e}"),
        )),
    }
}

/// The width of the terminal `term` writes to, in columns: COLUMNS when it is set (as `ls` and
/// most tools honour it), else what the terminal says. None when `term` is not a terminal.
pub fn terminal_width(term: &Term) -> Option<usize> {
    if !term.is_term() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| term.size_checked().map(|(_, cols)| usize::from(cols)))
}

impl Style {
    /// The style for stderr: colour by `color` and whether stderr is a terminal, and its width.
    pub fn stderr(color: ColorChoice) -> Style {
        Style::new(color.enabled(io::stderr().is_terminal()))
            .with_width(terminal_width(&Term::stderr()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether a stream that is (or is not) a terminal gets colour.
    pub fn enabled(self, is_terminal: bool) -> bool {
        let var = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if var("NO_COLOR") {
                    false
                } else if var("CLICOLOR_FORCE")
                    && std::env::var("CLICOLOR_FORCE").as_deref() != Ok("0")
                {
                    true
                } else {
                    is_terminal
                        && std::env::var("TERM").as_deref() != Ok("dumb")
                        && std::env::var("CLICOLOR").as_deref() != Ok("0")
                }
            }
        }
    }
}

/// A count with the verb that agrees with it: "1 expires", "7 expire".
pub fn count_verb(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Appends one tab-separated record. A tab or line break inside a field would split the record,
/// so each field is one line, as [`untrusted::line()`] shows it, unless it is [`Field::Ours`].
pub fn push_tsv_row<F: TsvField>(out: &mut String, fields: impl IntoIterator<Item = F>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        field.push_to(out);
    }
    out.push('\n');
}

/// A field of [`push_tsv_row`]: any text, as one line ([`untrusted::line()`]), or a [`Field`].
pub trait TsvField {
    fn push_to(&self, out: &mut String);
}

impl<S: AsRef<str>> TsvField for S {
    fn push_to(&self, out: &mut String) {
        out.push_str(&untrusted::line(self.as_ref()));
    }
}

/// A field that says whether it needs [`untrusted::line()`].
pub enum Field<'a> {
    /// Text that came from outside (a lead, the config).
    Untrusted(&'a str),
    /// Text made of numbers, currency symbols and this program's own words only (money,
    /// countdowns), which holds nothing a terminal acts on nor a tab or line break: written as it
    /// is, without the search for them.
    Ours(&'a str),
}

impl TsvField for Field<'_> {
    fn push_to(&self, out: &mut String) {
        match self {
            Field::Untrusted(text) => text.push_to(out),
            Field::Ours(text) => out.push_str(text),
        }
    }
}
