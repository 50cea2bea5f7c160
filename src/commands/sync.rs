//! `leads sync`: for each remote account, send what is queued (decisions, then messages and
//! outcomes), pull what is pending and the conversations followed here, and refresh the server's
//! response rate.

use serde::Serialize;

use crate::accounts::Member;
use crate::context::Ctx;
use crate::domain::rate::Ratio;
use crate::error::{CliError, Exit};
use crate::marketplaces::{MarketError, MarketSource};
use crate::remote::{Delivery, RemoteSource, SyncReport};
use crate::render::{Report, Style};
use crate::store::Decided;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Send and fetch nothing: show what waits, per account (webhooks not processed yet, messages
    /// and decisions not sent yet)
    #[arg(long)]
    pub status: bool,
}

#[derive(Default, Serialize)]
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
    /// Marketplace webhooks processed in this round, and those still queued after it.
    webhooks_processed: u64,
    webhooks_queued: u64,
    /// With several accounts: each one's round (the figures above are their sums).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    accounts: Vec<AccountSynced>,
}

/// One account's round, for `--json` with several accounts.
#[derive(Serialize)]
struct AccountSynced {
    name: String,
    #[serde(flatten)]
    synced: Synced,
    /// Why the round failed, when it did (the figures are then zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Printed only for `--json`: people get the one-line summary on stderr.
impl Report for Synced {
    fn human(&self, _: &Style) -> String {
        String::new()
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    if args.status {
        return super::sync_status::run(ctx);
    }
    let members = ctx.open_accounts()?.members();
    let remotes: Vec<(&Member, &RemoteSource)> = members
        .iter()
        .filter_map(|m| m.as_remote().map(|r| (m, r)))
        .collect();
    let markets: Vec<(&Member, &MarketSource)> = members
        .iter()
        .filter_map(|m| m.as_market().map(|r| (m, r)))
        .collect();
    if remotes.is_empty() && markets.is_empty() {
        return Err(if ctx.config.has_accounts() {
            CliError::usage(format!(
                "leads sync is for Leads API, Thumbtack and Yelp accounts, and {} local",
                match members {
                    [one] => format!("{} is", one.account.name),
                    _ => "every account selected is".into(),
                }
            ))
            .with_hint("local accounts need no sync: their leads are here already")
        } else {
            CliError::usage(
                "leads sync is for the remote source, and this config uses the local store",
            )
            .with_hint(
                "set source = \"remote\" and [remote] url in the config (see config.example.toml)",
            )
        });
    }
    if ctx.offline {
        return Err(
            CliError::usage("leads sync talks to the API, and --offline forbids that")
                .with_hint("run `leads sync` without --offline"),
        );
    }
    let several = ctx.config.has_accounts();
    let mut total = Synced::default();
    let mut failed: Vec<(String, CliError)> = Vec::new();
    for (member, remote) in remotes {
        let name = member.account.name.clone();
        match round(ctx, remote) {
            Ok(report) => {
                let s = synced(&report);
                let about = |text: &str| match several {
                    true => format!("{name}: {text}"),
                    false => text.to_string(),
                };
                for line in report.problems() {
                    ctx.out.warn(&about(&line));
                }
                ctx.out.note(&about(&summary(&s, &report)));
                add(&mut total, &s);
                if several {
                    total.accounts.push(AccountSynced {
                        name,
                        synced: s,
                        error: None,
                    });
                } else {
                    total.server_rate = s.server_rate;
                }
            }
            Err(e) => {
                let failure = ctx.remote_failure(&member.account, e, "cannot sync with the API");
                if !several {
                    return Err(failure);
                }
                total.accounts.push(AccountSynced {
                    name: name.clone(),
                    synced: Synced::default(),
                    error: Some(failure.message.clone()),
                });
                ctx.out.warn(&format!("warning: {}", failure.message));
                if let Some(hint) = &failure.hint {
                    ctx.out.warn(&format!("  hint: {hint}"));
                }
                failed.push((name, failure));
            }
        }
    }
    for (member, market) in markets {
        let name = member.account.name.clone();
        match market_round(ctx, market) {
            Ok(s) => {
                ctx.out.note(&format!(
                    "{name}: webhooks processed {} · pulled {} and {} · sent {}{}",
                    s.webhooks_processed,
                    count(s.pulled, "new lead"),
                    count(s.messages_pulled, "message"),
                    count(s.messages_sent, "message"),
                    match s.updates_queued + s.webhooks_queued {
                        0 => String::new(),
                        n => format!(" · {n} still queued (`leads sync --status` says why)"),
                    }
                ));
                add(&mut total, &s);
                total.webhooks_processed += s.webhooks_processed;
                total.webhooks_queued += s.webhooks_queued;
                total.accounts.push(AccountSynced {
                    name,
                    synced: s,
                    error: None,
                });
            }
            Err(e) => {
                let message = format!("{name}: cannot sync with the platform: {e}");
                ctx.out.warn(&format!("warning: {message}"));
                total.accounts.push(AccountSynced {
                    name: name.clone(),
                    synced: Synced::default(),
                    error: Some(message.clone()),
                });
                let exit = match e {
                    MarketError::Remote(crate::remote::RemoteError::Unauthorized) => Exit::Config,
                    _ => Exit::Failure,
                };
                failed.push((name, CliError::new(exit, message)));
            }
        }
    }
    if ctx.out.format == crate::render::Format::Json {
        ctx.out.emit(&total)?;
    }
    if let Some(note) = ctx.unowned_note()? {
        ctx.out.warn(&format!("warning: {note}"));
    }
    if let Some((_, first)) = failed.first() {
        let names: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
        let others = if total.accounts.len() > failed.len() {
            "the others did; "
        } else {
            ""
        };
        return Err(CliError::new(
            first.exit,
            format!(
                "{} could not sync: {}",
                count(names.len() as u64, "account"),
                names.join(", ")
            ),
        )
        .with_hint(format!(
            "{others}the warnings above say what went wrong, and the next `leads sync` tries again"
        )));
    }
    let waiting = total.still_queued + total.updates_queued + total.webhooks_queued;
    Ok(if waiting > 0 { Exit::Queued } else { Exit::Ok })
}

/// One marketplace account's round: its queued webhooks (all of them, whatever their wait),
/// the replies waiting to go, then the pull.
fn market_round(ctx: &Ctx, market: &MarketSource) -> Result<Synced, MarketError> {
    let now = ctx.now();
    let processed = market.process_webhooks(now, true)?;
    let updates = market.push_updates()?;
    let pulled = market.pull(now)?;
    let sent = updates
        .iter()
        .filter(|d| matches!(d.delivery, Delivery::Sent(_)))
        .count() as u64;
    Ok(Synced {
        pulled: pulled.leads,
        messages_pulled: pulled.messages,
        messages_sent: sent,
        updates_queued: updates
            .iter()
            .filter(|d| matches!(d.delivery, Delivery::Queued(_)))
            .count() as u64,
        updates_refused: updates
            .iter()
            .filter(|d| matches!(d.delivery, Delivery::Refused(_)))
            .count() as u64,
        webhooks_processed: processed.done,
        webhooks_queued: processed.failed,
        ..Synced::default()
    })
}

/// One account's round with its API.
fn round(ctx: &Ctx, remote: &RemoteSource) -> Result<SyncReport, crate::remote::SyncError> {
    let queued = remote.store.outbox()?.len() as u64;
    // A bar while sending, then a spinner while pulling; neither draws without a terminal.
    let sending = indicatif::ProgressBar::new(queued);
    let pulling = indicatif::ProgressBar::new_spinner();
    let report = remote.sync(
        ctx.now(),
        |_| sending.inc(1),
        |n| {
            sending.finish_and_clear();
            pulling.inc(n);
        },
    );
    sending.finish_and_clear();
    pulling.finish_and_clear();
    report
}

fn synced(report: &SyncReport) -> Synced {
    let sent = |what: &str| {
        report.count_updates(|d| matches!(d.delivery, Delivery::Sent(_)) && d.what() == what)
    };
    Synced {
        pushed: report.count(|d| matches!(d, Decided::Done { .. })),
        still_queued: report.count(|d| matches!(d, Decided::Queued { .. })),
        refused: report.count(|d| matches!(d, Decided::Skipped { .. })),
        pulled: report.pull.pulled,
        updated_elsewhere: report.pull.updated_elsewhere,
        server_rate: report.rate.rate,
        messages_sent: sent("message"),
        outcomes_sent: sent("outcome"),
        updates_queued: report.count_updates(|d| matches!(d.delivery, Delivery::Queued(_))),
        updates_refused: report.count_updates(|d| matches!(d.delivery, Delivery::Refused(_))),
        messages_pulled: report.pull.messages,
        accounts: Vec::new(),
        ..Synced::default()
    }
}

/// The sums over accounts; the server's rate is one account's and is not summed.
fn add(total: &mut Synced, s: &Synced) {
    total.pushed += s.pushed;
    total.still_queued += s.still_queued;
    total.refused += s.refused;
    total.pulled += s.pulled;
    total.updated_elsewhere += s.updated_elsewhere;
    total.messages_sent += s.messages_sent;
    total.outcomes_sent += s.outcomes_sent;
    total.updates_queued += s.updates_queued;
    total.updates_refused += s.updates_refused;
    total.messages_pulled += s.messages_pulled;
}

/// One account's round in a line, for stderr.
fn summary(s: &Synced, report: &SyncReport) -> String {
    let rate = &report.rate;
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
    line
}

fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
