//! Thumbtack's Pro API v4: its wire shapes, and how a negotiation and its messages become a lead
//! and its contact log.
//!
//! Shapes are those of Thumbtack's developer pages (docs/marketplaces.md lists what each field
//! comes from and where the pages are silent):
//! - a negotiation, `GET /api/v4/negotiations/{negotiationID}`:
//!   https://developers.thumbtack.com/docs/pro-integrations/negotiations
//! - its messages, `GET`/`POST /api/v4/negotiations/{negotiationID}/messages`:
//!   https://developers.thumbtack.com/docs/marketplace/messages
//! - messages that arrive before their negotiation, the lead-description and quick-reply
//!   messages: https://developers.thumbtack.com/docs/marketplace/messages/troubleshooting
//! - webhooks with HTTP Basic auth, event types `NegotiationCreatedV4` and `MessageCreatedV4`:
//!   https://developers.thumbtack.com/docs/pro-integrations/businesses
//!
//! A Thumbtack lead is not a New Lead: the customer contacted the pro, and Thumbtack charges the
//! pro for it then, by its own price, with no accept or reject step. So a negotiation becomes an
//! already-accepted lead of kind `promotion` (arrived answered, needs no decision, never in the
//! response rate), with no fee shown: the API does not report the price, and `leads` charges
//! nothing. Declining on Thumbtack is not a rejection the platform records through this API, so
//! `leads reject` refuses a Thumbtack lead as it refuses any lead already decided.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::MarketError;
use crate::domain::conversation::{Channel, Message, Sender};
use crate::domain::lead::{Action, Answer, Customer, Decision, Kind, Lead, Location, Status};
use crate::domain::money::Money;

/// `GET /api/v4/negotiations/{negotiationID}` (and the body of a negotiation webhook; the pages
/// show no envelope around it, and say the webhook's payload has the same `description`).
#[derive(Clone, Debug, Deserialize)]
pub struct Negotiation {
    #[serde(rename = "negotiationID")]
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub category: Option<Category>,
    #[serde(default)]
    pub customer: Option<TtCustomer>,
    #[serde(default)]
    pub details: Vec<Detail>,
    /// The customer's own words: the troubleshooting page names this field of the negotiation
    /// webhook's payload.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "createTime")]
    pub create_time: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Category {
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TtCustomer {
    #[serde(rename = "displayName", default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub location: Option<TtLocation>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TtLocation {
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(rename = "zipCode", default)]
    pub zip_code: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Detail {
    pub question: String,
    pub answer: String,
}

/// A message, in `GET …/messages` and as the body of a message webhook.
#[derive(Clone, Debug, Deserialize)]
pub struct TtMessage {
    #[serde(rename = "messageID")]
    pub id: String,
    #[serde(rename = "negotiationID")]
    pub negotiation_id: String,
    /// The pages show `"Customer"`; anything else is the business's side.
    pub from: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(rename = "sentAt")]
    pub sent_at: DateTime<Utc>,
}

/// A list answer: `{"data": [...], "pagination": {"limit": N}}`. The pages show no field for a
/// next page, so a list is read as complete.
#[derive(Debug, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
}

/// What a webhook from Thumbtack is about: the negotiation to fetch, and its event id here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub negotiation_id: String,
    /// Deduplicates deliveries: a message by its id; a negotiation by its id and status, so a
    /// retried delivery is one event and a change of status another. Thumbtack documents no id
    /// for the delivery itself.
    pub event_id: String,
}

/// Reads a webhook body: a message (it has `messageID`) or a negotiation.
pub fn notice(body: &Value) -> Result<Notice, MarketError> {
    if body.get("messageID").is_some() {
        let m: TtMessage = serde_json::from_value(body.clone())
            .map_err(|e| MarketError::Malformed(format!("a Thumbtack message: {e}")))?;
        return Ok(Notice {
            negotiation_id: m.negotiation_id,
            event_id: format!("message:{}", m.id),
        });
    }
    let n: Negotiation = serde_json::from_value(body.clone())
        .map_err(|e| MarketError::Malformed(format!("a Thumbtack negotiation: {e}")))?;
    Ok(Notice {
        event_id: format!("negotiation:{}:{}", n.id, n.status.as_deref().unwrap_or("")),
        negotiation_id: n.id,
    })
}

/// The quick reply goes out the moment the lead reaches the pro; a person takes longer than this
/// to write. The pages give no field that marks it, so its time is what tells it.
const QUICK_REPLY_WITHIN: TimeDelta = TimeDelta::seconds(60);

/// The negotiation as a lead under `prefix`, with its messages as the contact log (less the
/// automated quick reply and the lead-description message, which are not contacts).
pub fn lead(n: &Negotiation, messages: &[TtMessage], prefix: &str) -> Lead {
    let customer = n.customer.clone();
    let location = customer
        .as_ref()
        .and_then(|c| c.location.as_ref())
        .map(|l| Location {
            city: l.city.clone(),
            district: l.state.clone(),
            postcode: l.zip_code.clone(),
        });
    let service = n
        .category
        .as_ref()
        .map(|c| c.name.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Thumbtack request".into());
    let description = n
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let messages = messages
        .iter()
        .filter(|m| m.negotiation_id == n.id && !automated(m, n, description))
        .map(|m| contact(m, n.create_time))
        .collect();
    Lead {
        id: format!("{prefix}{}", n.id),
        kind: Kind::Promotion,
        status: Status::Accepted,
        category: super::slug(&service),
        service,
        created_at: n.create_time,
        expires_at: None,
        fee: Money::new(0, super::usd()),
        budget: None,
        location,
        schedule: None,
        customer: Customer {
            display_name: customer.and_then(|c| c.display_name).unwrap_or_default(),
            phone: None,
            email: None,
        },
        answers: n
            .details
            .iter()
            .map(|d| Answer {
                question: d.question.clone(),
                answer: d.answer.clone(),
            })
            .collect(),
        message: description.map(str::to_string),
        decision: Some(Decision {
            action: Action::Accept,
            decided_at: n.create_time,
            reason: None,
            note: Some("arrived from Thumbtack, which charged for it then".into()),
        }),
        messages,
        outcome: None,
    }
}

/// The lead-description message repeats the negotiation's description; the quick reply is the
/// business's, sent as the lead arrived.
fn automated(m: &TtMessage, n: &Negotiation, description: Option<&str>) -> bool {
    let text = m.text.as_deref().map(str::trim).unwrap_or("");
    let customer = m.from == "Customer";
    (customer && description == Some(text))
        || (!customer && m.sent_at <= n.create_time + QUICK_REPLY_WITHIN)
}

fn contact(m: &TtMessage, created: DateTime<Utc>) -> Message {
    let text = m.text.as_deref().map(str::trim).unwrap_or("");
    Message {
        id: m.id.clone(),
        // The log cannot hold a contact before the request; a clock apart by a moment must not
        // lose the message.
        at: m.sent_at.max(created),
        from: if m.from == "Customer" {
            Sender::Customer
        } else {
            Sender::Pro
        },
        channel: Channel::Platform,
        text: Some(if text.is_empty() {
            "(no text: an attachment, see Thumbtack)".into()
        } else {
            text.to_string()
        }),
    }
}

/// `POST /api/v4/negotiations/{negotiationID}/messages`: `{"text": …}`.
pub fn reply_body(text: &str) -> Value {
    json!({"text": text})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiation() -> Negotiation {
        serde_json::from_value(json!({
            "negotiationID": "519153480500518912", "status": "active",
            "category": {"categoryID": "201565295100608806", "name": "Kitchen Remodel"},
            "customer": {"customerID": "5", "displayName": "Olivia Y.",
                "location": {"city": "San Francisco", "state": "CA", "zipCode": "94117"}},
            "business": {"businessID": "468046965846925323", "name": "Robert's Remodeling"},
            "details": [{"question": "Project scope", "answer": "Full kitchen renovation"}],
            "description": "Kitchen by March please",
            "createTime": "2024-06-13T17:18:01Z"
        }))
        .unwrap()
    }

    fn message(id: &str, from: &str, text: &str, at: &str) -> TtMessage {
        serde_json::from_value(json!({
            "messageID": id, "negotiationID": "519153480500518912",
            "customer": {"customerID": "5", "displayName": "Olivia Y."},
            "from": from, "text": text, "attachments": [], "sentAt": at
        }))
        .unwrap()
    }

    #[test]
    fn a_negotiation_is_an_answered_lead_whose_automated_messages_are_not_contacts() {
        let messages = [
            message(
                "d",
                "Customer",
                "Kitchen by March please",
                "2024-06-13T17:18:01Z",
            ),
            message(
                "q",
                "Pro",
                "Thanks for reaching out!",
                "2024-06-13T17:18:02Z",
            ),
            message(
                "1",
                "Customer",
                "Are you free Monday?",
                "2024-06-13T18:00:00Z",
            ),
            message("2", "Pro", "Yes, 9am?", "2024-06-13T18:30:00Z"),
        ];
        let lead = lead(&negotiation(), &messages, "tt/");
        assert!(lead.validate().is_ok(), "{:?}", lead.validate());
        assert_eq!(lead.id, "tt/519153480500518912");
        assert_eq!(
            (lead.kind, lead.status),
            (Kind::Promotion, Status::Accepted)
        );
        assert_eq!(lead.category, "kitchen_remodel");
        assert_eq!(lead.place(), "San Francisco CA");
        assert_eq!(lead.fee.amount, 0);
        let ids: Vec<&str> = lead.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
    }

    #[test]
    fn a_webhook_names_its_negotiation_and_its_event() {
        let m = json!({"messageID": "7", "negotiationID": "9", "from": "Customer",
            "text": "hi", "sentAt": "2024-06-13T17:18:01Z"});
        assert_eq!(notice(&m).unwrap().event_id, "message:7");
        let n = serde_json::to_value(json!({"negotiationID": "9", "status": "active",
            "createTime": "2024-06-13T17:18:01Z"}))
        .unwrap();
        assert_eq!(
            notice(&n).unwrap(),
            Notice {
                negotiation_id: "9".into(),
                event_id: "negotiation:9:active".into()
            }
        );
        assert!(notice(&json!({"hello": 1})).is_err());
    }
}
