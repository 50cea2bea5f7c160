//! The lead filter flags, shared by every command that selects leads.

use clap::ValueEnum;

use crate::context::Ctx;
use crate::domain::filter::{KindFilter, LeadFilter, Order, StatusFilter};
use crate::domain::fit::FitLevel;
use crate::domain::freshness::Span;
use crate::domain::money::Amount;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only these categories (repeat or comma-separate: --category cleaning,moving)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "SLUG",
        help_heading = "Filters"
    )]
    pub category: Vec<String>,

    /// Only these places: part of a city or district name, or a postcode prefix (repeatable)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "PLACE",
        help_heading = "Filters"
    )]
    pub city: Vec<String>,

    /// Only leads created at least this long ago (e.g. 12h, 2d)
    #[arg(long, value_name = "DUR", help_heading = "Filters")]
    pub older_than: Option<Span>,

    /// Only answerable leads that lapse within this long (e.g. 6h)
    #[arg(long, value_name = "DUR", help_heading = "Filters")]
    pub expiring_within: Option<Span>,

    /// Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)
    #[arg(long, value_name = "AMOUNT", help_heading = "Filters")]
    pub fee_above: Option<Amount>,

    /// Only leads whose fee is below this amount, in major units
    #[arg(long, value_name = "AMOUNT", help_heading = "Filters")]
    pub fee_below: Option<Amount>,

    /// New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Filters")]
    pub kind: Option<KindArg>,

    /// Only leads of this fit to your working conditions: match, partial, miss (comma-separate
    /// several)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FIT",
        help_heading = "Filters"
    )]
    pub fit: Vec<FitArg>,

    /// At most this many leads
    #[arg(long, value_name = "N", value_parser = WholeNumber::<u32>::at_least(1), allow_negative_numbers = true, help_heading = "Filters")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitArg {
    /// Meets every condition set
    Match,
    /// Misses only budget, fee or schedule
    Partial,
    /// Misses the service or the area
    Miss,
}

/// `--sort`, for the commands that show the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Least time left first
    #[default]
    Time,
    /// Highest score first: time left, fit and fee against budget (`leads show` explains it)
    Score,
}

impl SortArg {
    pub fn order(self) -> Order {
        match self {
            SortArg::Time => Order::TimeLeft,
            SortArg::Score => Order::Score,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    #[default]
    Pending,
    Accepted,
    Rejected,
    Expired,
    All,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    #[default]
    #[value(name = "new_lead", alias = "new-lead")]
    NewLead,
    Promotion,
    All,
}

/// `--status`, for the commands that select leads by where they stand.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StatusFlag {
    /// Which leads by status; "expired" includes pending leads past their expiry
    #[arg(long, value_enum, default_value_t = StatusArg::Pending, value_name = "STATUS", help_heading = "Filters")]
    pub status: StatusArg,
}

impl StatusFlag {
    pub fn to_filter(&self) -> StatusFilter {
        match self.status {
            StatusArg::Pending => StatusFilter::Pending,
            StatusArg::Accepted => StatusFilter::Accepted,
            StatusArg::Rejected => StatusFilter::Rejected,
            StatusArg::Expired => StatusFilter::Expired,
            StatusArg::All => StatusFilter::All,
        }
    }
}

impl FilterArgs {
    /// The filter these flags describe, with `status`, and `default_kind` when --kind is absent;
    /// fit is judged by the config's working conditions.
    pub fn to_filter(
        &self,
        status: StatusFilter,
        default_kind: KindFilter,
        ctx: &Ctx,
    ) -> LeadFilter {
        let conditions = &ctx.config.conditions;
        // Without conditions every lead is a match: say so, rather than let `--fit miss`
        // quietly select nothing.
        if !self.fit.is_empty() && conditions.is_empty() {
            ctx.out.note(
                "--fit: no working conditions are set ([conditions] in the config), so every \
                 lead is a match; config.example.toml shows how to set them",
            );
        }
        LeadFilter {
            categories: self.category.iter().map(|c| c.trim().to_string()).collect(),
            cities: self.city.iter().map(|c| c.trim().to_string()).collect(),
            older_than: self.older_than.map(|s| s.0),
            expiring_within: self.expiring_within.map(|s| s.0),
            fee_above: self.fee_above,
            fee_below: self.fee_below,
            status,
            kind: match self.kind {
                None => default_kind,
                Some(KindArg::NewLead) => KindFilter::NewLead,
                Some(KindArg::Promotion) => KindFilter::Promotion,
                Some(KindArg::All) => KindFilter::All,
            },
            fit: self
                .fit
                .iter()
                .map(|f| match f {
                    FitArg::Match => FitLevel::Match,
                    FitArg::Partial => FitLevel::Partial,
                    FitArg::Miss => FitLevel::Miss,
                })
                .collect(),
            conditions: conditions.clone(),
            order: Order::TimeLeft,
            limit: self.limit.map(|n| n as usize),
        }
    }
}

/// A whole-number flag within bounds, refused in words: clap's own parser says "invalid digit
/// found in string" and "0 is not in 1..=4294967295".
#[derive(Clone, Copy, Debug)]
pub struct WholeNumber<T> {
    min: T,
    /// None: as large as the type holds.
    max: Option<T>,
}

impl<T> WholeNumber<T> {
    pub fn at_least(min: T) -> Self {
        WholeNumber { min, max: None }
    }

    pub fn between(min: T, max: T) -> Self {
        WholeNumber {
            min,
            max: Some(max),
        }
    }
}

impl<T> clap::builder::TypedValueParser for WholeNumber<T>
where
    T: std::str::FromStr + PartialOrd + Copy + Into<u64> + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        let parsed = text.trim().parse::<T>().ok();
        if let Some(n) = parsed.filter(|&n| n >= self.min && self.max.is_none_or(|max| n <= max)) {
            return Ok(n);
        }
        let grouped = |n: T| crate::domain::money::format_units(n.into(), 0);
        let wanted = match self.max {
            None => format!("a whole number, at least {}", grouped(self.min)),
            Some(max) => format!(
                "a whole number from {} to {}",
                grouped(self.min),
                grouped(max)
            ),
        };
        let arg = arg.map_or_else(|| "the value".to_string(), ToString::to_string);
        Err(clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            format!("invalid value '{text}' for '{arg}': write {wanted}\n"),
        )
        .with_cmd(cmd))
    }
}
