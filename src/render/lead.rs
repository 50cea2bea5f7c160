//! A lead as seen at a moment: its countdown, age and urgency, for tables, cards and JSON.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::config::Freshness;
use crate::domain::fit::{Conditions, Fit, Score, fit, fit_brief, score};
use crate::domain::freshness::{
    Urgency, compact, countdown, effective_status, expiry, push_compact,
};
use crate::domain::lead::{Lead, Status};

/// A lead plus what "now" makes of it. Serialises as the contract's lead object with the computed
/// fields added alongside, so `jq '.[].id'` works the same on this as on an API page. It reads
/// the lead where it is: a list of 10,000 moved each one into its view (5 MB copied).
#[derive(Clone, Debug, Serialize)]
pub struct LeadView<'a> {
    #[serde(flatten)]
    pub lead: &'a Lead,
    /// `pending` becomes `expired` once a pending lead is past its expiry.
    pub effective_status: Status,
    /// `expires_at`, or `created_at` plus the shelf life when the platform gave none.
    pub effective_expires_at: DateTime<Utc>,
    /// Seconds until the lead lapses; zero or negative once it has.
    pub expires_in_seconds: i64,
    pub age_seconds: i64,
    /// For leads still answerable: urgent, soon or fresh.
    pub urgency: Option<Urgency>,
    /// What it meets and misses of the working conditions.
    pub fit: Fit,
    /// The triage score (`leads list --sort score`), in a whole view (cards and JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// The account it came through, when the config names several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl<'a> LeadView<'a> {
    /// `whole`: a view for cards and JSON, with each fit check's reason in words and the
    /// score. A table of 10,000 leads only needs which conditions are missed, and shows no
    /// score (a list sorted by score computes its own, for its order).
    pub fn new(
        lead: &'a Lead,
        now: DateTime<Utc>,
        freshness: &Freshness,
        conditions: &Conditions,
        whole: bool,
    ) -> LeadView<'a> {
        let status = effective_status(lead, now, freshness.shelf_life);
        let expires = expiry(lead, freshness.shelf_life);
        let left = expires - now;
        let fit = if whole {
            fit(lead, conditions)
        } else {
            fit_brief(lead, conditions)
        };
        LeadView {
            score: whole.then(|| score(lead, &fit, now, freshness.shelf_life)),
            fit,
            effective_status: status,
            effective_expires_at: expires,
            expires_in_seconds: left.num_seconds(),
            age_seconds: (now - lead.created_at).num_seconds(),
            urgency: (status == Status::Pending).then(|| freshness.thresholds().urgency(left)),
            lead,
            account: None,
        }
    }

    /// The same, showing the account it came through (`Ctx::account_of`).
    pub fn with_account(mut self, account: Option<String>) -> LeadView<'a> {
        self.account = account;
        self
    }

    /// The fit in words, a line per condition set: "✗ outside area: 新北市 板橋區".
    pub fn fit_lines(&self) -> Vec<String> {
        use crate::domain::fit::Standing;
        self.fit
            .checks
            .iter()
            .map(|c| {
                let mark = match c.standing {
                    Standing::Meets => "✓",
                    Standing::Misses => "✗",
                    Standing::Unknown => "?",
                };
                // The reasons quote the lead: its place, its schedule.
                format!("{mark} {}", super::untrusted::line(&c.why))
            })
            .collect()
    }

    pub fn left(&self) -> TimeDelta {
        TimeDelta::seconds(self.expires_in_seconds)
    }

    /// The freshness column: a countdown for answerable leads, otherwise where the lead ended up.
    pub fn freshness(&self) -> String {
        let mut s = String::new();
        self.push_freshness(&mut s);
        s
    }

    /// [`freshness`](LeadView::freshness) onto the end of `out`.
    pub fn push_freshness(&self, out: &mut String) {
        match self.effective_status {
            Status::Pending => push_compact(out, self.left()),
            Status::Expired if self.lead.status == Status::Pending => {
                out.push_str("lapsed ");
                push_compact(out, -self.left());
                out.push_str(" ago");
            }
            other => out.push_str(other.as_str()),
        }
    }

    /// The freshness as a sentence, for cards: "expires in 2h 05m", "lapsed 3h ago", "accepted".
    pub fn freshness_sentence(&self) -> String {
        match self.effective_status {
            Status::Pending => countdown(self.left()),
            _ => self.freshness(),
        }
    }

    pub fn age(&self) -> String {
        compact(TimeDelta::seconds(self.age_seconds))
    }

    /// [`age`](LeadView::age) onto the end of `out`.
    pub fn push_age(&self, out: &mut String) {
        push_compact(out, TimeDelta::seconds(self.age_seconds));
    }
}
