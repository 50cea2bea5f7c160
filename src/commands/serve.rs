//! `leads serve`: the Leads API v1 over the lead store in the data dir.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::{CliError, Exit};
use crate::server::webhooks::Hook;
use crate::server::{ServeError, Server};
use crate::store::postgres::Target;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Leads get into the served store with `leads --data-dir DIR import FILE`. \
Anything but a loopback address carries tokens and customers' details over the network: put a TLS \
proxy in front and pass --behind-tls (README: \"A shared queue\")."
)]
pub struct Args {
    /// Address and port to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// File of API tokens, one a line (blank lines and # comments ignored)
    #[arg(long, value_name = "PATH")]
    pub tokens_file: Option<PathBuf>,

    /// TLS is terminated by a proxy in front of this server: do not warn about a public address
    #[arg(long)]
    pub behind_tls: bool,

    /// Keep the store in this PostgreSQL database (postgres://USER@HOST:PORT/DB), which several
    /// servers may share; the password comes from PGPASSWORD or ~/.pgpass. Default: the config's
    /// server.database, else the SQLite store in the data dir
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let hooks = ctx
        .config
        .accounts()
        .into_iter()
        .filter(|a| a.kind.is_marketplace())
        .map(|a| {
            Hook::new(a).map_err(|e| {
                CliError::new(Exit::Config, e).with_hint(
                    "the password is the one given to the platform's webhook (README: \"Your \
                 marketplaces\")",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tokens = match tokens(&args) {
        Ok(tokens) => tokens,
        // A PRO's own server for its marketplaces' webhooks needs no Leads API tokens.
        Err(_) if !hooks.is_empty() && args.tokens_file.is_none() => Vec::new(),
        Err(e) => return Err(e),
    };
    let database = match args
        .database
        .as_deref()
        .or(ctx.config.server.database.as_deref())
    {
        Some(url) => Some(database_target(url)?),
        None => None,
    };
    // Open (and migrate) the store before listening, so a bad data dir fails now, not on the
    // first request (the server opens and migrates a database itself, before it listens).
    // The store in the data dir itself, whatever accounts the config names: this is the
    // platform's side, which talks to none of them.
    let store = match &database {
        Some(target) => format!("PostgreSQL {target}"),
        None => format!(
            "store {}",
            crate::store::Store::open(&ctx.data_dir)?.path().display()
        ),
    };
    if !args.listen.ip().is_loopback() && !args.behind_tls {
        ctx.out.warn(&format!(
            "warning: listening on {} without TLS: bearer tokens and customers' contact details \
             cross the network in clear text. Put a TLS proxy in front and pass --behind-tls.",
            args.listen
        ));
    }
    let server = Server {
        data_dir: ctx.data_dir.clone(),
        config: ctx.config.clone(),
        clock: ctx.clock,
        tokens,
        hooks,
        database,
    };
    let out = &ctx.out;
    let hooked: Vec<String> = server
        .hooks
        .iter()
        .map(|h| {
            format!(
                "leads serve: webhooks of account {} ({}) at /webhooks/{}",
                h.account.name,
                h.account.kind.as_str(),
                h.account.name
            )
        })
        .collect();
    server
        .run(args.listen, |addr| {
            out.note(&format!(
                "leads serve: listening on http://{addr} ({store}); Ctrl-C stops it"
            ));
            for line in &hooked {
                out.note(line);
            }
        })
        .map_err(|e| match e {
            ServeError::Io(e) => CliError::new(
                Exit::Failure,
                format!("cannot serve on {}: {e}", args.listen),
            )
            .with_hint(
                "is another process using that port? try --listen 127.0.0.1:0 for a free one",
            ),
            ServeError::Database(e) => e.into(),
        })?;
    out.note("leads serve: stopped; every request in flight was finished.");
    Ok(Exit::Ok)
}

/// The tokens from --tokens-file, else LEADS_SERVE_TOKENS (comma or space separated). None at all
/// is refused: an open lead queue would let anyone accept (and pay for) leads.
fn tokens(args: &Args) -> Result<Vec<String>, CliError> {
    let (text, source) = match &args.tokens_file {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!(
                    "cannot read the tokens file {}: {}",
                    path.display(),
                    crate::store::describe_io(&e)
                ))
            })?,
            path.display().to_string(),
        ),
        None => (
            std::env::var("LEADS_SERVE_TOKENS").unwrap_or_default(),
            "LEADS_SERVE_TOKENS".into(),
        ),
    };
    let tokens: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| l.split([',', ' ']).map(str::trim).filter(|t| !t.is_empty()))
        .map(str::to_string)
        .collect();
    if tokens.is_empty() {
        return Err(CliError::usage(format!("no API tokens in {source}"))
            .with_hint("pass --tokens-file PATH (one token a line) or set LEADS_SERVE_TOKENS; the server does not run open"));
    }
    if let Some(short) = tokens.iter().find(|t| t.len() < 16) {
        // Never print the token itself.
        return Err(CliError::usage(format!(
            "an API token in {source} is only {} characters; use at least 16 (e.g. `openssl rand -hex 24`)",
            short.len()
        )));
    }
    Ok(tokens)
}

/// The database to serve from, its password found; a bad URL is a config error.
pub fn database_target(url: &str) -> Result<Target, CliError> {
    Target::parse(url).map_err(CliError::from)
}
