//! Yelp's Leads API v3: its wire shapes, and how a lead and its events become a lead and its
//! contact log here.
//!
//! Shapes are those of Yelp's developer pages (docs/marketplaces.md lists what each field comes
//! from and where the pages are silent):
//! - the webhook, `NEW_EVENT` updates naming `event_id` and `lead_id`:
//!   https://docs.developer.yelp.com/docs/leads-webhooks
//! - a lead, `GET /v3/leads/{id}`: https://docs.developer.yelp.com/docs/lead-interaction
//! - its events, `GET /v3/leads/{id}/events` with `limit`, `older_than_cursor`,
//!   `newer_than_cursor`: https://docs.developer.yelp.com/reference/get-lead-events
//! - writing a TEXT event, `POST /v3/leads/{id}/events`:
//!   https://docs.developer.yelp.com/reference/write-lead-event
//! - marking a lead replied outside Yelp: https://docs.developer.yelp.com/docs/leads-api-faqs
//! - 5 requests a second: https://docs.developer.yelp.com/docs/leads-api
//!
//! A Yelp lead is a conversation a consumer started with the business; Yelp asks for no accept
//! and charges no contact fee through this API. So it becomes an already-accepted lead of kind
//! `promotion` (needs no decision, never in the response rate) with no fee shown.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::MarketError;
use crate::domain::conversation::{Channel, Message, Sender};
use crate::domain::lead::{Action, Answer, Customer, Decision, Kind, Lead, Status};
use crate::domain::money::Money;

/// A webhook: `{"time", "object": "business", "data": {"id", "updates": [...]}}`.
#[derive(Debug, Deserialize)]
pub struct Webhook {
    pub data: WebhookData,
}

#[derive(Debug, Deserialize)]
pub struct WebhookData {
    /// The Yelp business the updates are for.
    pub id: String,
    pub updates: Vec<Update>,
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct Update {
    pub event_type: String,
    pub event_id: String,
    pub lead_id: String,
}

/// The NEW_EVENT updates of a webhook body (the page: always one for a lead's webhook; other
/// event types, like a masked phone number's opt-in, are not contacts and are left out).
pub fn updates(body: &Value) -> Result<(String, Vec<Update>), MarketError> {
    let hook: Webhook = serde_json::from_value(body.clone())
        .map_err(|e| MarketError::Malformed(format!("a Yelp webhook: {e}")))?;
    let updates = hook
        .data
        .updates
        .into_iter()
        .filter(|u| u.event_type == "NEW_EVENT")
        .collect();
    Ok((hook.data.id, updates))
}

/// `GET /v3/leads/{id}`.
#[derive(Clone, Debug, Deserialize)]
pub struct YelpLead {
    pub id: String,
    pub time_created: DateTime<Utc>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub project: Option<Project>,
    /// Unmasked, where the consumer shared it (the page: from April 2026).
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub temporary_phone_number: Option<String>,
    #[serde(default)]
    pub temporary_email_address: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct User {
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Project {
    #[serde(default)]
    pub survey_answers: Vec<SurveyAnswer>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SurveyAnswer {
    pub question_text: String,
    #[serde(default)]
    pub answer_text: Vec<String>,
}

/// `GET /v3/leads/{id}/events`: `{"events": [...]}`, oldest first.
#[derive(Debug, Deserialize)]
pub struct Events {
    pub events: Vec<Event>,
}

/// One event. `cursor`, `time_created` and `event_content.text` are on the reference page;
/// `id` and `user_type` (`CONSUMER`, `BIZ`) are in its example response, which the stored copy
/// of the page leaves out: see docs/marketplaces.md.
#[derive(Clone, Debug, Deserialize)]
pub struct Event {
    pub id: String,
    pub cursor: String,
    pub time_created: DateTime<Utc>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub event_content: Option<Content>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub text: Option<String>,
}

/// The lead under `prefix`, with the consumer's and the business's events as its contact log.
pub fn lead(y: &YelpLead, events: &[Event], prefix: &str) -> Lead {
    let phone = y
        .phone_number
        .clone()
        .or_else(|| y.temporary_phone_number.clone());
    Lead {
        id: format!("{prefix}{}", y.id),
        kind: Kind::Promotion,
        status: Status::Accepted,
        // The pages show no field naming the service asked for; Request a Quote is the flow
        // every Yelp lead comes from.
        service: "Request a Quote (Yelp)".into(),
        category: "yelp_request".into(),
        created_at: y.time_created,
        expires_at: None,
        fee: Money::new(0, super::usd()),
        budget: None,
        location: None,
        schedule: None,
        customer: Customer {
            display_name: y
                .user
                .as_ref()
                .and_then(|u| u.display_name.clone())
                .unwrap_or_default(),
            phone,
            email: y.temporary_email_address.clone(),
        },
        answers: y
            .project
            .as_ref()
            .map(|p| {
                p.survey_answers
                    .iter()
                    .map(|a| Answer {
                        question: a.question_text.clone(),
                        answer: a.answer_text.join(", "),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        message: None,
        decision: Some(Decision {
            action: Action::Accept,
            decided_at: y.time_created,
            reason: None,
            note: Some("arrived from Yelp, which asks for no accept".into()),
        }),
        messages: events
            .iter()
            .filter_map(|e| contact(e, y.time_created))
            .collect(),
        outcome: None,
    }
}

/// A consumer's or the business's event with words in it; Yelp's own events (and any other
/// sender) are not contacts.
fn contact(e: &Event, created: DateTime<Utc>) -> Option<Message> {
    let from = match e.user_type.as_deref()? {
        "CONSUMER" => Sender::Customer,
        "BIZ" => Sender::Pro,
        _ => return None,
    };
    let text = e.event_content.as_ref()?.text.as_deref()?.trim();
    if text.is_empty() {
        return None;
    }
    Some(Message {
        id: e.id.clone(),
        at: e.time_created.max(created),
        from,
        channel: Channel::Platform,
        text: Some(text.to_string()),
    })
}

/// `POST /v3/leads/{id}/events`.
pub fn reply_body(text: &str) -> Value {
    json!({"request_content": text, "request_type": "TEXT"})
}

/// `POST /v3/leads/{id}/mark_as_replied`, for a reply by phone or email outside Yelp.
pub fn replied_body(channel: Channel) -> Option<Value> {
    let reply_type = match channel {
        Channel::Phone | Channel::Sms => "PHONE",
        Channel::Email => "EMAIL",
        Channel::Platform | Channel::Visit | Channel::Other => return None,
    };
    Some(json!({"reply_type": reply_type}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yelp_lead_and_its_events_become_a_lead_and_its_log() {
        let y: YelpLead = serde_json::from_value(json!({
            "business_id": "SNa1ugk6DNIuvIPu8-AiGA", "id": "xKgWk-XoFWBQucET-xr-hw",
            "conversation_id": "49-Acxgj7-0C5SAMG_J7Dg",
            "temporary_email_address": "austin@messaging.yelp.com",
            "temporary_phone_number": "+14166666666",
            "time_created": "2024-08-23T20:56:27+00:00",
            "last_event_time": "2024-08-26T18:17:20+00:00",
            "user": {"display_name": "Austin D."},
            "project": {"survey_answers": [{"question_text": "How many bathtubs need repairs?",
                "answer_text": ["1"]}]}
        }))
        .unwrap();
        let events: Events = serde_json::from_value(json!({"events": [
            {"id": "e1", "cursor": "c1", "user_type": "CONSUMER",
             "event_content": {"text": "Can you fix it Friday?"},
             "time_created": "2024-08-23T20:56:27+00:00"},
            {"id": "e2", "cursor": "c2", "user_type": "YELP", "event_content": {"text": "x"},
             "time_created": "2024-08-23T20:57:00+00:00"},
            {"id": "e3", "cursor": "c3", "user_type": "BIZ", "event_content": {"text": "Sure"},
             "time_created": "2024-08-24T09:00:00+00:00"}
        ]}))
        .unwrap();
        let lead = lead(&y, &events.events, "yelp/");
        assert!(lead.validate().is_ok(), "{:?}", lead.validate());
        assert_eq!(lead.customer.phone.as_deref(), Some("+14166666666"));
        assert_eq!(lead.answers[0].answer, "1");
        let log: Vec<(&str, Sender)> = lead
            .messages
            .iter()
            .map(|m| (m.id.as_str(), m.from))
            .collect();
        assert_eq!(log, [("e1", Sender::Customer), ("e3", Sender::Pro)]);
    }

    #[test]
    fn only_new_event_updates_are_read_from_a_webhook() {
        let body = json!({"time": "2022-06-09T09:41:14+00:00", "object": "business",
            "data": {"id": "biz", "updates": [
                {"event_type": "NEW_EVENT", "event_id": "ev1", "lead_id": "l1",
                 "interaction_time": "2022-06-09T09:41:13+00:00"},
                {"event_type": "CONSUMER_PHONE_NUMBER_OPT_IN_EVENT", "event_id": "ev2",
                 "lead_id": "l1"}]}});
        let (business, updates) = updates(&body).unwrap();
        assert_eq!(business, "biz");
        assert_eq!(updates.len(), 1);
        assert!(super::updates(&json!({"data": {}})).is_err());
        assert_eq!(replied_body(Channel::Phone).unwrap()["reply_type"], "PHONE");
        assert!(replied_body(Channel::Visit).is_none());
    }
}
