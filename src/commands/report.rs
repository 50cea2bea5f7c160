//! `leads report`: what the leads cost and earned over a period. Received, answered, accepted,
//! spend, how fast you replied after paying, how many conversations developed, wins, revenue, cost
//! per win, win rate, and the fees wasted on leads nobody wrote to; per category, month or fee
//! with `--by`; on a terminal, the weekly response rate against the threshold and weekly spend
//! and wins as charts.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::context::Ctx;
use crate::domain::budget::week_start;
use crate::domain::conversation::{Log, standing};
use crate::domain::filter::{KindFilter, LeadFilter, StatusFilter};
use crate::domain::freshness::{compact, effective_status};
use crate::domain::lead::{Lead, Status};
use crate::domain::money::{Money, format_totals, format_units, totals};
use crate::domain::rate::{Ratio, percent};
use crate::domain::report::{Figures, Week};
use crate::error::{CliError, Exit};
use crate::render::{self, Format, Report, Style, write_stdout};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The period: leads that arrived since then (a span back such as 90d, or a date)
    #[arg(long, value_name = "WHEN", default_value = "90d")]
    pub since: String,

    /// Break the figures down by category, by month of arrival, or by contact fee
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<By>,

    /// Comma-separated values for a spreadsheet: one row per group (or the total), amounts in
    /// major units
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Category,
    Month,
    Fee,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let now = ctx.now();
    let since = ctx.parse_time("--since", &args.since)?;
    if since >= now {
        return Err(
            CliError::usage(format!("--since {:?} is not in the past", args.since))
                .with_hint("give a span back from now, such as 90d, or an earlier date"),
        );
    }
    let report = gather(ctx, since, now, args.by)?;
    if args.csv {
        write_stdout(&report.csv())?;
        return Ok(Exit::Ok);
    }
    if report.total.received == 0 && ctx.out.format != Format::Json {
        ctx.out.note(&format!(
            "No New Leads arrived since {}: nothing to report. `leads report --since 365d` looks further back.",
            ctx.out.local(since)
        ));
        return Ok(Exit::Ok);
    }
    ctx.out.emit(&report)?;
    Ok(Exit::Ok)
}

fn gather(
    ctx: &Ctx,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    by: Option<By>,
) -> Result<ReportView, CliError> {
    let shelf = ctx.config.freshness.shelf_life;
    let timing = ctx.config.followups.timing();
    let source = ctx.source()?;
    // The accepted leads come with their conversations, in one read; the others by status, so
    // no lead is read twice. Pending, expired (lapsed included) and rejected never overlap.
    let in_period = |l: &Lead| l.created_at >= since && l.created_at <= now;
    let mut received: Vec<(Lead, Option<Log>)> = source
        .conversations(since)?
        .into_iter()
        .filter(|(l, _)| in_period(l))
        .map(|(l, log)| (l, Some(log)))
        .collect();
    for status in [
        StatusFilter::Pending,
        StatusFilter::Expired,
        StatusFilter::Rejected,
    ] {
        let filter = LeadFilter {
            status,
            kind: KindFilter::NewLead,
            ..LeadFilter::default()
        };
        received.extend(
            source
                .select(&filter, now, shelf)?
                .into_iter()
                .filter(in_period)
                .map(|l| (l, None)),
        );
    }

    let offset = *ctx.clock.now.offset();
    let week_of = |t: DateTime<Utc>| week_start(t.with_timezone(&offset));
    let mut weeks: Vec<Week> = Vec::new();
    let mut start = week_of(since);
    while start <= now {
        weeks.push(Week {
            start,
            received: 0,
            responded: 0,
            pending: 0,
            spend: Vec::new(),
            won: 0,
        });
        start += TimeDelta::weeks(1);
    }

    let mut total = Figures::default();
    let mut groups: Vec<(String, Figures)> = Vec::new();
    for (lead, log) in &received {
        // An accepted lead outside the conversations read has had no contact since `since`.
        let log = log.clone().unwrap_or_default();
        let s = standing(lead, &log, lead.outcome.as_ref(), now, timing);
        let conversation = s.as_ref().map(|s| (&log, s));
        let status = effective_status(lead, now, shelf);
        let lapsed = status == Status::Expired;
        total.add(lead, conversation, lapsed);
        if let Some(by) = by {
            let key = group_key(by, lead, ctx);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, f)) => f.add(lead, conversation, lapsed),
                None => {
                    let mut f = Figures::default();
                    f.add(lead, conversation, lapsed);
                    groups.push((key, f));
                }
            }
        }
        let start = week_of(lead.created_at);
        if let Some(w) = weeks.iter_mut().find(|w| w.start == start) {
            w.received += 1;
            match status {
                Status::Accepted | Status::Rejected => w.responded += 1,
                Status::Pending => w.pending += 1,
                Status::Expired => {}
            }
            if lead.status == Status::Accepted {
                w.spend.push(lead.fee);
            }
            if s.is_some_and(|s| s.stage == crate::domain::conversation::Stage::Won) {
                w.won += 1;
            }
        }
    }
    for w in &mut weeks {
        w.spend = totals(std::mem::take(&mut w.spend))?;
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let groups = groups
        .into_iter()
        .map(|(key, f)| {
            Ok(Group {
                key,
                figures: f.finish()?,
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    Ok(ReportView {
        since,
        until: now,
        by,
        total: total.finish()?,
        groups,
        weeks,
        threshold: ctx.config.response_rate.threshold.to_f64(),
        offset,
    })
}

fn group_key(by: By, lead: &Lead, ctx: &Ctx) -> String {
    match by {
        By::Category => lead.category.clone(),
        By::Month => lead
            .created_at
            .with_timezone(&ctx.out.offset)
            .format("%Y-%m")
            .to_string(),
        By::Fee => lead.fee.to_string(),
    }
}

#[derive(Serialize)]
struct Group {
    key: String,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Serialize)]
struct ReportView {
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<By>,
    total: Figures,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<Group>,
    weeks: Vec<Week>,
    #[serde(skip)]
    threshold: f64,
    #[serde(skip)]
    offset: chrono::FixedOffset,
}

fn money(m: &[Money]) -> String {
    if m.is_empty() {
        "—".into()
    } else {
        format_totals(m)
    }
}

impl ReportView {
    fn summary(&self, f: &Figures) -> Vec<(&'static str, String)> {
        vec![
            (
                "Leads",
                format!(
                    "{} received · {} answered · {} accepted · {} lapsed",
                    f.received, f.answered, f.accepted, f.lapsed
                ),
            ),
            ("Spend", money(&f.spend)),
            (
                "First reply",
                f.median_first_reply_seconds
                    .map_or("— (no replies yet)".into(), |s| {
                        format!(
                            "{} median from accept to your first reply",
                            compact(TimeDelta::seconds(s))
                        )
                    }),
            ),
            (
                "Outcomes",
                format!(
                    "{} developing · {} won · {} lost · win rate {}",
                    f.developing,
                    f.won,
                    f.lost,
                    percent(Ratio::new(f.won, f.accepted))
                ),
            ),
            ("Revenue", money(&f.revenue)),
            ("Cost per win", money(&f.cost_per_win)),
            (
                "Wasted",
                format!("{} on leads you never wrote to", money(&f.wasted_spend)),
            ),
        ]
    }

    fn charts(&self) -> String {
        if self.weeks.len() < 2 {
            return String::new();
        }
        // Chart coordinates only: figures are printed from the exact counts and amounts.
        let last = (self.weeks.len() - 1) as f32;
        let week = |i: usize| {
            self.weeks[i]
                .start
                .with_timezone(&self.offset)
                .format("%m-%d")
                .to_string()
        };
        let starts: Vec<String> = (0..self.weeks.len()).map(week).collect();
        let draw = |shapes: &[textplots::Shape],
                    height: u32,
                    y: Option<(f32, f32)>,
                    unit: &'static str| {
            use textplots::{Chart, LabelBuilder, LabelFormat, Plot};
            let mut chart = match y {
                Some((lo, hi)) => Chart::new_with_y_range(120, height, 0.0, last, lo, hi),
                None => Chart::new(120, height, 0.0, last),
            };
            let mut drawn = &mut chart;
            for shape in shapes {
                drawn = drawn.lineplot(shape);
            }
            let starts = starts.clone();
            let drawn = drawn
                .x_label_format(LabelFormat::Custom(Box::new(move |x| {
                    starts.get(x.round() as usize).cloned().unwrap_or_default()
                })))
                .y_label_format(LabelFormat::Custom(Box::new(move |y| {
                    format!("{y:.0}{unit}")
                })));
            drawn.figures();
            drawn.to_string()
        };
        let threshold = (self.threshold * 100.0) as f32;
        let rate: Vec<(f32, f32)> = self
            .weeks
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((i as f32, (w.rate()?.to_f64() * 100.0) as f32)))
            .collect();
        let line = [(0.0, threshold), (last, threshold)];
        // From a little under the lowest of the rates and the line, so the part that matters
        // fills the chart.
        let lowest = rate.iter().map(|p| p.1).fold(threshold, f32::min);
        let floor = ((lowest - 10.0) / 10.0).floor().max(0.0) * 10.0;
        let mut out = format!(
            "Response rate by week of arrival, against the {}% line ({} … {})\n",
            threshold.round(),
            week(0),
            week(self.weeks.len() - 1)
        );
        use textplots::Shape;
        out.push_str(&draw(
            &[Shape::Lines(&rate), Shape::Lines(&line)],
            32,
            Some((floor, 100.0)),
            "%",
        ));
        if let Some(currency) = self.total.spend.first().map(|m| m.currency) {
            let scale = 10f32.powi(currency.exponent() as i32);
            let spend: Vec<(f32, f32)> = self
                .weeks
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let amount = w
                        .spend
                        .iter()
                        .find(|m| m.currency == currency)
                        .map_or(0, |m| m.amount);
                    (i as f32, amount as f32 / scale)
                })
                .collect();
            let wins: Vec<(f32, f32)> = self
                .weeks
                .iter()
                .enumerate()
                .map(|(i, w)| (i as f32, w.won as f32))
                .collect();
            out.push_str(&format!("\nSpend per week ({currency})\n"));
            out.push_str(&draw(&[Shape::Bars(&spend)], 24, None, ""));
            out.push_str("\nWins per week\n");
            out.push_str(&draw(&[Shape::Bars(&wins)], 16, None, ""));
        }
        out
    }

    fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let major = |m: &[Money]| {
            m.first().map_or(String::new(), |m| {
                let sign = if m.amount < 0 { "-" } else { "" };
                format!("{sign}{}", format_units_plain(m))
            })
        };
        let currency = |f: &Figures| {
            f.spend
                .first()
                .or(f.revenue.first())
                .map_or(String::new(), |m| m.currency.code().to_string())
        };
        let _ = w.write_record([
            "group",
            "received",
            "answered",
            "accepted",
            "lapsed",
            "currency",
            "spend",
            "median_first_reply_seconds",
            "developing",
            "won",
            "lost",
            "revenue",
            "cost_per_win",
            "win_rate",
            "wasted_spend",
        ]);
        let mut rows: Vec<(&str, &Figures)> = self
            .groups
            .iter()
            .map(|g| (g.key.as_str(), &g.figures))
            .collect();
        rows.push(("total", &self.total));
        for (key, f) in rows {
            let _ = w.write_record([
                key.to_string(),
                f.received.to_string(),
                f.answered.to_string(),
                f.accepted.to_string(),
                f.lapsed.to_string(),
                currency(f),
                major(&f.spend),
                f.median_first_reply_seconds
                    .map_or(String::new(), |s| s.to_string()),
                f.developing.to_string(),
                f.won.to_string(),
                f.lost.to_string(),
                major(&f.revenue),
                major(&f.cost_per_win),
                f.win_rate.map_or(String::new(), |r| format!("{r:.4}")),
                major(&f.wasted_spend),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// "1800.50": major units with every minor digit and no grouping, as spreadsheets read numbers.
fn format_units_plain(m: &Money) -> String {
    let exp = m.currency.exponent();
    let grouped = format_units(m.amount.unsigned_abs(), exp);
    let digits: String = grouped.chars().filter(|c| *c != ',').collect();
    if exp == 0 || digits.contains('.') {
        digits
    } else {
        format!("{digits}.{}", "0".repeat(exp as usize))
    }
}

impl Report for ReportView {
    fn human(&self, style: &Style) -> String {
        let mut out = format!(
            "{}\n",
            style.bold(&format!(
                "Since {} ({} days)",
                self.since.with_timezone(&self.offset).format("%Y-%m-%d"),
                (self.until - self.since).num_days()
            ))
        );
        let rows = self.summary(&self.total);
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in rows {
            // A long value wraps under itself, clear of the labels.
            out.push_str(&style.wrap(&format!("{k:<width$}  {v}"), width + 2));
            out.push('\n');
        }
        if !self.groups.is_empty() {
            out.push('\n');
            use render::table::{Cell, Cells, Column, GiveWay, Table};
            let column = |header, cells| Column { header, cells };
            let columns = vec![
                column("GROUP", Cells::Cut(12)),
                column("RECEIVED", Cells::Whole),
                column("ACCEPTED", Cells::Whole),
                column("SPEND", Cells::Whole),
                column("WON", Cells::Whole),
                column("REVENUE", Cells::Whole),
                column("COST/WIN", Cells::Whole),
                column("WASTED", Cells::Whole),
            ];
            // On a narrow terminal long group names are cut, then the derived figures go:
            // waste, then cost per win (revenue and spend say it).
            let give_way = vec![GiveWay::Cut, GiveWay::Drop(7), GiveWay::Drop(6)];
            let mut table = Table::new(columns, give_way);
            for g in &self.groups {
                let f = &g.figures;
                table.add_row(
                    [
                        g.key.clone(),
                        f.received.to_string(),
                        f.accepted.to_string(),
                        money(&f.spend),
                        f.won.to_string(),
                        money(&f.revenue),
                        money(&f.cost_per_win),
                        money(&f.wasted_spend),
                    ]
                    .into_iter()
                    .map(Cell::new)
                    .collect(),
                );
            }
            out.push_str(&format!("{}\n", table.render(style)));
        }
        let charts = self.charts();
        if !charts.is_empty() {
            out.push('\n');
            out.push_str(&charts);
        }
        out
    }

    /// Piped: the summary without charts, which only a terminal can draw.
    fn plain(&self, _: &Style) -> String {
        let mut out = String::new();
        for (k, v) in self.summary(&self.total) {
            render::push_tsv_row(&mut out, [k, v.as_str()]);
        }
        out
    }
}
