//! The server's store in a PostgreSQL database that several servers share.
//!
//! The endpoint code is blocking (see `backend`), so each request's work runs on a blocking
//! thread and drives the async driver with the runtime's `Handle::block_on`, one statement at a
//! time. A request holds one pooled connection for its transaction.

use std::cell::RefCell;

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::GenericClient;
use tokio::runtime::Handle;

use super::backend::{Backend, Fault, Keyed, ReadFn, Reads, WriteFn, Writes};
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::filter::StatusFilter;
use crate::domain::lead::Lead;
use crate::domain::rate::Tally;
use crate::marketplaces::{HookStore, ProcessEvent, Processed};
use crate::store::postgres::{self, PgError, PgStore, webhooks, writes};
use crate::store::{Decided, DecisionRequest, ImportSummary, Origin, StoreError, WebhookQueue};

pub(crate) struct PgBackend {
    store: PgStore,
    runtime: Handle,
}

impl PgBackend {
    pub(crate) fn new(store: PgStore, runtime: Handle) -> PgBackend {
        PgBackend { store, runtime }
    }

    /// The webhook worker's store, on the same pool.
    pub(crate) fn hooks(&self) -> PgHookStore {
        PgHookStore {
            store: self.store.clone(),
            runtime: self.runtime.clone(),
            held: RefCell::new(None),
        }
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

    fn receive_webhooks(
        &self,
        account: &str,
        events: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<(u64, u64), Fault> {
        let rt = &self.runtime;
        let mut client = self.client()?;
        let tx = rt.block_on(client.transaction()).map_err(driver)?;
        let counts = rt.block_on(webhooks::receive(&tx, account, events, now))?;
        rt.block_on(tx.commit()).map_err(driver)?;
        Ok(counts)
    }

    fn ready(&self) -> Result<(), Fault> {
        Ok(self.runtime.block_on(self.store.ready())?)
    }

    fn close(&self) {
        self.store.close();
    }
}

/// The webhook worker's side of the database: it processes the queue that every server shares
/// (see migration V2). Each event is taken in a transaction of its own (`FOR UPDATE SKIP
/// LOCKED`) on one connection, which stays `held` while the event is processed, so that the
/// lead imported from the platform, its cursor and the event's settling commit together; a
/// server that dies mid-way leaves the event queued and unlocked. One worker thread uses it.
pub(crate) struct PgHookStore {
    store: PgStore,
    runtime: Handle,
    /// The connection of the event being processed, inside its transaction.
    held: RefCell<Option<deadpool_postgres::Client>>,
}

impl PgHookStore {
    /// Runs `f` on the held connection, or on one of the pool outside any event.
    fn on<T>(
        &self,
        f: impl AsyncFnOnce(&deadpool_postgres::Client) -> Result<T, PgError>,
    ) -> Result<T, StoreError> {
        let held = self.held.borrow();
        let out = match held.as_ref() {
            Some(client) => self.runtime.block_on(f(client)),
            None => {
                let client = self.runtime.block_on(self.store.client())?;
                self.runtime.block_on(f(&client))
            }
        };
        Ok(out?)
    }

    /// The loop of [`HookStore::each_due_webhook`], on the held connection: each event in a
    /// transaction of its own, committed with its settling.
    fn work_through(
        &self,
        account: &str,
        now: DateTime<Utc>,
        all: bool,
        process: &mut ProcessEvent,
    ) -> Result<Processed, StoreError> {
        let mut out = Processed::default();
        let mut after = 0;
        loop {
            let next = self.on(async |c| {
                c.batch_execute("BEGIN").await?;
                let next = webhooks::take_next(c, account, now, all, after).await?;
                match next {
                    // What processing writes can be undone, keeping the event's lock.
                    Some(_) => c.batch_execute("SAVEPOINT processing").await?,
                    None => c.batch_execute("COMMIT").await?,
                }
                Ok(next)
            })?;
            let Some(event) = next else {
                return Ok(out);
            };
            after = event.seq;
            match process(&event)? {
                Ok(()) => {
                    self.on(async |c| webhooks::done(c, event.seq, now).await)?;
                    out.done += 1;
                }
                // What the failed attempt wrote is not kept; only that it failed, and why.
                Err(why) => {
                    self.on(async |c| {
                        c.batch_execute("ROLLBACK TO SAVEPOINT processing").await?;
                        webhooks::failed(c, &event, &why, now).await
                    })?;
                    out.failed += 1;
                }
            }
            self.on(async |c| Ok(c.batch_execute("COMMIT").await?))?;
        }
    }
}

impl HookStore for PgHookStore {
    fn each_due_webhook(
        &self,
        account: &str,
        now: DateTime<Utc>,
        all: bool,
        process: &mut ProcessEvent,
    ) -> Result<Processed, StoreError> {
        let client = self.runtime.block_on(self.store.client())?;
        *self.held.borrow_mut() = Some(client);
        let out = self.work_through(account, now, all, process);
        if out.is_err() {
            // Ended now: a connection handed back inside a transaction would carry it on.
            let _ = self.on(async |c| Ok(c.batch_execute("ROLLBACK").await?));
        }
        self.held.borrow_mut().take();
        out
    }

    fn webhook_queue(&self, account: &str) -> Result<WebhookQueue, StoreError> {
        self.on(async |c| webhooks::queue(c, account).await)
    }

    fn stored_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        self.on(async |c| postgres::get(c, id).await)
    }

    fn import_fetched(&self, lead: &Lead, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut summary = ImportSummary::default();
        self.on(async |c| writes::import_lead(c, lead, now, &mut summary).await)
    }

    fn remembered(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.on(async |c| webhooks::remembered(c, name).await)
    }

    fn remember(&self, name: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.on(async |c| webhooks::remember(c, name, value, now).await)
    }
}
