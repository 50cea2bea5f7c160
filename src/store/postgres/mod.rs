//! The PostgreSQL store behind `leads serve --database` (and `leads import --database`): the
//! server's leads, decisions, charges, idempotency keys, messages and outcomes in one database
//! that several servers share.
//!
//! Only `serve` and `import --database` reach this module, so nothing here runs when any other
//! command starts. tokio-postgres is the driver, deadpool-postgres the pool, refinery the
//! migration runner (numbered files in `migrations/`, only ever added, recorded in the database's
//! `refinery_schema_history`). Every promise the SQLite store keeps with one writer is kept here
//! by a constraint of the schema, with row locks (see [`writes`]) so that the checks before a
//! write read what the write will change.

mod reads;
mod target;
pub mod webhooks;
pub mod writes;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rustls_platform_verifier::ConfigVerifierExt;

pub use reads::{charges, get, page, tally};
pub use target::Target;

use crate::config::ServerSettings;

mod embedded {
    refinery::embed_migrations!("src/store/postgres/migrations");
}

/// An advisory lock key held while migrating, so that two servers started at once do not both
/// bring the schema up: the second waits, then finds nothing to do. ("leads" in ASCII.)
const MIGRATION_LOCK: i64 = 0x6c_65_61_64_73;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{0}")]
    Config(String),
    /// Not reachable now (down, restarting, the network, no free connection in time): worth
    /// trying again later.
    #[error("cannot reach the PostgreSQL database {target}: {detail}")]
    Unavailable { target: String, detail: String },
    /// Reached, but it would not let us in.
    #[error("the PostgreSQL database {target} refused the connection: {detail}")]
    Refused { target: String, detail: String },
    #[error("cannot bring the PostgreSQL database {target} up to date: {detail}")]
    Migrate { target: String, detail: String },
    #[error("the PostgreSQL database holds a value it cannot read ({0})")]
    Corrupt(String),
    #[error("lead {id}: {error}")]
    InvalidLead {
        id: String,
        error: crate::domain::lead::InvalidLead,
    },
    #[error("PostgreSQL: {0}")]
    Query(String),
    #[error("PostgreSQL: {}", describe(.0))]
    Driver(#[from] tokio_postgres::Error),
}

impl PgError {
    /// Whether a retry later may succeed: the client is told 503 with Retry-After.
    pub fn is_transient(&self) -> bool {
        match self {
            PgError::Unavailable { .. } => true,
            PgError::Driver(e) => transient(e),
            _ => false,
        }
    }

    /// A driver error, sorted into what a caller can act on.
    pub fn from_driver(e: &tokio_postgres::Error, target: &dyn std::fmt::Display) -> PgError {
        let target = target.to_string();
        let Some(db) = e.as_db_error() else {
            // No answer from the server at all: the connection failed or was lost.
            return PgError::Unavailable {
                target,
                detail: describe(e),
            };
        };
        let code = db.code().code();
        let detail = db.message().to_string();
        if transient(e) {
            PgError::Unavailable { target, detail }
        } else if code.starts_with("28") || code == "3D000" {
            // 28: authentication; 3D000: no such database.
            PgError::Refused { target, detail }
        } else {
            PgError::Query(detail)
        }
    }
}

/// The driver's error as a person reads it: the server's own message, or what failed and why
/// ("error connecting to server: Connection refused"). The driver's Display alone says only
/// "db error".
pub fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// Whether the driver's error is one a retry later may not meet: the connection failed or was
/// lost (no answer from the server at all), or the server said 08 (connection exceptions),
/// 57P0x (shutting down or starting up), 53300 (too many connections), 57014 (a statement past
/// statement_timeout), 55P03 (a lock not granted in time), 40001 or 40P01 (a serialisation
/// failure or deadlock).
fn transient(e: &tokio_postgres::Error) -> bool {
    match e.as_db_error() {
        // Not the server's answer: the connection's, unless the driver itself refused a value.
        None => {
            e.is_closed()
                || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
                || e.to_string().contains("timeout")
        }
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08")
                || matches!(
                    code,
                    "57P01" | "57P02" | "57P03" | "53300" | "57014" | "55P03" | "40001" | "40P01"
                )
        }
    }
}

fn manager_config() -> ManagerConfig {
    ManagerConfig {
        // A connection that broke (the database restarted) is closed by the time it is next
        // taken, and dropped then; checking each with a query costs a round trip.
        recycling_method: RecyclingMethod::Fast,
    }
}

/// The shared store: a pool of connections to one migrated database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    target: Target,
    wait: Duration,
}

impl PgStore {
    /// Connects to `target` and brings its schema up to date. Fails at once if the database
    /// cannot be reached, so that a server with a wrong URL stops at start-up, not on the first
    /// request.
    pub async fn open(target: Target, settings: &ServerSettings) -> Result<PgStore, PgError> {
        let millis = |d: chrono::TimeDelta| d.num_milliseconds().max(1) as u64;
        let wait = Duration::from_millis(millis(settings.connect_timeout));
        let mut config = target.config.clone();
        config
            .connect_timeout(wait)
            .options(format!(
                "-c statement_timeout={}",
                millis(settings.statement_timeout)
            ))
            // Dead peers are noticed by the pool in a minute rather than the kernel's two hours.
            .keepalives_idle(Duration::from_secs(30));
        let require_tls = config.get_ssl_mode() == tokio_postgres::config::SslMode::Require;
        let manager = if require_tls {
            // `sslmode=require`: TLS or no connection, and the server's certificate checked
            // against the system's roots (stricter than libpq's `require`, which checks nothing:
            // a database reached over a network it does not own should prove who it is). rustls
            // with ring, as the API client.
            crate::remote::install_crypto();
            let tls = rustls::ClientConfig::with_platform_verifier()
                .map_err(|e| PgError::Config(format!("cannot set up TLS for PostgreSQL: {e}")))?;
            Manager::from_config(
                config,
                tokio_postgres_rustls::MakeRustlsConnect::new(tls),
                manager_config(),
            )
        } else {
            // Without it, plain: loopback, a Unix socket, a private network or a tunnel.
            Manager::from_config(config, tokio_postgres::NoTls, manager_config())
        };
        let pool = Pool::builder(manager)
            .max_size(settings.pool_size as usize)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(wait))
            .create_timeout(Some(wait))
            .recycle_timeout(Some(wait))
            .build()
            .map_err(|e| PgError::Config(format!("cannot make the connection pool: {e}")))?;
        let store = PgStore { pool, target, wait };
        store.migrate().await?;
        Ok(store)
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// A connection from the pool, or Unavailable within the connect timeout.
    pub async fn client(&self) -> Result<deadpool_postgres::Client, PgError> {
        use deadpool_postgres::PoolError;
        self.pool.get().await.map_err(|e| match e {
            PoolError::Backend(e) => PgError::from_driver(&e, &self.target),
            PoolError::Timeout(_) => PgError::Unavailable {
                target: self.target.to_string(),
                detail: format!("no connection within {:?}", self.wait),
            },
            other => PgError::Query(other.to_string()),
        })
    }

    /// The database answers a query now.
    pub async fn ready(&self) -> Result<(), PgError> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .map_err(|e| self.error(&e))?;
        Ok(())
    }

    pub fn error(&self, e: &tokio_postgres::Error) -> PgError {
        PgError::from_driver(e, &self.target)
    }

    /// No new connections; those in use close as they are given back.
    pub fn close(&self) {
        self.pool.close();
    }

    async fn migrate(&self) -> Result<(), PgError> {
        let mut client = self.client().await?;
        let failed = |detail: String| PgError::Migrate {
            target: self.target.to_string(),
            detail,
        };
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(|e| self.error(&e))?;
        // Every pending migration in one transaction: the schema is at one version or the next.
        // A database with a migration this build does not have (a newer leads) is refused.
        let report = embedded::migrations::runner()
            .set_grouped(true)
            .set_abort_missing(true)
            .set_abort_divergent(true)
            .run_async(&mut **client)
            .await;
        let unlocked = client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await;
        let report = report.map_err(|e| failed(e.to_string()))?;
        unlocked.map_err(|e| self.error(&e))?;
        for m in report.applied_migrations() {
            log::info!("postgres: applied migration {}", m);
        }
        Ok(())
    }
}
