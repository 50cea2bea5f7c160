//! Where leads live. Commands see a [`LeadSource`]; the SQLite [`Store`] is the local one.

mod sqlite;

pub use sqlite::{Import, ImportSummary, Keyed, Queued, SameId, Store, StoreError};

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::decision::Skip;
use crate::domain::filter::LeadFilter;
use crate::domain::lead::{Action, Decision, Lead, RejectReason};
use crate::domain::money::{Amount, Money};
use crate::domain::rate::Tally;

/// An I/O error as a person reads it: "no such file", not "No such file or directory (os error 2)".
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        AlreadyExists => "a file of that name is in the way".into(),
        IsADirectory => "it is a directory".into(),
        NotADirectory => "part of the path is a file, not a directory".into(),
        _ => e.to_string(),
    }
}

/// The pending queue at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueSummary {
    /// Answerable New Leads.
    pub pending: u64,
    /// Of those, how many lapse within the urgent window.
    pub urgent: u64,
    /// The next one to lapse: its id and expiry.
    pub next: Option<(String, DateTime<Utc>)>,
    /// When the newest New Lead arrived, of any status.
    pub last_arrival: Option<DateTime<Utc>>,
}

/// One decision to make.
#[derive(Clone, Debug)]
pub struct DecisionRequest {
    pub lead_id: String,
    pub action: Action,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
    /// Accept only at or under this fee.
    pub max_fee: Option<Amount>,
}

/// What became of one [`DecisionRequest`].
#[derive(Clone, Debug)]
pub enum Decided {
    /// Recorded and committed. `charge` is the contact fee of an accept, `charge_id` its entry in
    /// the ledger.
    Done {
        lead: Lead,
        charge: Option<Money>,
        charge_id: Option<String>,
    },
    Skipped {
        lead: Option<Lead>,
        why: Skip,
    },
    /// Recorded here, but not yet accepted by the API: it waits in the outbox for `leads sync`.
    Queued {
        lead: Lead,
        why: String,
    },
}

/// Which decisions `leads history` shows.
#[derive(Clone, Debug, Default)]
pub struct HistoryQuery {
    pub since: Option<DateTime<Utc>>,
    pub action: Option<Action>,
    /// Narrows by the lead's own fields (category, place, fee…).
    pub filter: LeadFilter,
}

/// A decision as the log shows it: the lead, how and when it was answered, what it cost.
#[derive(Clone, Debug)]
pub struct DecisionRecord {
    pub lead: Lead,
    pub decision: Decision,
    pub charge: Option<Money>,
    /// `local` (decided with leads) or `import` (arrived decided).
    pub origin: String,
}

/// What triage needs from a lead source, local or remote.
pub trait LeadSource {
    /// Leads matching `filter`, the pending ones most urgent first and the rest newest first.
    fn select(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError>;

    fn get(&self, id: &str) -> Result<Option<Lead>, StoreError>;

    /// New Leads created in `(since, now]`, by where they stand at `now`.
    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError>;

    fn queue(
        &self,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        urgent: TimeDelta,
    ) -> Result<QueueSummary, StoreError>;

    /// Contact fees charged at or after `since`, one total per currency.
    fn spent_since(&self, since: DateTime<Utc>) -> Result<Vec<Money>, StoreError>;

    /// The median time from arrival to decision of the `responded` New Leads that arrived in
    /// `(since, now]` (the tally's count), or None when there are none. Each time counts in
    /// whole minutes, rounded down (in whole days past three days), as the README says.
    fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        responded: u64,
    ) -> Result<Option<TimeDelta>, StoreError>;

    /// Makes `requests` in order, all in one transaction: each lead is either decided once or
    /// skipped with a reason, and nothing is returned before it is committed.
    fn decide(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Decided>, StoreError>;

    /// The decision log, newest first.
    fn history(
        &self,
        query: &HistoryQuery,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<DecisionRecord>, StoreError>;

    /// The response rate as the platform last reported it, for a source that has one.
    fn reported_rate(&self) -> Result<Option<ReportedRate>, StoreError> {
        Ok(None)
    }
}

/// The platform's own response-rate figure (`GET /v1/response-rate`), which is authoritative.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReportedRate {
    pub responded: u64,
    pub received: u64,
    /// When the server computed it.
    pub as_of: DateTime<Utc>,
    /// When this machine fetched it.
    pub fetched_at: DateTime<Utc>,
}

impl ReportedRate {
    pub fn rate(&self) -> Option<crate::domain::rate::Ratio> {
        crate::domain::rate::Ratio::new(self.responded, self.received)
    }
}
