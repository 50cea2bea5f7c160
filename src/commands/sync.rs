//! `leads sync`: for the remote source, send what is queued (decisions, then messages and
//! outcomes), pull what is pending and the conversations followed here, and refresh the server's
//! response rate.

use serde::Serialize;

use crate::context::Ctx;
use crate::domain::rate::Ratio;
use crate::error::{CliError, Exit};
use crate::remote::Delivery;
use crate::render::{Report, Style};
use crate::store::Decided;

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Synced {
    pushed: u64,
    still_queued: u64,
    refused: u64,
    pulled: u64,
    updated_elsewhere: u64,
    server_rate: Option<f64>,
    messages_sent: u64,
    outcomes_sent: u64,
    /// Messages and outcomes still waiting to be sent.
    updates_queued: u64,
    /// Messages and outcomes the platform refused for good (undone here).
    updates_refused: u64,
    /// Messages of the followed conversations that were new here.
    messages_pulled: u64,
}

/// Printed only for `--json`: people get the one-line summary on stderr.
impl Report for Synced {
    fn human(&self, _: &Style) -> String {
        String::new()
    }
}

pub fn run(ctx: &Ctx, _args: Args) -> Result<Exit, CliError> {
    let remote = ctx.remote()?.ok_or_else(|| {
        CliError::usage("leads sync is for the remote source, and this config uses the local store")
            .with_hint(
                "set source = \"remote\" and [remote] url in the config (see config.example.toml)",
            )
    })?;
    if ctx.offline {
        return Err(
            CliError::usage("leads sync talks to the API, and --offline forbids that")
                .with_hint("run `leads sync` without --offline"),
        );
    }
    let now = ctx.now();
    let queued = remote.store.outbox()?.len() as u64;
    // A bar while sending, then a spinner while pulling; neither draws without a terminal.
    let sending = indicatif::ProgressBar::new(queued);
    let pulling = indicatif::ProgressBar::new_spinner();
    let report = remote
        .sync(
            now,
            |_| sending.inc(1),
            |n| {
                sending.finish_and_clear();
                pulling.inc(n);
            },
        )
        .map_err(|e| ctx.remote_failure(e, "cannot sync with the API"))?;
    sending.finish_and_clear();
    pulling.finish_and_clear();
    for line in report.problems() {
        ctx.out.warn(&line);
    }
    let rate = &report.rate;
    let sent = |what: &str| {
        report.count_updates(|d| matches!(d.delivery, Delivery::Sent(_)) && d.what() == what)
    };
    let s = Synced {
        pushed: report.count(|d| matches!(d, Decided::Done { .. })),
        still_queued: report.count(|d| matches!(d, Decided::Queued { .. })),
        refused: report.count(|d| matches!(d, Decided::Skipped { .. })),
        pulled: report.pull.pulled,
        updated_elsewhere: report.pull.updated_elsewhere,
        server_rate: rate.rate,
        messages_sent: sent("message"),
        outcomes_sent: sent("outcome"),
        updates_queued: report.count_updates(|d| matches!(d.delivery, Delivery::Queued(_))),
        updates_refused: report.count_updates(|d| matches!(d.delivery, Delivery::Refused(_))),
        messages_pulled: report.pull.messages,
    };
    let mut line = format!("pushed {}", count(s.pushed, "decision"));
    for (n, noun) in [(s.messages_sent, "message"), (s.outcomes_sent, "outcome")] {
        if n > 0 {
            line.push_str(&format!(" · sent {}", count(n, noun)));
        }
    }
    line.push_str(&format!(" · pulled {}", count(s.pulled, "lead")));
    if s.messages_pulled > 0 {
        line.push_str(&format!(" and {}", count(s.messages_pulled, "message")));
    }
    if s.updated_elsewhere > 0 {
        line.push_str(&format!(
            " · {} decided or expired elsewhere",
            s.updated_elsewhere
        ));
    }
    // Shown from the exact counts, rounded down like every rate here; the float is for JSON.
    line.push_str(&match Ratio::new(rate.responded, rate.received) {
        Some(r) => format!(" · rate {r} (server)"),
        None => " · no rate yet (server)".into(),
    });
    let waiting = s.still_queued + s.updates_queued;
    if waiting > 0 {
        line.push_str(&format!(" · {waiting} still queued"));
    }
    ctx.out.note(&line);
    if ctx.out.format == crate::render::Format::Json {
        ctx.out.emit(&s)?;
    }
    Ok(if waiting > 0 { Exit::Queued } else { Exit::Ok })
}

fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
