//! `leads show ID`: one lead as a readable card.

use chrono::FixedOffset;
use serde::Serialize;

use crate::context::Ctx;
use crate::domain::freshness::Span;
use crate::domain::lead::{Action, Kind, Status};
use crate::error::{CliError, Exit};
use crate::render::{Report, Style, lead::LeadView};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The lead's id, as `leads list` shows it
    pub id: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let id = args.id.trim();
    let lead = ctx.source()?.get(id)?.ok_or_else(|| ctx.not_found(id))?;
    let card = LeadCard {
        view: LeadView::new(
            lead,
            ctx.now(),
            &ctx.config.freshness,
            &ctx.config.conditions,
            true,
        ),
        offset: ctx.out.offset,
        shelf_life: Span(ctx.config.freshness.shelf_life),
    };
    ctx.out.emit(&card)?;
    Ok(Exit::Ok)
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct LeadCard {
    pub view: LeadView,
    #[serde(skip)]
    pub offset: FixedOffset,
    #[serde(skip)]
    pub shelf_life: Span,
}

impl LeadCard {
    fn local(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&self.offset)
            .format("%a %Y-%m-%d %H:%M")
            .to_string()
    }
}

impl Report for LeadCard {
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
            style.bold(&l.id),
            style.bold(&l.service),
            style.dim(&format!("({})", l.category))
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
        let field = |name: &str, value: &str| style.wrap(&format!("  {:<10} {value}", name), 13);
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
        if v.effective_status == Status::Pending && l.kind == Kind::NewLead {
            line(String::new());
            line(format!(
                "{} {}",
                style.bold("Score"),
                v.score.explain(&v.fit, self.shelf_life.0)
            ));
        }
        if !l.answers.is_empty() {
            line(String::new());
            line(style.bold("Answers"));
            for a in &l.answers {
                line(format!("  {}: {}", a.question, a.answer));
            }
        }
        if let Some(message) = l.message.as_deref().filter(|m| !m.trim().is_empty()) {
            line(String::new());
            line(style.bold("Message"));
            for text in message.lines() {
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
                    line(format!("  Note: {note}"));
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
        out
    }
}
