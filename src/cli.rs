//! The command line: global flags, the subcommands, and dispatch.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::config::{Config, ConfigPath};
use crate::context::{Clock, Ctx};
use crate::error::{CliError, Exit};
use crate::render::{ColorChoice, Printer, Style};

#[derive(Debug, Parser)]
#[command(
    name = "leads",
    version,
    about = "Triage your New Leads: what is waiting, how fresh it is, what it costs, and where your response rate stands",
    after_help = "Start with `leads demo` to try it on sample leads, then `leads inbox` and `leads status`.\n\n\
                  Environment: LEADS_CONFIG, LEADS_DATA_DIR and LEADS_NO_INPUT stand for their flags; \
                  LEADS_NOW (RFC 3339) fixes the clock, for tests and demos; NO_COLOR, CLICOLOR and \
                  CLICOLOR_FORCE govern colour.\n\
                  Docs: README.md · Exit codes: README.md#exit-codes"
)]
pub struct Cli {
    /// Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]
    #[arg(
        long,
        global = true,
        env = "LEADS_CONFIG",
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub config: Option<PathBuf>,

    /// Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]
    #[arg(
        long,
        global = true,
        env = "LEADS_DATA_DIR",
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub data_dir: Option<PathBuf>,

    /// Print JSON (stable field names, never coloured)
    #[arg(
        long,
        global = true,
        conflicts_with = "plain",
        help_heading = "Global options"
    )]
    pub json: bool,

    /// Print tab-separated records without headers or colour (the default when piped)
    #[arg(long, global = true, help_heading = "Global options")]
    pub plain: bool,

    /// Never prompt; a command that would ask fails instead, naming the flag to pass
    #[arg(long, global = true, env = "LEADS_NO_INPUT", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Global options")]
    pub no_input: bool,

    /// Remote source: answer from the local cache, without the network
    #[arg(long, global = true, help_heading = "Global options")]
    pub offline: bool,

    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Global options")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk the pending leads, most urgent first, and accept or reject each in a keystroke
    Inbox(commands::inbox::Args),
    /// Pending New Leads, most urgent first, with fee and freshness countdown
    List(commands::list::Args),
    /// One lead in full: answers, message, schedule, budget, fee, countdown, decision
    Show(commands::show::Args),
    /// Accept leads: pay their contact fees and get the customers' details
    Accept(commands::accept::Args),
    /// Reject leads: free, and it counts as a response
    Reject(commands::reject::Args),
    /// Your response rate, how many leads may lapse, what must be answered, and this week's spend
    Status(commands::status::Args),
    /// The decision log: when each lead arrived, how and when it was answered, what it cost
    History(commands::history::Args),
    /// Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)
    Import(commands::import::Args),
    /// Remote source: send queued decisions, pull pending leads, refresh the server's rate
    Sync(commands::sync::Args),
    /// Serve the Leads API v1 from this store, for a shared queue or a remote client
    Serve(commands::serve::Args),
    /// Fill the store with realistic sample leads and show them
    Demo(commands::demo::Args),
    /// Where the config is, what it says, and whether it is valid
    #[command(subcommand)]
    Config(commands::config::Command),
}

/// Parses `args`, runs the command, and turns the outcome into an exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version exit 0; real usage errors 2. clap prints both.
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let exit = match build_context(&cli) {
        Err(e) => report(
            &e,
            Style::new(cli.color.enabled(io::stderr().is_terminal())),
        ),
        Ok(ctx) => match dispatch(&ctx, cli.command) {
            Ok(exit) => exit,
            Err(e) => report(&e, ctx.out.err_style),
        },
    };
    ExitCode::from(exit.code())
}

fn build_context(cli: &Cli) -> Result<Ctx, CliError> {
    let clock = Clock::from_env()?;
    let out = Printer::new(cli.json, cli.plain, cli.color, *clock.now.offset());
    let dirs = directories::ProjectDirs::from("", "", "leads");
    let config_path = match &cli.config {
        Some(path) => ConfigPath {
            path: path.clone(),
            explicit: true,
        },
        None => ConfigPath {
            path: dirs
                .as_ref()
                .map(|d| d.config_dir().join("config.toml"))
                .ok_or_else(no_home)?,
            explicit: false,
        },
    };
    let data_dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs
            .as_ref()
            .map(|d| d.data_dir().to_path_buf())
            .ok_or_else(no_home)?,
    };
    let config = Config::load(&config_path)?;
    if let Some(warning) = crate::config::permission_warning(&config_path.path, &config) {
        out.note(&warning);
    }
    Ok(Ctx::new(
        config,
        config_path,
        data_dir,
        clock,
        out,
        cli.no_input,
        cli.offline,
    ))
}

fn no_home() -> CliError {
    CliError::usage("cannot find your home directory to place the config and the lead store")
        .with_hint("set LEADS_CONFIG and LEADS_DATA_DIR (or pass --config and --data-dir)")
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<Exit, CliError> {
    match command {
        Command::Inbox(args) => commands::inbox::run(ctx, args),
        Command::List(args) => commands::list::run(ctx, args),
        Command::Show(args) => commands::show::run(ctx, args),
        Command::Accept(args) => commands::accept::run(ctx, args),
        Command::Reject(args) => commands::reject::run(ctx, args),
        Command::Status(args) => commands::status::run(ctx, args),
        Command::History(args) => commands::history::run(ctx, args),
        Command::Import(args) => commands::import::run(ctx, args),
        Command::Demo(args) => commands::demo::run(ctx, args),
        Command::Serve(args) => commands::serve::run(ctx, args),
        Command::Sync(args) => commands::sync::run(ctx, args),
        Command::Config(command) => commands::config::run(ctx, command),
    }
}

/// Prints an error the way people read it: what happened, then what to do.
fn report(e: &CliError, style: Style) -> Exit {
    let mut text = format!("{} {}\n", style.error("error:"), e.message);
    if let Some(hint) = &e.hint {
        text.push_str(&format!("  {} {hint}\n", style.bold("hint:")));
    }
    let _ = io::stderr().lock().write_all(text.as_bytes());
    e.exit
}
