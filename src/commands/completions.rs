//! `leads completions SHELL`: the shell's completion script, generated from the same clap
//! definition the parser uses, so it cannot drift. `completions/` in the repo holds the same
//! scripts, kept current by a test.

use clap_complete::{Generator, Shell};

use crate::error::{CliError, Exit};
use crate::render::write_stdout;

#[derive(Debug, clap::Args)]
#[command(after_help = "Install: see README.md, \"Shell completions\". \
For example, bash: leads completions bash > ~/.local/share/bash-completion/completions/leads")]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: Args) -> Result<Exit, CliError> {
    write_stdout(&script(args.shell))?;
    Ok(Exit::Ok)
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "leads", &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

/// The file name `shell` looks for (`leads.bash`, `_leads`, `leads.fish`, `_leads.ps1`,
/// `leads.elv`).
pub fn file_name(shell: Shell) -> String {
    shell.file_name("leads")
}
