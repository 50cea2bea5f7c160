//! The rules of a decision: which leads may be accepted or rejected, why others are skipped, what
//! a reason typed by a person means, and what deciding does to the response rate.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::freshness::{effective_status, expiry};
use super::lead::{Action, Customer, Kind, Lead, RejectReason, Status};
use super::money::Amount;
use super::rate::Tally;

/// Why a selected lead was not decided. Reported per lead; such a lead never changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// No lead with that id.
    Unknown,
    /// A promotion was auto-quoted: it needs no answer.
    Promotion,
    AlreadyDecided {
        action: Action,
        at: DateTime<Utc>,
    },
    /// Past its expiry here while still pending.
    Lapsed {
        at: DateTime<Utc>,
    },
    /// Marked expired by the platform.
    Expired,
    /// An accept of a lead whose fee is above `--max-fee`.
    OverMaxFee,
    /// The platform refused an accept: the account's balance is too low (402).
    InsufficientFunds,
    /// The platform refused the decision for a reason of its own, in its words.
    Refused(String),
}

impl Skip {
    /// A stable code for JSON and for grouping in summaries.
    pub fn code(&self) -> &'static str {
        match self {
            Skip::Unknown => "unknown",
            Skip::Promotion => "promotion",
            Skip::AlreadyDecided { .. } => "already_decided",
            Skip::Lapsed { .. } => "lapsed",
            Skip::Expired => "expired",
            Skip::OverMaxFee => "over_max_fee",
            Skip::InsufficientFunds => "insufficient_funds",
            Skip::Refused(_) => "refused",
        }
    }

    /// How a summary counts it: "2 already decided, 1 lapsed".
    pub fn group(&self) -> &'static str {
        match self {
            Skip::Unknown => "unknown",
            Skip::Promotion => "promotions",
            Skip::AlreadyDecided { .. } => "already decided",
            Skip::Lapsed { .. } | Skip::Expired => "lapsed",
            Skip::OverMaxFee => "over --max-fee",
            Skip::InsufficientFunds => "balance too low",
            Skip::Refused(_) => "refused by the platform",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Unknown => f.write_str("no such lead"),
            Skip::Promotion => f.write_str("a promotion: auto-quoted, it needs no answer"),
            Skip::AlreadyDecided { action, at } => {
                let done = match action {
                    Action::Accept => "accepted",
                    Action::Reject => "rejected",
                };
                write!(f, "already {done} at {}", at.format("%Y-%m-%d %H:%M UTC"))
            }
            Skip::Lapsed { at } => write!(
                f,
                "lapsed at {}: it can no longer be answered",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            Skip::Expired => f.write_str("expired on the platform"),
            Skip::OverMaxFee => f.write_str("fee above --max-fee"),
            Skip::InsufficientFunds => f.write_str(
                "your balance on the platform is too low for this fee; top it up, then accept again",
            ),
            Skip::Refused(why) => write!(f, "refused by the platform: {why}"),
        }
    }
}

/// May `lead` be decided now? Only pending New Leads that have not lapsed, and for an accept,
/// only at or under `max_fee` when one is given.
pub fn check(
    lead: &Lead,
    action: Action,
    max_fee: Option<Amount>,
    now: DateTime<Utc>,
    shelf_life: TimeDelta,
) -> Result<(), Skip> {
    if let Some(d) = &lead.decision {
        return Err(Skip::AlreadyDecided {
            action: d.action,
            at: d.decided_at,
        });
    }
    match effective_status(lead, now, shelf_life) {
        Status::Pending => {}
        Status::Accepted | Status::Rejected => {
            // A decided status without a decision record: the platform decided it elsewhere.
            let action = if lead.status == Status::Accepted {
                Action::Accept
            } else {
                Action::Reject
            };
            return Err(Skip::AlreadyDecided {
                action,
                at: lead.created_at,
            });
        }
        Status::Expired if lead.status == Status::Pending => {
            return Err(Skip::Lapsed {
                at: expiry(lead, shelf_life),
            });
        }
        Status::Expired => return Err(Skip::Expired),
    }
    if lead.kind == Kind::Promotion {
        return Err(Skip::Promotion);
    }
    if action == Action::Accept && max_fee.is_some_and(|max| max.cmp_money(&lead.fee).is_lt()) {
        return Err(Skip::OverMaxFee);
    }
    Ok(())
}

/// Reads a reason as people type it: the contract's codes, with `-` for `_` and any case, or a
/// short alias ("area", "busy", "budget").
pub fn parse_reason(input: &str) -> Result<RejectReason, String> {
    let key = input.trim().to_ascii_lowercase().replace('-', "_");
    if let Some(reason) = RejectReason::ALL
        .into_iter()
        .find(|r| key == r.as_str() || key == r.alias())
    {
        return Ok(reason);
    }
    let reason = match key.as_str() {
        "wrong_service" | "not_mine" => RejectReason::NotMyService,
        "far" | "location" => RejectReason::OutsideArea,
        "date" | "time" => RejectReason::ScheduleConflict,
        "low" | "price" => RejectReason::BudgetTooLow,
        "full" => RejectReason::TooBusy,
        _ => {
            return Err(format!(
                "{input:?} is not a reason: use one of {} (or area, service, schedule, budget, busy)",
                RejectReason::ALL.map(RejectReason::as_str).join(", ")
            ));
        }
    };
    Ok(reason)
}

/// The rate's counts after deciding `accepted` and `rejected` of the pending leads in the window.
pub fn after_deciding(tally: Tally, accepted: u64, rejected: u64) -> Tally {
    Tally {
        accepted: tally.accepted + accepted,
        rejected: tally.rejected + rejected,
        lapsed: tally.lapsed,
        pending: tally.pending.saturating_sub(accepted + rejected),
        ..tally
    }
}

/// One lead's result in a decision run, for people and for `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionResult {
    pub id: String,
    pub action: Action,
    /// `decided`, `skipped`, or `would_decide` in a dry run.
    pub outcome: Outcome,
    /// Why it was skipped (a code), or null.
    pub why: Option<&'static str>,
    /// The same, in words.
    pub why_text: Option<String>,
    /// The contact fee charged (or that would be) for an accept; null for a reject or a skip.
    pub fee: Option<super::money::Money>,
    /// How a summary counts a skip ("already decided"), from [`Skip::group`].
    #[serde(skip)]
    pub group: Option<&'static str>,
    /// Whom to call: the customer of an accepted lead; null otherwise.
    pub contact: Option<Contact>,
}

/// What an accept's fee buys: the customer's name, phone and email (as the platform gave them,
/// so either may be missing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<&Customer> for Contact {
    fn from(c: &Customer) -> Self {
        Contact {
            name: c.display_name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        }
    }
}

impl fmt::Display for Contact {
    /// "Ms. Lin · 0912-345-678 · lin@example.com"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.trim().is_empty() {
            "(no name given)"
        } else {
            &self.name
        };
        f.write_str(name)?;
        let ways: Vec<&str> = [&self.phone, &self.email]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if ways.is_empty() {
            f.write_str(" · no phone or email on record")
        } else {
            write!(f, " · {}", ways.join(" · "))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Decided,
    Skipped,
    WouldDecide,
    /// Recorded here and waiting in the outbox: the API could not be reached (or refused the
    /// token). `leads sync` sends it.
    Queued,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::{Decision, tests::sample};

    const SHELF: TimeDelta = TimeDelta::hours(48);

    fn now() -> DateTime<Utc> {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn only_answerable_new_leads_may_be_decided() {
        let lead = sample();
        assert_eq!(check(&lead, Action::Reject, None, now(), SHELF), Ok(()));
        let mut promo = sample();
        promo.kind = Kind::Promotion;
        assert_eq!(
            check(&promo, Action::Reject, None, now(), SHELF),
            Err(Skip::Promotion)
        );
        let lapse = lead.created_at + SHELF;
        assert_eq!(
            check(&lead, Action::Accept, None, lapse, SHELF),
            Err(Skip::Lapsed { at: lapse })
        );
        let mut expired = sample();
        expired.status = Status::Expired;
        assert_eq!(
            check(&expired, Action::Reject, None, now(), SHELF),
            Err(Skip::Expired)
        );
        let mut decided = sample();
        decided.status = Status::Rejected;
        decided.decision = Some(Decision {
            action: Action::Reject,
            decided_at: now(),
            reason: Some(RejectReason::TooBusy),
            note: None,
        });
        assert!(matches!(
            check(&decided, Action::Accept, None, now(), SHELF),
            Err(Skip::AlreadyDecided {
                action: Action::Reject,
                ..
            })
        ));
    }

    #[test]
    fn max_fee_is_inclusive_and_only_limits_accepts() {
        let lead = sample(); // NT$180
        let max = |s: &str| Some(s.parse().unwrap());
        assert_eq!(
            check(&lead, Action::Accept, max("180"), now(), SHELF),
            Ok(())
        );
        assert_eq!(
            check(&lead, Action::Accept, max("179.99"), now(), SHELF),
            Err(Skip::OverMaxFee)
        );
        assert_eq!(check(&lead, Action::Reject, max("1"), now(), SHELF), Ok(()));
    }

    #[test]
    fn reasons_accept_codes_dashes_case_and_aliases() {
        for (typed, reason) in [
            ("outside_area", RejectReason::OutsideArea),
            ("Outside-Area", RejectReason::OutsideArea),
            ("area", RejectReason::OutsideArea),
            ("service", RejectReason::NotMyService),
            ("schedule", RejectReason::ScheduleConflict),
            ("budget", RejectReason::BudgetTooLow),
            ("busy", RejectReason::TooBusy),
            ("other", RejectReason::Other),
        ] {
            assert_eq!(parse_reason(typed), Ok(reason), "{typed}");
        }
        let err = parse_reason("spam").unwrap_err();
        assert!(err.contains("not_my_service, outside_area"), "{err}");
    }

    #[test]
    fn deciding_moves_pending_to_responded() {
        let t = Tally {
            accepted: 10,
            rejected: 20,
            lapsed: 6,
            pending: 8,
            reported_responded: 0,
        };
        let after = after_deciding(t, 1, 4);
        assert_eq!(
            after,
            Tally {
                accepted: 11,
                rejected: 24,
                lapsed: 6,
                pending: 3,
                reported_responded: 0,
            }
        );
    }
}
