//! [`Ctx`]: everything a command needs, built once in [`crate::cli::run`] and passed down.

use std::cell::OnceCell;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local, Utc};

use crate::config::{Config, ConfigPath};
use crate::error::{CliError, Exit};
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
    /// Opened on first use, so `leads config path` never creates a store.
    store: OnceCell<Store>,
}

impl Ctx {
    pub fn new(
        config: Config,
        config_path: ConfigPath,
        data_dir: PathBuf,
        clock: Clock,
        out: Printer,
        no_input: bool,
    ) -> Ctx {
        Ctx {
            config,
            config_path,
            data_dir,
            clock,
            out,
            no_input,
            store: OnceCell::new(),
        }
    }

    /// Whether a prompt can be shown: stdin and stderr are terminals and input is allowed.
    pub fn can_prompt(&self) -> bool {
        use std::io::IsTerminal;
        !self.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.utc()
    }

    /// The local SQLite store, for the commands that write it directly (import, demo).
    pub fn store(&self) -> Result<&Store, CliError> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let store = Store::open(&self.data_dir)?;
        Ok(self.store.get_or_init(|| store))
    }

    /// Where leads are read from. Commands use this and never ask which kind it is.
    pub fn source(&self) -> Result<&dyn LeadSource, CliError> {
        Ok(self.store()? as &dyn LeadSource)
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
