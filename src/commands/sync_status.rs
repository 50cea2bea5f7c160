//! `leads sync --status`: what waits, per account, without sending or fetching anything — the
//! webhooks received and not yet processed (and why), the messages and decisions not yet sent.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{CliError, Exit};
use crate::render::untrusted;
use crate::render::{Report, Style};
use crate::store::WebhookQueue;

#[derive(Serialize)]
struct Waiting {
    accounts: Vec<AccountWaiting>,
}

#[derive(Serialize)]
struct AccountWaiting {
    name: String,
    kind: &'static str,
    /// Marketplace accounts only: their webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    webhooks: Option<WebhookQueue>,
    /// Messages and outcomes queued for the platform.
    updates_queued: u64,
    /// Decisions queued for a Leads API platform.
    decisions_queued: u64,
}

impl Report for Waiting {
    fn human(&self, _: &Style) -> String {
        let mut out = String::new();
        for a in &self.accounts {
            let mut line = format!("{} ({})", a.name, a.kind);
            if let Some(w) = &a.webhooks {
                line.push_str(&format!(
                    ": webhooks {} processed, {} queued",
                    w.processed, w.queued
                ));
                if let Some(oldest) = w.oldest {
                    line.push_str(&format!(
                        " (oldest from {})",
                        oldest.format("%Y-%m-%d %H:%M UTC")
                    ));
                }
            }
            line.push_str(&format!(
                "; {} message{} and {} decision{} waiting to be sent\n",
                a.updates_queued,
                if a.updates_queued == 1 { "" } else { "s" },
                a.decisions_queued,
                if a.decisions_queued == 1 { "" } else { "s" },
            ));
            if let Some(error) = a.webhooks.as_ref().and_then(|w| w.last_error.as_deref()) {
                // The platform's words: shown harmlessly.
                line.push_str(&format!("  last error: {}\n", untrusted::line(error)));
            }
            out.push_str(&line);
        }
        out
    }
}

pub fn run(ctx: &Ctx) -> Result<Exit, CliError> {
    let mut accounts = Vec::new();
    let mut waiting = 0;
    for m in ctx.open_accounts()?.members() {
        let store = m.store();
        let webhooks = match m.as_market() {
            Some(_) => Some(store.webhook_queue(&m.account.name)?),
            None => None,
        };
        let updates_queued = store.queued_updates(None)?.len() as u64;
        let decisions_queued = store.outbox()?.len() as u64;
        waiting += updates_queued + decisions_queued + webhooks.as_ref().map_or(0, |w| w.queued);
        accounts.push(AccountWaiting {
            name: m.account.name.clone(),
            kind: m.account.kind.as_str(),
            webhooks,
            updates_queued,
            decisions_queued,
        });
    }
    ctx.out.emit(&Waiting { accounts })?;
    Ok(if waiting > 0 { Exit::Queued } else { Exit::Ok })
}
