//! What the server needs from its store, and the two stores that give it: the SQLite file in the
//! data dir (one server) and a PostgreSQL database (any number of servers). The endpoints see
//! only [`Backend`], [`Reads`] and [`Writes`], so they cannot tell which is behind them.
//!
//! Both are used from tokio's blocking threads, one request at a time per connection: SQLite is
//! blocking anyway, and the PostgreSQL side drives its async driver there with
//! `Handle::block_on`, so that one piece of endpoint code (a closure doing a decision's reads and
//! writes in one transaction) serves both.

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::filter::StatusFilter;
use crate::domain::lead::Lead;
use crate::domain::rate::Tally;
use crate::store::{Decided, DecisionRequest, Origin, StoreError};

pub(crate) use super::pg::PgBackend;
pub(crate) use super::sqlite::SqliteBackend;

/// A store's failure, as the server answers it.
#[derive(Debug)]
pub(crate) enum Fault {
    /// Not the client's doing and not worth repeating at once: 500. The detail is for the log.
    Failed(String),
    /// The store cannot be reached now (the database is down or restarting, no free connection
    /// in time): 503 with Retry-After, which the client honours and then retries.
    Unavailable(String),
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        if let StoreError::Postgres(e) = e {
            return e.into();
        }
        // Another process holding SQLite's write lock past the busy timeout passes.
        if let StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) = &e
            && f.code == rusqlite::ErrorCode::DatabaseBusy
        {
            return Fault::Unavailable(e.to_string());
        }
        Fault::Failed(e.to_string())
    }
}

impl From<crate::store::postgres::PgError> for Fault {
    fn from(e: crate::store::postgres::PgError) -> Self {
        if e.is_transient() {
            Fault::Unavailable(e.to_string())
        } else {
            Fault::Failed(e.to_string())
        }
    }
}

/// What a request reads.
pub(crate) trait Reads {
    /// The lead with its messages and outcome. Inside [`Writes`], the lead is also locked
    /// against other writers until the write ends.
    fn get(&self, id: &str) -> Result<Option<Lead>, Fault>;

    /// A page oldest first after `after`, of leads `matches` takes; up to `limit + 1`.
    fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        matches: &mut (dyn FnMut(&Lead) -> bool + Send),
    ) -> Result<Vec<Lead>, Fault>;

    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, Fault>;
}

/// What a write under an idempotency key does, all inside its one transaction.
pub(crate) trait Writes: Reads {
    /// One decision, by the rules of `leads accept` and `leads reject`.
    fn decide(
        &self,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, Fault>;

    /// Adds a message to an accepted lead's log (once per message id).
    fn add_contact(&self, lead_id: &str, message: &Message, origin: Origin) -> Result<(), Fault>;

    /// Sets an accepted lead's outcome, keeping the one it replaces.
    fn set_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), Fault>;
}

/// What a write under an idempotency key came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Keyed {
    /// Done (or refused) now; this response was stored under the key.
    First { status: u16, body: String },
    /// The key was seen before with the same request: its stored response.
    Replay { status: u16, body: String },
    /// The key was seen before with a different request.
    Reused,
    /// Another request with this key is still being worked on (by this server or another).
    InUse,
}

/// The work of a read: it keeps its own result, so that one signature serves every endpoint.
pub(crate) type ReadFn<'a> = dyn FnMut(&dyn Reads) -> Result<(), Fault> + 'a;

/// The work of a keyed write: it returns the response (status and body) to store under the key.
pub(crate) type WriteFn<'a> = dyn FnMut(&dyn Writes) -> Result<(u16, String), Fault> + 'a;

/// A store the server runs on. Every method blocks: call it from a blocking thread.
pub(crate) trait Backend: Send + Sync {
    /// Runs `f` with a connection for reading.
    fn read(&self, f: &mut ReadFn) -> Result<(), Fault>;

    /// In one transaction: looks the key up; unless it was seen, runs `write`, which returns the
    /// response (a refusal too), and stores that response under the key. Committed when this
    /// returns `First`; nothing of `write` is kept when it fails.
    fn keyed(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        write: &mut WriteFn,
    ) -> Result<Keyed, Fault>;

    /// Stores a marketplace's webhook events (event id, body) of `account` not here already, in
    /// one committed transaction: (new, already here).
    fn receive_webhooks(
        &self,
        account: &str,
        events: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<(u64, u64), Fault>;

    /// The store answers now (`/readyz`).
    fn ready(&self) -> Result<(), Fault>;

    /// No new connections; called once the server has stopped.
    fn close(&self) {}
}
