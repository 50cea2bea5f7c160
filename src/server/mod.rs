//! `leads serve`: the Leads API v1 (../shared/api/leads-api-v1.md, docs/openapi.yaml) over a
//! lead store, on axum and tokio.
//!
//! Every write (a decision, a message, an outcome) goes through `Backend::keyed`, which stores
//! the idempotency key, the work and the response in one transaction; a decision runs the same
//! rules as `leads accept` and `leads reject`, a message the same checks as `leads contact`. The
//! store is the data dir's SQLite file or a PostgreSQL database that several servers share
//! (`backend`); either way each request's work runs on tokio's blocking threads with a connection
//! of a small pool, and the async workers never wait on the store.

mod api;
mod backend;
mod conversations;
mod health;
mod pg;
mod sqlite;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::context::Clock;
use crate::render::untrusted;
use crate::store::postgres::{PgStore, Target};
use backend::{Backend, Fault, Keyed, PgBackend, Reads, SqliteBackend, Writes};

/// Request bodies are a reason and a note, a message, an outcome; anything near this size is not
/// one.
const BODY_LIMIT: usize = 16 * 1024;

pub struct Server {
    pub data_dir: PathBuf,
    pub config: Config,
    pub clock: Clock,
    /// None at all: only webhooks are served (every Leads API request is refused 401).
    pub tokens: Vec<String>,
    /// The Thumbtack and Yelp accounts whose webhooks are received.
    pub hooks: Vec<webhooks::Hook>,
    /// The shared PostgreSQL database to keep the store in; None: the data dir's SQLite file.
    pub database: Option<Target>,
}

pub(crate) struct AppState {
    backend: Arc<dyn Backend>,
    config: Config,
    clock: Clock,
    tokens: Vec<Vec<u8>>,
    hooks: Vec<webhooks::Hook>,
    /// Wakes the webhook worker when an event was stored.
    wake: Option<Mutex<std::sync::mpsc::Sender<()>>>,
}

impl AppState {
    /// Runs `f` with a connection for reading, on a blocking thread.
    pub(crate) async fn store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn Reads, &AppState) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut f = Some(f);
            let mut out = None;
            state
                .backend
                .read(&mut |reads| {
                    let f = f.take().expect("called once");
                    out = Some(f(reads, &state));
                    Ok(())
                })
                .map_err(ApiError::fault)?;
            out.unwrap_or_else(|| Err(ApiError::internal("the read did not run")))
        })
        .await
        .map_err(|_| ApiError::internal("the request's worker stopped"))?
    }

    /// Runs `write` under the idempotency `key` on a blocking thread (see [`Backend::keyed`]),
    /// with the time now and the shelf life.
    pub(crate) async fn keyed(
        self: &Arc<Self>,
        key: String,
        fingerprint: String,
        write: impl FnOnce(&dyn Writes, DateTime<Utc>, TimeDelta) -> Result<(u16, String), Fault>
        + Send
        + 'static,
    ) -> Result<Keyed, ApiError> {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let now = state.clock.current();
            let shelf = state.config.freshness.shelf_life;
            let mut write = Some(write);
            state
                .backend
                .keyed(&key, &fingerprint, now, &mut |w| match write.take() {
                    Some(write) => write(w, now, shelf),
                    None => Err(Fault::Failed("a write ran twice".into())),
                })
                .map_err(ApiError::fault)
        })
        .await
        .map_err(|_| ApiError::internal("the request's worker stopped"))?
    }
}

/// An error response with the contract's body: `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Seconds, for a 503 the client should retry.
    retry_after: Option<u32>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn internal(message: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    pub(crate) fn fault(fault: Fault) -> Self {
        // The detail goes to the log, not to the client.
        let (detail, unavailable) = match &fault {
            Fault::Failed(d) => (d, false),
            Fault::Unavailable(d) => (d, true),
        };
        log_line(&format!("leads serve: store error: {detail}"));
        if unavailable {
            ApiError {
                retry_after: Some(RETRY_AFTER),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the lead store cannot be reached just now; try again shortly",
                )
            }
        } else {
            Self::internal("the lead store failed; try again")
        }
    }

    pub(crate) fn body(code: &str, message: &str) -> String {
        json!({"error": {"code": code, "message": message}}).to_string()
    }

    /// The error as a response stored under an idempotency key: a refusal is remembered too.
    pub(crate) fn stored(self) -> (u16, String) {
        (self.status.as_u16(), Self::body(self.code, &self.message))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            Self::body(self.code, &self.message),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// How long a client waits before retrying a 503: long enough for a restarting database, short
/// enough that a queue of decisions is not held up for long.
const RETRY_AFTER: u32 = 2;

/// One line on stderr, the server's log, with anything a terminal would act on made harmless.
pub(crate) fn log_line(line: &str) {
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{}\n", untrusted::line(line)).as_bytes(),
    );
}

/// Every route the server has, as (method, path). The router is built from this list, and a test
/// holds docs/openapi.yaml to it, so the document cannot drift from what is served.
pub const ROUTES: [(&str, &str); 8] = [
    ("GET", "/v1/leads"),
    ("GET", "/v1/leads/{id}"),
    ("POST", "/v1/leads/{id}/accept"),
    ("POST", "/v1/leads/{id}/reject"),
    ("GET", "/v1/response-rate"),
    ("GET", "/v1/leads/{id}/messages"),
    ("POST", "/v1/leads/{id}/messages"),
    ("POST", "/v1/leads/{id}/outcome"),
];

pub(crate) fn router(state: Arc<AppState>) -> Router {
    api_router(Arc::clone(&state))
        .merge(health::router(Arc::clone(&state)))
        .merge(webhooks::router(state))
}

fn api_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(ROUTES[0].1, get(api::list_leads))
        .route(ROUTES[1].1, get(api::get_lead))
        .route(ROUTES[2].1, post(api::accept))
        .route(ROUTES[3].1, post(api::reject))
        .route(ROUTES[4].1, get(api::response_rate))
        .route(ROUTES[5].1, get(conversations::list_messages))
        .route(ROUTES[6].1, post(conversations::post_message))
        .route(ROUTES[7].1, post(conversations::post_outcome))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; see docs/openapi.yaml",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authenticate,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// The contract says every error has the Error body. axum answers a few itself (a body over the
/// limit, a method a route lacks) in plain text; those get the body here.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the body is over 16 KiB"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "that method is not served here; see docs/openapi.yaml",
        ),
        s if s.is_server_error() => ("internal", "the server failed; try again"),
        _ => ("invalid_request", "the request could not be read"),
    };
    ApiError::new(status, code, message).into_response()
}

/// Bearer tokens, compared in constant time against every configured token, so neither the
/// timing nor the order of the tokens leaks anything.
async fn authenticate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = bearer(request.headers());
    let mut ok = subtle::Choice::from(0);
    if let Some(token) = presented {
        for known in &state.tokens {
            ok |= known.as_slice().ct_eq(token);
        }
    }
    if bool::from(ok) {
        next.run(request).await
    } else {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong bearer token",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Bearer".parse().expect("a valid header"),
        );
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    value
        .strip_prefix(b"Bearer ")
        .or_else(|| value.strip_prefix(b"bearer "))
}

/// One line per request on stderr: method, path, status, latency. Never headers (the token is
/// one) and never the query string.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    // A path may carry bytes a terminal acts on; the log shows them harmlessly.
    let path = untrusted::line(&path);
    let line = format!(
        "{method} {path} {} {:.1}ms\n",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    response
}

impl Server {
    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish.
    pub fn run(
        self,
        listen: SocketAddr,
        announce: impl FnOnce(SocketAddr),
    ) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        // The webhook worker processes the queue on a thread of its own, over the same store.
        let (backend, worker): (Arc<dyn Backend>, Option<WebhookWork>) = match &self.database {
            Some(target) => {
                let store = runtime.block_on(PgStore::open(target.clone(), &self.config.server))?;
                let backend = PgBackend::new(store, runtime.handle().clone());
                let worker = self.worker(|_| Ok(backend.hooks()))?;
                (Arc::new(backend), worker)
            }
            None => {
                let dir = self.data_dir.clone();
                let worker = self.worker(|a: &crate::config::Account| {
                    let scope = crate::store::Scope::Prefixes(vec![a.prefix.clone()]);
                    Ok(crate::store::Store::open(&dir)?.scoped(scope))
                })?;
                (Arc::new(SqliteBackend::new(self.data_dir.clone())), worker)
            }
        };
        let wake = worker.map(|work| {
            let (send, receive) = webhooks::wake_channel();
            std::thread::spawn(move || work(receive));
            Mutex::new(send)
        });
        let state = Arc::new(AppState {
            backend: Arc::clone(&backend),
            config: self.config,
            clock: self.clock,
            tokens: self.tokens.into_iter().map(String::into_bytes).collect(),
            hooks: self.hooks,
            wake,
        });
        let served = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind(listen).await?;
            announce(listener.local_addr()?);
            axum::serve(listener, router(state))
                .with_graceful_shutdown(shutdown_signal())
                .await
        });
        backend.close();
        Ok(served?)
    }
}

/// The webhook worker, to run on its own thread until the channel that wakes it closes.
type WebhookWork = Box<dyn FnOnce(std::sync::mpsc::Receiver<()>) + Send>;

impl Server {
    /// The webhook worker over the stores `open` makes, ready to run on its thread; None when no
    /// account takes webhooks.
    fn worker<S: crate::marketplaces::HookStore + Send + 'static>(
        &self,
        open: impl Fn(&crate::config::Account) -> Result<S, crate::store::StoreError>,
    ) -> Result<Option<WebhookWork>, ServeError> {
        if self.hooks.is_empty() {
            return Ok(None);
        }
        let worker = webhooks::worker(&self.config, &self.hooks, self.clock, open)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Some(Box::new(move |wake| worker.run(wake))))
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Database(#[from] crate::store::postgres::PgError),
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
