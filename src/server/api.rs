//! The endpoints of the Leads API v1.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::backend::{Fault, Keyed, Writes};
use super::{ApiError, AppState};
use crate::domain::decision::Skip;
use crate::domain::filter::{KindFilter, LeadFilter, StatusFilter};
use crate::domain::freshness::effective_status;
use crate::domain::lead::{Action, Lead, RejectReason, Status};
use crate::domain::rate::RateReport;
use crate::store::{Decided, DecisionRequest};

/// The contract's lead object, with the status as of now: a pending lead past its expiry is
/// `expired` here, because it can no longer be answered.
pub(super) fn lead_json(lead: &Lead, now: DateTime<Utc>, shelf_life: TimeDelta) -> Value {
    let mut v = serde_json::to_value(lead).expect("a lead always serialises");
    let status = effective_status(lead, now, shelf_life);
    v["status"] = json!(status);
    // The contract: the customer's phone and email are what the fee buys, null until accepted.
    if status != Status::Accepted {
        v["customer"]["phone"] = Value::Null;
        v["customer"]["email"] = Value::Null;
    }
    v
}

/// Cursors are opaque to clients: the (created_at, id) of the last lead sent, hex-encoded.
fn encode_cursor(lead: &Lead) -> String {
    format!("{}|{}", lead.created_at.timestamp_millis(), lead.id)
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(cursor: &str) -> Option<(DateTime<Utc>, String)> {
    if !cursor.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (at, id) = text.split_once('|')?;
    Some((
        DateTime::from_timestamp_millis(at.parse().ok()?)?,
        id.to_string(),
    ))
}

pub(super) async fn list_leads(
    State(state): State<Arc<AppState>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let mut status = None;
    let mut limit = 100usize;
    let mut after = None;
    for (key, value) in params {
        match key.as_str() {
            "status" => {
                status = Some(match value.as_str() {
                    "pending" => StatusFilter::Pending,
                    "accepted" => StatusFilter::Accepted,
                    "rejected" => StatusFilter::Rejected,
                    "expired" => StatusFilter::Expired,
                    _ => {
                        return Err(ApiError::bad_request(
                            "invalid_status",
                            format!(
                                "status {value:?} is not one of pending, accepted, rejected, expired"
                            ),
                        ));
                    }
                })
            }
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_limit",
                            format!("limit {value:?} must be 1 to 500"),
                        )
                    })?
            }
            "cursor" => {
                after = Some(decode_cursor(&value).ok_or_else(|| {
                    ApiError::bad_request("invalid_cursor", "cursor is not one this server gave")
                })?)
            }
            _ => {} // unknown parameters are ignored, like unknown fields
        }
    }
    state
        .store(move |store, state| {
            let now = state.clock.current();
            let shelf = state.config.freshness.shelf_life;
            let filter = LeadFilter {
                status: status.unwrap_or(StatusFilter::All),
                kind: KindFilter::All,
                ..Default::default()
            };
            let mut leads = store
                .page(filter.status, after, limit, &mut |l: &Lead| {
                    filter.matches(l, now, shelf)
                })
                .map_err(ApiError::fault)?;
            let next_cursor = if leads.len() > limit {
                leads.truncate(limit);
                leads.last().map(encode_cursor)
            } else {
                None
            };
            let data: Vec<Value> = leads.iter().map(|l| lead_json(l, now, shelf)).collect();
            Ok(Json(json!({"data": data, "next_cursor": next_cursor})))
        })
        .await
}

pub(super) async fn get_lead(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .store(move |store, state| {
            let lead = store
                .get(&id)
                .map_err(ApiError::fault)?
                .ok_or_else(|| not_found(&id))?;
            let now = state.clock.current();
            Ok(Json(lead_json(
                &lead,
                now,
                state.config.freshness.shelf_life,
            )))
        })
        .await
}

pub(super) fn not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("Lead {id} not found"),
    )
}

pub(super) async fn accept(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let note = note(&body)?;
    decide(state, id, &headers, Action::Accept, None, note).await
}

pub(super) async fn reject(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let note = note(&body)?;
    let invalid = |message: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_reason", message)
    };
    let reason = match body.get("reason") {
        // The API takes the codes only; the CLI's short aliases are for people typing.
        Some(Value::String(code)) => RejectReason::from_code(code).ok_or_else(|| {
            invalid(format!(
                "{code:?} is not a reason: use one of {}",
                RejectReason::ALL.map(RejectReason::as_str).join(", ")
            ))
        })?,
        Some(_) => return Err(invalid("reason must be a string".into())),
        None => return Err(invalid("reason is required".into())),
    };
    decide(state, id, &headers, Action::Reject, Some(reason), note).await
}

/// The body as a JSON object; an empty body counts as `{}`.
pub(super) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(ApiError::bad_request(
            "invalid_json",
            "the body must be a JSON object",
        )),
        Err(e) => Err(ApiError::bad_request(
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )),
    }
}

fn note(body: &Value) -> Result<Option<String>, ApiError> {
    match body.get("note") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= 2_000 => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(ApiError::bad_request(
            "invalid_note",
            "note is longer than 2,000 characters",
        )),
        Some(_) => Err(ApiError::bad_request(
            "invalid_note",
            "note must be a string",
        )),
    }
}

async fn decide(
    state: Arc<AppState>,
    id: String,
    headers: &HeaderMap,
    action: Action,
    reason: Option<RejectReason>,
    note: Option<String>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(headers)?;
    // What the key stands for: the same key with another lead, action, reason or note is refused.
    let fingerprint =
        json!([id, action.as_str(), reason.map(RejectReason::as_str), note]).to_string();
    keyed(state, key, fingerprint, move |w, now, shelf| {
        let request = DecisionRequest {
            lead_id: id.clone(),
            action,
            reason,
            note,
            max_fee: None,
        };
        let decided = w.decide(&request, now, shelf)?;
        Ok(respond(&id, &decided, now, shelf))
    })
    .await
}

/// The Idempotency-Key every write carries.
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "idempotency_key_missing",
                "the Idempotency-Key header is required",
            )
        })?;
    if key.len() > 255 {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key is longer than 255 characters",
        ));
    }
    Ok(key.to_string())
}

/// Runs `write` under `key`, with the time now and the shelf life, and answers with the response
/// it made, or with the one stored for the key before (see `Backend::keyed`).
pub(super) async fn keyed(
    state: Arc<AppState>,
    key: String,
    fingerprint: String,
    write: impl FnOnce(&dyn Writes, DateTime<Utc>, TimeDelta) -> Result<(u16, String), Fault>
    + Send
    + 'static,
) -> Result<Response, ApiError> {
    let outcome = state.keyed(key, fingerprint, write).await?;
    Ok(match outcome {
        Keyed::First { status, body } => json_response(status, body, false),
        Keyed::Replay { status, body } => json_response(status, body, true),
        Keyed::Reused => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reuse",
            "this Idempotency-Key was used for a different request; make a new key for each one",
        )
        .into_response(),
        Keyed::InUse => ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still being worked on; retry it shortly",
        )
        .into_response(),
    })
}

/// The response a decision gets, stored under its key.
fn respond(id: &str, decided: &Decided, now: DateTime<Utc>, shelf: TimeDelta) -> (u16, String) {
    let error = |status, code, message: String| ApiError::new(status, code, message).stored();
    match decided {
        Decided::Done {
            lead,
            charge,
            charge_id,
        } => {
            let mut body = json!({"lead": lead_json(lead, now, shelf)});
            if let (Some(money), Some(charge_id)) = (charge, charge_id) {
                body["charge"] =
                    json!({"id": charge_id, "amount": money.amount, "currency": money.currency});
            }
            (200, body.to_string())
        }
        // A store answering for itself never queues; that is the remote source's business.
        Decided::Queued { .. } => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the decision could not be made".into(),
        ),
        Decided::Skipped { why, .. } => match why {
            Skip::Unknown => error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("Lead {id} not found"),
            ),
            Skip::Lapsed { at } => error(
                StatusCode::CONFLICT,
                "lead_expired",
                format!(
                    "Lead {id} expired at {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ),
            Skip::Expired => error(
                StatusCode::CONFLICT,
                "lead_expired",
                format!("Lead {id} has expired"),
            ),
            // The last two come from a remote platform, never from this store's own rules.
            Skip::AlreadyDecided { .. }
            | Skip::Promotion
            | Skip::OverMaxFee
            | Skip::InsufficientFunds
            | Skip::Refused(_) => error(
                StatusCode::CONFLICT,
                "already_decided",
                format!("Lead {id} was decided already ({why}); no charge was made"),
            ),
        },
    }
}

fn json_response(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

pub(super) async fn response_rate(
    State(state): State<Arc<AppState>>,
) -> Result<Json<Value>, ApiError> {
    state
        .store(|store, state| {
            let now = state.clock.current();
            let window = state.config.response_rate.window_days;
            let tally = store
                .tally(
                    now - TimeDelta::days(i64::from(window)),
                    now,
                    state.config.freshness.shelf_life,
                )
                .map_err(ApiError::fault)?;
            // The same rate code as `leads status`.
            let report = RateReport::new(tally, state.config.response_rate.threshold);
            Ok(Json(json!({
                "rate": report.rate.map(|r| r.to_f64()),
                "responded": tally.responded(),
                "received": tally.received(),
                "window_days": window,
                "threshold": report.threshold.to_f64(),
                "as_of": now,
            })))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let lead = crate::domain::lead::tests::sample();
        let cursor = encode_cursor(&lead);
        assert_eq!(
            decode_cursor(&cursor),
            Some((lead.created_at, lead.id.clone()))
        );
        for bad in ["", "zz", "abc", "7c", "313233"] {
            assert_eq!(decode_cursor(bad), None, "{bad:?}");
        }
    }
}
