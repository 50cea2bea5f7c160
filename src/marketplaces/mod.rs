//! Marketplaces with APIs of their own (Thumbtack, Yelp): one account's link to its platform.
//!
//! A [`MarketSource`] keeps the account's leads in the one store (scoped to its ids, as a Leads
//! API account's cache is) and brings them in three ways, all ending in the same import:
//! - a webhook stored by `leads serve` ([`receive`] checks and splits it into events) is
//!   processed: the full lead is fetched from the platform and imported, or the event stays
//!   queued with its error for the next try ([`MarketSource::process_webhooks`]);
//! - `leads sync` pulls ([`MarketSource::pull`]): Thumbtack's negotiations of the business, and
//!   for every followed conversation its new messages or events (Yelp by cursor);
//! - replies made here go out through the conversation outbox ([`MarketSource::record_contact`],
//!   [`MarketSource::push_updates`]), as a Leads API account's do: recorded and queued in one
//!   transaction, sent at once, kept queued while the platform cannot be reached.
//!
//! Neither platform returns an id for a message written through its API, so when a pull brings
//! back the platform's copy of a reply sent from here, the copy is recognised by its words and
//! not logged twice ([`drop_echoes`]).

mod http;
pub mod thumbtack;
pub mod yelp;

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

pub use http::{Http, TokenBucket};

use crate::config::{Account, AccountKind};
use crate::domain::conversation::{Channel, Message, Sender};
use crate::domain::lead::Lead;
use crate::domain::money::Currency;
use crate::remote::{Delivered, Delivery, RemoteError};
use crate::store::{
    LeadSource, QueuedUpdate, Recorded, Store, StoreError, Update, WebhookEvent, WebhookQueue,
};

/// How far back `leads sync` follows a conversation (as for Leads API accounts).
const FOLLOWED: TimeDelta = TimeDelta::days(30);
/// Events asked for a page of Yelp's; the page's default.
const YELP_PAGE: usize = 20;
/// The remembered values holding a Yelp lead's event cursor are named `ACCOUNT/` this `LEAD`.
pub const YELP_CURSOR: &str = "yelp_cursor/";
/// Yelp's published limit: 5 requests a second.
pub const YELP_PER_SECOND: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A webhook body or an API answer not in the documented shape.
    #[error("not in the platform's documented shape: {0}")]
    Malformed(String),
    /// The account's token is not in the environment: nothing can be fetched or sent.
    #[error("no access token: set the {0} environment variable, then run `leads sync`")]
    NoToken(String),
}

pub(crate) fn usd() -> Currency {
    "USD".parse().expect("USD is an ISO 4217 code")
}

/// "Kitchen Remodel" → "kitchen_remodel": a category slug the store accepts.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() { "other".into() } else { out }
}

/// The platform's copies of replies sent from here: a message from the pro, not known by its id,
/// with the words of a pro's message already in `known`.
pub fn drop_echoes(known: &[Message], fetched: &mut Vec<Message>) {
    let ids: HashSet<&str> = known.iter().map(|m| m.id.as_str()).collect();
    let ours: HashSet<&str> = known
        .iter()
        .filter(|m| m.from == Sender::Pro)
        .filter_map(|m| m.text.as_deref())
        .map(str::trim)
        .collect();
    fetched.retain(|m| {
        ids.contains(m.id.as_str())
            || m.from != Sender::Pro
            || !m.text.as_deref().is_some_and(|t| ours.contains(t.trim()))
    });
}

/// A webhook for `account`, checked and split into the events to store (event id, body). A body
/// that is not the platform's documented shape is refused, and nothing is stored.
pub fn receive(account: &Account, body: &[u8]) -> Result<Vec<(String, String)>, MarketError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| MarketError::Malformed(format!("the body is not JSON ({e})")))?;
    match account.kind {
        AccountKind::Thumbtack => {
            let notice = thumbtack::notice(&value)?;
            Ok(vec![(notice.event_id, value.to_string())])
        }
        AccountKind::Yelp => {
            let (business, updates) = yelp::updates(&value)?;
            if let Some(ours) = &account.business_id
                && *ours != business
            {
                return Err(MarketError::Malformed(format!(
                    "the webhook is for business {business:?}, and this account is {ours:?}"
                )));
            }
            Ok(updates
                .into_iter()
                .map(|u| {
                    let id = u.event_id.clone();
                    (id, json!({"business": business, "update": u}).to_string())
                })
                .collect())
        }
        AccountKind::Local | AccountKind::LeadsApi => Err(MarketError::Malformed(
            "this account takes no webhooks".into(),
        )),
    }
}

/// What processing the queue did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Processed {
    pub done: u64,
    pub failed: u64,
}

/// What a pull brought.
#[derive(Debug, Default, serde::Serialize)]
pub struct Pulled {
    pub leads: u64,
    pub messages: u64,
}

/// The work on one webhook event: `Ok(Ok(()))` done, `Ok(Err(why))` it stays queued for why,
/// `Err` the store itself failed.
pub type ProcessEvent<'a> = dyn FnMut(&WebhookEvent) -> Result<Result<(), String>, StoreError> + 'a;

/// What processing webhooks needs of the store the account's leads are kept in: the SQLite store
/// (one PRO, `leads sync`, `leads serve`) or the PostgreSQL database that a team's servers share.
pub trait HookStore {
    /// Runs `process` on each of the account's queued webhooks that is due at `now` (every one
    /// with `all`), oldest first, and settles each as it says: `Ok` done, `Err(why)` left queued
    /// with why until its next try ([`crate::store::retry_after`]). An error of the store itself
    /// stops the round. A store that several servers share holds each event for the one server
    /// processing it, so that no two fetch the same lead at once, and commits what `process`
    /// wrote with the event's settling.
    fn each_due_webhook(
        &self,
        account: &str,
        now: DateTime<Utc>,
        all: bool,
        process: &mut ProcessEvent,
    ) -> Result<Processed, StoreError>;

    fn webhook_queue(&self, account: &str) -> Result<WebhookQueue, StoreError>;

    /// The lead as kept here, with its contact log.
    fn stored_lead(&self, id: &str) -> Result<Option<Lead>, StoreError>;

    /// Adds or updates the lead as the platform has it now, by the import rules (a decision or
    /// contact details kept here are never lost; each message once).
    fn import_fetched(&self, lead: &Lead, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// A value remembered for the account (Yelp's event cursors).
    fn remembered(&self, name: &str) -> Result<Option<String>, StoreError>;

    fn remember(&self, name: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError>;
}

impl HookStore for Store {
    fn each_due_webhook(
        &self,
        account: &str,
        now: DateTime<Utc>,
        all: bool,
        process: &mut ProcessEvent,
    ) -> Result<Processed, StoreError> {
        let mut out = Processed::default();
        // One process works through an account's queue at a time (`leads serve`'s worker, or
        // `leads sync`); should two meet, the second fetch of a lead only imports it again.
        for event in self.due_webhooks(account, now, all)? {
            match process(&event)? {
                Ok(()) => {
                    self.webhook_done(event.seq, now)?;
                    out.done += 1;
                }
                Err(why) => {
                    self.webhook_failed(&event, &why, now)?;
                    out.failed += 1;
                }
            }
        }
        Ok(out)
    }

    fn webhook_queue(&self, account: &str) -> Result<WebhookQueue, StoreError> {
        Store::webhook_queue(self, account)
    }

    fn stored_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        LeadSource::get(self, id)
    }

    fn import_fetched(&self, lead: &Lead, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.import(std::slice::from_ref(lead), now).map(drop)
    }

    fn remembered(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.state(name)?.map(|(value, _)| value))
    }

    fn remember(&self, name: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.set_state(name, value, now)
    }
}

/// One account's link to its platform, over the store its leads are kept in: the SQLite store
/// for the CLI (which also pulls and sends replies), any [`HookStore`] for processing webhooks.
pub struct MarketSource<S = Store> {
    /// The account's leads, on a connection scoped to them.
    pub store: S,
    /// None with `--offline` or without a token: nothing is sent, everything stays queued.
    http: Option<Http>,
    offline: bool,
    kind: AccountKind,
    name: String,
    prefix: String,
    business_id: Option<String>,
    token_env: String,
}

impl<S: HookStore> MarketSource<S> {
    /// `http` None: `offline`, or the token is missing (the reads here need neither).
    pub fn new(store: S, http: Option<Http>, offline: bool, account: &Account) -> MarketSource<S> {
        MarketSource {
            store,
            http,
            offline,
            kind: account.kind,
            name: account.name.clone(),
            prefix: account.prefix.clone(),
            business_id: account.business_id.clone(),
            token_env: account.token_env.clone(),
        }
    }

    fn http(&self) -> Result<&Http, MarketError> {
        match (&self.http, self.offline) {
            (Some(http), _) => Ok(http),
            (None, true) => Err(RemoteError::Offline.into()),
            (None, false) => Err(MarketError::NoToken(self.token_env.clone())),
        }
    }

    fn platform_id<'a>(&self, id: &'a str) -> &'a str {
        id.strip_prefix(self.prefix.as_str()).unwrap_or(id)
    }

    fn state_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Why something stays queued after `e`, in words that say what to do.
    fn queued_why(&self, e: &MarketError) -> String {
        match e {
            MarketError::Remote(RemoteError::Unauthorized) => format!(
                "the platform refused the token (401): put the right one in {}, then run `leads sync`",
                self.token_env
            ),
            other => other.to_string(),
        }
    }

    /// The lead of this platform id as the platform has it now, with its contact log.
    fn fetch(&self, platform_id: &str) -> Result<(Lead, Option<String>), MarketError> {
        let http = self.http()?;
        let id = enc(platform_id);
        match self.kind {
            AccountKind::Thumbtack => {
                let n: thumbtack::Negotiation =
                    parse(http.get(&format!("/api/v4/negotiations/{id}"))?)?;
                let list: thumbtack::List<thumbtack::TtMessage> =
                    parse(http.get(&format!("/api/v4/negotiations/{id}/messages"))?)?;
                Ok((thumbtack::lead(&n, &list.data, &self.prefix), None))
            }
            AccountKind::Yelp => {
                let y: yelp::YelpLead = parse(http.get(&format!("/v3/leads/{id}"))?)?;
                let events = self.yelp_events(http, platform_id)?;
                let cursor = events.last().map(|e| e.cursor.clone());
                Ok((yelp::lead(&y, &events, &self.prefix), cursor))
            }
            AccountKind::Local | AccountKind::LeadsApi => {
                Err(MarketError::Malformed("not a marketplace account".into()))
            }
        }
    }

    /// A Yelp lead's events not seen here yet, oldest first: those after the cursor kept from
    /// the last read, or (the first time) every page back to the first event.
    fn yelp_events(&self, http: &Http, lead: &str) -> Result<Vec<yelp::Event>, MarketError> {
        let base = format!("/v3/leads/{}/events?limit={YELP_PAGE}", enc(lead));
        let mut all: Vec<yelp::Event> = Vec::new();
        match self.store.remembered(&self.cursor_name(lead))? {
            Some(mut cursor) => loop {
                let page: yelp::Events =
                    parse(http.get(&format!("{base}&newer_than_cursor={}", enc(&cursor)))?)?;
                let full = page.events.len() >= YELP_PAGE;
                let Some(last) = page.events.last() else {
                    break;
                };
                cursor = last.cursor.clone();
                all.extend(page.events);
                if !full {
                    break;
                }
            },
            None => {
                let mut page: yelp::Events = parse(http.get(&base)?)?;
                loop {
                    let full = page.events.len() >= YELP_PAGE;
                    let first = page.events.first().map(|e| e.cursor.clone());
                    page.events.append(&mut all);
                    all = page.events;
                    let (true, Some(first)) = (full, first) else {
                        break;
                    };
                    page = parse(http.get(&format!("{base}&older_than_cursor={}", enc(&first)))?)?;
                }
            }
        }
        Ok(all)
    }

    fn cursor_name(&self, lead: &str) -> String {
        self.state_name(&format!("{YELP_CURSOR}{lead}"))
    }

    /// Imports the lead as fetched; the number of messages new here.
    fn merge(
        &self,
        mut lead: Lead,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let known = self
            .store
            .stored_lead(&lead.id)?
            .map(|l| l.messages)
            .unwrap_or_default();
        drop_echoes(&known, &mut lead.messages);
        let ids: HashSet<&str> = known.iter().map(|m| m.id.as_str()).collect();
        let new = lead
            .messages
            .iter()
            .filter(|m| !ids.contains(m.id.as_str()))
            .count() as u64;
        self.store.import_fetched(&lead, now)?;
        if let Some(cursor) = cursor {
            let platform_id = self.platform_id(&lead.id).to_string();
            self.store
                .remember(&self.cursor_name(&platform_id), &cursor, now)?;
        }
        Ok(new)
    }

    /// The platform id an event is about.
    fn subject(&self, event: &WebhookEvent) -> Result<String, MarketError> {
        let body: Value = serde_json::from_str(&event.body)
            .map_err(|e| MarketError::Malformed(format!("stored webhook {}: {e}", event.seq)))?;
        Ok(match self.kind {
            AccountKind::Thumbtack => thumbtack::notice(&body)?.negotiation_id,
            _ => body["update"]["lead_id"]
                .as_str()
                .ok_or_else(|| {
                    MarketError::Malformed("a stored Yelp update has no lead_id".into())
                })?
                .to_string(),
        })
    }

    /// Processes the account's queued webhooks (those due at `now`; all of them with `all`),
    /// each settled in the store as it goes. After one goes through, every other queued one is
    /// tried again at once: a message that came before its negotiation goes in with it.
    pub fn process_webhooks(&self, now: DateTime<Utc>, all: bool) -> Result<Processed, StoreError> {
        let mut process = |event: &WebhookEvent| match self.subject(event).and_then(|id| {
            let (lead, cursor) = self.fetch(&id)?;
            Ok(self.merge(lead, cursor, now)?)
        }) {
            Ok(_) => Ok(Ok(())),
            Err(MarketError::Store(e)) => Err(e),
            Err(e) => {
                let why = self.queued_why(&e);
                log::info!(
                    "{}: webhook {} stays queued: {why}",
                    self.name,
                    event.event_id
                );
                Ok(Err(why))
            }
        };
        let first = self
            .store
            .each_due_webhook(&self.name, now, all, &mut process)?;
        let mut done = first.done;
        if first.done > 0 {
            // Whatever waits, whenever it is due: a message that came before its negotiation
            // goes in now that the negotiation is here.
            done += self
                .store
                .each_due_webhook(&self.name, now, true, &mut process)?
                .done;
        }
        Ok(Processed {
            done,
            failed: self.store.webhook_queue(&self.name)?.queued,
        })
    }
}

/// What only the CLI's SQLite store does: pull, and send replies.
impl MarketSource {
    /// Pulls what the platform has for this account: Thumbtack's negotiations of the business
    /// (new ones, and those of the last [`FOLLOWED`] days, with their messages); for Yelp, which
    /// documents no list of a business's leads, the new events of every followed conversation.
    pub fn pull(&self, now: DateTime<Utc>) -> Result<Pulled, MarketError> {
        let mut pulled = Pulled::default();
        let mut ids: Vec<String> = Vec::new();
        if self.kind == AccountKind::Thumbtack {
            let business = self.business_id.as_deref().unwrap_or_default();
            let list: thumbtack::List<thumbtack::Negotiation> = parse(self.http()?.get(
                &format!("/api/v4/businesses/{}/negotiations", enc(business)),
            )?)?;
            for n in list.data {
                let known = self
                    .store
                    .get(&format!("{}{}", self.prefix, n.id))?
                    .is_some();
                if !known {
                    pulled.leads += 1;
                }
                if !known || n.create_time >= now - FOLLOWED {
                    ids.push(n.id);
                }
            }
        }
        for id in self.store.open_conversations(now - FOLLOWED)? {
            let id = self.platform_id(&id).to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for id in ids {
            match self.fetch(&id) {
                Ok((lead, cursor)) => pulled.messages += self.merge(lead, cursor, now)?,
                // Gone from the platform (or no longer this business's): kept here as it was.
                Err(MarketError::Remote(RemoteError::Refused(r))) if r.status == 404 => {}
                Err(e) => return Err(e),
            }
        }
        self.store
            .set_state(&self.state_name("pulled_at"), &now.to_rfc3339(), now)?;
        Ok(pulled)
    }

    /// What goes to the platform for a contact the pro made: a message on its chat, or (Yelp) a
    /// mark that the lead was answered by phone or email. None: nothing to send, as for a contact
    /// from the customer, or one Thumbtack has no word for.
    fn body_for(&self, message: &Message) -> Option<Value> {
        if message.from != Sender::Pro {
            return None;
        }
        let text = message.text.as_deref().unwrap_or("").trim();
        match (self.kind, message.channel) {
            (_, Channel::Platform) if !text.is_empty() => {
                Some(json!({"send": "text", "text": text}))
            }
            (AccountKind::Yelp, channel) => {
                yelp::replied_body(channel).map(|b| json!({"send": "mark_as_replied", "body": b}))
            }
            _ => None,
        }
    }

    /// Records the contact; one for the platform is queued with it, in one transaction, and sent
    /// at once.
    pub fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let Some(body) = self.body_for(message) else {
            return self.store.record_contact(lead_id, message, now);
        };
        let Some(q) = self
            .store
            .in_write(|w| w.add_and_queue_contact(lead_id, message, &body, now))?
        else {
            return Ok(Recorded::Done);
        };
        let earlier = self.store.queued_updates(Some(lead_id))?;
        if earlier.first().is_some_and(|e| e.seq != q.seq) {
            return Ok(Recorded::Queued(format!(
                "it waits behind an earlier message of {lead_id} not sent yet"
            )));
        }
        Ok(match self.send(&q)? {
            Delivery::Sent(id) => Recorded::Sent(id),
            Delivery::Queued(why) => Recorded::Queued(why),
            Delivery::Refused(refusal) => return Err(StoreError::Refused(refusal.to_string())),
        })
    }

    /// Sends every queued message in the order they were made; once the platform cannot be
    /// reached, the rest wait for the next round.
    pub fn push_updates(&self) -> Result<Vec<Delivered>, StoreError> {
        let mut out = Vec::new();
        let mut unreachable: Option<String> = None;
        for update in self.store.queued_updates(None)? {
            let delivery = match &unreachable {
                Some(why) => Delivery::Queued(why.clone()),
                None => self.send(&update)?,
            };
            if let Delivery::Queued(why) = &delivery {
                unreachable = Some(why.clone());
            }
            out.push(Delivered { update, delivery });
        }
        Ok(out)
    }

    fn send(&self, q: &QueuedUpdate) -> Result<Delivery, StoreError> {
        let id = enc(self.platform_id(&q.lead_id));
        let answer: Result<Value, MarketError> = self.http().and_then(|http| {
            let (path, body) = match (self.kind, q.body["send"].as_str()) {
                (AccountKind::Thumbtack, _) => (
                    format!("/api/v4/negotiations/{id}/messages"),
                    thumbtack::reply_body(q.body["text"].as_str().unwrap_or("")),
                ),
                (_, Some("mark_as_replied")) => (
                    format!("/v3/leads/{id}/mark_as_replied"),
                    q.body["body"].clone(),
                ),
                _ => (
                    format!("/v3/leads/{id}/events"),
                    yelp::reply_body(q.body["text"].as_str().unwrap_or("")),
                ),
            };
            Ok(http.post(&path, &body)?)
        });
        match answer {
            Ok(_) => {
                self.store.update_sent(&q.key)?;
                Ok(Delivery::Sent(None))
            }
            Err(MarketError::Store(e)) => Err(e),
            Err(MarketError::Remote(RemoteError::Refused(refusal))) => {
                if matches!(q.update, Update::Message { .. }) {
                    self.store.update_refused(q)?;
                }
                Ok(Delivery::Refused(refusal))
            }
            Err(e) => {
                let why = self.queued_why(&e);
                self.store.update_still_queued(&q.key, &why)?;
                Ok(Delivery::Queued(why))
            }
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, MarketError> {
    serde_json::from_value(value).map_err(|e| MarketError::Malformed(e.to_string()))
}

/// A path segment or query value, percent-encoded.
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, from: Sender, text: &str) -> Message {
        Message {
            id: id.into(),
            at: "2026-11-23T08:00:00Z".parse().unwrap(),
            from,
            channel: Channel::Platform,
            text: Some(text.into()),
        }
    }

    #[test]
    fn the_platforms_copy_of_a_reply_sent_here_is_not_logged_twice() {
        let known = [m("local-1", Sender::Pro, "See you at 9")];
        let mut fetched = vec![
            m("tt-1", Sender::Pro, "See you at 9 "),
            m("tt-2", Sender::Customer, "See you at 9"),
            m("tt-3", Sender::Pro, "Bring the ladder"),
        ];
        drop_echoes(&known, &mut fetched);
        let ids: Vec<&str> = fetched.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["tt-2", "tt-3"]);
        assert_eq!(slug("Kitchen Remodel & Design"), "kitchen_remodel_design");
        assert_eq!(slug("  "), "other");
    }
}
