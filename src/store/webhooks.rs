//! Webhooks from marketplaces, kept in the store from the moment they arrive until they are
//! processed (the `webhook_events` table; its migration says why each column is there).
//!
//! The receiver calls [`Store::receive_webhooks`] before it answers: once that returns, the event
//! survives a crash, and a second delivery of it changes nothing. Processing takes the due events
//! of an account ([`Store::due_webhooks`]) and settles each: done, or failed with the time of the
//! next try.

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::params;

use super::StoreError;
use super::sqlite::{Store, from_millis, millis, read_error};

/// One stored webhook, as processing reads it.
#[derive(Clone, Debug)]
pub struct WebhookEvent {
    pub seq: i64,
    pub account: String,
    pub event_id: String,
    pub body: String,
    pub attempts: u32,
}

/// A stored webhook with everything kept about it, for moving a store's queue into PostgreSQL.
#[derive(Clone, Debug)]
pub struct KeptWebhook {
    pub event: WebhookEvent,
    pub received_at: DateTime<Utc>,
    pub next_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// How an account's webhooks stand, for `leads sync --status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct WebhookQueue {
    pub processed: u64,
    pub queued: u64,
    /// The oldest still queued: when it arrived, and what stopped it last.
    pub oldest: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// The wait before the next try after `attempts` failures: a minute, doubling, at most a day. A
/// platform that is down for hours is asked a few dozen times, not thousands.
pub fn retry_after(attempts: u32) -> TimeDelta {
    let minutes = 1i64 << attempts.saturating_sub(1).min(11);
    TimeDelta::minutes(minutes.min(24 * 60))
}

impl Store {
    /// Stores each (event id, body) of a delivery unless one of that account and event id is
    /// here already: (new, already here). Committed (synchronous=FULL) when this returns.
    pub fn receive_webhooks(
        &self,
        account: &str,
        events: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<(u64, u64), StoreError> {
        let tx = self.write()?;
        let mut new = 0;
        for (event_id, body) in events {
            new += tx.execute(
                "INSERT INTO webhook_events (account, event_id, body, received_at, next_at)
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (account, event_id) DO NOTHING",
                params![account, event_id, body, millis(now)],
            )? as u64;
        }
        tx.commit()?;
        Ok((new, events.len() as u64 - new))
    }

    /// The account's unprocessed webhooks whose next try is due at `now` (all of them with
    /// `all`), oldest first.
    pub fn due_webhooks(
        &self,
        account: &str,
        now: DateTime<Utc>,
        all: bool,
    ) -> Result<Vec<WebhookEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, account, event_id, body, attempts FROM webhook_events
             WHERE account = ?1 AND processed_at IS NULL AND (?3 OR next_at <= ?2) ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![account, millis(now), all], |r| {
            Ok(WebhookEvent {
                seq: r.get(0)?,
                account: r.get(1)?,
                event_id: r.get(2)?,
                body: r.get(3)?,
                attempts: r.get(4)?,
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(read_error)
    }

    pub fn webhook_done(&self, seq: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE webhook_events SET processed_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE seq = ?1",
            params![seq, millis(now)],
        )?;
        Ok(())
    }

    /// Leaves the event queued, saying why, until `retry_after` its attempts.
    pub fn webhook_failed(
        &self,
        event: &WebhookEvent,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let next = now + retry_after(event.attempts + 1);
        self.conn.execute(
            "UPDATE webhook_events SET attempts = attempts + 1, last_error = ?2, next_at = ?3
             WHERE seq = ?1",
            params![event.seq, error, millis(next)],
        )?;
        Ok(())
    }

    /// Every webhook kept, processed or not, oldest first.
    pub fn kept_webhooks(&self) -> Result<Vec<KeptWebhook>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, account, event_id, body, attempts, received_at, next_at, last_error,
                    processed_at FROM webhook_events ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KeptWebhook {
                event: WebhookEvent {
                    seq: r.get(0)?,
                    account: r.get(1)?,
                    event_id: r.get(2)?,
                    body: r.get(3)?,
                    attempts: r.get(4)?,
                },
                received_at: from_millis(r.get(5)?)?,
                next_at: from_millis(r.get(6)?)?,
                last_error: r.get(7)?,
                processed_at: r.get::<_, Option<i64>>(8)?.map(from_millis).transpose()?,
            })
        })?;
        rows.collect::<Result<_, _>>().map_err(read_error)
    }

    /// The remembered values whose name holds `part`: (name, value, when set).
    pub fn states_named(
        &self,
        part: &str,
    ) -> Result<Vec<(String, String, DateTime<Utc>)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name, value, updated_at FROM remote_state WHERE instr(name, ?1) > 0
             ORDER BY name",
        )?;
        let rows = stmt.query_map([part], |r| {
            Ok((r.get(0)?, r.get(1)?, from_millis(r.get(2)?)?))
        })?;
        rows.collect::<Result<_, _>>().map_err(read_error)
    }

    /// A queued message reached a platform that gives no id of its own back: the copy here stays
    /// as it is, and only leaves the queue.
    pub fn update_sent(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM conversation_outbox WHERE key = ?1", [key])?;
        Ok(())
    }

    /// How the account's webhooks stand.
    pub fn webhook_queue(&self, account: &str) -> Result<WebhookQueue, StoreError> {
        let (processed, queued, oldest): (i64, i64, Option<i64>) = self.conn.query_row(
            "SELECT COALESCE(SUM(processed_at IS NOT NULL), 0),
                    COALESCE(SUM(processed_at IS NULL), 0),
                    MIN(CASE WHEN processed_at IS NULL THEN received_at END)
             FROM webhook_events WHERE account = ?1",
            [account],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let last_error: Option<String> = self
            .conn
            .query_row(
                "SELECT last_error FROM webhook_events
                 WHERE account = ?1 AND processed_at IS NULL AND last_error IS NOT NULL
                 ORDER BY seq DESC LIMIT 1",
                [account],
                |r| r.get(0),
            )
            .ok();
        Ok(WebhookQueue {
            processed: processed as u64,
            queued: queued as u64,
            oldest: oldest.map(from_millis).transpose().map_err(read_error)?,
            last_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_delivery_changes_nothing_and_a_failure_waits_longer_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now: DateTime<Utc> = "2026-11-23T08:00:00Z".parse().unwrap();
        let event = |id: &str, body: &str| (id.to_string(), body.to_string());
        assert_eq!(
            store
                .receive_webhooks("tt", &[event("m1", "{}")], now)
                .unwrap(),
            (1, 0)
        );
        let again = [event("m1", "{\"x\":1}")];
        assert_eq!(store.receive_webhooks("tt", &again, now).unwrap(), (0, 1));
        assert_eq!(
            store
                .receive_webhooks("yelp", &[event("m1", "{}")], now)
                .unwrap(),
            (1, 0)
        );
        let due = store.due_webhooks("tt", now, false).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].body, "{}");
        store.webhook_failed(&due[0], "HTTP 503", now).unwrap();
        assert!(store.due_webhooks("tt", now, false).unwrap().is_empty());
        let later = now + TimeDelta::minutes(1);
        let again = store.due_webhooks("tt", later, false).unwrap();
        assert_eq!(again[0].attempts, 1);
        store.webhook_failed(&again[0], "HTTP 503", later).unwrap();
        // Two failures: two minutes' wait.
        assert!(
            store
                .due_webhooks("tt", later + TimeDelta::seconds(90), false)
                .unwrap()
                .is_empty()
        );
        let q = store.webhook_queue("tt").unwrap();
        assert_eq!((q.processed, q.queued), (0, 1));
        assert_eq!(q.last_error.as_deref(), Some("HTTP 503"));
        store.webhook_done(again[0].seq, later).unwrap();
        let q = store.webhook_queue("tt").unwrap();
        assert_eq!((q.processed, q.queued, q.oldest), (1, 0, None));
        assert_eq!(retry_after(30), TimeDelta::hours(24));
    }
}
