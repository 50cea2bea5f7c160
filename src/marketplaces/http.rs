//! HTTP for the marketplaces' own APIs: a bearer token, JSON, the Leads API client's fault rules
//! (see `crate::remote`), and a request budget where the platform publishes one.
//!
//! Reads ride out faults as the Leads API client does: 429 waits at least its `Retry-After`; 5xx,
//! timeouts and dropped connections are retried with backoff and jitter, a bounded number of times
//! within a total time; other 4xx are final. Writes differ: neither Thumbtack nor Yelp documents an
//! idempotency key, so a write is retried only when the platform surely did not act on it (the
//! connection was never made, or it answered 429). Any other fault leaves the message queued for
//! the next `leads sync`, which sends it again: rarely, a customer may then see it twice, which is
//! better than never. The token goes in one header and nowhere else.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::remote::{
    Refusal, RemoteError, RetryPolicy, Token, describe, http_client, next_try, retry_after,
};

/// At most `per_second` requests a second, in bursts of at most that many. Yelp's Leads API allows
/// "5 requests per second per client per endpoint" (https://docs.developer.yelp.com/docs/leads-api,
/// "Rate Limiting"); one bucket over every endpoint keeps under that without counting each.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    per_second: f64,
    tokens: f64,
    at: Instant,
}

impl TokenBucket {
    pub fn new(per_second: u32, now: Instant) -> TokenBucket {
        TokenBucket {
            per_second: f64::from(per_second.max(1)),
            tokens: f64::from(per_second.max(1)),
            at: now,
        }
    }

    /// Takes one request's token at `now`; the wait before that request may go (zero when a token
    /// was there). The caller passes the clock, so the arithmetic is tested without sleeping.
    pub fn take(&mut self, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.at = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_second)
        }
    }
}

pub struct Http {
    http: reqwest::blocking::Client,
    base: String,
    token: Token,
    policy: RetryPolicy,
    bucket: Option<RefCell<TokenBucket>>,
}

impl Http {
    pub fn new(
        base: &str,
        token: Token,
        connect_timeout: Duration,
        policy: RetryPolicy,
        per_second: Option<u32>,
    ) -> Result<Http, RemoteError> {
        Ok(Http {
            http: http_client(connect_timeout)?,
            base: base.trim_end_matches('/').to_string(),
            token,
            policy,
            bucket: per_second.map(|n| RefCell::new(TokenBucket::new(n, Instant::now()))),
        })
    }

    pub fn get(&self, path: &str) -> Result<Value, RemoteError> {
        self.call(reqwest::Method::GET, path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value, RemoteError> {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, RemoteError> {
        let write = method != reqwest::Method::GET;
        let started = Instant::now();
        let end = started + self.policy.deadline;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(bucket) = &self.bucket {
                let wait = bucket.borrow_mut().take(Instant::now());
                if !wait.is_zero() {
                    log::debug!(
                        "holding the platform's request limit: {} ms",
                        wait.as_millis()
                    );
                    std::thread::sleep(wait);
                }
            }
            let left = end.saturating_duration_since(Instant::now());
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token.0)
                .timeout(left.max(Duration::from_millis(1)));
            if let Some(body) = body {
                request = request.json(body);
            }
            let sent = Instant::now();
            let (fault, retry_after, may_retry) = match request.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // The path only: the token is in a header, which is never logged.
                    log::info!(
                        "{method} {path} → {status} in {} ms",
                        sent.elapsed().as_millis()
                    );
                    let retry_after = retry_after(&response);
                    let text = response.text().unwrap_or_default();
                    match status {
                        // Yelp answers a written event 201 with no body it documents.
                        200..=299 if text.trim().is_empty() => return Ok(Value::Null),
                        200..=299 => {
                            return serde_json::from_str(&text)
                                .map_err(|e| RemoteError::BadResponse(e.to_string()));
                        }
                        401 => return Err(RemoteError::Unauthorized),
                        408 | 429 | 500..=599 => {}
                        _ => return Err(RemoteError::Refused(Refusal::read(status, &text))),
                    }
                    (
                        format!("HTTP {status}"),
                        retry_after,
                        !write || status == 429,
                    )
                }
                Err(e) => {
                    log::info!(
                        "{method} {path} → {} after {} ms",
                        describe(&e),
                        sent.elapsed().as_millis()
                    );
                    (describe(&e), None, !write || e.is_connect())
                }
            };
            if !may_retry {
                return Err(RemoteError::Unreachable {
                    attempts: attempt,
                    elapsed: started.elapsed(),
                    last: fault,
                });
            }
            let wait = next_try(&self.policy, attempt, retry_after, (started, end), fault)?;
            std::thread::sleep(wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_lets_a_burst_through_then_spaces_requests_out() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(5, t0);
        for _ in 0..5 {
            assert_eq!(bucket.take(t0), Duration::ZERO);
        }
        // The sixth at once waits a fifth of a second; the seventh two fifths.
        assert_eq!(bucket.take(t0), Duration::from_millis(200));
        assert_eq!(bucket.take(t0), Duration::from_millis(400));
        // A second later the bucket is full again, but no fuller.
        let later = t0 + Duration::from_secs(3);
        for _ in 0..5 {
            assert_eq!(bucket.take(later), Duration::ZERO);
        }
        assert!(bucket.take(later) > Duration::ZERO);
    }
}
