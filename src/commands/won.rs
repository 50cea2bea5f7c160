//! `leads won ID`: the customer hired you.

use crate::context::Ctx;
use crate::domain::conversation::{Ending, JobOutcome};
use crate::domain::money::{Amount, AmountError, Currency, Money};
use crate::error::{CliError, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The accepted lead's id
    pub id: String,

    /// What the job is worth, in major units of the lead's currency (1,800 or 1800.50)
    #[arg(long, value_name = "AMOUNT")]
    pub value: Option<String>,

    /// Your words about it
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let lead = super::outcome::lead(ctx, &args.id)?;
    let value = args
        .value
        .as_deref()
        .map(|text| value_in(text, lead.fee.currency))
        .transpose()?;
    let outcome = JobOutcome {
        result: Ending::Won,
        at: ctx.now(),
        value,
        reason: args.note.filter(|t| !t.trim().is_empty()),
    };
    super::outcome::record(ctx, &lead, outcome)
}

/// The job's value in the lead's currency: exact, never rounded, and plausible.
fn value_in(text: &str, currency: Currency) -> Result<Money, CliError> {
    let bad = |e: String| {
        CliError::usage(format!("--value {text:?}: {e}")).with_hint("nothing was recorded")
    };
    let amount: Amount = text.parse().map_err(|e: AmountError| bad(e.to_string()))?;
    let money = amount
        .to_money(currency, text)
        .map_err(|e| bad(e.to_string()))?;
    if !money.is_plausible() {
        return Err(bad(format!(
            "over the ceiling of {}",
            Money::new(Money::ceiling(currency), currency)
        )));
    }
    Ok(money)
}
