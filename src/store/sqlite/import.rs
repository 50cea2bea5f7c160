//! Leads in bulk: files imported record by record, and the pages the remote source pulls.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, millis, record_charge};
use crate::domain::lead::{Action, Kind, Lead, RejectReason};

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    /// Records whose status disagreed with a decision or expiry already recorded here; the
    /// recorded one was kept, because a lead never goes back to pending.
    pub kept: u64,
}

/// An import under way, record by record, so a file of any size streams through: one write
/// transaction, so a bad record anywhere leaves the store as it was. Dropping it without
/// [`Import::commit`] rolls everything back.
pub struct Import<'s> {
    tx: Transaction<'s>,
    now: DateTime<Utc>,
    summary: ImportSummary,
}

/// A record whose id an earlier record of the same import had: where that one was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SameId(pub String);

impl Store {
    /// Adds new leads and updates known ones, all or nothing.
    pub fn import(&self, leads: &[Lead], now: DateTime<Utc>) -> Result<ImportSummary, StoreError> {
        let tx = self.write()?;
        let summary = upsert(&tx, leads, now)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Starts an import of records added one by one.
    pub fn begin_import(&self, now: DateTime<Utc>) -> Result<Import<'_>, StoreError> {
        // The ids seen so far, to refuse a second record with one, are SQLite's to keep: a
        // temporary table, in memory as this connection's temp_store says. On file it would hold
        // only its page cache, but the statement journals would go to file with it, which cost a
        // third more time than the ~40 MB the table takes at a million leads.
        let tx = self.write()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_ids (
                id     TEXT PRIMARY KEY NOT NULL,
                record TEXT NOT NULL
             ) WITHOUT ROWID;
             DELETE FROM temp.import_ids;",
        )?;
        Ok(Import {
            tx,
            now,
            summary: ImportSummary::default(),
        })
    }
}

impl Import<'_> {
    /// Adds or updates `lead`, which the input calls `record` ("record 3", "line 7"), unless
    /// an earlier record had its id.
    pub fn add(&mut self, lead: &Lead, record: &str) -> Result<Result<(), SameId>, StoreError> {
        let fresh = self
            .tx
            .prepare_cached(
                "INSERT INTO temp.import_ids (id, record) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![lead.id, record])?;
        if fresh == 0 {
            let first: String = self
                .tx
                .prepare_cached("SELECT record FROM temp.import_ids WHERE id = ?1")?
                .query_row([&lead.id], |r| r.get(0))?;
            return Ok(Err(SameId(first)));
        }
        upsert_one(&self.tx, lead, self.now, &mut self.summary)?;
        Ok(Ok(()))
    }

    pub fn commit(self) -> Result<ImportSummary, StoreError> {
        self.tx.execute("DELETE FROM temp.import_ids", [])?;
        self.tx.commit()?;
        Ok(self.summary)
    }
}

/// Adds or updates each of `leads` inside the caller's transaction.
pub(super) fn upsert(
    tx: &Transaction,
    leads: &[Lead],
    now: DateTime<Utc>,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    for lead in leads {
        upsert_one(tx, lead, now, &mut summary)?;
    }
    Ok(summary)
}

fn upsert_one(
    tx: &Transaction,
    lead: &Lead,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<(), StoreError> {
    let mut existing = tx.prepare_cached(
        "SELECT status, EXISTS (SELECT 1 FROM decisions WHERE lead_id = ?1) FROM leads
         WHERE id = ?1",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO leads (id, kind, status, service, category, created_at, expires_at,
            fee_amount, fee_currency, budget_min, budget_max, budget_currency, city, district,
            postcode, schedule, customer_name, customer_phone, customer_email, answers, message,
            updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
            service = excluded.service, category = excluded.category,
            created_at = excluded.created_at, expires_at = excluded.expires_at,
            fee_amount = excluded.fee_amount, fee_currency = excluded.fee_currency,
            budget_min = excluded.budget_min, budget_max = excluded.budget_max,
            budget_currency = excluded.budget_currency, city = excluded.city,
            district = excluded.district, postcode = excluded.postcode,
            schedule = excluded.schedule, customer_name = excluded.customer_name,
            -- Contact details appear only after an accept; a later pending page must not erase them.
            customer_phone = COALESCE(excluded.customer_phone, customer_phone),
            customer_email = COALESCE(excluded.customer_email, customer_email),
            answers = excluded.answers, message = excluded.message,
            updated_at = excluded.updated_at",
    )?;
    let mut decide = tx.prepare_cached(
        "INSERT INTO decisions (lead_id, action, decided_at, reason, note, charge_amount,
            charge_currency, origin, arrived_at, counts_in_rate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'import', ?8, ?9)",
    )?;
    let known: Option<(String, bool)> = existing
        .query_row([&lead.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // A lead only moves forward: pending → decided or expired. An import never reopens a
    // lead, and never replaces a decision already recorded here.
    let status = match &known {
        Some((stored, _)) if stored != "pending" => {
            if stored != lead.status.as_str() {
                summary.kept += 1;
            }
            stored.clone()
        }
        _ => lead.status.as_str().to_string(),
    };
    let (budget_min, budget_max, budget_currency) = match &lead.budget {
        Some(b) => (b.min, b.max, Some(b.currency.code())),
        None => (None, None, None),
    };
    let loc = lead.location.clone().unwrap_or_default();
    let answers = serde_json::to_string(&lead.answers).expect("answers always serialise");
    insert.execute(params![
        lead.id,
        lead.kind.as_str(),
        status,
        lead.service,
        lead.category,
        millis(lead.created_at),
        lead.expires_at.map(millis),
        lead.fee.amount,
        lead.fee.currency.code(),
        budget_min,
        budget_max,
        budget_currency,
        loc.city,
        loc.district,
        loc.postcode,
        lead.schedule,
        lead.customer.display_name,
        lead.customer.phone,
        lead.customer.email,
        answers,
        lead.message,
        millis(now),
    ])?;
    let had_decision = known.as_ref().is_some_and(|(_, d)| *d);
    if let Some(d) = &lead.decision
        && !had_decision
        && status == lead.status.as_str()
    {
        let charge = (d.action == Action::Accept).then_some(lead.fee);
        if let Some(fee) = charge {
            record_charge(tx, &lead.id, fee, d.decided_at)?;
        }
        decide.execute(params![
            lead.id,
            d.action.as_str(),
            millis(d.decided_at),
            d.reason.map(RejectReason::as_str),
            d.note,
            charge.map(|c| c.amount),
            charge.map(|c| c.currency.code()),
            millis(lead.created_at),
            lead.kind == Kind::NewLead,
        ])?;
    }
    match known {
        Some(_) => summary.updated += 1,
        None => summary.added += 1,
    }
    Ok(())
}
