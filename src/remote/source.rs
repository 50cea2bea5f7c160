//! A remote account: the platform's leads in a local cache, decisions, messages and outcomes
//! through a local outbox.
//!
//! Reads answer from the cache (the same SQLite store as local accounts, on a connection scoped
//! to this account's leads). A decision is made here first, in one transaction with an outbox
//! row holding its idempotency key (`crate::accounts` does that for every account at once), then
//! pushed at once; if the API cannot be reached it stays queued, and `leads sync` pushes it later
//! with the same key, so the platform charges at most once however often it is sent. A message
//! or an outcome goes the same way, after the lead's decision: the platform stores each once.
//! Once sent, a message here takes the platform's id, so the conversations `leads sync` pulls
//! back (accepted leads in touch within [`FOLLOWED`]) hold it once. The platform knows each lead
//! by its own id; here, with several accounts, the account's name goes in front of it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{Client, Refusal, RemoteError, ServerRate};
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::decision::Skip;
use crate::domain::lead::{Lead, Status};
use crate::domain::rate::Tally;
use crate::store::{
    Decided, LeadSource, Queued, QueuedUpdate, Recorded, ReportedRate, Store, StoreError, Update,
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

pub struct RemoteSource {
    /// The cache, scoped to this account's leads.
    pub store: Store,
    /// None with `--offline`: everything answers from the cache and decisions stay queued.
    client: Option<Client>,
    /// What this account's lead ids begin with here (`pro360/`; nothing for the single source):
    /// the platform knows each lead by the rest.
    prefix: String,
    /// The environment variable the token is read from, for the message when it is refused.
    token_env: String,
}

impl RemoteSource {
    pub fn new(
        store: Store,
        client: Option<Client>,
        prefix: &str,
        token_env: &str,
    ) -> RemoteSource {
        RemoteSource {
            store,
            client,
            prefix: prefix.to_string(),
            token_env: token_env.to_string(),
        }
    }

    /// Why something stays queued after `e`, in words that say what to do.
    fn queued_why(&self, e: &RemoteError) -> String {
        match e {
            RemoteError::Unauthorized => format!(
                "the API refused the token (401): put the right one in {}, then run `leads sync`",
                self.token_env
            ),
            other => other.to_string(),
        }
    }

    /// A lead id here as the platform knows it.
    fn platform_id<'a>(&self, id: &'a str) -> &'a str {
        id.strip_prefix(self.prefix.as_str()).unwrap_or(id)
    }

    /// A lead from the platform, under its id here.
    fn with_local_id(&self, mut lead: Lead) -> Lead {
        lead.id.insert_str(0, &self.prefix);
        lead
    }

    /// The name of a fact remembered about this account's platform.
    fn state_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
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
        Ok(self
            .store
            .state(&self.state_name(PULLED_AT))?
            .map(|(_, at)| at))
    }

    /// The server's response rate as last fetched, and when.
    pub fn server_rate(&self) -> Result<Option<(ServerRate, DateTime<Utc>)>, StoreError> {
        Ok(self
            .store
            .state(&self.state_name(SERVER_RATE))?
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
            let leads: Vec<Lead> = page
                .data
                .into_iter()
                .map(|l| self.with_local_id(l))
                .collect();
            on_server.extend(leads.iter().map(|l| l.id.clone()));
            self.store.import(&leads, now)?;
            summary.pulled += leads.len() as u64;
            on_page(leads.len() as u64);
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
            match self.lead(&id) {
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
            match self.lead(&id) {
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
        self.store
            .set_state(&self.state_name(PULLED_AT), &now.to_rfc3339(), now)?;
        Ok(summary)
    }

    /// The lead of this id here, as the platform has it now.
    fn lead(&self, id: &str) -> Result<Lead, RemoteError> {
        let lead = self.client()?.lead(self.platform_id(id))?;
        Ok(self.with_local_id(lead))
    }

    /// Fetches the server's response rate. The decisions sent before asking are in it from now
    /// on, so they stop being added to it.
    pub fn refresh_rate(&self, now: DateTime<Utc>) -> Result<ServerRate, SyncError> {
        let counted = self.store.sent_keys()?;
        let rate = self.client()?.response_rate()?;
        let json = serde_json::to_string(&rate).expect("a rate always serialises");
        self.store
            .set_state(&self.state_name(SERVER_RATE), &json, now)?;
        self.store.reflected(&counted)?;
        Ok(rate)
    }

    /// Sends one queued decision and settles it here by the answer.
    pub fn push(&self, q: &Queued, now: DateTime<Utc>) -> Result<Decided, StoreError> {
        let lead = self.store.get(&q.lead_id)?;
        let platform_id = self.platform_id(&q.lead_id);
        let answer = self
            .client()
            .and_then(|c| c.decide(platform_id, q.action, q.reason, q.note.as_deref(), &q.key));
        match answer {
            Ok(mut reply) => {
                reply.lead = self.with_local_id(reply.lead);
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
                    && let Ok(fresh) = self.lead(&q.lead_id)
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
                let why = self.queued_why(&e);
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
        let platform_id = self.platform_id(&q.lead_id);
        let answer = match &q.update {
            Update::Message { .. } => self
                .client()
                .and_then(|c| c.post_message(platform_id, &q.body, &q.key))
                .map(|message| {
                    self.store
                        .message_sent(q, &message)
                        .map(|()| Some(message.id.clone()))
                }),
            Update::Outcome { .. } => self
                .client()
                .and_then(|c| c.post_outcome(platform_id, &q.body, &q.key))
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
                let why = self.queued_why(&e);
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

/// What the commands read of a remote account beyond its cache, and how they write to it. The
/// reads and decisions that span accounts go through [`crate::accounts::Accounts`], which comes
/// here for what is the platform's.
impl RemoteSource {
    /// The server's figure, plus what it cannot include yet: decisions made here since (queued
    /// or sent after it was fetched) and cached leads that lapsed since. Before the first fetch,
    /// only the cache can be counted.
    pub fn tally(
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

    /// The platform's own figure, as last fetched.
    pub fn reported_rate(&self) -> Result<Option<ReportedRate>, StoreError> {
        Ok(self.server_rate()?.map(|(r, fetched_at)| ReportedRate {
            responded: r.responded,
            received: r.received,
            as_of: r.as_of,
            fetched_at,
        }))
    }

    /// Over the decisions made through this tool: the server does not report its timings.
    pub fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<TimeDelta>, StoreError> {
        let here = self.store.tally(since, now, TimeDelta::zero())?.responded();
        self.store.median_response(since, now, here)
    }

    /// Records the contact and queues it, in one transaction, then sends it at once.
    pub fn record_contact(
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
    pub fn record_outcome(
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
}
