//! [`Ctx`]: everything a command needs, built once in [`crate::cli::run`] and passed down.

use std::cell::OnceCell;
use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local, Utc};

use crate::config::{Config, ConfigPath, SourceKind};
use crate::error::{CliError, Exit};
use crate::remote::{Client, RemoteSource, RetryPolicy, Token};
use crate::render::Printer;
use crate::store::{LeadSource, Store};

/// The one reading of "now" a command works with. `LEADS_NOW` (RFC 3339) fixes it for tests and
/// demos; its offset is also the local time shown, so outputs are the same on every machine.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub now: DateTime<FixedOffset>,
    /// Set by LEADS_NOW: the clock never moves.
    fixed: bool,
}

impl Clock {
    pub fn from_env() -> Result<Clock, CliError> {
        match std::env::var("LEADS_NOW") {
            Ok(text) if !text.is_empty() => DateTime::parse_from_rfc3339(text.trim())
                .map(|now| Clock { now, fixed: true })
                .map_err(|_| {
                    CliError::usage(format!("LEADS_NOW={text:?} is not an RFC 3339 time"))
                        .with_hint("write it like 2026-11-23T08:00:00Z or 2026-11-23T16:00:00+08:00, or unset it")
                }),
            _ => Ok(Clock {
                now: Local::now().fixed_offset(),
                fixed: false,
            }),
        }
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.now.to_utc()
    }

    /// The time now, for the one command that lives for minutes: the inbox reads it afresh for
    /// each countdown and each decision. Under LEADS_NOW it stays put, like every other command.
    pub fn current(&self) -> DateTime<Utc> {
        if self.fixed { self.utc() } else { Utc::now() }
    }
}

pub struct Ctx {
    pub config: Config,
    pub config_path: ConfigPath,
    pub data_dir: PathBuf,
    pub clock: Clock,
    pub out: Printer,
    /// Never prompt (`--no-input` / LEADS_NO_INPUT): anything that would ask fails instead.
    pub no_input: bool,
    /// Remote source: answer from the cache without touching the network.
    pub offline: bool,
    /// Opened on first use, so `leads config path` never creates a store.
    backend: OnceCell<Backend>,
    /// Whether this command already brought a stale cache up to date.
    refreshed: OnceCell<()>,
}

/// The lead source behind the commands: this machine's store, or the API through a cache.
enum Backend {
    Local(Store),
    Remote(RemoteSource),
}

impl Ctx {
    pub fn new(
        config: Config,
        config_path: ConfigPath,
        data_dir: PathBuf,
        clock: Clock,
        out: Printer,
        no_input: bool,
        offline: bool,
    ) -> Ctx {
        Ctx {
            config,
            config_path,
            data_dir,
            clock,
            out,
            no_input,
            offline,
            backend: OnceCell::new(),
            refreshed: OnceCell::new(),
        }
    }

    /// Whether a prompt can be shown: stdin and stderr are terminals and input is allowed.
    pub fn can_prompt(&self) -> bool {
        !self.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.utc()
    }

    /// A time as people type it for `flag`: a span back from now (`7d`, `3h`), a local date
    /// (`2026-11-01`) or date and time (`2026-11-23 14:30`), or an RFC 3339 time.
    pub fn parse_time(&self, flag: &str, s: &str) -> Result<DateTime<Utc>, CliError> {
        use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
        let text = s.trim();
        if let Ok(span) = text.parse::<crate::domain::freshness::Span>() {
            return Ok(self.now() - span.0);
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.to_utc());
        }
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .map(|d| d.and_time(NaiveTime::MIN))
            });
        if let Some(t) =
            local.and_then(|l| self.clock.now.offset().from_local_datetime(&l).single())
        {
            return Ok(t.to_utc());
        }
        Err(CliError::usage(format!("{flag} {s:?} is not a time")).with_hint(
            "write a span back from now (7d, 3h), a date (2026-11-01), a local time (2026-11-23 14:30) or an RFC 3339 time",
        ))
    }

    fn backend(&self) -> Result<&Backend, CliError> {
        if let Some(b) = self.backend.get() {
            return Ok(b);
        }
        let store = Store::open(&self.data_dir)?;
        let backend = match self.config.source {
            SourceKind::Local => Backend::Local(store),
            SourceKind::Remote => {
                // Offline needs no token: nothing is sent.
                let client = if self.offline {
                    None
                } else {
                    Some(self.client()?)
                };
                Backend::Remote(RemoteSource::new(store, client))
            }
        };
        Ok(self.backend.get_or_init(|| backend))
    }

    fn client(&self) -> Result<Client, CliError> {
        let r = &self.config.remote;
        let url = r.url.as_deref().expect("config check requires remote.url");
        let token = std::env::var(&r.token_env)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Token::new(t.trim()))
            .or_else(|| r.token.clone())
            .ok_or_else(|| {
                CliError::new(Exit::Config, "no API token for the remote source").with_hint(format!(
                    "set the {} environment variable, or remote.token in {} (then chmod 600 it)",
                    r.token_env, self.config_path
                ))
            })?;
        let to_std = |d: chrono::TimeDelta| d.to_std().unwrap_or_default();
        let policy = RetryPolicy {
            attempts: r.retries + 1,
            deadline: to_std(r.timeout),
            ..RetryPolicy::default()
        };
        Client::new(url, token, to_std(r.connect_timeout), policy)
            .map_err(|e| CliError::new(Exit::Failure, e.to_string()))
    }

    /// The SQLite store: the leads themselves, or the remote source's cache. For the commands
    /// that write it directly (import, demo, serve).
    pub fn store(&self) -> Result<&Store, CliError> {
        Ok(match self.backend()? {
            Backend::Local(store) => store,
            Backend::Remote(remote) => &remote.store,
        })
    }

    /// The remote source, when that is the configured one (for `leads sync`).
    pub fn remote(&self) -> Result<Option<&RemoteSource>, CliError> {
        Ok(match self.backend()? {
            Backend::Local(_) => None,
            Backend::Remote(remote) => Some(remote),
        })
    }

    /// Where leads are read from and decided. Commands use this and never ask which kind it
    /// is. A remote source's cache is refreshed first when older than remote.max_cache_age
    /// (not with --offline); when the API cannot be reached, the cache answers, and says how old
    /// it is.
    pub fn source(&self) -> Result<&dyn LeadSource, CliError> {
        match self.backend()? {
            Backend::Local(store) => Ok(store),
            Backend::Remote(remote) => {
                if self.refreshed.get().is_none() {
                    self.refresh(remote)?;
                    let _ = self.refreshed.set(());
                }
                Ok(remote)
            }
        }
    }

    fn refresh(&self, remote: &RemoteSource) -> Result<(), CliError> {
        let now = self.now();
        let pulled = remote.pulled_at()?;
        let fresh = pulled.is_some_and(|t| now - t <= self.config.remote.max_cache_age);
        match pulled {
            Some(t) => log::info!(
                "cache: pulled {} ago (refreshed when older than {})",
                crate::domain::freshness::compact(now - t),
                crate::domain::freshness::Span(self.config.remote.max_cache_age)
            ),
            None => log::info!("cache: empty"),
        }
        if self.offline || fresh {
            return Ok(());
        }
        // Someone waiting at a terminal would rather have the cache after a few seconds than an
        // answer after the full remote.timeout; pipes and cron, where nobody waits, keep the
        // whole retry policy.
        let read_timeout = self.config.remote.read_timeout;
        let budget = std::io::stderr()
            .is_terminal()
            .then(|| read_timeout.to_std().unwrap_or_default());
        let started = std::time::Instant::now();
        let sync = || remote.sync(now, |_| {}, |_| {});
        let result = match budget {
            Some(budget) => remote.within(budget, sync),
            None => sync(),
        };
        // A read that sent queued decisions says which did not go through, as `leads sync` does.
        if let Ok(report) = &result {
            for line in report.problems() {
                self.out.warn(&format!("warning: {line}"));
            }
        }
        if let Err(e) = result {
            let age = match pulled {
                Some(t) => format!(
                    "showing the cache from {} ago",
                    crate::domain::freshness::compact(now - t)
                ),
                None => "the cache is empty".into(),
            };
            let out_of_time = budget.is_some_and(|b| started.elapsed() >= b)
                && matches!(&e, crate::remote::SyncError::Remote(r) if r.is_transient());
            if out_of_time {
                self.out.warn(&format!(
                    "warning: the API did not answer within {}: {age}",
                    crate::domain::freshness::Span(read_timeout),
                ));
                self.out.warn(&format!(
                    "  hint: `leads sync` {} it; remote.read_timeout sets the wait",
                    if pulled.is_some() {
                        "refreshes"
                    } else {
                        "fills"
                    }
                ));
                return Ok(());
            }
            let failure = self.remote_failure(e, "could not refresh the cache");
            self.out
                .warn(&format!("warning: {}; {age}", failure.message));
            if let Some(hint) = &failure.hint {
                self.out.warn(&format!("  hint: {hint}"));
            }
        }
        Ok(())
    }

    /// What went wrong talking to the API, and what to do about it: a refused token is a
    /// configuration problem with one fix; anything else may pass, and the cache still answers.
    pub fn remote_failure(&self, e: crate::remote::SyncError, doing: &str) -> CliError {
        use crate::remote::{RemoteError, SyncError};
        match e {
            SyncError::Remote(RemoteError::Unauthorized) => CliError::new(
                Exit::Config,
                format!("{doing}: the API refused the token (401)"),
            )
            .with_hint(format!(
                "set the right token in the {} environment variable (or remote.token in {}), then run `leads sync`",
                self.config.remote.token_env, self.config_path
            )),
            SyncError::Remote(e @ RemoteError::Unreachable { .. }) => {
                CliError::new(Exit::Failure, format!("{doing}: {e}")).with_hint(format!(
                    "check the connection and remote.url ({}); `--offline` answers from the cache",
                    self.config.remote.url.as_deref().unwrap_or("not set")
                ))
            }
            SyncError::Remote(e) => CliError::new(Exit::Failure, format!("{doing}: {e}")),
            SyncError::Store(e) => e.into(),
        }
    }

    /// What brings leads in, for a message about having none yet: the platform's pending leads
    /// for the remote source (whose cache `leads import` and `leads demo` would only muddle),
    /// files and samples for the local one.
    pub fn how_leads_come_in(&self) -> &'static str {
        match self.config.source {
            SourceKind::Local => {
                "`leads import FILE` brings them in; `leads demo` shows how it works"
            }
            SourceKind::Remote => "`leads sync` brings in the platform's pending leads",
        }
    }

    /// An error for a lead id the source does not know.
    pub fn not_found(&self, id: &str) -> CliError {
        CliError::new(
            Exit::NotFound,
            format!("no lead with id {id:?} in the store"),
        )
        .with_hint("`leads list --status all` shows every lead and its id")
    }
}
