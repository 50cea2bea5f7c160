//! `[server]`: where `leads serve` keeps its store when it is not the SQLite file in the data
//! dir, and how it uses that database.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// A PostgreSQL database for `leads serve` (`postgres://USER@HOST:PORT/DB`), shared by every
    /// server of a team. None: the SQLite store in the data dir. The password is never part of
    /// it: it comes from PGPASSWORD or a passfile (PGPASSFILE, ~/.pgpass), as for psql.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// Connections each server keeps open to the database at most.
    pub pool_size: u32,
    /// The longest one statement may run before the database cancels it (the request is then
    /// answered 503 and retried by the client).
    #[serde(with = "super::span")]
    pub statement_timeout: TimeDelta,
    /// The longest a request waits to connect, or for a free connection of the pool.
    #[serde(with = "super::span")]
    pub connect_timeout: TimeDelta,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            database: None,
            pool_size: 8,
            statement_timeout: TimeDelta::seconds(5),
            connect_timeout: TimeDelta::seconds(5),
        }
    }
}

impl ServerSettings {
    /// Bounds that no single key's type says.
    pub(super) fn check(&self) -> Result<(), String> {
        if !(1..=256).contains(&self.pool_size) {
            return Err(format!(
                "server.pool_size must be 1 to 256, not {}",
                self.pool_size
            ));
        }
        for (key, span) in [
            ("server.statement_timeout", self.statement_timeout),
            ("server.connect_timeout", self.connect_timeout),
        ] {
            if span < TimeDelta::milliseconds(1) || span > TimeDelta::hours(1) {
                return Err(format!("{key} must be from 1ms to 1h"));
            }
        }
        Ok(())
    }
}
