//! Messages and outcomes recorded here for a remote source, waiting to reach the API (the
//! `conversation_outbox` table; migration 0005 says why it is not the decision outbox).
//!
//! Each is queued in the same transaction that records it, with its idempotency key and the
//! request body it will send, and stays until the platform has answered it: taken (the local copy
//! then follows the platform's), or refused for good (the local copy is undone, as a refused
//! decision is).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::StoreError;
use super::conversations::{self, Origin, OutcomeSet};
use super::sqlite::{Store, Write, millis, read_error};
use crate::domain::conversation::{JobOutcome, Message};

/// What a queued update does to the lead's conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Update {
    /// Adds the message of this id (the id here; the platform gives it its own).
    Message { id: String },
    /// Sets the outcome. `replaced` is the `outcome_changes` row keeping the outcome it replaced
    /// here, put back if the platform refuses this one.
    Outcome { replaced: Option<i64> },
}

/// A message or outcome waiting to be sent, with the key and body it is sent with every time.
#[derive(Clone, Debug)]
pub struct QueuedUpdate {
    /// The order it was made in, which is the order it is sent in.
    pub seq: i64,
    pub key: String,
    pub lead_id: String,
    pub update: Update,
    pub body: serde_json::Value,
}

impl Write<'_> {
    /// Adds a contact to an accepted lead's log and queues it for the API under a fresh key.
    /// None when a message of that id is there already, so nothing is sent twice.
    pub fn add_and_queue_contact(
        &self,
        lead_id: &str,
        message: &Message,
        body: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Option<QueuedUpdate>, StoreError> {
        if !self.add_contact(lead_id, message, Origin::Here)? {
            return Ok(None);
        }
        let update = Update::Message {
            id: message.id.clone(),
        };
        self.queue(lead_id, update, body, now).map(Some)
    }

    /// Sets an accepted lead's outcome and queues it for the API under a fresh key. None when it
    /// is the outcome recorded already.
    pub fn set_and_queue_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        body: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Option<QueuedUpdate>, StoreError> {
        conversations::accepted_under_lock(&self.tx, lead_id)?;
        match conversations::set_outcome(&self.tx, lead_id, outcome, now)? {
            OutcomeSet::Unchanged => Ok(None),
            OutcomeSet::Set { replaced } => self
                .queue(lead_id, Update::Outcome { replaced }, body, now)
                .map(Some),
        }
    }

    fn queue(
        &self,
        lead_id: &str,
        update: Update,
        body: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<QueuedUpdate, StoreError> {
        let key = uuid::Uuid::new_v4().to_string();
        let (kind, message_id, replaced) = match &update {
            Update::Message { id } => ("message", Some(id.as_str()), None),
            Update::Outcome { replaced } => ("outcome", None, *replaced),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO conversation_outbox (key, lead_id, kind, message_id, replaced_change,
                    body, queued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                key,
                lead_id,
                kind,
                message_id,
                replaced,
                body.to_string(),
                millis(now)
            ])?;
        Ok(QueuedUpdate {
            seq: self.tx.last_insert_rowid(),
            key,
            lead_id: lead_id.to_string(),
            update,
            body: body.clone(),
        })
    }
}

impl Store {
    /// Every queued message and outcome (of one lead, or of all), in the order they were made.
    pub fn queued_updates(&self, lead_id: Option<&str>) -> Result<Vec<QueuedUpdate>, StoreError> {
        let sql = format!(
            "SELECT seq, key, lead_id, kind, message_id, replaced_change, body
             FROM conversation_outbox WHERE (?1 IS NULL OR lead_id = ?1) AND {} ORDER BY seq",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([lead_id], |r| {
            let update = match r.get::<_, Option<String>>(4)? {
                Some(id) => Update::Message { id },
                None => Update::Outcome {
                    replaced: r.get(5)?,
                },
            };
            let body: String = r.get(6)?;
            Ok(QueuedUpdate {
                seq: r.get(0)?,
                key: r.get(1)?,
                lead_id: r.get(2)?,
                update,
                body: serde_json::from_str(&body)
                    .map_err(|_| super::sqlite::corrupt("a queued update's body".into()))?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }

    /// Whether the lead's decision is still waiting to reach the API: its messages and outcome
    /// wait behind it, since the platform has no conversation before the accept.
    pub fn decision_unsent(&self, lead_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM outbox WHERE lead_id = ?1 AND sent_at IS NULL")?
            .query_row([lead_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Accepted leads accepted or in touch at or after `since` whose conversation the platform
    /// can tell this machine about: none of theirs is waiting to be sent. (While one is, the
    /// platform may hold it already under its own id, and only its answer to the send says which.)
    pub fn open_conversations(&self, since: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT lead_id FROM conversation_state WHERE last_activity >= ?1
               AND lead_id NOT IN (SELECT lead_id FROM conversation_outbox)
               AND lead_id NOT IN (SELECT lead_id FROM outbox WHERE sent_at IS NULL) AND {}
             ORDER BY lead_id",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt.query_map([millis(since)], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// The platform took the message: the copy here takes the platform's id, so pulling it later
    /// finds it known.
    pub fn message_sent(&self, q: &QueuedUpdate, platform: &Message) -> Result<(), StoreError> {
        let Update::Message { id } = &q.update else {
            return Err(StoreError::Corrupt(format!(
                "update {} is no message",
                q.key
            )));
        };
        self.in_write(|w| {
            w.tx.execute(
                "UPDATE OR IGNORE messages SET id = ?3 WHERE lead_id = ?1 AND id = ?2",
                params![q.lead_id, id, platform.id],
            )?;
            // Still there only if the platform's copy was already here: one is enough.
            w.tx.execute(
                "DELETE FROM messages WHERE lead_id = ?1 AND id = ?2",
                params![q.lead_id, id],
            )?;
            w.tx.execute("DELETE FROM conversation_outbox WHERE key = ?1", [&q.key])?;
            Ok(())
        })
    }

    /// The platform took the outcome: the copy here becomes the platform's (its time is when the
    /// platform recorded it), unless a later outcome made here is still on its way.
    pub fn outcome_sent(
        &self,
        q: &QueuedUpdate,
        platform: Option<&JobOutcome>,
    ) -> Result<(), StoreError> {
        self.in_write(|w| {
            if let Some(outcome) = platform
                && later_outcome(w, q)?.is_none()
            {
                conversations::store_outcome(&w.tx, &q.lead_id, outcome)?;
            }
            w.tx.execute("DELETE FROM conversation_outbox WHERE key = ?1", [&q.key])?;
            Ok(())
        })
    }

    /// The platform refused the update for good: undone here, as a refused decision is. A
    /// message leaves the log; an outcome gives way to the one it replaced (or to a later one
    /// still on its way, which then replaces what this one did).
    pub fn update_refused(&self, q: &QueuedUpdate) -> Result<(), StoreError> {
        self.in_write(|w| {
            match &q.update {
                Update::Message { id } => {
                    w.tx.execute(
                        "DELETE FROM messages WHERE lead_id = ?1 AND id = ?2",
                        params![q.lead_id, id],
                    )?;
                }
                Update::Outcome { replaced } => match later_outcome(w, q)? {
                    Some((later, its_change)) => {
                        // The later one's record of what it replaced is this refused outcome.
                        if let Some(change) = its_change {
                            w.tx.execute("DELETE FROM outcome_changes WHERE seq = ?1", [change])?;
                        }
                        w.tx.execute(
                            "UPDATE conversation_outbox SET replaced_change = ?2 WHERE seq = ?1",
                            params![later, replaced],
                        )?;
                    }
                    None => {
                        w.tx.execute("DELETE FROM outcomes WHERE lead_id = ?1", [&q.lead_id])?;
                        if let Some(change) = replaced {
                            w.tx.execute(
                                "INSERT INTO outcomes (lead_id, result, at, value_amount,
                                    value_currency, reason)
                                 SELECT lead_id, result, at, value_amount, value_currency, reason
                                 FROM outcome_changes WHERE seq = ?1",
                                [change],
                            )?;
                            w.tx.execute("DELETE FROM outcome_changes WHERE seq = ?1", [change])?;
                        }
                    }
                },
            }
            w.tx.execute("DELETE FROM conversation_outbox WHERE key = ?1", [&q.key])?;
            Ok(())
        })
    }

    /// A transient failure: the update stays queued, with what went wrong.
    pub fn update_still_queued(&self, key: &str, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE conversation_outbox SET attempts = attempts + 1, last_error = ?2 WHERE key = ?1",
            params![key, error],
        )?;
        Ok(())
    }
}

/// The next outcome of the same lead queued after `q`: its seq and its `replaced_change`.
fn later_outcome(w: &Write, q: &QueuedUpdate) -> Result<Option<(i64, Option<i64>)>, StoreError> {
    Ok(w.tx
        .prepare_cached(
            "SELECT seq, replaced_change FROM conversation_outbox
             WHERE lead_id = ?1 AND kind = 'outcome' AND seq > ?2 ORDER BY seq LIMIT 1",
        )?
        .query_row(params![q.lead_id, q.seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::Ending;
    use crate::domain::lead::{Action, Decision, Status};
    use crate::store::LeadSource;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn outcome(result: Ending, t: &str) -> JobOutcome {
        JobOutcome {
            result,
            at: at(t),
            value: None,
            reason: None,
        }
    }

    /// A store with one accepted lead, "ld_1", that was won before anything was queued.
    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut lead = crate::domain::lead::tests::sample();
        lead.status = Status::Accepted;
        lead.decision = Some(Decision {
            action: Action::Accept,
            decided_at: lead.created_at,
            reason: None,
            note: None,
        });
        lead.outcome = Some(outcome(Ending::Won, "2026-11-23T09:00:00Z"));
        store.import(&[lead], at("2026-11-23T09:00:00Z")).unwrap();
        (dir, store)
    }

    fn queue(store: &Store, o: &JobOutcome) -> QueuedUpdate {
        store
            .in_write(|w| w.set_and_queue_outcome("ld_1", o, &serde_json::json!({}), o.at))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn refused_outcomes_give_way_to_what_they_replaced_in_any_order() {
        let (_dir, store) = store();
        let won = outcome(Ending::Won, "2026-11-23T09:00:00Z");
        let lost = outcome(Ending::Lost, "2026-11-23T10:00:00Z");
        let won_again = outcome(Ending::Won, "2026-11-23T11:00:00Z");
        let outcome_here = || store.get("ld_1").unwrap().unwrap().outcome;
        let changes = || store.outcome_changes("ld_1").unwrap().len();

        // Two queued; the first refused while the second is on its way: the second stands, and
        // replaces what the first did.
        let first = queue(&store, &lost);
        queue(&store, &won_again);
        assert_eq!(changes(), 2);
        store.update_refused(&first).unwrap();
        assert_eq!(outcome_here(), Some(won_again.clone()));
        assert_eq!(changes(), 1, "the refused one was never an outcome");
        let [left] = &store.queued_updates(None).unwrap()[..] else {
            panic!("one left")
        };
        // Then the second refused too: back to the outcome from before either.
        store.update_refused(left).unwrap();
        assert_eq!(outcome_here(), Some(won.clone()));
        assert_eq!(changes(), 0);
        assert!(store.queued_updates(None).unwrap().is_empty());

        // An outcome sent while a later one waits leaves the later one in place.
        let first = queue(&store, &lost);
        queue(&store, &won_again);
        let platform = outcome(Ending::Lost, "2026-11-23T10:00:05Z");
        store.outcome_sent(&first, Some(&platform)).unwrap();
        assert_eq!(outcome_here(), Some(won_again));
    }

    #[test]
    fn a_sent_message_takes_the_platforms_id_once() {
        let (_dir, store) = store();
        let mine = Message {
            id: "here-1".into(),
            at: at("2026-11-23T09:30:00Z"),
            from: crate::domain::conversation::Sender::Pro,
            channel: crate::domain::conversation::Channel::Phone,
            text: None,
        };
        let q = store
            .in_write(|w| w.add_and_queue_contact("ld_1", &mine, &serde_json::json!({}), mine.at))
            .unwrap()
            .unwrap();
        let platform = Message {
            id: "msg_9".into(),
            ..mine.clone()
        };
        // The platform's copy came in first (by another way): still one message after the send.
        store
            .in_write(|w| w.add_contact("ld_1", &platform, Origin::Import))
            .unwrap();
        store.message_sent(&q, &platform).unwrap();
        let ids: Vec<String> = store
            .get("ld_1")
            .unwrap()
            .unwrap()
            .messages
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["msg_9"]);
        assert!(store.queued_updates(None).unwrap().is_empty());
    }
}
