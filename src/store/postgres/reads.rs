//! Reading leads back: one lead with its log, pages by cursor, the response-rate tally.

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::GenericClient;
use serde_json::{Value, json};
use tokio_postgres::Row;

use super::PgError;
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::filter::StatusFilter;
use crate::domain::lead::{Decision, Lead};
use crate::domain::money::Money;
use crate::domain::rate::Tally;

/// A lead and its decision, in the column order [`lead_from_row`] reads.
pub(super) const LEAD_SELECT: &str = "SELECT l.id, l.kind, l.status, l.created_at, l.expires_at, \
     l.body, d.action, d.decided_at, d.reason, d.note FROM leads l \
     LEFT JOIN decisions d ON d.lead_id = l.id";

/// The statement for `sql`, prepared once per connection: a query given as text is parsed and
/// described on every call, a round trip more each time.
pub(super) async fn stmt(
    c: &impl GenericClient,
    sql: &str,
) -> Result<tokio_postgres::Statement, PgError> {
    Ok(c.prepare_cached(sql).await?)
}

/// A value of the database read as the domain type it was written from (the same serde names).
fn enum_of<T: serde::de::DeserializeOwned>(what: &str, code: &str) -> Result<T, PgError> {
    serde_json::from_value(json!(code)).map_err(|_| PgError::Corrupt(format!("{what} {code:?}")))
}

fn column<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, PgError> {
    row.try_get(i)
        .map_err(|e| PgError::Corrupt(format!("column {i}: {e}")))
}

pub(super) fn lead_from_row(row: &Row) -> Result<Lead, PgError> {
    let id: String = column(row, 0)?;
    let body: Value = column(row, 5)?;
    let mut lead: Lead =
        serde_json::from_value(body).map_err(|e| PgError::Corrupt(format!("lead {id}: {e}")))?;
    lead.id = id;
    lead.kind = enum_of("kind", column(row, 1)?)?;
    lead.status = enum_of("status", column(row, 2)?)?;
    lead.created_at = column(row, 3)?;
    lead.expires_at = column(row, 4)?;
    lead.decision = match column::<Option<&str>>(row, 6)? {
        None => None,
        Some(action) => Some(Decision {
            action: enum_of("action", action)?,
            decided_at: column(row, 7)?,
            reason: column::<Option<&str>>(row, 8)?
                .map(|r| enum_of("reason", r))
                .transpose()?,
            note: column(row, 9)?,
        }),
    };
    lead.messages = Vec::new();
    lead.outcome = None;
    Ok(lead)
}

/// The lead `id` with its messages (oldest first) and outcome, or None.
pub async fn get(c: &impl GenericClient, id: &str) -> Result<Option<Lead>, PgError> {
    let sql = format!("{LEAD_SELECT} WHERE l.id = $1");
    let Some(row) = c.query_opt(&stmt(c, &sql).await?, &[&id]).await? else {
        return Ok(None);
    };
    let mut lead = lead_from_row(&row)?;
    let messages = c
        .query(
            &stmt(
                c,
                "SELECT id, at, sender, channel, text FROM messages WHERE lead_id = $1
             ORDER BY at, id",
            )
            .await?,
            &[&id],
        )
        .await?;
    for m in &messages {
        lead.messages.push(Message {
            id: column(m, 0)?,
            at: column(m, 1)?,
            from: enum_of("sender", column(m, 2)?)?,
            channel: enum_of("channel", column(m, 3)?)?,
            text: column(m, 4)?,
        });
    }
    let outcome = c
        .query_opt(
            &stmt(
                c,
                "SELECT result, at, value_amount, value_currency, reason FROM outcomes
             WHERE lead_id = $1",
            )
            .await?,
            &[&id],
        )
        .await?;
    if let Some(o) = outcome {
        let value = match (
            column::<Option<i64>>(&o, 2)?,
            column::<Option<&str>>(&o, 3)?,
        ) {
            (Some(amount), Some(code)) => Some(Money::new(
                amount,
                code.parse()
                    .map_err(|_| PgError::Corrupt(format!("currency {code:?}")))?,
            )),
            _ => None,
        };
        lead.outcome = Some(JobOutcome {
            result: enum_of("result", column(&o, 0)?)?,
            at: column(&o, 1)?,
            value,
            reason: column(&o, 4)?,
        });
    }
    Ok(Some(lead))
}

/// A page of leads, oldest first, after the (created_at, id) `after` position, as the SQLite
/// store's `page`: `matches` judges each (status as of now), and up to `limit + 1` are returned
/// so the caller knows whether another page follows. Rows are read in batches, so a page of a
/// status judged at now does not read the whole table first.
pub async fn page(
    c: &impl GenericClient,
    status: StatusFilter,
    after: Option<(DateTime<Utc>, String)>,
    limit: usize,
    matches: &mut (dyn FnMut(&Lead) -> bool + Send),
) -> Result<Vec<Lead>, PgError> {
    let statuses: Vec<&str> = status.stored().iter().map(|s| s.as_str()).collect();
    let sql = format!(
        "{LEAD_SELECT} WHERE l.status = ANY($1)
           AND ($2::timestamptz IS NULL OR (l.created_at, l.id) > ($2, $3))
         ORDER BY l.created_at, l.id LIMIT $4"
    );
    let (mut at, mut id) = match after {
        Some((at, id)) => (Some(at), id),
        None => (None, String::new()),
    };
    let batch = (limit as i64 + 1).clamp(100, 1_000);
    let mut out = Vec::with_capacity(limit + 1);
    loop {
        let rows = c
            .query(&stmt(c, &sql).await?, &[&statuses, &at, &id, &batch])
            .await?;
        let last = rows.len() < batch as usize;
        for row in &rows {
            let lead = lead_from_row(row)?;
            (at, id) = (Some(lead.created_at), lead.id.clone());
            if matches(&lead) {
                out.push(lead);
                if out.len() > limit {
                    return Ok(out);
                }
            }
        }
        if last {
            return Ok(out);
        }
    }
}

/// New Leads created after `since`, by where they stand at `now`: the rule of the SQLite store's
/// tally and of `domain::freshness::effective_status` (a pending lead past its expiry, or past
/// the shelf life without one, has lapsed).
pub async fn tally(
    c: &impl GenericClient,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    shelf_life: TimeDelta,
) -> Result<Tally, PgError> {
    let shelf = shelf_life.num_milliseconds();
    let row = c
        .query_one(
            &stmt(
                c,
                "SELECT count(*) FILTER (WHERE status = 'accepted'),
                    count(*) FILTER (WHERE status = 'rejected'),
                    count(*) FILTER (WHERE status = 'expired' OR (status = 'pending' AND
                        coalesce(expires_at, created_at + $3 * interval '1 millisecond') <= $2)),
                    count(*) FILTER (WHERE status = 'pending' AND
                        coalesce(expires_at, created_at + $3 * interval '1 millisecond') > $2)
             FROM leads WHERE kind = 'new_lead' AND created_at > $1",
            )
            .await?,
            &[&since, &now, &(shelf as f64)],
        )
        .await?;
    let n = |i: usize| -> Result<u64, PgError> { Ok(column::<i64>(&row, i)? as u64) };
    Ok(Tally {
        accepted: n(0)?,
        rejected: n(1)?,
        lapsed: n(2)?,
        pending: n(3)?,
        reported_responded: 0,
    })
}

/// The ledger, oldest first: (charge id, lead id, amount), as the SQLite store's `charges`.
pub async fn charges(c: &impl GenericClient) -> Result<Vec<(String, String, Money)>, PgError> {
    let rows = c
        .query(
            &stmt(
                c,
                "SELECT seq, lead_id, amount, currency FROM charges ORDER BY seq",
            )
            .await?,
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let code: &str = column(r, 3)?;
            Ok((
                charge_id(column(r, 0)?),
                column(r, 1)?,
                Money::new(
                    column(r, 2)?,
                    code.parse()
                        .map_err(|_| PgError::Corrupt(format!("currency {code:?}")))?,
                ),
            ))
        })
        .collect()
}

pub(super) fn charge_id(seq: i64) -> String {
    format!("ch_{seq:08}")
}
