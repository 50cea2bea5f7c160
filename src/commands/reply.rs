//! `leads reply ID`: the first (or next) reply to an accepted lead's customer, personal by
//! construction. The draft is a template filled from the lead; it opens in `$VISUAL`/`$EDITOR`
//! the way `git commit` does (`--message` for scripts), and a reply that mentions nothing of
//! this customer's own request is refused unless `--generic-ok`.

use std::io::Read;

use super::contact::channel_parser;
use super::conversation::{accepted_lead, as_recorded, finish, refused};
use crate::context::Ctx;
use crate::domain::conversation::{Channel, Message, Sender, check_personal, fill};
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};
use crate::render::{Report, Style, untrusted};
use crate::store::Recorded;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Templates live in the config ([templates.NAME], see config.example.toml); \
without one, first_reply is built in. The recorded reply is printed, ready to paste into the \
platform's chat (a remote source sends it through the API)."
)]
pub struct Args {
    /// The accepted lead's id
    pub id: String,

    /// The reply itself, instead of an editor; - reads it from stdin
    #[arg(long, short = 'm', value_name = "TEXT")]
    pub message: Option<String>,

    /// The template the draft starts from
    #[arg(long, value_name = "NAME", default_value = "first_reply")]
    pub template: String,

    /// How the reply reaches the customer
    #[arg(long, value_name = "CHANNEL", value_parser = channel_parser(), default_value = "platform")]
    pub via: Channel,

    /// Record a reply even if it mentions nothing of this customer's request
    #[arg(long)]
    pub generic_ok: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let lead = accepted_lead(ctx, &args.id, "a reply")?;
    let text = match args.message.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                CliError::bad_input(format!("cannot read the reply from stdin: {e}"))
            })?;
            text
        }
        Some(text) => text.to_string(),
        None => draft_in_editor(ctx, &lead, &args.template)?,
    };
    let (message, recorded) = record(ctx, &lead, &text, args.via, args.generic_ok)?;
    let exit = finish(
        ctx,
        &recorded,
        &format!(
            "Recorded your reply to {} ({}).",
            untrusted::line(lead.customer.display_name.trim()),
            lead.id
        ),
        " Paste it into the platform's chat, if you have not sent it there yet.",
    );
    ctx.out.emit(&Reply(as_recorded(message, &recorded)))?;
    Ok(exit)
}

/// The draft of template `name` for `lead`, as the user saved it in their editor.
pub fn draft_in_editor(ctx: &Ctx, lead: &Lead, name: &str) -> Result<String, CliError> {
    let template = ctx.config.template(name).ok_or_else(|| {
        let mut names: Vec<&str> = ctx.config.templates.keys().map(String::as_str).collect();
        if !names.contains(&"first_reply") {
            names.insert(0, "first_reply");
        }
        CliError::usage(format!("no template named {name:?}"))
            .with_hint(format!("the config has: {}", names.join(", ")))
    })?;
    let draft = fill(template, lead)
        .map_err(|e| CliError::new(Exit::Config, format!("[templates.{name}]: {e}")))?;
    edit(ctx, &lead.id, &draft)
}

/// Checks the reply (not empty; personal unless `generic_ok`) and records it as your message,
/// through the source (which sends it, for a remote one). Nothing is recorded when it fails.
pub fn record(
    ctx: &Ctx,
    lead: &Lead,
    text: &str,
    via: Channel,
    generic_ok: bool,
) -> Result<(Message, Recorded), CliError> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(CliError::usage("the reply is empty: nothing was recorded")
            .with_hint("write the reply in the editor, or pass --message TEXT"));
    }
    if !generic_ok && let Err(generic) = check_personal(&text, lead) {
        return Err(
            CliError::usage(format!("{generic}; nothing was recorded")).with_hint(format!(
                "mention {}; or pass --generic-ok to send it as it is",
                generic.could_mention.join(", ")
            )),
        );
    }
    let now = ctx.now();
    let message = Message {
        id: format!("here-{}", uuid::Uuid::new_v4()),
        at: now,
        from: Sender::Pro,
        channel: via,
        text: Some(text),
    };
    let recorded = ctx
        .source()?
        .record_contact(&lead.id, &message, now)
        .map_err(|e| refused(e, "a reply"))?;
    Ok((message, recorded))
}

/// Opens `draft` in the user's editor, as `git commit` does, and returns what was saved, less the
/// `#` lines that explain it.
fn edit(ctx: &Ctx, id: &str, draft: &str) -> Result<String, CliError> {
    let editor = ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty());
    let editor = match editor {
        Some(e) if !ctx.no_input => e,
        // vi is what git falls back to, and only a person at a terminal can use it.
        None if ctx.can_prompt() => "vi".to_string(),
        _ => {
            return Err(CliError::usage(
                "no reply given, and no editor to write one in (no terminal, $EDITOR unset, or --no-input)",
            )
            .with_hint("pass --message TEXT, or --message - to read it from stdin"));
        }
    };
    let dir = tempfile::Builder::new()
        .prefix("leads-reply-")
        .tempdir()
        .map_err(|e| {
            CliError::new(
                Exit::Failure,
                format!("cannot make a file for the draft: {e}"),
            )
        })?;
    let path = dir.path().join(format!("reply-{id}.txt"));
    let help = "\n\n# Your reply to the customer. Lines starting with # are left out.\n\
                # Save and quit to record it; an empty reply records nothing.\n";
    std::fs::write(&path, format!("{draft}{help}"))
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot write the draft: {e}")))?;
    // Through the shell, as git does, so EDITOR="code --wait" works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg(&editor)
        .arg(&path)
        .status()
        .map_err(|e| {
            CliError::new(
                Exit::Failure,
                format!("cannot start the editor {editor:?}: {e}"),
            )
        })?;
    if !status.success() {
        return Err(CliError::new(
            Exit::Declined,
            format!("the editor {editor:?} exited with {status}: nothing was recorded"),
        ));
    }
    let saved = std::fs::read_to_string(&path)
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot read the draft back: {e}")))?;
    Ok(saved
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The recorded reply: its text alone for people and pipes, ready to paste, its line breaks
/// kept (a draft is filled from the customer's words, so what a terminal would act on shows as
/// marks); the exact message for JSON.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Reply(Message);

impl Report for Reply {
    fn human(&self, _: &Style) -> String {
        format!(
            "{}\n",
            untrusted::lines(self.0.text.as_deref().unwrap_or_default())
        )
    }
}
