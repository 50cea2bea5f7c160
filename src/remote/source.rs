//! The remote source: the platform's leads in a local cache, decisions through a local outbox.
//!
//! Reads answer from the cache (the same SQLite store as the local source). A decision is made
//! here first, in one transaction with an outbox row holding its idempotency key, then pushed at
//! once; if the API cannot be reached it stays queued, and `leads sync` pushes it later with the
//! same key, so the platform charges at most once however often it is sent.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use super::{Client, Refusal, RemoteError, ServerRate};
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::decision::Skip;
use crate::domain::filter::LeadFilter;
use crate::domain::lead::{Lead, Status};
use crate::domain::money::Money;
use crate::domain::rate::Tally;
use crate::store::{
    Decided, DecisionRecord, DecisionRequest, HistoryQuery, LeadSource, OutcomeChange,
    QueueSummary, Queued, Recorded, ReportedRate, Store, StoreError,
};

/// Cache state keys.
const PULLED_AT: &str = "pulled_at";
const SERVER_RATE: &str = "server_rate";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a pull brought.
#[derive(Debug, Default, serde::Serialize)]
pub struct PullSummary {
    /// Pending leads received.
    pub pulled: u64,
    /// Leads pending here that the server had decided or expired meanwhile.
    pub updated_elsewhere: u64,
}

/// What one round with the API did.
pub struct SyncReport {
    /// The outcome of each decision sent.
    pub pushed: Vec<Decided>,
    pub pull: PullSummary,
    pub rate: ServerRate,
}

impl SyncReport {
    pub fn count(&self, which: fn(&Decided) -> bool) -> u64 {
        self.pushed.iter().filter(|d| which(d)).count() as u64
    }

    /// A line for each decision that did not go through: still queued, or refused for good.
    pub fn problems(&self) -> Vec<String> {
        self.pushed
            .iter()
            .filter_map(|d| match d {
                Decided::Done { .. } => None,
                Decided::Queued { lead, why } => Some(format!("still queued, {}: {why}", lead.id)),
                Decided::Skipped { lead, why } => Some(format!(
                    "not sent, {}: {why}",
                    lead.as_ref().map_or("?", |l| l.id.as_str())
                )),
            })
            .collect()
    }
}

pub struct RemoteSource {
    pub store: Store,
    /// None with `--offline`: everything answers from the cache and decisions stay queued.
    client: Option<Client>,
}

impl RemoteSource {
    pub fn new(store: Store, client: Option<Client>) -> RemoteSource {
        RemoteSource { store, client }
    }

    fn client(&self) -> Result<&Client, RemoteError> {
        self.client.as_ref().ok_or(RemoteError::Offline)
    }

    /// Runs `f` with no request to the API going past `budget` from now, whatever the retry
    /// policy allows: for a read someone is waiting on, which would rather answer from the cache.
    pub fn within<T>(&self, budget: Duration, f: impl FnOnce() -> T) -> T {
        let Some(client) = &self.client else {
            return f();
        };
        client.cutoff.set(Some(Instant::now() + budget));
        let out = f();
        client.cutoff.set(None);
        out
    }

    /// When the cache was last filled from the API.
    pub fn pulled_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.store.state(PULLED_AT)?.map(|(_, at)| at))
    }

    /// The server's response rate as last fetched, and when.
    pub fn server_rate(&self) -> Result<Option<(ServerRate, DateTime<Utc>)>, StoreError> {
        Ok(self
            .store
            .state(SERVER_RATE)?
            .and_then(|(json, at)| serde_json::from_str(&json).ok().map(|r| (r, at))))
    }

    /// Pulls every pending lead, page by page, into the cache, and brings up to date the leads
    /// pending here that are no longer pending there (decided or expired elsewhere).
    pub fn pull(
        &self,
        now: DateTime<Utc>,
        mut on_page: impl FnMut(u64),
    ) -> Result<PullSummary, SyncError> {
        let mut summary = PullSummary::default();
        let mut on_server = HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .client()?
                .page(Some("pending"), cursor.as_deref(), 500)?;
            on_server.extend(page.data.iter().map(|l| l.id.clone()));
            self.store.import(&page.data, now)?;
            summary.pulled += page.data.len() as u64;
            on_page(page.data.len() as u64);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        // A lead pending here but absent there was decided or expired elsewhere. (By stored
        // status: a lead that lapsed here by the clock is still asked about.)
        let stale: Vec<String> = self
            .store
            .pending_ids()?
            .into_iter()
            .filter(|id| !on_server.contains(id))
            .collect();
        for id in stale {
            match self.client()?.lead(&id) {
                Ok(fresh) => {
                    self.store.import(&[fresh], now)?;
                    summary.updated_elsewhere += 1;
                }
                Err(RemoteError::Refused(Refusal { status: 404, .. })) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.store.set_state(PULLED_AT, &now.to_rfc3339(), now)?;
        Ok(summary)
    }

    /// Fetches the server's response rate. The decisions sent before asking are in it from now
    /// on, so they stop being added to it.
    pub fn refresh_rate(&self, now: DateTime<Utc>) -> Result<ServerRate, SyncError> {
        let counted = self.store.sent_keys()?;
        let rate = self.client()?.response_rate()?;
        let json = serde_json::to_string(&rate).expect("a rate always serialises");
        self.store.set_state(SERVER_RATE, &json, now)?;
        self.store.reflected(&counted)?;
        Ok(rate)
    }

    /// Sends one queued decision and settles it here by the answer.
    pub fn push(&self, q: &Queued, now: DateTime<Utc>) -> Result<Decided, StoreError> {
        let lead = self.store.get(&q.lead_id)?;
        let answer = self
            .client()
            .and_then(|c| c.decide(&q.lead_id, q.action, q.reason, q.note.as_deref(), &q.key));
        match answer {
            Ok(reply) => {
                let charge = reply.charge.as_ref().map(|c| (c.id.as_str(), c.money));
                self.store.sent(&q.key, &q.lead_id, charge, now)?;
                // The accepted lead comes back with the customer's contact details.
                self.store.import(std::slice::from_ref(&reply.lead), now)?;
                let lead = self.store.get(&q.lead_id)?.unwrap_or(reply.lead);
                Ok(Decided::Done {
                    lead,
                    charge: reply.charge.as_ref().map(|c| c.money),
                    charge_id: reply.charge.map(|c| c.id),
                })
            }
            Err(RemoteError::Refused(refusal)) => {
                // Only an answer in the contract's shape speaks for the lead; anything else is
                // shown as it came.
                let code = refusal.code.as_deref();
                let (after, why) = match (refusal.status, code) {
                    (409, Some("lead_expired")) => (Status::Expired, Skip::Expired),
                    (404, Some(_)) => (Status::Expired, Skip::Unknown),
                    (402, Some(_)) => (Status::Pending, Skip::InsufficientFunds),
                    (409, Some("already_decided")) => {
                        (Status::Pending, Skip::Refused(refusal.message.clone()))
                    }
                    _ => (Status::Pending, Skip::Refused(refusal.to_string())),
                };
                self.store.unsend(&q.key, &q.lead_id, after, now)?;
                // Decided elsewhere: take the server's version, which says how and when.
                let why = if code == Some("already_decided")
                    && let Ok(fresh) = self.client().and_then(|c| c.lead(&q.lead_id))
                {
                    self.store.import(std::slice::from_ref(&fresh), now)?;
                    fresh.decision.map_or(why, |d| Skip::AlreadyDecided {
                        action: d.action,
                        at: d.decided_at,
                    })
                } else {
                    why
                };
                Ok(Decided::Skipped { lead, why })
            }
            Err(e) => {
                let why = match &e {
                    RemoteError::Unauthorized => "the API refused the token (401): set the right one (remote.token_env names the variable, LEADS_TOKEN by default), then run `leads sync`".to_string(),
                    other => other.to_string(),
                };
                self.store.still_queued(&q.key, &why)?;
                let lead = lead.ok_or_else(|| {
                    StoreError::Corrupt(format!("queued lead {} is gone", q.lead_id))
                })?;
                Ok(Decided::Queued { lead, why })
            }
        }
    }

    /// One round with the API, as `leads sync` makes it and reads make it when the cache is
    /// stale: send the outbox, pull the pending leads, fetch the server's rate.
    pub fn sync(
        &self,
        now: DateTime<Utc>,
        on_push: impl FnMut(&Decided),
        on_page: impl FnMut(u64),
    ) -> Result<SyncReport, SyncError> {
        let pushed = self.push_all(now, on_push)?;
        let pull = self.pull(now, on_page)?;
        let rate = self.refresh_rate(now)?;
        Ok(SyncReport { pushed, pull, rate })
    }

    /// Pushes every queued decision, oldest first.
    pub fn push_all(
        &self,
        now: DateTime<Utc>,
        mut each: impl FnMut(&Decided),
    ) -> Result<Vec<Decided>, StoreError> {
        let mut out = Vec::new();
        for q in self.store.outbox()? {
            let d = self.push(&q, now)?;
            each(&d);
            out.push(d);
        }
        Ok(out)
    }
}

impl LeadSource for RemoteSource {
    fn select(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        LeadSource::select(&self.store, filter, now, shelf_life)
    }

    fn get(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        LeadSource::get(&self.store, id)
    }

    /// The server's figure, plus what it cannot include yet: decisions made here since (queued
    /// or sent after it was fetched) and cached leads that lapsed since. Before the first fetch,
    /// only the cache can be counted.
    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        let Some((server, _)) = self.server_rate()? else {
            return self.store.tally(since, now, shelf_life);
        };
        let here = self
            .store
            .since_report(since, server.as_of, now, shelf_life)?;
        Ok(Tally {
            reported_responded: server.responded,
            lapsed: server.received.saturating_sub(server.responded) + here.lapsed,
            ..here
        })
    }

    fn reported_rate(&self) -> Result<Option<ReportedRate>, StoreError> {
        Ok(self.server_rate()?.map(|(r, fetched_at)| ReportedRate {
            responded: r.responded,
            received: r.received,
            as_of: r.as_of,
            fetched_at,
        }))
    }

    fn queue(
        &self,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        urgent: TimeDelta,
    ) -> Result<QueueSummary, StoreError> {
        LeadSource::queue(&self.store, now, shelf_life, urgent)
    }

    fn spent_since(&self, since: DateTime<Utc>) -> Result<Vec<Money>, StoreError> {
        self.store.spent_since(since)
    }

    fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        _responded: u64,
    ) -> Result<Option<TimeDelta>, StoreError> {
        // Over the decisions made through this tool: the server does not report its timings.
        let here = self.store.tally(since, now, TimeDelta::zero())?.responded();
        self.store.median_response(since, now, here)
    }

    /// Decides here and queues, all in one transaction, then pushes each at once.
    fn decide(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Decided>, StoreError> {
        self.store
            .decide_and_queue(requests, now, shelf_life)?
            .into_iter()
            .map(|(decided, queued)| match queued {
                Some(q) => self.push(&q, now),
                None => Ok(decided),
            })
            .collect()
    }

    fn history(
        &self,
        query: &HistoryQuery,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<DecisionRecord>, StoreError> {
        self.store.history(query, now, shelf_life)
    }

    fn conversations(&self, since: DateTime<Utc>) -> Result<Vec<Lead>, StoreError> {
        self.store.conversations(since)
    }

    fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        self.store.record_contact(lead_id, message, now)
    }

    fn record_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        self.store.record_outcome(lead_id, outcome, now)
    }

    fn outcome_changes(&self, lead_id: &str) -> Result<Vec<OutcomeChange>, StoreError> {
        self.store.outcome_changes(lead_id)
    }
}
