//! The marketplaces' webhooks: `POST /webhooks/{account}` for each Thumbtack and Yelp account of
//! the config, and the worker that processes what they bring.
//!
//! A delivery is checked (the account's HTTP Basic auth, a body of at most 64 KiB in the
//! platform's documented shape) and then stored, deduplicated by its event id, in one committed
//! transaction before the answer: a 2xx means the event is on disk, so a crash the next moment
//! loses nothing, and a platform that retries a delivery it did not see answered adds nothing.
//! Anything refused (401, 4xx) stores nothing. Fetching the full lead from the platform happens
//! after, on the worker thread, with the API client's retry rules; an event that cannot be
//! processed stays queued with its error (`leads sync --status` shows it on the SQLite store) and
//! is tried again, at start-up too. The store is either of the server's ([`HookStore`]): on a
//! PostgreSQL database every server's worker takes events from the one queue, one server each.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState, log_line};
use crate::config::{Account, AccountKind};
use crate::marketplaces::{HookStore, MarketSource};

/// A webhook names a lead or a message; no documented one comes near this.
const WEBHOOK_LIMIT: usize = 64 * 1024;

/// An account that takes webhooks, with the Basic auth its webhook was registered with.
pub struct Hook {
    pub account: Account,
    /// `Basic base64(user:password)`, compared in constant time. None: the account's webhook has
    /// no auth (Yelp documents none), and only the body's shape and business are checked.
    pub expected: Option<Vec<u8>>,
}

impl Hook {
    /// The account's hook, its password read from its environment variable (which must be set).
    pub fn new(account: Account) -> Result<Hook, String> {
        let expected = match &account.webhook_auth {
            // Only `leads serve` takes webhooks: a PRO who only pulls (`leads sync`) needs none.
            None if account.kind == AccountKind::Thumbtack => {
                return Err(format!(
                    "account {}: Thumbtack's webhooks carry HTTP Basic auth: set webhook_username \
                     and webhook_password_env in its [[sources]] entry (the user name and \
                     password registered with the webhook) to take them with `leads serve`",
                    account.name
                ));
            }
            None => None,
            Some((user, env)) => {
                let password = std::env::var(env)
                    .ok()
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| {
                        format!(
                            "account {}: the webhook password variable {env} is not set",
                            account.name
                        )
                    })?;
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(format!("Basic {encoded}").into_bytes())
            }
        };
        Ok(Hook { account, expected })
    }
}

pub(super) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/webhooks/{account}", post(receive))
        .layer(DefaultBodyLimit::max(WEBHOOK_LIMIT))
        .layer(axum::middleware::from_fn(super::log_request))
        .with_state(state)
}

fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    ApiError::new(status, code, message).into_response()
}

async fn receive(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(hook) = state.hooks.iter().find(|h| h.account.name == name) else {
        return refuse(
            StatusCode::NOT_FOUND,
            "not_found",
            "no webhook of that name: the path is /webhooks/ and a thumbtack or yelp account's name",
        );
    };
    if let Some(expected) = &hook.expected {
        let presented = headers
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !bool::from(expected.as_slice().ct_eq(presented)) {
            let mut response = refuse(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing or wrong Basic auth for this webhook",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                "Basic realm=\"leads\"".parse().expect("a valid header"),
            );
            return response;
        }
    }
    let events = match crate::marketplaces::receive(&hook.account, &body) {
        Ok(events) => events,
        Err(e) => {
            return refuse(StatusCode::BAD_REQUEST, "invalid_webhook", e.to_string());
        }
    };
    let account = hook.account.name.clone();
    let now = state.clock.current();
    let backend = Arc::clone(&state.backend);
    let stored =
        tokio::task::spawn_blocking(move || backend.receive_webhooks(&account, &events, now))
            .await
            .map_err(|_| ApiError::internal("the request's worker stopped"))
            .and_then(|r| r.map_err(ApiError::fault));
    match stored {
        Ok((new, again)) => {
            if new > 0
                && let Some(wake) = &state.wake
            {
                let _ = wake.lock().unwrap_or_else(|e| e.into_inner()).send(());
            }
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                json!({"stored": new, "already_here": again}).to_string(),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The worker's side: each account's link to its platform over the store `S` (the data dir's
/// SQLite file, or the PostgreSQL database the servers share), and the signal that work arrived.
pub struct Worker<S> {
    pub markets: Vec<MarketSource<S>>,
    pub clock: crate::context::Clock,
}

/// Opens a link to each hook's platform, each over a store that `open` makes for its account. An
/// account without its token gets no link: its webhooks are stored and wait, and the log says
/// why.
pub fn worker<S: HookStore>(
    config: &crate::config::Config,
    hooks: &[Hook],
    clock: crate::context::Clock,
    open: impl Fn(&Account) -> Result<S, crate::store::StoreError>,
) -> Result<Worker<S>, crate::store::StoreError> {
    let mut markets = Vec::new();
    for hook in hooks {
        let a = &hook.account;
        match crate::context::market_http(config, a) {
            Ok(http) => markets.push(MarketSource::new(open(a)?, Some(http), false, a)),
            Err(why) => log_line(&format!(
                "leads serve: {why}: its webhooks are stored and wait; set {} and restart the \
                 server to process them",
                a.token_env
            )),
        }
    }
    Ok(Worker { markets, clock })
}

impl<S: HookStore> Worker<S> {
    /// Processes every queued webhook once (a restart's leftovers included), then whatever is
    /// due whenever woken, or every few seconds for retries, until the server stops.
    pub fn run(self, wake: Receiver<()>) {
        let mut all = true;
        loop {
            let now = self.clock.current();
            for market in &self.markets {
                match market.process_webhooks(now, all) {
                    Ok(p) if p.done + p.failed > 0 => log_line(&format!(
                        "leads serve: webhooks processed {}, still queued {}",
                        p.done, p.failed
                    )),
                    Ok(_) => {}
                    Err(e) => log_line(&format!("leads serve: webhook queue: {e}")),
                }
            }
            all = false;
            match wake.recv_timeout(Duration::from_secs(5)) {
                Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// The channel the receiver wakes the worker with.
pub fn wake_channel() -> (Sender<()>, Receiver<()>) {
    channel()
}
