//! `leads status`: the response-rate dashboard.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::followups::FollowupCounts;
use super::rates;
use crate::config::AccountKind;
use crate::context::Ctx;
use crate::domain::budget::{WeekSpend, week_start};
use crate::domain::freshness::{Span, compact};
use crate::domain::money::format_totals;
use crate::domain::rate::{MustAnswer, RateReport, Ratio, Verdict, percent};
use crate::error::{CliError, Exit};
use crate::render::{Report, Style, count_verb, untrusted};
use crate::store::{LeadSource, QueueSummary, ReportedRate};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Exit 0 when safe, 10 when at risk (letting pending leads lapse would drop the rate below
    /// the threshold), 11 when already below: for cron jobs and shell prompts
    #[arg(long)]
    pub check: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let status = Status::gather(ctx)?;
    if let Some(note) = ctx.unowned_note()? {
        ctx.out.warn(&format!("warning: {note}"));
    }
    if args.check {
        // One line is enough for a prompt or a cron mail (one per account); the full dashboard is
        // one command away.
        match ctx.out.format {
            crate::render::Format::Json => ctx.out.emit(&status)?,
            _ => {
                let lines: String = status
                    .accounts
                    .iter()
                    .map(|a| format!("{}\n", status.named(a, &a.verdict_line(status.as_of))))
                    .collect();
                crate::render::write_stdout(&lines)?;
            }
        }
        return Ok(match status.worst().rate.verdict {
            Verdict::Safe => Exit::Ok,
            Verdict::AtRisk => Exit::AtRisk,
            Verdict::Below => Exit::Below,
        });
    }
    ctx.out.emit(&status)?;
    Ok(Exit::Ok)
}

pub struct Status {
    pub as_of: DateTime<Utc>,
    /// Each account's rate against its own rule, in the config's order.
    pub accounts: Vec<AccountStatus>,
    /// The config names several accounts: each block says whose it is.
    pub several: bool,
    /// Every account's pending leads together: the inbox.
    pub queue: QueueSummary,
    pub urgent_window: TimeDelta,
    pub spend: WeekSpend,
    pub followups: FollowupCounts,
}

/// One account's standing with its platform.
pub struct AccountStatus {
    pub name: String,
    pub kind: AccountKind,
    pub window_days: u32,
    pub rate: RateReport,
    pub queue: QueueSummary,
    /// Median time from a New Lead's arrival to its decision, over the window.
    pub speed_to_lead: Option<TimeDelta>,
    /// The platform's own figure, for a Leads API account; `rate` is then that figure plus what
    /// it cannot include yet.
    pub reported: Option<ReportedRate>,
}

impl Status {
    pub fn gather(ctx: &Ctx) -> Result<Status, CliError> {
        let now = ctx.now();
        let f = &ctx.config.freshness;
        let accounts = ctx.accounts()?;
        let mut each = Vec::with_capacity(accounts.members().len());
        for m in accounts.members() {
            let since = rates::window_start(m, now);
            let tally = m.tally(since, now, f.shelf_life)?;
            each.push(AccountStatus {
                name: m.account.name.clone(),
                kind: m.account.kind,
                window_days: m.account.rate.window_days,
                speed_to_lead: m.median_response(since, now, tally.responded())?,
                rate: RateReport::new(tally, m.account.rate.threshold),
                queue: m.store().queue(now, f.shelf_life, f.urgent)?,
                reported: m.reported_rate()?,
            });
        }
        let week = week_start(ctx.clock.now);
        let spend = WeekSpend::new(
            week,
            accounts.spent_since(week)?,
            ctx.config.budget.weekly_cap,
        )?;
        // One account's queue is the whole queue: read once.
        let queue = match each.as_slice() {
            [one] => one.queue.clone(),
            _ => accounts.queue(now, f.shelf_life, f.urgent)?,
        };
        Ok(Status {
            as_of: now,
            accounts: each,
            several: ctx.shows_accounts(),
            queue,
            urgent_window: f.urgent,
            spend,
            followups: FollowupCounts::gather(ctx)?,
        })
    }

    /// The account whose verdict is the worst (the first of them): what `--check` exits by.
    pub fn worst(&self) -> &AccountStatus {
        let worst = self
            .accounts
            .iter()
            .map(|a| a.rate.verdict)
            .max()
            .unwrap_or(Verdict::Safe);
        self.accounts
            .iter()
            .find(|a| a.rate.verdict == worst)
            .expect("a config names at least one account")
    }

    /// `text` about `account`, with its name in front when there are several.
    fn named(&self, account: &AccountStatus, text: &str) -> String {
        match self.several {
            true => format!("{}: {text}", account.name),
            false => text.to_string(),
        }
    }
}

impl AccountStatus {
    pub fn verdict_line(&self, as_of: DateTime<Utc>) -> String {
        let r = &self.rate;
        let t = r.threshold;
        let p = r.tally.pending;
        match (r.verdict, r.must_answer) {
            (Verdict::Safe, _) if r.rate.is_none() => format!(
                "Safe: no New Leads in the last {} days, nothing to answer.",
                self.window_days
            ),
            (Verdict::Safe, _) => format!(
                "Safe: {} is at or above {t}, even if every pending lead lapses.",
                percent(r.rate)
            ),
            (Verdict::AtRisk, MustAnswer::Reachable(m)) => format!(
                "At risk: answer {} to stay at or above {t}{}.",
                of_pending(m, p),
                self.next_lapse_suffix(as_of)
            ),
            (Verdict::Below, MustAnswer::Reachable(m)) => format!(
                "Below {t}: answer {} to get back to {t}{}.",
                of_pending(m, p),
                self.next_lapse_suffix(as_of)
            ),
            (_, MustAnswer::Unreachable { best }) => format!(
                "Below {t}{}: even answering {} reaches only {best}; answer new leads quickly to recover.",
                if r.verdict == Verdict::AtRisk {
                    " if pending leads lapse"
                } else {
                    ""
                },
                of_pending(p, p),
            ),
        }
    }

    fn next_lapse_suffix(&self, as_of: DateTime<Utc>) -> String {
        match &self.queue.next {
            Some((_, at)) => format!("; the next lapses in {}", compact(*at - as_of)),
            None => String::new(),
        }
    }

    /// The rows of the account's rate, its queue and its speed.
    fn rows(&self, as_of: DateTime<Utc>, urgent_window: TimeDelta, style: &Style) -> Vec<Row> {
        let r = &self.rate;
        let t = &r.tally;
        let mut rows: Vec<Row> = Vec::new();
        // How the answered count is made up: counted here, or the platform's figure plus what
        // was decided here since it was fetched.
        let made_of = match &self.reported {
            None => format!(
                "{} accepted, {} rejected, {} lapsed",
                t.accepted, t.rejected, t.lapsed
            ),
            Some(_) if t.accepted + t.rejected == 0 => "as the platform reports".into(),
            Some(_) => format!(
                "the platform's figure plus {} accepted and {} rejected here since",
                t.accepted, t.rejected
            ),
        };
        let detail = format!(
            "{} of {} answered in {} days: {made_of} · threshold {}",
            t.responded(),
            t.received(),
            self.window_days,
            r.threshold
        );
        rows.push((
            "Response rate",
            format!(
                "{}  {}",
                style.bold(&percent(r.rate)),
                style.dim(&format!("({detail})"))
            ),
        ));
        if let Some(p) = &self.reported {
            rows.push((
                "Platform says",
                format!(
                    "{}  {}",
                    percent(p.rate()),
                    style.dim(&format!(
                        "({} of {}, fetched {} ago)",
                        p.responded,
                        p.received,
                        compact(as_of - p.fetched_at)
                    ))
                ),
            ));
        }
        rows.push((
            "May lapse",
            if r.verdict == Verdict::Below || r.rate.is_none() {
                "0 more: every further lapse counts against you".into()
            } else {
                format!(
                    "{} more lead{} before you drop below {}",
                    r.lapse_allowance,
                    plural(r.lapse_allowance),
                    r.threshold
                )
            },
        ));
        let q = &self.queue;
        let mut pending = format!(
            "{} to answer · {} within {}",
            q.pending,
            count_verb(q.urgent, "expires", "expire"),
            Span(urgent_window)
        );
        if let Some((id, at)) = &q.next {
            pending.push_str(&format!(
                " · next lapses in {} ({})",
                compact(*at - as_of),
                untrusted::line(id)
            ));
        }
        rows.push(("Pending", pending));
        if t.pending > 0 {
            let all = match t.pending {
                1 => "it",
                2 => "both",
                _ => "all of them",
            };
            let answer = match r.must_answer {
                MustAnswer::Reachable(0) => "still safe".to_string(),
                MustAnswer::Reachable(m) if m == t.pending => {
                    format!("answer {all} to stay at or above {}", r.threshold)
                }
                MustAnswer::Reachable(m) => {
                    format!(
                        "answer at least {m} of them to stay at or above {}",
                        r.threshold
                    )
                }
                MustAnswer::Unreachable { best } => {
                    format!("answering {all} reaches only {best}")
                }
            };
            rows.push((
                "If all lapse",
                format!("{} · {answer}", percent(r.worst_case)),
            ));
        }
        rows.push((
            "Speed to lead",
            match self.speed_to_lead {
                Some(d) => format!("{} median from arrival to answer", compact(d)),
                None => "— (nothing answered in the window)".into(),
            },
        ));
        rows
    }
}

/// A label and its value, one line of the dashboard.
type Row = (&'static str, String);

impl Status {
    /// The rows every account shares: the week's spend, the follow-ups.
    fn shared_rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        let s = &self.spend;
        let spent = if s.spent.is_empty() {
            "nothing spent yet".to_string()
        } else {
            format_totals(&s.spent)
        };
        let spend = match (s.cap, s.left) {
            (Some(cap), Some(left)) if left.amount < 0 => format!(
                "{spent} of your {cap} weekly cap · {} over",
                crate::domain::money::Money::new(-left.amount, left.currency)
            ),
            (Some(cap), Some(left)) => format!("{spent} of your {cap} weekly cap · {left} left"),
            _ => format!("{spent} (no weekly cap set)"),
        };
        rows.push(("This week", spend));
        let f = &self.followups;
        if f.owe_reply + f.nudge + f.going_cold > 0 {
            let mut parts = vec![format!("{} owe a reply", f.owe_reply)];
            if let Some(secs) = f.oldest_waiting_seconds {
                parts[0].push_str(&format!(
                    " (oldest waiting {})",
                    compact(TimeDelta::seconds(secs))
                ));
            }
            parts.push(format!("{} to nudge", f.nudge));
            parts.push(format!("{} going cold", f.going_cold));
            rows.push(("Follow-ups", parts.join(" · ")));
        }
        rows
    }
}

/// `rows` as aligned lines, each `indent` in; a long value wraps under itself, clear of the
/// labels.
fn lines(rows: &[Row], width: usize, indent: &str, style: &Style) -> String {
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&style.wrap(
            &format!("{indent}{k:<width$}  {v}"),
            indent.len() + width + 2,
        ));
        out.push('\n');
    }
    out
}

/// In place of a rate for a Thumbtack or Yelp account, whose leads arrive answered (README, "What
/// differs from a New Lead"): zero New Leads and "Safe" would read as a figure the platform keeps.
const ARRIVE_ANSWERED: &str = "Leads arrive answered: no New Leads to decide and no response rate \
                               to keep here. `leads followups` has their conversations.";

impl Report for Status {
    fn human(&self, style: &Style) -> String {
        let blocks: Vec<Vec<Row>> = self
            .accounts
            .iter()
            .map(|a| a.rows(self.as_of, self.urgent_window, style))
            .collect();
        let shared = self.shared_rows();
        let width = blocks
            .iter()
            .flatten()
            .chain(&shared)
            .map(|(k, _)| k.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        if !self.several && self.accounts[0].kind.is_marketplace() {
            out.push_str(&style.wrap(ARRIVE_ANSWERED, 0));
            out.push('\n');
            out.push_str(&lines(&shared, width, "", style));
            return out;
        }
        if !self.several {
            let a = &self.accounts[0];
            out.push_str(&lines(
                &[blocks[0].clone(), shared].concat(),
                width,
                "",
                style,
            ));
            out.push('\n');
            out.push_str(&style.wrap(
                &style.verdict(&a.verdict_line(self.as_of), a.rate.verdict),
                0,
            ));
            out.push('\n');
            return out;
        }
        // An account a block, its verdict last; then what they share.
        for (a, rows) in self.accounts.iter().zip(&blocks) {
            out.push_str(&style.bold(&format!("{} · {}", a.name, a.kind.as_str())));
            out.push('\n');
            if a.kind.is_marketplace() {
                out.push_str(&style.wrap(&format!("  {ARRIVE_ANSWERED}"), 2));
                out.push_str("\n\n");
                continue;
            }
            out.push_str(&lines(rows, width, "  ", style));
            let verdict = format!("  {}", a.verdict_line(self.as_of));
            out.push_str(&style.wrap(&style.verdict(&verdict, a.rate.verdict), 2));
            out.push_str("\n\n");
        }
        out.push_str(&lines(&shared, width, "", style));
        out
    }
}

/// `m` of the `p` pending leads, as said: "3 of your 8 pending leads", "all 4 pending leads",
/// "both pending leads", "your pending lead".
fn of_pending(m: u64, p: u64) -> String {
    match (m, p) {
        (1, 1) => "your pending lead".into(),
        (2, 2) => "both pending leads".into(),
        (m, p) if m == p => format!("all {p} pending leads"),
        (m, p) => format!("{m} of your {p} pending leads"),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Safe => "safe",
        Verdict::AtRisk => "at_risk",
        Verdict::Below => "below",
    }
}

impl AccountStatus {
    /// The account's figures, in the fields `status --json` has always had at its top level.
    fn json(
        &self,
        as_of: DateTime<Utc>,
        urgent_window: TimeDelta,
    ) -> serde_json::Map<String, Value> {
        let r = &self.rate;
        let t = &r.tally;
        let (must, best) = match r.must_answer {
            MustAnswer::Reachable(m) => (Some(m), None),
            MustAnswer::Unreachable { best } => (None, Some(best.to_f64())),
        };
        let value = json!({
            "window_days": self.window_days,
            "threshold": r.threshold.to_f64(),
            // Contract-compatible figures (GET /v1/response-rate), plus the local breakdown.
            "rate": r.rate.map(Ratio::to_f64),
            "responded": t.responded(),
            "received": t.received(),
            "accepted": t.accepted,
            "rejected": t.rejected,
            "lapsed": t.lapsed,
            "pending": t.pending,
            "worst_case_rate": r.worst_case.map(Ratio::to_f64),
            "lapse_allowance": r.lapse_allowance,
            "must_answer": must,
            "best_reachable_rate": best,
            "median_response_seconds": self.speed_to_lead.map(|d| d.num_seconds()),
            "verdict": verdict_code(r.verdict),
            "verdict_text": self.verdict_line(as_of),
            "queue": queue_json(&self.queue, as_of, urgent_window),
            "platform": self.reported.as_ref().map(|p| json!({
                "rate": p.rate().map(Ratio::to_f64),
                "responded": p.responded,
                "received": p.received,
                "as_of": p.as_of,
                "fetched_at": p.fetched_at,
                "age_seconds": (as_of - p.fetched_at).num_seconds(),
            })),
        });
        match value {
            Value::Object(map) => map,
            _ => unreachable!("json! of an object"),
        }
    }
}

fn queue_json(q: &QueueSummary, as_of: DateTime<Utc>, urgent_window: TimeDelta) -> Value {
    json!({
        "pending": q.pending,
        "urgent": q.urgent,
        "urgent_window_seconds": urgent_window.num_seconds(),
        "next_expiry": q.next.as_ref().map(|(id, at)| json!({
            "id": id,
            "expires_at": at,
            "expires_in_seconds": (*at - as_of).num_seconds(),
        })),
        "last_arrival": q.last_arrival,
    })
}

/// The top level is one account's figures, as it has always been: the single source's, or with
/// several accounts the one `--check` exits by (named in `account`); `queue`, `spend` and
/// `followups` cover every account; `accounts` has each one's figures, with its name and kind.
impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let worst = self.worst();
        let mut top = serde_json::Map::new();
        top.insert("as_of".into(), json!(self.as_of));
        if self.several {
            top.insert("account".into(), json!(worst.name));
        }
        top.extend(worst.json(self.as_of, self.urgent_window));
        top.insert(
            "queue".into(),
            queue_json(&self.queue, self.as_of, self.urgent_window),
        );
        top.insert("spend".into(), json!(self.spend));
        top.insert("followups".into(), json!(self.followups));
        let accounts: Vec<Value> = self
            .accounts
            .iter()
            .map(|a| {
                let mut m = serde_json::Map::new();
                m.insert("name".into(), json!(a.name));
                m.insert("kind".into(), json!(a.kind.as_str()));
                m.extend(a.json(self.as_of, self.urgent_window));
                Value::Object(m)
            })
            .collect();
        top.insert("accounts".into(), Value::Array(accounts));
        Value::Object(top).serialize(s)
    }
}
