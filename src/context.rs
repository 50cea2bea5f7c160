//! [`Ctx`]: everything a command needs, built once in [`crate::cli::run`] and passed down.

use std::cell::OnceCell;
use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local, Utc};

use crate::accounts::{Accounts, Member};
use crate::config::{Account, AccountKind, Config, ConfigPath};
use crate::error::{CliError, Exit};
use crate::marketplaces::{Http, MarketSource, YELP_PER_SECOND};
use crate::remote::{Client, RemoteSource, RetryPolicy, Token};
use crate::render::Printer;
use crate::store::{LeadSource, Scope, Store};

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
    /// `--account`: the one account to work on; every account when None.
    pub account: Option<String>,
    /// Opened on first use, so `leads config path` never creates a store.
    accounts: OnceCell<Accounts>,
    /// Whether this command already brought stale caches up to date.
    refreshed: OnceCell<()>,
}

impl Ctx {
    // One argument per part of the context, each from its own place (the config, the clock, the
    // global flags); a struct of them would only rename this list.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        config_path: ConfigPath,
        data_dir: PathBuf,
        clock: Clock,
        out: Printer,
        no_input: bool,
        offline: bool,
        account: Option<String>,
    ) -> Ctx {
        Ctx {
            config,
            config_path,
            data_dir,
            clock,
            out,
            no_input,
            offline,
            account,
            accounts: OnceCell::new(),
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

    /// The accounts this command works on, from the config and `--account`.
    fn selected(&self) -> Result<Vec<Account>, CliError> {
        let all = self.config.accounts();
        let Some(name) = &self.account else {
            return Ok(all);
        };
        let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
        let hint = match names.as_slice() {
            [one] => format!(
                "the config names one account, {one:?}; [[sources]] names several (see config.example.toml)"
            ),
            _ => format!("--account takes one the config names: {}", names.join(", ")),
        };
        match all.iter().find(|a| &a.name == name) {
            Some(account) => Ok(vec![account.clone()]),
            None => Err(CliError::usage(format!(
                "no account named {name:?} in {}",
                self.config_path
            ))
            .with_hint(hint)),
        }
    }

    /// The selected accounts, each over its own leads in the one store, without refreshing
    /// anything (`leads sync`, import and demo; reads use [`Ctx::accounts`]).
    pub fn open_accounts(&self) -> Result<&Accounts, CliError> {
        if let Some(a) = self.accounts.get() {
            return Ok(a);
        }
        // Opening the first connection brings the schema up to date; the others find it so.
        let open = |scope: Scope| Store::open(&self.data_dir).map(|s| s.scoped(scope));
        let mut members = Vec::new();
        for account in self.selected()? {
            let scope = if account.prefix.is_empty() {
                Scope::All
            } else {
                Scope::Prefixes(vec![account.prefix.clone()])
            };
            let store = open(scope)?;
            members.push(match account.kind {
                AccountKind::LeadsApi => {
                    // Offline needs no token: nothing is sent.
                    let client = if self.offline {
                        None
                    } else {
                        Some(self.client(&account)?)
                    };
                    let remote =
                        RemoteSource::new(store, client, &account.prefix, &account.token_env);
                    Member::remote(account, remote)
                }
                AccountKind::Thumbtack | AccountKind::Yelp => {
                    // Reads need no token; what needs one says so when it is missing.
                    let http = if self.offline {
                        None
                    } else {
                        self.market_http(&account).ok()
                    };
                    let market = MarketSource::new(store, http, self.offline, &account);
                    Member::market(account, market)
                }
                AccountKind::Local => Member::local(account, store),
            });
        }
        let accounts = Accounts::new(members, open)?;
        Ok(self.accounts.get_or_init(|| accounts))
    }

    /// How `account` reads its token in messages: the variable, and the file for the one source.
    fn token_advice(&self, account: &Account) -> String {
        if self.config.has_accounts() {
            format!(
                "set the {} environment variable (token_env of account {:?} in {})",
                account.token_env, account.name, self.config_path
            )
        } else {
            format!(
                "set the {} environment variable, or remote.token in {} (then chmod 600 it)",
                account.token_env, self.config_path
            )
        }
    }

    /// The HTTP client of a Thumbtack or Yelp account, with its token from the environment.
    pub fn market_http(&self, account: &Account) -> Result<Http, CliError> {
        market_http(&self.config, account).map_err(|message| {
            CliError::new(Exit::Config, message).with_hint(format!(
                "set the {} environment variable (token_env of account {:?} in {})",
                account.token_env, account.name, self.config_path
            ))
        })
    }

    fn client(&self, account: &Account) -> Result<Client, CliError> {
        let r = &self.config.remote;
        let url = account.url.as_deref().expect("config check requires a url");
        let token = std::env::var(&account.token_env)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Token::new(t.trim()))
            .or_else(|| account.token.clone())
            .ok_or_else(|| {
                let whose = if self.config.has_accounts() {
                    format!("account {}", account.name)
                } else {
                    "the remote source".into()
                };
                CliError::new(Exit::Config, format!("no API token for {whose}"))
                    .with_hint(self.token_advice(account))
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

    /// The local account `leads import` and `leads demo` write to: the one `--account` names,
    /// or the config's only local one.
    pub fn local_account(&self, command: &str) -> Result<&Member, CliError> {
        let accounts = self.open_accounts()?;
        if !self.config.has_accounts() {
            return Ok(&accounts.members()[0]);
        }
        let locals: Vec<&Member> = accounts
            .members()
            .iter()
            .filter(|m| m.account.kind == AccountKind::Local)
            .collect();
        match (locals.as_slice(), &self.account) {
            ([one], _) => Ok(one),
            ([], Some(name)) => Err(CliError::usage(format!(
                "leads {command} writes to a local account, and {name} is a {} account: its leads come from its platform",
                accounts.members()[0].account.kind.as_str()
            ))
            .with_hint("`leads sync` brings them in; pass --account with a local account's name")),
            ([], None) => Err(CliError::usage(format!(
                "leads {command} writes to a local account, and the config names none"
            ))
            .with_hint("add a [[sources]] entry with kind = \"local\" (see config.example.toml)")),
            (_, _) => Err(CliError::usage(format!(
                "leads {command}: which local account? The config names {}",
                locals
                    .iter()
                    .map(|m| m.account.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_hint("pass --account NAME")),
        }
    }

    /// The selected accounts, their caches refreshed first when stale (see [`Ctx::source`]):
    /// for the commands that look at each account (`status`, the rate of a decision).
    pub fn accounts(&self) -> Result<&Accounts, CliError> {
        let accounts = self.open_accounts()?;
        if self.refreshed.get().is_none() {
            self.refresh(accounts)?;
            let _ = self.refreshed.set(());
        }
        Ok(accounts)
    }

    /// Where leads are read from and decided: every selected account as one. Commands use this
    /// and never ask which kind is behind it. A remote account's cache is refreshed first when
    /// older than remote.max_cache_age (not with --offline); when the API cannot be reached,
    /// the cache answers, and says how old it is.
    pub fn source(&self) -> Result<&dyn LeadSource, CliError> {
        Ok(self.accounts()?)
    }

    /// Whether leads show their account: the config names several.
    pub fn shows_accounts(&self) -> bool {
        self.config.has_accounts()
    }

    /// The name of the account a lead belongs to, when leads show their account.
    pub fn account_of(&self, lead_id: &str) -> Option<String> {
        if !self.shows_accounts() {
            return None;
        }
        let owner = self.open_accounts().ok()?.owner(lead_id)?;
        Some(owner.account.name.clone())
    }

    /// With several accounts, a word about the leads in the store that none of them owns:
    /// kept from before [[sources]], or of an account renamed or removed since. They are never
    /// shown, and a decision on one is never sent, so the PRO must hear of them.
    pub fn unowned_note(&self) -> Result<Option<String>, CliError> {
        if !self.config.has_accounts() || self.account.is_some() {
            return Ok(None);
        }
        let (leads, unsent) = self.open_accounts()?.store().outside_scope()?;
        if leads == 0 {
            return Ok(None);
        }
        let unsent = match unsent {
            0 => String::new(),
            1 => ", and 1 decision on them waits unsent".into(),
            n => format!(", and {n} decisions on them wait unsent"),
        };
        Ok(Some(format!(
            "{leads} lead{} in the store belong to none of the config's accounts (made before \
             [[sources]], or under an account renamed or removed since): kept, but not shown{unsent}. \
             README, \"Several accounts\", says how to bring them back.",
            if leads == 1 { "" } else { "s" }
        )))
    }

    /// `text` about `account`, with the account's name in front when there are several.
    fn about(&self, account: &Account, text: &str) -> String {
        if self.config.has_accounts() {
            format!("{}: {text}", account.name)
        } else {
            text.to_string()
        }
    }

    fn refresh(&self, accounts: &Accounts) -> Result<(), CliError> {
        for member in accounts.members() {
            if let Some(remote) = member.as_remote() {
                self.refresh_one(&member.account, remote)?;
            }
        }
        Ok(())
    }

    fn refresh_one(&self, account: &Account, remote: &RemoteSource) -> Result<(), CliError> {
        let now = self.now();
        let pulled = remote.pulled_at()?;
        let fresh = pulled.is_some_and(|t| now - t <= self.config.remote.max_cache_age);
        let cache = self.about(account, "cache");
        match pulled {
            Some(t) => log::info!(
                "{cache}: pulled {} ago (refreshed when older than {})",
                crate::domain::freshness::compact(now - t),
                crate::domain::freshness::Span(self.config.remote.max_cache_age)
            ),
            None => log::info!("{cache}: empty"),
        }
        if self.offline || fresh {
            return Ok(());
        }
        // Someone waiting at a terminal would rather have the cache after a few seconds than an
        // answer after the full remote.timeout; pipes and cron, where nobody waits, keep the
        // whole retry policy. Each account gets the wait: shared, an account that hangs would
        // leave the next none, and it would be reported unreachable untried.
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
                self.out
                    .warn(&format!("warning: {}", self.about(account, &line)));
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
                    "warning: {}",
                    self.about(
                        account,
                        &format!(
                            "the API did not answer within {}: {age}",
                            crate::domain::freshness::Span(read_timeout),
                        )
                    )
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
            let failure = self.remote_failure(account, e, "could not refresh the cache");
            self.out
                .warn(&format!("warning: {}; {age}", failure.message));
            if let Some(hint) = &failure.hint {
                self.out.warn(&format!("  hint: {hint}"));
            }
        }
        Ok(())
    }

    /// What went wrong talking to `account`'s API, and what to do about it: a refused token is a
    /// configuration problem with one fix; anything else may pass, and the cache still answers.
    pub fn remote_failure(
        &self,
        account: &Account,
        e: crate::remote::SyncError,
        doing: &str,
    ) -> CliError {
        use crate::remote::{RemoteError, SyncError};
        let doing = self.about(account, doing);
        match e {
            SyncError::Remote(RemoteError::Unauthorized) => CliError::new(
                Exit::Config,
                format!("{doing}: the API refused the token (401)"),
            )
            .with_hint(if self.config.has_accounts() {
                format!(
                    "set the right token in the {} environment variable (token_env of account {:?}), then run `leads sync`",
                    account.token_env, account.name
                )
            } else {
                format!(
                    "set the right token in the {} environment variable (or remote.token in {}), then run `leads sync`",
                    account.token_env, self.config_path
                )
            }),
            SyncError::Remote(e @ RemoteError::Unreachable { .. }) => {
                let url = if self.config.has_accounts() {
                    "its url"
                } else {
                    "remote.url"
                };
                CliError::new(Exit::Failure, format!("{doing}: {e}")).with_hint(format!(
                    "check the connection and {url} ({}); `--offline` answers from the cache",
                    account.url.as_deref().unwrap_or("not set")
                ))
            }
            SyncError::Remote(e) => CliError::new(Exit::Failure, format!("{doing}: {e}")),
            SyncError::Store(e) => e.into(),
        }
    }

    /// What brings leads in, for a message about having none yet: the platform's pending leads
    /// for remote accounts (whose cache `leads import` and `leads demo` would only muddle),
    /// files and samples for local ones.
    pub fn how_leads_come_in(&self) -> &'static str {
        let local = self
            .selected()
            .unwrap_or_default()
            .iter()
            .any(|a| a.kind == AccountKind::Local);
        if local {
            "`leads import FILE` brings them in; `leads demo` shows how it works"
        } else {
            "`leads sync` brings in the platform's pending leads"
        }
    }

    /// An error for a lead id the source does not know.
    pub fn not_found(&self, id: &str) -> CliError {
        let message = match &self.account {
            Some(name) => format!("no lead with id {id:?} in account {name}"),
            None => format!("no lead with id {id:?} in the store"),
        };
        let hint = self.unknown_hint(id).unwrap_or_else(|| match &self.account {
            Some(name) => format!(
                "`leads list --status all --account {name}` shows its leads; leave out --account for every account's"
            ),
            None => "`leads list --status all` shows every lead and its id".into(),
        });
        CliError::new(Exit::NotFound, message).with_hint(hint)
    }

    /// With several accounts, what may have gone wrong with an id the source does not know: a
    /// lead of an account `--account` leaves out, or an id without its account in front.
    pub fn unknown_hint(&self, id: &str) -> Option<String> {
        if !self.config.has_accounts() {
            return None;
        }
        if let (Some(name), Some((owner, _))) = (&self.account, id.split_once('/'))
            && owner != name
            && self.config.sources.iter().any(|s| s.name == owner)
        {
            return Some(format!(
                "it is a lead of account {owner}, which --account {name} leaves out"
            ));
        }
        match self.other_accounts_ids(id).as_slice() {
            [] => None,
            ids => Some(format!(
                "each lead's id begins with its account: did you mean {}?",
                ids.join(" or ")
            )),
        }
    }

    /// The ids of the leads that `id` names on their platforms, when it lacks their account.
    fn other_accounts_ids(&self, id: &str) -> Vec<String> {
        let Ok(accounts) = self.open_accounts() else {
            return Vec::new();
        };
        accounts
            .members()
            .iter()
            .filter(|m| !m.account.prefix.is_empty())
            .map(|m| format!("{}{id}", m.account.prefix))
            .filter(|qualified| matches!(accounts.store().get(qualified), Ok(Some(_))))
            .collect()
    }
}

/// The HTTP client of a Thumbtack or Yelp account ([remote]'s timeouts and retries apply), or
/// why there is none. Also what `leads serve` processes webhooks with.
pub fn market_http(config: &Config, account: &Account) -> Result<Http, String> {
    let r = &config.remote;
    let token = std::env::var(&account.token_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Token::new(t.trim()))
        .ok_or_else(|| format!("no access token for account {}", account.name))?;
    let to_std = |d: chrono::TimeDelta| d.to_std().unwrap_or_default();
    let policy = RetryPolicy {
        attempts: r.retries + 1,
        deadline: to_std(r.timeout),
        ..RetryPolicy::default()
    };
    let url = account.url.as_deref().unwrap_or_default();
    let per_second = (account.kind == AccountKind::Yelp).then_some(YELP_PER_SECOND);
    Http::new(url, token, to_std(r.connect_timeout), policy, per_second).map_err(|e| e.to_string())
}
