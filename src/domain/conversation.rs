//! What happens after an accept: the contact log of a lead, whose turn it is, how a reply is
//! judged personal, and what the leads cost per job won.
//!
//! A lead becomes a real prospect after three contacts: the customer's request, the PRO's personal
//! reply, and the customer coming back. Everything here is computed from the log and "now"; the
//! stage names and the fields `stage`, `developing` and `waiting_since` are the JSON contract for
//! scripts.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::lead::{Lead, Status};
use super::money::Money;

/// Who made a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    Customer,
    Pro,
}

impl Sender {
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Customer => "customer",
            Sender::Pro => "pro",
        }
    }

    pub fn from_code(code: &str) -> Option<Sender> {
        [Sender::Customer, Sender::Pro]
            .into_iter()
            .find(|s| s.as_str() == code)
    }
}

/// How a contact was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The marketplace's own chat.
    Platform,
    Phone,
    Email,
    Sms,
    Visit,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Platform,
        Channel::Phone,
        Channel::Email,
        Channel::Sms,
        Channel::Visit,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Platform => "platform",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Visit => "visit",
            Channel::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// One contact with the customer after the request, as the contract's message object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub at: DateTime<Utc>,
    pub from: Sender,
    pub channel: Channel,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidMessage {
    #[error("a message on the platform chat needs text")]
    EmptyPlatformText,
    #[error("the message is dated {at}, after now ({now}): a contact cannot be in the future")]
    InFuture { at: String, now: String },
    #[error(
        "the message is dated {at}, before the customer's request ({created}): the request is the first contact"
    )]
    BeforeRequest { at: String, created: String },
}

fn show_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl Message {
    /// The rules a new contact must meet before it is written (the contract's `invalid_message`).
    pub fn validate(&self, lead: &Lead, now: DateTime<Utc>) -> Result<(), InvalidMessage> {
        if self.at > now {
            return Err(InvalidMessage::InFuture {
                at: show_time(self.at),
                now: show_time(now),
            });
        }
        self.validate_against(lead)
    }

    /// The rules that need no clock: what an import or a pulled page is held to.
    pub fn validate_against(&self, lead: &Lead) -> Result<(), InvalidMessage> {
        let blank = self.text.as_deref().is_none_or(|t| t.trim().is_empty());
        if self.channel == Channel::Platform && blank {
            return Err(InvalidMessage::EmptyPlatformText);
        }
        if self.at < lead.created_at {
            return Err(InvalidMessage::BeforeRequest {
                at: show_time(self.at),
                created: show_time(lead.created_at),
            });
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    Won,
    Lost,
}

/// What became of an accepted lead. A later outcome replaces an earlier one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOutcome {
    pub result: Ending,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub value: Option<Money>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Where an accepted lead stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Accepted, and the PRO has not written yet.
    FirstReplyDue,
    /// The customer wrote after the PRO's last contact.
    YourTurn,
    /// The PRO wrote last.
    TheirTurn,
    /// No contact either way for `followups.cold_after`.
    Cold,
    Won,
    Lost,
}

impl Standing {
    /// A fee paid for nothing: the lead went cold and the PRO never wrote to the customer.
    pub fn is_wasted(&self) -> bool {
        self.stage == Stage::Cold && self.from_pro == 0
    }
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::FirstReplyDue => "first_reply_due",
            Stage::YourTurn => "your_turn",
            Stage::TheirTurn => "their_turn",
            Stage::Cold => "cold",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    /// Whether the PRO owes the next message.
    pub fn owes_reply(self) -> bool {
        matches!(self, Stage::FirstReplyDue | Stage::YourTurn)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::FirstReplyDue => "first reply due",
            Stage::YourTurn => "your turn",
            Stage::TheirTurn => "their turn",
            Stage::Cold => "cold",
            Stage::Won => "won",
            Stage::Lost => "lost",
        })
    }
}

/// How long before a quiet conversation counts as cold, and before a PRO waiting on the customer
/// is told to nudge them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub cold_after: TimeDelta,
    pub nudge_after: TimeDelta,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            cold_after: TimeDelta::hours(72),
            nudge_after: TimeDelta::hours(48),
        }
    }
}

/// An accepted lead's conversation, judged at "now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub stage: Stage,
    /// At least two contacts from the customer (the request counts) and one from the PRO.
    pub developing: bool,
    /// Since when the side that owes the next contact has been waited on: the customer's last
    /// contact when the PRO owes a reply, the PRO's last when the customer does; the last contact
    /// either way when cold; the outcome's time when won or lost.
    pub waiting_since: DateTime<Utc>,
    /// Every contact, the request included.
    pub contacts: usize,
    pub from_customer: usize,
    pub from_pro: usize,
    /// True when the customer owes the reply and has for longer than `nudge_after`.
    pub nudge: bool,
}

/// What the standing of a conversation needs of its contact log: how many contacts each side
/// made and when. Made from the messages themselves ([`Log::of`]), or summed by the store, so the
/// follow-up views need not read every message's text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// Messages from the customer after the request (the request is not one of them).
    pub from_customer: usize,
    pub from_pro: usize,
    pub customer_last: Option<DateTime<Utc>>,
    pub pro_first: Option<DateTime<Utc>>,
    pub pro_last: Option<DateTime<Utc>>,
    /// The customer's latest message with words in it.
    pub last_words: Option<String>,
}

impl Log {
    /// The summary of `messages`, in any order.
    pub fn of(messages: &[Message]) -> Log {
        let mut log = Log::default();
        let mut words_at = None;
        for m in messages {
            match m.from {
                Sender::Customer => {
                    log.from_customer += 1;
                    log.customer_last = log.customer_last.max(Some(m.at));
                    if let Some(t) = m.text.as_deref().filter(|t| !t.trim().is_empty())
                        && words_at.is_none_or(|w| m.at >= w)
                    {
                        words_at = Some(m.at);
                        log.last_words = Some(t.to_string());
                    }
                }
                Sender::Pro => {
                    log.from_pro += 1;
                    log.pro_first = Some(log.pro_first.map_or(m.at, |f| f.min(m.at)));
                    log.pro_last = log.pro_last.max(Some(m.at));
                }
            }
        }
        log
    }
}

/// The standing of `lead` from its log and `outcome`, or None when the lead was not accepted:
/// only an accepted lead has a conversation.
///
/// The cold clock starts at the later of the last contact and the accept, so a lead is never cold
/// before the PRO had the chance to write.
pub fn standing(
    lead: &Lead,
    log: &Log,
    outcome: Option<&JobOutcome>,
    now: DateTime<Utc>,
    timing: Timing,
) -> Option<Standing> {
    if lead.status != Status::Accepted {
        return None;
    }
    let accepted_at = lead.decision.as_ref().map(|d| d.decided_at);
    Some(standing_at(
        lead.created_at,
        accepted_at,
        log,
        outcome,
        now,
        timing,
    ))
}

/// What an accepted lead's standing rests on, without the lead itself: for the views that only
/// count (`leads status`), which read these few facts instead of whole leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub lead_id: String,
    /// The customer's request: their first contact.
    pub requested_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub log: Log,
}

impl Facts {
    /// Its standing at `now`, and whether it is not cold yet but will be within
    /// [`GOING_COLD_NOTICE`].
    pub fn standing_and_going_cold(&self, now: DateTime<Utc>, timing: Timing) -> (Standing, bool) {
        let s = self.standing(now, timing);
        let going_cold = s.stage != Stage::Cold
            && self.standing(now + GOING_COLD_NOTICE, timing).stage == Stage::Cold;
        (s, going_cold)
    }

    pub fn standing(&self, now: DateTime<Utc>, timing: Timing) -> Standing {
        standing_at(
            self.requested_at,
            self.accepted_at,
            &self.log,
            None,
            now,
            timing,
        )
    }
}

/// A day's notice before a conversation turns cold.
pub const GOING_COLD_NOTICE: TimeDelta = TimeDelta::hours(24);

/// How many open conversations wait on whom at a moment: what `leads status` shows. The store
/// counts these without reading each conversation out; [`Waits::of`] is the rule it must equal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    /// First reply due, or the customer wrote last.
    pub owe_reply: usize,
    /// Since when the longest-waiting of those has waited.
    pub oldest_waiting_since: Option<DateTime<Utc>>,
    /// The PRO wrote last, at least `nudge_after` ago.
    pub nudge: usize,
    /// Not cold yet, but cold within [`GOING_COLD_NOTICE`].
    pub going_cold: usize,
}

impl Waits {
    /// Counted from each conversation's standing at `now` (and a day later, for going cold).
    pub fn of<'a>(
        facts: impl IntoIterator<Item = &'a Facts>,
        now: DateTime<Utc>,
        timing: Timing,
    ) -> Waits {
        let mut w = Waits::default();
        for f in facts {
            let (s, going_cold) = f.standing_and_going_cold(now, timing);
            w.going_cold += usize::from(going_cold);
            if s.stage.owes_reply() {
                w.owe_reply += 1;
                w.oldest_waiting_since = Some(
                    w.oldest_waiting_since
                        .map_or(s.waiting_since, |o| o.min(s.waiting_since)),
                );
            } else if s.nudge {
                w.nudge += 1;
            }
        }
        w
    }
}

/// The standing of an accepted lead requested at `requested_at` and accepted at `accepted_at`.
fn standing_at(
    requested_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    log: &Log,
    outcome: Option<&JobOutcome>,
    now: DateTime<Utc>,
    timing: Timing,
) -> Standing {
    let from_customer = 1 + log.from_customer;
    let from_pro = log.from_pro;
    let customer_last = log
        .customer_last
        .map_or(requested_at, |t| t.max(requested_at));
    let pro_last = log.pro_last;
    let last_contact = pro_last.map_or(customer_last, |p| p.max(customer_last));
    let quiet_since = accepted_at.map_or(last_contact, |a| a.max(last_contact));

    let (stage, waiting_since) = match (outcome, pro_last) {
        (Some(o), _) => (
            match o.result {
                Ending::Won => Stage::Won,
                Ending::Lost => Stage::Lost,
            },
            o.at,
        ),
        _ if now - quiet_since >= timing.cold_after => (Stage::Cold, last_contact),
        (None, None) => (Stage::FirstReplyDue, customer_last),
        // A contact the customer made at the same moment as the PRO's is answered by it.
        (None, Some(p)) if customer_last > p => (Stage::YourTurn, customer_last),
        (None, Some(p)) => (Stage::TheirTurn, p),
    };
    Standing {
        stage,
        developing: from_customer >= 2 && from_pro >= 1,
        waiting_since,
        contacts: from_customer + from_pro,
        from_customer,
        from_pro,
        nudge: stage == Stage::TheirTurn && now - waiting_since >= timing.nudge_after,
    }
}

/// The customer's latest words: their last message with text, else the request's own message.
pub fn last_customer_words<'a>(lead: &'a Lead, log: &'a Log) -> Option<&'a str> {
    log.last_words.as_deref().or(lead.message.as_deref())
}

// --- Personal replies ---------------------------------------------------------------------------

/// Words a reply to anyone could use: they say nothing about this customer.
const COMMON: &[&str] = &[
    "about",
    "after",
    "again",
    "also",
    "and",
    "any",
    "are",
    "ask",
    "available",
    "back",
    "before",
    "best",
    "but",
    "can",
    "could",
    "day",
    "dear",
    "for",
    "free",
    "from",
    "get",
    "glad",
    "good",
    "great",
    "happy",
    "have",
    "hello",
    "help",
    "here",
    "hi",
    "how",
    "job",
    "just",
    "know",
    "let",
    "like",
    "look",
    "looking",
    "me",
    "more",
    "need",
    "needs",
    "new",
    "not",
    "now",
    "our",
    "please",
    "price",
    "quote",
    "really",
    "request",
    "service",
    "soon",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "there",
    "this",
    "time",
    "want",
    "was",
    "way",
    "we",
    "what",
    "when",
    "where",
    "which",
    "will",
    "with",
    "work",
    "would",
    "you",
    "your",
    "yours",
];

/// Honorifics say nothing about who the customer is.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "mx", "先生", "小姐", "太太",
];

/// Something of this lead's own that a personal reply can mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Specific {
    /// What it is, for the hint: "the customer's name", "their schedule".
    pub what: &'static str,
    /// As the lead has it: "Ms. Lin", "Saturday morning".
    pub text: String,
    /// The words of it that count as a mention when a reply has any one of them.
    words: Vec<String>,
}

/// Lowercase runs of letters and digits; a run of CJK characters is one word (names and places
/// are written without spaces), and a digit next to letters stays with them ("40-ping" → "40",
/// "ping").
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk = false;
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        let is_cjk = is_cjk(c);
        if c.is_alphanumeric() {
            if !word.is_empty() && is_cjk != cjk {
                flush(&mut word, &mut out);
            }
            cjk = is_cjk;
            word.push(c);
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// A word that tells this customer apart: not a common word or a title, and long enough to mean
/// something (two CJK characters, three letters, or any number).
fn telling(word: &str) -> bool {
    let n = word.chars().count();
    let long_enough = if word.chars().any(is_cjk) {
        n >= 2
    } else {
        n >= 3 || word.chars().any(|c| c.is_ascii_digit())
    };
    long_enough && !COMMON.contains(&word) && !TITLES.contains(&word)
}

/// The specifics of a lead a personal reply could mention: the customer's name, the place, the
/// schedule, the answers and the customer's own message.
pub fn specifics(lead: &Lead) -> Vec<Specific> {
    let mut out = Vec::new();
    let mut add = |what: &'static str, text: &str| {
        let ws: Vec<String> = words(text).into_iter().filter(|w| telling(w)).collect();
        if !ws.is_empty() {
            out.push(Specific {
                what,
                text: text.trim().to_string(),
                words: ws,
            });
        }
    };
    add("the customer's name", &lead.customer.display_name);
    if lead.location.is_some() {
        add("the place", &lead.place());
    }
    if let Some(s) = &lead.schedule {
        add("their schedule", s);
    }
    for a in &lead.answers {
        add("an answer", &a.answer);
    }
    if let Some(m) = &lead.message {
        add("their message", m);
    }
    out
}

/// The specifics a reply mentions (any one of a specific's words, as a whole word; a CJK word
/// anywhere in the reply's text, since CJK has no spaces).
pub fn mentioned<'a>(reply: &str, specifics: &'a [Specific]) -> Vec<&'a Specific> {
    let said = words(reply);
    let lower = reply.to_lowercase();
    specifics
        .iter()
        .filter(|s| {
            s.words.iter().any(|w| {
                if w.chars().any(is_cjk) {
                    lower.contains(w.as_str())
                } else {
                    said.iter().any(|x| x == w)
                }
            })
        })
        .collect()
}

/// Why a reply is refused as generic: it names none of this lead's specifics. The hint lists a
/// few it could mention.
#[derive(Debug, PartialEq, Eq)]
pub struct Generic {
    pub could_mention: Vec<String>,
}

impl fmt::Display for Generic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the reply mentions nothing of this customer's own request; a generic reply loses them as surely as silence")
    }
}

/// Accepts a reply that mentions at least one specific of the lead. A lead with nothing specific
/// to mention cannot be judged, so any reply passes.
pub fn check_personal(reply: &str, lead: &Lead) -> Result<(), Generic> {
    let specifics = specifics(lead);
    if specifics.is_empty() || !mentioned(reply, &specifics).is_empty() {
        return Ok(());
    }
    Err(Generic {
        could_mention: specifics
            .iter()
            .take(4)
            .map(|s| format!("{} ({})", s.what, shorten(&s.text, 40)))
            .collect(),
    })
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

// --- Templates ----------------------------------------------------------------------------------

/// The first reply when the config has no `[templates.first_reply]`: every line names something
/// of the customer's own, so the draft starts personal (a line whose value the lead lacks goes).
pub const FIRST_REPLY: &str = "Hi {name},

Thank you for your request for {service}.
I work in {place} and can come {schedule}.
You wrote: \"{message}\"

Could you tell me a little more, so I can give you an exact price?

Best regards";

/// The placeholders a reply template may use; `{answer:QUESTION}` takes the answer to that
/// question.
pub const PLACEHOLDERS: &[&str] = &["name", "service", "place", "schedule", "message"];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error(
        "unknown placeholder {{{0}}}: use {{name}}, {{service}}, {{place}}, {{schedule}}, {{message}} or {{answer:QUESTION}}"
    )]
    Unknown(String),
    #[error("an unclosed {{ at character {0}: write {{{{ for a literal brace")]
    Unclosed(usize),
}

/// Fills `template` from the lead. `{{` and `}}` are literal braces. A line with a placeholder the
/// lead has no value for is left out whole, so a draft never says "on ." where a schedule would be.
pub fn fill(template: &str, lead: &Lead) -> Result<String, TemplateError> {
    fill_with(template, &|key| value_of(key, Some(lead)))
}

/// Checks a template's placeholders without a lead, as the config is loaded.
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    fill_with(template, &|key| {
        value_of(key, None).map(|_| Some(String::new()))
    })
    .map(|_| ())
}

type Lookup<'a> = dyn Fn(&str) -> Result<Option<String>, TemplateError> + 'a;

fn fill_with(template: &str, lookup: &Lookup) -> Result<String, TemplateError> {
    let mut out: Vec<String> = Vec::new();
    let mut offset = 0;
    for line in template.split('\n') {
        if let Some(filled) = fill_line(line, lookup, offset)? {
            out.push(filled);
        }
        offset += line.chars().count() + 1;
    }
    Ok(out.join("\n"))
}

/// One line of a template, or None when a placeholder in it has no value. `offset` is where the
/// line starts in the template, for errors.
fn fill_line(line: &str, lookup: &Lookup, offset: usize) -> Result<Option<String>, TemplateError> {
    let mut out = String::new();
    let mut chars = line.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '}' if chars.peek().map(|(_, n)| *n) == Some(c) => {
                chars.next();
                out.push(c);
            }
            '{' => {
                let mut key = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    key.push(c);
                }
                if !closed {
                    return Err(TemplateError::Unclosed(offset + i + 1));
                }
                match lookup(key.trim())? {
                    Some(v) => out.push_str(&v),
                    None => return Ok(None),
                }
            }
            c => out.push(c),
        }
    }
    Ok(Some(out))
}

/// The value of a placeholder for `lead`: None when the lead has none (or it is blank). Without
/// a lead, only whether the placeholder exists.
fn value_of(key: &str, lead: Option<&Lead>) -> Result<Option<String>, TemplateError> {
    let known = PLACEHOLDERS.contains(&key) || key.starts_with("answer:");
    if !known {
        return Err(TemplateError::Unknown(key.to_string()));
    }
    let Some(lead) = lead else {
        return Ok(None);
    };
    let value = match key {
        "name" => Some(lead.customer.display_name.clone()),
        "service" => Some(lead.service.clone()),
        "place" => lead.location.as_ref().map(|_| lead.place()),
        "schedule" => lead.schedule.clone(),
        "message" => lead.message.clone(),
        k => {
            let q = k.trim_start_matches("answer:").trim();
            lead.answers
                .iter()
                .find(|a| a.question.trim().eq_ignore_ascii_case(q))
                .map(|a| a.answer.clone())
        }
    };
    Ok(value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty()))
}

// --- What the leads cost and earned -------------------------------------------------------------

/// `spend ÷ wins`, rounded to the nearest minor unit (half up); None without a win.
pub fn cost_per_win(spend: Money, wins: u64) -> Option<Money> {
    if wins == 0 {
        return None;
    }
    let wins = i128::from(wins);
    let per = (i128::from(spend.amount) * 2 + wins) / (2 * wins);
    Some(Money::new(per as i64, spend.currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::{Action, Answer, Decision};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Accepted at 09:00 on the 23rd, requested at 08:00.
    fn accepted() -> Lead {
        let mut lead = crate::domain::lead::tests::sample();
        lead.status = Status::Accepted;
        lead.created_at = at("2026-11-23T08:00:00Z");
        lead.decision = Some(Decision {
            action: Action::Accept,
            decided_at: at("2026-11-23T09:00:00Z"),
            reason: None,
            note: None,
        });
        lead.customer.display_name = "Ms. Lin".into();
        lead.schedule = Some("Saturday morning".into());
        lead.answers = vec![Answer {
            question: "Home size".into(),
            answer: "40 ping".into(),
        }];
        lead.message = Some("Before the new year, please.".into());
        lead
    }

    fn msg(at_: &str, from: Sender) -> Message {
        Message {
            id: format!("m-{at_}"),
            at: at(at_),
            from,
            channel: Channel::Platform,
            text: Some("hello".into()),
        }
    }

    fn stage(msgs: &[Message], outcome: Option<&JobOutcome>, now: &str) -> Standing {
        standing(
            &accepted(),
            &Log::of(msgs),
            outcome,
            at(now),
            Timing::default(),
        )
        .unwrap()
    }

    #[test]
    fn only_an_accepted_lead_has_a_conversation() {
        let mut lead = accepted();
        lead.status = Status::Pending;
        assert_eq!(
            standing(&lead, &Log::default(), None, Utc::now(), Timing::default()),
            None
        );
    }

    #[test]
    fn every_stage_from_the_log() {
        let now = "2026-11-23T12:00:00Z";
        let s = stage(&[], None, now);
        assert_eq!(
            (s.stage, s.waiting_since),
            (Stage::FirstReplyDue, at("2026-11-23T08:00:00Z"))
        );
        assert_eq!((s.contacts, s.developing), (1, false));

        let replied = [msg("2026-11-23T10:00:00Z", Sender::Pro)];
        let s = stage(&replied, None, now);
        assert_eq!(
            (s.stage, s.waiting_since),
            (Stage::TheirTurn, at("2026-11-23T10:00:00Z"))
        );
        assert!(!s.developing, "one contact from the customer so far");

        let back = [
            msg("2026-11-23T10:00:00Z", Sender::Pro),
            msg("2026-11-23T11:00:00Z", Sender::Customer),
        ];
        let s = stage(&back, None, now);
        assert_eq!(
            (s.stage, s.waiting_since),
            (Stage::YourTurn, at("2026-11-23T11:00:00Z"))
        );
        assert!(s.developing, "request + a question back + the reply");
        assert_eq!((s.contacts, s.from_customer, s.from_pro), (3, 2, 1));

        // The order of the log does not matter.
        let mut shuffled = back.clone();
        shuffled.reverse();
        assert_eq!(stage(&shuffled, None, now), s);

        let won = JobOutcome {
            result: Ending::Won,
            at: at("2026-11-23T11:30:00Z"),
            value: None,
            reason: None,
        };
        let s = stage(&back, Some(&won), now);
        assert_eq!((s.stage, s.waiting_since), (Stage::Won, won.at));
        let lost = JobOutcome {
            result: Ending::Lost,
            ..won
        };
        // An outcome stands even after a long silence.
        assert_eq!(
            stage(&[], Some(&lost), "2026-12-30T00:00:00Z").stage,
            Stage::Lost
        );
    }

    #[test]
    fn a_customer_who_only_writes_again_is_still_waiting_for_the_first_reply() {
        let s = stage(
            &[msg("2026-11-23T10:00:00Z", Sender::Customer)],
            None,
            "2026-11-23T12:00:00Z",
        );
        assert_eq!(
            (s.stage, s.waiting_since),
            (Stage::FirstReplyDue, at("2026-11-23T10:00:00Z"))
        );
        assert!(!s.developing, "no contact from the PRO");
    }

    #[test]
    fn the_log_summary_keeps_counts_times_and_the_last_words() {
        let mut words = msg("2026-11-23T11:00:00Z", Sender::Customer);
        words.text = Some("Saturday?".into());
        let mut silent = msg("2026-11-23T11:30:00Z", Sender::Customer);
        silent.text = None;
        let log = Log::of(&[
            msg("2026-11-23T10:00:00Z", Sender::Pro),
            silent,
            words,
            msg("2026-11-23T12:00:00Z", Sender::Pro),
        ]);
        assert_eq!((log.from_customer, log.from_pro), (2, 2));
        assert_eq!(log.customer_last, Some(at("2026-11-23T11:30:00Z")));
        assert_eq!(log.pro_first, Some(at("2026-11-23T10:00:00Z")));
        assert_eq!(log.pro_last, Some(at("2026-11-23T12:00:00Z")));
        assert_eq!(log.last_words.as_deref(), Some("Saturday?"));
        assert_eq!(
            last_customer_words(&accepted(), &Log::default()),
            Some("Before the new year, please.")
        );
    }

    #[test]
    fn cold_and_nudge_boundaries() {
        // The accept (09:00) is after the request: the cold clock starts there.
        assert_eq!(
            stage(&[], None, "2026-11-26T08:59:59Z").stage,
            Stage::FirstReplyDue
        );
        let s = stage(&[], None, "2026-11-26T09:00:00Z");
        assert_eq!(
            (s.stage, s.waiting_since),
            (Stage::Cold, at("2026-11-23T08:00:00Z"))
        );

        let replied = [msg("2026-11-23T10:00:00Z", Sender::Pro)];
        let s = stage(&replied, None, "2026-11-25T09:59:59Z");
        assert_eq!((s.stage, s.nudge), (Stage::TheirTurn, false));
        let s = stage(&replied, None, "2026-11-25T10:00:00Z");
        assert_eq!((s.stage, s.nudge), (Stage::TheirTurn, true));
        assert_eq!(
            stage(&replied, None, "2026-11-26T09:59:59Z").stage,
            Stage::TheirTurn
        );
        assert_eq!(
            stage(&replied, None, "2026-11-26T10:00:00Z").stage,
            Stage::Cold
        );
        // A message from either side warms it up again.
        let back = [
            replied[0].clone(),
            msg("2026-11-27T10:00:00Z", Sender::Customer),
        ];
        assert_eq!(
            stage(&back, None, "2026-11-27T11:00:00Z").stage,
            Stage::YourTurn
        );
    }

    #[test]
    fn a_reply_must_mention_something_of_this_customer() {
        let lead = accepted();
        let generic = check_personal("Hi, thanks for your request, I can help", &lead).unwrap_err();
        assert!(
            generic.could_mention.iter().any(|m| m.contains("Ms. Lin")),
            "{generic:?}"
        );
        assert!(check_personal("Hi! Happy to help. Please let me know.", &lead).is_err());
        for personal in [
            "Hi, I can clean your 40-ping flat",
            "Saturday works for me",
            "Hello Ms Lin, I can help",
            "Before the new year is fine: I have a slot on the 28th.",
            "我週六在大安區有空",
        ] {
            assert_eq!(check_personal(personal, &lead), Ok(()), "{personal}");
        }
        // "year" is the customer's own word here; "linen" is not their name.
        assert!(check_personal("I bring fresh linen", &lead).is_err());
    }

    #[test]
    fn a_lead_with_nothing_specific_accepts_any_reply() {
        let mut lead = accepted();
        lead.customer.display_name = "Mr.".into();
        lead.location = None;
        lead.schedule = None;
        lead.answers.clear();
        lead.message = None;
        assert!(specifics(&lead).is_empty());
        assert_eq!(check_personal("Hi, thanks", &lead), Ok(()));
    }

    #[test]
    fn templates_fill_from_the_lead_and_name_unknown_placeholders() {
        let lead = accepted();
        let t = "Hi {name},\n\nI can do your {service} ({answer:home size}) on {schedule}.\n{{ok}}";
        assert_eq!(
            fill(t, &lead).unwrap(),
            "Hi Ms. Lin,\n\nI can do your Deep home cleaning (40 ping) on Saturday morning.\n{ok}"
        );
        let mut bare = lead.clone();
        bare.schedule = None;
        assert_eq!(
            fill("Hi {name}\nOn {schedule}\nBye", &bare).unwrap(),
            "Hi Ms. Lin\nBye"
        );
        assert_eq!(
            fill("Hi {nmae}", &lead),
            Err(TemplateError::Unknown("nmae".into()))
        );
        assert!(
            TemplateError::Unknown("x".into())
                .to_string()
                .contains("{answer:QUESTION}")
        );
        assert_eq!(fill("Hi {name", &lead), Err(TemplateError::Unclosed(4)));
        assert_eq!(check_template("Hi {name}\n{answer:Rooms}"), Ok(()));
        assert_eq!(
            check_template("ok\nHi {customer}"),
            Err(TemplateError::Unknown("customer".into()))
        );
        assert_eq!(
            fill(FIRST_REPLY, &lead).map(|d| check_personal(&d, &lead)),
            Ok(Ok(()))
        );
    }

    #[test]
    fn messages_in_the_future_or_before_the_request_are_refused() {
        let lead = accepted();
        let now = at("2026-11-23T12:00:00Z");
        let mut m = msg("2026-11-23T13:00:00Z", Sender::Customer);
        assert!(matches!(
            m.validate(&lead, now),
            Err(InvalidMessage::InFuture { .. })
        ));
        m.at = at("2026-11-23T07:00:00Z");
        assert!(matches!(
            m.validate(&lead, now),
            Err(InvalidMessage::BeforeRequest { .. })
        ));
        m.at = at("2026-11-23T11:00:00Z");
        m.text = Some("  ".into());
        assert_eq!(
            m.validate(&lead, now),
            Err(InvalidMessage::EmptyPlatformText)
        );
        m.channel = Channel::Phone;
        m.text = None;
        assert_eq!(m.validate(&lead, now), Ok(()));
    }

    #[test]
    fn cost_per_win_and_wasted_spend() {
        let twd = "TWD".parse().unwrap();
        let spend = Money::new(100_000, twd);
        assert_eq!(cost_per_win(spend, 0), None);
        assert_eq!(cost_per_win(spend, 3), Some(Money::new(33_333, twd)));
        assert_eq!(
            cost_per_win(Money::new(5, twd), 2),
            Some(Money::new(3, twd))
        );

        let lead = accepted();
        let t = Timing::default();
        let none = Log::default();
        let later = at("2026-11-30T00:00:00Z");
        assert!(standing(&lead, &none, None, later, t).unwrap().is_wasted());
        let replied = Log::of(&[msg("2026-11-23T10:00:00Z", Sender::Pro)]);
        assert!(
            !standing(&lead, &replied, None, later, t)
                .unwrap()
                .is_wasted(),
            "cold, but written to"
        );
        let fresh = at("2026-11-23T12:00:00Z");
        assert!(
            !standing(&lead, &none, None, fresh, t).unwrap().is_wasted(),
            "not cold yet"
        );
    }
}
