//! `leads followups`: the morning list after `leads list`. The accepted leads where you owe the
//! customer the next message, the longest-waiting first, then the ones where they owe you an
//! answer for long enough to nudge them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::filters::FilterArgs;
use crate::context::Ctx;
use crate::domain::conversation::{Facts, Log, Stage, Standing, last_customer_words};
use crate::domain::filter::{KindFilter, StatusFilter};
use crate::domain::freshness::compact;
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};
use crate::render::{self, Format, Report, Style, text, untrusted};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Stages: first_reply_due (accepted, you have not written), your_turn (they \
wrote after you), their_turn (you wrote last), cold (no contact either way for followups.cold_after), \
won, lost. `leads reply ID` writes the next message; `leads contact ID` logs a call or visit."
)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Whom to write to, and how many are going cold: what `leads followups` lists.
pub struct Followups {
    pub owe: Vec<Waiting>,
    pub nudge: Vec<Waiting>,
    /// Quiet for so long they turn cold within a day, and not yet won or lost.
    pub going_cold: usize,
}

/// An accepted lead waiting on someone: where it stands, and the lead with its log.
pub struct Waiting {
    pub facts: Facts,
    pub standing: Standing,
    /// Boxed: a whole lead is large, and thousands of these are sorted by moving them.
    pub lead: Box<(Lead, Log)>,
}

/// After the accepts: how many customers wait on a reply (and the longest wait), how many to
/// nudge, how many conversations turn cold within a day. What `leads status` shows.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FollowupCounts {
    pub owe_reply: usize,
    pub oldest_waiting_seconds: Option<i64>,
    pub nudge: usize,
    pub going_cold: usize,
}

/// Where each open conversation active within `followups.cold_after` stands, with whether it
/// goes cold within a day, for those that wait on someone or go cold. Older ones are cold and
/// owe nobody anything, so only the recent ones are read, whatever the length of the history.
fn waiting(ctx: &Ctx) -> Result<Vec<(Facts, Standing, bool)>, CliError> {
    let now = ctx.now();
    let timing = ctx.config.followups.timing();
    let facts = ctx.source()?.conversation_facts(now - timing.cold_after)?;
    Ok(facts
        .into_iter()
        .filter_map(|facts| {
            let (standing, going_cold) = facts.standing_and_going_cold(now, timing);
            (standing.stage.owes_reply() || standing.nudge || going_cold)
                .then_some((facts, standing, going_cold))
        })
        .collect())
}

impl FollowupCounts {
    /// Counted by the store: no conversation is read out.
    pub fn gather(ctx: &Ctx) -> Result<FollowupCounts, CliError> {
        let now = ctx.now();
        let w = ctx.source()?.waits(now, ctx.config.followups.timing())?;
        Ok(FollowupCounts {
            owe_reply: w.owe_reply,
            oldest_waiting_seconds: w.oldest_waiting_since.map(|t| (now - t).num_seconds()),
            nudge: w.nudge,
            going_cold: w.going_cold,
        })
    }
}

impl Followups {
    /// The leads that wait on someone or go cold, read whole in one go (with their logs'
    /// summaries, not the messages) and kept if `keep` admits them.
    pub fn gather(ctx: &Ctx, keep: &dyn Fn(&Lead) -> bool) -> Result<Followups, CliError> {
        let found = waiting(ctx)?;
        let ids: Vec<String> = found.iter().map(|(f, ..)| f.lead_id.clone()).collect();
        let mut leads: HashMap<String, (Lead, Log)> = ctx
            .source()?
            .leads_with_logs(&ids)?
            .into_iter()
            .map(|(lead, log)| (lead.id.clone(), (lead, log)))
            .collect();
        let mut out = Followups {
            owe: Vec::new(),
            nudge: Vec::new(),
            going_cold: 0,
        };
        for (facts, standing, going_cold) in found {
            let Some((lead, log)) = leads.remove(&facts.lead_id).filter(|(l, _)| keep(l)) else {
                continue;
            };
            out.going_cold += usize::from(going_cold);
            let (owes, nudge) = (standing.stage.owes_reply(), standing.nudge);
            let w = Waiting {
                facts,
                standing,
                lead: Box::new((lead, log)),
            };
            if owes {
                out.owe.push(w);
            } else if nudge {
                out.nudge.push(w);
            }
        }
        // The longest-waiting first; ties by id, so the order is the same every run.
        let by_wait = |a: &Waiting, b: &Waiting| {
            (a.standing.waiting_since, &a.facts.lead_id)
                .cmp(&(b.standing.waiting_since, &b.facts.lead_id))
        };
        out.owe.sort_by(by_wait);
        out.nudge.sort_by(by_wait);
        Ok(out)
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let filter = args
        .filter
        .to_filter(StatusFilter::Accepted, KindFilter::All, ctx);
    let now = ctx.now();
    let shelf = ctx.config.freshness.shelf_life;
    let found = Followups::gather(ctx, &|l| filter.matches(l, now, shelf))?;
    let mut rows: Vec<Row> = Vec::new();
    for (list, action) in [(&found.owe, "reply"), (&found.nudge, "nudge")] {
        for w in list {
            let (lead, log) = &*w.lead;
            rows.push(Row::new(lead, log, &w.standing, action, now));
        }
    }
    if let Some(limit) = filter.limit {
        rows.truncate(limit);
    }
    if rows.is_empty() && ctx.out.format != Format::Json {
        ctx.out.note(if filter.is_unrestricted() {
            "Nobody is waiting on you: no accepted lead owes a reply, and none needs a nudge. \
             `leads list` shows the pending leads."
        } else {
            "No accepted lead that matches these filters owes a reply or needs a nudge. \
             `leads followups` without them shows every one."
        });
        return Ok(Exit::Ok);
    }
    ctx.out.emit(&FollowupList {
        rows,
        going_cold: found.going_cold,
    })?;
    Ok(Exit::Ok)
}

/// One lead of the list, for people and for scripts. `stage`, `developing` and
/// `waiting_since` are the JSON contract.
#[derive(Serialize)]
struct Row {
    id: String,
    /// `reply` (you owe the next message) or `nudge` (they owe it, for a while now).
    action: &'static str,
    stage: Stage,
    developing: bool,
    waiting_since: DateTime<Utc>,
    waiting_seconds: i64,
    contacts: usize,
    customer: String,
    service: String,
    /// The customer's latest words: their last message, or the request's.
    last_words: Option<String>,
}

impl Row {
    fn new(lead: &Lead, log: &Log, s: &Standing, action: &'static str, now: DateTime<Utc>) -> Row {
        Row {
            id: lead.id.clone(),
            action,
            stage: s.stage,
            developing: s.developing,
            waiting_since: s.waiting_since,
            waiting_seconds: (now - s.waiting_since).num_seconds(),
            contacts: s.contacts,
            customer: lead.customer.display_name.clone(),
            service: lead.service.clone(),
            last_words: last_customer_words(lead, log).map(str::to_string),
        }
    }

    fn waited(&self) -> String {
        compact(chrono::TimeDelta::seconds(self.waiting_seconds))
    }

    fn stage_text(&self) -> String {
        if self.action == "nudge" {
            format!("nudge: {}", self.stage)
        } else {
            self.stage.to_string()
        }
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct FollowupList {
    rows: Vec<Row>,
    #[serde(skip)]
    going_cold: usize,
}

impl Report for FollowupList {
    fn human(&self, style: &Style) -> String {
        use render::table::{Cell, Cells, Column, GiveWay, Table};
        let column = |header, cells| Column { header, cells };
        let columns = vec![
            column("ID", Cells::Whole),
            column("CUSTOMER", Cells::Cut(10)),
            column("SERVICE", Cells::Cut(14)),
            column("STAGE", Cells::Whole),
            column("WAITING", Cells::Whole),
            column("CONTACTS", Cells::Whole),
            column("LAST WORDS", Cells::Cut(16)),
        ];
        // On a narrow terminal the long texts are cut first, then the contact count goes, then the
        // service, then the last words: who to write to, and how long they have waited, always
        // show.
        let give_way = vec![
            GiveWay::Cut,
            GiveWay::Drop(5),
            GiveWay::Drop(2),
            GiveWay::Drop(6),
        ];
        let mut table = Table::new(columns, give_way);
        for r in &self.rows {
            let words = r.last_words.as_deref().map(one_line).unwrap_or_default();
            table.add_row(vec![
                Cell::new(r.id.as_str()),
                Cell::new(r.customer.as_str()),
                Cell::new(r.service.as_str()),
                Cell::new(r.stage_text()),
                Cell::new(r.waited()),
                Cell::new(if r.developing {
                    format!("{}, developing", r.contacts)
                } else {
                    r.contacts.to_string()
                }),
                Cell::new(words),
            ]);
        }
        let owe = self.rows.iter().filter(|r| r.action == "reply").count();
        let nudge = self.rows.len() - owe;
        let mut footer = format!("{owe} owe a reply · {nudge} to nudge");
        if self.going_cold > 0 {
            footer.push_str(&format!(" · {} going cold within a day", self.going_cold));
        }
        format!(
            "{}\n{}\n",
            table.render(style),
            style.dim(&style.wrap_hanging(&footer))
        )
    }

    /// id, action, stage, waited (seconds), contacts, customer, last words.
    fn plain(&self, _: &Style) -> String {
        let mut out = String::new();
        for r in &self.rows {
            render::push_tsv_row(
                &mut out,
                &[
                    r.id.clone(),
                    r.action.to_string(),
                    r.stage.as_str().to_string(),
                    r.waiting_seconds.to_string(),
                    r.contacts.to_string(),
                    r.customer.clone(),
                    r.last_words.as_deref().map(one_line).unwrap_or_default(),
                ],
            );
        }
        out
    }
}

/// The customer's words on one line, cut to a glance.
fn one_line(words: &str) -> String {
    text::truncate(&untrusted::line(words), 60).into_owned()
}
