//! `leads lost ID`: the customer went elsewhere, or the job is off.

use crate::context::Ctx;
use crate::domain::conversation::{Ending, JobOutcome};
use crate::error::{CliError, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The accepted lead's id
    pub id: String,

    /// Why, in your words ("went with a cheaper quote")
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let lead = super::outcome::lead(ctx, &args.id)?;
    let outcome = JobOutcome {
        result: Ending::Lost,
        at: ctx.now(),
        value: None,
        reason: args.reason.filter(|t| !t.trim().is_empty()),
    };
    super::outcome::record(ctx, &lead, outcome)
}
