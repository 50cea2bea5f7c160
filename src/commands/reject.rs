//! `leads reject`: turn leads down. Free, and it counts as a response.

use super::decide::{Plan, Safety, Selection};
use crate::context::Ctx;
use crate::domain::decision::parse_reason;
use crate::domain::lead::{Action, RejectReason};
use crate::error::{CliError, Exit};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Reasons: not_my_service (service), outside_area (area), schedule_conflict (schedule), \
budget_too_low (budget), too_busy (busy), other."
)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,

    /// Why: a reason code or its alias [default: decisions.default_reject_reason]
    #[arg(long, short = 'r', value_name = "REASON", value_parser = parse_reason)]
    pub reason: Option<RejectReason>,

    /// A note kept with each decision
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    #[command(flatten)]
    pub safety: Safety,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let reason = args
        .reason
        .or(ctx.config.decisions.default_reject_reason)
        .ok_or_else(|| {
            CliError::usage("a rejection needs a reason").with_hint(
                "pass --reason (not_my_service, outside_area, schedule_conflict, budget_too_low, too_busy, other), \
                 or set decisions.default_reject_reason in the config",
            )
        })?;
    let plan = Plan {
        action: Action::Reject,
        reason: Some(reason),
        note: args.note,
        max_fee: None,
        over_budget: false,
    };
    super::decide::run(ctx, args.selection, args.safety, plan)
}
