//! `leads contact ID`: log a contact with the customer that happened outside `leads` — a phone
//! call, a site visit, a message they sent on the platform — so whose turn it is stays true.

use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::conversation::{accepted_lead, as_recorded, finish, refused};
use crate::context::Ctx;
use crate::domain::conversation::{Channel, Message, Sender};
use crate::error::{CliError, Exit};
use crate::render::{Report, Style};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The customer's request itself is their first contact and is never logged \
again. `leads followups` shows whose turn it is; `leads reply` writes your reply."
)]
pub struct Args {
    /// The accepted lead's id
    pub id: String,

    /// Who made the contact
    #[arg(long, value_name = "WHO", value_parser = sender_parser())]
    pub from: Sender,

    /// How it was made
    #[arg(long, value_name = "CHANNEL", value_parser = channel_parser())]
    pub via: Channel,

    /// What was said (needed for the platform chat)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// When it happened, if not now: a span back (3h), a local time (2026-11-23 14:30), a date,
    /// or RFC 3339
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

pub fn sender_parser() -> impl TypedValueParser<Value = Sender> {
    PossibleValuesParser::new(["customer", "pro"])
        .map(|s| Sender::from_code(&s).expect("one of the possible values"))
}

pub fn channel_parser() -> impl TypedValueParser<Value = Channel> {
    PossibleValuesParser::new(Channel::ALL.map(Channel::as_str))
        .map(|s| Channel::from_code(&s).expect("one of the possible values"))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let lead = accepted_lead(ctx, &args.id, "logging a contact")?;
    let now = ctx.now();
    let at = match &args.at {
        Some(text) => ctx.parse_time("--at", text)?,
        None => now,
    };
    let message = Message {
        id: format!("here-{}", uuid::Uuid::new_v4()),
        at,
        from: args.from,
        channel: args.via,
        text: args
            .note
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
    };
    message.validate(&lead, now).map_err(|e| {
        CliError::usage(format!("cannot log that contact: {e}")).with_hint(
            "nothing was recorded; --at takes a time since the request, and --note the words said",
        )
    })?;
    let recorded = ctx
        .source()?
        .record_contact(&lead.id, &message, now)
        .map_err(|e| refused(e, "logging a contact"))?;
    let who = match message.from {
        Sender::Customer => "the customer",
        Sender::Pro => "you",
    };
    let exit = finish(
        ctx,
        &recorded,
        &format!(
            "Logged a contact from {who} by {} on {} ({}).",
            message.channel.as_str(),
            lead.id,
            ctx.out.local(message.at)
        ),
        "",
    );
    ctx.out.emit(&Logged(as_recorded(message, &recorded)))?;
    Ok(exit)
}

/// The recorded contact: JSON for scripts; people have the line on stderr.
#[derive(serde::Serialize)]
#[serde(transparent)]
pub struct Logged(pub Message);

impl Report for Logged {
    fn human(&self, _: &Style) -> String {
        String::new()
    }
}
