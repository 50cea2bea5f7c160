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

/// Whom to write to, and how many are going cold: what `leads followups` lists and `leads
/// status` counts.
pub struct Followups {
    pub owe: Vec<Waiting>,
    pub nudge: Vec<Waiting>,
    /// Quiet for so long they turn cold within a day, and not yet won or lost.
    pub going_cold: usize,
}

/// An accepted lead waiting on someone: where it stands, and (for a list to show) the lead
/// with its log.
pub struct Waiting {
    pub facts: Facts,
    pub standing: Standing,
    /// Read only for `leads followups`, which shows them.
    pub lead: Option<(Lead, Log)>,
}

/// A day's notice before a conversation turns cold.
const GOING_COLD_NOTICE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

impl Followups {
    /// From the open conversations active within `followups.cold_after` (older ones are cold).
    /// With `keep`, the leads that wait on someone or go cold are read whole in one go (with
    /// their logs' summaries, not the messages), and kept only if `keep` admits them; without,
    /// only the few numbers the counts need are read (`leads status`).
    pub fn gather(ctx: &Ctx, keep: Option<&dyn Fn(&Lead) -> bool>) -> Result<Followups, CliError> {
        let now = ctx.now();
        let timing = ctx.config.followups.timing();
        let source = ctx.source()?;
        // A conversation quiet for longer than cold_after is cold and owes nobody anything, so
        // only the recent ones are read, whatever the length of the history.
        let mut found: Vec<(Waiting, bool)> = Vec::new();
        for facts in source.conversation_facts(now - timing.cold_after)? {
            let standing = facts.standing(now, timing);
            let going_cold = standing.stage != Stage::Cold
                && facts.standing(now + GOING_COLD_NOTICE, timing).stage == Stage::Cold;
            if standing.stage.owes_reply() || standing.nudge || going_cold {
                let lead = None;
                found.push((
                    Waiting {
                        facts,
                        standing,
                        lead,
                    },
                    going_cold,
                ));
            }
        }
        if let Some(keep) = keep {
            let ids: Vec<String> = found.iter().map(|(w, _)| w.facts.lead_id.clone()).collect();
            let mut leads: HashMap<String, (Lead, Log)> = source
                .leads_with_logs(&ids)?
                .into_iter()
                .map(|(lead, log)| (lead.id.clone(), (lead, log)))
                .collect();
            found.retain_mut(|(w, _)| match leads.remove(&w.facts.lead_id) {
                Some((lead, log)) if keep(&lead) => {
                    w.lead = Some((lead, log));
                    true
                }
                _ => false,
            });
        }
        let mut out = Followups {
            owe: Vec::new(),
            nudge: Vec::new(),
            going_cold: found.iter().filter(|(_, cold)| *cold).count(),
        };
        for (w, _) in found {
            if w.standing.stage.owes_reply() {
                out.owe.push(w);
            } else if w.standing.nudge {
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
    let found = Followups::gather(ctx, Some(&|l| filter.matches(l, now, shelf)))?;
    let mut rows: Vec<Row> = Vec::new();
    for (list, action) in [(&found.owe, "reply"), (&found.nudge, "nudge")] {
        for w in list {
            if let Some((lead, log)) = &w.lead {
                rows.push(Row::new(lead, log, &w.standing, action, now));
            }
        }
    }
    if let Some(limit) = filter.limit {
        rows.truncate(limit);
    }
    if rows.is_empty() && ctx.out.format != Format::Json {
        ctx.out.note(
            "Nobody is waiting on you: no accepted lead owes a reply, and none needs a nudge. \
             `leads list` shows the pending leads.",
        );
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
