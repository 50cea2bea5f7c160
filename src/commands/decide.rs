//! The decision workflow that `leads accept` and `leads reject` share: select leads (ids, stdin or
//! filters), check each, preview fees and the rate effect, guard the budget, confirm, decide in
//! committed batches, and report every lead.

use std::collections::HashSet;
use std::io::Read;

use serde::Serialize;

use super::filters::{FilterArgs, StatusFlag};
use super::rates::{self, Answered, RateChange};
use crate::context::Ctx;
use crate::domain::budget::{WeekSpend, week_start};
use crate::domain::decision::{Contact, DecisionResult, Outcome, Skip, check};
use crate::domain::filter::KindFilter;
use crate::domain::lead::{Action, Lead, RejectReason};
use crate::domain::money::{Amount, Money, format_sum, format_totals, totals};
use crate::error::{CliError, Exit};
use crate::render::{self, Report, Style, text, untrusted};
use crate::store::{Decided, DecisionRequest};

/// Decisions committed per transaction in a bulk run. Each batch is one `BEGIN IMMEDIATE`
/// transaction, and its results are reported only after it commits; one fsync per lead would
/// make 10,000 rejections take twice as long.
const BATCH: usize = 100;

/// Which leads to decide: ids, `-` for stdin, or the filter flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// Lead ids; `-` reads them from stdin: one a line, JSON lines with an "id", or a JSON array
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    #[command(flatten)]
    pub filter: FilterArgs,

    #[command(flatten)]
    pub status: StatusFlag,

    /// Select every pending lead (needed when neither ids nor filters are given)
    #[arg(long, help_heading = "Filters")]
    pub all: bool,
}

/// The flags that keep a decision safe.
#[derive(Debug, Clone, clap::Args)]
pub struct Safety {
    /// Do not ask for confirmation (needed without a terminal for an accept or for several leads)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Show what would be decided, the fees and the rate effect, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// What to do to the selected leads.
#[derive(Debug, Clone)]
pub struct Plan {
    pub action: Action,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
    pub max_fee: Option<Amount>,
    pub over_budget: bool,
}

/// A selected lead: the id as given, and the lead if the store has it.
pub struct Target {
    pub id: String,
    pub lead: Option<Lead>,
}

pub fn run(ctx: &Ctx, selection: Selection, safety: Safety, plan: Plan) -> Result<Exit, CliError> {
    let (targets, from_stdin) = select(ctx, &selection)?;
    let results = apply(
        ctx,
        targets,
        from_stdin,
        &safety,
        &plan,
        &mut Earlier::default(),
    )?;
    finish(ctx, &results, exit_for(&results))
}

/// What earlier steps of the same run decided (or, in a dry run, would have): a dry run writes
/// nothing, so the store cannot know them, and the next step's preview and budget guard add them
/// here, as the real run's store would. In a real run it stays empty.
#[derive(Debug, Default)]
pub struct Earlier {
    /// Accepts and rejects of leads in their account's rate window.
    answered: Answered,
    /// Fees of the accepts, per currency.
    fees: Vec<Money>,
}

/// Decides `targets` by `plan`: checks, preview, guards, confirmation, committed batches, and
/// the summary on stderr. A dry run goes through every check and guard the real run would, and
/// fails where it would fail, with the same exit code. Returns every lead's result for the caller
/// to print (`finish`); on a failure part-way, prints what was decided before it and returns the
/// error.
pub fn apply(
    ctx: &Ctx,
    targets: Vec<Target>,
    from_stdin: bool,
    safety: &Safety,
    plan: &Plan,
    earlier: &mut Earlier,
) -> Result<Vec<DecisionResult>, CliError> {
    let now = ctx.now();
    let shelf = ctx.config.freshness.shelf_life;
    let verb = Verb(plan.action);
    if targets.is_empty() {
        ctx.out.note(&format!(
            "Nothing to {}: no pending leads match.",
            verb.infinitive()
        ));
        return Ok(Vec::new());
    }

    // A first check, for the preview and the guards; the store checks again under its lock.
    let mut results: Vec<Option<DecisionResult>> = Vec::with_capacity(targets.len());
    let mut planned: Vec<&Lead> = Vec::new();
    for t in &targets {
        let verdict = match &t.lead {
            None => Err(Skip::Unknown),
            Some(lead) => check(lead, plan.action, plan.max_fee, now, shelf),
        };
        match verdict {
            Ok(()) => {
                planned.push(t.lead.as_ref().expect("checked"));
                results.push(None);
            }
            Err(why) => results.push(Some(skipped(&t.id, plan.action, &why))),
        }
    }

    let source = ctx.source()?;
    let (accepts, rejects): (&[&Lead], &[&Lead]) = match plan.action {
        Action::Accept => (&planned, &[]),
        Action::Reject => (&[], &planned),
    };
    let rate_change = projected_rate(
        ctx,
        earlier,
        accepts.iter().copied(),
        rejects.iter().copied(),
    )?;
    let fees = totals(planned.iter().filter_map(|l| fee_of(l, plan.action)))?;
    let week = week_start(ctx.clock.now);
    let mut spent = source.spent_since(week)?;
    spent.extend(earlier.fees.iter().copied());
    let spend = WeekSpend::new(week, totals(spent)?, ctx.config.budget.weekly_cap)?;
    let budget_after = spend.left_after(&fees)?;

    // A single free rejection needs no preview; money, many leads or a dry run do.
    let worth_previewing = plan.action == Action::Accept || planned.len() > 1 || safety.dry_run;
    if !planned.is_empty() && worth_previewing {
        // What a question will ask about shows even with -q: nobody confirms what they cannot see.
        let asks = !safety.yes && !safety.dry_run && ctx.can_prompt();
        let say = |text: &str| {
            if asks {
                ctx.out.warn(text)
            } else {
                ctx.out.note(text)
            }
        };
        say(&preview(
            plan,
            safety.dry_run,
            &planned,
            &fees,
            &spend,
            budget_after,
            &rate_change,
        ));
    }

    if planned.is_empty() {
        let results: Vec<DecisionResult> = results.into_iter().flatten().collect();
        ctx.out.note(&summary(&verb, &results, safety.dry_run, ""));
        return Ok(results);
    }

    if plan.action == Action::Accept
        && let Some(after) = budget_after
        && after.amount < 0
        && !plan.over_budget
    {
        let cap = spend.cap.expect("a budget left implies a cap");
        let nothing = if safety.dry_run {
            "a real run would accept nothing"
        } else {
            "nothing was accepted"
        };
        return Err(CliError::new(
            Exit::Declined,
            format!(
                "accepting {} for {} would take this week's spend {} over your {cap} weekly cap",
                count(planned.len(), "lead"),
                format_totals(&fees),
                Money::new(after.amount.saturating_neg(), after.currency),
            ),
        )
        .with_hint(format!("{nothing}; pass --over-budget to accept anyway, or --max-fee AMOUNT to take only the cheaper ones")));
    }

    if safety.dry_run {
        earlier
            .answered
            .add(ctx, plan.action, planned.iter().copied())?;
        earlier.fees.extend(fees.iter().copied());
        for (slot, t) in results.iter_mut().zip(&targets) {
            if slot.is_none() {
                let lead = t.lead.as_ref().expect("planned leads exist");
                *slot = Some(result(
                    &t.id,
                    plan.action,
                    Outcome::WouldDecide,
                    fee_of(lead, plan.action),
                ));
            }
        }
        // The preview above already said what would be decided and what it does to the rate;
        // only the skips are news.
        let results: Vec<DecisionResult> = results.into_iter().flatten().collect();
        if let Some(skips) = skips(&results) {
            ctx.out.note(&format!("Would skip {skips}"));
        }
        return Ok(results);
    }

    // Ids read from stdin leave no stdin to answer a question on.
    let cannot_ask = from_stdin || !ctx.can_prompt();
    confirm(plan, planned.len(), &fees, safety, cannot_ask)?;

    // Decide in committed batches, in selection order.
    let requests: Vec<DecisionRequest> = planned
        .iter()
        .map(|l| DecisionRequest {
            lead_id: l.id.clone(),
            action: plan.action,
            reason: plan.reason,
            note: plan.note.clone(),
            max_fee: plan.max_fee,
        })
        .collect();
    let progress = progress_bar(requests.len());
    let mut outcomes = Vec::with_capacity(requests.len());
    for batch in requests.chunks(BATCH) {
        match source.decide(batch, now, shelf) {
            Ok(done) => {
                progress.inc(done.len() as u64);
                outcomes.extend(done);
            }
            Err(e) => {
                // Whatever committed before is decided for good: report it, then the failure.
                progress.finish_and_clear();
                let done = merge(results, &targets, outcomes, plan.action);
                ctx.out.note(&summary(&verb, &done, false, ""));
                finish(ctx, &done, Exit::Failure)?;
                return Err(e.into());
            }
        }
    }
    progress.finish_and_clear();
    let results = merge(results, &targets, outcomes, plan.action);
    let actual = rate_change.settled(ctx)?;
    ctx.out
        .note(&summary(&verb, &results, false, &actual.to_string()));
    Ok(results)
}

/// Each account's rate now (with what `earlier` steps of a dry run would have decided), and as
/// it would be after accepting `accepts` and rejecting `rejects` too.
pub fn projected_rate<'a>(
    ctx: &Ctx,
    earlier: &Earlier,
    accepts: impl IntoIterator<Item = &'a Lead>,
    rejects: impl IntoIterator<Item = &'a Lead>,
) -> Result<RateChange, CliError> {
    rates::projected(ctx, &earlier.answered, accepts, rejects)
}

/// Resolves the selection into targets, in the order given. The flag says whether ids came from
/// stdin (which then cannot answer a prompt).
fn select(ctx: &Ctx, selection: &Selection) -> Result<(Vec<Target>, bool), CliError> {
    let now = ctx.now();
    let shelf = ctx.config.freshness.shelf_life;
    let filter = selection
        .filter
        .to_filter(selection.status.to_filter(), KindFilter::NewLead, ctx);
    let source = ctx.source()?;
    if selection.ids.is_empty() {
        if filter.is_unrestricted() && !selection.all {
            return Err(CliError::usage("no leads selected").with_hint(
                "give lead ids, - to read them from stdin, filters such as --category or --older-than, or --all for every pending lead",
            ));
        }
        let leads = source.select(&filter, now, shelf)?;
        let targets = leads
            .into_iter()
            .map(|l| Target {
                id: l.id.clone(),
                lead: Some(l),
            })
            .collect();
        return Ok((targets, false));
    }
    if !filter.is_unrestricted() || selection.all {
        return Err(CliError::usage(
            "give lead ids or filters (or --all), not both",
        )
        .with_hint("to decide some of a filtered set, pipe it: leads list --json --category moving | jq -c '.[]' | leads reject - --reason service"));
    }
    let mut ids = Vec::new();
    let mut from_stdin = false;
    for id in &selection.ids {
        if id == "-" {
            if from_stdin {
                continue;
            }
            from_stdin = true;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError::bad_input(format!("cannot read ids from stdin: {e}")))?;
            ids.extend(parse_ids(&text).map_err(|e| {
                CliError::bad_input(format!("stdin: {e}"))
                    .with_hint("give one id a line, JSON lines with an \"id\", or a JSON array; nothing was decided")
            })?);
        } else {
            ids.push(id.trim().to_string());
        }
    }
    let mut seen = HashSet::new();
    let mut targets = Vec::new();
    for id in ids {
        if id.is_empty() || !seen.insert(id.clone()) {
            continue;
        }
        let lead = source.get(&id)?;
        if lead.is_none()
            && let Some(hint) = ctx.unknown_hint(&id)
        {
            ctx.out.note(&format!("{id}: no such lead; {hint}"));
        }
        targets.push(Target { id, lead });
    }
    Ok((targets, from_stdin))
}

/// Ids from text: one a line, or JSON lines / a JSON array of objects with an "id" (as
/// `leads list --json` and `jq -c '.[]'` print them), or of plain strings.
pub fn parse_ids(text: &str) -> Result<Vec<String>, String> {
    fn id_of(v: &serde_json::Value, at: &str) -> Result<String, String> {
        match v {
            serde_json::Value::String(s) => Ok(s.trim().to_string()),
            serde_json::Value::Object(o) => match o.get("id") {
                Some(serde_json::Value::String(s)) => Ok(s.trim().to_string()),
                _ => Err(format!("{at}: a JSON object without a string \"id\"")),
            },
            _ => Err(format!("{at}: expected an id or an object with an \"id\"")),
        }
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(trimmed).map_err(|e| format!("not a valid JSON array: {e}"))?;
        return items
            .iter()
            .enumerate()
            .map(|(i, v)| id_of(v, &format!("item {}", i + 1)))
            .collect();
    }
    let mut ids = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('{') {
            let at = format!("line {}", i + 1);
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{at}: not valid JSON: {e}"))?;
            ids.push(id_of(&v, &at)?);
        } else if line.contains(char::is_whitespace) {
            return Err(format!(
                "line {}: {line:?} is not an id (ids have no spaces)",
                i + 1
            ));
        } else {
            ids.push(line.to_string());
        }
    }
    Ok(ids)
}

fn fee_of(lead: &Lead, action: Action) -> Option<Money> {
    (action == Action::Accept).then_some(lead.fee)
}

fn preview(
    plan: &Plan,
    dry_run: bool,
    planned: &[&Lead],
    fees: &[Money],
    spend: &WeekSpend,
    budget_after: Option<Money>,
    rate: &RateChange,
) -> String {
    let verb = Verb(plan.action);
    let what = if dry_run {
        format!("Would {}", verb.infinitive())
    } else {
        verb.capitalised().to_string()
    };
    let mut out = format!("{what} {}", count(planned.len(), "lead"));
    if let Some(r) = plan.reason {
        out.push_str(&format!(" (reason: {})", r.as_str()));
    }
    out.push(':');
    if plan.action == Action::Accept {
        // The fee of each lead, because this is the moment money is committed; the fees in one
        // column, so the service is padded by the columns it takes, not its characters.
        // Ids of several accounts are longer: the widest shown sets the column.
        let shown = &planned[..planned.len().min(20)];
        let width = shown
            .iter()
            .map(|l| text::width(&untrusted::line(&l.id)))
            .max()
            .unwrap_or(0)
            .max(10);
        for lead in shown {
            let service = untrusted::line(&lead.service);
            let service = text::pad(&text::truncate(&service, 34), 34);
            let id = text::pad(&untrusted::line(&lead.id), width);
            out.push_str(&format!("\n  {id} {service} {}", lead.fee));
        }
        if planned.len() > 20 {
            out.push_str(&format!("\n  … and {} more", planned.len() - 20));
        }
        out.push_str(&format!("\n  total {}", format_totals(fees)));
        match (spend.left, budget_after) {
            (Some(left), Some(after)) => {
                out.push_str(&format!(" · budget left this week {left} → {after}"));
            }
            _ => out.push_str(" · no weekly cap set"),
        }
        out.push_str("\n ");
    }
    out.push_str(&format!(" {rate}"));
    out
}

/// Asks on the terminal when a decision needs it; without one, refuses unless --yes.
fn confirm(
    plan: &Plan,
    n: usize,
    fees: &[Money],
    safety: &Safety,
    cannot_ask: bool,
) -> Result<(), CliError> {
    let needed = plan.action == Action::Accept || n > 1;
    if !needed || safety.yes {
        return Ok(());
    }
    let verb = Verb(plan.action);
    if cannot_ask {
        let what = if plan.action == Action::Accept {
            format!("accepting {} ({})", count(n, "lead"), format_totals(fees))
        } else {
            format!("rejecting {} at once", count(n, "lead"))
        };
        return Err(CliError::usage(format!(
            "{what} needs confirmation, but there is no terminal to ask on (or --no-input is set)"
        ))
        .with_hint(format!(
            "pass --yes to {} without asking, or --dry-run to see what would happen",
            verb.infinitive()
        )));
    }
    let question = match plan.action {
        Action::Accept => format!("Accept {} for {}?", count(n, "lead"), format_totals(fees)),
        Action::Reject => format!("Reject {}?", count(n, "lead")),
    };
    ask(&question, &format!("nothing {}", verb.past()))
}

/// Asks a yes/no question on the terminal (no by default); a no is exit 8 with `declined`.
pub fn ask(question: &str, declined: &str) -> Result<(), CliError> {
    let yes = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact_on(&dialoguer::console::Term::stderr())
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot ask for confirmation: {e}")))?;
    if yes {
        Ok(())
    } else {
        Err(CliError::new(Exit::Declined, declined))
    }
}

fn progress_bar(n: usize) -> indicatif::ProgressBar {
    // Only for long runs, and only where someone is watching: indicatif draws nothing when
    // stderr is not a terminal.
    if n <= BATCH * 2 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} decided · {eta} left")
            .expect("a valid template"),
    );
    bar
}

/// Puts the store's outcomes into the places left for them, in selection order.
fn merge(
    mut results: Vec<Option<DecisionResult>>,
    targets: &[Target],
    outcomes: Vec<Decided>,
    action: Action,
) -> Vec<DecisionResult> {
    let mut outcomes = outcomes.into_iter();
    for (slot, t) in results.iter_mut().zip(targets) {
        if slot.is_some() {
            continue;
        }
        *slot = match outcomes.next() {
            Some(Decided::Done { charge, lead, .. }) => Some(DecisionResult {
                contact: (action == Action::Accept).then(|| Contact::from(&lead.customer)),
                ..result(&t.id, action, Outcome::Decided, charge)
            }),
            Some(Decided::Skipped { why, .. }) => Some(skipped(&t.id, action, &why)),
            Some(Decided::Queued { why, .. }) => Some(queued(&t.id, action, &why)),
            None => None, // not reached: a batch failed before it
        };
    }
    results.into_iter().flatten().collect()
}

fn result(id: &str, action: Action, outcome: Outcome, fee: Option<Money>) -> DecisionResult {
    DecisionResult {
        id: id.to_string(),
        action,
        outcome,
        why: None,
        why_text: None,
        fee,
        group: None,
        contact: None,
    }
}

fn skipped(id: &str, action: Action, why: &Skip) -> DecisionResult {
    DecisionResult {
        id: id.to_string(),
        action,
        outcome: Outcome::Skipped,
        why: Some(why.code()),
        why_text: Some(why.to_string()),
        fee: None,
        group: Some(why.group()),
        contact: None,
    }
}

fn queued(id: &str, action: Action, why: &str) -> DecisionResult {
    DecisionResult {
        id: id.to_string(),
        action,
        outcome: Outcome::Queued,
        why: None,
        why_text: Some(why.to_string()),
        fee: None,
        group: None,
        contact: None,
    }
}

/// A script must tell "done", "partly done" and "nothing done" apart: queued wins (it needs a
/// `leads sync`), then a run where every lead was skipped (6 when they were all unknown ids, as
/// `leads show` says), then a run with some skipped.
pub fn exit_for(results: &[DecisionResult]) -> Exit {
    let skipped = |r: &&DecisionResult| r.outcome == Outcome::Skipped;
    if results.iter().any(|r| r.outcome == Outcome::Queued) {
        Exit::Queued
    } else if !results.is_empty() && results.iter().all(|r| skipped(&r)) {
        if results.iter().all(|r| r.why == Some(Skip::Unknown.code())) {
            Exit::NotFound
        } else {
            Exit::AllSkipped
        }
    } else if results.iter().any(|r| skipped(&r)) {
        Exit::Partial
    } else {
        Exit::Ok
    }
}

/// "Rejected 42 · skipped 3 (2 already decided, 1 lapsed) · rate 76% → 84% · lapse allowance 0 → 3"
fn summary(verb: &Verb, results: &[DecisionResult], dry_run: bool, rate: &str) -> String {
    let decided: Vec<&DecisionResult> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Decided | Outcome::WouldDecide))
        .collect();
    let queued: Vec<&DecisionResult> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Queued)
        .collect();
    // A queued decision is made, here: only the sending waits (said last, with why).
    let made = decided.len() + queued.len();
    let mut out = match (dry_run, made) {
        (true, 0) => format!("Nothing to {}", verb.infinitive()),
        (true, n) => format!("Would {} {n}", verb.infinitive()),
        (false, 0) => format!("Nothing {}", verb.past()),
        (false, n) if n == queued.len() => format!("{} {n} here", capitalise(verb.past())),
        (false, n) => format!("{} {n}", capitalise(verb.past())),
    };
    if decided.iter().any(|r| r.fee.is_some()) {
        out.push_str(&format!(
            " for {}",
            format_sum(decided.iter().filter_map(|r| r.fee))
        ));
    }
    if let Some(skips) = skips(results) {
        out.push_str(&format!(" · skipped {skips}"));
    }
    if !rate.is_empty() && made > 0 {
        out.push_str(&format!(" · {rate}"));
    }
    // Last, with why: the one part the user may need to act on.
    if let Some(first) = queued.first() {
        out.push_str(&format!(
            " · queued {}: `leads sync` will send {} ({})",
            queued.len(),
            if queued.len() == 1 { "it" } else { "them" },
            first.why_text.as_deref().unwrap_or("not sent")
        ));
    }
    out
}

/// "3 (2 already decided, 1 lapsed)": how many were skipped and why, or None when none were.
fn skips(results: &[DecisionResult]) -> Option<String> {
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for r in results.iter().filter(|r| r.outcome == Outcome::Skipped) {
        let group = r.group.unwrap_or("unknown");
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, n)) => *n += 1,
            None => groups.push((group, 1)),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let n: usize = groups.iter().map(|(_, n)| n).sum();
    let detail = groups
        .iter()
        .map(|(g, n)| format!("{n} {g}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("{n} ({detail})"))
}

/// Prints the per-lead results, then whom to call, and returns the exit code.
pub fn finish(ctx: &Ctx, results: &[DecisionResult], exit: Exit) -> Result<Exit, CliError> {
    // JSON is always a document, `[]` included, so a script can parse what it gets.
    if !results.is_empty() || ctx.out.format == crate::render::Format::Json {
        ctx.out.emit(&Results(results))?;
    }
    // Last, where the eye lands, and on stderr for people: calling fast is what the fee was for.
    for r in results {
        if let Some(contact) = &r.contact {
            let contact = untrusted::line(&contact.to_string()).into_owned();
            ctx.out.note(&format!("Contact {}: {contact}", r.id));
        }
    }
    Ok(exit)
}

#[derive(Serialize)]
#[serde(transparent)]
struct Results<'a>(&'a [DecisionResult]);

impl Report for Results<'_> {
    /// On a terminal: every lead of a small run; of a large one, only the skipped (the summary
    /// on stderr has the counts).
    fn human(&self, style: &Style) -> String {
        let small = self.0.len() <= 20;
        let mut out = String::new();
        let mut shown = 0;
        for r in self.0 {
            if !small && r.outcome != Outcome::Skipped {
                continue;
            }
            if shown == 20 {
                out.push_str(&style.dim("  … (--plain or --json lists every lead)\n"));
                break;
            }
            shown += 1;
            // The id may hold invisible characters; a platform's refusal is its own words.
            let id = untrusted::line(&r.id);
            let why = untrusted::line(r.why_text.as_deref().unwrap_or(""));
            out.push_str(&match r.outcome {
                Outcome::Queued => format!("  {} {id}: {why}\n", style.bold("queued")),
                Outcome::Skipped => format!("  {} {id}: {why}\n", style.dim("skipped")),
                Outcome::Decided | Outcome::WouldDecide => {
                    let what = if r.outcome == Outcome::WouldDecide {
                        format!("would {}", r.action.as_str())
                    } else {
                        Verb(r.action).past().to_string()
                    };
                    let fee = r.fee.map(|f| format!("  {f}")).unwrap_or_default();
                    format!("  {} {id}{fee}\n", style.bold(&what))
                }
            });
        }
        out
    }

    /// id, action, outcome, why, fee: one lead a line.
    fn plain(&self, _: &Style) -> String {
        let mut out = String::new();
        for r in self.0 {
            let outcome = match r.outcome {
                Outcome::Decided => "decided",
                Outcome::Skipped => "skipped",
                Outcome::WouldDecide => "would_decide",
                Outcome::Queued => "queued",
            };
            render::push_tsv_row(
                &mut out,
                [
                    r.id.as_str(),
                    r.action.as_str(),
                    outcome,
                    r.why.unwrap_or(""),
                    &r.fee.map(|f| f.to_string()).unwrap_or_default(),
                ],
            );
        }
        out
    }
}

struct Verb(Action);

impl Verb {
    fn infinitive(&self) -> &'static str {
        self.0.as_str()
    }

    fn past(&self) -> &'static str {
        match self.0 {
            Action::Accept => "accepted",
            Action::Reject => "rejected",
        }
    }

    fn capitalised(&self) -> &'static str {
        match self.0 {
            Action::Accept => "Accept",
            Action::Reject => "Reject",
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_as_lines_json_lines_or_a_json_array() {
        assert_eq!(parse_ids("a\n\n b \n").unwrap(), ["a", "b"]);
        assert_eq!(
            parse_ids("{\"id\":\"a\",\"fee\":1}\n{\"id\":\"b\"}\n").unwrap(),
            ["a", "b"]
        );
        assert_eq!(parse_ids("[{\"id\":\"a\"}, \"b\"]").unwrap(), ["a", "b"]);
        assert!(
            parse_ids("{\"name\":\"x\"}")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(parse_ids("two words").unwrap_err().contains("not an id"));
    }

    #[test]
    fn the_summary_counts_skips_by_kind() {
        let ok = result("a", Action::Reject, Outcome::Decided, None);
        let s1 = skipped("b", Action::Reject, &Skip::Unknown);
        let s2 = skipped("c", Action::Reject, &Skip::Expired);
        let s3 = skipped("d", Action::Reject, &Skip::Expired);
        let line = summary(
            &Verb(Action::Reject),
            &[ok, s1, s2, s3],
            false,
            "rate 76% → 84%",
        );
        assert_eq!(
            line,
            "Rejected 1 · skipped 3 (1 unknown, 2 lapsed) · rate 76% → 84%"
        );
    }

    #[test]
    fn a_queued_decision_counts_as_made_here() {
        let sent = result("a", Action::Accept, Outcome::Decided, None);
        let waiting = queued("b", Action::Accept, "not sent: --offline");
        let accept = Verb(Action::Accept);
        assert_eq!(
            summary(
                &accept,
                std::slice::from_ref(&waiting),
                false,
                "rate 80% → 81%"
            ),
            "Accepted 1 here · rate 80% → 81% · queued 1: `leads sync` will send it (not sent: --offline)"
        );
        assert_eq!(
            summary(&accept, &[sent, waiting], false, ""),
            "Accepted 2 · queued 1: `leads sync` will send it (not sent: --offline)"
        );
    }
}
