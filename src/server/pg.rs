//! The server's store in a PostgreSQL database that several servers share.
//!
//! The endpoint code is blocking (see `backend`), so each request's work runs on a blocking
//! thread and drives the async driver with the runtime's `Handle::block_on`, one statement at a
//! time. A request holds one pooled connection for its transaction.

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::GenericClient;
use tokio::runtime::Handle;

use super::backend::{Backend, Fault, Keyed, ReadFn, Reads, WriteFn, Writes};
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::filter::StatusFilter;
use crate::domain::lead::Lead;
use crate::domain::rate::Tally;
use crate::store::postgres::{self, PgError, PgStore, writes};
use crate::store::{Decided, DecisionRequest, Origin};

pub(crate) struct PgBackend {
    store: PgStore,
    runtime: Handle,
}

impl PgBackend {
    pub(crate) fn new(store: PgStore, runtime: Handle) -> PgBackend {
        PgBackend { store, runtime }
    }

    fn client(&self) -> Result<deadpool_postgres::Client, Fault> {
        Ok(self.runtime.block_on(self.store.client())?)
    }
}

/// A connection of the pool, outside any transaction (reads), or a write transaction, where
/// `get` locks the lead's row until the transaction ends (see `store::postgres::writes`). Only
/// `keyed` makes one with `locking`, over its transaction, and only that one is used as `Writes`.
struct Pg<'a, C> {
    client: &'a C,
    runtime: &'a Handle,
    locking: bool,
}

fn driver(e: tokio_postgres::Error) -> Fault {
    Fault::from(PgError::from(e))
}

impl<C: GenericClient> Reads for Pg<'_, C> {
    fn get(&self, id: &str) -> Result<Option<Lead>, Fault> {
        Ok(if self.locking {
            self.runtime.block_on(writes::lock_lead(self.client, id))?
        } else {
            self.runtime.block_on(postgres::get(self.client, id))?
        })
    }

    fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        matches: &mut (dyn FnMut(&Lead) -> bool + Send),
    ) -> Result<Vec<Lead>, Fault> {
        Ok(self
            .runtime
            .block_on(postgres::page(self.client, status, after, limit, matches))?)
    }

    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, Fault> {
        Ok(self
            .runtime
            .block_on(postgres::tally(self.client, since, now, shelf_life))?)
    }
}

impl<C: GenericClient> Writes for Pg<'_, C> {
    fn decide(
        &self,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, Fault> {
        Ok(self
            .runtime
            .block_on(writes::decide(self.client, req, now, shelf_life))?)
    }

    fn add_contact(&self, lead_id: &str, message: &Message, origin: Origin) -> Result<(), Fault> {
        self.runtime
            .block_on(writes::add_message(self.client, lead_id, message, origin))?;
        Ok(())
    }

    fn set_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), Fault> {
        Ok(self
            .runtime
            .block_on(writes::set_outcome(self.client, lead_id, outcome, now))?)
    }
}

impl Backend for PgBackend {
    fn read(&self, f: &mut ReadFn) -> Result<(), Fault> {
        let client = self.client()?;
        f(&Pg {
            client: &client,
            runtime: &self.runtime,
            locking: false,
        })
    }

    fn keyed(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        write: &mut WriteFn,
    ) -> Result<Keyed, Fault> {
        let rt = &self.runtime;
        let mut client = self.client()?;
        let tx = rt.block_on(client.transaction()).map_err(driver)?;
        let outcome = (|| {
            if !rt.block_on(writes::try_lock_key(&tx, key))? {
                return Ok(Keyed::InUse);
            }
            // Under the key's lock: a response committed by whichever server had the key first
            // is visible to this statement.
            if let Some((first, status, body)) = rt.block_on(writes::stored_response(&tx, key))? {
                return Ok(if first == fingerprint {
                    Keyed::Replay { status, body }
                } else {
                    Keyed::Reused
                });
            }
            let (status, body) = write(&Pg {
                client: &tx,
                runtime: rt,
                locking: true,
            })?;
            rt.block_on(writes::store_response(
                &tx,
                key,
                fingerprint,
                status,
                &body,
                now,
            ))?;
            Ok(Keyed::First { status, body })
        })();
        match outcome {
            Ok(first @ Keyed::First { .. }) => {
                rt.block_on(tx.commit()).map_err(driver)?;
                Ok(first)
            }
            // Ended here and now, not when the dropped transaction's rollback reaches the
            // database: until then it would hold the key's lock, and a retry that came at once
            // (to any server) would be told the key is in use.
            other => {
                let _ = rt.block_on(tx.rollback());
                other
            }
        }
    }

    fn ready(&self) -> Result<(), Fault> {
        Ok(self.runtime.block_on(self.store.ready())?)
    }

    fn close(&self) {
        self.store.close();
    }
}
