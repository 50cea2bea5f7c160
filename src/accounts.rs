//! The accounts leads come from, as one lead source: one inbox over every marketplace account
//! (and the leads of this machine), in one store file, read and decided through one code path.
//!
//! A config without `[[sources]]` is one account whose leads keep their ids. With them, every
//! lead id of an account begins with the account's name (`pro360/8812`): platforms number their
//! leads alike, and the prefix keeps ids unique in the one store and tells each lead's account
//! without a look-up. Reads over several accounts are one query on a connection scoped to them
//! all ([`Scope`]), ordered by the domain filter as for one. A decision is one transaction over
//! them, queued in the outbox only for the leads of Leads API accounts, then sent to the lead's
//! own platform; a message or an outcome goes to its lead's account the same way. Each Leads API
//! account keeps its link to its platform (client, cache state, outbox, the platform's rate) in a
//! [`RemoteSource`] on a connection scoped to its own leads, so nothing of one account is ever
//! sent to another's server.

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::Account;
use crate::domain::conversation::{Facts, JobOutcome, Log, Message, Timing, Waits};
use crate::domain::filter::LeadFilter;
use crate::domain::lead::Lead;
use crate::domain::money::Money;
use crate::domain::rate::Tally;
use crate::marketplaces::MarketSource;
use crate::remote::RemoteSource;
use crate::store::{
    Decided, DecisionRecord, DecisionRequest, HistoryQuery, LeadSource, Listed, OutcomeChange,
    QueueSummary, Recorded, ReportedRate, Scope, Store, StoreError,
};

/// One account and where its leads are kept.
pub struct Member {
    pub account: Account,
    link: Link,
}

enum Link {
    /// Leads imported here and decided here.
    Local(Store),
    /// A platform's leads, through a cache and an outbox (boxed: a client is large).
    Remote(Box<RemoteSource>),
    /// A marketplace with an API of its own (Thumbtack, Yelp): its leads arrive answered, by
    /// webhook or pull; replies go out through the outbox.
    Market(Box<MarketSource>),
}

impl Member {
    pub fn local(account: Account, store: Store) -> Member {
        Member {
            account,
            link: Link::Local(store),
        }
    }

    pub fn remote(account: Account, remote: RemoteSource) -> Member {
        Member {
            account,
            link: Link::Remote(Box::new(remote)),
        }
    }

    pub fn market(account: Account, market: MarketSource) -> Member {
        Member {
            account,
            link: Link::Market(Box::new(market)),
        }
    }

    /// This account's leads (the cache, for a Leads API account).
    pub fn store(&self) -> &Store {
        match &self.link {
            Link::Local(store) => store,
            Link::Remote(remote) => &remote.store,
            Link::Market(market) => &market.store,
        }
    }

    pub fn as_remote(&self) -> Option<&RemoteSource> {
        match &self.link {
            Link::Remote(remote) => Some(remote),
            Link::Local(_) | Link::Market(_) => None,
        }
    }

    pub fn as_market(&self) -> Option<&MarketSource> {
        match &self.link {
            Link::Market(market) => Some(market),
            Link::Local(_) | Link::Remote(_) => None,
        }
    }

    /// The account's New Leads of the window that began at `since`, by where they stand; for a
    /// Leads API account, the platform's figure plus what it cannot include yet.
    pub fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        match &self.link {
            Link::Local(store) => store.tally(since, now, shelf_life),
            Link::Market(market) => market.store.tally(since, now, shelf_life),
            Link::Remote(remote) => remote.tally(since, now, shelf_life),
        }
    }

    /// The median time to answer over the window; `responded` is the account's tally's count.
    pub fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        responded: u64,
    ) -> Result<Option<TimeDelta>, StoreError> {
        match &self.link {
            Link::Local(store) => store.median_response(since, now, responded),
            Link::Market(market) => market.store.median_response(since, now, responded),
            Link::Remote(remote) => remote.median_response(since, now),
        }
    }

    pub fn reported_rate(&self) -> Result<Option<ReportedRate>, StoreError> {
        match &self.link {
            Link::Local(_) | Link::Market(_) => Ok(None),
            Link::Remote(remote) => remote.reported_rate(),
        }
    }
}

/// The accounts a command works on: every account of the config, or the one `--account` names.
pub struct Accounts {
    members: Vec<Member>,
    /// A connection over every member's leads, when there are several. With one, its own serves.
    union: Option<Store>,
}

impl Accounts {
    /// `union` opens the connection over several members' leads (given their scope); it is
    /// not called for one.
    pub fn new(
        members: Vec<Member>,
        union: impl FnOnce(Scope) -> Result<Store, StoreError>,
    ) -> Result<Accounts, StoreError> {
        let union = if members.len() > 1 {
            let prefixes = members.iter().map(|m| m.account.prefix.clone()).collect();
            Some(union(Scope::Prefixes(prefixes))?)
        } else {
            None
        };
        Ok(Accounts { members, union })
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Every member's leads.
    pub fn store(&self) -> &Store {
        match &self.union {
            Some(store) => store,
            None => self.members[0].store(),
        }
    }

    /// The account the lead of this id belongs to.
    pub fn owner(&self, lead_id: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.store().scope().contains(lead_id))
    }

    fn remote_of(&self, lead_id: &str) -> Option<&RemoteSource> {
        self.owner(lead_id).and_then(Member::as_remote)
    }
}

impl LeadSource for Accounts {
    fn select(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        self.store().select(filter, now, shelf_life)
    }

    fn select_listing(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        each: &mut dyn FnMut(Listed),
    ) -> Result<(), StoreError> {
        self.store().select_listing(filter, now, shelf_life, each)
    }

    fn get(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        self.store().get(id)
    }

    /// One account's tally, or the sum of several's. A rate is judged per account, against its
    /// own rule ([`Member::tally`]); the sum only counts.
    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        let mut sum = Tally::default();
        for m in &self.members {
            let t = m.tally(since, now, shelf_life)?;
            sum.accepted += t.accepted;
            sum.rejected += t.rejected;
            sum.lapsed += t.lapsed;
            sum.pending += t.pending;
            sum.reported_responded += t.reported_responded;
        }
        Ok(sum)
    }

    fn queue(
        &self,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        urgent: TimeDelta,
    ) -> Result<QueueSummary, StoreError> {
        self.store().queue(now, shelf_life, urgent)
    }

    fn spent_since(&self, since: DateTime<Utc>) -> Result<Vec<Money>, StoreError> {
        self.store().spent_since(since)
    }

    fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        responded: u64,
    ) -> Result<Option<TimeDelta>, StoreError> {
        if let [one] = self.members.as_slice() {
            return one.median_response(since, now, responded);
        }
        // Over the decisions made here: platforms report no timings.
        let here = self
            .store()
            .tally(since, now, TimeDelta::zero())?
            .responded();
        self.store().median_response(since, now, here)
    }

    /// Decides here, in one transaction over every account, queueing the decisions on leads of
    /// Leads API accounts; then sends each to its lead's own platform at once.
    fn decide(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Decided>, StoreError> {
        self.store()
            .decide_and_queue(requests, now, shelf_life, |id| self.remote_of(id).is_some())?
            .into_iter()
            .map(|(decided, queued)| match queued {
                Some(q) => self
                    .remote_of(&q.lead_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("{} has no account", q.lead_id)))?
                    .push(&q, now),
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
        self.store().history(query, now, shelf_life)
    }

    fn conversation_facts(&self, since: DateTime<Utc>) -> Result<Vec<Facts>, StoreError> {
        self.store().conversation_facts(since)
    }

    fn waits(&self, now: DateTime<Utc>, timing: Timing) -> Result<Waits, StoreError> {
        self.store().waits(now, timing)
    }

    fn conversations(&self, since: DateTime<Utc>) -> Result<Vec<(Lead, Log)>, StoreError> {
        self.store().conversations(since)
    }

    fn leads_with_logs(&self, ids: &[String]) -> Result<Vec<(Lead, Log)>, StoreError> {
        self.store().leads_with_logs(ids)
    }

    fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        if let Some(market) = self.owner(lead_id).and_then(Member::as_market) {
            return market.record_contact(lead_id, message, now);
        }
        match self.remote_of(lead_id) {
            Some(remote) => remote.record_contact(lead_id, message, now),
            None => self.store().record_contact(lead_id, message, now),
        }
    }

    fn record_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        match self.remote_of(lead_id) {
            Some(remote) => remote.record_outcome(lead_id, outcome, now),
            None => self.store().record_outcome(lead_id, outcome, now),
        }
    }

    fn outcome_changes(&self, lead_id: &str) -> Result<Vec<OutcomeChange>, StoreError> {
        self.store().outcome_changes(lead_id)
    }

    /// The platform's figure, for one Leads API account; several accounts have no one figure.
    fn reported_rate(&self) -> Result<Option<ReportedRate>, StoreError> {
        match self.members.as_slice() {
            [one] => one.reported_rate(),
            _ => Ok(None),
        }
    }
}
