//! The contract's "Conversations": an accepted lead's messages and outcome. The writes go under an
//! idempotency key through the same `Store::keyed` as decisions, so a retried message is stored
//! once and a retried outcome set once.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::api::{idempotency_key, json_body, keyed, lead_json, not_found};
use super::backend::{Fault, Writes};
use super::{ApiError, AppState};
use crate::domain::conversation::{Channel, Ending, JobOutcome, Message, Sender};
use crate::domain::freshness::effective_status;
use crate::domain::lead::{Lead, Status};
use crate::domain::money::Money;
use crate::store::Origin;

/// How far ahead of this server's clock a message may be dated: the client's clock is not ours,
/// and a contact logged "now" on a clock a little fast is not one from the future.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(2);

pub(super) async fn list_messages(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .store(move |store, _| {
            let lead = store
                .get(&id)
                .map_err(ApiError::fault)?
                .ok_or_else(|| not_found(&id))?;
            Ok(Json(json!({"data": lead.messages})))
        })
        .await
}

pub(super) async fn post_message(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let asked = read_message(&json_body(&body)?)?;
    let key = idempotency_key(&headers)?;
    let fingerprint = json!([
        "message",
        id,
        asked.at,
        asked.from,
        asked.channel,
        asked.text
    ])
    .to_string();
    keyed(state, key, fingerprint, move |w, now, shelf| {
        let lead = match conversation_of(w, &id, now, shelf)? {
            Ok(lead) => lead,
            Err(refusal) => return Ok(refusal),
        };
        let message = Message {
            // The server's own id; a replay of the key answers with this same one.
            id: format!("msg_{}", uuid::Uuid::new_v4().simple()),
            at: asked.at.unwrap_or(now),
            from: asked.from,
            channel: asked.channel,
            text: asked.text,
        };
        let checked = if message.at > now + CLOCK_SKEW {
            message.validate(&lead, now)
        } else {
            message.validate_against(&lead)
        };
        if let Err(e) = checked {
            return Ok(invalid("invalid_message", e.to_string()).stored());
        }
        w.add_contact(&id, &message, Origin::Api)?;
        Ok((
            StatusCode::CREATED.as_u16(),
            json!({"message": message}).to_string(),
        ))
    })
    .await
}

pub(super) async fn post_outcome(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let asked = read_outcome(&json_body(&body)?)?;
    let key = idempotency_key(&headers)?;
    let fingerprint = json!(["outcome", id, asked.result, asked.value, asked.reason]).to_string();
    keyed(state, key, fingerprint, move |w, now, shelf| {
        if let Err(refusal) = conversation_of(w, &id, now, shelf)? {
            return Ok(refusal);
        }
        let outcome = JobOutcome {
            result: asked.result,
            at: now,
            value: asked.value,
            reason: asked.reason,
        };
        w.set_outcome(&id, &outcome, now)?;
        let lead = w
            .get(&id)?
            .ok_or_else(|| Fault::Failed(format!("lead {id} vanished")))?;
        Ok((
            200,
            json!({"lead": lead_json(&lead, now, shelf)}).to_string(),
        ))
    })
    .await
}

/// The lead `id` if it has a conversation, or the refusal to store under the key: 404 for an
/// unknown lead, 409 not_accepted for one that is not accepted.
fn conversation_of(
    w: &dyn Writes,
    id: &str,
    now: DateTime<Utc>,
    shelf: TimeDelta,
) -> Result<Result<Lead, (u16, String)>, Fault> {
    let Some(lead) = w.get(id)? else {
        return Ok(Err(not_found(id).stored()));
    };
    if lead.status != Status::Accepted {
        let status = effective_status(&lead, now, shelf);
        return Ok(Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_accepted",
            format!(
                "Lead {id} is {}: only an accepted lead has a conversation",
                status.as_str()
            ),
        )
        .stored()));
    }
    Ok(Ok(lead))
}

fn invalid(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// A message as posted: all but the id, which the server gives.
struct AskedMessage {
    at: Option<DateTime<Utc>>,
    from: Sender,
    channel: Channel,
    text: Option<String>,
}

fn read_message(body: &Value) -> Result<AskedMessage, ApiError> {
    let bad = |m: String| invalid("invalid_message", m);
    let from = text_field(body, "from").map_err(bad)?;
    let from = match from {
        Some(s) => {
            Sender::from_code(s).ok_or_else(|| bad(format!("from {s:?} is not customer or pro")))?
        }
        None => return Err(bad("from is required: customer or pro".into())),
    };
    let channels = Channel::ALL.map(Channel::as_str).join(", ");
    let channel = match text_field(body, "channel").map_err(bad)? {
        Some(s) => Channel::from_code(s)
            .ok_or_else(|| bad(format!("channel {s:?} is not one of {channels}")))?,
        None => return Err(bad(format!("channel is required: one of {channels}"))),
    };
    let at = match text_field(body, "at").map_err(bad)? {
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| {
                    bad(format!(
                        "at {s:?} is not an RFC 3339 time like 2026-11-23T08:00:00Z"
                    ))
                })?
                .to_utc(),
        ),
        None => None,
    };
    let text = text_field(body, "text").map_err(bad)?.map(str::to_string);
    Ok(AskedMessage {
        at,
        from,
        channel,
        text,
    })
}

/// An outcome as posted: its time is when the server records it.
struct AskedOutcome {
    result: Ending,
    value: Option<Money>,
    reason: Option<String>,
}

fn read_outcome(body: &Value) -> Result<AskedOutcome, ApiError> {
    let bad = |m: String| invalid("invalid_outcome", m);
    let result = match text_field(body, "result").map_err(bad)? {
        Some("won") => Ending::Won,
        Some("lost") => Ending::Lost,
        Some(other) => return Err(bad(format!("result {other:?} is not won or lost"))),
        None => return Err(bad("result is required: won or lost".into())),
    };
    let value = match body.get("value") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let money: Money = serde_json::from_value(v.clone()).map_err(|_| {
                bad(
                    r#"value must be money, like {"amount": 450000, "currency": "TWD"}, or null"#
                        .into(),
                )
            })?;
            if !money.is_plausible() {
                return Err(bad(format!(
                    "value {} minor units is not from 0 to the ceiling of {}",
                    money.amount,
                    Money::new(Money::ceiling(money.currency), money.currency)
                )));
            }
            Some(money)
        }
    };
    let reason = text_field(body, "reason").map_err(bad)?;
    if reason.is_some_and(|r| r.chars().count() > 2_000) {
        return Err(bad("reason is longer than 2,000 characters".into()));
    }
    Ok(AskedOutcome {
        result,
        value,
        reason: reason.map(str::to_string),
    })
}

/// The string field `name` of `body`: None when absent or null, an error when it is not a string.
fn text_field<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{name} must be a string or null")),
    }
}
