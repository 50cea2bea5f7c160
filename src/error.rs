//! The one error type commands return, and the exit codes it maps to.
//!
//! Library layers raise typed errors (store, config, domain parse errors); they become a
//! [`CliError`] here with a kind that fixes the exit code and, where we know it, the command that
//! fixes the problem. The table in README.md ("Exit codes") lists the same codes.

use std::fmt;

use crate::config::ConfigError;
use crate::store::StoreError;

/// Every exit code `leads` uses. Scripts rely on these: change none, only add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// Something failed that is not the input's fault: the store, the disk, an I/O error.
    Failure = 1,
    /// A bad flag, argument or value on the command line (clap uses 2 as well).
    Usage = 2,
    /// The config file is missing (when named), unreadable or invalid.
    Config = 3,
    /// Input data (an import file, stdin) is malformed or invalid. Nothing was changed.
    BadInput = 5,
    /// A lead id that is not in the store.
    NotFound = 6,
    /// A decision ran, but some selected leads were skipped (already decided, lapsed, unknown,
    /// over --max-fee). Every lead reported decided was decided.
    Partial = 7,
    /// Nothing was decided: you declined at the prompt, or a guard refused (the weekly budget).
    Declined = 8,
    /// Remote source: some decisions, messages or outcomes are recorded here but could not reach
    /// the API yet; they wait in the outbox and `leads sync` sends them.
    Queued = 9,
    /// `status --check`: at or above the threshold, but letting pending leads lapse would drop it.
    AtRisk = 10,
    /// `status --check`: below the threshold.
    Below = 11,
    /// Nothing was decided: every selected lead was skipped (already decided, lapsed, over
    /// --max-fee, …; each says why). A single unknown id is 6 instead.
    AllSkipped = 12,
    /// Ctrl-C: stopped at your request; every decision made before it is kept.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Every code with its meaning, for `leads --help`, the man page and the README table (a test
    /// keeps the README's table the same).
    pub const ALL: [(Exit, &'static str); 13] = [
        (Exit::Ok, "done"),
        (
            Exit::Failure,
            "failed, not through your input: the store, the disk, the network",
        ),
        (
            Exit::Usage,
            "usage: a bad flag or value, or a prompt that --no-input forbids",
        ),
        (
            Exit::Config,
            "the config is missing, unreadable or invalid, the API refused the token, or PostgreSQL refused the login or the database URL",
        ),
        (
            Exit::BadInput,
            "bad input data (an import file or stdin); nothing was changed",
        ),
        (Exit::NotFound, "no lead with that id"),
        (
            Exit::Partial,
            "decided, but some selected leads were skipped (each says why)",
        ),
        (
            Exit::Declined,
            "nothing decided: declined at the prompt, or over the weekly budget",
        ),
        (
            Exit::Queued,
            "remote: recorded here, not yet sent; `leads sync` sends it",
        ),
        (
            Exit::AtRisk,
            "status --check: at risk of dropping below the threshold",
        ),
        (Exit::Below, "status --check: below the threshold"),
        (
            Exit::AllSkipped,
            "nothing decided: every selected lead was skipped (each says why)",
        ),
        (
            Exit::Interrupted,
            "interrupted (Ctrl-C); decisions already made are kept",
        ),
    ];
}

#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    /// What to do about it, usually a command to run.
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(Exit::BadInput, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// What to do about a store that is damaged.
const DAMAGED: &str = "move it aside (with its -wal and -shm files, if any) and restore a backup, \
or let leads start a new, empty store there; sqlite3's .recover may rescue what it holds";

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        // Damage found after the store opened, deep in the file: the same advice.
        if let StoreError::Sqlite(inner) = &e
            && crate::store::is_damage(inner)
        {
            return CliError::new(
                Exit::Failure,
                format!("the lead store is damaged ({inner})"),
            )
            .with_hint(format!("{DAMAGED} (`leads config path` shows where it is)"));
        }
        let hint = match &e {
            StoreError::Damaged { .. } => Some(DAMAGED),
            StoreError::ReadOnly { .. } => Some(
                "reads such as `leads list` still work; to decide or import, make it writable \
                 (chmod u+w, on the file and its data dir) or ask whoever owns it",
            ),
            StoreError::Outdated { .. } => Some(
                "make it writable once (chmod u+w, on the file and its data dir) and run any leads \
                 command to bring it up to date, or ask whoever owns it to",
            ),
            StoreError::Migrate { .. } => Some(
                "a store made by a development build of leads cannot always be brought up to date: move it aside (with its -wal and -shm files) and import or sync again",
            ),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            | StoreError::Open {
                source: rusqlite::Error::SqliteFailure(f, _),
                ..
            } if f.code == rusqlite::ErrorCode::DatabaseBusy => Some(
                "another leads command is writing to the store (a first import holds a new store \
                 to itself until it ends); try again in a moment",
            ),
            StoreError::CreateDir { .. } | StoreError::Open { .. } => Some(
                "check the permissions of the data dir, or point --data-dir (LEADS_DATA_DIR) elsewhere",
            ),
            _ => None,
        };
        CliError {
            exit: Exit::Failure,
            message: e.to_string(),
            hint: hint.map(str::to_string),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        let hint = match &e {
            ConfigError::Missing(_) => Some(
                "create it (config.example.toml lists every key), or drop --config / LEADS_CONFIG to use the defaults",
            ),
            _ => None,
        };
        CliError {
            exit: Exit::Config,
            message: e.to_string(),
            hint: hint.map(str::to_string),
        }
    }
}

impl From<crate::domain::money::Overflow> for CliError {
    fn from(e: crate::domain::money::Overflow) -> Self {
        CliError::new(Exit::Failure, format!("cannot count the money: {e}; nothing was decided"))
            .with_hint(format!(
                "a lead or charge holds an implausible amount; `leads list --fee-above {}` finds such leads",
                crate::domain::money::CEILING_MAJOR
            ))
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        // `{:#}` prints the context chain on one line: "reading leads.json: permission denied".
        CliError::new(Exit::Failure, format!("{e:#}"))
    }
}

impl From<crate::store::postgres::PgError> for CliError {
    fn from(e: crate::store::postgres::PgError) -> Self {
        use crate::store::postgres::PgError;
        let (exit, hint) = match &e {
            PgError::Config(_) => (
                Exit::Config,
                "set server.database in the config, or pass --database postgres://USER@HOST:PORT/DB",
            ),
            PgError::Refused { .. } => (
                Exit::Config,
                "check the user and database names, and that PGPASSWORD or ~/.pgpass (PGPASSFILE) \
                 holds this user's password",
            ),
            PgError::Unavailable { .. } => (
                Exit::Failure,
                "is PostgreSQL running there, and does it take connections from this machine \
                 (listen_addresses, pg_hba.conf)?",
            ),
            PgError::Migrate { .. } => (
                Exit::Failure,
                "a database brought up to date by a newer leads cannot be served by this one: \
                 upgrade leads",
            ),
            _ => (
                Exit::Failure,
                "try again; if it persists, see the PostgreSQL server's log",
            ),
        };
        CliError::new(exit, e.to_string()).with_hint(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store another command holds (a first import, which writes a new store under a rollback
    /// journal) is busy, not out of reach: the hint says to wait, not to check permissions.
    #[test]
    fn a_busy_store_says_to_wait_whether_opening_or_reading() {
        let busy = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("database is locked".into()),
            )
        };
        let opening = StoreError::Open {
            path: "/data/leads.db".into(),
            source: busy(),
        };
        for e in [opening, StoreError::Sqlite(busy())] {
            let hint = CliError::from(e).hint.unwrap();
            assert!(
                hint.starts_with("another leads command is writing"),
                "{hint}"
            );
        }
        let denied = StoreError::Open {
            path: "/data/leads.db".into(),
            source: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                None,
            ),
        };
        assert!(
            CliError::from(denied)
                .hint
                .unwrap()
                .starts_with("check the permissions")
        );
    }
}
