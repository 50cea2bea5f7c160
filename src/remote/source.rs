//! The remote source: the platform's leads in a local cache, decisions, messages and outcomes
//! through a local outbox.
//!
//! Reads answer from the cache (the same SQLite store as the local source). A decision is made
//! here first, in one transaction with an outbox row holding its idempotency key, then pushed at
//! once; if the API cannot be reached it stays queued, and `leads sync` pushes it later with the
//! same key, so the platform charges at most once however often it is sent. A message or an
//! outcome goes the same way, after the lead's decision: the platform stores each once. Once
//! sent, a message here takes the platform's id, so the conversations `leads sync` pulls back
//! (accepted leads in touch within [`FOLLOWED`]) hold it once.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{Client, Refusal, RemoteError, ServerRate};
use crate::domain::conversation::{JobOutcome, Log, Message};
use crate::domain::decision::Skip;
use crate::domain::filter::LeadFilter;
use crate::domain::lead::{Lead, Status};
use crate::domain::money::Money;
use crate::domain::rate::Tally;
use crate::store::{
    ConversationQuery, Decided, DecisionRecord, DecisionRequest, HistoryQuery, LeadSource,
    OutcomeChange, QueueSummary, Queued, QueuedUpdate, Recorded, ReportedRate, Store, StoreError,
    Update,
};

/// Cache state keys.
const PULLED_AT: &str = "pulled_at";
const SERVER_RATE: &str = "server_rate";

/// How far back a conversation is followed: `leads sync` asks the platform about each accepted
/// lead accepted or in touch this recently (one request each), so a customer who writes back
/// within a month shows here. Older ones are history.
const FOLLOWED: TimeDelta = TimeDelta::days(30);

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
    /// Messages of followed conversations that were not here yet.
    pub messages: u64,
}

/// What became of a message or outcome sent to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The platform has it; a message, under this id of the platform's.
    Sent(Option<String>),
    /// Still queued, for this reason.
    Queued(String),
    /// Refused for good, in the platform's words, and undone here.
    Refused(Refusal),
}

/// One queued message or outcome and what became of it.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub update: QueuedUpdate,
    pub delivery: Delivery,
}

impl Delivered {
    /// "message" or "outcome".
    pub fn what(&self) -> &'static str {
        match self.update.update {
            Update::Message { .. } => "message",
            Update::Outcome { .. } => "outcome",
        }
    }
}

/// What one round with the API did.
pub struct SyncReport {
    /// The outcome of each decision sent.
    pub pushed: Vec<Decided>,
    /// What became of each message and outcome, sent after the decisions.
    pub updates: Vec<Delivered>,
    pub pull: PullSummary,
    pub rate: ServerRate,
}

impl SyncReport {
    pub fn count(&self, which: fn(&Decided) -> bool) -> u64 {
        self.pushed.iter().filter(|d| which(d)).count() as u64
    }

    pub fn count_updates(&self, which: impl Fn(&Delivered) -> bool) -> u64 {
        self.updates.iter().filter(|d| which(d)).count() as u64
    }

    /// A line for each decision, message or outcome that did not go through: still queued, or
    /// refused for good.
    pub fn problems(&self) -> Vec<String> {
        let decisions = self.pushed.iter().filter_map(|d| match d {
            Decided::Done { .. } => None,
            Decided::Queued { lead, why } => Some(format!("still queued, {}: {why}", lead.id)),
            Decided::Skipped { lead, why } => Some(format!(
                "not sent, {}: {why}",
                lead.as_ref().map_or("?", |l| l.id.as_str())
            )),
        });
        let updates = self.updates.iter().filter_map(|d| {
            let lead = &d.update.lead_id;
            match &d.delivery {
                Delivery::Sent(_) => None,
                Delivery::Queued(why) => Some(format!("still queued, {lead} ({}): {why}", d.what())),
                Delivery::Refused(refusal) => Some(format!(
                    "not sent, {lead}: the platform refused the {} ({refusal}); it is not kept here",
                    d.what()
                )),
            }
        });
        decisions.chain(updates).collect()
    }
}

/// A message as the API takes it: all but the id, which the platform gives.
fn message_body(m: &Message) -> Value {
    json!({"at": m.at, "from": m.from, "channel": m.channel, "text": m.text})
}

/// An outcome as the API takes it: its time is when the platform records it.
fn outcome_body(o: &JobOutcome) -> Value {
    json!({"result": o.result, "value": o.value, "reason": o.reason})
}

/// Why something stays queued after `e`, in words that say what to do.
fn queued_why(e: &RemoteError) -> String {
    match e {
        RemoteError::Unauthorized => "the API refused the token (401): set the right one (remote.token_env names the variable, LEADS_TOKEN by default), then run `leads sync`".to_string(),
        other => other.to_string(),
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
        // The followed conversations, from their lead objects: the messages and the outcome, as
        // the platform has them now.
        for id in self.store.open_conversations(now - FOLLOWED)? {
            match self.client()?.lead(&id) {
                Ok(fresh) => {
                    let known: HashSet<String> = self
                        .store
                        .get(&id)?
                        .map(|l| l.messages.into_iter().map(|m| m.id).collect())
                        .unwrap_or_default();
                    summary.messages += fresh
                        .messages
                        .iter()
                        .filter(|m| !known.contains(&m.id))
                        .count() as u64;
                    self.store.import(&[fresh], now)?;
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
                let why = queued_why(&e);
                self.store.still_queued(&q.key, &why)?;
                let lead = lead.ok_or_else(|| {
                    StoreError::Corrupt(format!("queued lead {} is gone", q.lead_id))
                })?;
                Ok(Decided::Queued { lead, why })
            }
        }
    }

    /// One round with the API, as `leads sync` makes it and reads make it when the cache is
    /// stale: send the outbox (decisions, then messages and outcomes), pull the pending leads and
    /// the followed conversations, fetch the server's rate.
    pub fn sync(
        &self,
        now: DateTime<Utc>,
        on_push: impl FnMut(&Decided),
        on_page: impl FnMut(u64),
    ) -> Result<SyncReport, SyncError> {
        let pushed = self.push_all(now, on_push)?;
        let updates = self.push_updates()?;
        let pull = self.pull(now, on_page)?;
        let rate = self.refresh_rate(now)?;
        Ok(SyncReport {
            pushed,
            updates,
            pull,
            rate,
        })
    }

    /// Sends every queued message and outcome in the order they were made, each after its lead's
    /// decision. Once one cannot reach the API, the rest wait for the next round rather than
    /// each spend the whole retry policy finding the same.
    pub fn push_updates(&self) -> Result<Vec<Delivered>, StoreError> {
        let mut out = Vec::new();
        let mut unreachable: Option<String> = None;
        for update in self.store.queued_updates(None)? {
            let held = self.waits_for_decision(&update)?;
            let delivery = match held.or_else(|| unreachable.clone()) {
                Some(why) => Delivery::Queued(why),
                None => {
                    let delivery = self.send(&update)?;
                    if let Delivery::Queued(why) = &delivery {
                        unreachable = Some(why.clone());
                    }
                    delivery
                }
            };
            out.push(Delivered { update, delivery });
        }
        Ok(out)
    }

    /// Why `update` cannot go yet, if it cannot: the platform has no conversation before the
    /// lead's accept reaches it.
    fn waits_for_decision(&self, update: &QueuedUpdate) -> Result<Option<String>, StoreError> {
        Ok(self.store.decision_unsent(&update.lead_id)?.then(|| {
            format!(
                "it waits for the decision on {} to reach the platform",
                update.lead_id
            )
        }))
    }

    /// Sends one queued message or outcome and settles it here by the answer.
    fn send(&self, q: &QueuedUpdate) -> Result<Delivery, StoreError> {
        let answer = match &q.update {
            Update::Message { .. } => self
                .client()
                .and_then(|c| c.post_message(&q.lead_id, &q.body, &q.key))
                .map(|message| {
                    self.store
                        .message_sent(q, &message)
                        .map(|()| Some(message.id.clone()))
                }),
            Update::Outcome { .. } => self
                .client()
                .and_then(|c| c.post_outcome(&q.lead_id, &q.body, &q.key))
                .map(|lead| {
                    self.store
                        .outcome_sent(q, lead.outcome.as_ref())
                        .map(|()| None)
                }),
        };
        match answer {
            Ok(stored) => stored.map(Delivery::Sent),
            Err(RemoteError::Refused(refusal)) => {
                self.store.update_refused(q)?;
                Ok(Delivery::Refused(refusal))
            }
            Err(e) => {
                let why = queued_why(&e);
                self.store.update_still_queued(&q.key, &why)?;
                Ok(Delivery::Queued(why))
            }
        }
    }

    /// Sends an update just recorded, unless something of its lead must reach the platform first
    /// (its decision, an earlier message or outcome): then it waits for `leads sync`, which
    /// sends them in order.
    fn deliver(&self, q: Option<QueuedUpdate>) -> Result<Recorded, StoreError> {
        let Some(q) = q else {
            return Ok(Recorded::Done);
        };
        if let Some(why) = self.waits_for_decision(&q)? {
            return Ok(Recorded::Queued(why));
        }
        let of_the_lead = self.store.queued_updates(Some(&q.lead_id))?;
        if of_the_lead
            .first()
            .is_some_and(|earlier| earlier.seq != q.seq)
        {
            return Ok(Recorded::Queued(format!(
                "it waits behind an earlier message or outcome of {} not sent yet",
                q.lead_id
            )));
        }
        match self.send(&q)? {
            Delivery::Sent(id) => Ok(Recorded::Sent(id)),
            Delivery::Queued(why) => Ok(Recorded::Queued(why)),
            Delivery::Refused(refusal) if refusal.code.as_deref() == Some("not_accepted") => {
                Err(StoreError::NotAccepted {
                    id: q.lead_id,
                    status: "not accepted on the platform".into(),
                })
            }
            Delivery::Refused(refusal) => Err(StoreError::Refused(refusal.to_string())),
        }
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

    fn conversations(&self, query: &ConversationQuery) -> Result<Vec<(Lead, Log)>, StoreError> {
        self.store.conversations(query)
    }

    /// Records the contact and queues it, in one transaction, then sends it at once.
    fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let body = message_body(message);
        let queued = self
            .store
            .in_write(|w| w.add_and_queue_contact(lead_id, message, &body, now))?;
        self.deliver(queued)
    }

    /// Records the outcome and queues it, in one transaction, then sends it at once.
    fn record_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let body = outcome_body(outcome);
        let queued = self
            .store
            .in_write(|w| w.set_and_queue_outcome(lead_id, outcome, &body, now))?;
        self.deliver(queued)
    }

    fn outcome_changes(&self, lead_id: &str) -> Result<Vec<OutcomeChange>, StoreError> {
        self.store.outcome_changes(lead_id)
    }
}
