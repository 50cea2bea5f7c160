//! The TOML configuration: what it holds, where it lives, and how a bad one is reported.
//!
//! Every key has a default, so no file at the default place is a valid (default) config. A file
//! named with `--config` / `LEADS_CONFIG` must exist. Unknown keys and bad values are errors that
//! name the file, the line, the key and what is allowed: a typo must never silently fall back to a
//! default that decides which leads look urgent or how much may be spent.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::conversation::{FIRST_REPLY, Timing, check_template};
use crate::domain::decision::parse_reason;
use crate::domain::fit::{Conditions, Rule};
use crate::domain::freshness::{Span, Thresholds};
use crate::domain::lead::RejectReason;
use crate::domain::money::Money;
use crate::domain::rate::Threshold;
use crate::remote::Token;

mod server;
pub use server::ServerSettings;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where leads come from: this machine's store, or the platform's API through a local cache.
    pub source: SourceKind,
    pub remote: Remote,
    pub freshness: Freshness,
    pub response_rate: ResponseRate,
    pub budget: Budget,
    pub decisions: Decisions,
    /// Your working conditions: what each lead is checked against (its fit).
    pub conditions: Conditions,
    /// What `leads triage` does with a lead that misses a condition (or meets them all), first
    /// applicable rule first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// When a quiet conversation after an accept counts as cold, and when to nudge a customer.
    pub followups: Followups,
    /// Reply templates by name (`[templates.first_reply]`), filled from the lead by `leads reply`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, Template>,
    /// The accounts leads come from, when there are several (`[[sources]]`); without them,
    /// `source` and `[remote]` name the one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// What `leads serve` keeps its store in, when not the data dir's SQLite file.
    pub server: server::ServerSettings,
}

/// One account of `[[sources]]`: a marketplace account (or this machine's own leads), with its
/// own credentials and its own response-rate rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Shown in the ACCOUNT column and in front of each of its lead ids (`pro360/8812`), and
    /// what `--account` takes.
    pub name: String,
    pub kind: AccountKind,
    /// A Leads API account's base URL (as remote.url). For thumbtack and yelp, the platform's
    /// API host (https://api.thumbtack.com, https://api.yelp.com) when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A thumbtack account's business (`businessID`), whose negotiations `leads sync` pulls; for
    /// yelp, the business a webhook must name (`data.id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
    /// The user name of the HTTP Basic auth set on the account's webhook (required for
    /// thumbtack, whose webhooks carry it; optional for yelp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_username: Option<String>,
    /// The environment variable holding that webhook's password (never the password itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_password_env: Option<String>,
    /// The environment variable holding a Leads API account's token. Required: two accounts
    /// sharing LEADS_TOKEN by default would send one platform's token to the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
    /// The account's rate rule; [response_rate] where left out.
    #[serde(
        default,
        with = "threshold_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub threshold: Option<Threshold>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
}

/// What an account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Leads imported on this machine (`leads import`), decided here.
    Local,
    /// A platform that speaks the Leads API v1, through a cache and an outbox (today's remote).
    LeadsApi,
    /// Thumbtack Pro API v4: negotiations and their messages, by webhook and by pull.
    Thumbtack,
    /// Yelp Leads API v3: leads and their events, by webhook (and refreshed by pull).
    Yelp,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Local => "local",
            AccountKind::LeadsApi => "leads_api",
            AccountKind::Thumbtack => "thumbtack",
            AccountKind::Yelp => "yelp",
        }
    }

    /// A marketplace's own API host, used when its account names no url.
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            AccountKind::Thumbtack => Some("https://api.thumbtack.com"),
            AccountKind::Yelp => Some("https://api.yelp.com"),
            AccountKind::Local | AccountKind::LeadsApi => None,
        }
    }

    /// Thumbtack or Yelp: an account whose platform has its own API, not the Leads API.
    pub fn is_marketplace(self) -> bool {
        matches!(self, AccountKind::Thumbtack | AccountKind::Yelp)
    }
}

/// An account as the commands use it: one [[sources]] entry, or the single source of a config
/// without them, with its rate rule filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub name: String,
    pub kind: AccountKind,
    /// The API's base URL: remote.url or the source's url, or a marketplace's own host.
    pub url: Option<String>,
    pub business_id: Option<String>,
    /// The webhook's Basic auth: user name and the variable holding the password.
    pub webhook_auth: Option<(String, String)>,
    pub token_env: String,
    /// Only the single source may keep its token in the file (remote.token).
    pub token: Option<Token>,
    pub rate: ResponseRate,
    /// What its lead ids begin with: `NAME/` for every account of [[sources]], so that ids stay
    /// unique across accounts whose platforms number leads alike. Nothing for the single source,
    /// whose leads keep the ids they always had.
    pub prefix: String,
}

impl Config {
    /// Whether leads come from several accounts (`[[sources]]`): then every lead shows its
    /// account, and its id begins with the account's name.
    pub fn has_accounts(&self) -> bool {
        !self.sources.is_empty()
    }

    /// Every account leads come from, in the config's order.
    pub fn accounts(&self) -> Vec<Account> {
        if self.sources.is_empty() {
            let remote = self.source == SourceKind::Remote;
            return vec![Account {
                name: if remote { "remote" } else { "local" }.into(),
                kind: if remote {
                    AccountKind::LeadsApi
                } else {
                    AccountKind::Local
                },
                url: self.remote.url.clone(),
                business_id: None,
                webhook_auth: None,
                token_env: self.remote.token_env.clone(),
                token: self.remote.token.clone(),
                rate: self.response_rate.clone(),
                prefix: String::new(),
            }];
        }
        self.sources
            .iter()
            .map(|s| Account {
                name: s.name.clone(),
                kind: s.kind,
                url: s
                    .url
                    .clone()
                    .or_else(|| s.kind.default_url().map(str::to_string)),
                business_id: s.business_id.clone(),
                webhook_auth: s
                    .webhook_username
                    .clone()
                    .zip(s.webhook_password_env.clone()),
                token_env: s.token_env.clone().unwrap_or_default(),
                token: None,
                rate: ResponseRate {
                    threshold: s.threshold.unwrap_or(self.response_rate.threshold),
                    window_days: s.window_days.unwrap_or(self.response_rate.window_days),
                },
                prefix: format!("{}/", s.name),
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Followups {
    /// No contact either way for this long after an accept: the conversation is cold.
    #[serde(with = "span")]
    pub cold_after: TimeDelta,
    /// The customer owes the reply for this long: `leads followups` suggests a nudge.
    #[serde(with = "span")]
    pub nudge_after: TimeDelta,
}

impl Default for Followups {
    fn default() -> Self {
        let t = Timing::default();
        Followups {
            cold_after: t.cold_after,
            nudge_after: t.nudge_after,
        }
    }
}

impl Followups {
    pub fn timing(&self) -> Timing {
        Timing {
            cold_after: self.cold_after,
            nudge_after: self.nudge_after,
        }
    }
}

/// A reply template: `{name}`, `{service}`, `{place}`, `{schedule}`, `{message}` and
/// `{answer:QUESTION}` are filled from the lead; a line whose placeholder the lead lacks is left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub text: String,
}

impl Config {
    /// The template of that name; `first_reply` falls back to the built-in one.
    pub fn template(&self, name: &str) -> Option<&str> {
        match self.templates.get(name) {
            Some(t) => Some(&t.text),
            None if name == "first_reply" => Some(FIRST_REPLY),
            None => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    #[default]
    Local,
    Remote,
}

/// The Leads API the remote source talks to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Remote {
    /// The API's base URL, e.g. "https://api.example.com". https is required except to loopback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The environment variable that holds the token (checked first).
    pub token_env: String,
    /// The token itself, when it is not in the environment. The file must then be private.
    #[serde(with = "secret", skip_serializing_if = "Option::is_none")]
    pub token: Option<Token>,
    /// How long to wait for a connection.
    #[serde(with = "span")]
    pub connect_timeout: TimeDelta,
    /// The most one command spends on one request, retries and waits included.
    #[serde(with = "span")]
    pub timeout: TimeDelta,
    /// On a terminal, the most a read waits to refresh the cache before answering from it.
    #[serde(with = "span")]
    pub read_timeout: TimeDelta,
    /// Attempts after the first for a transient fault (5xx, 429, timeouts, dropped connections).
    pub retries: u32,
    /// Reads refresh the cache first when it is older than this.
    #[serde(with = "span")]
    pub max_cache_age: TimeDelta,
    /// Allow plain http to a host that is not loopback. Tokens and customers' details would cross
    /// the network readable.
    pub allow_insecure_http: bool,
}

impl Default for Remote {
    fn default() -> Self {
        Remote {
            url: None,
            token_env: "LEADS_TOKEN".into(),
            token: None,
            connect_timeout: TimeDelta::seconds(5),
            timeout: TimeDelta::seconds(30),
            read_timeout: TimeDelta::seconds(3),
            retries: 4,
            max_cache_age: TimeDelta::minutes(5),
            allow_insecure_http: false,
        }
    }
}

/// Whether `url` may carry a token: https anywhere, http only to this machine unless allowed.
pub fn check_remote_url(url: &str, allow_insecure_http: bool) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        format!("remote.url {url:?} is not a URL ({e}); write it like \"https://api.example.com\"")
    })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback || allow_insecure_http => Ok(()),
        "http" => Err(format!(
            "remote.url {url:?} is plain http to another machine: the token and customers' details would cross the network readable; use https (or set remote.allow_insecure_http = true)"
        )),
        other => Err(format!("remote.url has scheme {other:?}; use https")),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Decisions {
    /// The reason `leads reject` uses when no --reason is given. None: --reason is required.
    #[serde(with = "reason_opt", skip_serializing_if = "Option::is_none")]
    pub default_reject_reason: Option<RejectReason>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Freshness {
    /// How long a lead without `expires_at` stays answerable after it was created.
    #[serde(with = "span")]
    pub shelf_life: TimeDelta,
    /// Countdowns at or under this are urgent (red).
    #[serde(with = "span")]
    pub urgent: TimeDelta,
    /// Countdowns at or under this are soon (yellow); longer ones are fresh.
    #[serde(with = "span")]
    pub soon: TimeDelta,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            shelf_life: TimeDelta::hours(48),
            urgent: TimeDelta::hours(6),
            soon: TimeDelta::hours(24),
        }
    }
}

impl Freshness {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            urgent: self.urgent,
            soon: self.soon,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseRate {
    /// Below this share of answered New Leads the platform ranks you lower.
    #[serde(with = "threshold")]
    pub threshold: Threshold,
    /// The platform's look-back window, in days.
    pub window_days: u32,
}

impl Default for ResponseRate {
    fn default() -> Self {
        ResponseRate {
            threshold: "0.75".parse().expect("a valid literal"),
            window_days: 30,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// The most you mean to spend on contact fees per calendar week (Monday to Sunday), e.g.
    /// "3000 TWD". None: no cap.
    #[serde(
        with = "crate::domain::money::serde_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub weekly_cap: Option<Money>,
}

/// Where the config came from: the default place (may be absent) or a path the user named.
#[derive(Clone, Debug)]
pub struct ConfigPath {
    pub path: PathBuf,
    pub explicit: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {} is not valid:\n{detail}", path.display())]
    Invalid { path: PathBuf, detail: String },
}

impl Config {
    pub fn load(at: &ConfigPath) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(&at.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !at.explicit => {
                return Ok(Config::default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(at.path.clone()));
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: at.path.clone(),
                    source,
                });
            }
        };
        Config::parse(&text, &at.path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |detail: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            detail,
        };
        let config: Config = toml::from_str(text).map_err(|e| invalid(describe(&e)))?;
        config.check().map_err(invalid)?;
        Ok(config)
    }

    /// Rules that span keys or bound numbers, after every value has parsed.
    fn check(&self) -> Result<(), String> {
        self.server.check()?;
        let f = &self.freshness;
        if f.shelf_life <= TimeDelta::zero() {
            return Err("freshness.shelf_life must be longer than 0s".into());
        }
        if f.urgent > f.soon {
            return Err(format!(
                "freshness.urgent ({}) must not be longer than freshness.soon ({})",
                Span(f.urgent),
                Span(f.soon)
            ));
        }
        if !(1..=365).contains(&self.response_rate.window_days) {
            return Err(format!(
                "response_rate.window_days must be 1 to 365, not {}",
                self.response_rate.window_days
            ));
        }
        if self.source == SourceKind::Remote {
            let Some(url) = &self.remote.url else {
                return Err("source = \"remote\" needs remote.url, the API's base URL".into());
            };
            check_remote_url(url, self.remote.allow_insecure_http)?;
        }
        for (key, d) in [
            ("remote.connect_timeout", self.remote.connect_timeout),
            ("remote.timeout", self.remote.timeout),
            ("remote.read_timeout", self.remote.read_timeout),
        ] {
            if d <= TimeDelta::zero() {
                return Err(format!("{key} must be longer than 0s"));
            }
        }
        if self.budget.weekly_cap.is_some_and(|m| m.amount <= 0) {
            return Err("budget.weekly_cap must be more than 0 (leave it out for no cap)".into());
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if let Some(problem) = rule.problem(&self.conditions) {
                return Err(format!("[[rules]] number {}: {problem}", i + 1));
            }
        }
        for (key, d) in [
            ("followups.cold_after", self.followups.cold_after),
            ("followups.nudge_after", self.followups.nudge_after),
        ] {
            if d <= TimeDelta::zero() {
                return Err(format!("{key} must be longer than 0s"));
            }
        }
        for (name, t) in &self.templates {
            check_template(&t.text).map_err(|e| format!("[templates.{name}]: {e}"))?;
        }
        self.check_sources()
    }

    fn check_sources(&self) -> Result<(), String> {
        if self.sources.is_empty() {
            return Ok(());
        }
        let r = &self.remote;
        if self.source == SourceKind::Remote || r.url.is_some() || r.token.is_some() {
            return Err(
                "[[sources]] names every account, so source = \"remote\", remote.url and \
                 remote.token have no place beside it: move the remote into a [[sources]] entry \
                 with kind = \"leads_api\", url and token_env ([remote]'s timeouts and retries \
                 still apply to every such account)"
                    .into(),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            let name_ok = (1..=32).contains(&s.name.len())
                && s.name
                    .starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && s.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !name_ok {
                return Err(format!(
                    "[[sources]] number {}: name {:?} must be 1 to 32 lowercase letters, digits, \
                     _ or -, starting with a letter or digit (it goes in front of every lead id \
                     of the account, like pro360/8812)",
                    i + 1,
                    s.name
                ));
            }
            if !seen.insert(&s.name) {
                return Err(format!(
                    "[[sources]] name {:?} is used twice; give each account its own",
                    s.name
                ));
            }
            let at = format!("[[sources]] {:?}", s.name);
            match s.kind {
                AccountKind::Thumbtack | AccountKind::Yelp => {
                    if let Some(url) = &s.url {
                        check_remote_url(url, s.allow_insecure_http)
                            .map_err(|e| format!("{at}: {e}"))?;
                    }
                    let upper = s.name.to_ascii_uppercase().replace('-', "_");
                    if s.token_env.as_deref().is_none_or(|t| t.trim().is_empty()) {
                        return Err(format!(
                            "{at}: a {} account needs token_env, the environment variable holding \
                             its access token (like {upper}_TOKEN)",
                            s.kind.as_str()
                        ));
                    }
                    match (&s.webhook_username, &s.webhook_password_env) {
                        (Some(_), Some(_)) | (None, None) => {}
                        _ => {
                            return Err(format!(
                                "{at}: webhook_username and webhook_password_env go together \
                                 (the Basic auth set on the platform's webhook)"
                            ));
                        }
                    }
                    if s.kind == AccountKind::Thumbtack && s.business_id.is_none() {
                        return Err(format!(
                            "{at}: a thumbtack account needs business_id, the businessID whose \
                             negotiations it pulls (GET /api/v4/businesses lists yours)"
                        ));
                    }
                }
                AccountKind::Local | AccountKind::LeadsApi
                    if s.business_id.is_some()
                        || s.webhook_username.is_some()
                        || s.webhook_password_env.is_some() =>
                {
                    return Err(format!(
                        "{at}: business_id and the webhook keys are for thumbtack and yelp \
                         accounts"
                    ));
                }
                AccountKind::LeadsApi => {
                    let Some(url) = &s.url else {
                        return Err(format!(
                            "{at}: a leads_api account needs url, the API's base URL"
                        ));
                    };
                    check_remote_url(url, s.allow_insecure_http)
                        .map_err(|e| format!("{at}: {e}"))?;
                    if s.token_env.as_deref().is_none_or(|t| t.trim().is_empty()) {
                        return Err(format!(
                            "{at}: a leads_api account needs token_env, the environment variable \
                             holding its token (each account its own, like {}_TOKEN)",
                            s.name.to_ascii_uppercase().replace('-', "_")
                        ));
                    }
                }
                AccountKind::Local => {
                    if s.url.is_some() || s.token_env.is_some() || s.allow_insecure_http {
                        return Err(format!(
                            "{at}: a local account talks to no API, so url, token_env and \
                             allow_insecure_http have no place in it"
                        ));
                    }
                }
            }
            if let Some(days) = s.window_days
                && !(1..=365).contains(&days)
            {
                return Err(format!("{at}: window_days must be 1 to 365, not {days}"));
            }
        }
        Ok(())
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a Config always serialises")
    }
}

/// The toml crate's message already names the line, shows it with a caret under the key, and
/// lists the allowed keys for an unknown one; it only lacks a hint for the fix.
fn describe(e: &toml::de::Error) -> String {
    let message = e.message();
    let mut detail = e
        .to_string()
        .replacen(message, &in_words(message), 1)
        .trim_end()
        .to_string();
    detail.push_str("\nSee config.example.toml for every key, its default and allowed values.");
    detail
}

/// serde's and TOML's complaints, in the words of a config file rather than of Rust types:
/// "invalid type: string \"x\", expected u32" becomes "this key takes a whole number, 0 or
/// more, not the text \"x\"".
pub(crate) fn in_words(message: &str) -> String {
    let wanted = |rust: &str| -> String {
        let rust = rust.trim();
        match rust {
            "u8" => "a whole number from 0 to 255 (without quotes)".into(),
            "u16" => "a whole number from 0 to 65,535 (without quotes)".into(),
            "u32" => "a whole number from 0 to 4,294,967,295 (without quotes)".into(),
            "u64" | "u128" | "usize" => "a whole number, 0 or more (without quotes)".into(),
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
                "a whole number (without quotes)".into()
            }
            "f32" | "f64" => "a number (without quotes)".into(),
            "a sequence" => "a list in brackets, like [\"a\", \"b\"]".into(),
            "a string" | "string" => "text in quotes".into(),
            "a boolean" => "true or false (without quotes)".into(),
            "a map" | "map" => "a table of keys".into(),
            s if s.starts_with("struct ") => "a table of keys".into(),
            other => other.to_string(),
        }
    };
    let got = |serde: &str| -> String {
        let serde = serde.trim();
        for (kind, words) in [
            ("string ", "the text "),
            ("integer ", "the number "),
            ("floating point ", "the number "),
            ("boolean ", ""),
        ] {
            if let Some(value) = serde.strip_prefix(kind) {
                return format!("{words}{}", value.trim_matches('`'));
            }
        }
        match serde {
            "sequence" => "a list".into(),
            "map" => "a table".into(),
            other => other.to_string(),
        }
    };
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(lead)
            && let Some((what, expected)) = rest.split_once(", expected ")
        {
            return format!("this key takes {}, not {}", wanted(expected), got(what));
        }
    }
    if message.starts_with("wanted string or table") {
        // TOML's word for a choice among fixed words (source, a rule's action).
        return "this key takes one of its words in quotes (config.example.toml lists them)".into();
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return rest.replacen(", expected", " is not allowed here: use", 1);
    }
    message.to_string()
}

impl fmt::Display for ConfigPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())
    }
}

mod span {
    use super::*;

    pub fn serialize<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Span(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<Span>()
            .map(|s| s.0)
            .map_err(serde::de::Error::custom)
    }
}

mod threshold {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Threshold, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(t.to_f64())
    }

    /// TOML gives 0.75 as a float; its shortest decimal form is exactly what was written, which is
    /// then read as an exact fraction. A string ("0.75") is accepted too.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Threshold, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Float(f64),
            Int(i64),
            Text(String),
        }
        // serde's own refusal of anything else names the enum ("untagged enum Raw").
        let raw = Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("write a decimal above 0 and at most 1, like 0.75")
        })?;
        let text = match raw {
            Raw::Float(f) => f.to_string(),
            Raw::Int(i) => i.to_string(),
            Raw::Text(s) => s,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

mod threshold_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<Threshold>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => threshold::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Threshold>, D::Error> {
        threshold::deserialize(d).map(Some)
    }
}

/// The token never leaves in `config show`: it serialises as a marker that it is set.
mod secret {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<Token>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(_) => s.serialize_str("<set, hidden>"),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Token>, D::Error> {
        let text = String::deserialize(d)?;
        if text.trim().is_empty() {
            return Err(serde::de::Error::custom("remote.token is empty"));
        }
        Ok(Some(Token::new(text.trim())))
    }
}

/// As ssh does for a private key: a config file holding a token must not be readable by others.
pub fn permission_warning(path: &Path, config: &Config) -> Option<String> {
    config.remote.token.as_ref()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "warning: {} holds an API token and can be read by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}

mod reason_opt {
    use super::*;

    pub fn serialize<S: Serializer>(r: &Option<RejectReason>, s: S) -> Result<S::Ok, S::Error> {
        match r {
            Some(r) => s.serialize_str(r.as_str()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RejectReason>, D::Error> {
        let text = String::deserialize(d)?;
        parse_reason(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::parse_money;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/cfg/config.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn values_parse_exactly() {
        let c = parse(
            "[freshness]\nshelf_life = \"36h\"\n[response_rate]\nthreshold = 0.8\n\
             [budget]\nweekly_cap = \"2,500.50 TWD\"\n",
        )
        .unwrap();
        assert_eq!(c.freshness.shelf_life, TimeDelta::hours(36));
        assert_eq!(c.response_rate.threshold.to_string(), "80%");
        assert_eq!(c.budget.weekly_cap.unwrap().amount, 250050);
    }

    #[test]
    fn unknown_keys_name_the_file_the_key_and_the_choices() {
        let e = parse("[freshness]\nshelf_lif = \"48h\"\n").unwrap_err();
        assert!(e.contains("/cfg/config.toml"), "{e}");
        assert!(e.contains("shelf_lif"), "{e}");
        assert!(e.contains("shelf_life"), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn bad_values_say_what_is_allowed() {
        let e = parse("[freshness]\nurgent = \"6 hours\"\n").unwrap_err();
        assert!(e.contains("like 48h"), "{e}");
        let e = parse("[response_rate]\nthreshold = 75\n").unwrap_err();
        assert!(e.contains("at most 1"), "{e}");
        let e = parse("[freshness]\nurgent = \"30h\"\n").unwrap_err();
        assert!(e.contains("must not be longer than freshness.soon"), "{e}");
        let e = parse("[budget]\nweekly_cap = 3000\n").unwrap_err();
        assert!(e.contains("weekly_cap"), "{e}");
    }

    #[test]
    fn the_example_file_is_the_defaults_and_names_every_key() {
        let example = include_str!("../config.example.toml");
        assert_eq!(parse(example).unwrap(), Config::default());
        // Every key the config has must be documented there (optional ones commented out).
        let mut full = Config::default();
        full.budget.weekly_cap = Some(parse_money("3000 TWD").unwrap());
        full.decisions.default_reject_reason = Some(RejectReason::NotMyService);
        full.remote.url = Some("https://api.example.com".into());
        full.remote.token = Some(Token::new("t"));
        full = Config {
            conditions: parse(
                "[conditions]\nservices = [\"a\"]\nareas = [\"b\"]\nmin_budget = \"1 TWD\"\n\
                 max_fee = \"1 TWD\"\nunavailable = [\"sunday\"]\n",
            )
            .unwrap()
            .conditions,
            rules: parse("[[rules]]\nwhen = \"match\"\naction = \"accept\"\nreason = \"other\"\nmax_fee = \"1 TWD\"\n")
                .unwrap()
                .rules,
            sources: parse(
                "[[sources]]\nname = \"a\"\nkind = \"thumbtack\"\nurl = \"https://a.example\"\n\
                 token_env = \"A\"\nallow_insecure_http = true\nthreshold = 0.8\nwindow_days = 14\n\
                 business_id = \"1\"\nwebhook_username = \"u\"\nwebhook_password_env = \"P\"\n",
            )
            .unwrap()
            .sources,
            ..full
        };
        let table: toml::Table = toml::from_str(&full.to_toml()).unwrap();
        // Templates are a table of names the user picks; the example shows one, with its key.
        assert!(example.contains("[templates.first_reply]") && example.contains("text = "));
        for (name, value) in table {
            if let Some(rules) = value.as_array() {
                assert!(
                    example.contains(&format!("[[{name}]]")),
                    "[[{name}]] undocumented"
                );
                for key in rules[0].as_table().unwrap().keys() {
                    assert!(
                        example.contains(&format!("{key} = ")),
                        "{name}.{key} undocumented"
                    );
                }
                continue;
            }
            let Some(keys) = value.as_table() else {
                assert!(
                    example.contains(&format!("{name} = ")),
                    "{name} undocumented"
                );
                continue;
            };
            assert!(
                example.contains(&format!("[{name}]")),
                "[{name}] undocumented"
            );
            for key in keys.keys() {
                assert!(
                    example.contains(&format!("{key} = ")),
                    "{name}.{key} undocumented"
                );
            }
        }
    }

    #[test]
    fn remote_needs_a_url_that_keeps_the_token_safe() {
        let remote = |extra: &str| parse(&format!("source = \"remote\"\n[remote]\n{extra}"));
        assert!(remote("").unwrap_err().contains("needs remote.url"));
        assert!(remote("url = \"https://api.example.com\"\n").is_ok());
        assert!(remote("url = \"http://127.0.0.1:8080\"\n").is_ok());
        assert!(remote("url = \"http://localhost:8080\"\n").is_ok());
        let e = remote("url = \"http://api.example.com\"\n").unwrap_err();
        assert!(e.contains("plain http to another machine"), "{e}");
        assert!(remote("url = \"http://api.example.com\"\nallow_insecure_http = true\n").is_ok());
        assert!(
            remote("url = \"not a url\"\n")
                .unwrap_err()
                .contains("is not a URL")
        );
    }

    #[test]
    fn the_single_source_is_one_account_whose_ids_stay_as_they_are() {
        let local = parse("").unwrap().accounts();
        assert_eq!(local.len(), 1);
        assert_eq!(
            (
                local[0].name.as_str(),
                local[0].kind,
                local[0].prefix.as_str()
            ),
            ("local", AccountKind::Local, "")
        );
        let remote = parse(
            "source = \"remote\"\n[remote]\nurl = \"https://api.example.com\"\n\
             [response_rate]\nthreshold = 0.8\n",
        )
        .unwrap()
        .accounts();
        assert_eq!(
            (remote[0].name.as_str(), remote[0].kind),
            ("remote", AccountKind::LeadsApi)
        );
        assert_eq!(remote[0].token_env, "LEADS_TOKEN");
        assert_eq!(remote[0].rate.threshold.to_string(), "80%");
    }

    #[test]
    fn each_account_has_its_prefix_and_its_rule_with_response_rate_as_the_default() {
        let accounts = parse(
            "[response_rate]\nthreshold = 0.8\n\
             [[sources]]\nname = \"pro360\"\nkind = \"leads_api\"\nurl = \"https://a.example\"\n\
             token_env = \"PRO360_TOKEN\"\n\
             [[sources]]\nname = \"own\"\nkind = \"local\"\nthreshold = 0.9\nwindow_days = 14\n",
        )
        .unwrap()
        .accounts();
        let rule = |a: &Account| (a.rate.threshold.to_string(), a.rate.window_days);
        assert_eq!(accounts[0].prefix, "pro360/");
        assert_eq!(accounts[0].token_env, "PRO360_TOKEN");
        assert_eq!(rule(&accounts[0]), ("80%".into(), 30));
        assert_eq!(accounts[1].prefix, "own/");
        assert_eq!(rule(&accounts[1]), ("90%".into(), 14));
    }

    #[test]
    fn the_token_is_never_shown() {
        let c = parse("[remote]\ntoken = \"sentinel-secret\"\n").unwrap();
        assert!(!c.to_toml().contains("sentinel-secret"));
        assert!(!format!("{c:?}").contains("sentinel-secret"));
    }

    #[test]
    fn shown_config_reads_back_the_same() {
        let c = parse("[budget]\nweekly_cap = \"3000 TWD\"\n").unwrap();
        assert_eq!(parse(&c.to_toml()).unwrap(), c);
    }
}
