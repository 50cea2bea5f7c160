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

#[derive(Default, Serialize)]
struct Synced {
    pushed: u64,
    still_queued: u64,
    refused: u64,
    pulled: u64,
    updated_elsewhere: u64,
    server_rate: Option<f64>,
}

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
    let mut s = Synced::default();
    let queued = remote.store.outbox()?.len() as u64;
    let bar = indicatif::ProgressBar::new(queued);
    for d in remote.push_all(now, |_| bar.inc(1))? {
        match d {
            Decided::Done { .. } => s.pushed += 1,
            Decided::Queued { why, .. } => {
                s.still_queued += 1;
                ctx.out.warn(&format!("still queued: {why}"));
            }
            Decided::Skipped { lead, why } => {
                s.refused += 1;
                let id = lead.map_or_else(String::new, |l| l.id);
                ctx.out.warn(&format!("not sent, {id}: {why}"));
            }
        }
    }
    bar.finish_and_clear();
    let bar = indicatif::ProgressBar::new_spinner();
    let pulled = remote
        .pull(now, |n| bar.inc(n))
        .map_err(|e| ctx.remote_failure(e, "cannot pull leads"))?;
    bar.finish_and_clear();
    s.pulled = pulled.pulled;
    s.updated_elsewhere = pulled.updated_elsewhere;
    let rate = remote
        .refresh_rate(now)
        .map_err(|e| ctx.remote_failure(e, "cannot read the server's response rate"))?;
    s.server_rate = rate.rate;
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
