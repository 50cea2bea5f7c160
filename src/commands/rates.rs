//! Each account's response rate against its own rule: now, and as decisions about to be made
//! would leave it. A rate is a platform's figure, so it is never summed across accounts.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::accounts::Member;
use crate::context::Ctx;
use crate::domain::decision::after_deciding;
use crate::domain::lead::{Action, Lead};
use crate::domain::rate::{RateReport, in_window, percent};
use crate::error::CliError;

/// When `member`'s rate window began.
pub fn window_start(member: &Member, now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::days(i64::from(member.account.rate.window_days))
}

/// `member`'s rate now, against its threshold.
pub fn rate_of(ctx: &Ctx, member: &Member, now: DateTime<Utc>) -> Result<RateReport, CliError> {
    let tally = member.tally(
        window_start(member, now),
        now,
        ctx.config.freshness.shelf_life,
    )?;
    Ok(RateReport::new(tally, member.account.rate.threshold))
}

/// Every selected account's rate now, in the config's order.
pub fn each(ctx: &Ctx, now: DateTime<Utc>) -> Result<Vec<(&Member, RateReport)>, CliError> {
    ctx.accounts()?
        .members()
        .iter()
        .map(|m| Ok((m, rate_of(ctx, m, now)?)))
        .collect()
}

/// Accepts and rejects that earlier steps of a dry run would have made, by account, counting
/// only the leads inside their account's rate window (a dry run writes nothing, so the store
/// cannot count them).
#[derive(Debug, Default)]
pub struct Answered(BTreeMap<String, (u64, u64)>);

impl Answered {
    pub fn add<'a>(
        &mut self,
        ctx: &Ctx,
        action: Action,
        leads: impl IntoIterator<Item = &'a Lead>,
    ) -> Result<(), CliError> {
        let accounts = ctx.accounts()?;
        let now = ctx.now();
        for lead in leads {
            let Some(member) = accounts.owner(&lead.id) else {
                continue;
            };
            if !in_window(lead.created_at, window_start(member, now)) {
                continue;
            }
            let counts = self.0.entry(member.account.name.clone()).or_default();
            match action {
                Action::Accept => counts.0 += 1,
                Action::Reject => counts.1 += 1,
            }
        }
        Ok(())
    }

    fn of(&self, member: &Member) -> (u64, u64) {
        self.0
            .get(&member.account.name)
            .copied()
            .unwrap_or_default()
    }
}

/// One account's rate before and after.
pub struct AccountChange {
    /// The account's name, when the config names several.
    pub name: Option<String>,
    pub before: RateReport,
    pub after: RateReport,
}

/// The rate before and after, for each account the decisions touch (the one account of a single
/// source, always).
pub struct RateChange(pub Vec<AccountChange>);

/// Each account's rate now (with what `earlier` steps of a dry run would have decided), and as
/// it would be after accepting `accepts` and rejecting `rejects` too; of those, only the leads
/// that arrived in their account's rate window count.
pub fn projected<'a>(
    ctx: &Ctx,
    earlier: &Answered,
    accepts: impl IntoIterator<Item = &'a Lead>,
    rejects: impl IntoIterator<Item = &'a Lead>,
) -> Result<RateChange, CliError> {
    let now = ctx.now();
    let accepts: Vec<&Lead> = accepts.into_iter().collect();
    let rejects: Vec<&Lead> = rejects.into_iter().collect();
    let several = ctx.shows_accounts();
    let mut out = Vec::new();
    for member in ctx.accounts()?.members() {
        let ours = |l: &&&Lead| member.store().scope().contains(&l.id);
        let touched = accepts.iter().chain(&rejects).any(|l| ours(&l));
        if several && !touched && earlier.of(member) == (0, 0) {
            continue;
        }
        let since = window_start(member, now);
        let counted = |leads: &[&Lead]| {
            leads
                .iter()
                .filter(ours)
                .filter(|l| in_window(l.created_at, since))
                .count() as u64
        };
        let stored = member.tally(since, now, ctx.config.freshness.shelf_life)?;
        let (accepted, rejected) = earlier.of(member);
        let before = after_deciding(stored, accepted, rejected);
        let after = after_deciding(before, counted(&accepts), counted(&rejects));
        let threshold = member.account.rate.threshold;
        out.push(AccountChange {
            name: several.then(|| member.account.name.clone()),
            before: RateReport::new(before, threshold),
            after: RateReport::new(after, threshold),
        });
    }
    Ok(RateChange(out))
}

impl RateChange {
    /// The same accounts' rates from before, and as the store has them now that the decisions
    /// are made.
    pub fn settled(self, ctx: &Ctx) -> Result<RateChange, CliError> {
        let now = ctx.now();
        let members = ctx.accounts()?.members();
        let mut out = Vec::with_capacity(self.0.len());
        for (i, change) in self.0.into_iter().enumerate() {
            let member = match &change.name {
                Some(name) => members.iter().find(|m| &m.account.name == name),
                None => members.get(i),
            };
            let after = match member {
                Some(m) => rate_of(ctx, m, now)?,
                None => change.after,
            };
            out.push(AccountChange { after, ..change });
        }
        Ok(RateChange(out))
    }
}

impl std::fmt::Display for RateChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if let Some(name) = &c.name {
                write!(f, "{name} ")?;
            }
            write!(
                f,
                "rate {} → {} · lapse allowance {} → {}",
                percent(c.before.rate),
                percent(c.after.rate),
                c.before.lapse_allowance,
                c.after.lapse_allowance
            )?;
        }
        Ok(())
    }
}
