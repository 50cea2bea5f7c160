//! The Leads API v1 client: what `source = "remote"` will talk to the platform with.
//!
//! The contract's fault rules live here once: 429 waits at least its `Retry-After`; 5xx answers,
//! timeouts and dropped connections are retried with exponential backoff and full jitter, a
//! bounded number of times and within a total time bound; every other 4xx is final at once (but
//! see `Refusal::may_pass` for the answers that are not the platform's word). The idempotency key
//! of a decision, a message or an outcome is sent unchanged on every attempt. The token goes in
//! one header and nowhere else: no error, log line or `Debug` output contains it.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::conversation::Message;
use crate::domain::lead::{Action, Lead, RejectReason};
use crate::domain::money::Money;

mod source;
pub use source::{Delivered, Delivery, PullSummary, RemoteSource, SyncError, SyncReport};

/// A secret that never prints: `Debug` and `Display` show that it is set, not what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(pub(crate) String);

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

/// How hard to try before giving up.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The first backoff; each retry doubles it, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No request, wait or retry goes past this long after the call began.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            deadline: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("the API refused the token (401)")]
    Unauthorized,
    /// A final error answer: a 4xx other than 401 and 429, or one not in the contract's shape.
    #[error("the API answered {0}")]
    Refused(Refusal),
    /// Transient faults until the attempts or the time ran out.
    #[error(
        "the API could not be reached after {attempts} attempt{} in {elapsed:.1?}: {last}",
        if *.attempts == 1 { "" } else { "s" }
    )]
    Unreachable {
        attempts: u32,
        elapsed: Duration,
        last: String,
    },
    #[error("the API sent a response this client cannot read: {0}")]
    BadResponse(String),
    /// `--offline`: nothing was sent.
    #[error("not sent: --offline")]
    Offline,
}

impl RemoteError {
    /// True when trying again later may work (the decision should stay queued).
    pub fn is_transient(&self) -> bool {
        matches!(self, RemoteError::Unreachable { .. })
    }
}

/// An error answer, in the platform's words when its body has the contract's error shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// The contract's machine code. None when the body is not the contract's error shape (a
    /// proxy's HTML page, plain text, nothing): then something between here and the platform
    /// answered, and it says nothing about the lead.
    pub code: Option<String>,
    /// The contract's message; otherwise the start of the body, on one line.
    pub message: String,
}

impl Refusal {
    /// How long a body that is not the contract's may run in a message.
    const SHOWN: usize = 120;

    pub(crate) fn read(status: u16, text: &str) -> Refusal {
        let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        if let Some(code) = body["error"]["code"].as_str() {
            return Refusal {
                status,
                code: Some(code.to_string()),
                message: body["error"]["message"].as_str().unwrap_or("").to_string(),
            };
        }
        // One line, no control characters (a body must not drive the terminal), shortened.
        let flat = text
            .split_whitespace()
            .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        let message = if flat.chars().count() > Self::SHOWN {
            let cut: String = flat.chars().take(Self::SHOWN).collect();
            format!("{}…", cut.trim_end())
        } else {
            flat
        };
        Refusal {
            status,
            code: None,
            message,
        }
    }

    /// Whether trying again may get another answer. 408, 429 and every 5xx are about the moment,
    /// not the lead; so is `idempotency_key_in_use` (the first attempt still runs: the contract
    /// says retry later). Another 4xx is the platform's final word when its body has the
    /// contract's shape, and final too when nothing else was tried before it. After a transient
    /// fault, though, an answer that is not the contract's came from something in between (a
    /// gateway, a proxy) and is one more transient fault: the first attempt may have reached the
    /// platform, so only the platform's own answer may settle the decision.
    fn may_pass(&self, after_a_fault: bool) -> bool {
        match (self.status, self.code.as_deref()) {
            (408 | 429 | 500..=599, _) | (_, Some("idempotency_key_in_use")) => true,
            (_, Some(_)) => false,
            (_, None) => after_a_fault,
        }
    }
}

impl fmt::Display for Refusal {
    /// `already_decided: Lead a was …`, or `HTTP 418 I'm a teapot: "<html>…"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) if self.message.is_empty() => f.write_str(code),
            Some(code) => write!(f, "{code}: {}", self.message),
            None => {
                write!(f, "HTTP {}", self.status)?;
                if let Some(reason) = reqwest::StatusCode::from_u16(self.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                {
                    write!(f, " {reason}")?;
                }
                if self.message.is_empty() {
                    f.write_str(", with an empty body")
                } else {
                    write!(f, ": \"{}\"", self.message)
                }
            }
        }
    }
}

/// Makes rustls's ring provider the process default (once; later calls do nothing). TLS is rustls
/// with ring: no system TLS library, and nothing to build but C through cc. Every HTTP client in
/// the process needs it before it is built.
pub fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err only when another provider is already the default, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A page of `GET /v1/leads`.
#[derive(Debug, Deserialize)]
pub struct Page {
    pub data: Vec<Lead>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Charge {
    pub id: String,
    #[serde(flatten)]
    pub money: Money,
}

/// The answer to an accept or a reject.
#[derive(Debug, Deserialize)]
pub struct DecisionReply {
    pub lead: Lead,
    pub charge: Option<Charge>,
    /// Set when the server answered with the stored response of an earlier attempt.
    #[serde(skip)]
    pub replayed: bool,
}

/// `GET /v1/response-rate`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ServerRate {
    pub rate: Option<f64>,
    pub responded: u64,
    pub received: u64,
    pub window_days: u32,
    pub threshold: f64,
    pub as_of: chrono::DateTime<chrono::Utc>,
}

pub struct Client {
    /// Replaced, with its pool of connections, after an error answer to a POST (see `call`).
    http: RefCell<reqwest::blocking::Client>,
    connect_timeout: Duration,
    base: String,
    token: Token,
    policy: RetryPolicy,
    /// No request goes past this, whatever the policy allows (see [`RemoteSource::within`]).
    cutoff: Cell<Option<Instant>>,
}

impl Client {
    pub fn new(
        base: &str,
        token: Token,
        connect_timeout: Duration,
        policy: RetryPolicy,
    ) -> Result<Client, RemoteError> {
        Ok(Client {
            http: RefCell::new(http_client(connect_timeout)?),
            connect_timeout,
            base: base.trim_end_matches('/').to_string(),
            token,
            policy,
            cutoff: Cell::new(None),
        })
    }

    pub fn page(
        &self,
        status: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page, RemoteError> {
        let mut path = format!("/v1/leads?limit={limit}");
        if let Some(s) = status {
            path.push_str(&format!("&status={s}"));
        }
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (body, _) = self.call(reqwest::Method::GET, &path, None, None)?;
        serde_json::from_value(body).map_err(|e| RemoteError::BadResponse(e.to_string()))
    }

    pub fn lead(&self, id: &str) -> Result<Lead, RemoteError> {
        let (body, _) = self.call(reqwest::Method::GET, &format!("/v1/leads/{id}"), None, None)?;
        serde_json::from_value(body).map_err(|e| RemoteError::BadResponse(e.to_string()))
    }

    pub fn response_rate(&self) -> Result<ServerRate, RemoteError> {
        let (body, _) = self.call(reqwest::Method::GET, "/v1/response-rate", None, None)?;
        serde_json::from_value(body).map_err(|e| RemoteError::BadResponse(e.to_string()))
    }

    /// Accepts or rejects `lead_id` under `key`, the same key on every attempt.
    pub fn decide(
        &self,
        lead_id: &str,
        action: Action,
        reason: Option<RejectReason>,
        note: Option<&str>,
        key: &str,
    ) -> Result<DecisionReply, RemoteError> {
        let path = format!("/v1/leads/{lead_id}/{}", action.as_str());
        let body = match action {
            Action::Accept => json!({"note": note}),
            Action::Reject => json!({"reason": reason.map(RejectReason::as_str), "note": note}),
        };
        let (body, replayed) = self.call(reqwest::Method::POST, &path, Some(key), Some(body))?;
        let mut reply: DecisionReply =
            serde_json::from_value(body).map_err(|e| RemoteError::BadResponse(e.to_string()))?;
        reply.replayed = replayed;
        Ok(reply)
    }

    /// Adds a message to `lead_id`'s conversation under `key`, the same key and body on every
    /// attempt. The answer is the message as the platform stored it, under the platform's id.
    pub fn post_message(
        &self,
        lead_id: &str,
        body: &Value,
        key: &str,
    ) -> Result<Message, RemoteError> {
        let path = format!("/v1/leads/{lead_id}/messages");
        let (answer, _) = self.call(reqwest::Method::POST, &path, Some(key), Some(body.clone()))?;
        serde_json::from_value(answer["message"].clone())
            .map_err(|e| RemoteError::BadResponse(format!("the message sent back: {e}")))
    }

    /// Sets `lead_id`'s outcome under `key`; the answer is the lead with the outcome recorded.
    pub fn post_outcome(
        &self,
        lead_id: &str,
        body: &Value,
        key: &str,
    ) -> Result<Lead, RemoteError> {
        let path = format!("/v1/leads/{lead_id}/outcome");
        let (answer, _) = self.call(reqwest::Method::POST, &path, Some(key), Some(body.clone()))?;
        serde_json::from_value(answer["lead"].clone())
            .map_err(|e| RemoteError::BadResponse(format!("the lead sent back: {e}")))
    }

    /// One request, with the contract's retry rules. Returns the JSON body and whether the server
    /// marked it a replay.
    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Result<(Value, bool), RemoteError> {
        let started = Instant::now();
        let mut end = started + self.policy.deadline;
        if let Some(cutoff) = self.cutoff.get() {
            end = end.min(cutoff);
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let left = end.saturating_duration_since(Instant::now());
            let mut request = self
                .http
                .borrow()
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token.0)
                .timeout(left.max(Duration::from_millis(1)));
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let sent = Instant::now();
            // `reconnect`: an error answer to a POST. The server may have answered before
            // reading all of the body, or be about to close the connection: a retry sent on it
            // can be lost or garbled, so it goes on a fresh one.
            let (fault, retry_after, reconnect) = match request.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // The path only: the token is in a header, which is never logged.
                    log::info!(
                        "{method} {path} → {status} in {} ms{}",
                        sent.elapsed().as_millis(),
                        key.map_or(String::new(), |k| format!(" (Idempotency-Key {k})"))
                    );
                    let retry_after = retry_after(&response);
                    let replayed = response
                        .headers()
                        .get("idempotent-replayed")
                        .is_some_and(|v| v.as_bytes() == b"true");
                    let text = response.text().unwrap_or_default();
                    match status {
                        200..=299 => {
                            let value = serde_json::from_str(&text)
                                .map_err(|e| RemoteError::BadResponse(e.to_string()))?;
                            return Ok((value, replayed));
                        }
                        401 => return Err(RemoteError::Unauthorized),
                        _ => {}
                    }
                    let refusal = Refusal::read(status, &text);
                    if !refusal.may_pass(attempt > 1) {
                        return Err(RemoteError::Refused(refusal));
                    }
                    let fault = match &refusal.code {
                        Some(code) => format!("HTTP {status} {code}"),
                        None => format!("HTTP {status}"),
                    };
                    (fault, retry_after, method == reqwest::Method::POST)
                }
                Err(e) => {
                    log::info!(
                        "{method} {path} → {} after {} ms",
                        describe(&e),
                        sent.elapsed().as_millis()
                    );
                    (describe(&e), None, false)
                }
            };
            let wait = next_try(&self.policy, attempt, retry_after, (started, end), fault)?;
            if reconnect {
                // A new client is a new pool: the connection the answer came on is closed.
                *self.http.borrow_mut() = http_client(self.connect_timeout)?;
            }
            std::thread::sleep(wait);
        }
    }
}

pub(crate) fn http_client(
    connect_timeout: Duration,
) -> Result<reqwest::blocking::Client, RemoteError> {
    install_crypto();
    reqwest::blocking::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(concat!("leads/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| RemoteError::BadResponse(format!("cannot set up HTTP: {e}")))
}

/// An answer's `Retry-After`, in whole seconds as the contract and the platforms send it.
pub(crate) fn retry_after(response: &reqwest::blocking::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// After attempt `attempt` failed with `fault`: how long to wait before the next, the longer of
/// the server's `Retry-After` and the backoff, or `Unreachable` once out of attempts or of the
/// time between `started` and `end`. The one retry rule of every client here.
pub(crate) fn next_try(
    policy: &RetryPolicy,
    attempt: u32,
    retry_after: Option<Duration>,
    (started, end): (Instant, Instant),
    fault: String,
) -> Result<Duration, RemoteError> {
    let wait = retry_after
        .unwrap_or_default()
        .max(backoff(policy, attempt));
    if attempt >= policy.attempts || Instant::now() + wait >= end {
        return Err(RemoteError::Unreachable {
            attempts: attempt,
            elapsed: started.elapsed(),
            last: fault,
        });
    }
    log::info!(
        "{fault}: attempt {attempt} of {}; retrying in {} ms",
        policy.attempts,
        wait.as_millis()
    );
    Ok(wait)
}

/// A transport fault in words, without the URL's query or any header.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the connection failed".into()
    }
}

/// Full jitter: a random wait up to base · 2^(attempt−1), capped, so many clients retrying at
/// once spread out instead of arriving together.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let ceiling = policy
        .base_delay
        .saturating_mul(1 << (attempt - 1).min(20))
        .min(policy.max_delay);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // splitmix64 of the clock's nanoseconds: enough spread for jitter, no dependency.
    let mut z = u64::from(nanos).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let fraction = (z >> 11) as f64 / (1u64 << 53) as f64;
    ceiling.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_prints() {
        let t = Token::new("s3cret-value");
        assert!(!format!("{t:?}").contains("s3cret"));
    }

    #[test]
    fn backoff_grows_then_caps_and_stays_under_its_ceiling() {
        let p = RetryPolicy {
            attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(800),
            deadline: Duration::from_secs(60),
        };
        for attempt in 1..10 {
            let ceiling =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(800));
            for _ in 0..20 {
                assert!(backoff(&p, attempt) <= ceiling);
            }
        }
    }
}
