//! The lead object of the Leads API v1, field for field, and the rules a valid one obeys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A request that missed the PRO's working conditions: it waits for an accept or a reject.
    #[default]
    NewLead,
    /// Auto-quoted because it matched the working conditions: needs no decision, never in the rate.
    Promotion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Pending,
    Accepted,
    Rejected,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Expired => "expired",
        }
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NewLead => "new_lead",
            Kind::Promotion => "promotion",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Reject,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
        }
    }

    /// The status a lead has once decided so.
    pub fn status(self) -> Status {
        match self {
            Action::Accept => Status::Accepted,
            Action::Reject => Status::Rejected,
        }
    }
}

/// Why a lead was rejected: the contract's codes, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    NotMyService,
    OutsideArea,
    ScheduleConflict,
    BudgetTooLow,
    TooBusy,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 6] = [
        RejectReason::NotMyService,
        RejectReason::OutsideArea,
        RejectReason::ScheduleConflict,
        RejectReason::BudgetTooLow,
        RejectReason::TooBusy,
        RejectReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::NotMyService => "not_my_service",
            RejectReason::OutsideArea => "outside_area",
            RejectReason::ScheduleConflict => "schedule_conflict",
            RejectReason::BudgetTooLow => "budget_too_low",
            RejectReason::TooBusy => "too_busy",
            RejectReason::Other => "other",
        }
    }

    /// The one word `--reason` also takes, for narrow tables: "area" for outside_area.
    pub fn alias(self) -> &'static str {
        match self {
            RejectReason::NotMyService => "service",
            RejectReason::OutsideArea => "area",
            RejectReason::ScheduleConflict => "schedule",
            RejectReason::BudgetTooLow => "budget",
            RejectReason::TooBusy => "busy",
            RejectReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub currency: Currency,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Location {
    pub city: Option<String>,
    pub district: Option<String>,
    pub postcode: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Customer {
    #[serde(default)]
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub action: Action,
    #[serde(deserialize_with = "time::required")]
    pub decided_at: DateTime<Utc>,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
}

/// A lead exactly as the API contract describes it. Optional fields default when absent so that a
/// hand-written import file may leave them out; unknown fields are ignored, as the contract asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub status: Status,
    pub service: String,
    pub category: String,
    #[serde(deserialize_with = "time::required")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "time::optional")]
    pub expires_at: Option<DateTime<Utc>>,
    pub fee: Money,
    #[serde(default)]
    pub budget: Option<Budget>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Contacts after the request, oldest first (the contract's "Conversations"). Read with one
    /// lead (`get`, `show`) and by the conversation views; the lists of many leads leave it out,
    /// as the contract's pages may.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<super::conversation::Message>,
    /// What became of an accepted lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<super::conversation::JobOutcome>,
}

/// Times arrive as RFC 3339 with any offset and are kept in UTC. The message names the format,
/// which chrono's own ("input contains invalid characters") does not.
mod time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer};

    fn parse<E: serde::de::Error>(s: &str) -> Result<DateTime<Utc>, E> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.to_utc())
            .map_err(|_| {
                E::custom(format!(
                    "{s:?} is not an RFC 3339 time like 2026-11-23T08:00:00Z"
                ))
            })
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        parse(&String::deserialize(d)?)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| parse(&s))
            .transpose()
    }
}

/// Why a lead cannot be stored. Each names the field, so an import error can point at it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidLead {
    #[error("`id` must be 1 to 128 visible characters without spaces")]
    BadId,
    #[error("`{0}` must not be empty")]
    Empty(&'static str),
    #[error("`category` must be a lowercase slug like `cleaning` or `home_repair`, not {0:?}")]
    BadCategory(String),
    #[error("`{0}` must not be negative")]
    Negative(&'static str),
    #[error(
        "`{field}` {amount} is over the ceiling for {}: {} minor units ({ceiling}); not a plausible amount",
        ceiling.currency, ceiling.amount
    )]
    Implausible {
        field: &'static str,
        amount: i64,
        ceiling: Money,
    },
    #[error("`budget.min` is above `budget.max`")]
    BudgetInverted,
    #[error("`expires_at` is not after `created_at`")]
    ExpiresBeforeCreated,
    #[error("status `{0}` needs a `decision` object with the matching action")]
    MissingDecision(&'static str),
    #[error("status `{status}` cannot carry a decision to {action}")]
    DecisionMismatch {
        status: &'static str,
        action: &'static str,
    },
    #[error("a rejection needs a `decision.reason`")]
    MissingReason,
    #[error("`messages` {0}: {1}")]
    BadMessage(usize, String),
    #[error("only an accepted lead has an `outcome`")]
    OutcomeNotAccepted,
}

impl Lead {
    /// The rules the store relies on. Checked before anything is written.
    pub fn validate(&self) -> Result<(), InvalidLead> {
        let id_ok = !self.id.is_empty()
            && self.id.chars().count() <= 128
            && !self.id.chars().any(|c| c.is_whitespace() || c.is_control());
        if !id_ok {
            return Err(InvalidLead::BadId);
        }
        if self.service.trim().is_empty() {
            return Err(InvalidLead::Empty("service"));
        }
        let slug_ok = !self.category.is_empty()
            && self
                .category
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !slug_ok {
            return Err(InvalidLead::BadCategory(self.category.clone()));
        }
        if self.fee.amount < 0 {
            return Err(InvalidLead::Negative("fee.amount"));
        }
        let too_big = |field, amount: i64, currency| {
            let ceiling = Money::new(Money::ceiling(currency), currency);
            if amount > ceiling.amount {
                Err(InvalidLead::Implausible {
                    field,
                    amount,
                    ceiling,
                })
            } else {
                Ok(())
            }
        };
        too_big("fee.amount", self.fee.amount, self.fee.currency)?;
        if let Some(b) = &self.budget {
            if b.min.is_some_and(|v| v < 0) || b.max.is_some_and(|v| v < 0) {
                return Err(InvalidLead::Negative("budget"));
            }
            too_big("budget.min", b.min.unwrap_or(0), b.currency)?;
            too_big("budget.max", b.max.unwrap_or(0), b.currency)?;
            if let (Some(min), Some(max)) = (b.min, b.max)
                && min > max
            {
                return Err(InvalidLead::BudgetInverted);
            }
        }
        if self.expires_at.is_some_and(|e| e <= self.created_at) {
            return Err(InvalidLead::ExpiresBeforeCreated);
        }
        let wanted = match self.status {
            Status::Accepted => Some(Action::Accept),
            Status::Rejected => Some(Action::Reject),
            Status::Pending | Status::Expired => None,
        };
        match (wanted, &self.decision) {
            (Some(_), None) => return Err(InvalidLead::MissingDecision(self.status.as_str())),
            (Some(w), Some(d)) if w != d.action => {
                return Err(InvalidLead::DecisionMismatch {
                    status: self.status.as_str(),
                    action: d.action.as_str(),
                });
            }
            (None, Some(d)) => {
                return Err(InvalidLead::DecisionMismatch {
                    status: self.status.as_str(),
                    action: d.action.as_str(),
                });
            }
            _ => {}
        }
        if let Some(d) = &self.decision
            && d.action == Action::Reject
            && d.reason.is_none()
        {
            return Err(InvalidLead::MissingReason);
        }
        let mut ids = std::collections::HashSet::new();
        for (i, m) in self.messages.iter().enumerate() {
            let bad = |why: &str| Err(InvalidLead::BadMessage(i + 1, why.to_string()));
            if m.id.trim().is_empty() {
                return bad("`id` must not be empty");
            }
            if !ids.insert(m.id.as_str()) {
                return bad("the same `id` as an earlier message");
            }
            if let Err(e) = m.validate_against(self) {
                return bad(&e.to_string());
            }
        }
        if self.outcome.is_some() && self.status != Status::Accepted {
            return Err(InvalidLead::OutcomeNotAccepted);
        }
        if let Some(value) = self.outcome.as_ref().and_then(|o| o.value) {
            too_big("outcome.value", value.amount, value.currency)?;
            if value.amount < 0 {
                return Err(InvalidLead::Negative("outcome.value"));
            }
        }
        Ok(())
    }

    /// "台北市 大安區", or the postcode, or "—" when the customer gave no place.
    pub fn place(&self) -> String {
        let mut s = String::new();
        self.push_place(&mut s);
        s
    }

    /// [`place`](Lead::place) onto the end of `out`.
    pub fn push_place(&self, out: &mut String) {
        let Some(loc) = &self.location else {
            out.push('—');
            return;
        };
        match (&loc.city, &loc.district) {
            (None, None) => out.push_str(loc.postcode.as_deref().unwrap_or("—")),
            (city, district) => {
                if let Some(city) = city {
                    out.push_str(city);
                }
                if let Some(district) = district {
                    if city.is_some() {
                        out.push(' ');
                    }
                    out.push_str(district);
                }
            }
        }
    }

    /// "NT$2,000–3,000", "from NT$2,000", "up to NT$3,000", or "—".
    pub fn budget_text(&self) -> String {
        let mut s = String::new();
        self.push_budget_text(&mut s);
        s
    }

    /// [`budget_text`](Lead::budget_text) onto the end of `out`.
    pub fn push_budget_text(&self, out: &mut String) {
        let Some(b) = &self.budget else {
            out.push('—');
            return;
        };
        let m = |a| Money::new(a, b.currency);
        match (b.min, b.max) {
            (Some(lo), Some(hi)) if lo == hi => m(lo).push_to(out),
            (Some(lo), Some(hi)) => {
                m(lo).push_to(out);
                out.push('–');
                super::money::push_units(out, hi.unsigned_abs(), b.currency.exponent());
            }
            (Some(lo), None) => {
                out.push_str("from ");
                m(lo).push_to(out);
            }
            (None, Some(hi)) => {
                out.push_str("up to ");
                m(hi).push_to(out);
            }
            (None, None) => out.push('—'),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> Lead {
        serde_json::from_value(serde_json::json!({
            "id": "ld_1", "kind": "new_lead", "status": "pending",
            "service": "Deep home cleaning", "category": "cleaning",
            "created_at": "2026-11-23T08:00:00Z", "expires_at": null,
            "fee": {"amount": 18000, "currency": "TWD"},
            "budget": {"min": 200000, "max": 300000, "currency": "TWD"},
            "location": {"city": "台北市", "district": "大安區", "postcode": "106"},
            "schedule": "Weekday mornings",
            "customer": {"display_name": "Ms. Lin", "phone": null, "email": null},
            "answers": [{"question": "Rooms", "answer": "3"}],
            "message": "Before new year please", "decision": null
        }))
        .unwrap()
    }

    #[test]
    fn contract_example_round_trips() {
        let lead = sample();
        assert!(lead.validate().is_ok());
        let back: Lead = serde_json::from_value(serde_json::to_value(&lead).unwrap()).unwrap();
        assert_eq!(back, lead);
        assert_eq!(lead.place(), "台北市 大安區");
        assert_eq!(lead.budget_text(), "NT$2,000–3,000");
    }

    #[test]
    fn status_and_decision_must_agree() {
        let mut lead = sample();
        lead.status = Status::Accepted;
        assert_eq!(
            lead.validate(),
            Err(InvalidLead::MissingDecision("accepted"))
        );
        lead.decision = Some(Decision {
            action: Action::Reject,
            decided_at: lead.created_at,
            reason: Some(RejectReason::TooBusy),
            note: None,
        });
        assert!(matches!(
            lead.validate(),
            Err(InvalidLead::DecisionMismatch { .. })
        ));
        lead.status = Status::Rejected;
        assert!(lead.validate().is_ok());
        lead.decision.as_mut().unwrap().reason = None;
        assert_eq!(lead.validate(), Err(InvalidLead::MissingReason));
    }

    #[test]
    fn bad_fields_are_named() {
        let mut lead = sample();
        lead.id = "has space".into();
        assert_eq!(lead.validate(), Err(InvalidLead::BadId));
        let mut lead = sample();
        lead.category = "Home Cleaning".into();
        assert!(matches!(lead.validate(), Err(InvalidLead::BadCategory(_))));
        let mut lead = sample();
        lead.expires_at = Some(lead.created_at);
        assert_eq!(lead.validate(), Err(InvalidLead::ExpiresBeforeCreated));
        let mut lead = sample();
        lead.fee.amount = -1;
        assert_eq!(lead.validate(), Err(InvalidLead::Negative("fee.amount")));
    }
}
