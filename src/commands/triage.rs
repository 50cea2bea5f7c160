//! `leads triage`: apply the `[[rules]]` of the config to the pending New Leads. Each lead's fit
//! picks the first rule that applies; the leads a rule decides go through the same decision
//! workflow as `leads reject` and `leads accept` (checks, previews, budget guard, batches, results,
//! exit codes), a group per rule.

use super::decide::{
    Earlier, Plan, Safety, Target, apply, ask, count, exit_for, finish, projected_rate,
};
use super::filters::FilterArgs;
use crate::context::Ctx;
use crate::domain::filter::{KindFilter, StatusFilter};
use crate::domain::fit::{Ruling, fit, rule_for};
use crate::domain::lead::{Action, Lead};
use crate::domain::money::{Amount, format_sum};
use crate::error::{CliError, Exit};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rules live in the config ([[rules]], see config.example.toml): the first rule that applies \
to a lead decides, and a lead no rule applies to is left for you. Start with --dry-run."
)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,

    #[command(flatten)]
    pub safety: Safety,
}

/// The leads one rule decides, the same way.
struct Group {
    rule: usize,
    plan: Plan,
    leads: Vec<Lead>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let config = &ctx.config;
    if config.rules.is_empty() {
        ctx.out.note(if config.conditions.is_empty() {
            "No working conditions or rules in the config: every lead fits, and there is nothing to triage. See [conditions] and [[rules]] in config.example.toml."
        } else {
            "No [[rules]] in the config: nothing to triage. `leads list --fit miss` shows the misfits; config.example.toml shows how to write a rule."
        });
        return finish(ctx, &[], Exit::Ok);
    }
    let now = ctx.now();
    let shelf = config.freshness.shelf_life;
    let filter = args
        .filter
        .to_filter(StatusFilter::Pending, KindFilter::NewLead, ctx);
    let source = ctx.source()?;
    let pending = source.select(&filter, now, shelf)?;
    let total = pending.len();

    let mut groups: Vec<Group> = Vec::new();
    let mut left = 0;
    for lead in pending {
        let (ruling, rule) = rule_for(
            &fit(&lead, &config.conditions),
            &config.rules,
            &config.conditions,
        );
        let (action, reason, max_fee) = match ruling {
            Ruling::Leave => {
                left += 1;
                continue;
            }
            Ruling::Reject(reason) => (Action::Reject, Some(reason), None),
            // A cap in one currency says nothing about a fee in another: such a lead waits for you.
            Ruling::Accept(cap) if cap.currency != lead.fee.currency => {
                left += 1;
                continue;
            }
            Ruling::Accept(cap) => (Action::Accept, None, Some(Amount::from_money(cap))),
        };
        let rule = rule.expect("a ruling other than leave comes from a rule");
        match groups.iter_mut().find(|g| g.rule == rule) {
            Some(g) => g.leads.push(lead),
            None => groups.push(Group {
                rule,
                plan: Plan {
                    action,
                    reason,
                    note: Some(format!("leads triage, rule {}", rule + 1)),
                    max_fee,
                    over_budget: false,
                },
                leads: vec![lead],
            }),
        }
    }
    groups.sort_by_key(|g| g.rule);
    let deciding: usize = groups.iter().map(|g| g.leads.len()).sum();
    ctx.out.note(&format!(
        "Triage: rules decide {deciding} of {total} pending New Lead{}; {left} left for you.",
        if total == 1 { "" } else { "s" }
    ));
    if deciding == 0 {
        return finish(ctx, &[], Exit::Ok);
    }

    // The whole effect on the rate, before anything is decided.
    let decided_by = |action| {
        groups
            .iter()
            .filter(move |g| g.plan.action == action)
            .flat_map(|g| &g.leads)
    };
    let change = projected_rate(
        ctx,
        &Earlier::default(),
        decided_by(Action::Accept),
        decided_by(Action::Reject),
    )?;
    ctx.out
        .note(&format!("If every rule's leads are decided: {change}"));

    // One question for the whole run, then each group goes through without asking again.
    let mut safety = args.safety.clone();
    if !safety.dry_run && !safety.yes {
        confirm_all(ctx, &groups)?;
        safety.yes = true;
    }
    // Each rule's preview starts where the rules before it left the rate and the budget, in a dry
    // run as in a real one.
    let mut earlier = Earlier::default();
    let mut results = Vec::new();
    for g in groups {
        let rule = &config.rules[g.rule];
        ctx.out.note(&format!(
            "\nRule {} (when {} → {}{}):",
            g.rule + 1,
            rule.when.as_str(),
            g.plan.action.as_str(),
            g.plan
                .reason
                .map_or(String::new(), |r| format!(" {}", r.as_str()))
        ));
        let targets = g
            .leads
            .into_iter()
            .map(|l| Target {
                id: l.id.clone(),
                lead: Some(l),
            })
            .collect();
        results.extend(apply(ctx, targets, false, &safety, &g.plan, &mut earlier)?);
    }
    finish(ctx, &results, exit_for(&results))
}

fn confirm_all(ctx: &Ctx, groups: &[Group]) -> Result<(), CliError> {
    let leads_to = |action| {
        groups
            .iter()
            .filter(|g| g.plan.action == action)
            .map(|g| g.leads.len())
            .sum::<usize>()
    };
    let (rejects, accepts) = (leads_to(Action::Reject), leads_to(Action::Accept));
    let fees: Vec<_> = groups
        .iter()
        .filter(|g| g.plan.action == Action::Accept)
        .flat_map(|g| g.leads.iter().map(|l| l.fee))
        .collect();
    let mut parts = Vec::new();
    if rejects > 0 {
        parts.push(format!("reject {}", count(rejects, "lead")));
    }
    if accepts > 0 {
        parts.push(format!(
            "accept {} (up to {})",
            count(accepts, "lead"),
            format_sum(fees)
        ));
    }
    let what = parts.join(" and ");
    if !ctx.can_prompt() {
        return Err(CliError::usage(format!(
            "triage would {what}, which needs confirmation, but there is no terminal to ask on (or --no-input is set)"
        ))
        .with_hint("pass --yes to apply the rules without asking, or --dry-run to see what they would do"));
    }
    ask(&format!("Apply the rules: {what}?"), "nothing decided")
}
