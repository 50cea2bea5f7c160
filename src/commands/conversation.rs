//! What `leads contact`, `leads reply`, `leads won` and `leads lost` share: finding the accepted
//! lead a conversation belongs to, recording through the source, and saying what happened.

use crate::context::Ctx;
use crate::domain::conversation::Message;
use crate::domain::lead::{Lead, Status};
use crate::error::{CliError, Exit};
use crate::store::{Recorded, StoreError};

/// The lead `id`, if it is accepted: only an accepted lead has a conversation. Unknown is exit 6;
/// a pending, rejected or expired lead is a usage error that says what to do instead.
pub fn accepted_lead(ctx: &Ctx, id: &str, doing: &str) -> Result<Lead, CliError> {
    let id = id.trim();
    let lead = ctx.source()?.get(id)?.ok_or_else(|| ctx.not_found(id))?;
    match lead.status {
        Status::Accepted => Ok(lead),
        Status::Pending => Err(CliError::usage(format!(
            "lead {id} is still pending: {doing} needs an accepted lead"
        ))
        .with_hint(format!(
            "accept it first (`leads accept {id}`), which pays its contact fee and reveals the customer's details"
        ))),
        other => Err(not_accepted(id, other.as_str(), doing)),
    }
}

fn not_accepted(id: &str, status: &str, doing: &str) -> CliError {
    CliError::usage(format!(
        "lead {id} is {status}: {doing} needs an accepted lead; nothing was recorded"
    ))
}

/// A store refusal of a conversation write, as the same words `accepted_lead` uses (another
/// terminal decided the lead between the check and the write).
pub fn refused(e: StoreError, doing: &str) -> CliError {
    match e {
        StoreError::NotAccepted { id, status } => not_accepted(&id, &status, doing),
        other => other.into(),
    }
}

/// The exit code of a recorded write, after saying where it stands: recorded here, taken by
/// the platform, or queued for `leads sync` (exit 9).
///
/// `done` says what was recorded; `here` is added when it stays on this machine (the local
/// source), for what the PRO must do on the platform themselves.
pub fn finish(ctx: &Ctx, recorded: &Recorded, done: &str, here: &str) -> Exit {
    match recorded {
        Recorded::Done => {
            ctx.out.note(&format!("{done}{here}"));
            Exit::Ok
        }
        Recorded::Sent(_) => {
            ctx.out.note(&format!("{done} The platform has it."));
            Exit::Ok
        }
        Recorded::Queued(why) => {
            ctx.out.warn(&format!(
                "{done} Not on the platform yet: `leads sync` will send it ({why})."
            ));
            Exit::Queued
        }
    }
}

/// The message as recorded: under the platform's id once the platform has it.
pub fn as_recorded(mut message: Message, recorded: &Recorded) -> Message {
    if let Recorded::Sent(Some(id)) = recorded {
        message.id = id.clone();
    }
    message
}
