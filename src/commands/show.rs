//! `leads show ID`: one lead as a readable card.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use crate::context::Ctx;
use crate::domain::conversation::{Ending, JobOutcome, Log, Sender, Standing, standing};
use crate::domain::freshness::{Span, compact};
use crate::domain::lead::{Action, Kind, Status};
use crate::error::{CliError, Exit};
use crate::render::{Report, Style, lead::LeadView, untrusted};
use crate::store::OutcomeChange;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The lead's id, as `leads list` shows it
    pub id: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let id = args.id.trim();
    let lead = ctx.source()?.get(id)?.ok_or_else(|| ctx.not_found(id))?;
    let now = ctx.now();
    let standing = standing(
        &lead,
        &Log::of(&lead.messages),
        lead.outcome.as_ref(),
        now,
        ctx.config.followups.timing(),
    );
    let conversation = match standing {
        Some(standing) => Some(Conversation {
            standing,
            outcome_changes: ctx.source()?.outcome_changes(&lead.id)?,
        }),
        None => None,
    };
    let account = ctx.account_of(&lead.id);
    let card = LeadCard {
        view: LeadView::new(
            &lead,
            now,
            &ctx.config.freshness,
            &ctx.config.conditions,
            true,
        )
        .with_account(account),
        conversation,
        now,
        offset: ctx.out.offset,
        shelf_life: Span(ctx.config.freshness.shelf_life),
    };
    ctx.out.emit(&card)?;
    Ok(Exit::Ok)
}

#[derive(Serialize)]
pub struct LeadCard<'a> {
    #[serde(flatten)]
    pub view: LeadView<'a>,
    /// An accepted lead's conversation: whose turn it is, and the outcomes replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Conversation>,
    #[serde(skip)]
    pub now: DateTime<Utc>,
    #[serde(skip)]
    pub offset: FixedOffset,
    #[serde(skip)]
    pub shelf_life: Span,
}

#[derive(Serialize)]
pub struct Conversation {
    #[serde(flatten)]
    pub standing: Standing,
    pub outcome_changes: Vec<OutcomeChange>,
}

impl LeadCard<'_> {
    /// The contact log, oldest first with the request, where the conversation stands, and the
    /// outcome with any it replaced.
    fn conversation(&self, style: &Style, line: &mut dyn FnMut(String)) {
        let Some(c) = &self.conversation else {
            return;
        };
        let l = &self.view.lead;
        let s = &c.standing;
        line(String::new());
        let mut head = format!("{} {}", style.bold("Conversation"), s.stage);
        if s.developing {
            head.push_str(" · developing");
        }
        head.push_str(&format!(" · {} contacts", s.contacts));
        if s.stage.owes_reply() {
            head.push_str(&format!(
                " · they have waited {}",
                compact(self.now - s.waiting_since)
            ));
        } else if s.nudge {
            head.push_str(&format!(
                " · no answer for {}: nudge them",
                compact(self.now - s.waiting_since)
            ));
        }
        line(head);
        let when = |t| style.dim(&self.local(t));
        line(format!("  {}  customer, the request", when(l.created_at)));
        for m in &l.messages {
            let who = match m.from {
                Sender::Customer => "customer",
                Sender::Pro => "you",
            };
            let text = m
                .text
                .as_deref()
                .map(|t| format!(": {}", untrusted::line(t)))
                .unwrap_or_default();
            line(format!(
                "  {}  {who} by {}{text}",
                when(m.at),
                m.channel.as_str()
            ));
        }
        if let Some(o) = &l.outcome {
            line(format!(
                "{} {}",
                style.bold("Outcome"),
                describe_outcome(o, &|t| self.local(t))
            ));
            for ch in &c.outcome_changes {
                line(style.dim(&format!(
                    "  was {} until {}",
                    describe_outcome(&ch.was, &|t| self.local(t)),
                    self.local(ch.replaced_at)
                )));
            }
        }
    }

    fn local(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&self.offset)
            .format("%a %Y-%m-%d %H:%M")
            .to_string()
    }
}

impl Report for LeadCard<'_> {
    fn human(&self, style: &Style) -> String {
        let v = &self.view;
        let l = &v.lead;
        let mut out = String::new();
        // Every line wraps at word boundaries, continuing two columns in from where it starts;
        // fields and the message wrap themselves first, to continue under their text.
        let mut line = |s: String| {
            out.push_str(&style.wrap_hanging(&s));
            out.push('\n');
        };
        line(format!(
            "{}  {}  {}",
            style.bold(&untrusted::line(&l.id)),
            style.bold(&untrusted::line(&l.service)),
            style.dim(&format!("({})", untrusted::line(&l.category)))
        ));
        let freshness = v.freshness_sentence();
        let freshness = match v.urgency {
            Some(u) => style.urgency(&freshness, u),
            None => freshness,
        };
        let expiry_source = if l.expires_at.is_some() {
            "set by the platform".to_string()
        } else {
            format!("arrival + shelf life {}", self.shelf_life)
        };
        line(format!(
            "{freshness}  {}",
            style.dim(&format!(
                "(expiry {}, {expiry_source})",
                self.local(v.effective_expires_at)
            ))
        ));
        line(String::new());
        // A field is one line, whoever wrote its value.
        let field = |name: &str, value: &str| {
            style.wrap(&format!("  {:<10} {}", name, untrusted::line(value)), 13)
        };
        // What the lead is, and where it stands: only an open New Lead asks for anything.
        let action = l.decision.as_ref().map(|d| d.action);
        let open = action.is_none() && v.effective_status == Status::Pending;
        let kind = match (l.kind, action) {
            (Kind::Promotion, _) => "Promotion: auto-quoted, needs no answer",
            (Kind::NewLead, Some(Action::Accept)) => "New Lead: accepted",
            (Kind::NewLead, Some(Action::Reject)) => "New Lead: rejected",
            (Kind::NewLead, None) if open => "New Lead: needs your accept or reject",
            (Kind::NewLead, None) => "New Lead: lapsed without an answer",
        };
        let fee = match action {
            Some(Action::Accept) => format!("{} paid", l.fee),
            Some(Action::Reject) => format!("{} · not paid (rejected)", l.fee),
            None if !open => format!("{} · not paid (lapsed)", l.fee),
            None if l.kind == Kind::Promotion => format!("{}, charged when auto-quoted", l.fee),
            None => format!("{} to accept · rejecting is free", l.fee),
        };
        if let Some(account) = &v.account {
            line(field("Account", account));
        }
        line(field("Kind", kind));
        let name = if l.customer.display_name.is_empty() {
            "(no name given)"
        } else {
            &l.customer.display_name
        };
        line(field("Customer", name));
        let mut place = l.place();
        if let Some(pc) = l.location.as_ref().and_then(|loc| loc.postcode.as_deref())
            && !place.contains(pc)
        {
            place.push_str(&format!(" ({pc})"));
        }
        line(field("Where", &place));
        line(field("When", l.schedule.as_deref().unwrap_or("—")));
        line(field("Budget", &l.budget_text()));
        line(field("Fee", &fee));
        line(field(
            "Arrived",
            &format!("{} ({} ago)", self.local(l.created_at), v.age()),
        ));
        if let Some(phone) = &l.customer.phone {
            line(field("Phone", phone));
        }
        if let Some(email) = &l.customer.email {
            line(field("Email", email));
        }
        if !v.fit.checks.is_empty() {
            line(String::new());
            line(format!(
                "{} {}",
                style.bold("Fit"),
                style.dim(&format!("({})", v.fit.level.as_str()))
            ));
            for l in v.fit_lines() {
                line(format!("  {l}"));
            }
        }
        if let Some(score) = &v.score
            && v.effective_status == Status::Pending
            && l.kind == Kind::NewLead
        {
            line(String::new());
            line(format!(
                "{} {}",
                style.bold("Score"),
                score.explain(&v.fit, self.shelf_life.0)
            ));
        }
        if !l.answers.is_empty() {
            line(String::new());
            line(style.bold("Answers"));
            for a in &l.answers {
                line(format!(
                    "  {}: {}",
                    untrusted::line(&a.question),
                    untrusted::line(&a.answer)
                ));
            }
        }
        if let Some(message) = l.message.as_deref().filter(|m| !m.trim().is_empty()) {
            line(String::new());
            line(style.bold("Message"));
            for text in untrusted::lines(message).lines() {
                line(style.wrap(&format!("  {text}"), 2));
            }
        }
        line(String::new());
        match &l.decision {
            Some(d) => {
                let what = match d.action {
                    Action::Accept => format!("Accepted · fee {}", l.fee),
                    Action::Reject => format!(
                        "Rejected · {}",
                        d.reason.map_or("no reason", |r| r.as_str())
                    ),
                };
                let after = d.decided_at - l.created_at;
                line(format!(
                    "{what} · {} ({} after arrival)",
                    self.local(d.decided_at),
                    crate::domain::freshness::compact(after)
                ));
                if let Some(note) = &d.note {
                    line(format!("  Note: {}", untrusted::line(note)));
                }
            }
            None if v.effective_status == Status::Pending && l.kind == Kind::NewLead => {
                line(style.dim("Not answered yet."));
            }
            None if v.effective_status == Status::Expired => {
                line(style.dim("Lapsed without an answer: it counts against your response rate."));
            }
            None => {}
        }
        self.conversation(style, &mut line);
        out
    }
}

/// "won · NT$3,600 · Mon 2026-11-24 10:00 · new kitchen too".
fn describe_outcome(o: &JobOutcome, local: &dyn Fn(DateTime<Utc>) -> String) -> String {
    let mut out = match o.result {
        Ending::Won => "won".to_string(),
        Ending::Lost => "lost".to_string(),
    };
    if let Some(v) = o.value {
        out.push_str(&format!(" · {v}"));
    }
    out.push_str(&format!(" · {}", local(o.at)));
    if let Some(r) = &o.reason {
        out.push_str(&format!(" · {}", untrusted::line(r)));
    }
    out
}
