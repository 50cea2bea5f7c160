//! What `leads won` and `leads lost` share: recording the outcome of an accepted lead. A later
//! outcome replaces an earlier one, and `leads show` lists the ones it replaced, with when.

use super::conversation::{accepted_lead, finish, refused};
use crate::context::Ctx;
use crate::domain::conversation::{Ending, JobOutcome};
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};

pub fn record(ctx: &Ctx, lead: &Lead, outcome: JobOutcome) -> Result<Exit, CliError> {
    let word = match outcome.result {
        Ending::Won => "won",
        Ending::Lost => "lost",
    };
    let was = lead.outcome.as_ref().map(|o| match o.result {
        Ending::Won => "won",
        Ending::Lost => "lost",
    });
    let recorded = ctx
        .source()?
        .record_outcome(&lead.id, &outcome, ctx.now())
        .map_err(|e| refused(e, "an outcome"))?;
    let mut line = format!("Marked {} {word}", lead.id);
    if let Some(v) = outcome.value {
        line.push_str(&format!(" ({v})"));
    }
    if let Some(was) = was {
        line.push_str(&format!(
            "; it was {was} before, and `leads show {}` keeps that",
            lead.id
        ));
    }
    line.push('.');
    Ok(finish(ctx, &recorded, &line, ""))
}

/// The accepted lead `id` for an outcome.
pub fn lead(ctx: &Ctx, id: &str) -> Result<Lead, CliError> {
    accepted_lead(ctx, id, "an outcome")
}
