//! `leads`: triage lead-marketplace New Leads from the terminal.
//!
//! # A tour of the layers
//!
//! Layers only point down; each can be read without the ones above it.
//!
//! - [`domain`] is the pure core: the lead object of the API contract, money in minor units,
//!   freshness (when a lead lapses, how a countdown reads), the exact response-rate math, the lead
//!   filter, the weekly budget, and working conditions (`fit`: how a lead meets them, the rules
//!   that act on a miss, the triage score). No I/O and no clock: "now" is always an argument.
//! - [`config`] reads the TOML config into typed values and reports a bad file by path, line and
//!   key.
//! - [`store`] is where leads live: the [`store::LeadSource`] trait the commands read through,
//!   and the SQLite [`store::Store`] behind it (WAL, numbered migrations in `PRAGMA user_version`,
//!   decisions in their own table with one row per lead at most).
//! - [`render`] turns results into output: every result is a [`render::Report`], printed by the one
//!   [`render::Printer`] as a table for people, tab-separated lines for pipes, or JSON. Stored
//!   text meets a person only through [`render::untrusted`], which shows what a terminal would
//!   act on as visible marks.
//! - [`commands`] holds one file per subcommand: its clap `Args` and a `run(ctx, args)`. Decisions
//!   (accept, reject, the inbox) share one workflow, `commands::decide`.
//! - [`server`] is `leads serve`: the Leads API v1 on axum, over the same store and decision code.
//! - [`remote`] is the remote source: the Leads API v1 client (reqwest, rustls; the contract's
//!   retry, timeout and idempotency rules in one place) and [`remote::RemoteSource`], the same
//!   `LeadSource` over a local cache and an outbox of decisions, messages and outcomes waiting to
//!   be sent.
//! - [`context::Ctx`] carries the config, the clock (read once; `LEADS_NOW` fixes it), the printer
//!   and the lead source (local store or remote, chosen by the config; commands never ask which)
//!   into every command. [`cli`] parses the command line, builds the `Ctx`,
//!   dispatches, and maps a [`error::CliError`] to its documented exit code.
//!
//! # Data flow of `leads list`
//!
//! `cli::run` → `Ctx` (config + clock + printer) → `commands::list::run` → `LeadSource::select`
//! (SQL narrows by status, `domain::filter` decides) → `render::lead::LeadView` per lead (countdown
//! at "now") → `Printer::emit` → stdout.

pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod domain;
pub mod error;
pub mod remote;
pub mod render;
pub mod server;
pub mod store;
