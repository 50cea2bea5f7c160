//! The marketplaces' webhooks in PostgreSQL: stored before the answer, taken by one server at a
//! time, settled with what processing them wrote (schema 2 says how).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;

use super::PgError;
use super::reads::stmt;
use super::writes::ms;
use crate::store::{KeptWebhook, WebhookEvent, WebhookQueue, retry_after};

/// Stores each (event id, body) of the delivery not here already: (new, already here). Inside
/// the caller's transaction, which commits before the server answers.
pub async fn receive(
    c: &impl GenericClient,
    account: &str,
    events: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<(u64, u64), PgError> {
    let insert = stmt(
        c,
        "INSERT INTO webhook_events (account, event_id, body, received_at, next_at)
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (account, event_id) DO NOTHING",
    )
    .await?;
    let mut new = 0;
    for (event_id, body) in events {
        new += c
            .execute(&insert, &[&account, event_id, body, &ms(now)])
            .await?;
    }
    Ok((new, events.len() as u64 - new))
}

/// The account's oldest queued event after `after` that is due (any, with `all`) and that no
/// other transaction holds, locked until the caller's transaction ends.
pub async fn take_next(
    c: &impl GenericClient,
    account: &str,
    now: DateTime<Utc>,
    all: bool,
    after: i64,
) -> Result<Option<WebhookEvent>, PgError> {
    let row = c
        .query_opt(
            &stmt(
                c,
                "SELECT seq, event_id, body, attempts FROM webhook_events
                 WHERE account = $1 AND processed_at IS NULL AND seq > $4
                   AND ($3 OR next_at <= $2)
                 ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED",
            )
            .await?,
            &[&account, &ms(now), &all, &after],
        )
        .await?;
    Ok(row.map(|r| WebhookEvent {
        seq: r.get(0),
        account: account.to_string(),
        event_id: r.get(1),
        body: r.get(2),
        attempts: r.get::<_, i32>(3).max(0) as u32,
    }))
}

pub async fn done(c: &impl GenericClient, seq: i64, now: DateTime<Utc>) -> Result<(), PgError> {
    c.execute(
        &stmt(
            c,
            "UPDATE webhook_events SET processed_at = $2, attempts = attempts + 1,
                last_error = NULL WHERE seq = $1",
        )
        .await?,
        &[&seq, &ms(now)],
    )
    .await?;
    Ok(())
}

/// Leaves the event queued, saying why, until `retry_after` its attempts.
pub async fn failed(
    c: &impl GenericClient,
    event: &WebhookEvent,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    let next = ms(now + retry_after(event.attempts + 1));
    c.execute(
        &stmt(
            c,
            "UPDATE webhook_events SET attempts = attempts + 1, last_error = $2, next_at = $3
             WHERE seq = $1",
        )
        .await?,
        &[&event.seq, &why, &next],
    )
    .await?;
    Ok(())
}

pub async fn queue(c: &impl GenericClient, account: &str) -> Result<WebhookQueue, PgError> {
    let row = c
        .query_one(
            &stmt(
                c,
                "SELECT count(processed_at), count(*) - count(processed_at),
                        min(received_at) FILTER (WHERE processed_at IS NULL),
                        (SELECT last_error FROM webhook_events
                         WHERE account = $1 AND processed_at IS NULL AND last_error IS NOT NULL
                         ORDER BY seq DESC LIMIT 1)
                 FROM webhook_events WHERE account = $1",
            )
            .await?,
            &[&account],
        )
        .await?;
    Ok(WebhookQueue {
        processed: row.get::<_, i64>(0) as u64,
        queued: row.get::<_, i64>(1) as u64,
        oldest: row.get(2),
        last_error: row.get(3),
    })
}

pub async fn remembered(c: &impl GenericClient, name: &str) -> Result<Option<String>, PgError> {
    let row = c
        .query_opt(
            &stmt(c, "SELECT value FROM platform_state WHERE name = $1").await?,
            &[&name],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn remember(
    c: &impl GenericClient,
    name: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    c.execute(
        &stmt(
            c,
            "INSERT INTO platform_state (name, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                updated_at = excluded.updated_at",
        )
        .await?,
        &[&name, &value, &ms(now)],
    )
    .await?;
    Ok(())
}

/// A webhook as another store kept it (moving a store in): true when it was not here yet.
pub async fn copy(c: &impl GenericClient, kept: &KeptWebhook) -> Result<bool, PgError> {
    let e = &kept.event;
    let added = c
        .execute(
            &stmt(
                c,
                "INSERT INTO webhook_events (account, event_id, body, received_at, attempts,
                    next_at, last_error, processed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account, event_id) DO NOTHING",
            )
            .await?,
            &[
                &e.account,
                &e.event_id,
                &e.body,
                &ms(kept.received_at),
                &(e.attempts.min(i32::MAX as u32) as i32),
                &ms(kept.next_at),
                &kept.last_error,
                &kept.processed_at.map(ms),
            ],
        )
        .await?;
    Ok(added == 1)
}
