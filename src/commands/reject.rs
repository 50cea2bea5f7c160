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
    #[arg(long, short = 'r', value_name = "REASON", value_parser = ReasonParser, hide_possible_values = true)]
    pub reason: Option<RejectReason>,

    /// A note kept with each decision
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    #[command(flatten)]
    pub safety: Safety,
}

/// Parses a reason as people type it (`parse_reason`), and offers the contract's codes to shell
/// completion.
#[derive(Clone)]
struct ReasonParser;

impl clap::builder::TypedValueParser for ReasonParser {
    type Value = RejectReason;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<RejectReason, clap::Error> {
        let text = value.to_string_lossy();
        parse_reason(&text).map_err(|why| {
            let arg = arg.map_or_else(|| "--reason".to_string(), ToString::to_string);
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{text}' for '{arg}': {why}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            RejectReason::ALL
                .into_iter()
                .map(|r| clap::builder::PossibleValue::new(r.as_str())),
        ))
    }
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
