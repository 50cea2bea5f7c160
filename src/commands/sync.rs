//! `leads sync`: for the remote source, send what is queued, pull what is pending, and refresh the
//! server's response rate.

use serde::Serialize;

use crate::context::Ctx;
use crate::domain::rate::Ratio;
use crate::error::{CliError, Exit};
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
    let s = Synced {
        pushed: report.count(|d| matches!(d, Decided::Done { .. })),
        still_queued: report.count(|d| matches!(d, Decided::Queued { .. })),
        refused: report.count(|d| matches!(d, Decided::Skipped { .. })),
        pulled: report.pull.pulled,
        updated_elsewhere: report.pull.updated_elsewhere,
        server_rate: rate.rate,
    };
    let mut line = format!(
        "pushed {} · pulled {}",
        count(s.pushed, "decision"),
        count(s.pulled, "lead")
    );
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
    if s.still_queued > 0 {
        line.push_str(&format!(" · {} still queued", s.still_queued));
    }
    ctx.out.note(&line);
    if ctx.out.format == crate::render::Format::Json {
        ctx.out.emit(&s)?;
    }
    Ok(if s.still_queued > 0 {
        Exit::Queued
    } else {
        Exit::Ok
    })
}

fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
