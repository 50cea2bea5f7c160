//! The contact log and outcomes of accepted leads, in the same SQLite store as the leads.
//!
//! A message is stored once per lead and id, however often it is imported or pulled; an outcome
//! replaced by a later one is kept in `outcome_changes`, so history can say when it changed.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::sqlite::{Write, currency, from_millis, millis, read_error};
use crate::domain::conversation::{
    Channel, Ending, Facts, GOING_COLD_NOTICE, JobOutcome, Log, Message, Sender, Timing, Waits,
};
use crate::domain::lead::Lead;
use crate::domain::money::Money;

/// Where a message came from, for the `origin` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// With the lead object: an import, or a page the API sent.
    Import,
    /// Logged with this tool (`leads contact`, `leads reply`).
    Here,
    /// Posted to the API that `leads serve` runs over this store.
    Api,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Import => "import",
            Origin::Here => "here",
            Origin::Api => "api",
        }
    }
}

/// An earlier outcome that a later one replaced, and when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutcomeChange {
    pub was: JobOutcome,
    pub replaced_at: DateTime<Utc>,
}

/// Stores `message` for `lead_id` unless a message of that id is already there. True if added.
pub(super) fn add_message(
    conn: &Connection,
    lead_id: &str,
    message: &Message,
    origin: Origin,
) -> Result<bool, StoreError> {
    let added = conn
        .prepare_cached(
            "INSERT INTO messages (lead_id, id, at, sender, channel, text, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (lead_id, id) DO NOTHING",
        )?
        .execute(params![
            lead_id,
            message.id,
            millis(message.at),
            message.from.as_str(),
            message.channel.as_str(),
            message.text,
            origin.as_str(),
        ])?;
    Ok(added == 1)
}

impl Write<'_> {
    /// Adds a contact to an accepted lead's log (a message of an id already there is not added
    /// twice; false then); `StoreError::NotAccepted` for any other lead.
    pub fn add_contact(
        &self,
        lead_id: &str,
        message: &Message,
        origin: Origin,
    ) -> Result<bool, StoreError> {
        accepted_under_lock(&self.tx, lead_id)?;
        add_message(&self.tx, lead_id, message, origin)
    }

    /// Sets an accepted lead's outcome, keeping the one it replaces; false when it is the one
    /// recorded already. `StoreError::NotAccepted` for any other lead.
    pub fn set_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        accepted_under_lock(&self.tx, lead_id)?;
        Ok(set_outcome(&self.tx, lead_id, outcome, now)? != OutcomeSet::Unchanged)
    }
}

/// A conversation is an accepted lead's: checked again inside the write, so a lead decided
/// otherwise by another terminal a moment ago is not written to.
pub(super) fn accepted_under_lock(conn: &Connection, lead_id: &str) -> Result<(), StoreError> {
    let status: Option<String> = conn
        .query_row("SELECT status FROM leads WHERE id = ?1", [lead_id], |r| {
            r.get(0)
        })
        .optional()?;
    match status {
        Some(s) if s == "accepted" => Ok(()),
        other => Err(StoreError::NotAccepted {
            id: lead_id.to_string(),
            status: other.unwrap_or_else(|| "unknown".to_string()),
        }),
    }
}

/// What [`set_outcome`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OutcomeSet {
    /// The outcome was the one stored already.
    Unchanged,
    /// Stored; `replaced` is the `outcome_changes` row keeping the outcome it replaced, if any.
    Set { replaced: Option<i64> },
}

/// Makes `outcome` the lead's outcome, keeping the one it replaces. An outcome equal to the
/// stored one changes nothing, so importing the same file twice records no correction.
pub(super) fn set_outcome(
    conn: &Connection,
    lead_id: &str,
    outcome: &JobOutcome,
    now: DateTime<Utc>,
) -> Result<OutcomeSet, StoreError> {
    let current = outcome_of(conn, lead_id)?;
    if current.as_ref() == Some(outcome) {
        return Ok(OutcomeSet::Unchanged);
    }
    let mut replaced = None;
    if let Some(was) = current {
        conn.prepare_cached(
            "INSERT INTO outcome_changes (lead_id, result, at, value_amount, value_currency, reason,
                replaced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            lead_id,
            ending_str(was.result),
            millis(was.at),
            was.value.map(|v| v.amount),
            was.value.map(|v| v.currency.code()),
            was.reason,
            millis(now),
        ])?;
        replaced = Some(conn.last_insert_rowid());
    }
    store_outcome(conn, lead_id, outcome)?;
    Ok(OutcomeSet::Set { replaced })
}

/// Writes the lead's outcome row, with no record of the one it overwrites: for the platform's own
/// copy of an outcome made here, which is not a correction.
pub(super) fn store_outcome(
    conn: &Connection,
    lead_id: &str,
    outcome: &JobOutcome,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO outcomes (lead_id, result, at, value_amount, value_currency, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (lead_id) DO UPDATE SET result = excluded.result, at = excluded.at,
            value_amount = excluded.value_amount, value_currency = excluded.value_currency,
            reason = excluded.reason",
    )?
    .execute(params![
        lead_id,
        ending_str(outcome.result),
        millis(outcome.at),
        outcome.value.map(|v| v.amount),
        outcome.value.map(|v| v.currency.code()),
        outcome.reason,
    ])?;
    Ok(())
}

/// Writes what a lead object brings of its conversation (an import or a page from the API):
/// messages not yet known, and its outcome when it differs.
pub(super) fn import(conn: &Connection, lead: &Lead, now: DateTime<Utc>) -> Result<(), StoreError> {
    for m in &lead.messages {
        add_message(conn, &lead.id, m, Origin::Import)?;
    }
    if let Some(o) = &lead.outcome {
        set_outcome(conn, &lead.id, o, now)?;
    }
    Ok(())
}

fn ending_str(e: Ending) -> &'static str {
    match e {
        Ending::Won => "won",
        Ending::Lost => "lost",
    }
}

fn message_from_row(r: &rusqlite::Row) -> rusqlite::Result<Message> {
    let bad = |what: &str, v: String| super::sqlite::corrupt(format!("{what} {v:?}"));
    let from: String = r.get(2)?;
    let channel: String = r.get(3)?;
    Ok(Message {
        id: r.get(0)?,
        at: from_millis(r.get(1)?)?,
        from: Sender::from_code(&from).ok_or_else(|| bad("sender", from.clone()))?,
        channel: Channel::from_code(&channel).ok_or_else(|| bad("channel", channel.clone()))?,
        text: r.get(4)?,
    })
}

pub(super) fn outcome_from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<JobOutcome> {
    let result = match r.get_ref(at)?.as_str()? {
        "won" => Ending::Won,
        _ => Ending::Lost,
    };
    let value = match (
        r.get::<_, Option<i64>>(at + 2)?,
        r.get::<_, Option<String>>(at + 3)?,
    ) {
        (Some(amount), Some(code)) => Some(Money::new(amount, currency(code)?)),
        _ => None,
    };
    Ok(JobOutcome {
        result,
        at: from_millis(r.get(at + 1)?)?,
        value,
        reason: r.get(at + 4)?,
    })
}

pub(super) fn messages_of(conn: &Connection, lead_id: &str) -> Result<Vec<Message>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, sender, channel, text FROM messages WHERE lead_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([lead_id], message_from_row)?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error)
}

pub(super) fn outcome_of(
    conn: &Connection,
    lead_id: &str,
) -> Result<Option<JobOutcome>, StoreError> {
    conn.prepare_cached(
        "SELECT result, at, value_amount, value_currency, reason FROM outcomes WHERE lead_id = ?1",
    )?
    .query_row([lead_id], |r| outcome_from_row(r, 0))
    .optional()
    .map_err(read_error)
}

pub(super) fn outcome_changes(
    conn: &Connection,
    lead_id: &str,
) -> Result<Vec<OutcomeChange>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT result, at, value_amount, value_currency, reason, replaced_at
         FROM outcome_changes WHERE lead_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([lead_id], |r| {
        Ok(OutcomeChange {
            was: outcome_from_row(r, 0)?,
            replaced_at: from_millis(r.get(5)?)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error)
}

/// The facts of every open conversation (an accepted lead with no outcome yet) accepted or in
/// touch at or after `since` (`in_scope` narrows to some accounts): one run of the index that
/// keeps them in order of last activity (schema 7), so `leads status` costs what the last days
/// hold, not the history.
pub(super) fn facts(
    conn: &Connection,
    since: i64,
    in_scope: &str,
) -> Result<Vec<Facts>, StoreError> {
    let sql = format!(
        "SELECT lead_id, requested_at, accepted_at,
                from_customer, customer_last, from_pro, pro_first, pro_last
         FROM conversation_state
         WHERE last_activity >= ?1 AND settled = 0 AND {in_scope}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([since], |r| {
        Ok(Facts {
            lead_id: r.get(0)?,
            requested_at: from_millis(r.get(1)?)?,
            accepted_at: r.get::<_, Option<i64>>(2)?.map(from_millis).transpose()?,
            log: log_from_row(r, 3)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error)
}

/// The width of a slot of `open_conversation_slots`, in milliseconds: ten minutes, so that the
/// conversations counted row by row are few even for a business taking thousands of leads a day.
const SLOT: i64 = 600_000;

/// How many open conversations wait on whom at `now`. The conditions are
/// `domain::conversation`'s standing rules over the kept columns (the tests hold them equal to
/// [`Waits::of`]): cold once quiet for `cold_after` since the request, the accept or the last
/// contact (`last_activity`); the customer's turn while they wrote after the PRO, or the PRO
/// never wrote (owed); a nudge once the PRO's last message is `nudge_after` old.
///
/// For the whole store the counts of schema 9 answer: every ten-minute slot of last activity wholly
/// inside the thresholds is one row of counts, and only the slots a threshold falls inside (where
/// going cold starts and ends, and those holding PRO messages of the slot `nudge_after` ago) are
/// counted row by row, so the answer is exact and costs what a few slots hold, not the last days.
/// Some accounts of a store are counted row by row over the whole run of the activity index that
/// is not cold yet (the counts are of the whole store).
pub(super) fn waits(
    conn: &Connection,
    now: DateTime<Utc>,
    timing: Timing,
    in_scope: &str,
    whole_store: bool,
) -> Result<Waits, StoreError> {
    let cold_from = millis(now - timing.cold_after);
    let nudge_from = millis(now - timing.nudge_after);
    let cold_soon = millis(now - timing.cold_after + GOING_COLD_NOTICE);
    let slot = |t: i64| t.div_euclid(SLOT);
    let mut waits = Waits::default();
    let mut oldest: Option<i64> = None;
    let mut add = |owe: i64, first: Option<i64>, nudge: i64, going_cold: i64| {
        waits.owe_reply += owe as usize;
        waits.nudge += nudge as usize;
        waits.going_cold += going_cold as usize;
        oldest = match (oldest, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    };
    // The open conversations last active in [?3, ?4), counted row by row: one range of the
    // activity index, which holds every column read. One range per call, with one lower bound:
    // given two, SQLite may start the range at the other, and joined to a list of slots it
    // builds an index of every open conversation first.
    let sql = format!(
        "WITH rows AS (
            SELECT last_activity AS quiet_since, pro_last,
                   max(requested_at, coalesce(customer_last, requested_at)) AS customer_since
            FROM conversation_state
            WHERE last_activity >= ?3 AND last_activity < ?4 AND settled = 0 AND {in_scope}),
         open AS (SELECT *, (pro_last IS NULL OR customer_since > pro_last) AS owed FROM rows)
         SELECT count(*) FILTER (WHERE owed), min(customer_since) FILTER (WHERE owed),
                count(*) FILTER (WHERE NOT owed AND pro_last <= ?1),
                count(*) FILTER (WHERE quiet_since <= ?2)
         FROM open"
    );
    let mut exact = conn.prepare_cached(&sql)?;
    // Only what is not cold yet: last active after cold_from.
    let mut count = |from: i64, to: i64| -> Result<(), StoreError> {
        let from = from.max(cold_from + 1);
        let (owe, first, nudge, cold) = exact
            .query_row(params![nudge_from, cold_soon, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        add(owe, first, nudge, cold);
        Ok(())
    };
    if !whole_store || cold_from < 0 {
        count(i64::MIN, i64::MAX)?;
    } else {
        // The slots counted row by row: the one cold_from falls in, the one going cold ends in,
        // and those with PRO messages of the slot nudge_after ago. Every other slot after the
        // first lies wholly past cold_from; before the slot going cold ends in, it is wholly
        // going cold; its PRO messages are all older than nudge_after or all newer.
        let (first_slot, soon_slot, nudge_slot) =
            (slot(cold_from), slot(cold_soon), slot(nudge_from));
        let mut stmt = conn.prepare_cached(
            "SELECT slot, owed, pro_slot, n, oldest_owed FROM open_conversation_slots
             WHERE slot > ?1 AND n > 0",
        )?;
        let bins: Vec<(i64, bool, i64, i64, Option<i64>)> = stmt
            .query_map([first_slot], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut edges = vec![first_slot, soon_slot];
        edges.extend(
            bins.iter()
                .filter(|(_, owed, pro_slot, _, _)| !owed && *pro_slot == nudge_slot)
                .map(|b| b.0),
        );
        edges.sort_unstable();
        edges.dedup();
        for &h in &edges {
            count(h * SLOT, (h + 1) * SLOT)?;
        }
        for (h, owed, pro_slot, n, first) in bins {
            if edges.binary_search(&h).is_ok() {
                continue;
            }
            let going_cold = if h < soon_slot { n } else { 0 };
            if owed {
                add(n, first, 0, going_cold);
            } else {
                add(
                    0,
                    None,
                    if pro_slot < nudge_slot { n } else { 0 },
                    going_cold,
                );
            }
        }
    }
    waits.oldest_waiting_since = oldest.map(from_millis).transpose().map_err(read_error)?;
    Ok(waits)
}

/// The summary of a log from the five columns from `first` on: from_customer, customer_last,
/// from_pro, pro_first, pro_last.
pub(super) fn log_from_row(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Log> {
    let time = |i: usize| {
        r.get::<_, Option<i64>>(first + i)?
            .map(from_millis)
            .transpose()
    };
    Ok(Log {
        from_customer: r.get::<_, i64>(first)? as usize,
        customer_last: time(1)?,
        from_pro: r.get::<_, i64>(first + 2)? as usize,
        pro_first: time(3)?,
        pro_last: time(4)?,
        last_words: None,
    })
}

/// Fills in each log's last words: the customer's latest message with words in it, as
/// [`Log::of`] picks them (the latest by time, then by id), read newest first from the index of
/// each lead's contacts, so mostly one message a lead.
pub(super) fn last_words(conn: &Connection, out: &mut [(Lead, Log)]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT text FROM messages WHERE lead_id = ?1 AND sender = 'customer' AND text IS NOT NULL
         ORDER BY at DESC, id DESC",
    )?;
    for (lead, log) in out.iter_mut() {
        if log.from_customer == 0 {
            continue;
        }
        let mut rows = stmt.query([&lead.id])?;
        while let Some(r) = rows.next()? {
            let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if !text.trim().is_empty() {
                log.last_words = Some(text.to_string());
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::{Action, Decision, Status};
    use crate::store::{LeadSource, Store};

    /// The edges status counts by, one lead each: a reply at the same moment as the customer's
    /// message answers it, a nudge is due exactly `nudge_after` after the PRO wrote, and a
    /// conversation is cold exactly `cold_after` after its last activity.
    #[test]
    fn status_counts_on_the_edges_as_the_domain_does() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now: DateTime<Utc> = "2026-11-23T04:00:00Z".parse().unwrap();
        let h = |n: i64| now - chrono::TimeDelta::hours(n);
        let timing = Timing {
            cold_after: chrono::TimeDelta::hours(72),
            nudge_after: chrono::TimeDelta::hours(48),
        };
        // (id, customer wrote, PRO wrote): hours ago.
        let logs: [(&str, Option<i64>, Option<i64>); 5] = [
            ("first", None, None),
            ("tie", Some(5), Some(5)),
            ("yours", Some(4), Some(6)),
            ("nudge", Some(50), Some(48)),
            ("cold", Some(73), Some(72)),
        ];
        let leads: Vec<Lead> = logs
            .iter()
            .map(|(id, customer, pro)| {
                let mut l = crate::domain::lead::tests::sample();
                l.id = id.to_string();
                l.created_at = h(80);
                l.status = Status::Accepted;
                l.decision = Some(Decision {
                    action: Action::Accept,
                    decided_at: if *id == "first" { h(10) } else { h(79) },
                    reason: None,
                    note: None,
                });
                for (n, (from, at)) in [(Sender::Customer, customer), (Sender::Pro, pro)]
                    .into_iter()
                    .enumerate()
                {
                    if let Some(at) = at {
                        l.messages.push(Message {
                            id: format!("m{n}"),
                            at: h(*at),
                            from,
                            channel: Channel::Platform,
                            text: Some("Saturday?".into()),
                        });
                    }
                }
                l
            })
            .collect();
        store.import(&leads, now).unwrap();
        let facts = facts(&store.conn, 0, "1").unwrap();
        let counted = waits(&store.conn, now, timing, "1", true).unwrap();
        assert_eq!(counted, Waits::of(&facts, now, timing));
        assert_eq!(
            waits(&store.conn, now, timing, "1", false).unwrap(),
            counted
        );
        assert_eq!(
            counted,
            Waits {
                owe_reply: 2,
                oldest_waiting_since: Some(h(80)),
                nudge: 1,
                going_cold: 1,
            }
        );
    }

    /// What the triggers keep — each lead's log summary, and each open conversation's state —
    /// equals what the leads, decisions, outcomes and messages themselves say, after messages
    /// are added, imported twice, moved, re-dated and removed, outcomes set and taken back,
    /// accepts re-dated and leads deleted, over seeded random logs. The last words read in bulk
    /// are the ones a whole log gives.
    #[test]
    fn the_kept_summaries_never_drift_from_the_messages() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now: DateTime<Utc> = "2026-11-23T04:00:00Z".parse().unwrap();
        let leads: Vec<Lead> = (0..6)
            .map(|i| {
                let mut l = crate::domain::lead::tests::sample();
                l.id = format!("l{i}");
                l.created_at = "2026-11-01T00:00:00Z".parse().unwrap();
                l.status = Status::Accepted;
                l.decision = Some(Decision {
                    action: Action::Accept,
                    decided_at: l.created_at,
                    reason: None,
                    note: None,
                });
                l
            })
            .collect();
        store.import(&leads, now).unwrap();
        let ids: Vec<String> = leads.iter().map(|l| l.id.clone()).collect();
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for step in 0..400 {
            // l5 is deleted at step 300.
            let alive = if step > 300 { 5 } else { 6 };
            let lead = format!("l{}", next(alive));
            if step == 300 {
                store
                    .conn
                    .execute_batch(
                        "DELETE FROM messages WHERE lead_id = 'l5';
                         DELETE FROM outcomes WHERE lead_id = 'l5';
                         DELETE FROM decisions WHERE lead_id = 'l5';
                         DELETE FROM charges WHERE lead_id = 'l5';
                         DELETE FROM leads WHERE id = 'l5';",
                    )
                    .unwrap();
            }
            let id = format!("m{}", next(40));
            match next(10) {
                0 => {
                    store
                        .conn
                        .execute(
                            "DELETE FROM messages WHERE lead_id = ?1 AND id = ?2",
                            params![lead, id],
                        )
                        .unwrap();
                }
                1 => {
                    store
                        .conn
                        .execute(
                            "UPDATE messages SET at = at + 60000, sender = CASE sender WHEN 'pro' THEN 'customer' ELSE 'pro' END
                             WHERE lead_id = ?1 AND id = ?2",
                            params![lead, id],
                        )
                        .unwrap();
                }
                2 => {
                    let other = format!("l{}", next(alive));
                    store
                        .conn
                        .execute(
                            "UPDATE OR IGNORE messages SET lead_id = ?3 WHERE lead_id = ?1 AND id = ?2",
                            params![lead, id, other],
                        )
                        .unwrap();
                }
                3 => {
                    store
                        .conn
                        .execute(
                            "INSERT INTO outcomes (lead_id, result, at) VALUES (?1, 'lost', ?2)
                             ON CONFLICT DO NOTHING",
                            params![lead, millis(now)],
                        )
                        .unwrap();
                }
                4 => {
                    store
                        .conn
                        .execute("DELETE FROM outcomes WHERE lead_id = ?1", [&lead])
                        .unwrap();
                }
                5 => {
                    store
                        .conn
                        .execute(
                            "UPDATE decisions SET decided_at = decided_at + ?2 WHERE lead_id = ?1",
                            params![lead, next(100_000) as i64 * 60_000],
                        )
                        .unwrap();
                }
                _ => {
                    let m = Message {
                        id,
                        // Now and then on the hour, so both sides write at the same moment.
                        at: now
                            - chrono::TimeDelta::minutes(match next(3) {
                                0 => next(50) as i64 * 60,
                                _ => next(20_000) as i64,
                            }),
                        from: if next(2) == 0 {
                            Sender::Pro
                        } else {
                            Sender::Customer
                        },
                        channel: Channel::Platform,
                        // Now and then no words, or only blanks: never a customer's last words.
                        text: match next(5) {
                            0 => None,
                            1 => Some(" \n ".into()),
                            _ => Some(format!("step {step}")),
                        },
                    };
                    add_message(&store.conn, &lead, &m, Origin::Here).unwrap();
                }
            }
            let stored: Vec<Lead> = ids.iter().filter_map(|id| store.get(id).unwrap()).collect();
            // What the follow-up views read, for every lead at once, against the messages.
            let mut bulk = store.leads_with_logs(&ids).unwrap();
            bulk.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            assert_eq!(bulk.len(), stored.len());
            for ((lead, log), whole) in bulk.iter().zip(&stored) {
                assert_eq!(lead.id, whole.id);
                assert_eq!(
                    lead.outcome, whole.outcome,
                    "lead {} after step {step}",
                    lead.id
                );
                assert_eq!(
                    log,
                    &Log::of(&whole.messages),
                    "lead {} after step {step}",
                    lead.id
                );
            }
            crate::store::sqlite::assert_derived_exact(&store, &format!("after step {step}"));
            // The state of each open conversation, against the leads read whole.
            let mut facts = facts(&store.conn, 0, "1").unwrap();
            facts.sort_by(|a, b| a.lead_id.cmp(&b.lead_id));
            let expected: Vec<Facts> = stored
                .iter()
                .filter(|l| l.outcome.is_none())
                .map(|l| Facts {
                    lead_id: l.id.clone(),
                    requested_at: l.created_at,
                    accepted_at: l.decision.as_ref().map(|d| d.decided_at),
                    log: Log {
                        last_words: None,
                        ..Log::of(&l.messages)
                    },
                })
                .collect();
            assert_eq!(facts, expected, "after step {step}");
            // What status counts inside SQLite is what the domain's rules count, at moments on
            // and off the cold, nudge and going-cold edges.
            for _ in 0..4 {
                let timing = Timing {
                    cold_after: chrono::TimeDelta::minutes(60 + next(6_000) as i64),
                    nudge_after: chrono::TimeDelta::minutes(1 + next(3_000) as i64),
                };
                let at = match (next(3), facts.get(next(facts.len().max(1) as u64) as usize)) {
                    (0, Some(f)) => {
                        let last = [f.accepted_at, f.log.customer_last, f.log.pro_last]
                            .into_iter()
                            .flatten()
                            .fold(f.requested_at, DateTime::max);
                        match next(3) {
                            0 => last + timing.cold_after,
                            1 => last + timing.cold_after - GOING_COLD_NOTICE,
                            _ => f.log.pro_last.unwrap_or(last) + timing.nudge_after,
                        }
                    }
                    _ => now - chrono::TimeDelta::minutes(next(20_000) as i64 - 5_000),
                };
                // Row by row (some accounts of a store), and by the counts per slot (all of it).
                for whole_store in [false, true] {
                    assert_eq!(
                        waits(&store.conn, at, timing, "1", whole_store).unwrap(),
                        Waits::of(&facts, at, timing),
                        "at {at} with {timing:?}, after step {step}, whole store {whole_store}"
                    );
                }
            }
            // And those quiet since before a moment are left out, as the follow-up views ask.
            let since = now - chrono::TimeDelta::minutes(next(20_000) as i64);
            let mut recent = super::facts(&store.conn, millis(since), "1").unwrap();
            recent.sort_by(|a, b| a.lead_id.cmp(&b.lead_id));
            let quiet_since = |f: &Facts| {
                [f.accepted_at, f.log.customer_last, f.log.pro_last]
                    .into_iter()
                    .flatten()
                    .fold(f.requested_at, DateTime::max)
            };
            let expected: Vec<Facts> = expected
                .into_iter()
                .filter(|f| quiet_since(f) >= since)
                .collect();
            assert_eq!(recent, expected, "since {since}, after step {step}");
        }
    }
}
