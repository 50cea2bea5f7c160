//! `leads accept`: take leads, paying their contact fees.

use super::decide::{Plan, Safety, Selection};
use crate::context::Ctx;
use crate::domain::lead::Action;
use crate::domain::money::Amount;
use crate::error::{CliError, Exit};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every accept shows each fee, the total and the budget left this week, and asks before \
paying (--yes skips the question; without a terminal it is required)."
)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,

    /// Accept only leads whose fee is at or under this amount (major units); skip the rest
    #[arg(long, value_name = "AMOUNT")]
    pub max_fee: Option<Amount>,

    /// Accept even when it takes this week's spend past budget.weekly_cap
    #[arg(long)]
    pub over_budget: bool,

    /// A note kept with each decision
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    #[command(flatten)]
    pub safety: Safety,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let plan = Plan {
        action: Action::Accept,
        reason: None,
        note: args.note,
        max_fee: args.max_fee,
        over_budget: args.over_budget,
    };
    super::decide::run(ctx, args.selection, args.safety, plan)
}
