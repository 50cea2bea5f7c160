//! `leads`: triage lead-marketplace New Leads from the terminal.
//!
//! # A tour of the layers
//!
//! Layers only point down; each can be read without the ones above it.
//!
//! - [`domain`] is the pure core: the lead object of the API contract, money in minor units,
//!   freshness (when a lead lapses, how a countdown reads), the exact response-rate math, the lead
//!   filter, the weekly budget, working conditions (`fit`: how a lead meets them, the rules
//!   that act on a miss, the triage score), and what follows an accept (`conversation`: whose
//!   turn it is, personal replies, templates; `report`: cost per win). No I/O and no clock: "now"
//!   is always an argument.
//! - [`config`] reads the TOML config into typed values and reports a bad file by path, line and
//!   key.
//! - [`store`] is where leads live: the [`store::LeadSource`] trait the commands read through,
//!   and the SQLite [`store::Store`] behind it (WAL, numbered migrations in `PRAGMA user_version`,
//!   decisions in their own table with one row per lead at most). A connection may be scoped to
//!   some accounts' leads ([`store::Scope`]: their ids begin with the account's name).
//!   [`store::postgres`] is the PostgreSQL store that several `leads serve` share (tokio-postgres,
//!   deadpool, refinery migrations; the key's and the lead's locks in `writes`): only `serve` and
//!   `import --database` reach it, so no other command pays for it at start-up.
//! - [`render`] turns results into output: every result is a [`render::Report`], printed by the one
//!   [`render::Printer`] as a table for people, tab-separated lines for pipes, or JSON. Stored
//!   text meets a person only through [`render::untrusted`], which shows what a terminal would
//!   act on as visible marks.
//! - [`commands`] holds one file per subcommand: its clap `Args` and a `run(ctx, args)`. Decisions
//!   (accept, reject, the inbox) share one workflow, `commands::decide`.
//! - [`server`] is `leads serve`: the Leads API v1 on axum, over the same store and decision code,
//!   and the marketplaces' webhooks (a path per account; stored before they are answered). The
//!   endpoints see one `Backend` (reads, and writes under an idempotency key), the SQLite file or
//!   a PostgreSQL database behind it; `/healthz` and `/readyz` for load balancers.
//! - [`remote`] is the remote source: the Leads API v1 client (reqwest, rustls; the contract's
//!   retry, timeout and idempotency rules in one place) and [`remote::RemoteSource`], one Leads
//!   API account's link to its platform: a local cache, an outbox of decisions, messages and
//!   outcomes waiting to be sent, the platform's rate.
//! - [`marketplaces`] is a Thumbtack or Yelp account's link to its platform's own API
//!   ([`marketplaces::MarketSource`]): the documented wire shapes mapped to leads and contact
//!   logs, webhooks processed from the queue of any [`marketplaces::HookStore`] (the SQLite store,
//!   or the database a team's servers share), pulls by cursor or time, replies through the
//!   outbox, Yelp's request limit held by a token bucket.
//! - [`accounts`] is the one `LeadSource` the commands use: every account of the config (the
//!   single source of a config without `[[sources]]` is one), local, Leads API or marketplace, as
//!   one inbox in one store file, with each decision and reply sent to its lead's own account.
//! - [`context::Ctx`] carries the config, the clock (read once; `LEADS_NOW` fixes it), the printer
//!   and the accounts (all of them, or the one `--account` names; commands never ask which kind)
//!   into every command. [`cli`] parses the command line, builds the `Ctx`,
//!   dispatches, and maps a [`error::CliError`] to its documented exit code.
//!
//! # Data flow of `leads list`
//!
//! `cli::run` → `Ctx` (config + clock + printer) → `commands::list::run` →
//! `LeadSource::select` (`select_listing` for a table or records: only the columns a row shows,
//! a pending lead's as one value of one index, handed over in batches of records as they are
//! read; SQL narrows by status and account, `domain::filter` decides, and `LeadFilter::arrange`
//! gives the order as positions) → a `render::lead::LeadView` borrowing each lead (countdown at
//! "now") → `Printer::emit` → stdout. Piped, `commands::list` decodes, writes and sorts each
//! batch on a second thread while the next is read, and merges the batches in order at the end.

pub mod accounts;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod domain;
pub mod error;
pub mod marketplaces;
pub mod remote;
pub mod render;
pub mod server;
pub mod store;
