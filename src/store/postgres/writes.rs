//! Writes, each inside a transaction its caller holds (READ COMMITTED, PostgreSQL's default).
//!
//! Locking: a write first locks what it is about — the idempotency key with a transaction-scoped
//! advisory lock, the lead with `SELECT ... FOR UPDATE` — and only then reads what its checks
//! need. Pessimistic row locks rather than optimistic retries or SERIALIZABLE, because every
//! write here is read-check-write on one lead: under READ COMMITTED a plain read could see the
//! lead pending while another server's accept commits, and two writers would both pass the check
//! (the constraints would then fail the second with an error instead of an answer). With the row
//! lock, the second waits for the first and reads the lead as the first left it, so it answers
//! `already_decided` (or stores its message after the first one's) with no retry loop, and a
//! lost update is impossible. The constraints (one decision, one charge, one response per key)
//! stay as the backstop that holds even if a code path forgot a lock.

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::{GenericClient, Transaction};

use super::PgError;
use super::reads::{charge_id, get, lead_from_row, stmt};
use crate::domain::conversation::{Ending, JobOutcome, Message};
use crate::domain::decision::{Skip, check};
use crate::domain::lead::{Action, Lead, RejectReason, Status};
use crate::domain::money::Money;
use crate::store::{Decided, DecisionRequest, ImportSummary, Origin, OutcomeChange};

/// Times are kept to the millisecond, as the SQLite store keeps them, so a lead reads back the
/// same from either store and a page cursor (in milliseconds) falls between two leads exactly.
pub fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// Takes the key for this transaction, or false at once when another transaction (on this
/// server or another) holds it: that request is still running, and the caller answers
/// `409 idempotency_key_in_use` rather than wait. 64 bits of the key's hash name the lock; two
/// keys that share them only make one of two simultaneous requests retry.
pub async fn try_lock_key(tx: &Transaction<'_>, key: &str) -> Result<bool, PgError> {
    let row = tx
        .query_one(
            &stmt(
                tx,
                "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
            )
            .await?,
            &[&key],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// The response stored under `key`: (fingerprint, status, body).
pub async fn stored_response(
    tx: &Transaction<'_>,
    key: &str,
) -> Result<Option<(String, u16, String)>, PgError> {
    let row = tx
        .query_opt(
            &stmt(
                tx,
                "SELECT fingerprint, status, body FROM idempotency WHERE key = $1",
            )
            .await?,
            &[&key],
        )
        .await?;
    row.map(|r| {
        let status: i32 = r.try_get(1)?;
        Ok((r.try_get(0)?, status as u16, r.try_get(2)?))
    })
    .transpose()
}

pub async fn store_response(
    tx: &Transaction<'_>,
    key: &str,
    fingerprint: &str,
    status: u16,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO idempotency (key, fingerprint, status, body, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        )
        .await?,
        &[&key, &fingerprint, &i32::from(status), &body, &ms(now)],
    )
    .await?;
    Ok(())
}

/// Locks the lead's row until the transaction ends and returns the lead as it stands then, with
/// its log. The lock comes first, in its own statement: a read in the same statement would be of
/// the snapshot taken before the wait.
pub async fn lock_lead(tx: &impl GenericClient, id: &str) -> Result<Option<Lead>, PgError> {
    let locked = tx
        .query_opt(
            &stmt(tx, "SELECT 1 FROM leads WHERE id = $1 FOR UPDATE").await?,
            &[&id],
        )
        .await?;
    if locked.is_none() {
        return Ok(None);
    }
    get(tx, id).await
}

/// One decision by the rules of `leads accept` and `leads reject`: the lead locked, checked, the
/// decision row, the status change and, for an accept, the charge.
pub async fn decide(
    tx: &impl GenericClient,
    req: &DecisionRequest,
    now: DateTime<Utc>,
    shelf_life: TimeDelta,
) -> Result<Decided, PgError> {
    let Some(lead) = lock_lead(tx, &req.lead_id).await? else {
        return Ok(Decided::Skipped {
            lead: None,
            why: Skip::Unknown,
        });
    };
    if let Err(why) = check(&lead, req.action, req.max_fee, now, shelf_life) {
        return Ok(Decided::Skipped {
            lead: Some(lead),
            why,
        });
    }
    let now = ms(now);
    let charge = match req.action {
        Action::Accept => Some((record_charge(tx, &lead.id, lead.fee, now).await?, lead.fee)),
        Action::Reject => None,
    };
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO decisions (lead_id, action, decided_at, reason, note, charge_amount,
            charge_currency, charge_id, origin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'local')",
        )
        .await?,
        &[
            &lead.id,
            &req.action.as_str(),
            &now,
            &req.reason.map(RejectReason::as_str),
            &req.note,
            &charge.as_ref().map(|(_, m)| m.amount),
            &charge.as_ref().map(|(_, m)| m.currency.code()),
            &charge.as_ref().map(|(id, _)| id.as_str()),
        ],
    )
    .await?;
    let status = req.action.status();
    tx.execute(
        &stmt(
            tx,
            "UPDATE leads SET status = $2, updated_at = $3 WHERE id = $1",
        )
        .await?,
        &[&lead.id, &status.as_str(), &now],
    )
    .await?;
    Ok(Decided::done(lead, req, now, charge))
}

/// The charge of an accept, in the ledger whose UNIQUE (lead_id) refuses a second one.
async fn record_charge(
    tx: &impl GenericClient,
    lead_id: &str,
    fee: Money,
    at: DateTime<Utc>,
) -> Result<String, PgError> {
    let row = tx.query_one(
            &stmt(tx, "INSERT INTO charges (lead_id, amount, currency, created_at) VALUES ($1, $2, $3, $4)
             RETURNING seq").await?,
            &[&lead_id, &fee.amount, &fee.currency.code(), &ms(at)],
        )
        .await?;
    Ok(charge_id(row.try_get(0)?))
}

fn origin_str(origin: Origin) -> &'static str {
    match origin {
        Origin::Import => "import",
        Origin::Here => "here",
        Origin::Api => "api",
    }
}

/// Adds a message to the lead's log unless one of its id is there; true when added. The caller
/// holds the lead's lock (see [`lock_lead`]) and has checked that it is accepted.
pub async fn add_message(
    tx: &impl GenericClient,
    lead_id: &str,
    message: &Message,
    origin: Origin,
) -> Result<bool, PgError> {
    let added = tx
        .execute(
            &stmt(
                tx,
                "INSERT INTO messages (lead_id, id, at, sender, channel, text, origin)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lead_id, id) DO NOTHING",
            )
            .await?,
            &[
                &lead_id,
                &message.id,
                &ms(message.at),
                &message.from.as_str(),
                &message.channel.as_str(),
                &message.text,
                &origin_str(origin),
            ],
        )
        .await?;
    Ok(added == 1)
}

fn ending_str(e: Ending) -> &'static str {
    match e {
        Ending::Won => "won",
        Ending::Lost => "lost",
    }
}

/// Makes `outcome` the lead's, keeping the one it replaces in outcome_changes; the same outcome
/// again changes nothing. The caller holds the lead's lock, so two outcomes posted at once to two
/// servers are applied one after the other and each replaced one is kept.
pub async fn set_outcome(
    tx: &impl GenericClient,
    lead_id: &str,
    outcome: &JobOutcome,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    let current = get(tx, lead_id).await?.and_then(|l| l.outcome);
    let outcome = JobOutcome {
        at: ms(outcome.at),
        ..outcome.clone()
    };
    if current.as_ref() == Some(&outcome) {
        return Ok(());
    }
    if let Some(was) = current {
        keep_replaced(tx, lead_id, &was, now).await?;
    }
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO outcomes (lead_id, result, at, value_amount, value_currency, reason)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (lead_id) DO UPDATE SET result = excluded.result, at = excluded.at,
            value_amount = excluded.value_amount, value_currency = excluded.value_currency,
            reason = excluded.reason",
        )
        .await?,
        &[
            &lead_id,
            &ending_str(outcome.result),
            &outcome.at,
            &outcome.value.map(|v| v.amount),
            &outcome.value.map(|v| v.currency.code()),
            &outcome.reason,
        ],
    )
    .await?;
    Ok(())
}

/// Keeps an outcome that another replaced at `replaced_at`.
async fn keep_replaced(
    tx: &impl GenericClient,
    lead_id: &str,
    was: &JobOutcome,
    replaced_at: DateTime<Utc>,
) -> Result<(), PgError> {
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO outcome_changes (lead_id, result, at, value_amount, value_currency,
            reason, replaced_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .await?,
        &[
            &lead_id,
            &ending_str(was.result),
            &ms(was.at),
            &was.value.map(|v| v.amount),
            &was.value.map(|v| v.currency.code()),
            &was.reason,
            &ms(replaced_at),
        ],
    )
    .await?;
    Ok(())
}

/// The outcomes a lead had before its current one, as another store kept them; only for a lead
/// with none kept here yet, so that copying a store twice keeps each once.
pub async fn copy_replaced_outcomes(
    tx: &impl GenericClient,
    lead_id: &str,
    changes: &[OutcomeChange],
) -> Result<(), PgError> {
    let kept: i64 = tx
        .query_one(
            &stmt(
                tx,
                "SELECT count(*) FROM outcome_changes WHERE lead_id = $1",
            )
            .await?,
            &[&lead_id],
        )
        .await?
        .get(0);
    if kept == 0 {
        for change in changes {
            keep_replaced(tx, lead_id, &change.was, change.replaced_at).await?;
        }
    }
    Ok(())
}

/// Adds or updates one lead of an import (inside the caller's transaction), by the SQLite store's
/// rules: a lead only moves forward
/// (pending → decided or expired), a decision already recorded is never replaced, contact
/// details once known are kept, and messages and an outcome that come with the lead are added.
pub async fn import_lead(
    tx: &impl GenericClient,
    lead: &Lead,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<(), PgError> {
    lead.validate().map_err(|error| PgError::InvalidLead {
        id: lead.id.clone(),
        error,
    })?;
    // Locked first, then read, as a decision does (see `lock_lead`): a server deciding this lead
    // at the same moment is waited for, and its decision is seen.
    tx.query_opt(
        &stmt(tx, "SELECT 1 FROM leads WHERE id = $1 FOR UPDATE").await?,
        &[&lead.id],
    )
    .await?;
    let sql = format!("{} WHERE l.id = $1", super::reads::LEAD_SELECT);
    let known = match tx.query_opt(&stmt(tx, &sql).await?, &[&lead.id]).await? {
        Some(row) => Some(lead_from_row(&row)?),
        None => None,
    };
    let status = match &known {
        Some(stored) if stored.status != Status::Pending => {
            if stored.status != lead.status {
                summary.kept += 1;
            }
            stored.status
        }
        _ => lead.status,
    };
    let mut body = lead.clone();
    body.messages = Vec::new();
    body.outcome = None;
    body.decision = None;
    if let Some(stored) = &known {
        // Contact details appear only after an accept; a later pending copy must not erase them.
        body.customer.phone = body.customer.phone.or(stored.customer.phone.clone());
        body.customer.email = body.customer.email.or(stored.customer.email.clone());
    }
    let body = serde_json::to_value(&body).expect("a lead always serialises");
    let now = ms(now);
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO leads (id, kind, status, created_at, expires_at, body, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
            created_at = excluded.created_at, expires_at = excluded.expires_at,
            body = excluded.body, updated_at = excluded.updated_at",
        )
        .await?,
        &[
            &lead.id,
            &lead.kind.as_str(),
            &status.as_str(),
            &ms(lead.created_at),
            &lead.expires_at.map(ms),
            &body,
            &now,
        ],
    )
    .await?;
    let had_decision = known.as_ref().is_some_and(|l| l.decision.is_some());
    if let Some(d) = &lead.decision
        && !had_decision
        && status == lead.status
    {
        let charge = (d.action == Action::Accept).then_some(lead.fee);
        if let Some(fee) = charge {
            record_charge(tx, &lead.id, fee, d.decided_at).await?;
        }
        tx.execute(
            &stmt(
                tx,
                "INSERT INTO decisions (lead_id, action, decided_at, reason, note, charge_amount,
                charge_currency, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, 'import')",
            )
            .await?,
            &[
                &lead.id,
                &d.action.as_str(),
                &ms(d.decided_at),
                &d.reason.map(RejectReason::as_str),
                &d.note,
                &charge.map(|c| c.amount),
                &charge.map(|c| c.currency.code()),
            ],
        )
        .await?;
    }
    for m in &lead.messages {
        add_message(tx, &lead.id, m, Origin::Import).await?;
    }
    if let Some(o) = &lead.outcome {
        set_outcome(tx, &lead.id, o, now).await?;
    }
    match known {
        Some(_) => summary.updated += 1,
        None => summary.added += 1,
    }
    Ok(())
}
