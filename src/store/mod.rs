//! Where leads live. Commands see a [`LeadSource`]; the SQLite [`Store`] is the local one.

mod conversations;
mod outbox;
pub mod postgres;
mod sqlite;
mod webhooks;

pub use conversations::{Origin, OutcomeChange};
pub use outbox::{QueuedUpdate, Update};
pub use sqlite::{
    Import, ImportSummary, Keyed, Queued, SameId, Store, StoreError, Write, is_damage,
};
pub use webhooks::{KeptWebhook, WebhookEvent, WebhookQueue, retry_after};

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::conversation::{Facts, JobOutcome, Log, Message, Timing, Waits};
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

/// Which leads a store connection works on.
///
/// Every account of a config with `[[sources]]` keeps its leads under ids that begin with its
/// name and a slash (`pro360/8812`), so one store file holds every account with ids unique
/// across them, and a connection scoped to some accounts sees only theirs: their leads and
/// everything hanging off them (decisions, charges, the outbox, conversations, the rate). One
/// code path serves one account or several. The single source of a config without [[sources]]
/// sees every lead, under the ids it always had.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    All,
    /// The leads whose id begins with one of these (each `NAME/`).
    Prefixes(Vec<String>),
}

impl Scope {
    pub fn contains(&self, id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Prefixes(prefixes) => prefixes.iter().any(|p| id.starts_with(p.as_str())),
        }
    }

    /// An SQL condition on `column` (a lead id) that holds for the ids in scope. A prefix is a
    /// range of ids (`pro360/` up to `pro3600`, '0' following '/'), which the id's index
    /// answers; `substr` or `LIKE` would read every id.
    fn sql(&self, column: &str) -> String {
        let Scope::Prefixes(prefixes) = self else {
            return "1".into();
        };
        if prefixes.is_empty() {
            return "0".into();
        }
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let ranges: Vec<String> = prefixes
            .iter()
            .map(|p| {
                if p.is_empty() {
                    return "1".to_string();
                }
                let mut end = p.clone();
                let last = end
                    .pop()
                    .map_or('\0', |c| char::from_u32(c as u32 + 1).unwrap_or(c));
                end.push(last);
                format!("({column} >= {} AND {column} < {})", quote(p), quote(&end))
            })
            .collect();
        format!("({})", ranges.join(" OR "))
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

impl Decided {
    /// `lead` as the decision `req` made at `now` leaves it, with the charge (its ledger id and
    /// amount) an accept made: what either store answers once the decision is written.
    pub(crate) fn done(
        mut lead: Lead,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        charge: Option<(String, Money)>,
    ) -> Decided {
        lead.status = req.action.status();
        lead.decision = Some(Decision {
            action: req.action,
            decided_at: now,
            reason: req.reason,
            note: req.note.clone(),
        });
        let (charge_id, charge) = charge.unzip();
        Decided::Done {
            lead,
            charge,
            charge_id,
        }
    }
}

/// What became of a contact or outcome recorded through a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Stored here; nothing sends it on (the local source: the PRO pastes a reply themselves).
    Done,
    /// Stored here and taken by the platform's API; a message under this id of the platform's.
    Sent(Option<String>),
    /// Stored here, waiting in the outbox for `leads sync`: why it was not sent yet.
    Queued(String),
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

/// A batch of a listing, as a source hands it over ([`LeadSource::select_listing`]).
pub enum Listed {
    /// Leads the filter matched.
    Leads(DecodedLeads),
    /// Records read but not decoded yet, nor judged by the filter.
    Records(sqlite::ListingRecords),
}

impl Listed {
    /// The batch's leads that `filter` matches (the filter the listing was selected with).
    pub fn leads(
        self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        let mut leads = self.decode(filter, now, shelf_life, DecodedLeads::default())?;
        leads.leads.truncate(leads.len);
        Ok(leads.leads)
    }

    /// [`leads`](Listed::leads), into the memory of `reuse` when the batch is still records.
    pub fn decode(
        self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        mut reuse: DecodedLeads,
    ) -> Result<DecodedLeads, StoreError> {
        match self {
            Listed::Leads(leads) => Ok(leads),
            Listed::Records(records) => {
                records.decode_into(filter, now, shelf_life, &mut reuse)?;
                Ok(reuse)
            }
        }
    }
}

/// A batch's leads, in memory kept from one batch to the next: decoding a batch writes over the
/// strings of the leads before it instead of making new ones, so a list of 10,000 leads makes
/// those of its first batch only. Making and freeing seven strings a lead was a twelfth of the
/// list's work.
#[derive(Default)]
pub struct DecodedLeads {
    /// The batch's leads, then spare ones from a batch before.
    leads: Vec<Lead>,
    /// How many of `leads` are the batch's.
    len: usize,
}

impl From<Vec<Lead>> for DecodedLeads {
    fn from(leads: Vec<Lead>) -> DecodedLeads {
        let len = leads.len();
        DecodedLeads { leads, len }
    }
}

impl std::ops::Deref for DecodedLeads {
    type Target = [Lead];

    fn deref(&self) -> &[Lead] {
        &self.leads[..self.len]
    }
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

    /// [`select`](LeadSource::select) for a list's rows: each lead with what a row shows and
    /// the filter and working conditions judge by, its customer, answers, message and decision
    /// possibly left out (a source that cannot read less gives them whole). Reading and parsing
    /// those was a third of `leads list`. Handed to `each` in batches as they are read, possibly
    /// still to be decoded ([`Listed`]), so the list can decode and write one batch on the
    /// second core while the next is read; in no promised order, and possibly past the limit:
    /// the list puts them in order itself ([`LeadFilter::arrange`]).
    fn select_listing(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        each: &mut dyn FnMut(Listed),
    ) -> Result<(), StoreError> {
        each(Listed::Leads(self.select(filter, now, shelf_life)?.into()));
        Ok(())
    }

    fn get(&self, id: &str) -> Result<Option<Lead>, StoreError>;

    /// New Leads created after `since` (those stamped after `now` too: see
    /// `domain::rate::in_window`), by where they stand at `now`.
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

    /// The median time from arrival to decision of the `responded` New Leads of the window
    /// that began at `since` (the tally's count), or None when there are none. Each time counts
    /// in whole minutes, rounded down (in whole days past three days), as the README says.
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

    /// What the standing of each open conversation (an accepted lead with no outcome yet)
    /// accepted or in touch at or after `since` rests on: a few numbers a lead.
    fn conversation_facts(&self, since: DateTime<Utc>) -> Result<Vec<Facts>, StoreError>;

    /// How many open conversations wait on whom at `now`, counted without reading them out.
    fn waits(&self, now: DateTime<Utc>, timing: Timing) -> Result<Waits, StoreError>;

    /// The accepted leads that arrived at or after `since` (a report's period), each with its
    /// outcome and the summary of its contact log (not the messages themselves: `get` has those).
    fn conversations(&self, since: DateTime<Utc>) -> Result<Vec<(Lead, Log)>, StoreError>;

    /// The leads of `ids` that are stored here, in no particular order, each with its outcome,
    /// the summary of its contact log and the customer's last words (not the messages
    /// themselves: `get` has those). One read for a view that shows many leads.
    fn leads_with_logs(&self, ids: &[String]) -> Result<Vec<(Lead, Log)>, StoreError>;

    /// Adds a contact to an accepted lead's log (a message of an id already there is not added
    /// twice); `StoreError::NotAccepted` for any other lead.
    fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError>;

    /// Sets an accepted lead's outcome, keeping the one it replaces.
    fn record_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError>;

    /// Outcomes of the lead that later ones replaced, oldest first.
    fn outcome_changes(&self, lead_id: &str) -> Result<Vec<OutcomeChange>, StoreError>;

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
