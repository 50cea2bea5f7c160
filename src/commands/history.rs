//! `leads history`: the decision log. PROs dispute platform figures; this is their record.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::filters::FilterArgs;
use crate::context::Ctx;
use crate::domain::filter::{KindFilter, StatusFilter};
use crate::domain::freshness::compact;
use crate::domain::lead::{Action, Kind};
use crate::domain::money::{Money, format_sum};
use crate::error::{CliError, Exit};
use crate::render::{self, Format, Report, Style, write_stdout};
use crate::store::{DecisionRecord, HistoryQuery};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only decisions made since then: a span back from now (7d, 12h), a date (2026-11-01, local
    /// midnight) or an RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Only accepts or only rejects
    #[arg(long, value_enum, value_name = "ACTION")]
    pub action: Option<ActionArg>,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Print CSV with a header row (for a spreadsheet), instead of a table
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ActionArg {
    Accept,
    Reject,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let since = args
        .since
        .as_deref()
        .map(|s| ctx.parse_time("--since", s))
        .transpose()?;
    let query = HistoryQuery {
        since,
        action: args.action.map(|a| match a {
            ActionArg::Accept => Action::Accept,
            ActionArg::Reject => Action::Reject,
        }),
        // Promotions were charged too, so the log shows them unless --kind says otherwise.
        filter: args
            .filter
            .to_filter(StatusFilter::All, KindFilter::All, ctx),
    };
    let records = ctx
        .source()?
        .history(&query, ctx.now(), ctx.config.freshness.shelf_life)?;
    let log = Log {
        rows: records.iter().map(|r| Row::new(r, ctx)).collect(),
    };
    let unfiltered = args.since.is_none()
        && args.action.is_none()
        && args.filter.kind.is_none()
        && query.filter.is_unrestricted();
    if args.csv {
        write_stdout(&log.csv())?;
    } else if log.rows.is_empty() && ctx.out.format != Format::Json {
        ctx.out.note(if unfiltered {
            "No decisions yet: each accept and reject (`leads inbox`, `leads reject`) is logged here."
        } else {
            "No decisions match these filters. `leads history` without them shows them all."
        });
    } else {
        ctx.out.emit(&log)?;
    }
    Ok(Exit::Ok)
}

/// One decision as the log prints it.
#[derive(Serialize)]
struct Row {
    id: String,
    service: String,
    category: String,
    kind: Kind,
    arrived_at: DateTime<Utc>,
    decided_at: DateTime<Utc>,
    response_seconds: i64,
    action: Action,
    reason: Option<&'static str>,
    note: Option<String>,
    fee_paid: Option<Money>,
    /// `local`: decided with leads; `import`: arrived already decided.
    origin: String,
    #[serde(skip)]
    local: [String; 2],
    /// The decision time without its year, for a narrow terminal.
    #[serde(skip)]
    short_decided: String,
    #[serde(skip)]
    reason_alias: Option<&'static str>,
}

impl Row {
    fn new(r: &DecisionRecord, ctx: &Ctx) -> Row {
        Row {
            id: r.lead.id.clone(),
            service: r.lead.service.clone(),
            category: r.lead.category.clone(),
            kind: r.lead.kind,
            arrived_at: r.lead.created_at,
            decided_at: r.decision.decided_at,
            response_seconds: (r.decision.decided_at - r.lead.created_at).num_seconds(),
            action: r.decision.action,
            reason: r.decision.reason.map(|x| x.as_str()),
            note: r.decision.note.clone(),
            fee_paid: r.charge,
            origin: r.origin.clone(),
            local: [
                ctx.out.local(r.lead.created_at),
                ctx.out.local(r.decision.decided_at),
            ],
            short_decided: r
                .decision
                .decided_at
                .with_timezone(&ctx.out.offset)
                .format("%m-%d %H:%M")
                .to_string(),
            reason_alias: r.decision.reason.map(|x| x.alias()),
        }
    }

    fn cells(&self) -> [String; 8] {
        [
            self.local[1].clone(),
            self.id.clone(),
            self.service.clone(),
            self.local[0].clone(),
            compact(chrono::TimeDelta::seconds(self.response_seconds)),
            self.action.as_str().to_string(),
            self.fee_paid.map(|m| m.to_string()).unwrap_or_default(),
            self.reason.unwrap_or("").to_string(),
        ]
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Log {
    rows: Vec<Row>,
}

impl Log {
    fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "decided_at",
            "id",
            "service",
            "category",
            "kind",
            "arrived_at",
            "response_seconds",
            "action",
            "reason",
            "note",
            "fee_amount",
            "fee_currency",
            // The same fee in major units ("360.00"), so a spreadsheet does not read the
            // minor units (36000) as the price.
            "fee",
            "origin",
        ];
        w.write_record(header).expect("writing to memory");
        for r in &self.rows {
            w.write_record([
                rfc3339(r.decided_at),
                r.id.clone(),
                r.service.clone(),
                r.category.clone(),
                r.kind.as_str().to_string(),
                rfc3339(r.arrived_at),
                r.response_seconds.to_string(),
                r.action.as_str().to_string(),
                r.reason.unwrap_or("").to_string(),
                r.note.clone().unwrap_or_default(),
                r.fee_paid.map(|m| m.amount.to_string()).unwrap_or_default(),
                r.fee_paid
                    .map(|m| m.currency.code().to_string())
                    .unwrap_or_default(),
                r.fee_paid.map(|m| m.major_units()).unwrap_or_default(),
                r.origin.clone(),
            ])
            .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 is UTF-8")
    }
}

impl Report for Log {
    fn human(&self, style: &Style) -> String {
        use render::table::{Cell, Cells, Column, GiveWay, Table};
        let column = |header, cells| Column { header, cells };
        let columns = vec![
            column("DECIDED", Cells::Whole),
            column("ID", Cells::Whole),
            column("SERVICE", Cells::Cut(16)),
            column("ARRIVED", Cells::Whole),
            column("AFTER", Cells::Whole),
            column("ACTION", Cells::Whole),
            column("FEE PAID", Cells::Whole),
            column("REASON", Cells::Whole),
        ];
        // On a narrow terminal the arrival goes first (the decision time less the response
        // time), then long services are cut, then dates lose their year and reasons shorten to
        // the aliases `--reason` takes; below 70 columns the response time goes too.
        let give_way = vec![
            GiveWay::Drop(3),
            GiveWay::Cut,
            GiveWay::Shorten(0),
            GiveWay::Shorten(7),
            GiveWay::Drop(4),
        ];
        let mut table = Table::new(columns, give_way).with_capacity(self.rows.len());
        for r in &self.rows {
            let [decided, id, service, arrived, after, action, fee, reason] = r.cells();
            table.add_row(vec![
                Cell::new(decided).short(r.short_decided.clone()),
                Cell::new(id),
                Cell::new(service),
                Cell::new(arrived),
                Cell::new(after),
                Cell::new(action),
                Cell::new(fee),
                Cell::new(reason).short(r.reason_alias.unwrap_or("")),
            ]);
        }
        let accepted = self
            .rows
            .iter()
            .filter(|r| r.action == Action::Accept)
            .count();
        let paid = format_sum(self.rows.iter().filter_map(|r| r.fee_paid));
        let footer = format!(
            "{} decisions · {accepted} accepted for {} · {} rejected",
            self.rows.len(),
            paid,
            self.rows.len() - accepted
        );
        format!(
            "{}\n{}\n",
            table.render(style),
            style.dim(&style.wrap_hanging(&footer))
        )
    }

    fn plain(&self, _: &Style) -> String {
        let mut out = String::new();
        for r in &self.rows {
            let mut cells = r.cells();
            cells[0] = rfc3339(r.decided_at);
            cells[3] = rfc3339(r.arrived_at);
            render::push_tsv_row(&mut out, &cells);
        }
        out
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
