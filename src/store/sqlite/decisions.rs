//! Decisions in the store: deciding under the rules (one transaction, one charge per accept),
//! idempotency keys for the server, the outbox of decisions waiting to reach a platform, and the
//! small remote state a cache keeps beside it.

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::*;

/// A decision waiting in the outbox.
#[derive(Clone, Debug)]
pub struct Queued {
    pub key: String,
    pub lead_id: String,
    pub action: Action,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
}

/// What a write under an idempotency key came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keyed {
    /// Done (or refused) now; this response was stored under the key.
    First { status: u16, body: String },
    /// The key was seen before with the same request: its stored response.
    Replay { status: u16, body: String },
    /// The key was seen before with a different request.
    Reused,
}

impl Store {
    /// One decision inside the caller's write transaction: the rules, the decision row, the
    /// status change and, for an accept, the charge, all or nothing with that transaction.
    pub(super) fn decide_one(
        &self,
        tx: &Transaction,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, StoreError> {
        let Some(lead) = self.get(&req.lead_id)? else {
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
        let charge = match req.action {
            Action::Accept => {
                let mut insert = tx.prepare_cached(CHARGE)?;
                Some((
                    record_charge(&mut insert, tx, &lead.id, lead.fee, now)?,
                    lead.fee,
                ))
            }
            Action::Reject => None,
        };
        tx.prepare_cached(
            "INSERT INTO decisions (lead_id, action, decided_at, reason, note, charge_amount,
                charge_currency, charge_id, origin, arrived_at, counts_in_rate)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'local', ?9, ?10)",
        )?
        .execute(params![
            lead.id,
            req.action.as_str(),
            millis(now),
            req.reason.map(RejectReason::as_str),
            req.note,
            charge.as_ref().map(|(_, m)| m.amount),
            charge.as_ref().map(|(_, m)| m.currency.code()),
            charge.as_ref().map(|(id, _)| id.as_str()),
            millis(lead.created_at),
            lead.kind == Kind::NewLead,
        ])?;
        let status = req.action.status();
        let marked = tx
            .prepare_cached(
                "UPDATE leads SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![lead.id, status.as_str(), millis(now)])?;
        if marked != 1 {
            // Unreachable while we hold the write lock; if it ever happens, the whole
            // transaction rolls back rather than leave a decision beside a pending lead.
            return Err(StoreError::Corrupt(format!(
                "lead {} changed while being decided",
                lead.id
            )));
        }
        Ok(Decided::done(lead, req, now, charge))
    }

    /// A write under an idempotency key, as the API makes it: in one transaction, the key is
    /// looked up, `write` does the work and returns the response (a refusal too), and the key is
    /// stored with that response. A repeat of the key with the same `fingerprint` (what the first
    /// request asked) gets the stored response and changes nothing; with another fingerprint,
    /// nothing either. Decisions, messages and outcomes all go through here.
    pub fn keyed(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        write: impl FnOnce(&Write) -> Result<(u16, String), StoreError>,
    ) -> Result<Keyed, StoreError> {
        self.in_write(|w| {
            let seen: Option<(String, u16, String)> = w
                .tx
                .prepare_cached("SELECT fingerprint, status, body FROM idempotency WHERE key = ?1")?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((first, status, body)) = seen {
                return Ok(if first == fingerprint {
                    Keyed::Replay { status, body }
                } else {
                    Keyed::Reused
                });
            }
            let (status, body) = write(w)?;
            w.tx.prepare_cached(
                "INSERT INTO idempotency (key, fingerprint, status, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![key, fingerprint, status, body, millis(now)])?;
            Ok(Keyed::First { status, body })
        })
    }

    /// A page of leads, oldest first, after the (created_at, id) `after` position. `matches`
    /// says which leads belong (status is judged at "now", so it is not a column test); up to
    /// `limit + 1` are returned so the caller knows whether another page follows.
    pub fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        mut matches: impl FnMut(&Lead) -> bool,
    ) -> Result<Vec<Lead>, StoreError> {
        let sql = page_sql(status);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let (at, id) = after.map_or((i64::MIN, String::new()), |(t, id)| (millis(t), id));
        let mut rows = stmt.query(params![at, id])?;
        let mut out = Vec::with_capacity(limit + 1);
        while out.len() <= limit {
            let Some(row) = rows.next()? else { break };
            let lead = lead_from_row(row).map_err(read_error)?;
            if matches(&lead) {
                out.push(lead);
            }
        }
        Ok(out)
    }

    /// Decides here and queues for its platform each decision on a lead `sent` picks (the
    /// leads of remote accounts), in one transaction: the decision, the status change and, for
    /// those, an outbox row with a fresh idempotency key. Returns each outcome and, for the
    /// queued ones, what was queued.
    pub fn decide_and_queue(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        sent: impl Fn(&str) -> bool,
    ) -> Result<Vec<(Decided, Option<Queued>)>, StoreError> {
        // IMMEDIATE takes the write lock before the first read, so the checks see the lead as it
        // is when the decision commits: a second process waits, then finds it decided.
        let tx = self.write()?;
        let mut out = Vec::with_capacity(requests.len());
        for req in requests {
            let decided = self.decide_one(&tx, req, now, shelf_life)?;
            let key = match &decided {
                Decided::Done { .. } if sent(&req.lead_id) => {
                    let key = uuid::Uuid::new_v4().to_string();
                    tx.prepare_cached(
                        "INSERT INTO outbox (key, lead_id, action, reason, note, queued_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        key,
                        req.lead_id,
                        req.action.as_str(),
                        req.reason.map(RejectReason::as_str),
                        req.note,
                        millis(now)
                    ])?;
                    Some(Queued {
                        key,
                        lead_id: req.lead_id.clone(),
                        action: req.action,
                        reason: req.reason,
                        note: req.note.clone(),
                    })
                }
                Decided::Done { .. } | Decided::Skipped { .. } | Decided::Queued { .. } => None,
            };
            out.push((decided, key));
        }
        tx.commit()?;
        Ok(out)
    }

    /// The ids of every lead stored as pending, whatever the clock says.
    pub fn pending_ids(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT id FROM leads WHERE status = 'pending' AND {} ORDER BY id",
            self.in_scope("id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Every queued decision, oldest first.
    pub fn outbox(&self) -> Result<Vec<Queued>, StoreError> {
        let sql = format!(
            "SELECT key, lead_id, action, reason, note FROM outbox
             WHERE sent_at IS NULL AND {} ORDER BY queued_at, key",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Queued {
                key: r.get(0)?,
                lead_id: r.get(1)?,
                action: if r.get_ref(2)?.as_str()? == "accept" {
                    Action::Accept
                } else {
                    Action::Reject
                },
                reason: r
                    .get::<_, Option<String>>(3)?
                    .and_then(|c| RejectReason::from_code(&c)),
                note: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }

    /// The API took the decision: mark it sent and record the charge it reports, which is what
    /// `status` and `history` show as spent.
    pub fn sent(
        &self,
        key: &str,
        lead_id: &str,
        charge: Option<(&str, Money)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let Some((_, money)) = charge.filter(|(_, m)| !m.is_plausible()) {
            return Err(StoreError::Implausible(format!(
                "the platform reported a charge of {money} for lead {lead_id}, over the ceiling of {}; not recorded",
                Money::new(Money::ceiling(money.currency), money.currency)
            )));
        }
        let tx = self.write()?;
        if let Some((id, money)) = charge {
            tx.execute(
                "UPDATE decisions SET charge_id = ?2, charge_amount = ?3, charge_currency = ?4
                 WHERE lead_id = ?1 AND action = 'accept'",
                params![lead_id, id, money.amount, money.currency.code()],
            )?;
            // The local ledger row made with the decision follows the server's figure.
            tx.execute(
                "UPDATE charges SET amount = ?2, currency = ?3 WHERE lead_id = ?1",
                params![lead_id, money.amount, money.currency.code()],
            )?;
        }
        tx.execute(
            "UPDATE outbox SET sent_at = ?2, last_error = NULL WHERE key = ?1",
            params![key, millis(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The keys of decisions the API has taken since the server's rate was last fetched.
    pub fn sent_keys(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT key FROM outbox WHERE sent_at IS NOT NULL AND {}",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let keys = stmt.query_map([], |r| r.get(0))?;
        Ok(keys.collect::<rusqlite::Result<_>>()?)
    }

    /// A fresh server rate counts these sent decisions: they need not be added to it any more.
    pub fn reflected(&self, keys: &[String]) -> Result<(), StoreError> {
        let tx = self.write()?;
        for key in keys {
            tx.execute(
                "DELETE FROM outbox WHERE key = ?1 AND sent_at IS NOT NULL",
                [key],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What happened here that the server's last reported rate cannot include yet, over the New
    /// Leads created after `since`: decisions still queued or sent after that report, and
    /// cached pending leads that lapsed after `reported_at`.
    pub fn since_report(
        &self,
        since: DateTime<Utc>,
        reported_at: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        let (since, reported_at, now) = (millis(since), millis(reported_at), millis(now));
        let mut tally = Tally::default();
        let sql = format!(
            "SELECT o.action, COUNT(*) FROM outbox o JOIN leads l ON l.id = o.lead_id
             WHERE l.kind = 'new_lead' AND l.created_at > ?1 AND {}
             GROUP BY o.action",
            self.in_scope("o.lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([since])?;
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(1)?;
            match r.get::<_, String>(0)?.as_str() {
                "accept" => tally.accepted = n as u64,
                _ => tally.rejected = n as u64,
            }
        }
        let sql = format!(
            "SELECT COALESCE(SUM(exp > ?4 AND exp <= ?2), 0), COALESCE(SUM(exp > ?2), 0)
             FROM (SELECT COALESCE(expires_at, created_at + ?3) AS exp FROM leads
                   WHERE status = 'pending' AND kind = 'new_lead' AND created_at > ?1 AND {})",
            self.in_scope("id")
        );
        let (lapsed, pending): (i64, i64) = self.conn.query_row(
            &sql,
            params![since, now, shelf_life.num_milliseconds(), reported_at],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tally.lapsed = lapsed as u64;
        tally.pending = pending as u64;
        Ok(tally)
    }

    /// The API refused the decision for good: undo it here (decision, charge, outbox row) and
    /// give the lead the status the server reports.
    pub fn unsend(
        &self,
        key: &str,
        lead_id: &str,
        status: Status,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute("DELETE FROM outbox WHERE key = ?1", [key])?;
        tx.execute("DELETE FROM decisions WHERE lead_id = ?1", [lead_id])?;
        tx.execute("DELETE FROM charges WHERE lead_id = ?1", [lead_id])?;
        tx.execute(
            "UPDATE leads SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![lead_id, status.as_str(), millis(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A transient failure: the decision stays queued, with what went wrong.
    pub fn still_queued(&self, key: &str, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE key = ?1",
            params![key, error],
        )?;
        Ok(())
    }

    pub fn set_state(&self, name: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO remote_state (name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![name, value, millis(now)],
        )?;
        Ok(())
    }

    /// A remembered fact and when it was set.
    pub fn state(&self, name: &str) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        self.conn
            .query_row(
                "SELECT value, updated_at FROM remote_state WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, from_millis(r.get(1)?)?)),
            )
            .optional()
            .map_err(read_error)
    }

    /// Charges recorded in the ledger, for tests and audits: (charge id, lead id, money).
    pub fn charges(&self) -> Result<Vec<(String, String, Money)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, lead_id, amount, currency FROM charges ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                charge_id(r.get(0)?),
                r.get(1)?,
                Money::new(r.get(2)?, currency(r.get(3)?)?),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }
}

fn charge_id(seq: i64) -> String {
    format!("ch_{seq:08}")
}

/// Adds `lead_id`'s charge to the ledger. A second charge for the same lead violates the
/// ledger's UNIQUE and fails the transaction: the store itself refuses to charge twice.
/// `insert` is [`CHARGE`], prepared on `conn`.
pub(super) fn record_charge(
    insert: &mut rusqlite::Statement,
    conn: &Connection,
    lead_id: &str,
    fee: Money,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    insert.execute(params![
        lead_id,
        fee.amount,
        fee.currency.code(),
        millis(at)
    ])?;
    Ok(charge_id(conn.last_insert_rowid()))
}

pub(super) const CHARGE: &str =
    "INSERT INTO charges (lead_id, amount, currency, created_at) VALUES (?1, ?2, ?3, ?4)";

/// The leads of `status`'s stored statuses after a (created_at, id) position, in that order. One
/// stored status is read through leads_by_status_created, so a page of pending leads does not
/// walk past every decided one first. Several are read in arrival order from leads_by_created,
/// each lead's status checked (`+` keeps SQLite off the status index): SQLite read each status's
/// range through that index and sorted them all, for every page (4–6 s a page of all leads at
/// a million).
pub(super) fn page_sql(status: StatusFilter) -> String {
    let column = match status.stored().len() {
        1 => "l.status",
        _ => "+l.status",
    };
    let statuses = stored_status_in(column, status);
    format!(
        "SELECT {LEAD_COLUMNS} FROM {WITH_DECISION}
         WHERE {statuses} AND (l.created_at, l.id) > (?1, ?2)
         ORDER BY l.created_at, l.id"
    )
}
