//! `leads inbox`: the pending leads one at a time, most urgent first, each decided in a keystroke
//! or two. Decisions go through the same source call, and so the same rules, as `leads accept`
//! and `leads reject`, and each is committed the moment it is made.

use std::io::IsTerminal;

use dialoguer::console::{Key, Term};

use super::filters::{FilterArgs, SortArg};
use super::rates;
use super::show::LeadCard;
use crate::context::Ctx;
use crate::domain::budget::{WeekSpend, week_start};
use crate::domain::conversation::Channel;
use crate::domain::decision::{Contact, Skip};
use crate::domain::filter::{KindFilter, StatusFilter};
use crate::domain::freshness::{Span, compact};
use crate::domain::lead::{Action, Lead, RejectReason};
use crate::domain::money::{Money, format_sum};
use crate::domain::rate::{RateReport, percent};
use crate::error::{CliError, Exit};
use crate::render::{Report, Style, lead::LeadView, untrusted};
use crate::store::{Decided, DecisionRequest, Recorded};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Order: least time left first, or highest score first (time left, fit, fee against budget)
    #[arg(long, value_enum, default_value_t = SortArg::Time, value_name = "ORDER")]
    pub sort: SortArg,

    /// Allow accepts that take this week's spend past budget.weekly_cap
    #[arg(long)]
    pub over_budget: bool,
}

/// The reason keys, in the order the menu shows them.
const REASONS: [(char, RejectReason, &str); 6] = [
    ('1', RejectReason::NotMyService, "not my service"),
    ('2', RejectReason::OutsideArea, "area"),
    ('3', RejectReason::ScheduleConflict, "schedule"),
    ('4', RejectReason::BudgetTooLow, "budget"),
    ('5', RejectReason::TooBusy, "too busy"),
    ('6', RejectReason::Other, "other"),
];

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    if ctx.no_input || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(CliError::usage(
            "leads inbox is interactive and needs a terminal (and no --no-input)",
        )
        .with_hint(
            "`leads list` shows the queue; `leads accept ID` and `leads reject ID --reason R` decide (add --yes in scripts)",
        ));
    }
    let mut filter = args
        .filter
        .to_filter(StatusFilter::Pending, KindFilter::NewLead, ctx);
    filter.order = args.sort.order();
    let source = ctx.source()?;
    let leads = source.select(
        &filter,
        ctx.clock.current(),
        ctx.config.freshness.shelf_life,
    )?;
    let mut inbox = Inbox::new(ctx, args.over_budget)?;
    if leads.is_empty() {
        inbox.say(&empty_line(ctx, filter.is_unrestricted())?)?;
        return Ok(Exit::Ok);
    }
    inbox.say(&inbox.header(leads.len())?)?;
    let total = leads.len();
    let mut quit = false;
    for (i, lead) in leads.into_iter().enumerate() {
        match inbox.triage(&lead, i + 1, total)? {
            Step::Next => {}
            Step::Quit => {
                quit = true;
                break;
            }
            Step::Interrupted => {
                inbox.say(&inbox.summary()?)?;
                return Ok(Exit::Interrupted);
            }
        }
    }
    // At the end of the queue (not on q: that means stop now) the last accept's reply is one key.
    if !quit {
        inbox.offer_first_reply()?;
    }
    inbox.say(&inbox.summary()?)?;
    Ok(Exit::Ok)
}

fn empty_line(ctx: &Ctx, unrestricted: bool) -> Result<String, CliError> {
    if !unrestricted {
        return Ok(
            "No pending leads match these filters. `leads inbox` without them shows all.".into(),
        );
    }
    let now = ctx.clock.current();
    let f = &ctx.config.freshness;
    let last = ctx
        .source()?
        .queue(now, f.shelf_life, f.urgent)?
        .last_arrival;
    Ok(match last {
        Some(t) => format!(
            "Inbox zero: nothing waiting. The last lead arrived {} ago. `leads status` shows your response rate.",
            compact(now - t)
        ),
        None => format!("Inbox zero: no leads yet. {}.", ctx.how_leads_come_in()),
    })
}

enum Step {
    Next,
    Quit,
    Interrupted,
}

/// The session: the terminal, and what has been decided so far.
struct Inbox<'a> {
    ctx: &'a Ctx,
    term: Term,
    style: Style,
    over_budget: bool,
    /// Each account's rate when the session began.
    rates_at_start: Vec<(String, RateReport)>,
    accepted: Vec<Money>,
    rejected: usize,
    /// Decided here, waiting for `leads sync`: (accepts, rejects).
    queued: (usize, usize),
    skipped: usize,
    passed_over: usize,
    /// First replies written right after an accept.
    replied: usize,
    /// The lead just accepted, until its first reply is written: the next card offers it.
    to_reply: Option<Lead>,
}

impl<'a> Inbox<'a> {
    fn new(ctx: &'a Ctx, over_budget: bool) -> Result<Self, CliError> {
        let mut inbox = Inbox {
            ctx,
            term: Term::stdout(),
            style: ctx.out.style,
            over_budget,
            rates_at_start: Vec::new(),
            accepted: Vec::new(),
            rejected: 0,
            queued: (0, 0),
            skipped: 0,
            passed_over: 0,
            replied: 0,
            to_reply: None,
        };
        inbox.rates_at_start = inbox.rates()?;
        Ok(inbox)
    }

    /// Writes `text` to the terminal, wrapped; anything in it a terminal would act on (but its
    /// own colour) shown harmlessly, like every view's.
    fn say(&self, text: &str) -> Result<(), CliError> {
        let text = untrusted::guard(text, self.style.color);
        self.term
            .write_line(&self.style.wrap_hanging(&text))
            .map_err(|e| CliError::new(Exit::Failure, format!("cannot write to the terminal: {e}")))
    }

    fn key(&self) -> Result<Key, CliError> {
        // Raw reads: Ctrl-C arrives as a key, so the summary is printed and the terminal is left
        // as it was, instead of a signal killing the process mid-line.
        self.term
            .read_key_raw()
            .map_err(|e| CliError::new(Exit::Failure, format!("cannot read the keyboard: {e}")))
    }

    /// Each account's rate now, by name.
    fn rates(&self) -> Result<Vec<(String, RateReport)>, CliError> {
        let now = self.ctx.clock.current();
        Ok(rates::each(self.ctx, now)?
            .into_iter()
            .map(|(m, r)| (m.account.name.clone(), r))
            .collect())
    }

    /// The rate of the lead's account now, and the account's name when there are several.
    fn rate_for(&self, lead: &Lead) -> Result<(Option<String>, RateReport), CliError> {
        let now = self.ctx.clock.current();
        let accounts = self.ctx.accounts()?;
        let member = accounts.owner(&lead.id).unwrap_or(&accounts.members()[0]);
        let name = self
            .ctx
            .shows_accounts()
            .then(|| member.account.name.clone());
        Ok((name, rates::rate_of(self.ctx, member, now)?))
    }

    fn spend(&self) -> Result<WeekSpend, CliError> {
        let week = week_start(self.ctx.clock.now);
        Ok(WeekSpend::new(
            week,
            self.ctx.source()?.spent_since(week)?,
            self.ctx.config.budget.weekly_cap,
        )?)
    }

    /// Where things stand: pending, urgent, the rate against the threshold, the budget.
    fn header(&self, shown: usize) -> Result<String, CliError> {
        let f = &self.ctx.config.freshness;
        let now = self.ctx.clock.current();
        let queue = self.ctx.source()?.queue(now, f.shelf_life, f.urgent)?;
        // The rate that needs you most: the one account's, or the worst of several (named).
        let rates = self.rates()?;
        let (name, rate) = rates
            .iter()
            .rev()
            .max_by_key(|(_, r)| r.verdict)
            .expect("a config names at least one account");
        let on = match self.ctx.shows_accounts() {
            true => format!(" on {name}"),
            false => String::new(),
        };
        let spend = self.spend()?;
        let budget = match spend.left {
            Some(left) => format!("budget left {left}"),
            None => "no weekly cap".into(),
        };
        let of = if shown as u64 == queue.pending {
            String::new()
        } else {
            format!(" (showing {shown})")
        };
        let line = format!(
            "Inbox · {} pending{of} · {} within {} · rate {}{on} (threshold {}, may lapse {}) · {budget}",
            queue.pending,
            crate::render::count_verb(queue.urgent, "expires", "expire"),
            Span(f.urgent),
            percent(rate.rate),
            rate.threshold,
            rate.lapse_allowance,
        );
        Ok(self.style.verdict(&line, rate.verdict))
    }

    /// Shows one lead and acts on keys until it is decided, skipped, or the session ends.
    fn triage(&mut self, lead: &Lead, n: usize, total: usize) -> Result<Step, CliError> {
        let mut note: Option<String> = None;
        loop {
            let now = self.ctx.clock.current();
            let view = LeadView::new(
                lead,
                now,
                &self.ctx.config.freshness,
                &self.ctx.config.conditions,
                true,
            );
            let account = match self.ctx.shows_accounts() {
                true => match self.rate_for(lead)? {
                    (Some(name), rate) => Some((name, rate)),
                    (None, _) => None,
                },
                false => None,
            };
            self.say(&self.card(&view, account, n, total))?;
            let accept = format!("[a] accept {}", lead.fee);
            let mut keys = vec![
                accept.as_str(),
                "[r] reject",
                "[s] skip",
                "[d] details",
                "[q] quit",
            ];
            let reply = self
                .to_reply
                .as_ref()
                .map(|l| format!("[w] first reply to {}", l.id));
            keys.extend(reply.as_deref());
            self.say(&self.style.bold(&self.style.wrap_items(&keys, "  ", 0)))?;
            match self.key()? {
                Key::Char('w') if self.to_reply.is_some() => {
                    if let Some(accepted) = self.to_reply.take() {
                        self.write_first_reply(&accepted)?;
                    }
                }
                Key::Char('a') => match self.accept(lead)? {
                    Some(step) => return Ok(step),
                    None => continue,
                },
                Key::Char('r') => match self.reject(lead, &mut note)? {
                    Some(step) => return Ok(step),
                    None => continue,
                },
                Key::Char('s') | Key::Char(' ') => {
                    self.skipped += 1;
                    self.say(&self.style.dim(&format!("Skipped {}.", lead.id)))?;
                    return Ok(Step::Next);
                }
                Key::Char('d') => {
                    // Pending leads have no conversation yet.
                    let card = LeadCard {
                        view,
                        conversation: None,
                        now: self.ctx.clock.current(),
                        offset: self.ctx.out.offset,
                        shelf_life: Span(self.ctx.config.freshness.shelf_life),
                    };
                    self.say(&card.human(&self.style))?;
                }
                Key::Char('q') | Key::Escape => return Ok(Step::Quit),
                Key::CtrlC => return Ok(Step::Interrupted),
                _ => self.say(
                    &self
                        .style
                        .dim("Press a, r, s, d or q (w: the first reply)."),
                )?,
            }
        }
    }

    /// None: back to the menu. Some: what to do next.
    fn accept(&mut self, lead: &Lead) -> Result<Option<Step>, CliError> {
        let spend = self.spend()?;
        let after = spend
            .left_after(&[lead.fee])?
            .filter(|l| l.currency == lead.fee.currency);
        if let Some(after) = after
            && after.amount < 0
            && !self.over_budget
        {
            self.say(&format!(
                "Accepting for {} would pass your weekly cap by {}. Not accepted; `leads inbox --over-budget` allows it.",
                lead.fee,
                Money::new(-after.amount, after.currency)
            ))?;
            return Ok(None);
        }
        let budget = match (spend.left, after) {
            (Some(left), Some(after)) => format!(" · budget left {left} → {after}"),
            _ => String::new(),
        };
        self.say(&format!(
            "Accept {} for {}{budget}? [y] yes  [n] no",
            lead.id, lead.fee
        ))?;
        match self.key()? {
            Key::Char('y') => Ok(Some(self.decide(lead, Action::Accept, None, None)?)),
            Key::CtrlC => Ok(Some(Step::Interrupted)),
            _ => {
                self.say(&self.style.dim("Not accepted."))?;
                Ok(None)
            }
        }
    }

    fn reject(&mut self, lead: &Lead, note: &mut Option<String>) -> Result<Option<Step>, CliError> {
        loop {
            let mut menu: Vec<String> = REASONS
                .iter()
                .map(|(k, _, label)| format!("[{k}] {label}"))
                .collect();
            menu[0].insert_str(0, "Why? ");
            let with_note = match note {
                Some(n) => format!("note: {n}"),
                None => "[n] add a note first".into(),
            };
            self.say(&self.style.wrap_items(&menu, "  ", 5))?;
            self.say(&self.style.dim(&format!("  {with_note}  [esc] back")))?;
            match self.key()? {
                Key::Char(c) => {
                    if let Some((_, reason, _)) = REASONS.iter().find(|(k, ..)| *k == c) {
                        return Ok(Some(self.decide(
                            lead,
                            Action::Reject,
                            Some(*reason),
                            note.take(),
                        )?));
                    }
                    if c == 'n' {
                        match self.read_note()? {
                            Some(text) => *note = (!text.trim().is_empty()).then_some(text),
                            None => return Ok(Some(Step::Interrupted)),
                        }
                    }
                }
                Key::Escape => return Ok(None),
                Key::CtrlC => return Ok(Some(Step::Interrupted)),
                _ => {}
            }
        }
    }

    /// A line of text, read key by key so Ctrl-C stays a key. None: interrupted.
    fn read_note(&self) -> Result<Option<String>, CliError> {
        let write = |s: &str| {
            self.term.write_str(s).map_err(|e| {
                CliError::new(Exit::Failure, format!("cannot write to the terminal: {e}"))
            })
        };
        write("Note: ")?;
        let mut text = String::new();
        loop {
            match self.key()? {
                Key::Enter => {
                    write("\n")?;
                    return Ok(Some(text));
                }
                Key::Backspace if !text.is_empty() => {
                    text.pop();
                    self.term.clear_chars(1).ok();
                }
                Key::Char(c) if !c.is_control() => {
                    text.push(c);
                    write(&c.to_string())?;
                }
                Key::CtrlC => {
                    write("\n")?;
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    fn decide(
        &mut self,
        lead: &Lead,
        action: Action,
        reason: Option<RejectReason>,
        note: Option<String>,
    ) -> Result<Step, CliError> {
        let (account, before) = self.rate_for(lead)?;
        let request = DecisionRequest {
            lead_id: lead.id.clone(),
            action,
            reason,
            note,
            max_fee: None,
        };
        let now = self.ctx.clock.current();
        let outcome =
            self.ctx
                .source()?
                .decide(&[request], now, self.ctx.config.freshness.shelf_life)?;
        match outcome.into_iter().next() {
            Some(Decided::Done {
                charge,
                lead: decided,
                ..
            }) => {
                let (_, after) = self.rate_for(lead)?;
                let what = match (action, charge) {
                    (Action::Accept, Some(fee)) => {
                        self.accepted.push(fee);
                        format!("Accepted {} for {fee}", lead.id)
                    }
                    _ => {
                        self.rejected += 1;
                        format!(
                            "Rejected {} ({})",
                            lead.id,
                            reason.map_or("", RejectReason::as_str)
                        )
                    }
                };
                // The header's figures, as they stand after this decision.
                let f = &self.ctx.config.freshness;
                let queue = self.ctx.source()?.queue(now, f.shelf_life, f.urgent)?;
                let budget = match self.spend()?.left {
                    Some(left) => format!(" · budget left {left}"),
                    None => String::new(),
                };
                self.say(&format!(
                    "{} · {}rate {} → {} · {} pending{budget}",
                    self.style.bold(&what),
                    account.map_or(String::new(), |name| format!("{name} ")),
                    percent(before.rate),
                    percent(after.rate),
                    queue.pending
                ))?;
                // Right under the fee it bought, before the next card: calling fast is the point.
                if action == Action::Accept {
                    let contact = Contact::from(&decided.customer);
                    self.say(&format!(
                        "  {} {}",
                        self.style.bold("Contact:"),
                        untrusted::line(&contact.to_string())
                    ))?;
                    self.to_reply = Some(decided);
                }
            }
            Some(Decided::Queued { why, .. }) => {
                match action {
                    Action::Accept => self.queued.0 += 1,
                    Action::Reject => self.queued.1 += 1,
                }
                self.say(&format!(
                    "Queued {}: {why}. `leads sync` will send it.",
                    lead.id
                ))?;
            }
            Some(Decided::Skipped { why, .. }) => {
                self.passed_over += 1;
                let why = match why {
                    Skip::Lapsed { .. } | Skip::Expired => "it lapsed while shown".to_string(),
                    Skip::AlreadyDecided { .. } => {
                        format!("it was decided elsewhere meanwhile ({why})")
                    }
                    other => other.to_string(),
                };
                self.say(&format!(
                    "Passed over {}: {why}. Nothing was charged.",
                    lead.id
                ))?;
            }
            None => {}
        }
        Ok(Step::Next)
    }

    /// At the end of the session, the lead accepted last, if its first reply is still to write:
    /// one key opens the draft.
    fn offer_first_reply(&mut self) -> Result<(), CliError> {
        let Some(lead) = self.to_reply.take() else {
            return Ok(());
        };
        self.say(&self.style.bold(&format!(
            "[w] write your first reply to {} now · any other key: done",
            lead.id
        )))?;
        if self.key()? == Key::Char('w') {
            self.write_first_reply(&lead)?;
        }
        Ok(())
    }

    /// The first reply to a lead just accepted: the template's draft in the editor, checked and
    /// recorded as `leads reply` does. A reply not recorded says why; the session goes on.
    fn write_first_reply(&mut self, lead: &Lead) -> Result<(), CliError> {
        let sent = super::reply::draft_in_editor(self.ctx, lead, "first_reply")
            .and_then(|text| super::reply::record(self.ctx, lead, &text, Channel::Platform, false));
        match sent {
            Ok((_, Recorded::Done)) => {
                self.replied += 1;
                self.say(&format!(
                    "Recorded your reply to {}. Paste it into the platform's chat, if you have not sent it there yet.",
                    lead.id
                ))
            }
            Ok((_, Recorded::Sent(_))) => {
                self.replied += 1;
                self.say(&format!(
                    "Sent your reply to {} through the platform.",
                    lead.id
                ))
            }
            Ok((_, Recorded::Queued(why))) => {
                self.replied += 1;
                self.say(&format!(
                    "Queued your reply to {}: {why}. `leads sync` will send it.",
                    lead.id
                ))
            }
            Err(e) => {
                // As `leads reply` would print it: the hint may quote the customer's words.
                let hint = e.hint.map(|h| format!(" ({h})")).unwrap_or_default();
                self.say(&untrusted::line(&format!(
                    "Not recorded: {}{hint}. `leads reply {}` tries again.",
                    e.message, lead.id
                )))
            }
        }
    }

    fn card(
        &self,
        view: &LeadView,
        account: Option<(String, RateReport)>,
        n: usize,
        total: usize,
    ) -> String {
        let l = &view.lead;
        let s = &self.style;
        let countdown = view.freshness_sentence();
        let countdown = match view.urgency {
            Some(u) => s.urgency(&countdown, u),
            None => countdown,
        };
        let mut out = format!(
            "\n{} {}  {}  {}\n",
            s.dim(&format!("[{n}/{total}]")),
            s.bold(&untrusted::line(&l.id)),
            s.bold(&untrusted::line(&format!("{} · {}", l.service, l.category))),
            countdown
        );
        let mut place = vec![l.place()];
        if let Some(when) = &l.schedule {
            place.push(when.clone());
        }
        out.push_str(&format!("  {}\n", untrusted::line(&place.join(" · "))));
        // Whose lead, and where that account stands: answering it moves that rate only.
        if let Some((name, rate)) = account {
            let line = format!(
                "  Account {name} · rate {} (threshold {}, may lapse {})",
                percent(rate.rate),
                rate.threshold,
                rate.lapse_allowance
            );
            out.push_str(&s.verdict(&line, rate.verdict));
            out.push('\n');
        }
        out.push_str(&format!("  Budget {} · Fee {}\n", l.budget_text(), l.fee));
        // Only what it misses: that is what decides between a quick reject and a look.
        let misses: Vec<&str> = view.fit.misses().map(|c| c.why.as_str()).collect();
        if !misses.is_empty() {
            out.push_str(&format!(
                "  {} {}\n",
                s.bold("Misses:"),
                untrusted::line(&misses.join(" · "))
            ));
        } else if !view.fit.checks.is_empty() {
            out.push_str("  Fits your working conditions\n");
        }
        if let Some(message) = l.message.as_deref().filter(|m| !m.trim().is_empty()) {
            out.push_str(&format!("  “{}”\n", fold(message, 150)));
        }
        if !l.answers.is_empty() {
            let answers = l
                .answers
                .iter()
                .map(|a| format!("{}: {}", a.question, a.answer))
                .collect::<Vec<_>>()
                .join(" · ");
            out.push_str(&format!("  {}\n", fold(&answers, 150)));
        }
        out
    }

    fn summary(&self) -> Result<String, CliError> {
        let after = self.rates()?;
        // A queued decision is made, here; only its sending waits (said last).
        let made = |sent: usize, queued: usize| {
            let here = if queued > 0 && sent == 0 { " here" } else { "" };
            format!("{}{here}", sent + queued)
        };
        let (queued_accepts, queued_rejects) = self.queued;
        let mut parts = vec![format!(
            "Accepted {}",
            made(self.accepted.len(), queued_accepts)
        )];
        if !self.accepted.is_empty() {
            parts[0].push_str(&format!(
                " for {}",
                format_sum(self.accepted.iter().copied())
            ));
        }
        parts.push(format!("rejected {}", made(self.rejected, queued_rejects)));
        parts.push(format!("skipped {}", self.skipped));
        if self.passed_over > 0 {
            parts.push(format!("passed over {}", self.passed_over));
        }
        if self.replied > 0 {
            parts.push(format!("replied to {}", self.replied));
        }
        // With several accounts, only those the session moved.
        let several = self.ctx.shows_accounts();
        let changes: Vec<String> = self
            .rates_at_start
            .iter()
            .zip(&after)
            .filter(|((_, before), (_, after))| !several || before.tally != after.tally)
            .map(|((name, before), (_, after))| {
                let name = match several {
                    true => format!("{name} "),
                    false => String::new(),
                };
                format!("{name}{} → {}", percent(before.rate), percent(after.rate))
            })
            .collect();
        if !changes.is_empty() {
            parts.push(format!("rate {}", changes.join(", ")));
        }
        match queued_accepts + queued_rejects {
            0 => {}
            1 => parts.push("queued 1: `leads sync` will send it".into()),
            n => parts.push(format!("queued {n}: `leads sync` will send them")),
        }
        Ok(format!("\n{}", self.style.bold(&parts.join(" · "))))
    }
}

/// The customer's `text` on one line of at most `max` columns (which the terminal's width then
/// wraps), with "…" and a pointer to the details when there is more.
fn fold(text: &str, max: usize) -> String {
    let flat = untrusted::line(text);
    match crate::render::text::truncate(&flat, max) {
        std::borrow::Cow::Borrowed(_) => flat.into_owned(),
        cut => format!("{cut} (d for more)"),
    }
}
