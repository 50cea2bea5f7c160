//! The command line: global flags, the subcommands, and dispatch.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands;
use crate::config::{Config, ConfigPath};
use crate::context::{Clock, Ctx};
use crate::error::{CliError, Exit};
use crate::render::{ColorChoice, Printer, Style, untrusted};

#[derive(Debug, Parser)]
#[command(
    name = "leads",
    version,
    about = "Triage your New Leads: what is waiting, how fresh it is, what it costs, and where your response rate stands",
    after_help = "Start with `leads demo` to try it on sample leads, then `leads inbox` and `leads status`.\n\
                  `leads --help` lists the environment variables and exit codes; `man leads` has it all."
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

    /// Work on this account only ([[sources]] in the config): its leads, its rate, its platform
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub account: Option<String>,

    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Global options")]
    pub color: ColorChoice,

    /// No summaries on stderr; warnings, errors and the data itself still print
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,

    /// Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

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
    /// Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions
    Triage(commands::triage::Args),
    /// Your response rate, how many leads may lapse, what must be answered, and this week's spend
    Status(commands::status::Args),
    /// Accepted leads whose customer waits on you, longest first, then the ones to nudge
    Followups(commands::followups::Args),
    /// Reply to an accepted lead's customer: a template filled from the lead, in your editor
    Reply(commands::reply::Args),
    /// What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts
    Report(commands::report::Args),
    /// Log a contact with an accepted lead's customer: a call, a visit, a message
    Contact(commands::contact::Args),
    /// Mark an accepted lead won: the customer hired you
    Won(commands::won::Args),
    /// Mark an accepted lead lost: the customer went elsewhere
    Lost(commands::lost::Args),
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
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish
    Completions(commands::completions::Args),
    /// Where the config is, what it says, and whether it is valid
    #[command(subcommand)]
    Config(commands::config::Command),
}

/// Environment variables `leads` reads, for `--help` and the man page.
pub const ENVIRONMENT: [(&str, &str); 9] = [
    ("LEADS_CONFIG", "the config file, as --config"),
    ("LEADS_DATA_DIR", "the store's directory, as --data-dir"),
    ("LEADS_NO_INPUT", "never prompt, as --no-input"),
    (
        "LEADS_TOKEN",
        "the API token of the remote source (remote.token_env names it; each [[sources]] account names its own)",
    ),
    (
        "LEADS_NOW",
        "a fixed \"now\" (RFC 3339) for tests and demos, in its offset",
    ),
    (
        "LEADS_SERVE_TOKENS",
        "leads serve: the accepted API tokens, comma-separated",
    ),
    (
        "NO_COLOR",
        "set and not empty: no colour, unless --color always",
    ),
    ("CLICOLOR", "0: no colour on a terminal"),
    (
        "CLICOLOR_FORCE",
        "set and not 0: colour even when piped (NO_COLOR wins)",
    ),
];

/// The command line as clap sees it, with the long help's environment and exit-code lists: the
/// parser, the completion scripts and the man page are all made from this.
pub fn command() -> clap::Command {
    let mut long = String::from(
        "Start with `leads demo` to try it on sample leads, then `leads inbox` and `leads status`.\n\nEnvironment:\n",
    );
    for (name, what) in ENVIRONMENT {
        long.push_str(&format!("  {name:<20}{what}\n"));
    }
    long.push_str("\nExit codes:\n");
    for (exit, what) in Exit::ALL {
        long.push_str(&format!("  {:<4}{what}\n", exit.code()));
    }
    Cli::command().after_long_help(long)
}

/// Parses `args`, runs the command, and turns the outcome into an exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help and --version exit 0; real usage errors 2. clap prints both.
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    Diagnostics::install(cli.verbose);
    let started = std::time::Instant::now();
    // Completions need no config and no store: they work before either exists.
    if let Command::Completions(args) = cli.command {
        return ExitCode::from(match commands::completions::run(args) {
            Ok(exit) => exit.code(),
            Err(e) => report(&e, Style::plain()).code(),
        });
    }
    let exit = match build_context(&cli) {
        Err(e) => report(&e, Style::stderr(cli.color)),
        Ok(ctx) => match dispatch(&ctx, cli.command) {
            Ok(exit) => exit,
            Err(e) => report(&e, ctx.out.err_style),
        },
    };
    log::debug!(
        "finished in {} ms, exit {}",
        started.elapsed().as_millis(),
        exit.code()
    );
    ExitCode::from(exit.code())
}

fn build_context(cli: &Cli) -> Result<Ctx, CliError> {
    let clock = Clock::from_env()?;
    let mut out = Printer::new(cli.json, cli.plain, cli.color, *clock.now.offset());
    out.quiet = cli.quiet;
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
    log::info!(
        "config: {}{}",
        config_path.path.display(),
        if config_path.path.exists() {
            ""
        } else {
            " (no file: the defaults)"
        }
    );
    for account in config.accounts() {
        let source = match &account.url {
            None => "the local store".to_string(),
            Some(url) => format!("the Leads API at {url}"),
        };
        match config.has_accounts() {
            true => log::info!("account {}: {source}", account.name),
            false => log::info!("source: {source}"),
        }
    }
    if std::env::var_os("LEADS_NOW").is_some() {
        log::info!("clock: fixed by LEADS_NOW at {}", clock.now.to_rfc3339());
    }
    if let Some(warning) = crate::config::permission_warning(&config_path.path, &config) {
        out.warn(&warning);
    }
    Ok(Ctx::new(
        config,
        config_path,
        data_dir,
        clock,
        out,
        cli.no_input,
        cli.offline,
        cli.account.clone(),
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
        Command::Followups(args) => commands::followups::run(ctx, args),
        Command::Reply(args) => commands::reply::run(ctx, args),
        Command::Report(args) => commands::report::run(ctx, args),
        Command::Contact(args) => commands::contact::run(ctx, args),
        Command::Won(args) => commands::won::run(ctx, args),
        Command::Lost(args) => commands::lost::run(ctx, args),
        Command::Import(args) => commands::import::run(ctx, args),
        Command::Demo(args) => commands::demo::run(ctx, args),
        Command::Serve(args) => commands::serve::run(ctx, args),
        Command::Sync(args) => commands::sync::run(ctx, args),
        Command::Triage(args) => commands::triage::run(ctx, args),
        Command::Config(command) => commands::config::run(ctx, command),
        Command::Completions(args) => commands::completions::run(args),
    }
}

/// `-v` and `-vv`: diagnostics on stderr, through the `log` facade so the store and the HTTP
/// client can say what they do without knowing about the command line.
struct Diagnostics;

impl Diagnostics {
    fn install(verbose: u8) {
        let level = match verbose {
            0 => return,
            1 => log::LevelFilter::Info,
            _ => log::LevelFilter::Debug,
        };
        static LOGGER: Diagnostics = Diagnostics;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(level);
        }
    }
}

impl log::Log for Diagnostics {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        // Ours only: the HTTP and TLS crates log their internals at these levels too.
        metadata.target().starts_with("leads")
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            // Diagnostics quote what was read and received.
            let line = record.args().to_string();
            let _ = writeln!(io::stderr().lock(), "leads: {}", untrusted::lines(&line));
        }
    }

    fn flush(&self) {}
}

/// Prints an error the way people read it: what happened, then what to do. What it quotes (an
/// id as typed, a line of an import file, the platform's words) is shown harmlessly.
fn report(e: &CliError, style: Style) -> Exit {
    let mut text = format!(
        "{} {}\n",
        style.error("error:"),
        untrusted::lines(&e.message)
    );
    if let Some(hint) = &e.hint {
        text.push_str(&format!(
            "  {} {}\n",
            style.bold("hint:"),
            untrusted::lines(hint)
        ));
    }
    let text = style.wrap_hanging(&text);
    let _ = io::stderr().lock().write_all(text.as_bytes());
    e.exit
}
