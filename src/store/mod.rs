//! Where leads live. Commands see a [`LeadSource`]; the SQLite [`Store`] is the local one.

mod sqlite;

pub use sqlite::{ImportSummary, Store, StoreError};

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::filter::LeadFilter;
use crate::domain::lead::Lead;
use crate::domain::money::Money;
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

/// What the read side of triage needs from a lead source, local or remote.
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
}
