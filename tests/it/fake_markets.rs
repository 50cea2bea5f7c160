//! Fake Thumbtack and Yelp APIs on 127.0.0.1, speaking the shapes of their developer pages
//! (docs/marketplaces.md), with their oddities on demand: a negotiation not there yet while its
//! messages are, 429s, a platform that is down, Yelp's paged events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const TT_TOKEN: &str = "tt-access-token-SENTINEL-1234";
pub const YELP_TOKEN: &str = "yelp-business-token-SENTINEL-5678";

#[derive(Default)]
pub struct Platform {
    /// Negotiations the API answers for (a webhook may come before one is here).
    pub negotiations: HashMap<String, Value>,
    pub tt_messages: Vec<Value>,
    pub yelp_leads: HashMap<String, Value>,
    /// Each Yelp lead's events, oldest first.
    pub yelp_events: HashMap<String, Vec<Value>>,
    /// Every request as "METHOD path?query".
    pub requests: Vec<String>,
    /// Bodies of the writes, as "path body".
    pub writes: Vec<String>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Answer this many requests 429 (Retry-After: 0) before serving again.
    pub throttle: u32,
}

#[derive(Clone)]
pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<Platform>>,
}

impl Fake {
    pub fn start() -> Fake {
        let state = Arc::new(Mutex::new(Platform::default()));
        let app = Router::new()
            .route("/api/v4/negotiations/{id}", get(negotiation))
            .route(
                "/api/v4/negotiations/{id}/messages",
                get(tt_messages).post(tt_post),
            )
            .route("/api/v4/businesses/{id}/negotiations", get(tt_list))
            .route("/v3/leads/{id}", get(yelp_lead))
            .route("/v3/leads/{id}/events", get(yelp_events).post(yelp_post))
            .route("/v3/leads/{id}/mark_as_replied", post(yelp_replied))
            .with_state(Arc::clone(&state));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    axum::serve(listener, app).await.unwrap();
                });
        });
        Fake { url, state }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Platform) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn writes(&self) -> Vec<String> {
        self.with(|p| p.writes.clone())
    }
}

type Shared = State<Arc<Mutex<Platform>>>;

/// The checks every request passes first: the bearer token, then the faults asked for.
fn gate(p: &mut Platform, headers: &HeaderMap, line: String) -> Option<Response> {
    p.requests.push(line);
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {TT_TOKEN}") && auth != format!("Bearer {YELP_TOKEN}") {
        return Some((StatusCode::UNAUTHORIZED, "{}").into_response());
    }
    if p.down {
        return Some((StatusCode::SERVICE_UNAVAILABLE, "down").into_response());
    }
    if p.throttle > 0 {
        p.throttle -= 1;
        return Some((StatusCode::TOO_MANY_REQUESTS, [("retry-after", "0")], "{}").into_response());
    }
    None
}

fn found(v: Option<Value>) -> Response {
    match v {
        Some(v) => axum::Json(v).into_response(),
        None => (StatusCode::NOT_FOUND, "{\"title\": \"not found\"}").into_response(),
    }
}

async fn negotiation(State(s): Shared, Path(id): Path<String>, h: HeaderMap) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("GET negotiation {id}")) {
        return r;
    }
    found(p.negotiations.get(&id).cloned())
}

async fn tt_messages(State(s): Shared, Path(id): Path<String>, h: HeaderMap) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("GET messages {id}")) {
        return r;
    }
    let data: Vec<Value> = p
        .tt_messages
        .iter()
        .filter(|m| m["negotiationID"] == id.as_str())
        .cloned()
        .collect();
    axum::Json(json!({"data": data, "pagination": {"limit": 100}})).into_response()
}

async fn tt_post(State(s): Shared, Path(id): Path<String>, h: HeaderMap, body: String) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("POST messages {id}")) {
        return r;
    }
    let text = serde_json::from_str::<Value>(&body).unwrap()["text"].clone();
    p.writes.push(format!("thumbtack {id} {body}"));
    let n = p.tt_messages.len();
    let message = json!({"messageID": format!("tt-sent-{n}"), "negotiationID": id,
        "from": "Pro", "text": text, "attachments": [], "sentAt": "2026-11-23T03:59:00Z"});
    p.tt_messages.push(message.clone());
    axum::Json(message).into_response()
}

async fn tt_list(State(s): Shared, Path(id): Path<String>, h: HeaderMap) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("GET business {id}")) {
        return r;
    }
    let data: Vec<Value> = p.negotiations.values().cloned().collect();
    axum::Json(json!({"data": data, "pagination": {"limit": 20}})).into_response()
}

async fn yelp_lead(State(s): Shared, Path(id): Path<String>, h: HeaderMap) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("GET lead {id}")) {
        return r;
    }
    found(p.yelp_leads.get(&id).cloned())
}

/// The reference page's paging: the latest `limit` events, or the `limit` directly before
/// `older_than_cursor`, or directly after `newer_than_cursor`; oldest first within a page.
async fn yelp_events(
    State(s): Shared,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    let mut p = s.lock().unwrap();
    let mut line = format!("GET events {id}");
    for k in ["older_than_cursor", "newer_than_cursor"] {
        if let Some(c) = q.get(k) {
            line.push_str(&format!(" {k}={c}"));
        }
    }
    if let Some(r) = gate(&mut p, &h, line) {
        return r;
    }
    let all = p.yelp_events.get(&id).cloned().unwrap_or_default();
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(20);
    let at = |c: &String| all.iter().position(|e| e["cursor"] == c.as_str()).unwrap();
    let page: Vec<Value> = if let Some(c) = q.get("older_than_cursor") {
        let end = at(c);
        all[end.saturating_sub(limit)..end].to_vec()
    } else if let Some(c) = q.get("newer_than_cursor") {
        let start = at(c) + 1;
        all[start..(start + limit).min(all.len())].to_vec()
    } else {
        all[all.len().saturating_sub(limit)..].to_vec()
    };
    axum::Json(json!({"events": page})).into_response()
}

async fn yelp_post(
    State(s): Shared,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("POST events {id}")) {
        return r;
    }
    let text = serde_json::from_str::<Value>(&body).unwrap()["request_content"].clone();
    p.writes.push(format!("yelp {id} {body}"));
    let events = p.yelp_events.entry(id).or_default();
    let n = events.len();
    events.push(
        json!({"id": format!("yelp-sent-{n}"), "cursor": format!("c-sent-{n}"),
        "event_type": "TEXT", "user_type": "BIZ", "user_display_name": "Biz",
        "event_content": {"text": text}, "time_created": "2026-11-23T03:59:00+00:00"}),
    );
    StatusCode::CREATED.into_response()
}

async fn yelp_replied(
    State(s): Shared,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    let mut p = s.lock().unwrap();
    if let Some(r) = gate(&mut p, &h, format!("POST mark_as_replied {id}")) {
        return r;
    }
    p.writes.push(format!("yelp-replied {id} {body}"));
    axum::Json(json!({})).into_response()
}
